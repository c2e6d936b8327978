"""Bulk scoring: a spreadsheet of vendors and their contracts in, a scored spreadsheet out.

::

    sheet = read_sheet("vendors.xlsx")
    outcome = run_batch(sheet, open_docs("contracts.zip", "vendors.xlsx"), BatchOptions(playbook="baseline"))
    write_scored_workbook(outcome, "scored.xlsx")

The stages, one module each: :mod:`~checker.batch.sheet` reads the input (xlsx or csv),
:mod:`~checker.batch.columns` finds the vendor/file/text columns, :mod:`~checker.batch.docs` locates
the documents (folder, ZIP, uploads), :mod:`~checker.batch.plan` turns rows into jobs,
:mod:`~checker.batch.engine` runs them in isolated workers (:mod:`checker.isolate`) with a result cache
(:mod:`~checker.batch.cache`), and :mod:`~checker.batch.workbook` writes the scored spreadsheet.
"""

from __future__ import annotations

from checker.batch.columns import ColumnError, Columns, detect_columns
from checker.batch.docs import DocsFolder, DocsMapping, DocsZip, MissingDocumentError, open_docs
from checker.batch.engine import BatchOptions, BatchOutcome, Progress, RowOutcome, run_batch
from checker.batch.sheet import MAX_ROWS, InputSheet, SheetRow, read_sheet, read_sheet_bytes
from checker.batch.workbook import write_scored_workbook

__all__ = [
    "MAX_ROWS",
    "BatchOptions",
    "BatchOutcome",
    "ColumnError",
    "Columns",
    "DocsFolder",
    "DocsMapping",
    "DocsZip",
    "InputSheet",
    "MissingDocumentError",
    "Progress",
    "RowOutcome",
    "SheetRow",
    "detect_columns",
    "open_docs",
    "read_sheet",
    "read_sheet_bytes",
    "run_batch",
    "write_scored_workbook",
]
