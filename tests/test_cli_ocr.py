"""OCR through the command line: ``check`` in its worker, ``extract`` and ``batch``, with ``--ocr`` choices.

The scan is ``fixtures/scans/contract-300dpi-clean.tif``: the three pages of the synthetic contract at 300 dpi
(``fixtures/scans/make_scans.py``), whose section 3.1 binds the vendor to notice within 24 hours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from checker.cli import main

SCANS = Path(__file__).resolve().parents[1] / "fixtures" / "scans"
TIFF = SCANS / "contract-300dpi-clean.tif"
PNG = SCANS / "contract-p1-300dpi-clean.png"


@pytest.mark.timeout(300)
def test_check_a_scan_gives_the_incident_window_and_the_ocr_confidence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(TIFF), "--format", "json"]) == 0  # in a worker, under its limits
    out, _err = capsys.readouterr()
    [assessment] = json.loads(out)["assessments"]
    document = assessment["document"]
    assert document["format"] == "image" and document["pages"] == 3
    assert [p["page"] for p in document["ocr_pages"]] == [1, 2, 3]
    assert document["ocr_confidence"] > 85
    incident = next(f for f in assessment["findings"] if f["control"] == "incident_notification")
    assert incident["status"] == "met" and incident["params"] == {"notification_hours": 24.0}
    [evidence, *_] = incident["evidence"]
    assert "within twenty-four (24) hours" in evidence["text"] and evidence["page"] == 2
    page_two = document["ocr_pages"][1]["confidence"]
    assert evidence["ocr_confidence"] == page_two


def test_check_table_says_the_evidence_was_read_by_ocr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PNG), "--no-isolation", "--playbook", "baseline"]) == 0
    out, _ = capsys.readouterr()
    assert "OCR (contract-p1-300dpi-clean.png): 1 of 1 pages read by OCR," in out
    assert "read by OCR with" in out


def test_extract_with_ocr_never_refuses_a_scan_and_says_how_to_read_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["extract", str(PNG), "--ocr", "never", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    [error] = json.loads(out)["errors"]
    assert error["code"] == "unsupported_format" and "OCR is off" in error["message"]
    assert "Traceback" not in err


def test_extract_shows_each_page_read_by_ocr(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["extract", str(PNG), "--format", "json", "--ocr-lang", "eng", "--ocr-min-confidence", "99.9"])
        == 0
    )
    [doc] = json.loads(capsys.readouterr().out)["documents"]
    [page] = doc["ocr_pages"]
    assert page["page"] == 1 and page["dpi"] == 300 and doc["ocr_confidence"] == page["confidence"]
    # Under the threshold asked for: the page is named, with its confidence.
    assert doc["warnings"] == [
        f"Page 1 was read by OCR with {page['confidence']:.0f}% confidence: check it by eye."
    ]


def _rows(path: Path) -> list[dict[str, Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    values = list(book["Results"].iter_rows(values_only=True))
    book.close()
    return [dict(zip(values[0], row, strict=False)) for row in values[1:]]


def test_batch_passes_the_ocr_choice_to_its_workers(tmp_path: Path) -> None:
    sheet = tmp_path / "vendors.csv"
    sheet.write_text(f"Vendor,Contract file\nAcme,{PNG.name}\n", encoding="utf-8")
    out = tmp_path / "scored.xlsx"
    code = main(["batch", str(sheet), "--docs", str(SCANS), "--out", str(out), "--ocr", "never", "--quiet"])
    assert code == 1  # the scan is refused with OCR off, and the row says why
    [row] = _rows(out)
    assert "OCR is off" in " ".join(str(v) for v in row.values() if v)


@pytest.mark.parametrize("lang", ["../tessdata/evil", "eng deu", ""])
def test_an_ocr_language_that_is_not_a_code_is_a_usage_error(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["extract", str(PNG), "--ocr-lang", lang])
    assert caught.value.code == 2
    assert "is not a Tesseract language code" in capsys.readouterr().err
