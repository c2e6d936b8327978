"""Segmentation repairs (issue 11): heading paths from the document's own structure, page furniture
never a clause, verbless schedule lines as clauses. On generated PDF, DOCX and text documents and on
real documents (fixtures/corpus and the open part of the labelled corpus)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from reportlab import rl_config
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table
from reportlab.platypus.doctemplate import BaseDocTemplate

from checker.extract import extract_bytes, extract_file
from checker.models import Clause, ClauseKind, Document, DocumentFormat
from checker.segment import segment
from checker.segment.furniture import furniture_lines
from checker.segment.lines import _line_spans

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "corpus"
OPEN_CORPUS = ROOT / "clause_library" / "corpus" / "documents"  # only documents whose split is "open"
CCS_SCHEDULE = OPEN_CORPUS / "crown-commercial-service__call-off-schedule-6-ict-services.pdf"
DEAR = OPEN_CORPUS / "us-department-of-energy__dear-952-204-security-clauses.md"

MEASURES = [
    "Encryption of personal data at rest and in transit",
    "Multi-factor authentication for administrative access",
    "Logging and monitoring of access to production systems",
    "Annual penetration testing by an independent third party",
    "Quarterly review of user accounts and access rights",
    "Secure disposal of storage media at the end of its life",
]
FILLER = (
    "This obligation applies to every environment in which Customer Data is processed, including"
    " development, test and disaster recovery environments operated by Vendor or its Subprocessors, and"
    " continues for as long as Vendor or any Subprocessor holds Customer Data."
)
DOC_ID = "ACME Cloud Services - Data Processing Agreement - Doc ID ACME-DPA-2024-017 rev 3"
FOOTER = "ACME Proprietary and Confidential - Doc ID ACME-DPA-2024-017"


def _only(clauses: list[Clause], fragment: str) -> Clause:
    hits = [c for c in clauses if fragment in c.text]
    assert len(hits) == 1, (fragment, [c.text for c in hits])
    return hits[0]


def _dpa_pdf() -> bytes:
    """A 3-page DPA as a word processor prints it: a title, an order-details table on page 1, numbered
    sections, an annex listing measures one per line, a running header from page 2 and a footer with
    "Confidential" and the page number on every page."""
    rl_config.invariant = 1
    styles = getSampleStyleSheet()

    def furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = LETTER
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        if doc.page > 1:
            canvas.drawString(72, height - 40, DOC_ID)
        canvas.drawString(72, 40, "Confidential")
        canvas.drawRightString(width - 72, 40, f"Page {doc.page}")
        # Above the band where the PDF reader looks for footers: the segmenter must catch this one.
        canvas.drawString(72, 68, FOOTER)
        canvas.restoreState()

    def p(text: str, style: str = "BodyText") -> Paragraph:
        return Paragraph(text, styles[style])

    rows = [
        ["Item", "Details"],
        ["Subject Matter", "Hosting of Customer Data"],
        ["Duration", "Term of the Agreement"],
        ["Categories of Data", "Contact Details"],
        ["Data Subjects", "Customer Employees"],
    ]
    story = [
        p("DATA PROCESSING AGREEMENT", "Title"),
        p(
            "This Data Processing Agreement is entered into between ACME Cloud Services Inc. (Vendor) and the"
            " Customer named in the Order Form, and forms part of the Agreement between them."
        ),
        p("Order Details", "Heading2"),
        Table(rows),
        PageBreak(),
        p("1. Definitions", "Heading2"),
        p(
            '1.1 "Security Incident" means any breach of security leading to the accidental or unlawful'
            " destruction, loss, alteration or unauthorised disclosure of, or access to, Customer Data."
        ),
        p("2. Security", "Heading2"),
        p("2.1 Vendor shall implement the measures set out in Annex 2. " + FILLER),
        p(
            "2.2 Vendor shall notify Customer of any Security Incident within twenty-four (24) hours of"
            " becoming aware of it. " + FILLER
        ),
        p("3. Audit", "Heading2"),
        p("3.1 Customer may audit Vendor's compliance with this Agreement once a year. " + FILLER),
        PageBreak(),
        p("Annex 2 - Technical and Organisational Measures", "Heading2"),
        p(
            "Vendor shall implement and maintain the following technical and organisational measures for the"
            " whole term of the Agreement and for as long as it or any of its Subprocessors holds any"
            " Customer Data, and shall review them at least once a year:"
        ),
        *[p(m) for m in MEASURES],
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=LETTER).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


@pytest.fixture(scope="module")
def dpa_pdf() -> tuple[Document, list[Clause]]:
    doc = extract_bytes(_dpa_pdf(), "dpa.pdf")
    return doc, segment(doc)


# --- heading paths come from the document's own headings ----------------------------------------------


def test_pdf_order_details_table_is_not_the_heading_path_of_later_sections(
    dpa_pdf: tuple[Document, list[Clause]],
) -> None:
    _doc, clauses = dpa_pdf
    notice = _only(clauses, "within twenty-four (24) hours")
    assert notice.section == "2.2" and notice.page == 2
    assert notice.heading_path == ["DATA PROCESSING AGREEMENT", "Security"]
    audit = _only(clauses, "Customer may audit")
    assert audit.heading_path == ["DATA PROCESSING AGREEMENT", "Audit"]
    later = [c for c in clauses if c.start >= _only(clauses, "1. Definitions").start]
    table_words = {"Order Details", "Item Details", "Data Subjects", "Customer Employees"}
    assert all(not table_words.intersection(c.heading_path) for c in later)
    assert all("Details" not in " ".join(c.heading_path) for c in later)


def test_text_table_caption_ends_with_its_table() -> None:
    text = (
        "MASTER SERVICES AGREEMENT\nThis Agreement is made between Acme Ltd and the Customer.\nOrder Details\n"
        "Item | Details\n--- | ---\nService | Hosting\nFees | As in the Order Form\n\n"
        "The fees are payable in advance.\n1. Definitions\n1.1 Terms have the meanings in the Order Form.\n"
        "2. Security\n2.1 Supplier shall encrypt Customer Data at rest."
    )
    clauses = segment(_text_doc(text))
    assert _only(clauses, "Service | Hosting").heading_path == ["MASTER SERVICES AGREEMENT", "Order Details"]
    assert _only(clauses, "payable in advance").heading_path == ["MASTER SERVICES AGREEMENT"]
    assert _only(clauses, "encrypt Customer Data").heading_path == ["MASTER SERVICES AGREEMENT", "Security"]


def test_heading_with_body_is_not_the_parent_of_the_next_numbered_heading() -> None:
    text = (
        "DATA PROCESSING ADDENDUM\nThe parties agree as follows.\nBackground\n"
        "Vendor provides hosting services to Customer.\n1. Security\n"
        "1.1 Vendor shall notify Customer of a Security Incident within 48 hours."
    )
    clauses = segment(_text_doc(text))
    assert _only(clauses, "hosting services").heading_path == ["DATA PROCESSING ADDENDUM", "Background"]
    assert _only(clauses, "within 48 hours").heading_path == ["DATA PROCESSING ADDENDUM", "Security"]


def test_heading_directly_above_numbered_headings_stays_their_parent() -> None:
    text = (
        "Terms of Service\nThese terms apply to every use of the Service.\nPart One General Terms\n"
        "1. Accounts\n1.1 You must keep your password safe.\n2. Security\n2.1 We will encrypt your data."
    )
    clauses = segment(_text_doc(text))
    assert _only(clauses, "encrypt your data").heading_path == [
        "Terms of Service",
        "Part One General Terms",
        "Security",
    ]


def test_annex_title_under_a_bare_keyword_heading_survives_its_intro_text() -> None:
    text = (
        "Clause 8\nData protection safeguards\nThe data exporter warrants that it has used reasonable efforts.\n"
        "8.1 Instructions\n(a) The data importer shall process the personal data only on instructions."
    )
    clauses = segment(_text_doc(text))
    assert _only(clauses, "only on instructions").heading_path == [
        "Clause 8", "Data protection safeguards", "Instructions",
    ]  # fmt: skip


def test_ccs_definitions_table_terms_are_not_headings() -> None:
    """Open-split corpus PDF: defined terms broken over two table lines ('"Emergency' / 'Maintenance"')
    were headings, and each became the heading path of the definitions after it."""
    clauses = segment(extract_file(CCS_SCHEDULE))
    assert not [c.text for c in clauses if c.kind is ClauseKind.HEADING and c.text.count('"') % 2]
    definitions = [c for c in clauses if c.section and c.section.startswith("1.1")]
    assert len(definitions) > 30
    assert all(c.heading_path == ["Call-Off Schedule 6 (ICT Services)", "Definitions"] for c in definitions)
    malware = _only(clauses, "use the latest versions of anti-virus")
    assert malware.heading_path == ["Call-Off Schedule 6 (ICT Services)", "Malicious Software"]


def test_dear_heading_of_one_item_does_not_head_the_next_items() -> None:
    """Open-split corpus: 'Notices' headed (a)(3) of DEAR 952.204-73 and stayed on (b) to (f)."""
    clauses = segment(extract_file(DEAR))
    definition = _only(clauses, "Foreign Interest means any of the follow")
    assert definition.section == "(b)(1)"
    assert definition.heading_path[-1] == "Definitions" and "Notices" not in definition.heading_path


def test_github_dpa_clause_titles_are_kept() -> None:
    clauses = segment(extract_file(FIXTURES / "github-data-protection-agreement-2023-02.md"))
    instructions = [
        c for c in clauses if c.section == "8.1(a)" and "only on documented instructions" in c.text
    ]
    assert instructions and instructions[0].heading_path[-3:] == [
        "Clause 8",
        "Data protection safeguards",
        "Instructions",
    ]


# --- page furniture is never a clause ---------------------------------------------------------------


def test_pdf_running_header_footer_and_page_numbers_are_not_clauses(
    dpa_pdf: tuple[Document, list[Clause]],
) -> None:
    doc, clauses = dpa_pdf
    assert doc.pages == 3
    assert any("Proprietary" in line for line in doc.text.splitlines())  # left in the text by the reader
    for text in ("Confidential", "Page", "Doc ID", "ACME-DPA"):
        assert not [c.text for c in clauses if text in c.text], text


def test_text_with_form_feeds_drops_running_header_and_footer() -> None:
    pages = [
        "ACME Cloud Services Master Agreement\n{body}\nACME Corp | Confidential | Page {n} of 3",
    ]
    bodies = [
        "1. Security\n1.1 Supplier shall encrypt Customer Data at rest and in transit.",
        "1.2 Supplier shall notify Customer of a Security Incident within 24 hours.",
        "2. Audit\n2.1 Customer may audit Supplier once a year.",
    ]
    text = "\f".join(pages[0].format(body=b, n=n) for n, b in enumerate(bodies, start=1))
    doc = extract_bytes(text.encode(), "msa.txt")
    assert doc.pages == 3
    clauses = segment(doc)
    assert [c.text for c in clauses] == [
        "1. Security",
        "Supplier shall encrypt Customer Data at rest and in transit.",
        "Supplier shall notify Customer of a Security Incident within 24 hours.",
        "2. Audit",
        "Customer may audit Supplier once a year.",
    ]
    assert _only(clauses, "within 24 hours").heading_path == ["Security"]


def test_docx_with_footers_typed_into_the_body_drops_them() -> None:
    """A DOCX converted from a PDF keeps its old page footers as body paragraphs."""
    document = docx.Document()
    document.add_paragraph("CONFIDENTIAL")
    for n, (head, body) in enumerate(
        [
            ("1. Security", "1.1 Supplier shall encrypt Customer Data at rest."),
            ("2. Incidents", "2.1 Supplier shall notify Customer of a Security Incident within 24 hours."),
            ("3. Audit", "3.1 Customer may audit Supplier once a year."),
        ],
        start=1,
    ):
        document.add_paragraph(head)
        document.add_paragraph(body)
        document.add_paragraph(f"Proprietary and confidential - Doc ID MSA-2024-{n:02d}")
        document.add_paragraph(f"Page {n} of 3")
    out = io.BytesIO()
    document.save(out)
    clauses = segment(extract_bytes(out.getvalue(), "msa.docx"))
    assert [c.text for c in clauses if c.kind is not ClauseKind.HEADING] == [
        "Supplier shall encrypt Customer Data at rest.",
        "Supplier shall notify Customer of a Security Incident within 24 hours.",
        "Customer may audit Supplier once a year.",
    ]
    assert all("onfidential" not in c.text and "Page" not in c.text for c in clauses)
    assert _only(clauses, "within 24 hours").heading_path == ["Incidents"]


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Page 3 of 12", True),
        ("- 7 -", True),
        ("CONFIDENTIAL", True),
        ("Proprietary and Confidential", True),
        ("© 2024 Acme Inc. All rights reserved.", True),
        ("Confidentiality", False),  # a section heading
        ("Confidential Information", False),
        ("(c) Procedures.", False),  # an item, not a copyright mark
        ("Copyright", False),
        ("12", False),  # a bare number mid-text on a one-page document
    ],
)
def test_single_lines(line: str, furniture: bool) -> None:
    text = f"Supplier shall keep records.\n{line}\nSupplier shall encrypt data."
    doc = _text_doc(text)
    assert bool(furniture_lines(doc, _line_spans(text))) is furniture
    assert any(line in c.text for c in segment(doc)) is not furniture


@pytest.mark.parametrize(
    "line",
    [
        "Control: ISM-0072; Revision: 9; Updated: Dec-22; Applicability: All",
        "Supporting Publications: SP 800-12 [[61]](#page-8)",
        "(End of clause)",
    ],
)
def test_repeated_content_lines_are_not_furniture(line: str) -> None:
    text = "\n".join(f"{n}. Supplier shall do thing {n}.\n{line}" for n in range(1, 5))
    assert furniture_lines(_text_doc(text), _line_spans(text)) == set()


def test_no_open_corpus_pdf_footer_comes_back() -> None:
    """Open-split corpus PDF: 'Project Version: v1.0 7' and the other running lines stay out."""
    doc = extract_file(CCS_SCHEDULE)
    clauses = segment(doc)
    assert doc.furniture
    assert not [c.text for c in clauses if "Project Version" in c.text or "Crown Copyright" in c.text]


# --- verbless schedule lines are clauses ------------------------------------------------------------


def test_pdf_schedule_measures_are_clauses_not_headings(dpa_pdf: tuple[Document, list[Clause]]) -> None:
    _doc, clauses = dpa_pdf
    for measure in MEASURES:
        clause = _only(clauses, measure)
        assert clause.text == measure
        assert clause.kind is ClauseKind.SENTENCE and clause.page == 3 and clause.section == "Annex 2"
        assert clause.heading_path[-1] == "Annex 2 - Technical and Organisational Measures"


def test_text_schedule_measures_are_clauses() -> None:
    text = "Schedule 2 - Security Measures\n" + "\n".join(MEASURES[:3])
    clauses = segment(_text_doc(text))
    assert [(c.kind, c.text) for c in clauses[1:]] == [(ClauseKind.SENTENCE, m) for m in MEASURES[:3]]
    assert all(c.heading_path == ["Schedule 2 - Security Measures"] for c in clauses[1:])


@pytest.mark.parametrize(
    "text",
    [
        "Buyer due diligence requirements\nThe Supplier shall satisfy itself of all relevant details.",
        "Access Control Measures\nIdentity And Access Management\nVendor enforces multi-factor authentication.",
        "SECURITY MEASURES\nACCESS CONTROL AND ENCRYPTION\nVendor enforces multi-factor authentication.",
    ],
)
def test_headings_above_their_body_stay_headings(text: str) -> None:
    clauses = segment(_text_doc(text))
    assert clauses[-1].kind is ClauseKind.SENTENCE and clauses[-1].heading_path
    assert all(c.kind is ClauseKind.HEADING for c in clauses[:-1])


def _text_doc(text: str) -> Document:
    return Document(
        path="test.txt", name="test.txt", sha256="0" * 64, format=DocumentFormat.TXT, text=text,
    )  # fmt: skip
