"""``clausecheck check`` end to end on the real corpus agreements (fixtures/corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checker.cli import main
from checker.library.loader import load_library

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
CP_DPA = CORPUS / "commonpaper-data-processing-agreement.md"
GH_DPA = CORPUS / "github-data-protection-agreement-2023-02.md"
CP_CSA = CORPUS / "commonpaper-cloud-service-agreement.md"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["check", *args, "--format", "json", "--no-isolation"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _finding(report: dict, control: str, index: int = 0) -> dict:
    return next(f for f in report["assessments"][index]["findings"] if f["control"] == control)


def test_common_paper_dpa_72_hour_notice_is_met_under_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = _check(capsys, str(CP_DPA), "--playbook", "baseline")
    assert code == 0
    finding = _finding(report, "incident_notification")
    assert finding["status"] == "met"
    assert finding["params"]["notification_hours"] == 72
    evidence = finding["evidence"][0]
    assert "72 hours" in evidence["text"]
    source = CP_DPA.read_text(encoding="utf-8")
    assert "72 hours" in source
    assert evidence["page"] == 1 and evidence["section"]


def test_common_paper_dpa_is_weak_under_the_strict_ai_vendor_playbook(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, report, _ = _check(capsys, str(CP_DPA), "--playbook", "ai-data-vendor")
    finding = _finding(report, "incident_notification")
    assert finding["status"] == "weak"
    assert finding["params"]["notification_hours"] == 72
    assert any("threshold of 24" in r for r in finding["reasons"])


def test_github_dpa_prompt_notice_is_weak_for_vague_timing(capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = _check(capsys, str(GH_DPA), "--playbook", "baseline")
    finding = _finding(report, "incident_notification")
    assert finding["status"] == "weak"
    assert "notification_hours" not in finding["params"]
    assert any("undue delay" in r or "promptly" in r for r in finding["reasons"])


def test_json_has_the_design_shape_and_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = _check(capsys, str(CP_DPA), str(CP_CSA), "--playbook", "all")
    assert code == 0
    assert len(report["assessments"]) == 2
    library = load_library()
    for a in report["assessments"]:
        assert {"document", "playbook", "score", "findings", "errors", "provenance"} <= set(a)
        assert len(a["document"]["sha256"]) == 64
        assert {f["control"] for f in a["findings"]} == set(library.controls)
        assert a["provenance"]["library_hash"] == library.content_hash
        for f in a["findings"]:
            assert f["status"] in ("met", "weak", "conflict", "missing")
            for ev in f["evidence"]:
                assert {"text", "page", "start", "end", "section"} <= set(ev)


def test_evidence_offsets_point_at_the_extracted_text(capsys: pytest.CaptureFixture[str]) -> None:
    from checker.extract import extract_file

    _, report, _ = _check(capsys, str(GH_DPA), "--playbook", "all")
    text = extract_file(GH_DPA).text
    for f in report["assessments"][0]["findings"]:
        for ev in f["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_bundle_is_one_assessment_and_a_bad_file_is_reported_not_fatal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    code, report, err = _check(
        capsys, str(CP_CSA), str(CP_DPA), str(empty), "--bundle", "--playbook", "baseline"
    )
    assert code == 1
    assert len(report["assessments"]) == 1
    assert [d["name"] for d in report["assessments"][0]["documents"]] == [CP_CSA.name, CP_DPA.name]
    assert _finding(report, "incident_notification")["status"] == "met"
    assert report["errors"][0]["path"] == str(empty)
    assert "empty.pdf" in err and "Traceback" not in err


def test_table_format_names_statuses_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(CP_DPA), "--playbook", "baseline", "--no-isolation"])
    out = capsys.readouterr().out
    assert code == 0
    assert "MET" in out and "incident_notification" in out and "72 hours" in out


def test_xlsx_output_opens(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    assert main(["check", str(CP_DPA), "--format", "xlsx", "--out", str(out), "--no-isolation"]) == 0
    wb = load_workbook(out)
    assert "Findings" in wb.sheetnames


def test_unknown_playbook_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CP_DPA), "--playbook", "no-such-playbook"]) == 2
    assert "unknown playbook" in capsys.readouterr().err


def test_isolated_check_runs_documents_in_workers_and_reports_a_bad_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "fake.pdf"
    bad.write_text("this is not a PDF", encoding="utf-8")
    code = main(["check", str(CP_DPA), str(bad), "--format", "json", "--jobs", "2", "--timeout", "60"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1
    assert [a["document"]["name"] for a in report["assessments"]] == [CP_DPA.name]
    assert _finding(report, "incident_notification")["params"]["notification_hours"] == 72
    assert report["errors"][0]["code"] == "corrupt" and "fake.pdf" in err
