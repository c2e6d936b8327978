"""Resource limits for extraction, and the checks that enforce them.

Every limit error names the limit and how to raise it, so a user with a legitimately huge contract knows
what to change (``Limits(max_pages=5000)`` in code, the matching option in the CLI or app).
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.errors import FileTooLargeError, LimitExceededError

__all__ = ["Limits", "check_chars", "check_file_size", "check_pages"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one input may cost to read.

    ``max_uncompressed_bytes`` and ``max_compression_ratio`` guard zip containers (DOCX) against archive
    bombs, checked on the zip directory before any XML is parsed, and PDFs against decompression bombs,
    checked on their FlateDecode streams before PDFium reads them. ``max_zip_entries`` bounds the number
    of members of a zip container.
    """

    max_file_bytes: int = 50 * MB
    max_pages: int = 2_000
    max_chars: int = 10_000_000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: float = 100.0
    max_zip_entries: int = 10_000


#: The command-line option that raises each limit (``check`` and ``batch``).
_OPTIONS = {
    "max_pages": ("--max-pages", 1),
    "max_file_bytes": ("--max-file-mb", MB),
    "max_chars": ("--max-chars", 1),
}


def _hint(field: str, value: int | float) -> str:
    option = _OPTIONS.get(field)
    if option is None:
        return f"If this file is genuine, raise the limit in code: Limits({field}={value!r})."
    flag, unit = option
    shown = int(-(-value // unit))
    return f"If this file is genuine, raise the limit: {flag} {shown} on the command line (Limits({field}=...) in code)."


def check_file_size(size: int, limits: Limits, path: str = "") -> None:
    """Refuse a file larger than ``limits.max_file_bytes``."""
    if size > limits.max_file_bytes:
        raise FileTooLargeError(
            f"The file is {size / MB:.1f} MB, over the limit max_file_bytes ({limits.max_file_bytes / MB:.0f} MB).",
            hint=_hint("max_file_bytes", size + 1),
            path=path,
        )


def check_pages(pages: int, limits: Limits, path: str = "") -> None:
    """Refuse a document with more than ``limits.max_pages`` pages."""
    if pages > limits.max_pages:
        raise LimitExceededError(
            f"The document has {pages} pages, over the limit max_pages ({limits.max_pages}).",
            hint=_hint("max_pages", pages),
            path=path,
        )


def check_chars(chars: int, limits: Limits, path: str = "") -> None:
    """Refuse a document whose text is longer than ``limits.max_chars`` characters."""
    if chars > limits.max_chars:
        raise LimitExceededError(
            f"The document's text is over {limits.max_chars:,} characters, the limit max_chars.",
            hint=_hint("max_chars", limits.max_chars * 2),
            path=path,
        )
