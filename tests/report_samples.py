"""Realistic assessments (and a vendor DOCX) for the report tests, including hostile contract text."""

from __future__ import annotations

import io

import docx

from checker.models import (
    Assessment,
    DocumentInfo,
    Evidence,
    Finding,
    FrameworkCoverage,
    InputError,
    Provenance,
    ReviewerOverride,
    Status,
)

DOC = DocumentInfo(
    path="contracts/acme-dpa.docx", name="acme-dpa.docx", sha256="ab" * 32, format="docx", pages=3
)

INCIDENT_PARAGRAPH = (
    "Vendor shall notify Customer of a Security Incident without undue delay and in any event within "
    "seventy-two (72) hours after Vendor confirms the Security Incident."
)
AUDIT_CELL = "Customer may not audit Vendor's facilities or systems."
SUBPROCESSOR_PARAGRAPH = "Vendor may engage new subprocessors by updating its website."

#: Strings a spreadsheet, a browser or Word could execute if a report let them through.
HOSTILE = [
    '=HYPERLINK("http://x","Click")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
]


def _ev(text: str, page: int, start: int, section: str | None = None, heading: str = "") -> Evidence:
    return Evidence(
        text=text,
        document=DOC.name,
        page=page,
        start=start,
        end=start + len(text),
        section=section,
        heading=heading,
    )


def sample_findings() -> list[Finding]:
    """One finding per status, a hostile one, and reviewer overrides."""
    return [
        Finding(
            control="incident_notification",
            title="Security incident notification",
            family="incident",
            severity="critical",
            status=Status.WEAK,
            # Extraction prefixes the list number that python-docx does not show in the paragraph.
            evidence=[_ev("12.3 " + INCIDENT_PARAGRAPH, 2, 4100, "12.3", "Security > Incidents")],
            params={"notification_hours": 72},
            thresholds={"notification_hours": {"threshold": 24, "max": 1}},
            reasons=[
                "72 hours is above the playbook threshold of 24 hours",
                "the clock starts at confirmation, not awareness",
            ],
            reason_codes=["over_threshold", "late_trigger"],
            fallback="Vendor shall notify Customer of any Security Incident within twenty-four (24) hours "
            "after becoming aware of it.",
            references=["GDPR Art. 33(2)", "DORA Art. 19"],
        ),
        Finding(
            control="encryption_at_rest",
            title="Encryption of data at rest",
            family="network_data",
            severity="high",
            status=Status.MET,
            evidence=[_ev("Vendor shall encrypt Customer Data at rest using AES-256.", 1, 900, "8.1")],
            override=ReviewerOverride(decision="accepted", comment="=cmd|' /C calc'!A0", reviewer="J. Doe"),
        ),
        Finding(
            control="audit_rights",
            title="Customer audit rights",
            family="oversight",
            severity="high",
            status=Status.CONFLICT,
            evidence=[_ev(AUDIT_CELL, 3, 7000, "Schedule 2")],
            reasons=["the contract excludes customer audits"],
            reason_codes=["negated"],
            fallback="Vendor shall permit Customer or its auditor to audit Vendor's compliance once a year.",
            override=ReviewerOverride(
                decision="overridden",
                status=Status.WEAK,
                comment="SOC 2 report offered instead; negotiate <b>on-site</b> audit.",
                reviewer="A. Counsel",
            ),
        ),
        Finding(
            control="ai_training_prohibition",
            title="No training of AI models on customer data",
            family="ai_data",
            severity="critical",
            status=Status.MISSING,
            fallback="Vendor shall not use Customer Data to train, fine-tune or improve any AI model.",
        ),
        Finding(
            control="subprocessor_notice",
            title="Advance notice of new subprocessors",
            family="supply_chain",
            severity="medium",
            status=Status.WEAK,
            evidence=[_ev(SUBPROCESSOR_PARAGRAPH, 2, 5000, "9.2")]
            + [_ev(text, 2, 5100 + 40 * i, "9.3") for i, text in enumerate(HOSTILE)],
            reasons=["website_notice", "-2 days <script>alert(1)</script>"],
            reason_codes=["website_notice"],
            fallback='=HYPERLINK("http://x") Vendor shall give thirty (30) days\' written notice.',
        ),
    ]


def sample_assessment(**changes: object) -> Assessment:
    """An assessment of one DPA with met, weak, conflict and missing findings."""
    data: dict[str, object] = {
        "document": DOC,
        "playbook": "ai-data-vendor",
        "score": 42.5,
        "score_explanation": "Weighted by severity: 1 of 5 controls met.",
        "findings": sample_findings(),
        "coverage": [
            FrameworkCoverage(
                framework="GDPR",
                provision="Art. 33",
                required=1,
                met=0,
                controls=["incident_notification"],
            )
        ],
        "errors": [],
        "provenance": Provenance(
            tool_version="0.1.0",
            library_version="2025.1",
            library_hash="cd" * 32,
            playbook="ai-data-vendor",
            playbook_hash="ef" * 32,
            created="2025-01-31T12:00:00Z",
        ),
    }
    data.update(changes)
    return Assessment.model_validate(data)


def sample_error() -> InputError:
    """An input that could not be read."""
    return InputError(path="=scan.pdf", code="no_text_layer", message="No text layer.", hint="Run OCR.")


def sample_docx() -> bytes:
    """The vendor's DPA as a small DOCX: numbered clauses, an incident clause, a table."""
    d = docx.Document()
    d.add_heading("Data Processing Agreement", level=1)
    d.add_paragraph("1. Definitions")
    d.add_paragraph('"Security Incident" means a breach of security leading to unauthorised access.')
    d.add_paragraph("8.1 Vendor shall encrypt Customer Data at rest using AES-256.")
    d.add_paragraph("9.2 " + SUBPROCESSOR_PARAGRAPH)
    d.add_heading("12. Security Incidents", level=2)
    p = d.add_paragraph(style="List Number")
    p.add_run("Vendor shall notify Customer of a Security Incident ")
    p.add_run("without undue delay").bold = True
    p.add_run(" and in any event within  seventy-two (72) hours after Vendor confirms the Security Incident.")
    d.add_paragraph("Schedule 2: Audit")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Audit"
    table.cell(0, 1).text = AUDIT_CELL
    d.add_paragraph("13. Governing law. This Agreement is governed by the laws of Ireland.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
