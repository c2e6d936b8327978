"""PDF → :class:`~checker.models.Document`, with line boxes, page sizes and page furniture removed.

Two engines share one interface. The default, ``"pdfium"`` (pypdfium2), reads text and text rectangles
at several hundred pages a second. ``"pdfplumber"`` is about a hundred times slower (pdfminer's layout
analysis) but orders lines top to bottom and renders ruled tables row by row ("cell | cell"). Pages are
read one at a time and closed at once, so only their lines (not the page objects) stay in memory.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from checker.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    NoTextLayerError,
)
from checker.extract.builder import Extracted
from checker.extract.limits import Limits, check_pages
from checker.extract.ocr.pages import lay_out, read_pdf_pages
from checker.extract.ocr.tesseract import PageReading
from checker.extract.pdf_layout import PageLines, RawLine
from checker.extract.pdf_streams import check_streams

__all__ = ["PdfEngine", "extract_pdf"]

PdfEngine = Literal["pdfium", "pdfplumber"]

_LINE = re.compile(r"[^\r\n]+")
# PDFium reports a word hyphenated at a line end as one text line with U+FFFE (or U+0002) where the
# hyphen and the line break were; the visual line ends there.
_SOFT_BREAK = re.compile("[\ufffe\x02]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe]")


def _password_error(password: str | None, path: str) -> EncryptedDocumentError:
    if password is None:
        return EncryptedDocumentError(
            "The PDF is encrypted and needs a password to open.",
            hint="Give the document's password (password=..., or --password in the CLI).",
            path=path,
        )
    return EncryptedDocumentError(
        "The password given for this encrypted PDF is wrong.",
        hint="Check the password (it is case-sensitive) and try again.",
        path=path,
    )


def _corrupt(path: str, detail: str) -> CorruptDocumentError:
    return CorruptDocumentError(
        f"The PDF cannot be read; it is damaged, truncated or not really a PDF ({detail}).",
        hint="Download or export the file again, or print it to a new PDF.",
        path=path,
    )


def _rect_union(textpage: pdfium.PdfTextPage, start: int, count: int, height: float) -> tuple[float, ...]:
    rects = [textpage.get_rect(j) for j in range(textpage.count_rects(start, count))]
    if not rects:
        return (0.0, 0.0, 0.0, 0.0)
    left = min(r[0] for r in rects)
    right = max(r[2] for r in rects)
    top = max(r[3] for r in rects)
    bottom = min(r[1] for r in rects)
    return (round(left, 2), round(max(0.0, height - top), 2), round(right, 2), round(height - bottom, 2))


def _pdfium_page_lines(textpage: pdfium.PdfTextPage, number: int, height: float) -> list[RawLine]:
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:
        return _pdfium_lines_by_rect(textpage, number, height)
    lines: list[RawLine] = []
    for match in _LINE.finditer(text):
        start, glued = match.start(), False
        for piece in [*_SOFT_BREAK.split(match.group()), None]:
            if piece is None:
                break
            clean = _CONTROL.sub("", piece).strip()
            if clean:
                bbox = _rect_union(textpage, start, len(piece), height)
                lines.append(RawLine(clean, number, (bbox[0], bbox[1], bbox[2], bbox[3]), glued=glued))
            start += len(piece) + 1
            glued = True
    return lines


def _pdfium_lines_by_rect(textpage: pdfium.PdfTextPage, number: int, height: float) -> list[RawLine]:
    """Fallback when PDFium's text and char indices disagree (rare): one line per text rectangle."""
    lines = []
    for j in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(j)
        clean = _CONTROL.sub("", textpage.get_text_bounded(left, bottom, right, top)).strip()
        if clean:
            lines.append(
                RawLine(" ".join(clean.split()), number, (left, height - top, right, height - bottom))
            )
    return lines


def _pdfium_pages(data: bytes, password: str | None, limits: Limits, path: str) -> Iterator[PageLines]:
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _password_error(password, path) from None
        raise _corrupt(path, str(exc).removeprefix("Failed to load document ")) from None
    try:
        check_pages(len(pdf), limits, path)
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    lines = _pdfium_page_lines(textpage, index + 1, height)
                finally:
                    textpage.close()
                has_images = not lines and any(True for _ in page.get_objects([pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            finally:
                page.close()
            yield PageLines(index + 1, width, height, lines, has_images)
    except pdfium.PdfiumError as exc:
        raise _corrupt(path, str(exc)) from None
    finally:
        pdf.close()


def _plumber_pages(data: bytes, password: str | None, limits: Limits, path: str) -> Iterator[PageLines]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=password or "")
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise _password_error(password, path) from None
        raise _corrupt(path, repr(cause)) from None
    with pdf:
        try:
            check_pages(len(pdf.pages), limits, path)
            for page in pdf.pages:
                lines = _plumber_page_lines(page)
                yield PageLines(
                    page.page_number, float(page.width), float(page.height), lines, bool(page.images)
                )
                page.close()  # drops pdfminer's cached layout objects for this page
        except (PdfminerException, PSException) as exc:
            raise _corrupt(path, repr(exc)) from None


def _plumber_page_lines(page: object) -> list[RawLine]:
    """Text lines top to bottom; ruled tables as one line per row, cells joined with " | "."""
    number = page.page_number  # type: ignore[attr-defined]
    tables = page.find_tables()  # type: ignore[attr-defined]
    boxes = [table.bbox for table in tables]
    lines: list[RawLine] = []
    for row in page.extract_text_lines(return_chars=False, strip=True):  # type: ignore[attr-defined]
        middle = (row["top"] + row["bottom"]) / 2
        if any(b[0] <= row["x0"] and row["x1"] <= b[2] and b[1] <= middle <= b[3] for b in boxes):
            continue
        lines.append(RawLine(row["text"], number, (row["x0"], row["top"], row["x1"], row["bottom"])))
    for table in tables:
        for cells, texts in zip(table.rows, table.extract(), strict=False):
            kept = [" ".join(t.split()) for t in texts if t and t.strip()]
            if kept:
                box = cells.bbox
                lines.append(RawLine(" | ".join(kept), number, (box[0], box[1], box[2], box[3]), whole=True))
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return lines


def extract_pdf(
    data: bytes, *, path: str = "", password: str | None = None, limits: Limits, engine: PdfEngine = "pdfium"
) -> Extracted:
    """Read a PDF's text layer, and with OCR the pages that have none (``limits.ocr``); raise a typed
    error for encrypted, scanned (OCR off), damaged or oversized files."""
    check_streams(data, limits, path)
    reader = _plumber_pages if engine == "pdfplumber" else _pdfium_pages
    pages = list(reader(data, password, limits, path))
    result = Extracted(page_sizes=[(round(p.width, 2), round(p.height, 2)) for p in pages])
    if not pages:
        raise EmptyDocumentError("The PDF has no pages.", path=path)
    readings = _read_scanned_pages(pages, data, password, limits, path)
    blank = [p.number for p in pages if not p.lines]
    scanned = [p.number for p in pages if not p.lines and p.has_images and p.number not in readings]
    if len(blank) == len(pages):
        if scanned:
            raise NoTextLayerError(
                f"The PDF has no text layer: it looks scanned; {_pages(scanned)} only images, no text.",
                hint="OCR is needed: run without --ocr never (Tesseract reads it), and check the result.",
                pages=scanned,
                path=path,
            )
        if readings:
            read = sorted(readings)
            raise NoTextLayerError(
                f"The PDF has no text layer: it looks scanned; {_pages(read)} only images, and OCR found no"
                " text on them.",
                hint="Check that the scan shows the contract's text, upright and legible; rescan it at 300 dpi.",
                pages=read,
                path=path,
            )
        raise EmptyDocumentError("The PDF contains no text at all.", path=path)
    if scanned:
        result.warnings.append(
            f"{_pages(scanned).capitalize()} only images and no text layer (scanned?); that content is"
            " missing from the text. OCR is needed to read it (it is off: --ocr never)."
        )
    result.warnings.extend(_document_notes(data, password))
    return lay_out(pages, readings, limits, path, page_sizes=result.page_sizes, warnings=result.warnings)


def _read_scanned_pages(
    pages: list[PageLines], data: bytes, password: str | None, limits: Limits, path: str
) -> dict[int, PageReading]:
    """OCR the pages that need it (all of them with ``--ocr force``); their lines replace the text layer's."""
    mode = limits.ocr.mode
    if mode == "never":
        return {}
    wanted = [p.number for p in pages if mode == "force" or (not p.lines and p.has_images)]
    if not wanted:
        return {}
    readings = read_pdf_pages(data, password, wanted, limits, path)
    for page in pages:
        reading = readings.get(page.number)
        if reading is not None:
            page.lines, page.width, page.height = reading.lines, reading.width, reading.height
    return readings


def _numbered(numbers: list[int]) -> str:
    """ "page 3" / "pages 1, 2", for messages that name the pages."""
    shown = ", ".join(str(n) for n in numbers[:20])
    more = f" and {len(numbers) - 20} more" if len(numbers) > 20 else ""
    return f"page {shown}" if len(numbers) == 1 else f"pages {shown}{more}"


def _pages(numbers: list[int]) -> str:
    """ "page 3 holds" / "pages 1, 2 hold", for messages that name the pages."""
    return _numbered(numbers) + (" holds" if len(numbers) == 1 else " hold")


_SCRIPT = re.compile(rb"/(?:JavaScript|JS|Launch)\b")


def _document_notes(data: bytes, password: str | None) -> list[str]:
    """Warnings about the file as a whole: owner-password restrictions, scripts, attached files.

    Scripts and attachments are never run or extracted (PDFium runs JavaScript only in a form
    environment, which is never created here); the reviewer is told they are there.
    """
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError:
        return []
    notes = []
    try:
        if password is None and pdfium_c.FPDF_GetSecurityHandlerRevision(pdf) != -1:
            notes.append(
                "The PDF is encrypted with an owner password only (copy/print restrictions); its text was"
                " read for review."
            )
        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf) > 0 or _SCRIPT.search(data):
            notes.append("The PDF contains JavaScript or launch actions; they were ignored and never run.")
        attached = pdfium_c.FPDFDoc_GetAttachmentCount(pdf)
        if attached > 0:
            notes.append(
                f"The PDF has {attached} attached file{'s' if attached > 1 else ''}; only the PDF's own text"
                " was read, attachments were neither opened nor extracted."
            )
    finally:
        pdf.close()
    return notes
