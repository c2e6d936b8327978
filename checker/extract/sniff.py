"""Decide what a file really is: magic bytes first, the file name's extension second.

Formats clausecheck cannot read are refused here with a typed error that says what to do: legacy Word
(.doc, OLE2), RTF, OpenDocument, password-protected Word files (OOXML inside an OLE2 container), other
zip archives, GIF images and other binary files. PNG, JPEG and TIFF scans are read with OCR.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from checker.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LegacyFormatError,
    UnsupportedFormatError,
)
from checker.models import DocumentFormat

__all__ = ["EXTENSIONS", "extension_mismatch", "sniff_format"]

EXTENSIONS: dict[DocumentFormat, frozenset[str]] = {
    DocumentFormat.PDF: frozenset({".pdf"}),
    DocumentFormat.DOCX: frozenset({".docx", ".docm", ".dotx", ".dotm"}),
    DocumentFormat.TXT: frozenset({".txt", ".text"}),
    DocumentFormat.MD: frozenset({".md", ".markdown", ".mdown"}),
    DocumentFormat.HTML: frozenset({".html", ".htm", ".xhtml"}),
    DocumentFormat.IMAGE: frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"}),
}
_CONVERT = (
    "Open it in Word or LibreOffice and save it as .docx (or PDF), or convert it on the command line:"
    " libreoffice --headless --convert-to docx FILE"
)
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
#: Scans clausecheck reads with OCR (checker.extract.image), and images it does not read.
_SCANS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_IMAGES = {b"GIF8": "GIF"}


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _sniff_zip(data: bytes, name: str) -> DocumentFormat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(
            f"The file is a damaged or truncated zip container (DOCX) and cannot be opened ({exc}).",
            hint="Open it in Word and save it again, or get a fresh copy.",
        ) from None
    if b"opendocument" in mimetype:
        raise LegacyFormatError(
            f"OpenDocument files ({_suffix(name) or '.odt'}) are not read directly.", hint=_CONVERT
        )
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DocumentFormat.DOCX
    if "[Content_Types].xml" in names and any(n.startswith(("xl/", "ppt/")) for n in names):
        raise UnsupportedFormatError(
            "This is an Excel or PowerPoint file, not a contract document clausecheck can read.",
            hint="Export the contract as DOCX or PDF.",
        )
    error = (
        CorruptDocumentError if _suffix(name) in EXTENSIONS[DocumentFormat.DOCX] else UnsupportedFormatError
    )
    raise error(
        "The file is a zip archive but not a Word document (no [Content_Types].xml / word/document.xml).",
        hint="Unpack the archive and check the contract documents inside it one by one.",
    )


def _sniff_binary(data: bytes, name: str) -> None:
    """Raise for binary formats we recognise but do not read."""
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data[: 1 << 20]:
            raise EncryptedDocumentError(
                "The Word document is password protected (encrypted), so its text cannot be read.",
                hint="Open it in Word, remove the password (File > Info > Protect Document), and save again.",
            )
        kind = "Excel 97-2003 (.xls)" if _suffix(name) == ".xls" else "Word 97-2003 (.doc)"
        raise LegacyFormatError(f"Legacy {kind} files are not supported.", hint=_CONVERT)
    if data.lstrip()[:5] == b"{\\rtf":
        raise LegacyFormatError("RTF files are not supported.", hint=_CONVERT)
    for magic, kind in _IMAGES.items():
        if data.startswith(magic):
            raise UnsupportedFormatError(
                f"The file is a {kind} image, not a document with text.",
                hint="Save the scan as PNG, JPEG, TIFF or PDF: clausecheck reads those with OCR.",
            )
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormatError(
            "The file is binary and of no format clausecheck reads (PDF, DOCX, TXT, Markdown, HTML).",
            hint="Export the contract as PDF or DOCX.",
        )


def sniff_format(data: bytes, name: str) -> DocumentFormat:
    """The format of ``data``: magic bytes decide, the extension of ``name`` breaks ties for text.

    Raises a typed error for empty input and for formats that must be converted first.
    """
    if not data[:4096].strip() and not data.strip():
        raise EmptyDocumentError("The file is empty.", hint="Check that the right file was chosen.")
    if b"%PDF-" in data[:1024]:
        return DocumentFormat.PDF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, name)
    if data.startswith(_SCANS):
        return DocumentFormat.IMAGE
    _sniff_binary(data, name)
    suffix = _suffix(name)
    for fmt in (DocumentFormat.MD, DocumentFormat.HTML, DocumentFormat.TXT):
        if suffix in EXTENSIONS[fmt]:
            return fmt
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return DocumentFormat.HTML
    if suffix in EXTENSIONS[DocumentFormat.PDF] | EXTENSIONS[DocumentFormat.DOCX]:
        raise CorruptDocumentError(
            f"The file is named {suffix} but holds no {suffix[1:].upper()} data (it is plain text or damaged).",
            hint="Download or export the document again.",
        )
    return DocumentFormat.TXT


def extension_mismatch(fmt: DocumentFormat, name: str) -> str | None:
    """A warning when the file name's extension names another format than the content has."""
    suffix = _suffix(name)
    known = set().union(*EXTENSIONS.values())
    if suffix in known and suffix not in EXTENSIONS[fmt]:
        return f"The file is named {suffix} but its content is {fmt.value.upper()}; it was read as {fmt.value.upper()}."
    return None
