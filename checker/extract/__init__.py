"""Extraction: a contract file (PDF, DOCX, TXT, Markdown, HTML, or a scan read by OCR) becomes a :class:`~checker.models.Document`.

One interface over one module per format::

    doc = extract_file("dpa.pdf")                       # or extract_bytes(data, "dpa.pdf") for uploads
    doc.text, doc.page_of(offset), doc.lines, doc.headings, doc.warnings

The format is sniffed from the content (magic bytes) first and the file name second; a file whose name
says otherwise is read by its content, with a warning. Everything a user can get wrong (encrypted,
scanned, damaged, legacy, oversized, archive bombs) raises a typed :class:`~checker.errors.ClauseCheckError`
that names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path

from checker.errors import ClauseCheckError, CorruptDocumentError, EmptyDocumentError
from checker.extract.builder import Extracted
from checker.extract.docx import extract_docx
from checker.extract.image import extract_image
from checker.extract.limits import Limits, check_file_size
from checker.extract.pdf import PdfEngine, extract_pdf
from checker.extract.sniff import extension_mismatch, sniff_format
from checker.extract.text import extract_html, extract_markdown, extract_txt
from checker.models import Document, DocumentFormat

__all__ = ["Limits", "PdfEngine", "extract_bytes", "extract_file", "sniff_format"]


def extract_file(
    path: str | Path,
    *,
    password: str | None = None,
    limits: Limits | None = None,
    pdf_engine: PdfEngine = "pdfium",
) -> Document:
    """Read the file at ``path`` into a :class:`Document` (see :func:`extract_bytes`)."""
    limits = limits or Limits()
    shown = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise CorruptDocumentError(f"The file cannot be opened: {exc.strerror}.", path=shown) from None
    check_file_size(size, limits, shown)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CorruptDocumentError(f"The file cannot be read: {exc.strerror}.", path=shown) from None
    return extract_bytes(data, file.name, password=password, limits=limits, pdf_engine=pdf_engine, path=shown)


def extract_bytes(
    data: bytes,
    name: str,
    *,
    password: str | None = None,
    limits: Limits | None = None,
    pdf_engine: PdfEngine = "pdfium",
    path: str | None = None,
) -> Document:
    """Read ``data`` (the bytes of a file called ``name``) into a :class:`Document`.

    ``password`` opens encrypted PDFs; ``pdf_engine="pdfplumber"`` trades speed (about 100×) for
    top-to-bottom line order and ruled tables rendered row by row. ``path`` is recorded as the
    document's path (``name`` when not given).
    """
    limits = limits or Limits()
    shown = path if path is not None else name
    try:
        check_file_size(len(data), limits, shown)
        fmt = sniff_format(data, name)
        result = _read(fmt, data, password=password, limits=limits, engine=pdf_engine, path=shown)
    except ClauseCheckError as exc:
        exc.path = exc.path or shown
        raise
    except (
        RecursionError,
        MemoryError,
        zipfile.BadZipFile,
        zlib.error,  # a damaged deflate stream inside a DOCX member (zipfile does not wrap it)
        EOFError,  # a zip member shorter than its header says
        NotImplementedError,  # a zip member packed with a method zipfile does not know
        ValueError,
        KeyError,
        IndexError,
        OSError,
    ) as exc:
        # A malformed file can trip any parser in unexpected ways; the user gets a typed error, not a trace.
        raise CorruptDocumentError(
            f"The file could not be read; it appears to be damaged ({type(exc).__name__}: {exc}).",
            hint="Open it in its application and save or export it again.",
            path=shown,
        ) from exc
    if not result.text.strip():
        raise EmptyDocumentError(
            "The document contains no text.", hint="Check that the right file was chosen.", path=shown
        )
    mismatch = extension_mismatch(fmt, name)
    warnings = [mismatch, *result.warnings] if mismatch else result.warnings
    return Document(
        path=shown,
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        text=result.text,
        pages=len(result.page_starts),
        page_starts=result.page_starts,
        page_sizes=result.page_sizes,
        lines=result.lines,
        headings=result.headings,
        furniture=result.furniture,
        has_tracked_changes=result.has_tracked_changes,
        warnings=warnings,
        ocr_pages=result.ocr_pages,
    )


def _read(
    fmt: DocumentFormat, data: bytes, *, password: str | None, limits: Limits, engine: PdfEngine, path: str
) -> Extracted:
    if fmt is DocumentFormat.PDF:
        return extract_pdf(data, path=path, password=password, limits=limits, engine=engine)
    if fmt is DocumentFormat.DOCX:
        return extract_docx(data, path=path, limits=limits)
    if fmt is DocumentFormat.HTML:
        return extract_html(data, path=path, limits=limits)
    if fmt is DocumentFormat.IMAGE:
        return extract_image(data, path=path, limits=limits)
    if fmt is DocumentFormat.MD:
        return extract_markdown(data, path=path, limits=limits)
    return extract_txt(data, path=path, limits=limits)
