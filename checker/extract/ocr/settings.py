"""What OCR does and what it may cost: the mode, the language and the limits of reading scanned pages.

``mode`` decides which pages are read by OCR: ``"auto"`` (the default) only pages with images and no text
layer, and image files; ``"never"`` none (a scanned PDF is refused as before); ``"force"`` every PDF page,
its text layer ignored (for PDFs whose text layer is garbage). The limits keep a hostile scan from
costing more than a genuine one: pixels per page (a decompression bomb is refused before it is decoded),
the rendering resolution, seconds per page, and how many pages of one document may need OCR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["OCR_MODES", "OcrMode", "OcrSettings", "is_language"]

OcrMode = Literal["auto", "never", "force"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "never", "force")
_LANGUAGE = re.compile(r"[a-z]{3}(?:_[a-z]+)?(?:\+[a-z]{3}(?:_[a-z]+)?)*", re.I)


def is_language(lang: str) -> bool:
    """Whether ``lang`` has the shape of Tesseract language codes: "eng", "deu+eng", "chi_sim"."""
    return bool(_LANGUAGE.fullmatch(lang))


@dataclass(frozen=True)
class OcrSettings:
    """OCR choices and limits; ``lang`` is Tesseract's language code(s), e.g. ``"eng"`` or ``"eng+deu"``.

    ``dpi`` is the resolution PDF pages are rendered at for OCR; ``max_dpi`` caps the resolution an image
    is read at (a 1,200-dpi scan is scaled down first: it costs four times the time for no better
    reading). ``min_confidence`` is the page confidence (0-100) below which a page is named in the
    report to be checked by eye.
    """

    mode: OcrMode = "auto"
    lang: str = "eng"
    dpi: int = 300
    max_dpi: int = 400
    page_timeout_s: float = 60.0
    max_pages: int = 100
    max_image_pixels: int = 60_000_000
    min_confidence: float = 80.0
