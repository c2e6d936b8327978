"""Explanations in a lawyer's words: why every status (met included), the number marked in the evidence,
defined terms with their definitions, catalogue codes beside titles (issue 12)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from checker.api import ContractChecker, ReadDocument
from checker.models import SET_ASIDE, Status
from checker.negotiate.memo import memo_markdown
from checker.report.html_report import render_html
from checker.report.wording import status_reason

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.evidence_view import (  # noqa: E402
    context_html,
    definitions_for,
    definitions_html,
    number_spans,
)
from checker_app.findings_table import finding_rows  # noqa: E402
from checker_app.safe_text import highlight_spans  # noqa: E402

DEFINED = (
    "1. Definitions\n\n"
    '1.1 "Notice Period" means forty-eight (48) hours.\n\n'
    "2. Security\n\n"
    "2.1 Provider shall notify Customer in writing of any Security Incident within the Notice Period after"
    " becoming aware of it.\n"
)


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(scope="module")
def defined(checker: ContractChecker) -> ReadDocument:
    return checker.read_bytes(DEFINED.encode(), "msa.txt")


def test_numbers_are_marked_inside_the_evidence_and_markup_stays_escaped() -> None:
    text = "Vendor <b>shall</b> notify within 72 hours."
    html = highlight_spans(text, [(0, len(text))], numbers=[(text.index("72"), text.index("72") + 8)])
    assert (
        html
        == '<mark>Vendor &lt;b&gt;shall&lt;/b&gt; notify within <mark class="cc-num">72 hours</mark>.</mark>'
    )


def test_a_window_from_a_defined_term_shows_its_definition(
    checker: ContractChecker, defined: ReadDocument
) -> None:
    a = checker.assess([defined], "baseline")
    f = next(f for f in a.findings if f.control == "incident_notification")
    assert f.params == {"notification_hours": 48.0}
    ev = f.evidence[0]
    [term] = definitions_for(f.definitions, ev)
    assert term.terms == ["Notice Period"] and "forty-eight (48) hours" in term.text
    assert term.section == "1.1" and term.page == 1 and term.document == "msa.txt"
    assert defined.document.text[term.start : term.end] == term.text  # offsets into the contract
    # The number is in the definition, not the clause: nothing to mark there, and nothing invented.
    assert number_spans(defined, ev, f.params, checker.engine.vocabulary.quantities) == []


@pytest.fixture(scope="module")
def dpa(checker: ContractChecker) -> ReadDocument:
    return checker.read_file(ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md")


def test_any_defined_term_the_evidence_uses_comes_with_its_definition(
    checker: ContractChecker, dpa: ReadDocument
) -> None:
    a = checker.assess([dpa], "all")
    by_control = {f.control: f for f in a.findings}
    incident = by_control["incident_notification"]
    [security_incident] = definitions_for(incident.definitions, incident.evidence[0])
    assert security_incident.terms == ["Security Incident"] and security_incident.section == "11.15"
    assert "means a Personal Data Breach as defined in Article 4" in security_incident.text
    # "will have the meaning given in ..." is a definition too, and a plural use is a use of the term.
    disclosure = by_control["subprocessor_disclosure"]
    assert "Approved Subprocessors" in disclosure.evidence[0].text
    [subprocessor] = definitions_for(disclosure.definitions, disclosure.evidence[0])
    assert subprocessor.terms == ["Subprocessor"] and subprocessor.text.startswith('"Subprocessor" will have')
    deletion = by_control["data_return_deletion"]
    terms = {t for d in deletion.definitions for t in d.terms}
    assert {"Personal Data", "Customer Personal Data", "Applicable Data Protection Laws"} <= terms
    # Every definition is the contract's own text at its offsets, and never the evidence itself.
    for f in a.findings:
        for d in f.definitions:
            assert dpa.document.text[d.start : d.end] == d.text
            assert not any(ev.start < d.end and d.start < ev.end for ev in f.evidence)
    # In the app, HTML-escaped beside the clause.
    html = definitions_html(definitions_for(incident.definitions, incident.evidence[0]))
    assert (
        "Defined term \u201cSecurity Incident\u201d · commonpaper-data-processing-agreement.md, section 11.15"
        in html
    )


def test_the_parties_names_come_with_their_definition_in_the_html_report_and_the_memo(
    checker: ContractChecker, tmp_path: Path
) -> None:
    from negotiation_samples import build_vendor_msa

    msa = checker.read_file(build_vendor_msa(tmp_path / "vendor-msa.docx"))
    a = checker.assess([msa], "ai-data-vendor")
    weak = next(f for f in a.findings if f.control == "encryption_at_rest")
    assert weak.status is Status.WEAK
    [parties] = weak.definitions
    assert parties.terms == ["Provider", "Customer"]
    assert parties.text.startswith("This Master Services Agreement is made between Northwind Bank plc")
    report = render_html(a)
    assert (
        "Defined terms \u201cProvider\u201d, \u201cCustomer\u201d</b>: This Master Services Agreement"
        in report
    )
    memo = memo_markdown(a)
    assert (
        "- **Definition:** Defined terms \u201cProvider\u201d, \u201cCustomer\u201d (vendor-msa.docx, Master Services Agreement, page 1):"
        " \u201cThis Master Services Agreement is made between Northwind Bank plc" in memo
    )


def test_met_says_why_with_who_is_bound_how_firmly_and_the_number(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths(
        [ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"], "baseline"
    )
    f = next(f for f in a.findings if f.control == "incident_notification")
    assert f.status is Status.MET and f.party and f.modality
    reason = status_reason(f)
    assert "binds the vendor" in reason and "firm commitment" in reason
    assert "notification: 72 hours" in reason and "at most 72 hours" in reason
    read = checker.read_file(ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md")
    html = context_html(read, f.evidence[0], params=f.params, quantities=checker.engine.vocabulary.quantities)
    assert '<mark class="cc-num">72 hours</mark>' in html
    for f in a.findings:
        assert status_reason(f), f.control  # every status says why
    rows = finding_rows(a.findings, checker.library)
    assert all(r["Reason"] for r in rows)
    assert all("_" not in r["Found"] + r["Threshold"] for r in rows)  # no raw keys or units


def test_catalogue_codes_are_beside_titles(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths(
        [ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"], "all"
    )
    codes = [f.catalogue for f in a.findings]
    assert all(codes) and len(set(codes)) == len(codes)
    row = next(r for r in finding_rows(a.findings, checker.library) if r["ID"] == "incident_notification")
    assert row["Control"].startswith("IN-01 Security incident notification")


def test_no_control_id_reaches_a_reason(checker: ContractChecker, dpa: ReadDocument) -> None:
    # The learned detector's reasons named controls by id ("library words of supply_chain_...").
    a = checker.assess([dpa], "all")
    proposals = [m for m in dpa.matches if m.rule == "detector"]
    assert proposals  # the DPA has detector proposals to explain (whether or not one decides a finding)
    ids = [cid for cid in checker.library.controls if "_" in cid]
    for m in proposals:
        assert not [cid for cid in ids if any(cid in r for r in m.reasons)], m.reasons
    for row in finding_rows(a.findings, checker.library):
        assert not [cid for cid in ids if cid in row["Reason"]], row["Reason"]


def test_a_term_its_document_does_not_define_is_read_through_another_document_of_the_bundle(
    checker: ContractChecker, dpa: ReadDocument
) -> None:
    csa = checker.read_file(ROOT / "fixtures" / "corpus" / "commonpaper-cloud-service-agreement.md")
    a = checker.assess([dpa, csa], "baseline")
    flowdown = next(f for f in a.findings if f.control == "subprocessor_flowdown")
    ev = flowdown.evidence[0]
    assert ev.document == dpa.document.name and "Agreement" in ev.text
    shown = definitions_for(flowdown.definitions, ev)
    [agreement] = [d for d in shown if "Agreement" in d.terms]
    assert agreement.document == csa.document.name  # the DPA does not define it; the CSA does
    assert csa.document.text[agreement.start : agreement.end] == agreement.text
    # A term the DPA defines is read through the DPA's definition, whatever the CSA says.
    dpa_terms = {n for d in dpa.roles.defined for n in d.names} if dpa.roles else set()
    for d in shown:
        if set(d.terms) <= dpa_terms:
            assert d.document == dpa.document.name, d


def test_a_clause_the_detector_set_aside_is_named_where_the_finding_is_read(checker: ContractChecker) -> None:
    """The rules read encryption words in "retain and use Customer's information as necessary to comply
    with our legal obligations"; the detector reads it as a retention clause and sets it aside, and the
    missing finding says which clause that was, with its probability and what it reads as instead."""
    path = ROOT / "fixtures" / "corpus" / "github-corporate-terms-of-service.md"
    read = checker.read_file(path)
    aside = [m for m in read.matches if m.control == "encryption_at_rest" and SET_ASIDE in m.reason_codes]
    assert [m.evidence.section for m in aside] == ["K.4"] and "retain and use" in aside[0].evidence.text
    assert not [m for m in read.matches if m.control == "encryption_at_rest" and m not in aside]
    a = checker.assess([read], "all")
    f = next(f for f in a.findings if f.control == "encryption_at_rest")
    assert f.status is Status.MISSING and not f.evidence and f.reason_codes == [SET_ASIDE]
    reason = status_reason(f)
    assert "§K.4" in reason and "retain and use Customer" in reason and "under 0.30" in reason
    assert "it reads the clause as ND-05" in reason  # by its catalogue code, never its id
    row = next(r for r in finding_rows(a.findings, checker.library) if r["ID"] == "encryption_at_rest")
    assert "§K.4" in row["Reason"]
    assert "§K.4" in render_html(a)
