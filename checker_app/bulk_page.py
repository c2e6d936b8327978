"""Bulk: a spreadsheet of vendors and the contracts it names in, a scored spreadsheet out.

The batch engine (:mod:`checker.batch`) does the work in isolated worker processes, one document or
vendor bundle at a time, so one hostile file cannot stop the run; every row comes back scored or with
the error that stopped it. Nothing is written to disk: the result cache is off and the scored workbook
is built in memory for the download.
"""

from __future__ import annotations

import io
import os
from typing import Any, Final

import pandas as pd
import streamlit as st
from openpyxl import Workbook

from checker.batch import (
    BatchOptions,
    BatchOutcome,
    ColumnError,
    Progress,
    detect_columns,
    read_sheet_bytes,
    run_batch,
    write_scored_workbook,
)
from checker.batch.sheet import InputSheet
from checker.errors import ClauseCheckError
from checker.extract import Limits
from checker.extract.ocr.settings import OCR_MODES, OcrSettings
from checker.isolate import IsolationLimits
from checker.report.wording import format_score, status_counts
from checker_app.bulk_inputs import UploadedDocs
from checker_app.engine import get_checker
from checker_app.findings_table import STATUS_ICONS
from checker_app.playbooks import playbook_label, playbook_summary, shipped_playbooks
from checker_app.register_record import record_outcome
from checker_app.safe_text import escape_markdown

__all__ = ["COLUMN_HELP", "outcome_rows", "render", "template_sheet"]

_STATE_RESULT = "bulk_result"
_AUTO = "(detect)"


def _workers() -> int:
    """Two workers at most: the app shares the machine with whoever is using it."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(2, cores - 1))


#: The columns a bulk sheet may have, as the page and the template explain them.
COLUMN_HELP: Final = (
    ("Vendor", "the vendor's name; rows with the same vendor can be assessed as one bundle"),
    (
        "Contract file",
        "the file name of each contract, as uploaded (or inside an uploaded ZIP); several files in one cell"
        " are separated by a semicolon (msa.pdf; dpa.docx) or a line break",
    ),
    ("Clause text", "optional: security clauses pasted as text, for a vendor with no file"),
)
_TEMPLATE_ROWS: Final = (
    ("Acme Cloud Ltd", "acme-msa.pdf; acme-dpa.docx", ""),
    ("Northwind Analytics", "northwind-terms.docx", ""),
    ("Small Vendor Inc", "", "Vendor shall notify Customer of any Security Incident within 24 hours."),
)


def template_sheet() -> bytes:
    """A bulk sheet to fill in: the three columns, example rows, and a second sheet explaining them."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "Vendors"
    ws.append([name for name, _ in COLUMN_HELP])
    for row in _TEMPLATE_ROWS:
        ws.append(list(row))
    for letter, width in zip("ABC", (28, 40, 60), strict=True):
        ws.column_dimensions[letter].width = width
    help_ws = wb.create_sheet("How to fill it in")
    help_ws.append(["Column", "What goes in it"])
    for name, text in COLUMN_HELP:
        help_ws.append([name, text])
    help_ws.column_dimensions["A"].width, help_ws.column_dimensions["B"].width = 16, 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def outcome_rows(outcome: BatchOutcome) -> list[dict[str, Any]]:
    """One plain-text row per sheet row: scored, or what stopped it, in the row itself."""
    rows = []
    for row in outcome.rows:
        result = outcome.results.get(row.job) if row.job is not None else None
        a = result.assessment if result else None
        counts = status_counts(a.findings) if a else {}
        file_ref = row.row.get(outcome.columns.file)
        errors = "\n".join(f"{e.path}: {e.message} {e.hint}".strip() for e in row.errors)
        if a:
            verdict = "✔ Scored" + (" (with errors)" if row.errors else "")
        else:  # the error is the result: it goes where the score would be, not off-screen
            verdict = "✖ Not scored: " + (row.errors[0].message if row.errors else "no document to assess")
        rows.append(
            {
                "Row": row.row.number,
                "Vendor": row.vendor,
                "File": file_ref or "",
                "Result": verdict,
                "Score": int(format_score(a.score)) if a else pd.NA,
                **{f"{STATUS_ICONS[s]} {s.value.capitalize()}": counts.get(s, pd.NA) for s in STATUS_ICONS},
                "Errors": errors,
                "Notes": "\n".join(row.notes),
            }
        )
    return rows


def _sheet_help() -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        st.markdown(
            "**The sheet** has one row per contract (or per vendor), with these columns (headers are"
            " recognised, and you can pick them below; other columns are kept as they are):"
        )
        st.markdown("\n".join(f"- **{name}**: {escape_markdown(text)}" for name, text in COLUMN_HELP))
    right.download_button(
        "Template sheet (.xlsx)",
        data=template_sheet(),
        file_name="clausecheck-bulk-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="bulk_template",
        width="stretch",
    )


def _read_sheet() -> InputSheet | None:
    upload = st.file_uploader(
        "Spreadsheet of vendors (xlsx or csv)",
        type=["xlsx", "csv"],
        key="bulk_sheet",
    )
    if upload is None:
        return None
    try:
        return read_sheet_bytes(upload.getvalue(), upload.name)
    except ClauseCheckError as exc:
        st.error(
            f"**{escape_markdown(upload.name)}** cannot be read: {escape_markdown(exc.message)}"
            f" {escape_markdown(exc.hint)}",
            icon=":material/error:",
        )
        return None


def _columns(sheet: InputSheet) -> dict[str, str | None]:
    """The column choices: detected by default, overridable by header."""
    choices = [_AUTO, *sheet.headers]
    with st.expander("Columns"):
        a, b, c = st.columns(3)
        picked = {
            "vendor_col": a.selectbox("Vendor column", choices, key="bulk_vendor_col"),
            "file_col": b.selectbox("Contract file column", choices, key="bulk_file_col"),
            "text_col": c.selectbox("Pasted clause text column", choices, key="bulk_text_col"),
        }
    return {k: (None if v == _AUTO else v) for k, v in picked.items()}


def _run(sheet: InputSheet, docs: UploadedDocs, options: BatchOptions) -> BatchOutcome | None:
    bar = st.progress(0.0, text="Starting the workers…")

    def progress(p: Progress) -> None:
        eta = f" · about {p.eta:.0f} s to go" if p.eta is not None and p.done < p.total else ""
        bar.progress(
            p.done / p.total if p.total else 1.0, text=f"Scored {p.done} of {p.total} documents{eta}"
        )

    try:
        outcome = run_batch(sheet, docs, options, progress=progress)
    except ClauseCheckError as exc:  # the columns cannot be told apart, or no worker could start
        st.error(f"{escape_markdown(exc.message)} {escape_markdown(exc.hint)}", icon=":material/error:")
        return None
    bar.progress(1.0, text=f"Done: {len(outcome.jobs)} documents or bundles in {outcome.seconds:.0f} s")
    return outcome


def _show_result(outcome: BatchOutcome, workbook: bytes) -> None:
    failed = outcome.failed_rows
    st.subheader("Results")
    cols = st.columns(3)
    cols[0].metric("Rows", len(outcome.rows))
    cols[1].metric("Scored", len(outcome.rows) - failed)
    cols[2].metric("With errors", failed)
    st.download_button(
        "Scored spreadsheet (.xlsx)",
        data=workbook,
        file_name="clausecheck-scored.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        type="primary",
        key="bulk_download",
    )
    record_outcome(outcome)
    st.dataframe(
        pd.DataFrame(outcome_rows(outcome)),
        hide_index=True,
        width="stretch",
        column_config={
            "Score": st.column_config.NumberColumn(format="%.0f"),
            **{
                f"{i} {s.value.capitalize()}": st.column_config.NumberColumn(format="%d")
                for s, i in STATUS_ICONS.items()
            },
            "Result": st.column_config.TextColumn(width="large"),
            "Errors": st.column_config.TextColumn(width="large"),
        },
        row_height=56,
        key="bulk_table",
    )


def render() -> None:
    """The Bulk page."""
    library = get_checker().library
    st.title("Bulk scoring")
    st.caption(
        "Score a whole portfolio: a spreadsheet of vendors plus the contracts it names. Each document is read"
        " in its own worker process with a time and memory limit; a row that fails says why, and the rest"
        " are still scored."
    )
    _sheet_help()
    sheet = _read_sheet()
    files = st.file_uploader(
        "Contract files named in the sheet (or a ZIP of them)",
        accept_multiple_files=True,
        key="bulk_docs",
        help="PDF, DOCX, TXT, Markdown, HTML or scans (PNG, JPEG, TIFF; read with OCR), or ZIP archives"
        " holding them. Matched by file name.",
    )
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    playbook = left.selectbox(
        "Playbook",
        shipped_playbooks(library),
        format_func=lambda n: playbook_label(n, library),
        key="bulk_pb",
    )
    left.caption(escape_markdown(playbook_summary(library.playbooks[playbook], library)))
    ocr_mode = middle.selectbox(
        "OCR for scanned pages",
        OCR_MODES,
        key="bulk_ocr_mode",
        help="auto: pages without a text layer and image files are read with Tesseract on this machine;"
        " never: scans are refused; force: every PDF page is read by OCR.",
    )
    by_vendor = right.checkbox(
        "One bundle per vendor", key="bulk_group", help="Assess all rows of a vendor together, as one bundle."
    )
    if sheet is None:
        st.info("Upload a spreadsheet to start.", icon=":material/upload_file:")
        return
    docs = UploadedDocs({f.name: f.getvalue() for f in files or []})
    for name, exc in docs.errors.items():
        st.error(
            f"**{escape_markdown(name)}**: {escape_markdown(exc.message)} {escape_markdown(exc.hint)}",
            icon=":material/error:",
        )
    picked = _columns(sheet)
    try:
        found = detect_columns(
            sheet.headers, vendor=picked["vendor_col"], file=picked["file_col"], text=picked["text_col"]
        )
    except ColumnError as exc:
        st.error(f"{escape_markdown(exc.message)} {escape_markdown(exc.hint)}", icon=":material/error:")
        return
    named = [sheet.headers[i] for i in (found.vendor, found.file, found.text) if i is not None]
    st.caption(
        f"{len(sheet.rows)} rows · {docs.count} documents uploaded · reading columns: "
        + escape_markdown(", ".join(named) or "none")
    )
    if st.button("Score the sheet", type="primary", key="bulk_run"):
        options = BatchOptions(
            playbook=playbook,
            workers=_workers(),
            group_by_vendor=by_vendor,
            limits=IsolationLimits(extract=Limits(ocr=OcrSettings(mode=ocr_mode))),
            cache_dir=None,  # nothing on disk: the app keeps no result cache
            vendor_col=picked["vendor_col"],
            file_col=picked["file_col"],
            text_col=picked["text_col"],
        )
        outcome = _run(sheet, docs, options)
        if outcome is not None:
            buf = io.BytesIO()
            write_scored_workbook(outcome, buf)
            st.session_state[_STATE_RESULT] = (outcome, buf.getvalue())
    result = st.session_state.get(_STATE_RESULT)
    if result is not None:
        _show_result(*result)
