"""Reading the register: vendors, their documents, assessments and findings as frozen pydantic views.

The views themselves are in :mod:`checker.register.view_models`. The reviewer's decisions are the
truth: a finding's ``status`` is the newest review's status where a reviewer overrode it, and
``engine_status`` keeps what the engine said.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from checker.register.database import Register
from checker.register.tables import AssessmentRow, DocumentRow, FindingRow, ReviewRow, SbomRow, VendorRow
from checker.register.view_models import (
    AssessmentView,
    DocumentView,
    EvidenceView,
    FindingView,
    ReviewView,
    SbomView,
    VendorDetail,
    VendorSummary,
)
from checker.register.writing import known_vendor

__all__ = ["latest_assessment", "list_vendors", "vendor_assessments", "vendor_detail"]

_V = TypeVar("_V", bound=BaseModel)


def _view(view: type[_V], row: object, **computed: object) -> _V:
    """``view`` of a table row: every field is the row's attribute of the same name unless given here."""
    columns = {name: getattr(row, name) for name in view.model_fields if name not in computed}
    return view.model_validate({**columns, **computed})


def _finding(row: FindingRow) -> FindingView:
    reviews = [_view(ReviewView, r, control=row.control) for r in row.reviews]
    overridden = [r for r in reviews if r.decision == "overridden" and r.status]
    return _view(
        FindingView,
        row,
        status=overridden[-1].status or row.status if overridden else row.status,
        engine_status=row.status,
        evidence=[_view(EvidenceView, e) for e in row.evidence],
        reviews=reviews,
    )


def _assessment(row: AssessmentRow, documents: dict[int, DocumentView]) -> AssessmentView:
    return _view(
        AssessmentView,
        row,
        documents=[documents[i] for i in row.document_ids if i in documents],
        findings=[_finding(f) for f in row.findings],
    )


def _documents(vendor: VendorRow) -> dict[int, DocumentView]:
    return {d.id: _view(DocumentView, d) for d in vendor.documents}


def _assessments_of(vendor: VendorRow) -> Select[AssessmentRow]:
    """The vendor's assessments with their findings, evidence and reviews loaded in three queries."""
    return (
        select(AssessmentRow)
        .where(AssessmentRow.vendor_id == vendor.id)
        .options(
            selectinload(AssessmentRow.findings).selectinload(FindingRow.evidence),
            selectinload(AssessmentRow.findings).selectinload(FindingRow.reviews),
        )
    )


def vendor_assessments(register: Register, name: str) -> tuple[str, list[AssessmentView]]:
    """The vendor's name as recorded and every assessment of it, oldest first."""
    with register.session() as session:
        vendor = known_vendor(session, name)
        documents = _documents(vendor)
        rows = session.scalars(_assessments_of(vendor).order_by(AssessmentRow.id)).all()
        return vendor.name, [_assessment(r, documents) for r in rows]


def latest_assessment(register: Register, name: str) -> AssessmentView | None:
    """The vendor's newest assessment in full (the others are not loaded)."""
    with register.session() as session:
        vendor = known_vendor(session, name)
        documents = _documents(vendor)
        row = session.scalar(_assessments_of(vendor).order_by(AssessmentRow.id.desc()).limit(1))
        return _assessment(row, documents) if row is not None else None


def vendor_detail(register: Register, name: str) -> VendorDetail:
    """Everything the register holds on one vendor, with its newest assessment in full."""
    with register.session() as session:
        row = known_vendor(session, name)
        vendor = row.name
        documents = list(_documents(row).values())
        sboms = [_view(SbomView, s, components=len(s.components)) for s in row.sboms]
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
