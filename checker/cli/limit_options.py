"""Command-line options for the resource limits, shared by ``check`` and ``batch``.

Every limit error names the option that raises it, so a user with a genuinely huge contract is never
stuck: ``--timeout`` and ``--memory-mb`` for a worker, ``--max-pages``, ``--max-file-mb`` and
``--max-chars`` for reading a document.
"""

from __future__ import annotations

import argparse
from typing import Any

from checker.limits import MB, OCR_MODES, IsolationLimits, Limits, OcrSettings, is_language

__all__ = ["add_limit_options", "add_ocr_options", "extract_limits", "isolation_limits", "ocr_settings"]

_DEFAULT = Limits()
_OCR = OcrSettings()


def add_ocr_options(parser: Any) -> None:
    """Add the OCR choices and limits (``check``, ``extract`` and ``batch``)."""
    group = parser.add_argument_group("OCR (scanned pages, PNG/JPEG/TIFF)")
    group.add_argument(
        "--ocr",
        choices=OCR_MODES,
        default=_OCR.mode,
        help="auto: OCR pages without a text layer and image files (default); never: refuse scans;"
        " force: OCR every PDF page, ignoring its text layer",
    )
    group.add_argument(
        "--ocr-lang",
        type=_language,
        default=_OCR.lang,
        help=f"Tesseract language(s), e.g. eng+deu (default {_OCR.lang})",
    )
    group.add_argument(
        "--ocr-min-confidence",
        type=float,
        default=_OCR.min_confidence,
        help=f"pages read with less OCR confidence (0-100) are named in the report (default {_OCR.min_confidence:g})",
    )
    group.add_argument(
        "--ocr-page-timeout",
        type=float,
        default=_OCR.page_timeout_s,
        help=f"seconds of OCR per page; a slower page is named and skipped (default {_OCR.page_timeout_s:g})",
    )
    group.add_argument(
        "--max-ocr-pages",
        type=int,
        default=_OCR.max_pages,
        help=f"pages of one document that may need OCR (default {_OCR.max_pages})",
    )
    group.add_argument(
        "--max-image-mp",
        type=int,
        default=_OCR.max_image_pixels // 1_000_000,
        help=f"megapixels per page image (default {_OCR.max_image_pixels // 1_000_000})",
    )
    group.add_argument(
        "--ocr-max-dpi",
        type=int,
        default=_OCR.max_dpi,
        help=f"finer scans are scaled down to this resolution before OCR (default {_OCR.max_dpi})",
    )


def _language(value: str) -> str:
    if not is_language(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a Tesseract language code (like eng, deu+eng or chi_sim)"
        )
    return value


def ocr_settings(args: argparse.Namespace) -> OcrSettings:
    """The OCR settings the options ask for."""
    return OcrSettings(
        mode=args.ocr,
        lang=args.ocr_lang,
        min_confidence=args.ocr_min_confidence,
        page_timeout_s=args.ocr_page_timeout,
        max_pages=args.max_ocr_pages,
        max_image_pixels=args.max_image_mp * 1_000_000,
        max_dpi=args.ocr_max_dpi,
    )


def add_limit_options(parser: Any, *, worker: bool = True) -> None:
    """Add the limit options (and the OCR options) to a sub-command's parser."""
    add_ocr_options(parser)
    group = parser.add_argument_group("limits")
    if worker:
        group.add_argument(
            "--timeout", type=float, default=120.0, help="seconds allowed per document (default 120)"
        )
        group.add_argument(
            "--memory-mb", type=int, default=2048, help="address space per worker in MiB (default 2048)"
        )
    group.add_argument(
        "--max-pages",
        type=int,
        default=_DEFAULT.max_pages,
        help=f"pages per document (default {_DEFAULT.max_pages})",
    )
    group.add_argument(
        "--max-file-mb",
        type=int,
        default=_DEFAULT.max_file_bytes // MB,
        help=f"size of one file in MiB (default {_DEFAULT.max_file_bytes // MB})",
    )
    group.add_argument(
        "--max-chars",
        type=int,
        default=_DEFAULT.max_chars,
        help=f"characters of text per document (default {_DEFAULT.max_chars:,})",
    )


def extract_limits(args: argparse.Namespace) -> Limits:
    """The extraction limits the options ask for."""
    return Limits(
        max_pages=args.max_pages,
        max_file_bytes=args.max_file_mb * MB,
        max_chars=args.max_chars,
        ocr=ocr_settings(args),
    )


def isolation_limits(args: argparse.Namespace) -> IsolationLimits:
    """The worker and extraction limits the options ask for."""
    return IsolationLimits(timeout_s=args.timeout, memory_mb=args.memory_mb, extract=extract_limits(args))
