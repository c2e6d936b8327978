"""The XLSX report: findings, gaps, evidence, summary with a chart, coverage, provenance and errors.

One row per document (or bundle) × control on ``Findings``; ``Gaps`` keeps the rows still open after
review (weak, conflict or missing), most severe first. Status is written as a word and coloured by
conditional formatting, so filters, screen readers and black-and-white prints still read it. Every value
that comes from a contract, a playbook or a reviewer goes through :mod:`checker.report.cells` and can
never become a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checker.models import Assessment, Finding, InputError, Status
from checker.report.cells import write_cell
from checker.report.wording import (
    assessment_label,
    bundle_documents,
    effective_status,
    format_params,
    format_reasons,
    format_thresholds,
    gap_reason,
    open_gaps,
    override_text,
    parties_text,
    status_counts,
)

__all__ = ["SCORE_FORMAT", "STATUS_FILLS", "write_xlsx"]

#: Fill and font colour per status (the status text stays in the cell).
STATUS_FILLS: dict[Status, tuple[str, str]] = {
    Status.MET: ("C6EFCE", "006100"),
    Status.WEAK: ("FFEB9C", "7F5200"),
    Status.CONFLICT: ("FFC7CE", "9C0006"),
    Status.MISSING: ("D9D9D9", "262626"),
}
_EXCERPT_CHARS = 1000
_HEADER_FILL = PatternFill("solid", start_color="DDE3EA")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class _Col:
    header: str
    width: int
    wrap: bool = False
    status: bool = False
    number_format: str = ""


#: A score as every screen shows it: whole, halves up (48.5 → 49; see wording.format_score), the exact
#: value kept in the cell.
SCORE_FORMAT = "0"


def _write_sheet(ws: Worksheet, cols: Sequence[_Col], rows: Iterable[Sequence[object]]) -> int:
    """Header, rows, widths, frozen header, autofilter and status colours; returns the last row."""
    for c, col in enumerate(cols, start=1):
        cell = write_cell(ws, 1, c, col.header)
        cell.font, cell.fill, cell.alignment = Font(bold=True), _HEADER_FILL, _WRAP
        ws.column_dimensions[get_column_letter(c)].width = col.width
    last = 1
    for last, row in enumerate(rows, start=2):  # `last` outlives the loop: the last row written
        for c, (col, value) in enumerate(zip(cols, row, strict=True), start=1):
            cell = write_cell(ws, last, c, value)
            cell.alignment = _WRAP if col.wrap else _TOP
            if col.number_format:
                cell.number_format = col.number_format
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(last, 2)}"
    for c, col in enumerate(cols, start=1):
        if col.status:
            letter = get_column_letter(c)
            _colour_statuses(ws, f"{letter}2:{letter}{max(last, 2)}")
    return last


def _colour_statuses(ws: Worksheet, cell_range: str) -> None:
    for status, (fill, font) in STATUS_FILLS.items():
        rule = CellIsRule(
            operator="equal",
            formula=[f'"{status.value}"'],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font, bold=True),
        )
        ws.conditional_formatting.add(cell_range, rule)


def _excerpt(finding: Finding) -> str:
    if not finding.evidence:
        return ""
    text = finding.evidence[0].text
    if len(text) > _EXCERPT_CHARS:
        text = text[:_EXCERPT_CHARS] + " …"
    more = len(finding.evidence) - 1
    return text + (f"\n(+{more} more on the Evidence sheet)" if more else "")


def _first(finding: Finding) -> tuple[str | None, int | None]:
    ev = finding.evidence[0] if finding.evidence else None
    return (ev.section, ev.page) if ev else (None, None)


_FINDING_COLS = [
    _Col("Document", 24, wrap=True),
    _Col("Control", 22),
    _Col("Code", 8),
    _Col("Title", 30, wrap=True),
    _Col("Family", 14),
    _Col("Severity", 10),
    _Col("Status", 11, status=True),
    _Col("Status after review", 11, status=True),
    _Col("Parameters found", 22, wrap=True),
    _Col("Playbook threshold", 22, wrap=True),
    _Col("Reasons", 36, wrap=True),
    _Col("Reason codes", 18, wrap=True),
    _Col("Evidence", 60, wrap=True),
    _Col("Section", 10),
    _Col("Page", 6),
    _Col("Fallback language", 50, wrap=True),
    _Col("Reviewer decision", 12),
    _Col("Reviewer comment", 36, wrap=True),
    _Col("Reviewer", 14),
    _Col("Decided at", 20),
]


def _finding_rows(assessments: Sequence[Assessment]) -> Iterable[list[object]]:
    for a in assessments:
        label = assessment_label(a)
        for f in a.findings:
            section, page = _first(f)
            ov = f.override
            yield [
                label, f.control, f.catalogue, f.title, f.family, f.severity, f.status.value, effective_status(f).value,
                format_params(f.params), format_thresholds(f.thresholds), format_reasons(f.reasons),
                ", ".join(f.reason_codes), _excerpt(f), section, page, f.fallback,
                ov.decision if ov else "", ov.comment if ov else "", ov.reviewer if ov else "",
                ov.decided_at if ov else "",
            ]  # fmt: skip


_GAP_COLS = [
    _Col("Document", 24, wrap=True),
    _Col("Control", 22),
    _Col("Code", 8),
    _Col("Title", 30, wrap=True),
    _Col("Severity", 10),
    _Col("Status after review", 11, status=True),
    _Col("Why", 40, wrap=True),
    _Col("Evidence", 60, wrap=True),
    _Col("Section", 10),
    _Col("Page", 6),
    _Col("Fallback language", 50, wrap=True),
    _Col("Reviewer", 36, wrap=True),
]


def _gap_rows(assessments: Sequence[Assessment]) -> Iterable[list[object]]:
    for a in assessments:
        label = assessment_label(a)
        for f in open_gaps(a.findings):
            section, page = _first(f)
            yield [
                label, f.control, f.catalogue, f.title, f.severity, effective_status(f).value, gap_reason(f),
                _excerpt(f) or "(no clause binds the vendor)", section, page, f.fallback, override_text(f),
            ]  # fmt: skip


_EVIDENCE_COLS = [
    _Col("Document", 24, wrap=True),
    _Col("Control", 22),
    _Col("Status after review", 11, status=True),
    _Col("Source document", 24, wrap=True),
    _Col("Page", 6),
    _Col("Section", 10),
    _Col("Heading", 24, wrap=True),
    _Col("Start", 9),
    _Col("End", 9),
    _Col("OCR confidence", 10),
    _Col("Text", 80, wrap=True),
]


def _evidence_rows(assessments: Sequence[Assessment]) -> Iterable[list[object]]:
    for a in assessments:
        label = assessment_label(a)
        for f in a.findings:
            for ev in f.evidence:
                yield [label, f.control, effective_status(f).value, ev.document, ev.page, ev.section, ev.heading,
                       ev.start, ev.end, ev.ocr_confidence, ev.text]  # fmt: skip


_SUMMARY_COLS = [
    _Col("Document", 30, wrap=True),
    _Col("Playbook", 18),
    _Col("Score", 8, number_format=SCORE_FORMAT),
    *(_Col(s.value.capitalize(), 9) for s in Status),
    _Col("Controls", 9),
    _Col("Reviewed", 9),
    _Col("Score explanation", 50, wrap=True),
    _Col("Engine score", 9, number_format=SCORE_FORMAT),
    _Col("The engine said", 30, wrap=True),
]


def _summary_rows(assessments: Sequence[Assessment]) -> Iterable[list[object]]:
    for a in assessments:
        counts = status_counts(a.findings)  # after review: the reviewer's statuses are the truth
        engine = status_counts(a.findings, engine=True)
        reviewed = sum(1 for f in a.findings if f.override is not None)
        said = ", ".join(f"{engine[s]} {s.value}" for s in Status)
        yield [assessment_label(a), a.playbook, a.score, *(counts[s] for s in Status), len(a.findings),
               reviewed, a.score_explanation, a.score if a.engine_score is None else a.engine_score,
               said]  # fmt: skip


def _add_chart(ws: Worksheet, last_row: int) -> None:
    if last_row < 2:
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "clustered", 0
    chart.title, chart.y_axis.title = "Controls per status", "Controls"
    first = 4  # the status count columns of _SUMMARY_COLS
    data = Reference(ws, min_col=first, max_col=first + len(Status) - 1, min_row=1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last_row))
    for series, status in zip(chart.series, Status, strict=True):
        series.graphicalProperties.solidFill = STATUS_FILLS[status][1]
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"A{last_row + 3}")


_COVERAGE_COLS = [
    _Col("Document", 30, wrap=True),
    _Col("Framework", 14),
    _Col("Provision", 20, wrap=True),
    _Col("Required", 9),
    _Col("Met", 9),
    _Col("Controls", 50, wrap=True),
]

_PROVENANCE_COLS = [
    _Col("Assessment", 30, wrap=True),
    _Col("Document", 24, wrap=True),
    _Col("Path", 36, wrap=True),
    _Col("SHA-256", 20),
    _Col("Format", 7),
    _Col("Pages", 6),
    _Col("Tracked changes", 9),
    _Col("Playbook", 18),
    _Col("Playbook hash", 20),
    _Col("Library version", 12),
    _Col("Library hash", 20),
    _Col("Tool version", 10),
    _Col("Created", 20),
    _Col("Schema version", 8),
    _Col("Parties", 60, wrap=True),
    _Col("Notes", 60, wrap=True),
]


def _provenance_rows(assessments: Sequence[Assessment]) -> Iterable[list[object]]:
    for a in assessments:
        p = a.provenance
        for d in bundle_documents(a):
            yield [assessment_label(a), d.name, d.path, d.sha256, d.format, d.pages,
                   "yes" if d.has_tracked_changes else "no", p.playbook, p.playbook_hash, p.library_version,
                   p.library_hash, p.tool_version, p.created, a.schema_version, parties_text(d),
                   "\n".join(d.warnings)]  # fmt: skip


_ERROR_COLS = [_Col("File", 36, wrap=True), _Col("Code", 18), _Col("Problem", 50, wrap=True),
               _Col("What to do", 50, wrap=True)]  # fmt: skip


def write_xlsx(
    assessments: Sequence[Assessment], out: str | Path | BinaryIO, *, errors: Sequence[InputError] = ()
) -> None:
    """Write the workbook for ``assessments`` (and inputs that failed) to a path or binary stream."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "Findings"
    _write_sheet(ws, _FINDING_COLS, _finding_rows(assessments))
    _write_sheet(wb.create_sheet("Gaps"), _GAP_COLS, _gap_rows(assessments))
    _write_sheet(wb.create_sheet("Evidence"), _EVIDENCE_COLS, _evidence_rows(assessments))
    summary = wb.create_sheet("Summary")
    _add_chart(summary, _write_sheet(summary, _SUMMARY_COLS, _summary_rows(assessments)))
    coverage = ([assessment_label(a), c.framework, c.provision, c.required, c.met, ", ".join(c.controls)]
                for a in assessments for c in a.coverage)  # fmt: skip
    _write_sheet(wb.create_sheet("Coverage"), _COVERAGE_COLS, coverage)
    _write_sheet(wb.create_sheet("Provenance"), _PROVENANCE_COLS, _provenance_rows(assessments))
    all_errors = [*(e for a in assessments for e in a.errors), *errors]
    error_rows = ([e.path, e.code, e.message, e.hint] for e in all_errors)
    _write_sheet(wb.create_sheet("Errors"), _ERROR_COLS, error_rows)
    wb.save(out)
