"""Spreadsheet and CSV cells that never turn contract text into a formula.

Contract text and spreadsheet input are untrusted: a clause that reads ``=HYPERLINK("http://x", "Click")``
must reach the lawyer as those characters, never as a live formula. The rules, used by every XLSX and
CSV the tool writes (reports and the batch engine's scored sheets):

* **XLSX**: text is written verbatim as a string cell (``data_type = "s"``; openpyxl would otherwise store
  any string starting with ``=`` as a formula). A string that *looks* like a formula (starts with ``=``,
  ``+``, ``-``, ``@``, tab or CR, also after leading spaces, or with their full-width forms) also gets
  Excel's ``quotePrefix`` style: the cell shows the text unchanged, and editing it in Excel or
  LibreOffice keeps it text. We do not prepend an apostrophe in XLSX because it would be visible and
  would alter the quote a lawyer copies.
* **CSV** has no cell types, so :func:`escape_csv_field` prefixes formula-like text with an apostrophe
  (OWASP's "CSV injection" advice): ``=1+1`` becomes ``'=1+1``. Real numbers are not prefixed.
* Characters XML cannot hold (C0 controls other than tab, LF and CR) are dropped, and text longer than
  Excel's cell limit is cut with a visible marker.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_CELL_CHARS",
    "clean_text",
    "escape_csv_field",
    "is_formula_like",
    "safe_cell_value",
    "write_cell",
    "write_text_cell",
]

#: First characters that make a spreadsheet program read a value as a formula (or DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

#: Excel's limit on the characters of one cell.
MAX_CELL_CHARS = 32_767
_TRUNCATED = " … [truncated]"

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CellValue = str | int | float | bool | None


def clean_text(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` without XML-illegal characters, cut to ``limit`` characters with a visible marker."""
    text = _XML_ILLEGAL.sub("", text)
    if len(text) > limit:
        text = text[: limit - len(_TRUNCATED)] + _TRUNCATED
    return text


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(FORMULA_PREFIXES) or text.lstrip(" ").startswith(FORMULA_PREFIXES)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def safe_cell_value(value: object) -> CellValue:
    """A value fit for a cell: numbers, booleans and None as they are, anything else as clean text.

    The returned text may still look like a formula; write it with :func:`write_text_cell`, which
    stores it as a string.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(str(value))


def write_text_cell(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write ``value`` as text that stays text, whatever it starts with, and return the cell."""
    text = "" if value is None else clean_text(str(value))
    cell = ws.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"  # after the assignment, which marks "=..." as a formula
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def write_cell(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write a number as a number and everything else through :func:`write_text_cell`."""
    if value is None or _is_number(value):
        cell = ws.cell(row=row, column=column)
        cell.value = value
        return cell
    return write_text_cell(ws, row, column, value)


def escape_csv_field(value: object) -> str:
    """A CSV field that no spreadsheet program evaluates: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if _is_number(value):
        return str(value)
    text = clean_text(str(value), limit=len(str(value)))
    return "'" + text if is_formula_like(text) else text
