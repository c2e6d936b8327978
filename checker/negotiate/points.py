"""The open points of a reviewed assessment, as a lawyer puts them to the vendor.

One :class:`NegotiationPoint` per finding still open after review (weak, conflict or missing), most
severe first, conflicts before missing before weak within a severity: the ask in words, why, the
evidence (or that the contract is silent), where it is, the fallback clause, and the reviewer's
decision. The redline, the addendum and the memo are all written from these, so they say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from checker.models import Assessment, Finding, Status
from checker.report.wording import (
    STATUS_LABELS,
    defined_terms_label,
    effective_status,
    engine_said,
    evidence_location,
    gap_reason,
    is_gap,
    override_text,
    threshold_words,
)

__all__ = ["SILENT", "NegotiationPoint", "negotiation_points"]

SILENT: Final = "The contract is silent: no clause binds the vendor to this."

_SEVERITY_ORDER: Final = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_STATUS_ORDER: Final = {Status.CONFLICT: 0, Status.MISSING: 1, Status.WEAK: 2, Status.MET: 3}


@dataclass(frozen=True)
class NegotiationPoint:
    """One thing to ask the vendor for, with everything needed to justify it."""

    number: int
    finding: Finding
    status: Status
    ask: str
    reason: str
    evidence: str
    where: str
    fallback: str
    review: str
    definitions: tuple[str, ...] = ()

    @property
    def status_text(self) -> str:
        """The status after review, with what the engine said when the reviewer changed it."""
        label = STATUS_LABELS[self.status]
        return (
            label
            if self.status == self.finding.status
            else f"{label} (reviewer; {engine_said(self.finding)})"
        )


def _ask(f: Finding, vendor: str) -> str:
    limits = threshold_words(f.thresholds)
    verb = {
        Status.CONFLICT: "withdraw the exclusion and commit to",
        Status.MISSING: "commit to",
        Status.WEAK: "firm up its commitment to",
    }
    return f"{vendor} to {verb.get(effective_status(f), 'commit to')}: {f.title[0].lower()}{f.title[1:]}" + (
        f" ({limits})" if limits else ""
    )


def _sort_key(f: Finding) -> tuple[int, int]:
    return _SEVERITY_ORDER.get(f.severity, 9), _STATUS_ORDER[effective_status(f)]


def negotiation_points(assessment: Assessment) -> list[NegotiationPoint]:
    """The open points, numbered, most severe first."""
    gaps: Sequence[Finding] = sorted((f for f in assessment.findings if is_gap(f)), key=_sort_key)
    points = []
    for number, f in enumerate(gaps, start=1):
        ev = f.evidence[0] if f.evidence else None
        points.append(
            NegotiationPoint(
                number=number,
                finding=f,
                status=effective_status(f),
                ask=_ask(f, assessment.parties.vendor),
                reason=gap_reason(f),
                evidence=ev.text if ev else SILENT,
                where=evidence_location(ev) if ev else "",
                fallback=f.fallback,
                review=override_text(f),
                definitions=tuple(
                    f"{defined_terms_label(d)} ({evidence_location(d)}): \u201c{d.text}\u201d"
                    for d in f.definitions
                ),
            )
        )
    return points
