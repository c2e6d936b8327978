"""``clausecheck extract``: clause listings as text and JSON, exit codes, unreadable inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import EXIT_INPUT_ERROR, EXIT_OK, EXIT_USAGE, main

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
FAR = str(CORPUS / "far-52.204-21-basic-safeguarding.txt")
DPA = str(CORPUS / "commonpaper-data-processing-agreement.md")


def test_text_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", FAR]) == EXIT_OK
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"== {FAR} (txt, 1 page, ")
    assert (
        "p1 §(b)(1)(xiv) [Basic Safeguarding of Covered Contractor Information Systems (NOV 2021) > Safeguarding"
        " requirements and procedures] (list_item) Update malicious code protection mechanisms when new releases"
        " are available." in lines
    )


def test_json_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--format", "json", DPA, FAR]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert result["errors"] == []
    dpa, far = result["documents"]
    assert set(dpa) == {
        "path", "name", "sha256", "format", "pages", "has_tracked_changes", "warnings", "ocr_confidence",
        "ocr_pages", "furniture", "clauses"
    }  # fmt: skip
    assert (dpa["ocr_confidence"], dpa["ocr_pages"]) == (None, [])  # a text file: nothing read by OCR
    assert (dpa["path"], dpa["name"], dpa["format"], dpa["pages"]) == (DPA, Path(DPA).name, "md", 1)
    assert len(dpa["sha256"]) == 64 and far["format"] == "txt"
    breach = next(c for c in dpa["clauses"] if "72 hours" in c["text"])
    assert set(breach) == {"index", "section", "heading", "page", "start", "end", "kind", "text"}
    assert (breach["section"], breach["kind"], breach["page"]) == ("4.1", "sentence", 1)
    assert breach["heading"].endswith("Security Incident Response")
    text = (CORPUS / "commonpaper-data-processing-agreement.md").read_text(encoding="utf-8")
    assert breach["end"] - breach["start"] == len(breach["text"]) and breach["text"][:40] in text
    assert [c["index"] for c in dpa["clauses"]] == list(range(len(dpa["clauses"])))


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("notes.pdf", b"These are plain notes, not a PDF at all.\n" * 3, "corrupt"),
    ],
)
def test_unreadable_input_is_reported_and_others_still_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, code: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    assert main(["extract", "--format", "json", str(bad), FAR]) == EXIT_INPUT_ERROR
    out, err = capsys.readouterr()
    result = json.loads(out)
    (error,) = result["errors"]
    assert (error["path"], error["code"]) == (str(bad), code)
    assert error["message"] and error["hint"]
    assert err == f"clausecheck: {bad}: {error['message']} {error['hint']}\n"
    assert [d["path"] for d in result["documents"]] == [FAR]


def test_missing_file_in_text_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.docx"
    assert main(["extract", str(missing), FAR]) == EXIT_INPUT_ERROR
    out, err = capsys.readouterr()
    assert f"== {FAR}" in out
    assert err.count("\n") == 1 and err.startswith(f"clausecheck: {missing}: ")


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract"])
    assert exit_info.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--format", "xml", FAR])
    assert exit_info.value.code == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err
