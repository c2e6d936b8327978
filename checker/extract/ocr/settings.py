"""What OCR does and what it may cost: the mode, the language and the limits of reading scanned pages.

``mode`` decides which pages are read by OCR: ``"auto"`` (the default) only pages with images and no text
layer, and image files; ``"never"`` none (a scanned PDF is refused as before); ``"force"`` every PDF page,
its text layer ignored (for PDFs whose text layer is garbage). The limits keep a hostile scan from
costing more than a genuine one: pixels per page (a decompression bomb is refused before it is decoded),
the rendering resolution, seconds per page, and how many pages of one document may need OCR.

The settings live in :mod:`checker.limits` with the other limits, as plain data the command line can
show without importing the pipeline; they are re-exported here.
"""

from __future__ import annotations

from checker.limits import OCR_MODES, OcrMode, OcrSettings, is_language

__all__ = ["OCR_MODES", "OcrMode", "OcrSettings", "is_language"]
