"""The hostile-input corpus (fixtures/hostile/README.md) through ``clausecheck check``, ``extract`` and ``batch``.

Each file gets its own clear message (error code and a key phrase), exit code 1 when it cannot be read
(0 when it can, with a warning where something was ignored), never a traceback, never a hang, and never
unbounded memory: the files that could exhaust memory run in a subprocess under ``RLIMIT_AS`` = 2 GiB.
The small files are committed; the big ones are built once per session into a temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook

import checker.api
from checker.api import ContractChecker
from checker.batch import read_sheet, read_sheet_bytes
from checker.cli import main
from checker.errors import ArchiveBombError

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "fixtures" / "hostile"
GENERATED = ROOT / "fixtures" / "generated"
GIB = 1024**3


def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_hostile = _load_maker()


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The big hostile files (never committed), built once per session."""
    folder = tmp_path_factory.mktemp("hostile-big")
    for name, make in make_hostile.BIG.items():
        (folder / name).write_bytes(make())
    return folder


@pytest.fixture(scope="module")
def shared_checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(autouse=True)
def _one_checker(monkeypatch: pytest.MonkeyPatch, shared_checker: ContractChecker) -> None:
    """``check`` builds the compiled library once per run; the tests share one instead of 30."""
    monkeypatch.setattr(checker.api, "ContractChecker", lambda library=None: shared_checker)


def where(name: str, big: Path) -> Path:
    """The path of a corpus file: committed here, reused from fixtures/generated, or built for the session."""
    if name in make_hostile.BIG:
        return big / name
    if name in make_hostile.REUSED:
        return GENERATED / name
    return HOSTILE / name


# (file, exit code of check, error code or None, key phrase of the message or of a warning)
REFUSED = [
    ("encrypted-user-password.pdf", "encrypted", "The PDF is encrypted and needs a password to open."),
    ("scanned.pdf", "no_text_layer", "no text layer: it looks scanned"),
    ("truncated.pdf", "corrupt", "damaged, truncated or not really a PDF"),
    ("many-pages.pdf", "limit_exceeded", "The document has 5000 pages, over the limit max_pages (2000)."),
    ("flate-bomb.pdf", "archive_bomb", "it looks like a decompression bomb"),
    (
        "zip-bomb.docx",
        "archive_bomb",
        "over the limit max_uncompressed_bytes (200 MB): it looks like an archive bomb",
    ),
    ("entity-bomb.docx", "unsafe_document", "refused to guard against XML entity bombs"),
    ("legacy.doc", "legacy_format", "Legacy Word 97-2003 (.doc) files are not supported."),
    ("rtf-named.docx", "legacy_format", "RTF files are not supported."),
    ("zero-bytes.pdf", "empty", "The file is empty."),
    ("empty.txt", "empty", "The file is empty."),
    ("german-contract.txt", "unsupported_language", "The contract appears to be in German"),
    ("french-contract.txt", "unsupported_language", "The contract appears to be in French"),
]
READ_WITH_A_WARNING = [
    ("encrypted-owner-only.pdf", "encrypted with an owner password only"),
    ("javascript-attachment.pdf", "JavaScript or launch actions; they were ignored and never run"),
    ("external-relationships.docx", None),
    ("macro.docm", "its macros were never run"),
    ("pdf-named.docx", "The file is named .docx but its content is PDF; it was read as PDF."),
    ("html-named.pdf", "The file is named .pdf but its content is HTML; it was read as HTML."),
]
#: Run in a subprocess with an address-space cap: these are the files that could exhaust memory.
MEMORY_SENSITIVE = {"many-pages.pdf", "flate-bomb.pdf", "zip-bomb.docx", "entity-bomb.docx"}

_CAPPED = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, resource.RLIM_INFINITY))
from checker.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
# VmHWM is this process image's own peak; ru_maxrss would also count the parent (pytest) it was
# spawned from, since the high-water mark survives vfork and exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"MEASURED seconds={{seconds:.2f}} peak_mb={{peak // 1024}}", file=sys.stderr)
sys.exit(code)
"""


def run_capped(
    args: list[str], cap: int = 2 * GIB, timeout: float = 120
) -> tuple[int, str, str, dict[str, float]]:
    """``clausecheck ARGS`` in a fresh interpreter under RLIMIT_AS; exit code, stdout, stderr, time and peak RSS."""
    proc = subprocess.run(
        [sys.executable, "-c", _CAPPED.format(cap=cap), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    figures: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if line.startswith("MEASURED "):
            figures = {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    return proc.returncode, proc.stdout, proc.stderr, figures


def _check(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, Any], str]:
    code = main(["check", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "code", "phrase"), REFUSED, ids=[c[0] for c in REFUSED])
def test_check_refuses_with_a_clear_message(
    name: str, code: str, phrase: str, big: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = where(name, big)
    if name in MEMORY_SENSITIVE:
        rc, out, err, figures = run_capped(["check", str(path), "--format", "json"])
        report = json.loads(out)
        assert figures["peak_mb"] < 1024, figures  # refused before anything big was allocated
    else:
        rc, report, err = _check(capsys, path)
    assert rc == 1, err
    assert "Traceback" not in err
    assert phrase in err and str(path) in err
    assert report["assessments"] == []
    [error] = report["errors"]
    assert error["code"] == code and phrase in error["message"] + " " + error["hint"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "warning"), READ_WITH_A_WARNING, ids=[c[0] for c in READ_WITH_A_WARNING])
def test_files_that_can_be_read_are_assessed_and_warned_about(
    name: str, warning: str | None, big: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = where(name, big)
    rc, report, err = _check(capsys, path)
    assert rc == 0 and "Traceback" not in err and report["errors"] == []
    assert len(report["assessments"][0]["findings"]) > 0
    assert main(["extract", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)["documents"][0]
    if warning:
        assert any(warning in w for w in doc["warnings"]), doc["warnings"]


@pytest.mark.timeout(60)
def test_pdf_scripts_and_attachments_are_neither_run_nor_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = set(Path(tmp_path).rglob("*"))
    assert main(["extract", str(HOSTILE / "javascript-attachment.pdf"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)["documents"][0]
    text = " ".join(c["text"] for c in doc["clauses"])
    assert "within twenty-four (24) hours" in text
    assert make_hostile.CANARY not in text and "payload.exe" not in text
    assert "1 attached file; only the PDF's own text was read" in " ".join(doc["warnings"])
    assert set(Path(tmp_path).rglob("*")) == before  # nothing was written out


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every connect or name lookup fails the test (test_no_egress.py covers the whole pipeline).

    As in test_no_egress.py, a Unix-domain socket (local IPC: the workers' fork server) is not network.
    """
    attempts: list[str] = []
    original = {"socket.connect": socket.socket.connect, "socket.connect_ex": socket.socket.connect_ex}

    def refuse(what: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            if what in original and getattr(args[0], "family", None) == socket.AF_UNIX:
                return original[what](*args, **kwargs)
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise OSError(f"network blocked by the test: {what}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    yield attempts
    assert attempts == []


@pytest.mark.timeout(60)
def test_external_relationships_are_never_fetched(
    no_network: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = HOSTILE / "external-relationships.docx"
    assert main(["extract", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)["documents"][0]
    text = " ".join(c["text"] for c in doc["clauses"])
    assert "Security notices are published at the vendor portal." in text
    assert "example.invalid" not in text
    out = tmp_path / "annotated.docx"
    assert main(["check", str(path), "--format", "docx", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as z:  # the annotated copy keeps the links as they were: inert text
        assert 'TargetMode="External"' in z.read("word/_rels/document.xml.rels").decode()


@pytest.mark.timeout(60)
def test_pdf_decompression_bomb_is_refused_before_pdfium_and_bounded(big: Path) -> None:
    rc, _out, err, figures = run_capped(["extract", str(big / "flate-bomb.pdf")])
    assert rc == 1 and "Traceback" not in err
    assert "compressed over" in err and "max_compression_ratio (100:1)" in err
    assert figures["seconds"] < 10 and figures["peak_mb"] < 512, figures


def test_decompression_bomb_total_limit() -> None:
    from checker.extract import Limits, extract_bytes

    data = make_hostile.make_flate_bomb_pdf(12)  # 12 MB inflated: within the ratio floor's reach
    with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
        extract_bytes(data, "bomb.pdf", limits=Limits(max_uncompressed_bytes=5 * 1024 * 1024))
    with pytest.raises(ArchiveBombError, match="max_compression_ratio"):
        extract_bytes(data, "bomb.pdf")


@pytest.mark.timeout(60)
def test_five_thousand_pages_are_refused_quickly(big: Path) -> None:
    rc, _out, err, figures = run_capped(["extract", str(big / "many-pages.pdf")])
    assert rc == 1 and "5000 pages, over the limit max_pages (2000)" in err and "Traceback" not in err
    assert "--max-pages 5000" in err  # says how to raise it
    assert figures["seconds"] < 5 and figures["peak_mb"] < 512, figures


@pytest.mark.timeout(60)
def test_five_megabytes_on_one_line_are_read_and_cut_into_bounded_clauses(big: Path) -> None:
    rc, out, err, figures = run_capped(["extract", str(big / "one-line-5mb.txt"), "--format", "json"])
    assert rc == 0 and "Traceback" not in err, err[-2000:]
    clauses = json.loads(out)["documents"][0]["clauses"]
    assert len(clauses) > 10_000 and max(c["end"] - c["start"] for c in clauses) < 5_000
    assert figures["peak_mb"] < 1536, figures


@pytest.mark.timeout(60)
def test_a_one_megabyte_line_is_assessed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one-line-1mb.txt"
    path.write_bytes(make_hostile.one_line_contract(1024 * 1024))
    started = time.perf_counter()
    rc, report, err = _check(capsys, path)
    assert rc == 0 and "Traceback" not in err
    finding = next(f for f in report["assessments"][0]["findings"] if f["control"] == "incident_notification")
    assert finding["status"] == "met" and finding["params"]
    assert time.perf_counter() - started < 45


# --- batch sheets ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vendors-utf16.csv", "vendors-utf8-bom.csv"])
def test_csv_sheets_in_utf16_and_with_a_bom(name: str) -> None:
    sheet = read_sheet(HOSTILE / name)
    assert sheet.headers == ("Vendor", "Contract file")  # no BOM glued to the first header
    assert [r.values[1] for r in sheet.rows] == make_hostile.CONTRACTS


def test_formula_cells_are_never_evaluated() -> None:
    sheet = read_sheet(HOSTILE / "formula-cells.xlsx")
    assert [r.values for r in sheet.rows] == [
        ("Acme Cloud", "german-contract.txt", ""),
        ("Acme Cloud", "javascript-attachment.pdf", ""),
    ]  # a formula without a cached value is empty text; the all-formula row is blank and dropped


@pytest.mark.timeout(60)
def test_xlsx_bomb_is_refused_from_the_zip_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "vendors.xlsx"
    bomb.write_bytes(make_hostile.make_xlsx_bomb())
    with pytest.raises(ArchiveBombError, match="archive bomb"):
        read_sheet_bytes(bomb.read_bytes(), "vendors.xlsx")
    rc = main(["batch", str(bomb), "--out", str(tmp_path / "out.xlsx"), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert rc == 1 and "it looks like an archive bomb" in err and "Traceback" not in err


@pytest.mark.timeout(10)
def test_xlsx_bomb_under_the_size_cap_is_refused_quickly() -> None:
    """20 MB of empty rows (33 KB on disk): before c0e509d openpyxl ground through it (100 MB took 131 s, 1.6 GB)."""
    with pytest.raises(ArchiveBombError, match="archive bomb"):
        read_sheet_bytes(make_hostile.make_xlsx_bomb(20), "vendors.xlsx")


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory: pytest.TempPathFactory, big: Path) -> dict[str, Any]:
    """The whole corpus in one batch: the UTF-16 CSV names every file; the files come in a ZIP."""
    tmp = tmp_path_factory.mktemp("hostile-batch")
    docs = tmp / "docs.zip"
    with zipfile.ZipFile(docs, "w") as archive:
        for name in make_hostile.CONTRACTS:
            archive.write(where(name, big), name)
    out = tmp / "scored.xlsx"
    args = ["batch", str(HOSTILE / "vendors-utf16.csv"), "--docs", str(docs), "--out", str(out)]
    # --ocr never: scanned.pdf is refused from its missing text layer here (OCR of its pages has its own
    # tests), so the 8-second limit that stops the one-line contract cannot catch it on a busy machine.
    rc, _out, err, _figures = run_capped(
        [*args, "--jobs", "2", "--timeout", "8", "--no-cache", "--quiet", "--ocr", "never"], timeout=300
    )
    wb = load_workbook(out, read_only=True)
    results = list(wb["Results"].iter_rows(values_only=True))
    errors = list(wb["Errors"].iter_rows(values_only=True))
    formulas = [c.coordinate for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    wb.close()
    by_file = {row[1]: dict(zip(results[0], row, strict=False)) for row in results[1:]}
    error_codes = {row[0]: row for row in errors[1:]}
    return {"rc": rc, "err": err, "rows": by_file, "errors": error_codes, "formulas": formulas}


@pytest.mark.timeout(300)
def test_batch_reports_every_hostile_file_in_its_row(hostile_batch: dict[str, Any]) -> None:
    assert hostile_batch["rc"] == 1 and "Traceback" not in hostile_batch["err"]
    rows = hostile_batch["rows"]
    assert set(rows) == set(make_hostile.CONTRACTS)
    for name, _code, phrase in REFUSED:
        assert phrase in (rows[name]["Errors"] or ""), (name, rows[name]["Errors"])
        assert rows[name]["Score"] is None
    for name, _warning in READ_WITH_A_WARNING:
        assert not rows[name]["Errors"] and isinstance(rows[name]["Score"], int | float), name
    # the batch's per-document time limit stops what `check` would grind through (about 35 s here)
    assert "longer than the time limit (8 s)" in rows["one-line-5mb.txt"]["Errors"]
    assert hostile_batch["formulas"] == []


# --- regressions found by the fuzzer (fuzz/fuzz_extract.py) ------------------------------------------------


def _unknown_method() -> bytes:
    """The generated contract.docx with document.xml's compression method set to an unknown one (99)."""
    import struct

    data = bytearray((GENERATED / "contract.docx").read_bytes())
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"word/document.xml"))  # zipfile trusts this entry
    data[central + 10 : central + 12] = struct.pack("<H", 99)
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ((HOSTILE / "fuzz" / "zlib-error-in-member.docx").read_bytes(), "zlib.error from a flipped bit"),
        ((HOSTILE / "fuzz" / "rels-root-renamed.docx").read_bytes(), "AttributeError inside python-docx"),
        (_unknown_method(), "NotImplementedError: unknown compression method"),
    ],
    ids=["fuzz-zlib-error", "fuzz-rels-root", "unknown-method"],
)
def test_damaged_zip_members_are_corrupt_not_a_traceback(
    data: bytes, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contract.docx"
    path.write_bytes(data)
    rc, report, err = _check(capsys, path)
    assert rc == 1 and "Traceback" not in err, why
    assert report["errors"][0]["code"] in ("corrupt", "archive_bomb", "unsafe_document"), report["errors"]
    assert "damaged" in err or "not a readable zip" in err, err
