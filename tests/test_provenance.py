"""Report provenance (issue "Hardening", part 6): every format says what produced it.

``clausecheck check`` in each format must record the tool version, the clause library's version and
content hash, the playbook and its hash, each document's SHA-256 and the time of the assessment, so a
filed report can be tied to the exact rules and the exact file that produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

import checker.api
from checker import __version__
from checker.api import ContractChecker
from checker.cli import main
from checker.library.loader import DEFAULT_LIBRARY, load_library, resolve_playbook
from checker.score import playbook_hash

ROOT = Path(__file__).resolve().parent.parent
DPA = ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"
CONTRACT_DOCX = ROOT / "fixtures" / "generated" / "contract.docx"
PLAYBOOK = "ai-data-vendor"


@pytest.fixture(scope="module")
def shared_checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(autouse=True)
def _one_checker(monkeypatch: pytest.MonkeyPatch, shared_checker: ContractChecker) -> None:
    monkeypatch.setattr(checker.api, "ContractChecker", lambda library=None: shared_checker)


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    library = load_library(DEFAULT_LIBRARY)
    return {
        "tool_version": __version__,
        "library_version": library.version,
        "library_hash": library.content_hash,
        "playbook": PLAYBOOK,
        "playbook_hash": playbook_hash(resolve_playbook(PLAYBOOK, library)),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(tmp_path: Path, fmt: str, source: Path) -> Path:
    out = tmp_path / f"report.{fmt}"
    assert main(["check", str(source), "--playbook", PLAYBOOK, "--format", fmt, "--out", str(out)]) == 0
    return out


def _recent(stamp: str) -> bool:
    created = dt.datetime.fromisoformat(stamp)
    return created.tzinfo is not None and abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=10)


def _stamps(text: str) -> list[str]:
    return re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\+00:00|Z)", text)


def test_json(tmp_path: Path, expected: dict[str, str]) -> None:
    report = json.loads(_check(tmp_path, "json", DPA).read_text(encoding="utf-8"))
    [assessment] = report["assessments"]
    provenance: dict[str, Any] = assessment["provenance"]
    assert {k: provenance[k] for k in expected} == expected
    assert _recent(provenance["created"])
    assert assessment["document"]["sha256"] == _sha256(DPA)
    assert assessment["playbook"] == PLAYBOOK


def test_xlsx_provenance_sheet(tmp_path: Path, expected: dict[str, str]) -> None:
    wb = load_workbook(_check(tmp_path, "xlsx", DPA), read_only=True)
    rows = list(wb["Provenance"].iter_rows(values_only=True))
    wb.close()
    [record] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert record["Tool version"] == expected["tool_version"]
    assert record["Library version"] == expected["library_version"]
    assert record["Library hash"] == expected["library_hash"]
    assert record["Playbook"] == PLAYBOOK and record["Playbook hash"] == expected["playbook_hash"]
    assert record["SHA-256"] == _sha256(DPA)
    assert _recent(str(record["Created"]))


def test_html(tmp_path: Path, expected: dict[str, str]) -> None:
    page = _check(tmp_path, "html", DPA).read_text(encoding="utf-8")
    provenance = page[page.index('<section class="provenance">') :]
    for value in (*expected.values(), _sha256(DPA)):
        assert value in provenance, value
    assert any(_recent(s) for s in _stamps(provenance))


def test_docx_summary(tmp_path: Path, expected: dict[str, str]) -> None:
    document = docx.Document(str(_check(tmp_path, "docx", CONTRACT_DOCX)))
    text = "\n".join(p.text for p in document.paragraphs)
    summary = text[text.index("clausecheck gap summary") :]
    for value in (*expected.values(), _sha256(CONTRACT_DOCX)):
        assert value in summary, value
    assert any(_recent(s) for s in _stamps(summary))
