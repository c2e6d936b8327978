"""TXT, Markdown and HTML extraction on the corpus agreements and small inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.extract import extract_bytes, extract_file
from checker.models import Document, DocumentFormat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "corpus"
MARKDOWN = sorted(p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md")


def _lines(doc: Document) -> list[str]:
    return doc.text.split("\n")


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_markdown_markup_is_stripped(path: Path) -> None:
    doc = extract_file(path)
    assert doc.format is DocumentFormat.MD and doc.pages == 1 and doc.page_starts == [0]
    for leftover in ("<span", "</span>", "<br", "**", "](", "&amp;", "&nbsp;", "<p ", "<ol", "<li"):
        assert leftover not in doc.text, leftover
    assert not [line for line in _lines(doc) if line.startswith(("#", " ", "---"))]
    for start, end, level in doc.headings:
        heading = doc.text[start:end]
        assert heading and "\n" not in heading and "#" not in heading and 1 <= level <= 6


def test_commonpaper_dpa_breach_sentence_is_one_line() -> None:
    doc = extract_file(CORPUS / "commonpaper-data-processing-agreement.md")
    line = next(line for line in _lines(doc) if "72 hours" in line)
    assert line.startswith(
        "4.1 Upon becoming aware of any Security Incident, Provider will: (a) notify Customer without undue"
        " delay when feasible, but no later than 72 hours after becoming aware of the Security Incident;"
    )
    assert "4. Security Incident Response" in _lines(doc)
    assert (doc.text[doc.headings[0][0] : doc.headings[0][1]], doc.headings[0][2]) == (
        "Data Processing Agreement",
        1,
    )


def test_commonpaper_csa_nested_numbering_and_lettered_items() -> None:
    lines = _lines(extract_file(CORPUS / "commonpaper-cloud-service-agreement.md"))
    assert "2. Restrictions & Obligations" in lines  # "&amp;"-free, span-free heading item
    restrictions = lines.index("2.1 Restrictions on Customer.")
    assert lines[restrictions + 1].startswith(
        "a. Except as expressly permitted by this Agreement, Customer will not"
    )
    assert (
        lines[restrictions + 2]
        == "b. Use of the Product must comply with all Documentation and Use Limitations."
    )
    assert lines[restrictions + 3].startswith("2.2 Suspension. If Customer (a) has an outstanding")


def test_github_dpa_security_measures_table_rows_are_kept() -> None:
    lines = _lines(extract_file(CORPUS / "github-data-protection-agreement-2023-02.md"))
    header = lines.index("Domain | Practices")
    assert not lines[header + 1].startswith("-")  # the |---| rule is not text
    access = next(i for i, line in enumerate(lines) if line.startswith("Access Control | "))
    assert lines[access] == (
        "Access Control | Access Policy. GitHub maintains a record of security privileges of individuals"
        " having access to Customer Data."
    )
    # <br/> inside the cell starts new lines; "- " bullets become "• ".
    assert (
        "• GitHub maintains and updates a record of personnel authorized to access GitHub systems that contain"
        in "\n".join(lines)
    )
    for domain in (
        "Asset Management",
        "Human Resources Security",
        "Information Security Incident Management",
    ):
        assert any(line.startswith(f"{domain} | ") for line in lines), domain


def test_github_dpa_html_lists_get_legal_labels() -> None:
    lines = _lines(extract_file(CORPUS / "github-data-protection-agreement-2023-02.md"))
    purpose = lines.index("Purpose and scope")
    assert lines[purpose + 1].startswith("(a) The purpose of these standard contractual clauses is to ensure")
    assert lines[purpose + 2] == "(b) The Parties:"
    assert lines[purpose + 3].startswith("(i) the natural or legal person(s), public authority/ies")
    assert lines[purpose + 4].startswith("(ii) the entity/ies in a third country receiving the personal data")
    assert lines[purpose + 5] == "have agreed to these standard contractual clauses (hereinafter: ‘Clauses’)."
    assert lines[purpose + 6].startswith("(c) These Clauses apply with respect to the transfer")


def test_front_matter_links_and_emphasis() -> None:
    doc = extract_file(CORPUS / "37signals-terms-of-service.md")
    lines = _lines(doc)
    assert lines[:2] == ["Terms of Service", "Last updated: January 6, 2023"]
    assert "title:" not in doc.text
    assert any(
        line.startswith(
            "When we say “Company”, “we”, “our”, or “us” in this document, we are referring to 37signals LLC."
        )
        for line in lines
    )
    assert (
        "2. You may not use the Services for any purpose outlined in our Use Restrictions policy, and"
        in doc.text
    )


def test_far_clause_text_lines() -> None:
    doc = extract_file(CORPUS / "far-52.204-21-basic-safeguarding.txt")
    assert doc.format is DocumentFormat.TXT
    lines = _lines(doc)
    assert lines[0] == "52.204-21 Basic Safeguarding of Covered Contractor Information Systems."
    assert any(
        line.startswith("(b) Safeguarding requirements and procedures. (1) The Contractor shall apply")
        for line in lines
    )
    assert "(xiv) Update malicious code protection mechanisms when new releases are available." in lines
    assert any(line.startswith("(xv) Perform periodic scans of the information system") for line in lines)


def test_hard_wrapped_text_is_joined_and_form_feeds_make_pages() -> None:
    data = (
        b"1. Security\r\n"
        b"Vendor shall notify the Customer of any Security Incident within twenty-four\r\n"
        b"(24) hours of becoming aware of it, and shall cooperate with the Customer in\r\n"
        b"good faith.\r\n"
        b"(a) The notice shall be in writing.\r\n"
        b"\f2. Audit\r\nCustomer may audit Vendor once a year.\r\n"
    )
    doc = extract_bytes(data, "contract.txt")
    assert _lines(doc) == [
        "1. Security",
        "Vendor shall notify the Customer of any Security Incident within twenty-four (24) hours of becoming"
        " aware of it, and shall cooperate with the Customer in good faith.",
        "(a) The notice shall be in writing.",
        "2. Audit",
        "Customer may audit Vendor once a year.",
    ]
    assert doc.pages == 2 and doc.page_of(doc.text.index("2. Audit")) == 2 and doc.page_of(0) == 1


def test_encodings() -> None:
    assert extract_bytes("Vendor’s duty".encode("utf-16"), "a.txt").text == "Vendor’s duty"
    latin = extract_bytes("Vendor’s duty – 72 hours".encode("cp1252"), "b.txt")
    assert latin.text == "Vendor’s duty – 72 hours"
    assert any("Windows-1252" in w for w in latin.warnings)
    assert extract_bytes(b"\xef\xbb\xbfHello", "c.txt").text == "Hello"


def test_html_fixture() -> None:
    doc = extract_file(FIXTURES / "generated" / "contract.html")
    assert doc.format is DocumentFormat.HTML
    assert _lines(doc) == [
        "Data Processing Addendum",
        "This Addendum forms part of the Agreement between ACME Inc. & Customer.",
        "1. Security",
        "Vendor shall notify Customer of a Security Incident without undue delay and in any event within 48 hours.",
        "Notices go to the security contact.",
        "(a) Vendor shall encrypt Customer Data at rest;",
        "(b) Vendor shall log access to Customer Data.",
        "(i) Logs are kept for one year.",
        "(ii) Logs are reviewed monthly.",
        "Measure | Frequency",
        "Penetration test | Annual",
    ]
    assert [(doc.text[a:b], level) for a, b, level in doc.headings] == [
        ("Data Processing Addendum", 1),
        ("1. Security", 2),
    ]
    for hidden in ("never run", "Ignored title", "color: red", "Hidden text"):
        assert hidden not in doc.text


def test_markdown_placeholders_and_html_blocks() -> None:
    source = (
        "# Order Form\n\nThis order is between <Customer Name> and ACME.\n\n"
        '<ol start="3"><li>Third item</li><li value="7">Seventh item</li></ol>\n\n'
        "Setext heading\n--------------\n\n* one\n* two\n    1. nested number\n\n> quoted **text**\n"
        "\n```\ncode  block\n```\n"
    )
    doc = extract_bytes(source.encode(), "order.md")
    assert _lines(doc) == [
        "Order Form",
        "This order is between <Customer Name> and ACME.",
        "3. Third item",
        "7. Seventh item",
        "Setext heading",
        "• one",
        "• two",
        "1. nested number",
        "quoted text",
        "code block",
    ]
    assert [level for _, _, level in doc.headings] == [1, 2]
