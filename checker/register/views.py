"""Reading the register: vendors, their documents, assessments and findings as frozen pydantic views.

The reviewer's decisions are the truth: a finding's ``status`` is the newest review's status where a
reviewer overrode it, and ``engine_status`` keeps what the engine said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
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
    vendor, assessments = vendor_assessments(register, name)
    with register.session() as session:
        row = _vendor_row(session, vendor)
        documents = [_document(d) for d in row.documents]
        sboms = [_sbom(s) for s in row.sboms]
    return VendorDetail(
        vendor=vendor, documents=documents, sboms=sboms, latest=assessments[-1] if assessments else None
    )


def list_vendors(register: Register) -> list[VendorSummary]:
    """Every vendor, by name, with its newest assessment's score and status per control."""
    out: list[VendorSummary] = []
    with register.session() as session:
        names = session.scalars(select(VendorRow.name).order_by(VendorRow.name)).all()
    for name in names:
        detail = vendor_detail(register, name)
        latest = detail.latest
        with register.session() as session:
            count = len(_vendor_row(session, name).assessments)
        out.append(
            VendorSummary(
                vendor=detail.vendor,
                documents=len(detail.documents),
                assessments=count,
                sboms=len(detail.sboms),
                score=latest.score if latest else None,
                playbook=latest.playbook if latest else None,
                last_assessed=latest.created if latest else None,
                statuses={f.control: f.status for f in latest.findings} if latest else {},
            )
        )
    return out
