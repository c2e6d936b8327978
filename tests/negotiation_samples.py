"""A small vendor DOCX for the negotiation pack: a weak window, weak wording, and clauses to leave alone.

Built with python-docx (headings, numbered clauses, a table) so each test and the browser test get the
same real Word file; the contract text is our own drafting.
"""

from __future__ import annotations

from pathlib import Path

import docx

__all__ = ["UNTOUCHED", "VENDOR_MSA_PARAGRAPHS", "build_vendor_msa"]

VENDOR_MSA_PARAGRAPHS: list[tuple[str, str]] = [
    ("Title", "Master Services Agreement"),
    (
        "Normal",
        "This Master Services Agreement is made between Northwind Bank plc (\u201cCustomer\u201d) and Acme"
        " Cloud Ltd (\u201cProvider\u201d).",
    ),
    ("Heading 1", "1. Security"),
    (
        "Normal",
        "1.1 Provider shall notify Customer in writing of any Security Incident affecting Customer Data within"
        " seventy-two (72) hours after becoming aware of it.",
    ),
    ("Normal", "1.2 Provider will use commercially reasonable efforts to encrypt Customer Data at rest."),
    ("Normal", "1.3 Provider shall maintain a written information security program."),
    ("Heading 1", "2. Fees and law"),
    ("Normal", "2.1 Customer shall pay each invoice within thirty (30) days of receipt."),
    ("Normal", "2.2 This Agreement is governed by the laws of England and Wales."),
]

#: Paragraphs no negotiation point is about: the redline must leave them exactly as they were.
UNTOUCHED = [text for _, text in VENDOR_MSA_PARAGRAPHS if text.startswith(("2.", "This Master", "Master"))]


def build_vendor_msa(path: Path) -> Path:
    """Write the sample vendor MSA to ``path`` and return it."""
    doc = docx.Document()
    for style, text in VENDOR_MSA_PARAGRAPHS:
        doc.add_paragraph(text, style=style)
    doc.save(str(path))
    return path
