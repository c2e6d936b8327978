"""``register export --out X.xlsx``: the whole register as a workbook a reviewer can filter.

Sheets: Vendors (newest score and status per control), Findings (every control of every vendor's newest
assessment, with parameters, reasons and the first evidence location), History (every assessment), Reviews
(the trail) and SBOMs. Text cells never become formulas (:mod:`checker.report.cells`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from checker.register.database import Register
from checker.register.views import list_vendors, vendor_assessments, vendor_detail
from checker.report.cells import write_cell
from checker.report.xlsx_report import SCORE_FORMAT

__all__ = ["write_register_xlsx", "write_rows"]


def write_rows(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A header row (frozen, filterable) and the rows, every cell written safely."""
    for col, title in enumerate(header, 1):
        write_cell(ws, 1, col, title)
    n = 1
    for n, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            write_cell(ws, n, col, value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(header)).column_letter}{max(n, 1)}"


def write_register_xlsx(register: Register, out: str | Path) -> int:
    """Write the register to ``out``; returns the number of vendors."""
    vendors = list_vendors(register)
    controls = sorted({c for v in vendors for c in v.statuses})
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Vendors"
    write_rows(
        ws,
        ["Vendor", "Score", "Playbook", "Last assessed", "Assessments", "Documents", "SBOMs", *controls],
        (
            [
                v.vendor,
                v.score,
                v.playbook or "",
                v.last_assessed.isoformat() if v.last_assessed else "",
                v.assessments,
                v.documents,
                v.sboms,
                *(v.statuses.get(c, "") for c in controls),
            ]
            for v in vendors
        ),
    )
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):  # Score: shown as on every screen
        row[0].number_format = SCORE_FORMAT
    findings, history, reviews, sboms = [], [], [], []
    for v in vendors:
        name, assessments = vendor_assessments(register, v.vendor)
        for a in assessments:
            docs = ", ".join(f"{d.file_name} ({d.kind} v{d.version})" for d in a.documents)
            history.append(
                [
                    name,
                    a.id,
                    a.created.isoformat(),
                    a.playbook,
                    a.score,
                    docs,
                    a.library_version,
                    a.library_hash,
                ]
                + [a.counts()[s] for s in ("met", "weak", "conflict", "missing")]
            )
            for f in a.findings:
                for r in f.reviews:
                    reviews.append(
                        [
                            name,
                            a.id,
                            f.control,
                            r.decision,
                            r.status or "",
                            r.reviewer,
                            r.created.isoformat(),
                            r.comment,
                        ]
                    )
        if assessments:
            for f in assessments[-1].findings:
                ev = f.evidence[0] if f.evidence else None
                findings.append(
                    [
                        name,
                        f.control,
                        f.severity,
                        f.status,
                        f.engine_status,
                        ", ".join(f"{k}={val:g}" for k, val in f.params.items()),
                        "; ".join(f.reasons),
                        ev.document if ev else "",
                        ev.page if ev else "",
                        ev.section or "" if ev else "",
                        f"{ev.start}-{ev.end}" if ev else "",
                        (ev.text or "") if ev else "",
                    ]
                )
        for s in vendor_detail(register, v.vendor).sboms:
            sboms.append(
                [
                    name,
                    s.file_name,
                    s.format,
                    s.spec_version,
                    s.subject,
                    s.components,
                    s.sha256,
                    s.added.isoformat(),
                ]
            )
    sheets = (
        (
            "Findings",
            [
                "Vendor",
                "Control",
                "Severity",
                "Status",
                "Engine status",
                "Parameters",
                "Reasons",
                "Document",
                "Page",
                "Section",
                "Offsets",
                "Evidence",
            ],
            findings,
        ),
        (
            "History",
            [
                "Vendor",
                "Assessment",
                "Created",
                "Playbook",
                "Score",
                "Documents",
                "Library version",
                "Library hash",
                "Met",
                "Weak",
                "Conflict",
                "Missing",
            ],
            history,
        ),
        (
            "Reviews",
            ["Vendor", "Assessment", "Control", "Decision", "Status", "Reviewer", "When", "Comment"],
            reviews,
        ),
        ("SBOMs", ["Vendor", "File", "Format", "Spec", "Subject", "Components", "SHA-256", "Added"], sboms),
    )
    for title, header, rows in sheets:
        write_rows(wb.create_sheet(title), header, rows)
    wb.save(out)
    return len(vendors)
