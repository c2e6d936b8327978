"""The annotated DOCX: comments on weak/conflicting clauses, the vendor's text untouched, a gap summary."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest
from report_samples import AUDIT_CELL, DOC, INCIDENT_PARAGRAPH, sample_assessment, sample_docx

from checker.errors import ClauseCheckError, ReportError
from checker.models import Evidence
from checker.report import report_bytes, write_report
from checker.report.docx_locate import ParagraphIndex, iter_paragraphs, locate
from checker.report.docx_report import AUTHOR, SUMMARY_HEADING, annotate_docx


def _texts(data: bytes) -> list[str]:
    return [p.text for p in iter_paragraphs(docx.Document(io.BytesIO(data)))]


@pytest.fixture(scope="module")
def annotated() -> tuple[bytes, dict[str, str]]:
    buf = io.BytesIO()
    placed = annotate_docx(sample_assessment(), sample_docx(), buf)
    return buf.getvalue(), placed


def test_comments_on_weak_and_conflicting_clauses(annotated: tuple[bytes, dict[str, str]]) -> None:
    data, placed = annotated
    comments = list(docx.Document(io.BytesIO(data)).comments)
    assert len(comments) == 3  # incident (weak), audit (conflict overridden to weak), subprocessors (weak)
    assert {c.author for c in comments} == {AUTHOR}
    assert {c.initials for c in comments} == {"CC"}
    incident = next(c for c in comments if "Security incident notification" in c.text)
    # In a lawyer's words: no internal ids or raw keys (issue 12).
    assert "incident_notification" not in incident.text and "_hours" not in incident.text
    assert "Playbook requires: notification: at most 24 hours" in incident.text
    assert "Found: notification: 72 hours" in incident.text
    assert "the clock starts at confirmation, not awareness" in incident.text
    assert "Proposed language: Vendor shall notify Customer of any Security Incident within twenty-four" in (
        incident.text
    )
    audit = next(c for c in comments if "Customer audit rights" in c.text)
    assert "Reviewer: Overridden: Conflict → Weak by A. Counsel" in audit.text
    assert placed["incident_notification"].startswith("Comment at acme-dpa.docx, section 12.3")


def test_comments_are_anchored_on_the_evidence_paragraphs(annotated: tuple[bytes, dict[str, str]]) -> None:
    doc = docx.Document(io.BytesIO(annotated[0]))
    anchored = [p.text for p in iter_paragraphs(doc) if p._p.xpath(".//w:commentRangeStart")]
    assert anchored == [
        "9.2 Vendor may engage new subprocessors by updating its website.",
        INCIDENT_PARAGRAPH.replace("within seventy", "within  seventy"),
        AUDIT_CELL,
    ]


def test_original_text_is_untouched(annotated: tuple[bytes, dict[str, str]]) -> None:
    original = _texts(sample_docx())
    after = _texts(annotated[0])
    assert after[: len(original)] == original
    body_before = [p.text for p in docx.Document(io.BytesIO(sample_docx())).paragraphs]
    body_after = [p.text for p in docx.Document(io.BytesIO(annotated[0])).paragraphs]
    assert body_after[: len(body_before)] == body_before


def test_gap_summary_appended(annotated: tuple[bytes, dict[str, str]]) -> None:
    doc = docx.Document(io.BytesIO(annotated[0]))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[-1] == SUMMARY_HEADING
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Control", "Status", "Reason", "Proposed language", "Where"]
    by_control = {r[0]: r for r in rows[1:]}
    assert len(by_control) == 4  # every finding not met, missing included
    missing = by_control["No training of AI models on customer data"]
    assert missing[1] == "Missing"
    assert missing[2] == "Nothing in the contract binds the vendor to this control."
    assert missing[3].startswith("Vendor shall not use Customer Data to train")
    assert missing[4] == "No clause binds the vendor."
    audit = by_control["Customer audit rights"]
    assert audit[1] == "Weak (reviewer; the engine said Conflict)"
    assert "SOC 2 report offered instead" in audit[2]


def test_unlocated_evidence_is_said_in_the_summary() -> None:
    f = sample_assessment().findings[0]
    lost = f.model_copy(update={"evidence": [Evidence(text="Vendor will send a carrier pigeon within 9 days.",
                                                       document=DOC.name, page=5, start=1, end=2)]})  # fmt: skip
    buf = io.BytesIO()
    placed = annotate_docx(sample_assessment(findings=[lost]), sample_docx(), buf)
    assert placed[f.control].startswith("Clause not found in this file (acme-dpa.docx, page 5)")
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    assert list(doc.comments) == []
    assert "Clause not found in this file" in doc.tables[-1].rows[1].cells[4].text


def test_merged_cells_and_control_characters() -> None:
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = AUDIT_CELL
    table.cell(1, 0).add_table(rows=1, cols=1).cell(0, 0).text = "Nested: Vendor keeps logs."
    source = io.BytesIO()
    d.save(source)
    audit = next(f for f in sample_assessment().findings if f.control == "audit_rights")
    audit = audit.model_copy(update={"fallback": "Vendor shall\x0b permit audits\x00 yearly."})
    out = io.BytesIO()
    annotate_docx(sample_assessment(findings=[audit]), source.getvalue(), out)
    texts = _texts(out.getvalue())
    assert texts.count(AUDIT_CELL) == 1
    assert "Nested: Vendor keeps logs." in texts
    (comment,) = docx.Document(io.BytesIO(out.getvalue())).comments
    assert "Proposed language: Vendor shall permit audits yearly." in comment.text


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("12.3 Vendor shall notify Customer", 1),  # list number the paragraph does not show
        ("Vendor  shall\nnotify Customer", 1),  # whitespace
        ("“Security Incident” means a breach", 0),  # curly quotes
        ("(a) Vendor shall notify Customer of a Security Incident within 24 hours and shall", 1),  # overlap
        ("Nothing like this appears anywhere at all", None),
        ("", None),
    ],
)
def test_locate(quote: str, expected: int | None) -> None:
    paragraphs = [
        '"Security Incident" means a breach of security.',
        "Vendor shall notify Customer of a Security Incident within 72 hours and shall cooperate.",
    ]
    assert locate(paragraphs, quote) == expected


def test_locate_is_fast_on_long_documents() -> None:
    index = ParagraphIndex(
        [f"Clause {i}: the supplier keeps record {i} of item {i * 7}." for i in range(3000)]
    )
    started = time.perf_counter()
    for i in range(50):
        assert index.locate(f"Zebra {i} quokka wombat platypus echidna") is None
    assert time.perf_counter() - started < 5


def test_dispatcher_writes_docx(tmp_path: Path) -> None:
    source = tmp_path / "acme-dpa.docx"
    source.write_bytes(sample_docx())
    out = tmp_path / "annotated.docx"
    write_report("docx", [sample_assessment()], out, sources={DOC.path: source})
    assert len(list(docx.Document(str(out)).comments)) == 3
    data = report_bytes("docx", [sample_assessment()], sources={DOC.name: sample_docx()})
    assert _texts(data)[: len(_texts(sample_docx()))] == _texts(sample_docx())


def test_dispatcher_refuses_what_it_cannot_annotate(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="one contract"):
        report_bytes("docx", [sample_assessment(), sample_assessment()], sources={DOC.path: sample_docx()})
    pdf = sample_assessment(
        document=DOC.model_copy(update={"format": "pdf", "path": "a.pdf", "name": "a.pdf"})
    )
    with pytest.raises(ReportError, match="Word file") as excinfo:
        report_bytes("docx", [pdf], sources={"a.pdf": b"%PDF-1.7"})
    assert isinstance(excinfo.value, ClauseCheckError) and excinfo.value.hint
    with pytest.raises(ReportError, match="not a readable DOCX"):
        report_bytes("docx", [sample_assessment()], sources={DOC.path: b"not a zip"})
    out = tmp_path / "never.docx"
    with pytest.raises(ReportError):
        write_report("docx", [sample_assessment()], out, sources={})
    assert not out.exists()
    with pytest.raises(ReportError, match="Unknown report format"):
        report_bytes("pdf", [sample_assessment()])


@pytest.mark.parametrize("fmt", ["json", "html", "xlsx"])
def test_dispatcher_other_formats(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"r.{fmt}"
    write_report(fmt, [sample_assessment()], out)
    assert out.stat().st_size > 1000
    if fmt != "xlsx":
        text = io.StringIO()
        write_report(fmt, [sample_assessment()], text)
        assert text.getvalue() == out.read_bytes().decode("utf-8")
    else:
        with pytest.raises(ReportError, match="binary"):
            write_report(fmt, [sample_assessment()], io.StringIO())
