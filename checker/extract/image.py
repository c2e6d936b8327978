"""Scanned pages as image files (PNG, JPEG, TIFF; a multi-page TIFF is one document) → text by OCR.

The pages are read with Tesseract (:mod:`checker.extract.ocr`) and then laid out exactly as the lines
of a PDF page are (:func:`~checker.extract.pdf_layout.assemble`): the same text, page map and line boxes,
in points at the scan's resolution, so evidence is boxed on the image as it is on a PDF page.
"""

from __future__ import annotations

from checker.errors import EmptyDocumentError, UnsupportedFormatError
from checker.extract.builder import Extracted
from checker.extract.limits import Limits
from checker.extract.ocr.pages import lay_out, read_image_pages

__all__ = ["extract_image"]


def extract_image(data: bytes, *, path: str = "", limits: Limits) -> Extracted:
    """Read the pages of an image file with OCR; refuse it when OCR is off (``--ocr never``)."""
    if limits.ocr.mode == "never":
        raise UnsupportedFormatError(
            "The file is an image of a page, and OCR is off (--ocr never).",
            hint="Run without --ocr never so that Tesseract reads it, and check the result.",
            path=path,
        )
    pages, readings, sizes = [], {}, []
    for page, reading in read_image_pages(data, limits, path):
        sizes.append((round(page.width, 2), round(page.height, 2)))
        # Laid out on the straightened page; scanned_lines() moves the boxes back onto the scan.
        page.lines, page.width, page.height = reading.lines, reading.width, reading.height
        pages.append(page)
        readings[page.number] = reading
    if not any(p.lines for p in pages):
        raise EmptyDocumentError(
            "OCR found no text in the image.",
            hint="Check that the scan shows the contract's text, upright and in focus.",
            path=path,
        )
    return lay_out(pages, readings, limits, path, page_sizes=sizes, warnings=[])
