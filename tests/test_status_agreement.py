"""Met or weak: how firmly a clause binds the vendor, on real sentences of the open corpus.

Each test is one mechanism of the decision stages (checker/match/judge.py) that the cross-validated status
agreement showed wrong against the corpus labelling rules (clause_library/corpus/LABELLING.md); the sentences
are copied from open-split documents of the corpus, with a firm counterpart beside each.
"""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.engine import DocumentContext, Engine, _verb_positions
from checker.match.rules import RuleHit
from checker.models import Clause


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_library())


def _read(engine: Engine, text: str, control: str, heading: str = "") -> tuple[str, list[str]]:
    """The status and reason codes of the rules' reading of ``text`` for ``control``."""
    found = [m for m in engine.match_text(text, heading) if m.control == control]
    assert len(found) == 1, engine.explain(text, heading)
    return found[0].status.value, found[0].reason_codes


def _proposed(engine: Engine, text: str, control: str) -> tuple[str, list[str]]:
    """The status and reason codes of ``text`` read as the detector's proposal of ``control``."""
    clause = Clause(index=0, start=0, end=len(text), text=text, page=1, document="example")
    ctx = DocumentContext("example", engine.reader, engine._periods(text), False)
    prep = engine._prepare(clause, ctx, "")
    compiled = next(c for c in engine._controls if c.control.id == control)
    match = engine._judge(compiled, clause, prep, ctx, RuleHit("detector", ["(test)"]), _verb_positions(prep))
    assert match is not None
    return match.status.value, match.reason_codes


def test_business_continuity_without_a_schedule_objective_or_interval_is_weak(engine: Engine) -> None:
    # CA/Browser Forum TLS Baseline Requirements 5.7: plans, but no backup schedule, recovery objective
    # or test interval (LABELLING.md rule 61: business continuity is measured by its numbers).
    plans = "CA organizations shall have an Incident Response Plan and a Disaster Recovery Plan."
    assert _read(engine, plans, "business_continuity") == ("weak", ["no_parameter"])
    tested = (
        "CA organizations shall have a Disaster Recovery Plan and shall test it at least once every twelve "
        "(12) months."
    )
    assert _read(engine, tested, "business_continuity") == ("met", [])


def test_logging_that_names_no_privileged_access_is_only_part_of_privileged_access_logging(
    engine: Engine,
) -> None:
    # NHS England, standards for new service procurements: security events logged, privileged or
    # administrative access not named (LABELLING.md rule 49). The rules find no privileged-access words;
    # read as the detector's proposal, it addresses the control only in part.
    general = (
        "All actions and events requiring security must be logged and the individual making changes must "
        "be clearly identified."
    )
    assert _proposed(engine, general, "privileged_access_logging") == ("weak", ["partial"])
    admin = "All administrator access to production systems must be logged and reviewed."
    assert _proposed(engine, admin, "privileged_access_logging") == ("met", [])
    assert _read(engine, admin, "privileged_access_logging") == ("met", [])


def test_the_named_vendors_present_tense_binds_like_will(engine: Engine) -> None:
    # Open Access Policies, EdTech school DPA template, Article 5 (LABELLING.md rule 35): the operative
    # part of an agreement, the vendor named as its defined party, in the present tense.
    named = (
        "Provider restricts access to Student Data to personnel with a legitimate educational interest who "
        "require access to perform their job functions."
    )
    assert _read(engine, named, "access_control") == ("met", [])
    # The first person of online terms stays a description outside a schedule of measures.
    assert _read(engine, "We use encryption to protect your data at rest.", "encryption_at_rest")[0] == "weak"


def test_appropriate_measures_without_more_are_a_weak_security_program(engine: Engine) -> None:
    # EU standard contractual clauses 2021/914, Clause 8.6(a) (LABELLING.md rule 12).
    scc = (
        "The data importer and, during transmission, also the data exporter shall implement appropriate "
        "technical and organisational measures to ensure the security of the data, including protection "
        "against a breach of security leading to accidental or unlawful destruction, loss, alteration, "
        "unauthorised disclosure or access to that data."
    )
    assert _read(engine, scc, "security_program") == ("weak", ["partial"])
    program = (
        "Supplier shall maintain a written information security program that complies with ISO/IEC 27001."
    )
    assert _read(engine, program, "security_program") == ("met", [])


def test_excluding_a_paragraph_of_a_flow_down_formula_is_no_carve_out(engine: Engine) -> None:
    # FAR 52.204-30(e): "excluding paragraph (c)(1)" leaves out text, not part of the duty.
    formula = (
        "The Contractor shall insert the substance of this clause, including this paragraph (e) and excluding "
        "paragraph (c)(1) of this clause, in all subcontracts and other contractual instruments, including "
        "subcontracts for the acquisition of commercial products and commercial services."
    )
    assert _proposed(engine, formula, "subprocessor_flowdown") == ("met", [])
    narrowed = (
        "Provider shall encrypt all Customer Data at rest, excluding data stored in Customer-managed buckets."
    )
    assert _read(engine, narrowed, "encryption_at_rest") == ("weak", ["carve_out"])


def test_guidance_and_rationale_explain_a_requirement_and_bind_no_one(engine: Engine) -> None:
    # SATRE specification 2.8.02, and MVSP v3.0's "Why this control matters" (LABELLING.md rules 27, 88):
    # a "must" in guidance or rationale states no requirement.
    duty = "Data encryption must be used to safeguard against interception or tampering during transmission."
    assert _read(engine, duty, "encryption_in_transit") == ("met", [])
    assert _read(engine, f"Guidance: {duty}", "encryption_in_transit") == ("weak", ["guidance"])
    rationale = "Applications or services passing sensitive data must ensure they encrypt data in transit."
    assert _read(engine, rationale, "encryption_in_transit", "HTTPS-only > Why this control matters") == (
        "weak",
        ["guidance"],
    )


def test_taking_into_account_the_nature_of_processing_sets_scope_not_strength(engine: Engine) -> None:
    # EU standard contractual clauses 2021/914, Clause 8.6(c) (LABELLING.md rule 43).
    scc = (
        "The data importer shall cooperate with and assist the data exporter to enable the data exporter to "
        "comply with its obligations under Regulation (EU) 2016/679, in particular to notify the competent "
        "supervisory authority and the affected data subjects, taking into account the nature of processing "
        "and the information available to the data importer."
    )
    assert _read(engine, scc, "incident_cooperation") == ("met", [])
    efforts = (
        "Provider shall use reasonable efforts to assist Customer in investigating any Security Incident."
    )
    assert _read(engine, efforts, "incident_cooperation") == ("weak", ["effort_qualifier"])


def test_a_benchmark_qualifies_how_data_is_encrypted_not_whether_it_is(engine: Engine) -> None:
    # erp.net DPA Annex, FINOS CCC CN02.AR01, MVSP 2.6 (LABELLING.md rule 16): a firm duty to encrypt that
    # names no protocol is met, and "industry-standard encryption" is no less; a clause the detector
    # proposes without any encryption word addresses the control only in part.
    plain = "Provider shall encrypt Customer Data in transit."
    benchmark = "Provider will use industry-standard encryption to protect Customer Data in transit."
    assert _read(engine, plain, "encryption_in_transit") == ("met", [])
    assert _read(engine, benchmark, "encryption_in_transit") == ("met", [])
    stored = (
        "When data is stored, it MUST be encrypted using the latest industry-standard encryption methods."
    )
    assert _read(engine, stored, "encryption_at_rest") == ("met", [])
    no_cipher = "Provider shall protect Customer Data sent over public networks with appropriate safeguards."
    status, codes = _proposed(engine, no_cipher, "encryption_in_transit")
    assert status == "weak" and "partial" in codes


def test_adequate_security_is_what_a_security_programme_duty_states(engine: Engine) -> None:
    # DFARS 252.204-7012(b) (labelled met): the programme's substance is adequate, appropriate measures.
    dfars = "The Contractor shall provide adequate security on all covered contractor information systems."
    assert _proposed(engine, dfars, "security_program") == ("met", [])
    hedged = "The Contractor shall use reasonable efforts to provide adequate security for Company Data."
    status, codes = _proposed(engine, hedged, "security_program")
    assert status == "weak" and codes == ["effort_qualifier"]
