"""Resource limits for extraction, and the checks that enforce them.

Every limit error names the limit and how to raise it, so a user with a legitimately huge contract knows
what to change (``Limits(max_pages=5000)`` in code, the matching option in the CLI or app).
"""

from __future__ import annotations

from checker.errors import FileTooLargeError, LimitExceededError
from checker.limits import MB, Limits

__all__ = ["MB", "Limits", "check_chars", "check_file_size", "check_pages"]

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
