"""The XLSX report: sheets, values, formatting, and no formula injection, checked by reopening the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from report_samples import DOC, HOSTILE, sample_assessment, sample_error

from checker.models import Status
from checker.report.cells import escape_csv_field, is_formula_like, safe_cell_value, write_text_cell
from checker.report.xlsx_report import write_xlsx

SHEETS = ["Findings", "Gaps", "Evidence", "Summary", "Coverage", "Provenance", "Errors"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    second = sample_assessment(document=DOC.model_copy(update={"name": "=other.docx", "path": "+b.docx"}))
    write_xlsx([sample_assessment(), second], path, errors=[sample_error()])
    return openpyxl.load_workbook(path)


def _records(ws: Worksheet) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == SHEETS


def test_findings_one_row_per_document_and_control(workbook: openpyxl.Workbook) -> None:
    rows = _records(workbook["Findings"])
    assert len(rows) == 2 * len(sample_assessment().findings)
    incident = rows[0]
    assert incident["Document"] == "acme-dpa.docx"
    assert incident["Control"] == "incident_notification"
    assert incident["Status"] == "weak"
    assert incident["Parameters found"] == "notification_hours = 72"
    assert incident["Playbook threshold"] == "notification_hours ≤ 24"
    assert "above the playbook threshold of 24 hours" in str(incident["Reasons"])
    assert incident["Reason codes"] == "over_threshold, late_trigger"
    assert str(incident["Evidence"]).startswith("12.3 Vendor shall notify")
    assert (incident["Section"], incident["Page"]) == ("12.3", 2)
    assert "twenty-four (24) hours" in str(incident["Fallback language"])


def test_overrides_shown(workbook: openpyxl.Workbook) -> None:
    by_control = {r["Control"]: r for r in _records(workbook["Findings"])[:5]}
    audit = by_control["audit_rights"]
    assert (audit["Status"], audit["Status after review"]) == ("conflict", "weak")
    assert audit["Reviewer decision"] == "overridden"
    assert audit["Reviewer"] == "A. Counsel"
    assert by_control["encryption_at_rest"]["Reviewer comment"] == "=cmd|' /C calc'!A0"


def test_gaps_only_open_findings_most_severe_first(workbook: openpyxl.Workbook) -> None:
    rows = _records(workbook["Gaps"])[:4]
    assert [r["Control"] for r in rows] == [
        "incident_notification",
        "ai_training_prohibition",
        "audit_rights",
        "subprocessor_notice",
    ]
    assert {r["Status after review"] for r in rows} <= {"weak", "conflict", "missing"}
    missing = rows[1]
    assert missing["Why"] == "Nothing in the contract binds the vendor to this control."
    assert "Overridden: Conflict → Weak by A. Counsel" in str(rows[2]["Reviewer"])


def test_evidence_sheet_has_every_span(workbook: openpyxl.Workbook) -> None:
    rows = _records(workbook["Evidence"])
    spans = sum(len(f.evidence) for f in sample_assessment().findings)
    assert len(rows) == 2 * spans
    texts = [r["Text"] for r in rows]
    for hostile in HOSTILE:
        assert hostile in texts
    first = rows[0]
    assert (first["Page"], first["Section"], first["Start"]) == (2, "12.3", 4100)
    assert first["Source document"] == "acme-dpa.docx"
    assert first["OCR confidence"] is None  # read from the file's own text, not by OCR


def test_summary_counts_and_chart(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Summary"]
    row = _records(ws)[0]
    assert row["Score"] == 42.5
    # After review: the conflict a reviewer overrode to weak counts as weak (issue 12).
    assert (row["Met"], row["Weak"], row["Conflict"], row["Missing"]) == (1, 3, 0, 1)
    assert row["The engine said"] == "1 met, 2 weak, 1 conflict, 1 missing"
    assert row["Reviewed"] == 2


def test_chart_written(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx([sample_assessment()], path)
    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)


def test_provenance_and_errors(workbook: openpyxl.Workbook) -> None:
    prov = _records(workbook["Provenance"])[0]
    assert prov["SHA-256"] == "ab" * 32
    assert prov["Playbook"] == "ai-data-vendor"
    assert prov["Library version"] == "2025.1"
    errors = _records(workbook["Errors"])
    assert errors == [{"File": "=scan.pdf", "Code": "no_text_layer", "Problem": "No text layer.",
                       "What to do": "Run OCR."}]  # fmt: skip


def test_no_cell_is_a_formula_and_text_is_verbatim(workbook: openpyxl.Workbook) -> None:
    seen = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.append(cell.value)
    formula_like = [h for h in HOSTILE if not h.startswith("<")]
    for hostile in [*formula_like, "=other.docx", "+b.docx", "=scan.pdf", "=cmd|' /C calc'!A0"]:
        assert hostile in seen


def test_no_formula_element_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx([sample_assessment()], path, errors=[sample_error()])
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_layout(workbook: openpyxl.Workbook) -> None:
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    findings = workbook["Findings"]
    assert findings["M1"].value == "Evidence"
    assert findings.column_dimensions["M"].width == 60
    assert findings["M2"].alignment.wrap_text
    assert findings["C1"].value == "Code"  # the catalogue code beside the title


def test_status_conditional_formatting(workbook: openpyxl.Workbook) -> None:
    cf = workbook["Findings"].conditional_formatting
    ranges = {str(r.sqref) for r in cf}
    assert {"G2:G11", "H2:H11"} <= ranges
    formulas = {rule.formula[0] for r in cf for rule in r.rules}
    assert formulas == {f'"{s.value}"' for s in Status}
    assert all(rule.dxf.fill is not None for r in cf for rule in r.rules)


def test_empty_report_and_stream() -> None:
    buf = io.BytesIO()
    write_xlsx([], buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == SHEETS
    assert wb["Findings"].max_row == 1


@pytest.mark.parametrize("text", [*HOSTILE, "=1+1", " =1", "＝1", "x\x00y\x1fz", "a" * 40_000])
def test_write_text_cell_never_formula(text: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    write_text_cell(ws, 1, 1, text)
    buf = io.BytesIO()
    wb.save(buf)
    cell = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active["A1"]  # type: ignore[index]
    assert cell.data_type == "s"
    value = str(cell.value)
    if len(text) > 32_767:
        assert len(value) == 32_767 and value.endswith("[truncated]")
    elif "\x00" in text:
        assert value == "xyz"
    else:
        assert value == text
        assert cell.quotePrefix == is_formula_like(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("Vendor shall notify", "Vendor shall notify"),
        (-2, "-2"),
        (3.5, "3.5"),
        (None, ""),
    ],
)
def test_escape_csv_field(value: object, expected: str) -> None:
    assert escape_csv_field(value) == expected


def test_safe_cell_value() -> None:
    assert safe_cell_value(3) == 3
    assert safe_cell_value(None) is None
    assert safe_cell_value(Status.WEAK) == "weak"
    assert safe_cell_value("a\x0bb") == "ab"


def test_evidence_read_by_ocr_carries_its_confidence(tmp_path: Path) -> None:
    from checker.report.wording import evidence_location

    a = sample_assessment()
    finding = a.findings[0]
    scanned = finding.evidence[0].model_copy(update={"ocr_confidence": 87.5})
    a = a.model_copy(
        update={"findings": [finding.model_copy(update={"evidence": [scanned]}), *a.findings[1:]]}
    )
    path = tmp_path / "scan.xlsx"
    write_xlsx([a], path)
    book = openpyxl.load_workbook(path)
    first = _records(book["Evidence"])[0]
    assert first["OCR confidence"] == 87.5 and first["Text"] == scanned.text
    assert evidence_location(scanned).endswith(", read by OCR with 87.5% confidence")
