"""Typical security-exhibit sentences, written for this test apart from the library's own examples.

A second, independent check that the library generalises: each sentence must give the expected status
(and numbers) for its control under the `all` playbook.
"""

from __future__ import annotations

import pytest

from checker.library.loader import expand_playbook, load_library
from checker.match.engine import Engine
from checker.match.examples import EXAMPLE_PLAYBOOK
from checker.score import judge

LIBRARY = load_library()
ENGINE = Engine(LIBRARY)
PLAYBOOK = expand_playbook(EXAMPLE_PLAYBOOK, LIBRARY)

CASES = [
    (
        "Supplier will encrypt all Customer Data at rest using AES-256 or stronger and in transit using TLS 1.2 or higher.",
        "encryption_at_rest",
        "met",
        {},
    ),
    (
        "Supplier will encrypt all Customer Data at rest using AES-256 or stronger and in transit using TLS 1.2 or higher.",
        "encryption_in_transit",
        "met",
        {},
    ),
    (
        "Vendor shall notify Customer of any Security Breach within forty-eight (48) hours of discovery.",
        "incident_notification",
        "met",
        {"notification_hours": 48},
    ),
    (
        "Vendor shall notify Customer of any Security Breach within five (5) business days.",
        "incident_notification",
        "weak",
        {"notification_business_days": 5},
    ),
    (
        "Vendor shall maintain SOC 2 Type II certification and provide the report to Customer annually.",
        "security_certification",
        "met",
        {},
    ),
    (
        "Vendor shall require multi-factor authentication for all remote access to systems that store Customer Data.",
        "mfa",
        "met",
        {},
    ),
    (
        "All personnel with access to Customer Data shall undergo background checks prior to being granted access.",
        "personnel_screening",
        "met",
        {},
    ),
    (
        "Vendor shall maintain cyber liability insurance with limits of not less than $5,000,000 per claim.",
        "insurance",
        "met",
        {"insurance_amount": 5_000_000},
    ),
    (
        "Upon termination, Vendor shall return or destroy all Customer Data within thirty (30) days and certify the destruction in writing.",
        "data_return_deletion",
        "met",
        {"deletion_days": 30},
    ),
    (
        "Vendor shall not use Customer Data to train artificial intelligence or machine learning models.",
        "no_training_on_customer_data",
        "met",
        {},
    ),
    (
        "Vendor shall provide a software bill of materials (SBOM) in SPDX or CycloneDX format for each release.",
        "sbom_disclosure",
        "met",
        {},
    ),
    (
        "Vendor shall pin all third-party dependencies to specific versions and verify their integrity using cryptographic hashes.",
        "dependency_pinning",
        "met",
        {},
    ),
    (
        "Vendor shall monitor and restrict outbound network traffic from systems processing Customer Data.",
        "egress_monitoring",
        "met",
        {},
    ),
    (
        "Vendor shall remediate critical vulnerabilities within 7 days and high vulnerabilities within 30 days.",
        "vulnerability_management",
        "met",
        {"critical_vuln_days": 7, "high_vuln_days": 30},
    ),
    (
        "Customer may audit Vendor's compliance with this Agreement upon thirty (30) days' written notice, no more than once per year.",
        "audit_rights",
        "met",
        {},
    ),
    (
        "Vendor shall maintain a business continuity and disaster recovery plan and test it at least annually.",
        "business_continuity",
        "met",
        {},
    ),
    (
        "Vendor shall provide security awareness training to all employees upon hire and annually thereafter.",
        "security_training",
        "met",
        {"training_frequency_months": 12},
    ),
    (
        "Vendor shall not engage any subprocessor without Customer's prior written consent.",
        "subprocessor_approval",
        "met",
        {},
    ),
    (
        "Vendor shall store and process Customer Data only in data centers located in the European Union.",
        "data_location",
        "met",
        {},
    ),
    (
        "Vendor shall logically separate Customer Data from the data of its other customers.",
        "data_segregation",
        "met",
        {},
    ),
    (
        "Vendor shall use Customer Data solely to provide the Services to Customer.",
        "data_use_limitation",
        "met",
        {},
    ),
    (
        "Vendor will promptly notify Customer if any third-party software component used in the Services is found to have been compromised.",
        "supply_chain_compromise_notice",
        "weak",
        {},
    ),
    (
        "Vendor shall maintain a written information security program that includes administrative, technical and physical safeguards.",
        "security_program",
        "met",
        {},
    ),
    (
        "Customer may terminate this Agreement immediately upon written notice if Vendor suffers a Security Breach.",
        "termination_for_security_breach",
        "met",
        {},
    ),
    (
        "Vendor shall log all privileged access to production systems and review those logs at least monthly.",
        "privileged_access_logging",
        "met",
        {},
    ),
    (
        "Vendor will use commercially reasonable efforts to encrypt Customer Data at rest.",
        "encryption_at_rest",
        "weak",
        {},
    ),
    (
        "Customer shall encrypt its own backups before uploading them to the Service.",
        "encryption_at_rest",
        "missing",
        {},
    ),
    (
        "Vendor has no obligation to notify Customer of security incidents affecting third-party services.",
        "incident_notification",
        "conflict",
        {},
    ),
]


@pytest.mark.parametrize(
    ("text", "control", "status", "params"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_typical_clause(text: str, control: str, status: str, params: dict[str, float]) -> None:
    matches = [m for m in ENGINE.match_text(text) if m.control == control]
    finding = judge(LIBRARY.controls[control], matches, PLAYBOOK)
    assert finding.status.value == status, finding.reasons
    for key, value in params.items():
        assert finding.params.get(key) == value, finding.params
