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
    evidence_location,
    format_reasons,
    gap_reason,
    is_gap,
    override_text,
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
    "Found",
    "Threshold",
    "Reason",
    "Family",
    "Evidence",
    "Review",
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


_UNITS: Final = (
    ("business_days", "business days"),
    ("hours", "hours"),
    ("days", "days"),
    ("months", "months"),
)
_SIGNS: Final = {"max": "≤", "min": "≥"}


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _split_key(key: str) -> tuple[str, str]:
    """ "notification_hours" → ("notification", "hours"); an amount has no unit."""
    for suffix, words in _UNITS:
        if key.endswith("_" + suffix):
            return key[: -len(suffix) - 1].replace("_", " "), words
    return key.removesuffix("_amount").replace("_", " "), ""


def _quantity(key: str, value: float, sign: str = ":") -> str:
    name, unit = _split_key(key)
    return f"{name} {sign} {_number(value)}{' ' + unit if unit else ''}".replace(" :", ":")


def format_found(params: dict[str, float]) -> str:
    """The numbers read from the contract in words: "notification: 72 hours"."""
    return "; ".join(_quantity(k, v) for k, v in sorted(params.items()))


def format_limits(thresholds: dict[str, dict[str, float]]) -> str:
    """The playbook's thresholds in words: "notification ≤ 72 hours" (scorer shape, see wording)."""
    parts = []
    for key, bounds in sorted(thresholds.items()):
        if "threshold" in bounds:
            sign = next((_SIGNS[d] for d in _SIGNS if d in bounds), "=")
            parts.append(_quantity(key, bounds["threshold"], sign))
        else:
            parts.extend(_quantity(key, v, _SIGNS.get(b, b)) for b, v in sorted(bounds.items()))
    return "; ".join(parts)


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


def _sort_key(f: Finding) -> tuple[int, int]:
    return _STATUS_ORDER[effective_status(f)], _SEVERITY_ORDER.get(f.severity, 9)


def finding_rows(findings: Iterable[Finding], library: Library) -> list[dict[str, Any]]:
    """One plain-text row per finding, most urgent first, for ``st.dataframe``."""
    rows = []
    for f in sorted(findings, key=_sort_key):
        shown = effective_status(f)
        row = {
            "Status": status_text(shown),
            "Control": f.title,
            "Severity": f.severity.capitalize(),
            "Found": format_found(f.params),
            "Threshold": format_limits(f.thresholds),
            "Reason": gap_reason(f) if is_gap(f) else format_reasons(f.reasons),
            "Family": family_label(f.family),
            "Evidence": evidence_location(f.evidence[0]) if f.evidence else "",
            "Review": override_text(f),
            "ID": f.control,
            "Frameworks": ", ".join(frameworks_of(f.control, library)),
            "Engine status": STATUS_LABELS[f.status],
        }
        rows.append({column: row[column] for column in TABLE_COLUMNS})
    return rows
