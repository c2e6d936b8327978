"""The wording every report shares: thresholds, parameters, reasons, overrides, labels."""

from __future__ import annotations

import pytest
from report_samples import DOC, sample_assessment, sample_findings

from checker.models import ReviewerOverride, Status
from checker.report.wording import (
    assessment_label,
    effective_status,
    format_params,
    format_thresholds,
    gap_reason,
    open_gaps,
    override_text,
    reason_label,
    status_counts,
)


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        ({"notification_hours": {"threshold": 24, "max": 1}}, "notification_hours ≤ 24"),
        ({"retention_days": {"threshold": 30.5, "min": 1}}, "retention_days ≥ 30.5"),
        ({"notification_hours": {"max": 24}}, "notification_hours ≤ 24"),
        ({"x": {"threshold": 3}}, "x = 3"),
        ({}, ""),
    ],
)
def test_format_thresholds(thresholds: dict[str, dict[str, float]], expected: str) -> None:
    assert format_thresholds(thresholds) == expected


def test_format_params() -> None:
    assert format_params({"b_days": 5.0, "a_hours": 1.5}) == "a_hours = 1.5; b_days = 5"


def test_reasons_read_aloud() -> None:
    assert reason_label("vague_timing").startswith("vague timing")
    assert reason_label("72 hours is too long") == "72 hours is too long"


def test_overrides() -> None:
    weak = sample_findings()[0]
    assert override_text(weak) == ""
    accepted = weak.model_copy(update={"override": ReviewerOverride(decision="accepted")})
    assert override_text(accepted) == "Accepted"
    assert effective_status(accepted) is Status.WEAK
    to_met = weak.model_copy(
        update={"override": ReviewerOverride(decision="overridden", status=Status.MET, comment="ok")}
    )
    assert effective_status(to_met) is Status.MET
    assert override_text(to_met) == "Overridden: Weak → Met: ok"
    assert to_met not in open_gaps([to_met])


def test_gaps_and_counts() -> None:
    findings = sample_findings()
    assert [f.severity for f in open_gaps(findings)] == ["critical", "critical", "high", "medium"]
    # The reviewer overrode the conflict to weak: counts follow the reviewer, the engine's are kept apart.
    assert status_counts(findings) == {Status.MET: 1, Status.WEAK: 3, Status.CONFLICT: 0, Status.MISSING: 1}
    engine = status_counts(findings, engine=True)
    assert engine == {Status.MET: 1, Status.WEAK: 2, Status.CONFLICT: 1, Status.MISSING: 1}
    assert gap_reason(findings[3]) == "Nothing in the contract binds the vendor to this control."


def test_bundle_label() -> None:
    msa = DOC.model_copy(update={"name": "msa.pdf", "path": "msa.pdf"})
    assert assessment_label(sample_assessment()) == "acme-dpa.docx"
    assert assessment_label(sample_assessment(documents=[DOC, msa])) == "acme-dpa.docx + msa.pdf"
    assert assessment_label(sample_assessment(documents=[msa])) == "acme-dpa.docx + msa.pdf"
