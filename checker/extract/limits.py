"""Resource limits for extraction, and the checks that enforce them.

Every limit error names the limit and how to raise it, so a user with a legitimately huge contract knows
what to change (``Limits(max_pages=5000)`` in code, the matching option in the CLI or app).
"""

from __future__ import annotations

from checker.errors import FileTooLargeError, LimitExceededError
from checker.limits import MB, Limits

__all__ = [
    "MB",
    "Limits",
    "check_chars",
    "check_file_size",
    "check_image_pixels",
    "check_ocr_pages",
    "check_pages",
    "limit_hint",
]

#: The command-line option that raises each limit (``check`` and ``batch``).
_OPTIONS = {
    "max_pages": ("--max-pages", 1),
    "max_file_bytes": ("--max-file-mb", MB),
    "max_chars": ("--max-chars", 1),
    "ocr.max_pages": ("--max-ocr-pages", 1),
    "ocr.page_timeout_s": ("--ocr-page-timeout", 1),
    "ocr.max_image_pixels": ("--max-image-mp", 1_000_000),
}


def limit_hint(field: str, value: int | float) -> str:
    """How to raise the limit ``field`` (dotted for OCR limits, ``ocr.max_pages``) to ``value``."""
    option = _OPTIONS.get(field)
    group, _, name = field.rpartition(".")
    code = f"Limits(ocr=OcrSettings({name}=...))" if group == "ocr" else f"Limits({field}=...)"
    if option is None:
        return f"If this file is genuine, raise the limit in code: {code.replace('...', repr(value))}."
    flag, unit = option
    shown = int(-(-value // unit))
    return f"If this file is genuine, raise the limit: {flag} {shown} on the command line ({code} in code)."


def check_file_size(size: int, limits: Limits, path: str = "") -> None:
    """Refuse a file larger than ``limits.max_file_bytes``."""
    if size > limits.max_file_bytes:
        raise FileTooLargeError(
            f"The file is {size / MB:.1f} MB, over the limit max_file_bytes ({limits.max_file_bytes / MB:.0f} MB).",
            hint=limit_hint("max_file_bytes", size + 1),
            path=path,
        )


def check_pages(pages: int, limits: Limits, path: str = "") -> None:
    """Refuse a document with more than ``limits.max_pages`` pages."""
    if pages > limits.max_pages:
        raise LimitExceededError(
            f"The document has {pages} pages, over the limit max_pages ({limits.max_pages}).",
            hint=limit_hint("max_pages", pages),
            path=path,
        )


def check_chars(chars: int, limits: Limits, path: str = "") -> None:
    """Refuse a document whose text is longer than ``limits.max_chars`` characters."""
    if chars > limits.max_chars:
        raise LimitExceededError(
            f"The document's text is over {limits.max_chars:,} characters, the limit max_chars.",
            hint=limit_hint("max_chars", limits.max_chars * 2),
            path=path,
        )


def check_ocr_pages(pages: int, limits: Limits, path: str = "") -> None:
    """Refuse a document in which more than ``limits.ocr.max_pages`` pages need OCR."""
    if pages > limits.ocr.max_pages:
        raise LimitExceededError(
            f"The document has {pages:,} pages that need OCR (images without text), over the limit"
            f" max_ocr_pages ({limits.ocr.max_pages}).",
            hint=limit_hint("ocr.max_pages", pages),
            path=path,
        )


def check_image_pixels(width: int, height: int, limits: Limits, path: str = "", page: int = 1) -> None:
    """Refuse a page image of more than ``limits.ocr.max_image_pixels`` pixels before it is decoded."""
    pixels = width * height
    if pixels > limits.ocr.max_image_pixels:
        raise LimitExceededError(
            f"Page {page} is an image of {width:,} × {height:,} pixels ({pixels / 1e6:,.0f} megapixels), over"
            f" the limit max_image_pixels ({limits.ocr.max_image_pixels / 1e6:g} megapixels); it was not"
            " decoded (a decompression bomb looks like this).",
            hint=limit_hint("ocr.max_image_pixels", pixels),
            path=path,
        )
