"""OCR: scanned pages read with Tesseract into the lines and boxes a text PDF gives.

- :mod:`~checker.extract.ocr.settings`: the mode (``auto``/``never``/``force``), language and limits;
- :mod:`~checker.extract.ocr.straighten`: quarter turns and small skews undone before reading, and boxes
  mapped back onto the page as scanned;
- :mod:`~checker.extract.ocr.tesseract`: one page image → lines with boxes and a confidence;
- :mod:`~checker.extract.ocr.pages`: which pages need OCR, rendering PDF pages and opening image files
  within the pixel, page and time limits, and laying the lines out as running text.

The PDF reader (:mod:`checker.extract.pdf`) and the image reader (:mod:`checker.extract.image`) use it.
"""

from checker.extract.ocr.settings import OCR_MODES, OcrMode, OcrSettings

__all__ = ["OCR_MODES", "OcrMode", "OcrSettings"]
