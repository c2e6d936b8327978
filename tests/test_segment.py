"""Segmentation: sentences, enumerators, section numbers, headings, table rows, offsets and pages."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.models import Clause, ClauseKind, Document, DocumentFormat
from checker.segment import MAX_CLAUSE_CHARS, Segmenter, segment

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def make_doc(
    text: str,
    headings: list[tuple[int, int, int]] | None = None,
    page_starts: list[int] | None = None,
    fmt: DocumentFormat = DocumentFormat.TXT,
) -> Document:
    """A Document as an extractor would build it, for text written in the test."""
    starts = page_starts or [0]
    return Document(
        path="test.txt", name="test.txt", sha256="0" * 64, format=fmt, text=text,
        pages=len(starts), page_starts=starts, headings=headings or [],
    )  # fmt: skip


def marked(lines: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    """Join lines into a text; a line with level > 0 is a heading the format marked at that level."""
    text, spans, pos = [], [], 0
    for line, level in lines:
        if level:
            spans.append((pos, pos + len(line), level))
        text.append(line)
        pos += len(line) + 1
    return "\n".join(text), spans


def texts(clauses: list[Clause]) -> list[str]:
    return [c.text for c in clauses]


def find(clauses: list[Clause], fragment: str) -> Clause:
    """The one clause containing ``fragment``."""
    hits = [c for c in clauses if fragment in c.text]
    assert len(hits) == 1, (fragment, texts(hits))
    return hits[0]


def check_offsets(doc: Document, clauses: list[Clause]) -> None:
    for n, clause in enumerate(clauses):
        assert clause.index == n
        assert 0 <= clause.start < clause.end <= len(doc.text)
        assert doc.text[clause.start : clause.end] == clause.text
        assert clause.text == clause.text.strip()
        assert clause.page == doc.page_of(clause.start)
        assert clause.document == doc.name
    assert all(a.end <= b.start for a, b in pairwise(clauses))


# --- sentences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Vendor shall comply with Sec. 5 and No. 3 of the Order.",
        "Processing is subject to Art. 28(3) GDPR and Section 9.1(b) of the Agreement.",
        "Vendor shall hold ISO/IEC 27001:2022 certification, e.g. through an accredited body.",
        "Vendor shall encrypt data at rest, i.e. with AES-256, and in transit, etc. where feasible.",
        "Acme Inc. and Beta Ltd. are U.S. companies under 15 U.S.C. 45.",
        "CCPA means the California Consumer Privacy Act, Cal. Civ. Code § 1798.100 et seq. and its regulations.",
        "The regulations (Amendments etc.) (EU Exit) Regulations 2019 apply.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(sentence: str) -> None:
    text = f"{sentence} Vendor shall notify Customer within 72 hours."
    clauses = segment(make_doc(text))
    assert texts(clauses) == [sentence, "Vendor shall notify Customer within 72 hours."]
    assert all(c.section is None for c in clauses)


def test_inline_enumerator_keeps_its_bracket_and_opens_an_item() -> None:
    text = (
        "12.3 Security Incidents. Vendor shall notify Customer within twenty-four (24) hours of becoming"
        " aware of a Security Incident. (a) The notice shall include a description, e.g. the categories of"
        " data, i.e. Personal Data. (b) Vendor may provide updates no later than seventy-two (72) hours"
        " thereafter.\n12.4 Audit. Customer may audit Vendor per Section 9.1(b) and ISO/IEC 27001:2022."
    )
    clauses = segment(make_doc(text))
    assert [(c.kind, c.section, c.text[:22]) for c in clauses] == [
        (ClauseKind.HEADING, "12.3", "12.3 Security Incident"),
        (ClauseKind.SENTENCE, "12.3", "Vendor shall notify Cu"),
        (ClauseKind.LIST_ITEM, "12.3(a)", "The notice shall inclu"),
        (ClauseKind.LIST_ITEM, "12.3(b)", "Vendor may provide upd"),
        (ClauseKind.HEADING, "12.4", "12.4 Audit."),
        (ClauseKind.SENTENCE, "12.4", "Customer may audit Ven"),
    ]
    assert not any(c.text.endswith("(") for c in clauses)
    assert clauses[1].text.endswith("Security Incident.")
    assert clauses[3].heading_path == ["Security Incidents"]


def test_colon_led_enumeration_stays_one_clause() -> None:
    text = "7.1 Vendor shall: (a) encrypt Customer Data; (b) log access; and (c) patch within 30 days."
    clauses = segment(make_doc(text))
    assert texts(clauses) == [text.removeprefix("7.1 ")]
    assert clauses[0].section == "7.1"


def test_long_clause_is_cut_at_item_boundaries() -> None:
    items = "; ".join(
        f"({chr(97 + n)}) maintain control number {n} " + "in line with policy " * 12 for n in range(12)
    )
    text = f"5.1 Vendor shall: {items}."
    clauses = segment(make_doc(text))
    assert len(text) > 2 * MAX_CLAUSE_CHARS
    assert len(clauses) >= 2
    assert all(len(c.text) <= MAX_CLAUSE_CHARS for c in clauses)
    assert all(c.section == "5.1" for c in clauses)
    assert clauses[1].text.startswith("(")
    assert "".join(c.text for c in clauses).replace(" ", "") == text.removeprefix("5.1 ").replace(" ", "")


def test_smaller_limit_cuts_at_sentences_then_spaces() -> None:
    segmenter = Segmenter(max_clause_chars=40)
    doc = make_doc("Vendor shall notify Customer promptly and in writing of any incident whatsoever.")
    clauses = segmenter.segment(doc)
    assert len(clauses) > 1 and all(len(c.text) <= 40 for c in clauses)
    check_offsets(doc, clauses)


# --- numbering ------------------------------------------------------------------------------------


def test_section_numbers_compose_and_reset() -> None:
    text = "\n".join(
        [
            "12. Security",
            "12.3 Vendor shall protect Customer Data.",
            "(a) Vendor shall encrypt Customer Data at rest.",
            "(i) The keys shall be rotated yearly.",
            "(ii) The keys shall be kept in an HSM.",
            "(b) Vendor shall log all access.",
            "12.4 Customer may audit Vendor once a year.",
            "(a) Audits are at Customer's cost.",
            "13. Term",
            "The Agreement runs for 3 years.",
        ]
    )
    clauses = segment(make_doc(text))
    assert [(c.section, c.kind) for c in clauses] == [
        ("12", ClauseKind.HEADING),
        ("12.3", ClauseKind.SENTENCE),
        ("12.3(a)", ClauseKind.LIST_ITEM),
        ("12.3(a)(i)", ClauseKind.LIST_ITEM),
        ("12.3(a)(ii)", ClauseKind.LIST_ITEM),
        ("12.3(b)", ClauseKind.LIST_ITEM),
        ("12.4", ClauseKind.SENTENCE),
        ("12.4(a)", ClauseKind.LIST_ITEM),
        ("13", ClauseKind.HEADING),
        ("13", ClauseKind.SENTENCE),
    ]
    assert clauses[2].text == "Vendor shall encrypt Customer Data at rest."
    assert clauses[3].heading_path == ["Security"]
    assert clauses[9].heading_path == ["Term"]


def test_reference_inside_a_sentence_is_not_an_item() -> None:
    text = "9.2 Vendor shall act as set out in Section 9.1(b) and clause (c) above.\n(a) Vendor shall report."
    clauses = segment(make_doc(text))
    assert [(c.section, c.text[:12]) for c in clauses] == [
        ("9.2", "Vendor shall"),
        ("9.2(a)", "Vendor shall"),
    ]


def test_decimal_numbers_in_text_are_not_sections() -> None:
    text = "Vendor shall notify within 72 hours.\n72 hours means three days.\n2.5 times the fees apply."
    clauses = segment(make_doc(text))
    assert [c.section for c in clauses] == [None, None, None]
    assert texts(clauses)[1] == "72 hours means three days."


def test_letters_and_roman_numerals() -> None:
    lines = [f"({c}) Item {c} applies." for c in "abcdefghij"] + ["(i) Sub-item one applies.", "(v) Odd."]
    clauses = segment(make_doc("4.2 Vendor shall:\n" + "\n".join(lines)))
    sections = [c.section for c in clauses]
    assert sections[9] == "4.2(i)"  # (i) after (h) is a letter
    assert sections[11] == "4.2(j)(i)"  # (i) after (j) is a roman numeral
    assert sections[12] == "4.2(j)(v)"


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("ARTICLE V – DATA PROTECTION", "Article V"),
        ("Article 5", "Article 5"),
        ("Section 7.2 Security Incidents", "7.2"),
        ("§ 4 Audits", "4"),
        ("Clause 4", "Clause 4"),
        ("Schedule 2 – Security Measures", "Schedule 2"),
        ("Annex II", "Annex II"),
        ("Appendix A", "Appendix A"),
        ("EXHIBIT B - SECURITY", "Exhibit B"),
    ],
)
def test_keyword_sections(line: str, section: str) -> None:
    clauses = segment(make_doc(f"{line}\n(a) Vendor shall encrypt Customer Data."))
    assert clauses[0].kind is ClauseKind.HEADING and clauses[0].section == section
    assert clauses[1].section == f"{section}(a)"
    assert len(clauses[1].heading_path) == 1


def test_keyword_then_decimal_is_absolute() -> None:
    text = "ARTICLE 5 – SECURITY\n5.1 Vendor shall encrypt data.\n(a) Keys are rotated.\nAnnex I(B) on the Cover Page applies."
    clauses = segment(make_doc(text))
    assert [c.section for c in clauses] == ["Article 5", "5.1", "5.1(a)", "5.1(a)"]
    assert clauses[1].heading_path == ["ARTICLE 5 – SECURITY"]


def test_keyword_in_a_sentence_is_not_a_label() -> None:
    clauses = segment(make_doc("Section 12 of the Agreement survives termination.\nClause 8.1(b) applies."))
    assert [c.section for c in clauses] == [None, None]


def test_markdown_lists_nest_by_indentation_or_by_numbering() -> None:
    lines = [
        "1. Processing",
        "    1. Processor. Provider will process data only on instructions.",
        "    2. Subprocessors. Provider will flow down these terms.",
        "        a. Provider will notify changes.",
        "        b. Customer may object.",
        "2. Security",
        "    1. Provider will encrypt data.",
    ]
    expected = ["1", "1.1", "1.1", "1.2", "1.2", "1.2(a)", "1.2(b)", "2", "2.1"]
    for text in ("\n".join(lines), "\n".join(line.strip() for line in lines)):
        clauses = segment(make_doc(text, fmt=DocumentFormat.MD))
        assert [c.section for c in clauses] == expected, text
        assert clauses[6].heading_path == ["Processing", "Subprocessors"]
        assert clauses[8].heading_path == ["Security"]


def test_heading_list_restarting_at_one_is_a_new_list() -> None:
    text = "2. Incidents\n2.1 Vendor shall notify Customer.\n1. Subprocessors\n2. Audits\nCustomer may audit."
    clauses = segment(make_doc(text))
    assert [c.section for c in clauses] == ["2", "2.1", "1", "2", "2"]
    assert clauses[-1].heading_path == ["Audits"]


# --- headings -------------------------------------------------------------------------------------


def test_marked_headings_nest_by_level() -> None:
    text, spans = marked(
        [
            ("Data Protection Agreement", 1),
            ("Security", 2),
            ("Provider will encrypt data.", 0),
            ("Incidents", 3),
            ("Provider will notify within 72 hours.", 0),
            ("Audits", 2),
            ("Provider will allow audits.", 0),
        ]
    )
    clauses = segment(make_doc(text, headings=spans, fmt=DocumentFormat.MD))
    assert [(c.kind, c.heading) for c in clauses] == [
        (ClauseKind.HEADING, ""),
        (ClauseKind.HEADING, "Data Protection Agreement"),
        (ClauseKind.SENTENCE, "Data Protection Agreement > Security"),
        (ClauseKind.HEADING, "Data Protection Agreement > Security"),
        (ClauseKind.SENTENCE, "Data Protection Agreement > Security > Incidents"),
        (ClauseKind.HEADING, "Data Protection Agreement"),
        (ClauseKind.SENTENCE, "Data Protection Agreement > Audits"),
    ]


def test_marked_heading_closes_numbered_sections_under_the_previous_one() -> None:
    text, spans = marked(
        [("Terms", 1), ("1. Vendor shall comply.", 0), ("Annex", 1), ("Vendor logs access.", 0)]
    )
    clauses = segment(make_doc(text, headings=spans))
    assert [c.section for c in clauses] == [None, "1", None, None]


@pytest.mark.parametrize(
    "line",
    ["5. Security", "ARTICLE 7 – DATA PROTECTION", "Security Incidents", "DEFINITIONS.", "(a) Definitions."],
)
def test_short_lines_without_sentence_punctuation_are_headings(line: str) -> None:
    clauses = segment(make_doc(f"{line}\nVendor shall comply."))
    assert clauses[0].kind is ClauseKind.HEADING
    assert clauses[0].text == line
    assert clauses[1].heading_path and clauses[1].heading_path[-1] in line


@pytest.mark.parametrize(
    "line",
    [
        "Vendor shall encrypt data",
        "Data is encrypted at rest",
        "(a) encrypt data at rest",
        "- Encryption at rest",
        "(Last updated April 20, 2023)",
        "Name: Acme Cloud LLC",
    ],
)
def test_short_obligations_and_items_are_not_headings(line: str) -> None:
    clauses = segment(make_doc(line))
    assert clauses[0].kind is not ClauseKind.HEADING


def test_heading_that_starts_with_a_digit() -> None:
    clauses = segment(make_doc("2.3 37signals’s Processing of Personal Data.\n2.3.1 37signals shall comply."))
    assert [(c.kind, c.section) for c in clauses] == [
        (ClauseKind.HEADING, "2.3"),
        (ClauseKind.SENTENCE, "2.3.1"),
    ]
    assert clauses[1].heading_path == ["37signals’s Processing of Personal Data"]


def test_deep_decimal_items_may_start_in_lower_case() -> None:
    text = "2.2 Customer shall:\n2.2.1 comply with the law;\n2.2.2 have sole responsibility for its data."
    clauses = segment(make_doc(text))
    assert [c.section for c in clauses] == ["2.2", "2.2.1", "2.2.2"]
    assert clauses[2].text == "have sole responsibility for its data."


def test_numbered_parts_under_lettered_marked_headings() -> None:
    text, spans = marked(
        [
            ("A. Definitions", 2),
            ("“Service” means the hosted service.", 0),
            ("B. Account Terms", 2),
            ("1. Account Controls.", 3),
            ("Customer retains control of its accounts.", 0),
            ("2. Account Security", 3),
            ("Customer is responsible for its passwords.", 0),
            ("C. Acceptable Use", 2),
            ("Customer shall comply with the law.", 0),
        ]
    )
    clauses = segment(make_doc(text, headings=spans, fmt=DocumentFormat.MD))
    assert [(c.section, c.heading) for c in clauses if c.kind is not ClauseKind.HEADING] == [
        ("A", "Definitions"),
        ("B.1", "Account Terms > Account Controls"),
        ("B.2", "Account Terms > Account Security"),
        ("C", "Acceptable Use"),
    ]


def test_inline_bold_heading_after_a_number() -> None:
    for body in (
        "5.2 **Security Incidents.** Provider shall notify.",
        "5.2 Security Incidents. Provider shall notify.",
    ):
        clauses = segment(make_doc("5. Security\n" + body + " Provider shall cooperate."))
        assert [(c.kind, c.section, c.heading) for c in clauses] == [
            (ClauseKind.HEADING, "5", ""),
            (ClauseKind.HEADING, "5.2", "Security"),
            (ClauseKind.SENTENCE, "5.2", "Security > Security Incidents"),
            (ClauseKind.SENTENCE, "5.2", "Security > Security Incidents"),
        ]
        assert clauses[2].text == "Provider shall notify."


def test_inline_heading_belongs_to_its_section_only() -> None:
    text = "5.2 Security Incidents. Provider shall notify.\n5.3 Provider shall keep logs."
    clauses = segment(make_doc(text))
    assert clauses[-1].heading_path == []


def test_bold_lead_in_without_number_heads_its_paragraph_only() -> None:
    text = "Security Ownership. GitHub has appointed a security officer.\nGitHub keeps records."
    clauses = segment(make_doc(text))
    assert [(c.kind, c.heading) for c in clauses] == [
        (ClauseKind.HEADING, ""),
        (ClauseKind.SENTENCE, "Security Ownership"),
        (ClauseKind.SENTENCE, ""),
    ]


# --- tables, layout, pages ------------------------------------------------------------------------


def test_table_rows_are_clauses() -> None:
    text = "Annex II\nDomain | Practices\n---|---\nAccess Control | Vendor enforces MFA. Vendor reviews access.\n"
    clauses = segment(make_doc(text))
    assert [(c.kind, c.text) for c in clauses] == [
        (ClauseKind.HEADING, "Annex II"),
        (ClauseKind.TABLE_ROW, "Domain | Practices"),
        (ClauseKind.TABLE_ROW, "Access Control | Vendor enforces MFA. Vendor reviews access."),
    ]
    assert clauses[2].section == "Annex II" and clauses[2].heading_path == ["Annex II"]


def test_long_table_row_is_cut_at_sentences() -> None:
    cell = " ".join(f"Vendor applies measure number {n} to every system it runs." for n in range(60))
    clauses = segment(make_doc(f"Measures | {cell}"))
    assert len(clauses) > 1
    assert all(c.kind is ClauseKind.TABLE_ROW and len(c.text) <= MAX_CLAUSE_CHARS for c in clauses)
    assert all(c.text.endswith(".") for c in clauses)


def test_cell_lines_after_a_row_stay_in_the_table() -> None:
    text = (
        "Domain | Practices\nAsset Management | Asset Inventory. GitHub keeps an inventory.\nAsset Handling\n"
        "• GitHub classifies Customer Data.\n\nGitHub will notify Customer."
    )
    clauses = segment(make_doc(text))
    assert [(c.kind, c.text) for c in clauses] == [
        (ClauseKind.TABLE_ROW, "Domain | Practices"),
        (ClauseKind.TABLE_ROW, "Asset Management | Asset Inventory. GitHub keeps an inventory."),
        (ClauseKind.TABLE_ROW, "Asset Handling"),
        (ClauseKind.TABLE_ROW, "GitHub classifies Customer Data."),
        (ClauseKind.SENTENCE, "GitHub will notify Customer."),
    ]
    assert all(c.heading_path == [] for c in clauses)


def test_wrapped_lines_are_one_paragraph() -> None:
    text = (
        "GitHub may modify an Online Service where a government requirement (1) subjects GitHub to a rule, or (2)"
        " causes\nGitHub to believe the terms may conflict with it.\nShort line"
    )
    clauses = segment(make_doc(text))
    assert clauses[0].text.endswith("conflict with it.") and "\n" in clauses[0].text
    assert clauses[1].kind is ClauseKind.HEADING


def test_offsets_and_pages() -> None:
    page_one = "1. Security\n   Vendor shall encrypt data.  \n\n"
    text = page_one + "2. Audit\n\tCustomer may audit Vendor.\n"
    doc = make_doc(text, page_starts=[0, len(page_one)])
    clauses = segment(doc)
    check_offsets(doc, clauses)
    assert [c.page for c in clauses] == [1, 1, 2, 2]
    assert clauses[1].text == "Vendor shall encrypt data."


def test_empty_and_blank_documents() -> None:
    assert segment(make_doc("")) == []
    assert segment(make_doc(" \n\n\t \n")) == []
    assert segment(make_doc("---|---")) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    "(a) ",
                    "(iv) ",
                    "12.3 ",
                    "1. ",
                    "ARTICLE V ",
                    "Sec. ",
                    "e.g. ",
                    " | ",
                    "\n",
                    "\n\n",
                    ". (",
                    "  ",
                ]
            ),
        ),
        max_size=25,
    ),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60), st.integers(1, 6)), max_size=4),
)
def test_any_text_gives_valid_clauses(parts: list[str], raw_headings: list[tuple[int, int, int]]) -> None:
    text = "".join(parts)
    headings = [(s, s + n, level) for s, n, level in raw_headings if s + n <= len(text)]
    doc = make_doc(text, headings=headings, page_starts=[0, len(text) // 2 + 1])
    check_offsets(doc, segment(doc))


# --- real documents -------------------------------------------------------------------------------


def test_far_clause_items() -> None:
    path = CORPUS / "far-52.204-21-basic-safeguarding.txt"
    text = path.read_text(encoding="utf-8")
    doc = make_doc(text)
    clauses = segment(doc)
    check_offsets(doc, clauses)
    assert find(clauses, "Covered contractor information system means").section == "(a)"
    assert find(clauses, "The Contractor shall apply the following").section == "(b)(1)"
    assert find(clauses, "Limit information system access to authorized").section == "(b)(1)(i)"
    assert find(clauses, "Update malicious code protection").section == "(b)(1)(xiv)"
    assert find(clauses, "Perform periodic scans").section == "(b)(1)(xv)"
    assert find(clauses, "does not relieve the Contractor").section == "(b)(2)"
    subcontracts = find(clauses, "The Contractor shall include the substance")
    assert subcontracts.section == "(c)"
    assert subcontracts.heading_path[-1] == "Subcontracts"
    assert find(clauses, "(i.e., information transmitted").section == "(b)(1)(x)"


def _extract(name: str) -> tuple[Document, list[Clause]]:
    from checker.extract import extract_file

    doc = extract_file(CORPUS / name)
    clauses = segment(doc)
    check_offsets(doc, clauses)
    return doc, clauses


@pytest.mark.parametrize(
    "name", sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".md", ".txt", ".pdf"})
)
def test_corpus_offsets_and_pages(name: str) -> None:
    doc, clauses = _extract(name)
    assert len(clauses) > 20
    assert max(c.page for c in clauses) == doc.pages
    assert all(len(c.text) <= MAX_CLAUSE_CHARS for c in clauses)


def test_commonpaper_dpa_breach_clause_is_one_clause() -> None:
    _, clauses = _extract("commonpaper-data-processing-agreement.md")
    breach = find(clauses, "72 hours")
    assert breach.text.startswith(
        "Upon becoming aware of any Security Incident, Provider will: (a) notify Customer"
    )
    assert breach.text.endswith(
        "(c) promptly take reasonable steps to contain and investigate the Security Incident."
    )
    assert breach.section == "4.1"
    assert breach.heading_path[-1] == "Security Incident Response"
    assert find(clauses, "at least 10 business days in advance").section == "2.6(a)"


def test_github_dpa_security_exhibit_keeps_table_rows() -> None:
    _, clauses = _extract("github-data-protection-agreement-2023-02.md")
    rows = [c for c in clauses if c.kind is ClauseKind.TABLE_ROW]
    assert len(rows) >= 30
    first = find(clauses, "Organization of Information Security | Security Ownership.")
    assert first.kind is ClauseKind.TABLE_ROW
    assert first.section == "Appendix A" and first.heading_path == ["Appendix A – Security Safeguards"]
    passwords = find(clauses, "at least eight characters long")
    assert passwords.kind is ClauseKind.TABLE_ROW and passwords.section == "Appendix A"
    assert (
        find(clauses, "The data importer shall process the personal data only on documented").section
        == "8.1(a)"
    )


def test_far_clause_through_the_extractor() -> None:
    _, clauses = _extract("far-52.204-21-basic-safeguarding.txt")
    assert find(clauses, "Limit information system access to authorized").section == "(b)(1)(i)"
    assert find(clauses, "Perform periodic scans").section == "(b)(1)(xv)"
    assert find(clauses, "The Contractor shall include the substance").section == "(c)"


def test_37signals_pdf_sections_and_pages() -> None:
    doc, clauses = _extract("37signals-data-processing-addendum-2023-04.pdf")
    assert doc.pages > 5
    objection = find(clauses, "within ten (10) business days")
    assert (objection.section, objection.page) == ("5.3", 5)
    assert objection.heading_path[-1] == "Objection Right for New Subprocessors"
    assert find(clauses, "37signals shall notify Customer without undue delay").section == "7"
