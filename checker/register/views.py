"""Reading the register: vendors, their documents, assessments and findings as frozen pydantic views.

The reviewer's decisions are the truth: a finding's ``status`` is the newest review's status where a
reviewer overrode it, and ``engine_status`` keeps what the engine said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from checker.register.database import Register, RegisterError
from checker.register.record import find_vendor
from checker.register.tables import AssessmentRow, DocumentRow, FindingRow, ReviewRow, SbomRow, VendorRow

__all__ = [
    "AssessmentView",
    "DocumentView",
    "EvidenceView",
    "FindingView",
    "ReviewView",
    "SbomView",
    "VendorDetail",
    "VendorSummary",
    "latest_assessment",
    "list_vendors",
    "status_counts",
    "vendor_assessments",
    "vendor_detail",
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


def _review(row: ReviewRow, control: str) -> ReviewView:
    return ReviewView(
        control=control,
        decision=row.decision,
        status=row.status,
        comment=row.comment,
        reviewer=row.reviewer,
        created=row.created,
    )


def _finding(row: FindingRow) -> FindingView:
    reviews = [_review(r, row.control) for r in row.reviews]
    overridden = [r for r in reviews if r.decision == "overridden" and r.status]
    return FindingView(
        control=row.control,
        title=row.title,
        family=row.family,
        severity=row.severity,
        status=overridden[-1].status or row.status if overridden else row.status,
        engine_status=row.status,
        params=row.params,
        reasons=row.reasons,
        evidence=[
            EvidenceView(
                document=e.document, page=e.page, start=e.start, end=e.end, section=e.section, text=e.text
            )
            for e in row.evidence
        ],
        reviews=reviews,
    )


def _document(row: DocumentRow) -> DocumentView:
    return DocumentView(
        id=row.id,
        file_name=row.file_name,
        sha256=row.sha256,
        kind=row.kind,
        effective_date=row.effective_date,
        version=row.version,
        recorded=row.recorded,
    )


def _assessment(row: AssessmentRow, documents: dict[int, DocumentView]) -> AssessmentView:
    return AssessmentView(
        id=row.id,
        created=row.created,
        playbook=row.playbook,
        playbook_hash=row.playbook_hash,
        library_version=row.library_version,
        library_hash=row.library_hash,
        tool_version=row.tool_version,
        score=row.score,
        documents=[documents[i] for i in row.document_ids if i in documents],
        findings=[_finding(f) for f in row.findings],
    )


def _vendor_row(session: Session, name: str) -> VendorRow:
    vendor = find_vendor(session, name)
    if vendor is None:
        raise RegisterError(f"No vendor {name!r} in the register.", hint="See `clausecheck register list`.")
    return vendor


def vendor_assessments(register: Register, name: str) -> tuple[str, list[AssessmentView]]:
    """The vendor's name as recorded and every assessment of it, oldest first."""
    with register.session() as session:
        vendor = _vendor_row(session, name)
        documents = {d.id: _document(d) for d in vendor.documents}
        rows = session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.vendor_id == vendor.id)
            .order_by(AssessmentRow.id)
            .options(
                selectinload(AssessmentRow.findings).selectinload(FindingRow.evidence),
                selectinload(AssessmentRow.findings).selectinload(FindingRow.reviews),
            )
        ).all()
        return vendor.name, [_assessment(r, documents) for r in rows]


def _sbom(row: SbomRow) -> SbomView:
    return SbomView(
        id=row.id,
        file_name=row.file_name,
        sha256=row.sha256,
        format=row.format,
        spec_version=row.spec_version,
        subject=row.subject,
        components=len(row.components),
        added=row.added,
    )


def vendor_detail(register: Register, name: str) -> VendorDetail:
    """Everything the register holds on one vendor, with its newest assessment in full."""
    with register.session() as session:
        row = _vendor_row(session, name)
        vendor = row.name
        documents = [_document(d) for d in row.documents]
        sboms = [_sbom(s) for s in row.sboms]
    return VendorDetail(
        vendor=vendor, documents=documents, sboms=sboms, latest=latest_assessment(register, vendor)
    )


def _counts_by_vendor(session: Session, column: Any) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


def list_vendors(register: Register) -> list[VendorSummary]:
    """Every vendor, by name, with its newest assessment's score and status per control.

    A fixed number of queries however many vendors: the newest assessment of each, its findings' statuses,
    and the newest overriding review of each of those findings.
    """
    with register.session() as session:
        vendors = session.execute(select(VendorRow.id, VendorRow.name).order_by(VendorRow.name)).all()
        documents = _counts_by_vendor(session, DocumentRow.vendor_id)
        assessments = _counts_by_vendor(session, AssessmentRow.vendor_id)
        sboms = _counts_by_vendor(session, SbomRow.vendor_id)
        newest_ids = select(func.max(AssessmentRow.id)).group_by(AssessmentRow.vendor_id)
        newest = {
            a.vendor_id: a
            for a in session.scalars(select(AssessmentRow).where(AssessmentRow.id.in_(newest_ids)))
        }
        findings = session.execute(
            select(FindingRow.id, FindingRow.assessment_id, FindingRow.control, FindingRow.status)
            .where(FindingRow.assessment_id.in_(newest_ids))
            .order_by(FindingRow.id)
        ).all()
        overrides = {
            finding_id: status
            for finding_id, status in session.execute(
                select(ReviewRow.finding_id, ReviewRow.status)
                .join(FindingRow)
                .where(FindingRow.assessment_id.in_(newest_ids), ReviewRow.decision == "overridden")
                .order_by(ReviewRow.id)
            )
            if status
        }
    statuses: dict[int, dict[str, str]] = {}
    for finding_id, assessment_id, control, status in findings:
        statuses.setdefault(assessment_id, {})[control] = overrides.get(finding_id, status)
    out: list[VendorSummary] = []
    for vendor_id, name in vendors:
        latest = newest.get(vendor_id)
        out.append(
            VendorSummary(
                vendor=name,
                documents=documents.get(vendor_id, 0),
                assessments=assessments.get(vendor_id, 0),
                sboms=sboms.get(vendor_id, 0),
                score=latest.score if latest else None,
                playbook=latest.playbook if latest else None,
                last_assessed=latest.created if latest else None,
                statuses=statuses.get(latest.id, {}) if latest else {},
            )
        )
    return out


def latest_assessment(register: Register, name: str) -> AssessmentView | None:
    """The vendor's newest assessment in full (the others are not loaded)."""
    with register.session() as session:
        vendor = _vendor_row(session, name)
        documents = {d.id: _document(d) for d in vendor.documents}
        row = session.scalar(
            select(AssessmentRow)
            .where(AssessmentRow.vendor_id == vendor.id)
            .order_by(AssessmentRow.id.desc())
            .limit(1)
            .options(
                selectinload(AssessmentRow.findings).selectinload(FindingRow.evidence),
                selectinload(AssessmentRow.findings).selectinload(FindingRow.reviews),
            )
        )
        return _assessment(row, documents) if row is not None else None
