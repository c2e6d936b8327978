"""The scored spreadsheet: the input rows with their scores, plus Gaps, Evidence, Summary, Errors, Run.

``Results`` gives back every input row, in order, with its original columns (as text), the score, one
column per control with its status as a word (coloured by conditional formatting), the notification
hours found, notes and errors. ``Gaps`` lists each vendor × control not met with the reason, the
evidence, where it is and the fallback language; ``Summary`` counts the portfolio per control, names the
vendors that lack it and draws a bar chart.

The workbook is written in openpyxl's write-only mode, so a 100,000-row sheet streams to disk. Every
value from a contract or the input sheet goes through :mod:`checker.report.cells`: it is stored as text
(never a formula, whatever it starts with) and formula-like text gets Excel's quote prefix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from checker import __version__
from checker.batch.engine import BatchOutcome, RowOutcome
from checker.models import Assessment, Finding, Status
from checker.report.cells import is_formula_like, safe_cell_value
from checker.report.wording import assessment_label, gap_reason, open_gaps
from checker.report.xlsx_report import SCORE_FORMAT, STATUS_FILLS

__all__ = ["write_scored_workbook"]

_HEADER_FILL = PatternFill("solid", start_color="DDE3EA")
_WRAP = Alignment(vertical="top", wrap_text=True)
_EXCERPT = 1000
_HOURS_KEY = "notification_hours"


def _cell(ws: WriteOnlyWorksheet, value: object, *, wrap: bool = False, bold: bool = False) -> Any:
    """A value that is never a formula: numbers as numbers, text as a string cell."""
    safe = safe_cell_value(value)
    if not isinstance(safe, str):
        return safe
    if not (wrap or bold or is_formula_like(safe)):
        return safe  # plain text: openpyxl stores it as a string already
    cell = WriteOnlyCell(ws, value=safe)
    cell.data_type = "s"  # after the value, which would have made "=..." a formula
    if is_formula_like(safe):
        cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAP
    if bold:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    return cell


def _start(wb: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> WriteOnlyWorksheet:
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, h, bold=True) for h in headers])
    return ws


def _finish(ws: WriteOnlyWorksheet, columns: int, rows: int, status_cols: Iterable[int] = ()) -> None:
    last = max(rows + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{last}"
    for col in status_cols:
        letter = get_column_letter(col)
        for status, (fill, font) in STATUS_FILLS.items():
            rule = CellIsRule(operator="equal", formula=[f'"{status.value}"'],
                              fill=PatternFill("solid", start_color=fill, end_color=fill), font=Font(color=font, bold=True))  # fmt: skip
            ws.conditional_formatting.add(f"{letter}2:{letter}{last}", rule)


def _hours(assessment: Assessment) -> float | None:
    for finding in assessment.findings:
        if _HOURS_KEY in finding.params:
            return finding.params[_HOURS_KEY]
    return None


def _error_text(row: RowOutcome) -> str:
    return "\n".join(f"{e.path}: {e.message} {e.hint}".strip() for e in row.errors)


def _excerpt(finding: Finding) -> str:
    if not finding.evidence:
        return "(no clause binds the vendor)"
    text = finding.evidence[0].text
    return text[:_EXCERPT] + (" …" if len(text) > _EXCERPT else "")


def _job_labels(outcome: BatchOutcome) -> dict[int, tuple[str, str]]:
    """Per job: the vendor (or the documents) and the sheet rows that show it."""
    labels = {}
    for job in outcome.jobs:
        result = outcome.results.get(job.key)
        docs = assessment_label(result.assessment) if result and result.assessment else ""
        rows = ", ".join(str(outcome.rows[i].row.number) for i in job.rows)
        labels[job.key] = (job.vendor or docs, rows)
    return labels


def _titled(f: Finding) -> str:
    """The control as the reviewer knows it: its catalogue code beside its title ("IN-01 Security ...")."""
    return f"{f.catalogue} {f.title}".strip()


def _score_cell(ws: WriteOnlyWorksheet, score: float) -> WriteOnlyCell:
    """The exact score, shown as every screen shows it (48.5 → 49: one rounding everywhere)."""
    cell = WriteOnlyCell(ws, value=score)
    cell.number_format = SCORE_FORMAT
    return cell


def write_scored_workbook(outcome: BatchOutcome, out: str | Path | IO[bytes]) -> None:
    """Write the scored workbook of a batch ``outcome`` to a path or binary stream."""
    wb = Workbook(write_only=True)
    controls = [c.id for c in outcome.playbook.controls]
    headers = [
        *outcome.sheet.headers,
        "Score",
        *controls,
        "Notification hours",
        "Documents assessed",
        "Notes",
        "Errors",
    ]
    base = len(outcome.sheet.headers)
    results = _start(wb, "Results", headers, [18] * base + [8] + [14] * len(controls) + [12, 30, 30, 50])
    gap_cols = ["Vendor", "Rows", "Control", "Title", "Severity", "Status", "Why", "Evidence", "Section", "Page",
                "Fallback language"]  # fmt: skip
    gaps = _start(wb, "Gaps", gap_cols, [22, 10, 22, 30, 10, 10, 40, 60, 10, 6, 50])
    ev_cols = ["Vendor", "Rows", "Control", "Status", "Document", "Page", "Section", "Heading", "Text"]
    evidence = _start(wb, "Evidence", ev_cols, [22, 10, 22, 10, 24, 6, 10, 24, 80])
    labels = _job_labels(outcome)
    for row in outcome.rows:
        result = outcome.results.get(row.job) if row.job is not None else None
        a = result.assessment if result else None
        by_control = {f.control: f.status.value for f in a.findings} if a else {}
        results.append([
            *(_cell(results, v) for v in row.row.values), *([""] * (base - len(row.row.values))),
            _score_cell(results, a.score) if a else None, *(by_control.get(c, "") for c in controls),
            _hours(a) if a else None,
            _cell(results, assessment_label(a) if a else ""), _cell(results, "\n".join(row.notes)),
            _cell(results, _error_text(row)),
        ])  # fmt: skip
    counts: dict[str, Counter[Status]] = {c: Counter() for c in controls}
    lacking: dict[str, list[str]] = {c: [] for c in controls}
    n_gaps = n_ev = 0
    for job in outcome.jobs:
        result = outcome.results.get(job.key)
        if result is None or result.assessment is None:
            continue
        vendor, rows = labels[job.key]
        for f in result.assessment.findings:
            counts.setdefault(f.control, Counter())[f.status] += 1
            if f.status is not Status.MET:
                lacking.setdefault(f.control, []).append(vendor)
            for ev in f.evidence:
                n_ev += 1
                evidence.append([_cell(evidence, x) for x in (vendor, rows, f.control, f.status.value, ev.document,
                                 ev.page, ev.section, ev.heading)] + [_cell(evidence, ev.text, wrap=True)])  # fmt: skip
        for f in open_gaps(result.assessment.findings):
            n_gaps += 1
            first = f.evidence[0] if f.evidence else None
            gaps.append([_cell(gaps, x) for x in (vendor, rows, f.control, _titled(f), f.severity, f.status.value)]
                        + [_cell(gaps, x, wrap=True) for x in (gap_reason(f), _excerpt(f))]
                        + [_cell(gaps, first.section if first else None), first.page if first else None,
                           _cell(gaps, f.fallback, wrap=True)])  # fmt: skip
    _finish(results, len(headers), len(outcome.rows), range(base + 2, base + 2 + len(controls)))
    _finish(gaps, len(gap_cols), n_gaps, [6])
    _finish(evidence, len(ev_cols), n_ev, [4])
    _write_summary(wb, outcome, controls, counts, lacking)
    _write_errors(wb, outcome)
    _write_run(wb, outcome)
    wb.save(out)


def _write_summary(
    wb: Workbook, outcome: BatchOutcome, controls: list[str], counts: dict[str, Counter[Status]],
    lacking: dict[str, list[str]],
) -> None:  # fmt: skip
    cols = ["Control", "Title", "Severity", *(s.value for s in Status), "Vendors without it (not met)"]
    ws = _start(wb, "Summary", cols, [24, 34, 10, 9, 9, 9, 9, 60])
    for cid in controls:
        control = outcome.library.controls.get(cid)
        ws.append([_cell(ws, cid), _cell(ws, control.title if control else ""), _cell(ws, control.severity if control else ""),
                   *(counts[cid][s] for s in Status), _cell(ws, "; ".join(sorted(set(lacking[cid]))), wrap=True)])  # fmt: skip
    _finish(ws, len(cols), len(controls))
    if controls:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title, chart.x_axis.title = "Portfolio: vendors per status and control", "Control"
        last = len(controls) + 1
        chart.add_data(
            Reference(ws, min_col=4, max_col=3 + len(Status), min_row=1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        for series, status in zip(chart.series, Status, strict=True):
            series.graphicalProperties.solidFill = STATUS_FILLS[status][1]
        chart.width, chart.height = 22, max(8, 0.6 * len(controls))
        ws.add_chart(chart, "J2")


def _write_errors(wb: Workbook, outcome: BatchOutcome) -> None:
    cols = ["Row", "Vendor", "File", "Code", "Problem", "What to do"]
    ws = _start(wb, "Errors", cols, [6, 22, 36, 16, 60, 50])
    n = 0
    for row in outcome.rows:
        for e in row.errors:
            n += 1
            ws.append([row.row.number, *(_cell(ws, x) for x in (row.vendor, e.path, e.code)),
                       _cell(ws, e.message, wrap=True), _cell(ws, e.hint, wrap=True)])  # fmt: skip
    _finish(ws, len(cols), n)


def _write_run(wb: Workbook, outcome: BatchOutcome) -> None:
    ws = _start(wb, "Run", ["Item", "Value"], [28, 60])
    facts: list[tuple[str, object]] = [
        ("Input sheet", outcome.sheet.name),
        ("Rows", len(outcome.rows)),
        ("Rows with errors", outcome.failed_rows),
        ("Jobs (documents or bundles)", len(outcome.jobs)),
        ("Jobs scored in this run", outcome.scored),
        ("Jobs taken from the cache", outcome.cache_hits),
        ("Seconds", round(outcome.seconds, 1)),
        ("Playbook", outcome.playbook.name),
        ("Library version", outcome.library.version),
        ("Library hash", outcome.library.content_hash),
        ("Tool version", __version__),
    ]
    for key, value in facts:
        ws.append([_cell(ws, key), _cell(ws, value)])
