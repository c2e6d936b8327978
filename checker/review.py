"""Review: a reviewer's decisions applied to an assessment, and kept in a file to resume or share.

From here on the reviewer's status is the truth (DESIGN.md section 1): :func:`apply_review` gives every
reviewed finding its :class:`~checker.models.ReviewerOverride` and recomputes what depends on statuses
(the score and its explanation, and framework coverage when the playbook is given), while each finding
keeps the engine's own status and the assessment keeps the engine's score as ``engine_score``, so every
report can say "the engine said" beside the decision.

A review file is JSON (:class:`ReviewFile`): the decisions per control, with the playbook and the
documents' SHA-256 they were made on, so ``clausecheck check ... --review REVIEW.json`` and the app's
"Load a saved review" reproduce the same reviewed assessment, and say so when the files differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.errors import ClauseCheckError
from checker.library.coverage import coverage
from checker.library.loader import Library
from checker.library.schema import Playbook
from checker.models import Assessment, ReviewerOverride, Status
from checker.report.wording import effective_status
from checker.score import contract_score

__all__ = [
    "REVIEW_KIND",
    "ReviewFile",
    "ReviewFileError",
    "apply_review",
    "decide",
    "load_review",
    "review_mismatches",
    "review_of",
]

REVIEW_KIND: Final = "clausecheck-review"
#: A review file is a few kilobytes; anything far larger is not one.
_MAX_BYTES: Final = 5 * 1024 * 1024


class ReviewFileError(ClauseCheckError):
    """A review file that cannot be read or does not fit the assessment."""

    code = "review_file"


class ReviewFile(BaseModel):
    """A saved review: the reviewer's decisions per control, and what they were made on."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="clausecheck review")

    kind: Literal["clausecheck-review"] = REVIEW_KIND
    schema_version: Literal["1"] = "1"
    playbook: str = ""
    documents: list[str] = Field(default_factory=list, description="SHA-256 of each document reviewed.")
    decisions: dict[str, ReviewerOverride] = Field(default_factory=dict)

    def to_json(self) -> str:
        """The review as indented JSON text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def decide(
    decision: str, status: Status | None, comment: str, reviewer: str, *, engine: Status | None = None
) -> ReviewerOverride:
    """A decision stamped with the time; an override without a new status (or to the engine's) accepts."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if decision == "overridden" and status is not None and status != engine:
        return ReviewerOverride(
            decision="overridden",
            status=status,
            comment=comment.strip(),
            reviewer=reviewer.strip(),
            decided_at=now,
        )
    return ReviewerOverride(
        decision="accepted", comment=comment.strip(), reviewer=reviewer.strip(), decided_at=now
    )


def apply_review(
    assessment: Assessment,
    decisions: Mapping[str, ReviewerOverride],
    *,
    playbook: Playbook | None = None,
    library: Library | None = None,
) -> Assessment:
    """The assessment as reviewed: decisions on their findings, the score and coverage recomputed.

    Decisions replace any already applied; a decision for a control the assessment lacks is ignored
    (:func:`review_mismatches` names it). Coverage is recounted only when ``playbook`` and ``library``
    are given (it needs the provisions), else it is kept as the engine counted it.
    """
    findings = [f.model_copy(update={"override": decisions.get(f.control)}) for f in assessment.findings]
    engine_score = assessment.engine_score if assessment.engine_score is not None else assessment.score
    if not any(f.override is not None for f in findings):
        return assessment.model_copy(
            update={"findings": findings, "score": engine_score, "engine_score": None}
        )
    score, explanation = contract_score(findings, [effective_status(f) for f in findings])
    update: dict[str, object] = {
        "findings": findings,
        "score": score,
        "score_explanation": f"After review: {explanation}",
        "engine_score": engine_score,
    }
    if playbook is not None and library is not None:
        statuses = {f.control: effective_status(f).value for f in findings}
        update["coverage"] = coverage(playbook, library, statuses)
    return assessment.model_copy(update=update)


def review_of(assessment: Assessment) -> ReviewFile:
    """The decisions carried by a reviewed assessment, as a file to save."""
    return ReviewFile(
        playbook=assessment.playbook,
        documents=[d.sha256 for d in assessment.documents or [assessment.document]],
        decisions={f.control: f.override for f in assessment.findings if f.override is not None},
    )


def load_review(data: bytes | str, name: str = "review.json") -> ReviewFile:
    """Parse a review file; anything else raises :class:`ReviewFileError` naming what is wrong."""
    raw = data.encode() if isinstance(data, str) else data
    hint = "Give a review saved by clausecheck (the app's 'Save review' or a JSON with the same shape)."
    if len(raw) > _MAX_BYTES:
        raise ReviewFileError(
            "The review file is far too large to be a clausecheck review.", hint=hint, path=name
        )
    try:
        parsed = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewFileError(f"The review file is not valid JSON ({exc}).", hint=hint, path=name) from None
    if not isinstance(parsed, dict) or parsed.get("kind") != REVIEW_KIND:
        raise ReviewFileError("The file is JSON but not a clausecheck review.", hint=hint, path=name)
    try:
        return ReviewFile.model_validate(parsed)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReviewFileError(
            f"The review file has a bad value at {where}: {first['msg']}.", hint=hint, path=name
        ) from None


def review_mismatches(review: ReviewFile, assessment: Assessment) -> list[str]:
    """Why a review may not fit an assessment: other documents, another playbook, unknown controls."""
    notes: list[str] = []
    shas = {d.sha256 for d in assessment.documents or [assessment.document]}
    if review.documents and not shas & set(review.documents):
        notes.append("the review was made on other documents (no SHA-256 in common)")
    elif review.documents and shas != set(review.documents):
        notes.append("the review was made on a different set of documents")
    if review.playbook and review.playbook != assessment.playbook:
        notes.append(
            f"the review was made with the {review.playbook!r} playbook, not {assessment.playbook!r}"
        )
    known = {f.control for f in assessment.findings}
    unknown = sorted(set(review.decisions) - known)
    if unknown:
        notes.append("decisions on controls this playbook does not check were skipped: " + ", ".join(unknown))
    return notes
