"""``clausecheck library list|show|test|lint|schema`` through ``checker.cli.main``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from test_library_lint import base_control, other_control, playbook, write_library

from checker.cli import main


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """Two clean controls and a playbook, in tmp_path."""
    return write_library(
        tmp_path / "lib", [base_control(), other_control()], {"base": playbook("base", ["mfa"])}
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_table(capsys: pytest.CaptureFixture[str], small_library: Path) -> None:
    code, out, _ = run(capsys, "library", "list", "--library", str(small_library))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "FAMILY", "SEVERITY", "STATUS", "REFS", "EXAMPLES", "TITLE"]
    row = next(line for line in lines if line.startswith("incident_notification"))
    assert row.split()[:6] == ["incident_notification", "incident", "critical", "stable", "2", "18"]
    assert "2 controls, library 0.0.1" in out


def test_list_json_by_family(capsys: pytest.CaptureFixture[str], small_library: Path) -> None:
    code, out, _ = run(
        capsys, "library", "list", "--library", str(small_library), "--family", "access", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert [c["id"] for c in data["controls"]] == ["mfa"]
    assert data["controls"][0] | {"title": ""} == {
        "id": "mfa",
        "family": "access",
        "severity": "critical",
        "status": "stable",
        "title": "",
        "references": 2,
        "examples": 18,
    }


def test_list_unknown_family_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], small_library: Path
) -> None:
    code, _, err = run(capsys, "library", "list", "--library", str(small_library), "--family", "ai")
    assert code == 2 and "no controls in family 'ai'" in err and "incident" in err


def test_list_shipped_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "library", "list")
    assert code == 0 and re.search(r"^incident_notification\s+incident\s+critical", out, re.M)


def test_show_reads_like_a_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "library", "show", "incident_notification")
    assert code == 0
    for heading in (
        "What the vendor must do",
        "Why it matters",
        "Sources",
        "Parameters",
        "Fallback language",
    ):
        assert f"\n{heading}\n" in out
    assert "GDPR Art. 33(2)" in out and "Certainty: medium" in out
    assert "Strict threshold: 24; acceptable threshold: 72" in out
    assert "Strict:\n    Supplier shall notify" in out and "Known false positives" in out
    assert "[reason: days_not_hours; notification_business_days = 5]" in " ".join(out.split())


def test_show_unknown_id_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "library", "show", "incident_notificaton")
    assert code == 2 and out == ""
    assert "unknown control 'incident_notificaton'; did you mean 'incident_notification'?" in err
    assert "Traceback" not in err


def test_lint_reports_each_problem_and_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = base_control()
    del broken["examples"]["weak"][0]["reason"]
    root = write_library(tmp_path, [broken], {"base": playbook("base", ["mfaa"])})
    code, out, _ = run(capsys, "library", "lint", "--library", str(root))
    assert code == 1
    lines = out.splitlines()
    assert re.match(
        r".*controls/incident/incident_notification\.yaml:\d+: error \[weak-reason\] weak\[0\]", lines[0]
    )
    assert re.match(
        r".*playbooks/base\.yaml:\d+: error \[playbook-unknown-control\] unknown control 'mfaa'", lines[1]
    )
    assert lines[-1] == "2 error(s), 0 warning(s)"


def test_lint_warnings_alone_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    c = base_control()
    c["references"][1]["note"] = ""
    root = write_library(tmp_path, [c])
    code, out, _ = run(capsys, "library", "lint", "--library", str(root), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["errors"], data["warnings"]) == (0, 1)
    assert data["problems"][0]["code"] == "reference-note" and data["problems"][0]["line"] > 0
    code, out, _ = run(capsys, "library", "lint", "--library", str(root), "--errors-only")
    assert code == 0 and out.splitlines() == ["0 error(s), 1 warning(s)"]


def test_lint_missing_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "library", "lint", "--library", str(tmp_path / "nope"))
    assert code == 2 and "library folder not found" in err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "library", "schema", "--kind", "playbook")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Playbook" and schema["additionalProperties"] is False


def test_schema_write(capsys: pytest.CaptureFixture[str], small_library: Path) -> None:
    code, out, _ = run(capsys, "library", "schema", "--library", str(small_library), "--write")
    assert code == 0 and out.count("wrote ") == 2
    assert json.loads((small_library / "schema" / "control.schema.json").read_text())["title"] == "Control"


def test_test_without_matcher_fails_clearly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, small_library: Path
) -> None:
    monkeypatch.setitem(sys.modules, "checker.match.examples", None)
    code, out, err = run(capsys, "library", "test", "--library", str(small_library))
    assert code == 1 and "matcher not available" in err and out == ""


def test_test_unknown_control_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "library", "test", "--control", "no_such_control")
    assert code == 2 and "no_such_control" in err


def test_test_reports_failures_like_a_test_runner(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("checker.match.examples")
    c = base_control()
    # A plain binding obligation planted among the negatives must come out as a failure.
    c["examples"]["negative"][0] = c["examples"]["met"][0]["text"]
    root = write_library(tmp_path, [c])
    code, out, _ = run(capsys, "library", "test", "--library", str(root))
    assert code == 1
    assert re.search(
        r'^FAIL incident_notification negative\[0\]: expected missing, got met.*: "Supplier shall notify',
        out,
        re.M,
    )
    passed, failed = map(int, re.fullmatch(r"(\d+) passed, (\d+) failed", out.splitlines()[-1]).groups())  # type: ignore[union-attr]
    assert failed >= 1 and passed + failed == 18


def test_test_passes_on_the_template_control(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("checker.match.examples")
    code, out, _ = run(capsys, "library", "test", "--control", "incident_notification")
    assert re.fullmatch(r"\d+ passed, 0 failed", out.splitlines()[-1]) and code == 0


def test_explain_names_the_stage_that_decided(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "library",
        "explain",
        "Customer shall notify Provider of any Security Incident within 24 hours.",
    )
    assert code == 0
    assert "(incident_notification): no finding, decided at the 'party' stage" in out
    assert "a duty of the customer, not of the vendor [customer_duty]" in out
    code, out, _ = run(
        capsys,
        "library",
        "explain",
        "--format",
        "json",
        "Provider shall notify Customer of any Security Incident within 3 days.",
    )
    found = {x["control"]: x for x in json.loads(out)}
    assert found["incident_notification"]["status"] == "weak"
    assert found["incident_notification"]["reason_codes"] == ["days_not_hours"]
    code, out, _ = run(capsys, "library", "explain", "The weather was fine on the day of signing.")
    assert code == 0 and "no rule of the library reads this sentence" in out
