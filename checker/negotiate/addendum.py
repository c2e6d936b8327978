"""The security addendum: a new DOCX with one numbered clause per open point, ready to attach.

Any input works (PDF, text or DOCX): the addendum is a document of our own, drafted in the contract's
defined party names with the playbook's thresholds (:mod:`checker.negotiate.drafting` did that), and
says what it amends and which of the two prevails.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import docx

from checker.models import Assessment
from checker.negotiate.points import negotiation_points
from checker.report.cells import clean_text
from checker.report.wording import assessment_label

__all__ = ["ADDENDUM_TITLE", "write_addendum"]

ADDENDUM_TITLE = "Security Addendum"


def _t(value: str) -> str:
    return clean_text(value, limit=100_000)


def write_addendum(assessment: Assessment, out: str | Path | BinaryIO) -> int:
    """Write the addendum; returns the number of clauses (0: every control is met, and it says so)."""
    vendor, customer = assessment.parties.vendor, assessment.parties.customer
    doc = docx.Document()
    doc.core_properties.title = ADDENDUM_TITLE
    doc.core_properties.author = "clausecheck"
    doc.add_heading(ADDENDUM_TITLE, level=0)
    doc.add_paragraph(
        _t(
            f"This {ADDENDUM_TITLE} (the \u201cAddendum\u201d) is made between {customer} and {vendor} and forms"
            f" part of the agreement between them comprising {assessment_label(assessment)} (the"
            " \u201cAgreement\u201d). Capitalised terms not defined in this Addendum have the meanings given"
            " to them in the Agreement. If this Addendum conflicts with the Agreement, this Addendum"
            " prevails as to its subject matter."
        )
    )
    points = negotiation_points(assessment)
    if not points:
        doc.add_paragraph("Every security control of the playbook is already met: no clause is added.")
    for point in points:
        heading = doc.add_paragraph()
        heading.add_run(_t(f"{point.number}. {point.finding.title}")).bold = True
        doc.add_paragraph(_t(f"{point.number}.1 {point.fallback}"))
    doc.add_paragraph(
        _t("Except as amended by this Addendum, the Agreement remains in full force and effect.")
    )
    table = doc.add_table(rows=3, cols=2)
    for cell, name in zip(table.rows[0].cells, (customer, vendor), strict=True):
        cell.text = _t(f"For {name}")
    for cell in table.rows[1].cells:
        cell.text = "Signature: ____________________"
    for cell in table.rows[2].cells:
        cell.text = "Name, title and date: ____________________"
    doc.save(str(out) if isinstance(out, str | Path) else out)
    return len(points)
