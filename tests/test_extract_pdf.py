"""PDF extraction on real and generated PDFs: pages, furniture, joined paragraphs, line boxes."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from checker.extract import Limits, extract_file
from checker.extract.ocr.settings import OcrSettings
from checker.models import Document, DocumentFormat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DPA_37SIGNALS = FIXTURES / "corpus" / "37signals-data-processing-addendum-2023-04.pdf"
CONTRACT = FIXTURES / "generated" / "contract.pdf"
TWO_COLUMN = FIXTURES / "generated" / "two-column.pdf"
BREACH = (
    "37signals shall notify Customer without undue delay, and in compliance with Data Protection Laws and"
    " Regulations, after becoming aware of the accidental or unlawful destruction, loss, alteration, or"
    " unauthorized disclosure of, or access to, Personal Data"
)


@pytest.fixture(scope="module")
def dpa() -> Document:
    return extract_file(DPA_37SIGNALS)


@pytest.fixture(scope="module")
def contract() -> Document:
    return extract_file(CONTRACT)


def _text_lines(doc: Document) -> list[str]:
    return doc.text.split("\n")


def test_37signals_dpa_pages_sizes_and_identity(dpa: Document) -> None:
    assert dpa.format is DocumentFormat.PDF
    assert dpa.pages == 11 and len(dpa.page_starts) == 11
    assert dpa.page_sizes == [(612.0, 792.0)] * 11
    assert dpa.name == DPA_37SIGNALS.name and dpa.path == str(DPA_37SIGNALS)
    assert dpa.sha256.startswith("b738013dda4ccc5d")  # as recorded in fixtures/corpus/SOURCES.md
    assert dpa.page_starts == sorted(dpa.page_starts)
    assert dpa.text.startswith("37SIGNALS DATA PROCESSING ADDENDUM\n(Last updated April 20, 2023)\n")


def test_37signals_page_numbers_are_furniture_not_text(dpa: Document) -> None:
    assert dpa.furniture == [str(n) for n in range(1, 12)]
    assert not [line for line in _text_lines(dpa) if re.fullmatch(r"\d{1,2}", line.strip())]


def test_37signals_breach_sentence_is_whole_on_page_5_with_boxes_inside_the_page(dpa: Document) -> None:
    start = dpa.text.index(BREACH)
    end = start + len(BREACH)
    assert "\n" not in dpa.text[start:end]  # the wrapped lines were joined
    assert dpa.page_of(start) == 5 and dpa.page_of(end - 1) == 5
    boxes = dpa.lines_between(start, end)
    assert len(boxes) >= 3  # the sentence wraps over several visual lines
    width, height = dpa.page_sizes[4]
    for line in boxes:
        x0, top, x1, bottom = line.bbox
        assert line.page == 5
        assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
    # Independent check: PDFium's own text of page 5 holds the sentence.
    raw = pdfium.PdfDocument(str(DPA_37SIGNALS))[4].get_textpage().get_text_range()
    assert BREACH in " ".join(raw.split())


def _check_line_boxes(path: Path, doc: Document) -> None:
    """Each Line's span is its visual line: PDFium's text inside the Line's box says the same words."""
    pdf = pdfium.PdfDocument(str(path))
    pages = {n: pdf[n - 1].get_textpage() for n in {line.page for line in doc.lines}}
    for line in doc.lines:
        piece = doc.text[line.start : line.end]
        assert piece and "\n" not in piece and piece == piece.strip()
        x0, top, x1, bottom = line.bbox
        height = doc.page_sizes[line.page - 1][1]
        boxed = pages[line.page].get_text_bounded(
            x0 - 0.5, height - bottom + 0.5, x1 + 0.5, height - top - 0.5
        )
        boxed = " ".join(re.sub("[\ufffe\x02]", "", boxed).split())
        assert boxed.rstrip("-") == piece.rstrip("-"), (line, piece, boxed)


@pytest.mark.parametrize("path", [CONTRACT, TWO_COLUMN, DPA_37SIGNALS], ids=lambda p: p.name)
def test_line_offsets_point_into_the_final_text(path: Path) -> None:
    doc = extract_file(path)
    assert doc.lines and [ln.start for ln in doc.lines] == sorted(ln.start for ln in doc.lines)
    _check_line_boxes(path, doc)
    for line in doc.lines:
        assert doc.page_of(line.start) == line.page


def test_contract_header_footer_and_page_numbers_removed(contract: Document) -> None:
    assert contract.pages == 3
    assert "ACME CLOUD SERVICES - DATA PROCESSING AGREEMENT" in contract.furniture
    assert "Confidential - ACME Standard Terms v2.1 Page 2 of 3" in contract.furniture
    assert "ACME CLOUD" not in contract.text and "Page 1 of" not in contract.text
    assert "Confidential" not in contract.text


def test_contract_numbered_items_and_headings_start_lines(contract: Document) -> None:
    starts = [line.split(" ")[0] for line in _text_lines(contract)]
    for number in (
        "1.",
        "1.1",
        "1.2",
        "2.",
        "2.1",
        "2.2",
        "(a)",
        "(b)",
        "(c)",
        "3.",
        "3.1",
        "3.2",
        "4.1",
        "5.1",
    ):
        assert number in starts, number
    assert "2. Security Measures" in _text_lines(contract)


def test_contract_hyphenated_wrap_and_wrapped_lines_are_joined(contract: Document) -> None:
    assert "the contact point for details, and the security measures taken or proposed" in contract.text
    assert "secu-" not in contract.text and "secu rity" not in contract.text
    incident = (
        "3.1 Vendor shall notify Customer of a Security Incident within twenty-four (24) hours of becoming"
        " aware of it, and shall provide all information Customer reasonably requests."
    )
    assert incident in _text_lines(contract)


def test_contract_paragraph_runs_on_over_the_page_break(contract: Document) -> None:
    sentence = "Nothing in this Section limits the other obligations of either party under this Agreement"
    start = contract.text.index(sentence)
    assert contract.page_of(start) == 1
    assert contract.page_of(start + len(sentence) - 1) == 2  # "Section limits ..." is printed on page 2
    assert "\n" not in contract.text[start : start + len(sentence)]
    assert contract.text[contract.page_starts[1] :].startswith("Section limits the other obligations")


def test_two_column_page_keeps_each_column_whole() -> None:
    doc = extract_file(TWO_COLUMN)
    lines = _text_lines(doc)
    assert lines[0] == "Schedule 3 - Technical and Organisational Measures"
    assert lines[1].startswith("1. Access control.") and lines[1].endswith(
        "one (1) business day after a person leaves."
    )
    assert lines[2].startswith("2. Logging.") and lines[2].endswith("for at least twelve (12) months.")
    assert "every ninety (90) days" in lines[1]  # "(90)" opened a visual line but is no list item


def test_pdfplumber_engine_gives_the_same_text_on_the_contract(contract: Document) -> None:
    slow = extract_file(CONTRACT, pdf_engine="pdfplumber")
    assert slow.text == contract.text
    assert slow.page_starts == contract.page_starts
    assert slow.furniture == contract.furniture


def test_pdfplumber_engine_renders_ruled_tables_row_by_row(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    path = tmp_path / "table.pdf"
    rows = [["Measure", "Frequency"], ["Penetration test", "Annual"], ["Access review", "Quarterly"]]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(path), pagesize=LETTER).build([table])
    lines = _text_lines(extract_file(path, pdf_engine="pdfplumber"))
    assert "Penetration test | Annual" in lines and "Access review | Quarterly" in lines


def test_owner_password_only_pdf_is_read_with_a_warning() -> None:
    doc = extract_file(FIXTURES / "generated" / "encrypted-owner-only.pdf")
    assert "Vendor shall keep Customer Data confidential" in doc.text
    assert any("owner password" in w for w in doc.warnings)


def test_user_password_pdf_opens_with_the_right_password() -> None:
    doc = extract_file(FIXTURES / "generated" / "encrypted-user-password.pdf", password="secret")
    assert doc.text == "1. Vendor shall keep Customer Data confidential and encrypted at rest."
    assert not doc.warnings


def test_partly_scanned_pdf_warns_naming_the_page() -> None:
    doc = extract_file(
        FIXTURES / "generated" / "partly-scanned.pdf", limits=Limits(ocr=OcrSettings(mode="never"))
    )
    assert doc.pages == 3
    assert [w for w in doc.warnings if "Page 2 holds only images" in w and "OCR" in w]
    assert doc.page_of(doc.text.index("3. Vendor")) == 3
    # With OCR (the default) page 2 is read; its image holds only specks, and the warning says so.
    read = extract_file(FIXTURES / "generated" / "partly-scanned.pdf")
    assert "Page 2 is an image in which OCR found no text: check it by eye." in read.warnings
    assert read.text == doc.text
