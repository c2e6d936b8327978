"""The resource limits, as plain data: what one input may cost to read and what one worker may use.

They live apart from the code that enforces them (:mod:`checker.extract.limits`, :mod:`checker.isolate`,
:mod:`checker.batch.sheet`) so that the command line can show their defaults in ``--help`` without
importing the pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "MAX_ROWS",
    "MB",
    "OCR_MODES",
    "IsolationLimits",
    "Limits",
    "OcrMode",
    "OcrSettings",
    "is_language",
]

MB = 1024 * 1024

#: Rows of a batch sheet read before the sheet is refused.
MAX_ROWS = 100_000


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


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one input may cost to read.

    ``max_uncompressed_bytes`` and ``max_compression_ratio`` guard zip containers (DOCX) against archive
    bombs, checked on the zip directory before any XML is parsed, and PDFs against decompression bombs,
    checked on their FlateDecode streams before PDFium reads them. ``max_zip_entries`` bounds the number
    of members of a zip container. ``ocr`` holds the OCR mode and the limits of reading scanned pages.
    """

    max_file_bytes: int = 50 * MB
    max_pages: int = 2_000
    max_chars: int = 10_000_000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: float = 100.0
    max_zip_entries: int = 10_000
    ocr: OcrSettings = field(default_factory=OcrSettings)


@dataclass(frozen=True)
class IsolationLimits:
    """Wall-clock seconds per document and address space per worker, plus the extraction limits."""

    timeout_s: float = 120.0
    memory_mb: int = 2048
    extract: Limits = field(default_factory=Limits)
