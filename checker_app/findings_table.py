"""The findings of an assessment as table rows, with the filters the review page offers.

A status is always shown as a word with an icon ("⚠ Weak"), never by colour alone. Rows show the
status after review (a reviewer's override), with the engine's own status kept in its own column.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Final

from checker.library.loader import Library
from checker.models import Finding, Status
from checker.report.wording import (
    STATUS_LABELS,
    effective_status,
    override_text,
    params_words,
    status_reason,
    threshold_words,
)

__all__ = [
    "FAMILY_LABELS",
    "STATUS_ICONS",
    "TABLE_COLUMNS",
    "family_label",
    "filter_findings",
    "finding_rows",
    "format_found",
    "format_limits",
    "frameworks_of",
    "status_text",
]

STATUS_ICONS: Final[dict[Status, str]] = {
    Status.MET: "✔",
    Status.WEAK: "⚠",
    Status.CONFLICT: "✖",
    Status.MISSING: "○",
}

FAMILY_LABELS: Final[dict[str, str]] = {
    "supply_chain": "Supply chain",
    "network_data": "Network & data",
    "incident": "Incident & resilience",
    "access": "Access",
    "oversight": "Oversight",
    "ai_data": "AI & data",
}

TABLE_COLUMNS: Final = (
    "Status",
    "Control",
    "Severity",
    "Reason",
    "Evidence",
    "Found",
    "Threshold",
    "Review",
    "Family",
    "ID",
    "Frameworks",
    "Engine status",
)

# Conflicts first: they are what a reviewer must resolve; met last.
_STATUS_ORDER: Final = {Status.CONFLICT: 0, Status.MISSING: 1, Status.WEAK: 2, Status.MET: 3}
_SEVERITY_ORDER: Final = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def status_text(status: Status) -> str:
    """The status as an icon and a word: "⚠ Weak"."""
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def format_found(params: dict[str, float]) -> str:
    """The numbers read from the contract in words: "notification: 72 hours" (plural units, no keys)."""
    return params_words(params)


def format_limits(thresholds: dict[str, dict[str, float]]) -> str:
    """The playbook's thresholds in words: "notification: at most 72 hours"."""
    return threshold_words(thresholds)


def family_label(family: str) -> str:
    """A control family for display ("network_data" → "Network & data")."""
    return FAMILY_LABELS.get(family, family.replace("_", " ").capitalize())


def frameworks_of(control_id: str, library: Library) -> list[str]:
    """The frameworks a control's references cite (GDPR, DORA, ...), in first-cited order."""
    control = library.controls.get(control_id)
    if control is None:
        return []
    return list(dict.fromkeys(ref.framework for ref in control.references))


def filter_findings(
    findings: Iterable[Finding],
    library: Library,
    *,
    statuses: Collection[Status] = (),
    families: Collection[str] = (),
    frameworks: Collection[str] = (),
) -> list[Finding]:
    """The findings that pass every non-empty filter (an empty filter lets everything through)."""
    kept = []
    for f in findings:
        if statuses and effective_status(f) not in statuses:
            continue
        if families and f.family not in families:
            continue
        if frameworks and not set(frameworks_of(f.control, library)) & set(frameworks):
            continue
        kept.append(f)
    return kept


def _sort_key(f: Finding) -> tuple[int, int, int]:
    # Met at the bottom; above it, most severe first, and within a severity conflicts, missing, weak.
    shown = effective_status(f)
    return shown == Status.MET, _SEVERITY_ORDER.get(f.severity, 9), _STATUS_ORDER[shown]


def _evidence_cell(f: Finding) -> str:
    """The deciding quote with its section, short enough for a table row."""
    if not f.evidence:
        return "— the contract is silent"
    ev = f.evidence[0]
    where = f"§ {ev.section}" if ev.section else f"page {ev.page}"
    quote = " ".join(ev.text.split())
    return f"{where}: “{quote[:220]}{'…' if len(quote) > 220 else ''}”"


def finding_rows(findings: Iterable[Finding], library: Library) -> list[dict[str, Any]]:
    """One plain-text row per finding for ``st.dataframe``: open points by severity then status, met last."""
    rows = []
    for f in sorted(findings, key=_sort_key):
        shown = effective_status(f)
        row = {
            "Status": status_text(shown),
            "Control": f"{f.catalogue} {f.title}".strip(),
            "Severity": f.severity.capitalize(),
            "Found": format_found(f.params),
            "Threshold": format_limits(f.thresholds),
            "Reason": status_reason(f),
            "Family": family_label(f.family),
            "Evidence": _evidence_cell(f),
            "Review": override_text(f),
            "ID": f.control,
            "Frameworks": ", ".join(frameworks_of(f.control, library)),
            "Engine status": STATUS_LABELS[f.status],
        }
        rows.append({column: row[column] for column in TABLE_COLUMNS})
    return rows
