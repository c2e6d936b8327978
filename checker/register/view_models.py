"""What the register shows: vendors, their documents, assessments and findings as frozen pydantic views.

The views are read from the register by :mod:`checker.register.views`. The reviewer's decisions are the
truth: a finding's ``status`` is the newest review's status where a reviewer overrode it, and
``engine_status`` keeps what the engine said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AssessmentView",
    "DocumentView",
    "EvidenceView",
    "FindingView",
    "ReviewView",
    "SbomView",
    "VendorDetail",
    "VendorSummary",
    "status_counts",
]


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many of ``statuses`` are met, weak, conflict and missing (in that order)."""
    counted = Counter(statuses)
    return {s: counted.get(s, 0) for s in ("met", "weak", "conflict", "missing")}


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: object) -> object:
        # SQLite hands back the UTC times we stored without their zone.
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class EvidenceView(_View):
    """Where a finding's evidence is; ``text`` is None when the register was written with ``--no-text``."""

    document: str
    page: int
    start: int
    end: int
    section: str | None = None
    text: str | None = None


class ReviewView(_View):
    """One entry of the append-only review trail."""

    control: str
    decision: str
    status: str | None
    comment: str
    reviewer: str
    created: datetime


class FindingView(_View):
    """A control's verdict as the register holds it."""

    control: str
    title: str
    family: str
    severity: str
    status: str
    engine_status: str
    params: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    evidence: list[EvidenceView] = Field(default_factory=list)
    reviews: list[ReviewView] = Field(default_factory=list)


class DocumentView(_View):
    """One of a vendor's contract files."""

    id: int
    file_name: str
    sha256: str
    kind: str
    effective_date: str | None
    version: int
    recorded: datetime


class AssessmentView(_View):
    """One recorded assessment with its provenance and findings."""

    id: int
    created: datetime
    playbook: str
    playbook_hash: str
    library_version: str
    library_hash: str
    tool_version: str
    score: float
    documents: list[DocumentView]
    findings: list[FindingView]

    def finding(self, control: str) -> FindingView | None:
        """The finding for ``control``, if the playbook had it."""
        return next((f for f in self.findings if f.control == control), None)

    def counts(self) -> dict[str, int]:
        """How many controls are met, weak, in conflict and missing."""
        return status_counts(f.status for f in self.findings)


class SbomView(_View):
    """An SBOM on file for a vendor."""

    id: int
    file_name: str
    sha256: str
    format: str
    spec_version: str
    subject: str
    components: int
    added: datetime


class VendorSummary(_View):
    """One line of ``register list``: the vendor's newest assessment at a glance."""

    vendor: str
    documents: int
    assessments: int
    sboms: int
    score: float | None
    playbook: str | None
    last_assessed: datetime | None
    statuses: dict[str, str] = Field(default_factory=dict)


class VendorDetail(_View):
    """``register show``: documents, SBOMs and the newest assessment in full."""

    vendor: str
    documents: list[DocumentView]
    sboms: list[SbomView]
    latest: AssessmentView | None
