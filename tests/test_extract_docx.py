"""DOCX extraction: list numbers rebuilt, tracked changes accepted, tables, furniture, pages."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from checker.extract import extract_bytes, extract_file
from checker.extract.docx_numbering import NumberingState, format_number
from checker.models import Document, DocumentFormat

GENERATED = Path(__file__).resolve().parents[1] / "fixtures" / "generated"
W_NS = nsdecls("w")


@pytest.fixture(scope="module")
def contract() -> Document:
    return extract_file(GENERATED / "contract.docx")


def test_multilevel_numbering_is_rendered(contract: Document) -> None:
    lines = contract.text.split("\n")
    expected = [
        "1. Security",
        "1.1 Vendor shall maintain an information security programme.",
        "1.2 Vendor shall, at a minimum:",
        "(a) encrypt Customer Data at rest;",
        "(b) encrypt Customer Data in transit, using:",
        "(i) TLS 1.2 or later; or",
        "(ii) an equivalent protocol.",
        "2. Incidents",
    ]
    start = lines.index("1. Security")
    assert lines[start : start + len(expected)] == expected


def test_numbering_from_the_paragraph_style(contract: Document) -> None:
    # "List Number" paragraphs carry no numPr of their own; the style does (numId 5 in the template).
    assert "1. Subprocessors\n2. Audits" in contract.text


def test_tracked_changes_give_the_accepted_view(contract: Document) -> None:
    assert (
        "2.1 Vendor shall notify Customer within twenty-four (24) hours of becoming aware of a Security Incident."
        in contract.text.split("\n")
    )
    assert "seventy-two" not in contract.text
    assert contract.has_tracked_changes
    assert any("accepted view" in w for w in contract.warnings)


def test_table_rows_become_lines_in_body_order(contract: Document) -> None:
    lines = contract.text.split("\n")
    row = lines.index("Access control | Quarterly access reviews")
    assert lines[row - 1] == "Domain | Measure" and lines[row + 1] == "Encryption | AES-256 at rest"
    assert lines[row - 2] == "Annex 2 - Security Measures"
    assert lines[row + 2] == "This Annex forms part of the Agreement."


def test_headers_and_footers_are_furniture(contract: Document) -> None:
    assert contract.furniture == ["ACME Cloud Services - Master Services Agreement", "Confidential"]
    assert "ACME Cloud Services" not in contract.text and "Confidential" not in contract.text


def test_explicit_page_break_makes_two_pages(contract: Document) -> None:
    assert contract.format is DocumentFormat.DOCX
    assert contract.pages == 2
    assert contract.page_of(contract.text.index("Annex 2 - Security Measures")) == 2
    assert contract.page_of(contract.text.index("2. Audits")) == 1


def test_headings_from_styles(contract: Document) -> None:
    headings = [(contract.text[a:b], level) for a, b, level in contract.headings]
    assert headings == [
        ("Master Services Agreement", 1),
        ("Security", 1),
        ("Annex 2 - Security Measures", 1),
    ]


def test_macro_enabled_document_is_read_with_a_warning() -> None:
    doc = extract_file(GENERATED / "macro.docm")
    assert "1.1 Vendor shall maintain an information security programme." in doc.text
    assert any("macros were never run" in w for w in doc.warnings)


def _docx_bytes(build: object) -> bytes:
    import io

    document = docx.Document()
    build(document)  # type: ignore[operator]
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_last_rendered_page_breaks_are_preferred_to_explicit_ones() -> None:
    def build(document: docx.document.Document) -> None:
        document.add_paragraph("First page text.")
        p = document.add_paragraph()
        p._p.append(parse_xml(f"<w:r {W_NS}><w:lastRenderedPageBreak/><w:t>Second page text.</w:t></w:r>"))
        q = document.add_paragraph("Still on page two, ")
        q._p.append(parse_xml(f"<w:r {W_NS}><w:lastRenderedPageBreak/><w:t>third page here.</w:t></w:r>"))

    doc = extract_bytes(_docx_bytes(build), "rendered.docx")
    assert doc.pages == 3
    assert doc.text == "First page text.\nSecond page text.\nStill on page two, third page here."
    assert doc.page_of(doc.text.index("Second")) == 2
    assert doc.page_of(doc.text.index("third")) == 3 and doc.page_of(doc.text.index("Still")) == 2


def test_deleted_paragraph_mark_merges_paragraphs_and_moves_are_resolved() -> None:
    def build(document: docx.document.Document) -> None:
        p = document.add_paragraph("Vendor shall encrypt data")
        p._p.get_or_add_pPr().append(parse_xml(f'<w:rPr {W_NS}><w:del w:id="5" w:author="A"/></w:rPr>'))
        q = document.add_paragraph()
        q._p.append(
            parse_xml(
                f'<w:moveFrom {W_NS} w:id="6" w:author="A"><w:r><w:t>old place</w:t></w:r></w:moveFrom>'
            )
        )
        q._p.append(parse_xml(f"<w:r {W_NS}><w:t>at rest.</w:t></w:r>"))

    doc = extract_bytes(_docx_bytes(build), "merged.docx")
    assert doc.text == "Vendor shall encrypt data at rest."
    assert doc.has_tracked_changes


def test_format_number() -> None:
    assert [format_number(n, "lowerRoman") for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(3, "upperLetter") == "C" and format_number(7, "decimalZero") == "07"
    assert format_number(5, "decimal") == "5" and format_number(5, "somethingNew") == "5"


def _state(xml: str) -> NumberingState:
    return NumberingState.from_xml(parse_xml(f"<w:numbering {W_NS}>{xml}</w:numbering>"), {})


_ABSTRACT = (
    '<w:abstractNum w:abstractNumId="1">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Article %1"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2"/>'
    "<w:isLgl/></w:lvl>"
    '<w:lvl w:ilvl="2"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="(%3)"/>'
    '<w:suff w:val="nothing"/></w:lvl>'
    "</w:abstractNum>"
)


def test_numbering_counters_restart_and_continue() -> None:
    state = _state(
        _ABSTRACT + '<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="8"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="9"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>'
    )
    labels = [
        state.label("7", 0),
        state.label("7", 1),
        state.label("7", 1),
        state.label("7", 2),
        state.label("7", 0),
        state.label("7", 1),  # level 1 restarted under the new article
        state.label("8", 0),  # another list on the same definition continues it, as in Word
        state.label("9", 0),  # a start override restarts
    ]
    assert labels == [
        ("Article 1", " "),
        ("1.1", " "),  # isLgl: every level as decimal
        ("1.2", " "),
        ("(III)", ""),
        ("Article 2", " "),
        ("2.1", " "),
        ("Article 3", " "),
        ("Article 10", " "),
    ]
    assert state.label("404", 0) == ("", "")
