"""Reading the input sheet: an ``.xlsx`` workbook or a ``.csv`` file, as rows of text.

Every value is kept as text (dates as ISO dates, whole numbers without ".0") so the scored sheet can give
the user back exactly what they sent. Workbooks are streamed (``read_only=True``) so a 100,000-row sheet
costs about as much memory as its text; a sheet over ``max_rows`` is refused before anything is scored.
Files that are not a readable sheet are refused with a typed error that says what to do: a legacy
``.xls``, a password-protected workbook (Office encrypts it into an OLE2 container), a damaged file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from checker.errors import (
    ArchiveBombError,
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    FileTooLargeError,
    LegacyFormatError,
    LimitExceededError,
    UnsupportedFormatError,
)
from checker.limits import MAX_ROWS

__all__ = ["MAX_ROWS", "InputSheet", "SheetRow", "read_sheet", "read_sheet_bytes"]

MAX_SHEET_BYTES = 200 * 1024 * 1024
_MAX_UNPACKED = 1024**3
_MAX_RATIO = 100.0
_RATIO_FLOOR = 10 * 1024 * 1024  # small parts compress well for honest reasons
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class SheetRow:
    """One data row: its row number in the sheet (the header is row 1 when it is the first row)."""

    number: int
    values: tuple[str, ...]

    def get(self, column: int | None) -> str:
        """The stripped text of ``column`` (0-based), or "" when the row is shorter or no column is given."""
        if column is None or column >= len(self.values):
            return ""
        return self.values[column].strip()


@dataclass(frozen=True)
class InputSheet:
    """The header and the non-blank data rows of the sheet, in order."""

    name: str
    headers: tuple[str, ...]
    rows: list[SheetRow]


def read_sheet(path: str | Path, *, max_rows: int = MAX_ROWS) -> InputSheet:
    """Read the sheet at ``path`` (see :func:`read_sheet_bytes`)."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_SHEET_BYTES:
            raise FileTooLargeError(
                f"The sheet is {size / 1024**2:,.0f} MB; the limit is {MAX_SHEET_BYTES // 1024**2} MB.",
                hint="Split it into several sheets.",
                path=str(path),
            )
        data = file.read_bytes()
    except OSError as exc:
        raise CorruptDocumentError(f"The sheet cannot be read: {exc.strerror}.", path=str(path)) from None
    return read_sheet_bytes(data, file.name, max_rows=max_rows, path=str(path))


def read_sheet_bytes(data: bytes, name: str, *, max_rows: int = MAX_ROWS, path: str = "") -> InputSheet:
    """Read an uploaded sheet: the first worksheet of an ``.xlsx``, or a CSV in UTF-8/UTF-16 with any delimiter."""
    shown = path or name
    suffix = PurePath(name).suffix.lower()
    if data.startswith(_OLE2):
        if suffix in (".xlsx", ".xlsm"):
            raise EncryptedDocumentError(
                "The workbook is password protected (encrypted), so it cannot be read.",
                hint="Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with"
                " Password, clear it) and save it again as .xlsx.",
                path=shown,
            )
        raise LegacyFormatError(
            "This is a legacy Excel .xls workbook, which clausecheck does not read.",
            hint="Open it in Excel or LibreOffice and save it as .xlsx (or CSV), or run:"
            " libreoffice --headless --convert-to xlsx FILE.xls",
            path=shown,
        )
    if data.startswith(b"PK"):
        rows: Iterable[tuple[str, ...]] = _xlsx_rows(data, shown)
    elif suffix in _CSV_SUFFIXES or not data.strip(b"\0 \r\n\t"):
        rows = _csv_rows(data, shown)
    elif suffix in (".xlsx", ".xlsm"):
        raise CorruptDocumentError("The file is named .xlsx but is not an Excel workbook.", path=shown)
    else:
        raise UnsupportedFormatError(
            f"A batch sheet must be .xlsx or .csv, not {suffix or 'a file without extension'}.",
            hint="Save the sheet as .xlsx or CSV.",
            path=shown,
        )
    return _collect(rows, name, shown, max_rows)


def _collect(rows: Iterable[tuple[str, ...]], name: str, shown: str, max_rows: int) -> InputSheet:
    headers: tuple[str, ...] | None = None
    body: list[SheetRow] = []
    most = 2 * max_rows + 1000  # blank rows count too: a sheet of empty rows must not run for minutes
    for number, values in enumerate(rows, start=1):
        if number > most:
            raise LimitExceededError(
                f"The sheet has more than {most:,} rows (counting blank ones), over the limit for one batch.",
                hint="Delete the empty rows, or split the sheet.",
                path=shown,
            )
        if not any(v.strip() for v in values):
            continue  # blank rows separate nothing we need and are not inputs
        if headers is None:
            headers = tuple(v.strip() for v in values)
            continue
        if len(body) >= max_rows:
            raise LimitExceededError(
                f"The sheet has more than {max_rows:,} data rows, the limit for one batch.",
                hint=f"Split it into sheets of at most {max_rows:,} rows, or raise the limit (--max-rows).",
                path=shown,
            )
        body.append(SheetRow(number, values))
    if headers is None:
        raise EmptyDocumentError(
            "The sheet is empty.", hint="Add a header row and one row per contract.", path=shown
        )
    if not body:
        raise EmptyDocumentError(
            "The sheet has a header row but no data rows.", hint="Add one row per contract.", path=shown
        )
    width = len(headers)
    headers = tuple(h or f"Column {i + 1}" for i, h in enumerate(headers))
    longest = max(len(r.values) for r in body)
    if longest > width:  # data beyond the header still belongs to the row and is given back
        headers = headers + tuple(f"Column {i + 1}" for i in range(width, longest))
    return InputSheet(name, headers, body)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_zip(data: bytes, shown: str) -> None:
    """Refuse an archive bomb from the zip directory, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptDocumentError(
            f"The workbook is damaged and cannot be opened ({exc}).", path=shown
        ) from None
    total = sum(i.file_size for i in infos)
    # Real sheet XML compresses about 10-20:1 (100,000 rows of repeated values: 17:1); bombs 600:1 and up.
    ratio = max(
        (i.file_size / max(1, i.compress_size) for i in infos if i.file_size > _RATIO_FLOOR), default=0
    )
    if total > _MAX_UNPACKED or ratio > _MAX_RATIO:
        raise ArchiveBombError(
            f"The workbook would unpack to {total / 1024**2:,.0f} MB (compressed up to {ratio:,.0f}:1):"
            " it looks like an archive bomb and was not read.",
            hint="Save the sheet again as .xlsx or CSV.",
            path=shown,
        )


def _xlsx_rows(data: bytes, shown: str) -> Iterator[tuple[str, ...]]:
    from openpyxl import load_workbook

    _check_zip(data, shown)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise CorruptDocumentError(
            f"The file cannot be read as an Excel workbook ({type(exc).__name__}: {exc}).",
            hint="Open it in Excel and save it again as .xlsx, or export it as CSV.",
            path=shown,
        ) from None
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield tuple(_text(v) for v in row)
    finally:
        wb.close()


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(data: bytes, shown: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if len(data) >= 4 and data[1::2][:2] == b"\0\0" and data[0::2][:2] != b"\0\0":
        return data.decode("utf-16-le", errors="replace")  # UTF-16 without a BOM (ASCII text in it)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _csv_rows(data: bytes, shown: str) -> Iterator[tuple[str, ...]]:
    text = _decode(data, shown).replace("\0", "")
    sample = text[: 64 * 1024]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # one column, or too little text to tell: commas
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield tuple(row)
    except csv.Error as exc:
        raise CorruptDocumentError(
            f"The CSV cannot be parsed ({exc}).", hint="Save it again as CSV.", path=shown
        ) from None
