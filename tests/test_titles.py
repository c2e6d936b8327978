"""A clause whose whole text is a title is no evidence (checker/segment/headings.py ``reads_as_title``).

Requirements catalogues and government clause sets carry titles the segmenter keeps as clauses: a
clause's name with its date, a "Label: value" field of a control table. They name a subject and bind no
one (corpus LABELLING.md: headings are not evidence). A list item that completes its lead-in, or a
verbless measure in sentence case, is not a title.
"""

from __future__ import annotations

import pytest

from checker.api import ContractChecker
from checker.segment.headings import reads_as_title


@pytest.mark.parametrize(
    "text",
    [
        "SAFEGUARDING COVERED DEFENSE INFORMATION AND CYBER INCIDENT REPORTING (MAY 2024)",
        "Title: Protect Encryption Keys",
        "Remarks: Data Encryption (in transit and at rest)",
        "Capability: Encryption",
        "252.204-7012 Safeguarding Covered Defense Information and Cyber Incident Reporting.",
        "Penetration Testing",
    ],
)
def test_titles(text: str) -> None:
    assert reads_as_title(text)


@pytest.mark.parametrize(
    "text",
    [
        "WebTrust for CAs;",  # an item of "... audited under one of the following schemes:"
        "the Principle of Least Privilege; and",
        "ETSI EN 319 411-1 (LCP, NCP, or NCP+); or",
        "Encryption of personal data at rest and in transit",  # a verbless measure, sentence case
        "Cyber incident reporting requirement.",
        "PROVIDER SHALL NOTIFY CUSTOMER OF ANY SECURITY INCIDENT WITHIN 24 HOURS.",
        "The Fix Lead will Assign a CVE ID to the Vulnerability.",
        "Restrictions on using components that are end-of-life or end-of-support",
        "Dependency Management | Verify that the package dependencies are (relatively) up to date.",
        "(MAY 2024)",
    ],
)
def test_not_titles(text: str) -> None:
    assert not reads_as_title(text)


DOCUMENT = """Supplier Security Requirements

1. Scope

These requirements apply to every supplier that processes the customer's data under the agreement.

2. Control Table

Applicability:

- Reference id: CEK-03
- Remarks: Data Encryption at Rest

Remarks: Security Incident Reporting (May 2024)

3. Obligations

The Supplier shall provide each of the following for the customer's data:

(a) Data Encryption at Rest;

(b) Security Incident Reporting within 24 hours.
"""


def test_a_title_in_a_document_is_no_finding_but_an_item_under_its_lead_in_is() -> None:
    """A title under a lead-in that is a label itself ("Applicability:") is still a title."""
    read = ContractChecker().read_bytes(DOCUMENT.encode(), "requirements.txt")
    by_text = {c.index: c.text for c in read.clauses}
    found = {(by_text[m.clause_index], m.control) for m in read.matches}
    assert not {t for t, _ in found if "Remarks:" in t}, found
    assert ("(a) Data Encryption at Rest;", "encryption_at_rest") in found or any(
        c == "encryption_at_rest" and "Data Encryption at Rest;" in t for t, c in found
    ), found
