"""The reviewer's decision is the truth: apply_review, the review file, and ``check --review``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from checker.api import ContractChecker
from checker.cli import main
from checker.models import Assessment, ReviewerOverride, Status
from checker.report import report_bytes
from checker.report.wording import format_score, gap_reason, override_text, status_counts
from checker.review import (
    ReviewFile,
    ReviewFileError,
    apply_review,
    decide,
    load_review,
    review_mismatches,
    review_of,
)

ROOT = Path(__file__).resolve().parent.parent
DPA = ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(scope="module")
def engine_view(checker: ContractChecker) -> Assessment:
    [assessment], errors = checker.check_paths([DPA], "baseline")
    assert not errors
    return assessment


def _met(a: Assessment) -> str:
    return next(f.control for f in a.findings if f.status is Status.MET and f.severity == "critical")


def test_an_override_moves_score_counts_and_coverage(
    checker: ContractChecker, engine_view: Assessment
) -> None:
    control = _met(engine_view)
    decision = decide("overridden", Status.MISSING, "Clause 4 was struck in the signed copy.", "A. Lawyer")
    playbook = checker.playbook("baseline")
    reviewed = apply_review(engine_view, {control: decision}, playbook=playbook, library=checker.library)
    # The engine's view is kept: its status on the finding, its score beside the new one.
    finding = next(f for f in reviewed.findings if f.control == control)
    assert finding.status is Status.MET and finding.override == decision
    assert reviewed.engine_score == engine_view.score
    # A critical control losing all its credit costs 10 of the playbook's weighted points.
    assert reviewed.score < engine_view.score
    engine_counts = status_counts(engine_view.findings)
    after = status_counts(reviewed.findings)
    assert after[Status.MET] == engine_counts[Status.MET] - 1
    assert after[Status.MISSING] == engine_counts[Status.MISSING] + 1
    assert reviewed.score_explanation.startswith("After review:")
    met_before = sum(c.met for c in engine_view.coverage)
    met_after = sum(c.met for c in reviewed.coverage)
    assert met_after <= met_before
    # Accepting everything the engine said brings the engine's score back.
    undone = apply_review(reviewed, {})
    assert undone.score == engine_view.score and undone.engine_score is None


def test_decide_stamps_the_time_and_an_override_to_the_same_status_is_an_accept() -> None:
    same = decide("overridden", Status.MET, " fine ", " Ann ", engine=Status.MET)
    assert same.decision == "accepted" and same.status is None
    assert same.comment == "fine" and same.reviewer == "Ann"
    assert same.decided_at.endswith("+00:00") and "T" in same.decided_at


def test_overridden_gap_reason_gives_the_reviewer_first_and_what_the_engine_said(
    engine_view: Assessment,
) -> None:
    finding = next(f for f in engine_view.findings if f.status is Status.MET)
    ov = ReviewerOverride(
        decision="overridden",
        status=Status.WEAK,
        comment="Too slow for us",
        reviewer="Ann",
        decided_at="2026-12-05T10:00:00+00:00",
    )
    reviewed = finding.model_copy(update={"override": ov})
    reason = gap_reason(reviewed)
    assert reason.startswith("Reviewer: Too slow for us.")
    assert "the engine said Met" in reason
    assert (
        override_text(reviewed) == "Overridden: Met → Weak by Ann on 2026-12-05 10:00:00 UTC: Too slow for us"
    )


def test_review_file_round_trip(checker: ContractChecker, engine_view: Assessment) -> None:
    control = _met(engine_view)
    reviewed = apply_review(engine_view, {control: decide("overridden", Status.WEAK, "no", "Ann")})
    saved = review_of(reviewed)
    assert list(saved.decisions) == [control]
    assert saved.documents == [engine_view.document.sha256]
    again = load_review(saved.to_json().encode(), "r.json")
    assert again == saved
    assert review_mismatches(again, engine_view) == []
    assert apply_review(engine_view, again.decisions).score == reviewed.score


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"decisions": {}}', "not a clausecheck review"),
        (b"[1, 2]", "not a clausecheck review"),
        (
            b'{"kind": "clausecheck-review", "decisions": {"x": {"decision": "maybe"}}}',
            "decisions.x.decision",
        ),
        (b"\xff\xfe\x00", "not valid JSON"),
    ],
)
def test_a_bad_review_file_says_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ReviewFileError) as info:
        load_review(data, "mine.json")
    assert message in info.value.message and info.value.path == "mine.json"


def test_mismatches_are_named(engine_view: Assessment) -> None:
    review = ReviewFile(
        playbook="dora-ict",
        documents=["0" * 64],
        decisions={"no_such_control": ReviewerOverride(decision="accepted")},
    )
    notes = review_mismatches(review, engine_view)
    assert any("other documents" in n for n in notes)
    assert any("'dora-ict' playbook" in n for n in notes)
    assert any("no_such_control" in n for n in notes)


@pytest.mark.parametrize(
    ("score", "shown"), [(48.5, "49"), (47.5, "48"), (48.4, "48"), (0.0, "0"), (100.0, "100")]
)
def test_one_rounding_everywhere(score: float, shown: str) -> None:
    assert format_score(score) == shown


def test_every_export_follows_the_review(engine_view: Assessment) -> None:
    control = _met(engine_view)
    ov = decide("overridden", Status.CONFLICT, "Schedule 3 disclaims it", "Ann")
    reviewed = apply_review(engine_view, {control: ov})
    report = json.loads(report_bytes("json", [reviewed]))
    [a] = report["assessments"]
    assert a["score"] == reviewed.score and a["engine_score"] == engine_view.score
    exported = next(f for f in a["findings"] if f["control"] == control)
    assert exported["status"] == "met" and exported["override"]["status"] == "conflict"
    assert exported["override"]["decided_at"] == ov.decided_at
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes("xlsx", [reviewed])))
    summary = list(wb["Summary"].iter_rows(values_only=True))
    head, row = summary[0], summary[1]
    assert row[head.index("Conflict")] == status_counts(reviewed.findings)[Status.CONFLICT]
    assert row[head.index("Score")] == reviewed.score
    assert row[head.index("Engine score")] == engine_view.score
    for col in ("Score", "Engine score"):  # exact in the cell, shown whole and halves up, as on screen
        assert wb["Summary"].cell(2, head.index(col) + 1).number_format == "0"
    gaps = list(wb["Gaps"].iter_rows(values_only=True))
    gap = next(r for r in gaps if r[1] == control)
    assert gap[gaps[0].index("Why")].startswith("Reviewer: Schedule 3 disclaims it")
    findings = list(wb["Findings"].iter_rows(values_only=True))
    frow = next(r for r in findings if r[1] == control)
    assert frow[findings[0].index("Decided at")] == ov.decided_at
    html = report_bytes("html", [reviewed]).decode()
    assert f"The engine said {format_score(engine_view.score)} / 100" in html
    assert "Schedule 3 disclaims it" in html and "Ann" in html


def test_cli_check_with_a_saved_review(
    tmp_path: Path, engine_view: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    control = _met(engine_view)
    review = review_of(
        apply_review(engine_view, {control: decide("overridden", Status.MISSING, "struck", "Ann")})
    )
    path = tmp_path / "review.json"
    path.write_text(review.to_json())
    code = main(
        [
            "check",
            str(DPA),
            "--playbook",
            "baseline",
            "--no-isolation",
            "--format",
            "json",
            "--review",
            str(path),
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    [a] = json.loads(out.out)["assessments"]
    assert a["engine_score"] == engine_view.score and a["score"] < engine_view.score
    finding = next(f for f in a["findings"] if f["control"] == control)
    assert finding["override"]["comment"] == "struck" and finding["override"]["reviewer"] == "Ann"
    # The table says it too, with what the engine said.
    main(["check", str(DPA), "--playbook", "baseline", "--no-isolation", "--review", str(path)])
    table = capsys.readouterr().out
    assert f"(the engine said {format_score(engine_view.score)})" in table
    assert "reviewer: Overridden: Met → Missing by Ann" in table and "(the engine said Met)" in table


def test_cli_bad_review_file_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "review.json"
    bad.write_text("{}")
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", str(DPA), "--review", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "not a clausecheck review" in proc.stderr and "Traceback" not in proc.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "checker", "check", str(DPA), "--review", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "cannot be read" in missing.stderr
