"""The matcher on sentences and on whole documents (checker.match.engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.extract import extract_bytes
from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.parameters import convert
from checker.models import SET_ASIDE, Document, Match, Status
from checker.segment import segment

ENGINE = Engine(load_library())


def _one(text: str, control: str, heading: str = "") -> tuple[Status, dict[str, float], list[str]] | None:
    found = [m for m in ENGINE.match_text(text, heading) if m.control == control]
    if not found:
        return None
    m = found[0]
    return m.status, m.params, m.reason_codes


def test_binding_vendor_notice_with_hours_is_met() -> None:
    assert _one(
        "Vendor shall notify Customer of any Security Incident within 48 hours.", "incident_notification"
    ) == (
        Status.MET,
        {"notification_hours": 48},
        [],
    )


def test_hours_of_another_duty_are_not_the_notification_window() -> None:
    got = _one(
        "Provider will notify Customer without undue delay of any Security Incident and will restore "
        "the Service within 4 hours.",
        "incident_notification",
    )
    assert got is not None
    assert got[0] == Status.WEAK
    assert "notification_hours" not in got[1]


def test_definitions_headings_and_liability_are_not_evidence() -> None:
    assert (
        _one('"Security Incident" means any unauthorised access to Customer Data.', "incident_notification")
        is None
    )
    assert (
        _one(
            "In no event shall Provider be liable for any Security Incident unless it fails to notify Customer.",
            "incident_notification",
        )
        is None
    )


def test_schedule_heading_makes_present_tense_bind() -> None:
    text = "Customer Data is encrypted at rest using AES-256."
    assert (
        _one(text, "encryption_at_rest", "Annex II – Technical and Organisational Measures")[0] == Status.MET
    )
    outside = _one("We use encryption to protect your data at rest.", "encryption_at_rest")
    assert outside is None or outside[0] == Status.WEAK


def test_customer_right_to_audit_is_met_but_a_customer_duty_is_not() -> None:
    assert (
        _one("Customer may audit Provider's compliance with this DPA once per year.", "audit_rights")[0]
        == Status.MET
    )
    assert _one("Customer shall audit its own users' access logs monthly.", "audit_rights") is None


def test_prohibition_satisfies_no_training() -> None:
    got = _one(
        "Provider shall not use Customer Data to train or improve any machine learning model.",
        "no_training_on_customer_data",
    )
    assert got is not None and got[0] == Status.MET


def _unmarked(match: Match) -> Match:
    """A rule's match as the rules gave it, without the detector's set-aside mark and reason."""
    if SET_ASIDE not in match.reason_codes:
        return match
    return match.model_copy(update={"reasons": match.reasons[1:], "reason_codes": match.reason_codes[1:]})


def _document(text: str, name: str = "contract.md"):
    doc = extract_bytes(text.encode(), name)
    return doc, segment(doc)


def test_defined_notice_period_is_resolved_in_a_document() -> None:
    doc, clauses = _document(
        "# Definitions\n\n"
        '"Specified Notice Period" means forty-eight (48) hours.\n\n'
        "# Security\n\n"
        "Supplier shall notify Customer of any Security Incident within the Specified Notice Period.\n"
    )
    matches = [m for m in ENGINE.match_document(doc, clauses) if m.control == "incident_notification"]
    assert [m.params for m in matches] == [{"notification_hours": 48}]
    assert matches[0].status == Status.MET


def test_a_defined_term_that_holds_the_action_gives_the_duty_its_number() -> None:
    """DFARS 252.204-7012: '"Rapidly report" means within 72 hours of discovery', then "rapidly report
    cyber incidents to DoD": the term is the action and its period the duty's."""
    doc, clauses = _document(
        "# Definitions\n\n"
        "\u201cRapidly report\u201d means within 72 hours of discovery of any cyber incident.\n\n"
        "# Reporting\n\n"
        "The Contractor shall rapidly report cyber incidents to DoD at https://dibnet.dod.mil.\n"
    )
    matches = [m for m in ENGINE.match_document(doc, clauses) if m.control == "incident_notification"]
    assert [m.params for m in matches] == [{"notification_hours": 72}]
    assert matches[0].status == Status.MET  # it was weak: "no fixed notification is stated"


def test_lead_in_gives_party_and_modality_to_list_items() -> None:
    doc, clauses = _document(
        "1. Security\n\n"
        "1.1 Upon becoming aware of a Security Incident, Provider shall:\n\n"
        "(a) notify Customer within twenty-four (24) hours; and\n\n"
        "(b) cooperate with Customer's investigation at Provider's own cost.\n"
    )
    statuses = {m.control: (m.status, m.params) for m in ENGINE.match_document(doc, clauses)}
    assert statuses["incident_notification"] == (Status.MET, {"notification_hours": 24})


def test_evidence_offsets_point_into_the_document() -> None:
    text = (
        Path(__file__).resolve().parent.parent
        / "fixtures"
        / "corpus"
        / "commonpaper-data-processing-agreement.md"
    )
    doc = extract_bytes(text.read_bytes(), text.name)
    for m in ENGINE.match_document(doc, segment(doc)):
        assert doc.text[m.evidence.start : m.evidence.end] == m.evidence.text


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        (2, "days", "hours", 48),
        (10, "business_days", "days", 14),
        (12, "months", "days", 365),
        (1, "amount", "days", None),
    ],
)
def test_convert(value: float, unit: str, to: str, expected: float | None) -> None:
    assert convert(value, unit, to) == expected


def test_a_rule_hit_in_a_clause_with_an_exclude_phrase_is_no_finding() -> None:
    # The exclude phrases are searched only once a rule has hit (most clauses hit none): still decisive.
    duty = "Vendor shall notify Customer of any Security Incident within 48 hours"
    assert _one(duty + ".", "incident_notification") is not None
    assert _one(duty + " where the breach notification laws require it.", "incident_notification") is None


def _agreement_with_detector() -> tuple[Engine, Document]:
    """The shipped engine with its detector, and a real data processing agreement."""
    from checker.detect import shipped_detector

    library = load_library()
    path = (
        Path(__file__).resolve().parent.parent
        / "fixtures"
        / "corpus"
        / "commonpaper-data-processing-agreement.md"
    )
    return Engine(library, shipped_detector(library.root)), extract_bytes(path.read_bytes(), path.name)


def test_a_document_read_at_once_gives_each_clause_what_it_gives_read_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """match_document shares a clause's folded text, term groups and preparation between the rules and the
    detector, and the term index keeps each word's prefix keys: each clause, read alone with its lead-in,
    must agree, and so must an index that keeps no word's prefixes."""
    from checker.match import rules
    from checker.match.phrases import fold

    engine, doc = _agreement_with_detector()
    ctx, read = engine.read_clauses(doc, segment(doc))
    monkeypatch.setattr(rules, "_MAX_WORDS", 0)
    cold = rules.RuleIndex(engine._controls)  # keeps no word's prefix keys: works each out afresh
    matched = 0
    for clause, lead, found in read:
        folded = fold(f"{lead} {clause.text}" if lead else clause.text)
        assert cold.candidates(folded) == engine._index.candidates(folded)
        assert found == engine._match_clause(clause, ctx, lead)
        matched += bool(found)
    assert matched >= 20  # a real agreement (25 clauses with matches): not only empty clauses compared
    alone = [m for c, lead, found in read for m in engine._match_clause(c, ctx, lead)]
    whole = engine.match_document(doc, segment(doc))
    # The rules' matches first, as read alone (those the detector set aside marked so), then its proposals.
    assert [_unmarked(m) for m in whole[: len(alone)]] == alone
    assert any(m.rule == "detector" for m in whole[len(alone) :])


def test_a_read_document_gives_the_detector_each_clauses_own_features() -> None:
    """match_document keeps a clause's term groups as the detector names them (one list, not the index's
    sets, which lived as long as the document); the detector must read what it reads of the clause alone."""
    engine, doc = _agreement_with_detector()
    _, read = engine._read_document(doc, segment(doc))
    assert sum(bool(r.groups) for r in read) >= 20 and sum(bool(r.found) for r in read) >= 20
    for r in read:
        assert all(isinstance(name, str) and name.startswith("g:") for name in r.groups)
        assert engine._features(r.clause, r.lead, r.found, r.groups) == engine.detector_features(
            r.clause, r.lead, r.found
        )


LEAD_IN_THEN_HEADINGS = """Data Processing Terms

1. Transfers

The Provider shall not transfer Customer Data to a third party located outside the European Union unless:

(a) the Customer has approved the transfer in writing; and

(b) the third party is bound by the standard contractual clauses.

2. Confidentiality

The Provider shall:

(a) keep all Customer Data confidential.

3. Personnel

(a) Provider personnel are bound by written confidentiality obligations.
"""


def test_a_heading_ends_the_list_a_lead_in_introduced() -> None:
    """Items continue the lead-in before them, but not across a heading: "(a) Provider personnel are
    bound ..." under "3. Personnel" is not read as "The Provider shall: ..." of section 2."""
    doc = extract_bytes(LEAD_IN_THEN_HEADINGS.encode(), "terms.txt")
    _, read = ENGINE.read_clauses(doc, segment(doc))
    leads = {clause.text: lead for clause, lead, _ in read}
    assert leads["the Customer has approved the transfer in writing; and"].startswith(
        "The Provider shall not"
    )
    assert leads["keep all Customer Data confidential."] == "The Provider shall:"
    assert leads["Provider personnel are bound by written confidentiality obligations."] == ""


def test_a_guidance_label_after_a_lead_in_still_marks_guidance() -> None:
    """ "Recommendation:" opening a list item read with its lead-in is guidance (corpus LABELLING.md rules 9
    and 88): the label was looked for with "^" at the body's offset, where "^" never matches."""
    doc, clauses = _document(
        "CN06 Restrict data to approved regions\n\n"
        "The service MUST store Customer Data only in the approved regions listed in the configuration:\n\n"
        "- Recommendation: Maintain an up-to-date list of trusted and approved regions for Customer Data.\n"
    )
    _, read = ENGINE.read_clauses(doc, clauses)
    (item,) = [(lead, found) for clause, lead, found in read if "Recommendation" in clause.text]
    lead, found = item
    assert lead.startswith("The service MUST store Customer Data")
    statuses = {m.control: (m.status, m.reason_codes) for m in found}
    assert statuses["data_location"] == (Status.WEAK, ["guidance"])
