"""Reviewer decisions in the register: an append-only trail per finding, newest last.

A decision comes either with an assessment the app or ``--review`` recorded (its findings carry the
reviewer's overrides) or on its own (``clausecheck register review``). Nothing is ever updated: a new
decision is a new row, and the newest overriding one is the finding's status from then on.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from checker.models import Assessment, ReviewerOverride
from checker.register.database import Register, RegisterError
from checker.register.tables import AssessmentRow, FindingRow, ReviewRow
from checker.register.writing import in_transaction, known_vendor, now

__all__ = ["append_new_decisions", "override_values", "record_review"]


def _review_values(decision: str, status: str | None, comment: str, reviewer: str) -> dict[str, object]:
    return {
        "decision": decision,
        "status": status,
        "comment": comment,
        "reviewer": reviewer,
        "created": now(),
    }


def override_values(o: ReviewerOverride, store_text: bool) -> dict[str, object]:
    """The review-trail columns of a decision an assessment carries (its comment only with the text)."""
    return _review_values(
        o.decision, o.status.value if o.status else None, o.comment if store_text else "", o.reviewer
    )


def append_new_decisions(
    session: Session, assessment_id: int, assessment: Assessment, store_text: bool
) -> None:
    """Recording an assessment again appends the reviewer decisions that differ from the newest on file."""
    rows = {
        f.control: f
        for f in session.scalars(select(FindingRow).where(FindingRow.assessment_id == assessment_id))
    }
    for finding in assessment.findings:
        row = rows.get(finding.control)
        if finding.override is None or row is None:
            continue
        new = ReviewRow(**override_values(finding.override, store_text))
        last = row.reviews[-1] if row.reviews else None
        if last is None or (last.decision, last.status, last.comment, last.reviewer) != (
            new.decision,
            new.status,
            new.comment,
            new.reviewer,
        ):
            new.finding_id = row.id
            session.add(new)


def record_review(
    register: Register,
    vendor: str,
    control: str,
    *,
    decision: str,
    status: str | None,
    comment: str,
    reviewer: str,
) -> int:
    """Append a reviewer's decision on ``control`` in the vendor's newest assessment; returns its id."""

    def work(session: Session) -> int:
        row_vendor = known_vendor(session, vendor)
        finding = session.scalar(
            select(FindingRow)
            .join(AssessmentRow)
            .where(AssessmentRow.vendor_id == row_vendor.id, FindingRow.control == control)
            .order_by(AssessmentRow.id.desc())
            .limit(1)
        )
        if finding is None:
            raise RegisterError(f"{row_vendor.name} has no assessed control {control!r}.")
        review = ReviewRow(finding_id=finding.id, **_review_values(decision, status, comment, reviewer))
        session.add(review)
        session.flush()
        return review.id

    return in_transaction(register, work)
