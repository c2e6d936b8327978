"""The incident view written out: a terminal table, JSON, XLSX and printable HTML (all text escaped)."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

from openpyxl import Workbook

from checker.register.export import write_rows
from checker.register.incident import Duty, IncidentReport, VendorExposure

__all__ = ["incident_html", "incident_json", "incident_table", "write_incident_xlsx"]


def incident_json(report: IncidentReport) -> str:
    """The report as JSON: ``affected``, ``unknown`` and ``not_affected`` lists of vendors with duties."""
    return report.model_dump_json(indent=2)


def _where(duty: Duty) -> str:
    if not duty.evidence:
        return ""
    ev = duty.evidence[0]
    return f"{ev.document} p{ev.page}" + (f" §{ev.section}" if ev.section else "") + f" [{ev.start}:{ev.end}]"


def _duty_line(duty: Duty) -> str:
    when = f"by {duty.deadline} ({duty.window})" if duty.deadline else "no deadline"
    return f"{duty.status.upper():8} {duty.control:32} {when}"


def _vendor_lines(entry: VendorExposure) -> list[str]:
    out = [f"{entry.vendor}"]
    for c in entry.components:
        out.append(f"  ships {c.purl or c.name} (SBOM {c.sbom})")
    if entry.exposure == "unknown":
        out.append("  no SBOM on file: exposure unknown")
    if entry.assessed:
        out.append(f"  contract assessed {entry.assessed} (playbook {entry.playbook})")
    for d in entry.duties:
        out.append(f"  {_duty_line(d)}")
        if d.evidence:
            quote = textwrap.shorten(d.evidence[0].text or "(text not stored)", 150, placeholder=" …")
            out.append(f"           [{_where(d)}] {quote}")
        for reason in d.reasons[:1]:
            out.append(f"           - {textwrap.shorten(reason, 150, placeholder=' …')}")
    for gap in entry.gaps:
        out.append(f"  GAP {gap}")
    return out


def incident_table(report: IncidentReport) -> str:
    """A readable terminal report, affected vendors first (earliest deadline first)."""
    out = [
        f"incident: {', '.join(report.packages)} {', '.join(report.versions)} at {report.at}"
        + (f" (advisory {', '.join(report.sources)})" if report.sources else ""),
        "",
        f"AFFECTED ({len(report.affected)}): an SBOM on file holds an affected version",
    ]
    for entry in report.affected:
        out += _vendor_lines(entry)
    out += ["", f"UNKNOWN ({len(report.unknown)}): no SBOM on file"]
    for entry in report.unknown:
        out += _vendor_lines(entry)
    out += [
        "",
        f"NOT AFFECTED ({len(report.not_affected)}): " + ", ".join(e.vendor for e in report.not_affected),
    ]
    out += [f"note: {n}" for n in report.notes]
    return "\n".join(out)


def _rows(report: IncidentReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for entry in (*report.affected, *report.unknown):
        shipped = ", ".join(c.purl or c.name for c in entry.components)
        for d in entry.duties:
            ev = d.evidence[0] if d.evidence else None
            rows.append(
                [
                    entry.vendor,
                    entry.exposure,
                    shipped,
                    d.control,
                    d.status,
                    d.window or "",
                    d.window_hours,
                    d.deadline or "",
                    "; ".join(d.reasons),
                    _where(d),
                    (ev.text or "") if ev else "",
                ]
            )
        if not entry.duties:
            rows.append([entry.vendor, entry.exposure, shipped, "", "", "", None, "", "", "", ""])
    return rows


def write_incident_xlsx(report: IncidentReport, out: str | Path) -> None:
    """A workbook: one row per vendor and duty, a Gaps sheet and the incident's details."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Duties"
    write_rows(
        ws,
        [
            "Vendor",
            "Exposure",
            "Components",
            "Control",
            "Status",
            "Window",
            "Window hours",
            "Deadline",
            "Reasons",
            "Evidence location",
            "Evidence",
        ],
        _rows(report),
    )
    write_rows(
        wb.create_sheet("Gaps"),
        ["Vendor", "Exposure", "What the contract does not give us"],
        ([e.vendor, e.exposure, g] for e in (*report.affected, *report.unknown) for g in e.gaps),
    )
    write_rows(
        wb.create_sheet("Incident"),
        ["Field", "Value"],
        [
            ["Packages", ", ".join(report.packages)],
            ["Versions", ", ".join(report.versions)],
            ["Advisories", ", ".join(report.sources)],
            ["Time given", report.at],
            ["Not affected", ", ".join(e.vendor for e in report.not_affected)],
            *(["Note", n] for n in report.notes),
        ],
    )
    wb.save(out)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _vendor_html(entry: VendorExposure) -> str:
    shipped = "".join(
        f"<li>{_e(c.purl or c.name)} <small>(SBOM {_e(c.sbom)})</small></li>" for c in entry.components
    )
    rows = "".join(
        f"<tr><td>{_e(d.control)}</td><td class='{_e(d.status)}'>{_e(d.status)}</td><td>{_e(d.window or '')}</td>"
        f"<td>{_e(d.deadline or '—')}</td><td>{_e(_where(d))}<br><q>{_e(d.evidence[0].text if d.evidence else '')}</q>"
        f"</td><td>{_e('; '.join(d.reasons))}</td></tr>"
        for d in entry.duties
    )
    gaps = "".join(f"<li>{_e(g)}</li>" for g in entry.gaps)
    return (
        f"<section><h3>{_e(entry.vendor)}</h3>"
        + (f"<ul>{shipped}</ul>" if shipped else "<p>No SBOM on file: exposure unknown.</p>")
        + (
            "<table><tr><th>Control</th><th>Status</th><th>Window</th><th>Deadline</th><th>Evidence</th>"
            f"<th>Reasons</th></tr>{rows}</table>"
            if rows
            else ""
        )
        + (f"<h4>What the contract does not give us</h4><ul>{gaps}</ul>" if gaps else "")
        + "</section>"
    )


def incident_html(report: IncidentReport) -> str:
    """A self-contained, printable HTML page (no scripts, no external resources)."""
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:4px;vertical-align:top}.met{color:#060}.weak{color:#960}.missing,.conflict{color:#a00}"
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Incident: {_e(', '.join(report.packages))}</title><style>{style}</style></head><body>"
        f"<h1>Incident: {_e(', '.join(report.packages))} {_e(', '.join(report.versions))}</h1>"
        f"<p>Time given: {_e(report.at)}. Advisory: {_e(', '.join(report.sources) or '—')}.</p>"
        f"<h2>Affected ({len(report.affected)})</h2>{''.join(_vendor_html(e) for e in report.affected)}"
        f"<h2>Unknown exposure: no SBOM ({len(report.unknown)})</h2>"
        f"{''.join(_vendor_html(e) for e in report.unknown)}"
        f"<h2>Not affected ({len(report.not_affected)})</h2>"
        f"<p>{_e(', '.join(e.vendor for e in report.not_affected) or '—')}</p>"
        f"<ul>{notes}</ul></body></html>"
    )
