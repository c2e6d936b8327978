"""Typed errors a user can act on.

Every error that can reach a user is a :class:`ClauseCheckError` with a stable ``code``, a message that
says what happened, and a hint that says what to do. They are raised where the problem is known and
caught once, at the CLI or app boundary, so that no traceback reaches the user.
"""

from __future__ import annotations

__all__ = [
    "ArchiveBombError",
    "ClauseCheckError",
    "CorruptDocumentError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "FileTooLargeError",
    "LegacyFormatError",
    "LibraryError",
    "LimitExceededError",
    "NoTextLayerError",
    "OcrUnavailableError",
    "PlaybookError",
    "ReportError",
    "UnsafeDocumentError",
    "UnsupportedFormatError",
    "UnsupportedLanguageError",
]


class ClauseCheckError(Exception):
    """Base of every error clausecheck reports to a user."""

    code = "error"

    def __init__(self, message: str, *, hint: str = "", path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tail = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}{tail}"

    def to_dict(self) -> dict[str, str]:
        """The error as plain data, for JSON output and error rows."""
        return {"code": self.code, "message": self.message, "hint": self.hint, "path": self.path}


class UnsupportedFormatError(ClauseCheckError):
    """The file is of a kind clausecheck does not read."""

    code = "unsupported_format"


class LegacyFormatError(UnsupportedFormatError):
    """A legacy office format (.doc, .rtf, .odt, .xls) that must be converted first."""

    code = "legacy_format"


class EncryptedDocumentError(ClauseCheckError):
    """The document is password protected and no (or a wrong) password was given."""

    code = "encrypted"


class NoTextLayerError(ClauseCheckError):
    """A scanned PDF: pages with images but no text; OCR is needed."""

    code = "no_text_layer"

    def __init__(self, message: str, *, pages: list[int] | None = None, **kw: str) -> None:
        super().__init__(message, **kw)
        self.pages = pages or []


class CorruptDocumentError(ClauseCheckError):
    """The file is truncated, damaged, or not what its extension says."""

    code = "corrupt"


class UnsafeDocumentError(CorruptDocumentError):
    """The file carries something no honest document needs and parsers can be attacked with (a DTD)."""

    code = "unsafe_document"


class EmptyDocumentError(ClauseCheckError):
    """The file is empty or holds no text at all."""

    code = "empty"


class FileTooLargeError(ClauseCheckError):
    """The file is over the configured size limit."""

    code = "too_large"


class LimitExceededError(ClauseCheckError):
    """A resource limit was hit: pages, text length, time or memory."""

    code = "limit_exceeded"


class ArchiveBombError(ClauseCheckError):
    """A DOCX/XLSX whose uncompressed size or compression ratio is absurd."""

    code = "archive_bomb"


class UnsupportedLanguageError(ClauseCheckError):
    """The contract is not in English; the library only reads English."""

    code = "unsupported_language"


class LibraryError(ClauseCheckError):
    """A control file of the clause library is invalid."""

    code = "library_invalid"


class PlaybookError(ClauseCheckError):
    """A playbook file is invalid or names something that does not exist."""

    code = "playbook_invalid"


class ReportError(ClauseCheckError):
    """A report cannot be written in the requested format (e.g. a DOCX annotation of a PDF)."""

    code = "report_unavailable"


class OcrUnavailableError(ClauseCheckError):
    """A page needs OCR but Tesseract (or the language asked for) is not installed."""

    code = "ocr_unavailable"
