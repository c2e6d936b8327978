"""Scoring: thresholds, aggregation across clauses, the contract score (checker.score)."""

from __future__ import annotations

from checker.library.loader import load_library, resolve_playbook
from checker.match.engine import Engine
from checker.models import SET_ASIDE, DocumentInfo, Status
from checker.score import assess, judge

LIBRARY = load_library()
ENGINE = Engine(LIBRARY)
CONTROL = LIBRARY.controls["incident_notification"]
INFO = DocumentInfo(path="x.md", name="x.md", sha256="0" * 64, format="md", pages=1)


def _matches(*texts: str, control: str = "incident_notification"):
    out = []
    for i, text in enumerate(texts):
        for m in ENGINE.match_text(text):
            if m.control == control:
                out.append(m.model_copy(update={"clause_index": i}))
    return out


def test_threshold_depends_on_the_playbook() -> None:
    matches = _matches("Supplier shall notify Customer of any Security Incident within 72 hours.")
    baseline = judge(CONTROL, matches, resolve_playbook("baseline", LIBRARY))
    strict = judge(CONTROL, matches, resolve_playbook("ai-data-vendor", LIBRARY))
    assert baseline.status == Status.MET
    assert strict.status == Status.WEAK
    assert "over_threshold" in strict.reason_codes
    assert strict.thresholds["notification_hours"]["threshold"] == 24


def test_best_clause_wins_and_others_support_it() -> None:
    matches = _matches(
        "Supplier shall promptly notify Customer of any Security Incident.",
        "Supplier shall notify Customer of any Security Incident within 24 hours.",
    )
    finding = judge(CONTROL, matches, resolve_playbook("baseline", LIBRARY))
    assert finding.status == Status.MET
    assert finding.params == {"notification_hours": 24}
    assert len(finding.evidence) == 2 and "24 hours" in finding.evidence[0].text


def test_bound_and_negated_is_weak_with_both_sides() -> None:
    matches = _matches(
        "Supplier shall notify Customer of any Security Incident within 24 hours.",
        "Supplier has no obligation to notify Customer of any Security Incident.",
    )
    finding = judge(CONTROL, matches, resolve_playbook("baseline", LIBRARY))
    assert finding.status == Status.WEAK
    assert "inconsistent" in finding.reason_codes
    assert len(finding.evidence) == 2


def test_only_negated_is_conflict_and_nothing_is_missing() -> None:
    playbook = resolve_playbook("baseline", LIBRARY)
    conflict = judge(
        CONTROL, _matches("Supplier has no obligation to notify Customer of any Security Incident."), playbook
    )
    assert conflict.status == Status.CONFLICT
    assert judge(CONTROL, [], playbook).status == Status.MISSING


def test_score_is_severity_weighted_and_explained() -> None:
    playbook = resolve_playbook("baseline", LIBRARY)
    none = assess([INFO], [], playbook, LIBRARY)
    assert none.score == 0.0 and "missing" in none.score_explanation
    some = assess(
        [INFO],
        _matches("Supplier shall notify Customer of any Security Incident within 24 hours."),
        playbook,
        LIBRARY,
    )
    assert 0 < some.score < 100
    assert {f.control for f in some.findings} == {c.id for c in playbook.controls}
    assert some.provenance.library_hash == LIBRARY.content_hash


def test_a_use_limitation_only_implies_no_training_so_the_finding_is_missing_and_names_it() -> None:
    playbook = resolve_playbook("all", LIBRARY)
    use_only = [
        m
        for m in ENGINE.match_text(
            "Provider shall process Customer Data only to provide the Services to Customer."
        )
        if m.control == "data_use_limitation"
    ]
    assert use_only, "the use limitation itself must be found"

    def no_training(matches):
        return next(
            f
            for f in assess([INFO], matches, playbook, LIBRARY).findings
            if f.control == "no_training_on_customer_data"
        )

    finding = no_training(use_only)
    # Corpus LABELLING.md rule 8: a use limitation is not an express no-training commitment.
    assert finding.status == Status.MISSING and not finding.evidence
    assert finding.reason_codes == ["implied"]
    assert finding.rule == "no_training_on_customer_data.implied_by[data_use_limitation]"
    assert "only implied by" in finding.reasons[-1] and "only to provide the Services" in finding.reasons[-1]
    # Nothing to imply from, nothing said.
    bare = no_training([])
    assert bare.reason_codes == [] and all("implied" not in r for r in bare.reasons)


def test_a_number_the_rules_read_outranks_one_on_a_clause_the_detector_proposed() -> None:
    """The numbers are the rules': a generic incident notice the detector proposes for the supply-chain
    notice does not put its 24 hours in place of the 2 business days the control's own clause states."""
    control = LIBRARY.controls["supply_chain_compromise_notice"]
    specific = "Supplier shall notify Customer in writing within two (2) business days after becoming aware of any compromise of a third-party software component used to provide the Services."
    ruled = [m for m in ENGINE.match_text(specific) if m.control == control.id]
    assert ruled and ruled[0].params  # the rules read it, with its number
    generic = ENGINE.match_text("Supplier shall notify Customer of any Security Incident within 24 hours.")
    proposed = next(m for m in generic if m.control == "incident_notification").model_copy(
        update={"control": control.id, "rule": "detector", "params": {"compromise_notice_hours": 24.0}, "clause_index": 1}
    )  # fmt: skip
    playbook = resolve_playbook("all", LIBRARY)
    finding = judge(control, [proposed, ruled[0]], playbook)
    assert finding.evidence[0].text == ruled[0].evidence.text
    assert finding.params == {"compromise_notice_business_days": 2.0} and finding.status == Status.WEAK
    # Without a number of the rules' own, the proposal stays the evidence.
    alone = judge(control, [proposed], playbook)
    assert alone.params == {"compromise_notice_hours": 24.0}


def test_a_match_the_detector_set_aside_is_not_evidence_and_the_missing_finding_names_it() -> None:
    playbook = resolve_playbook("baseline", LIBRARY)
    firm, vague = _matches(
        "Supplier shall notify Customer of any Security Incident within 24 hours.",
        "Supplier shall promptly notify Customer of any Security Incident.",
    )
    aside = firm.model_copy(
        update={
            "reasons": [
                "set aside: the learned detector gives this clause 0.12 for this control",
                *firm.reasons,
            ],
            "reason_codes": [SET_ASIDE, *firm.reason_codes],
        }
    )
    alone = judge(CONTROL, [aside], playbook)
    assert alone.status == Status.MISSING and not alone.evidence and not alone.params
    assert alone.reason_codes == [SET_ASIDE]
    assert alone.reasons[0] == "nothing in the contract binds the vendor to this"
    assert "within 24 hours" in alone.reasons[1] and "0.12 for this control" in alone.reasons[1]
    # Beside a clause that is evidence, the set-aside one neither decides nor supports the finding.
    both = judge(CONTROL, [aside, vague], playbook)
    assert both.status == Status.WEAK and [e.text for e in both.evidence] == [vague.evidence.text]
    assert SET_ASIDE not in both.reason_codes and not both.params


def _vd(*texts: str):
    return _matches(*texts, control="vulnerability_disclosure")


_PROCESS = (
    "Supplier shall maintain a coordinated vulnerability disclosure policy and a public channel through"
    " which anyone can report security vulnerabilities."
)


def test_a_clause_of_a_two_duty_control_is_met_for_its_own_duty_but_the_document_is_weak_without_the_other() -> (
    None
):
    playbook = resolve_playbook("all", LIBRARY)
    control = LIBRARY.controls["vulnerability_disclosure"]
    process = _vd(_PROCESS)
    # The disclosure process is firm and needs no number: the clause is met for what it states ...
    assert [m.status for m in process] == [Status.MET]
    assert judge(control, process, playbook).status == Status.MET
    # ... but no clause states the window for telling the customer of exploited vulnerabilities.
    finding = next(f for f in assess([INFO], process, playbook, LIBRARY).findings if f.control == control.id)
    assert finding.status == Status.WEAK
    assert finding.reason_codes[0] == "no_parameter"
    assert "exploited vuln notice" in finding.reasons[0]
    with_notice = _vd(
        _PROCESS,
        "Supplier shall notify Customer within 24 hours of becoming aware of any actively exploited"
        " vulnerability affecting the Services.",
    )
    finding = next(
        f for f in assess([INFO], with_notice, playbook, LIBRARY).findings if f.control == control.id
    )
    assert finding.status == Status.MET
    assert finding.params == {"exploited_vuln_notice_hours": 24}


def test_a_hedged_window_does_not_complete_a_two_duty_control() -> None:
    playbook = resolve_playbook("all", LIBRARY)
    hedged = _vd(
        _PROCESS,
        "Supplier will endeavour to notify Customer within 72 hours of becoming aware of any actively exploited"
        " vulnerability affecting the Services.",
    )
    assert sorted(m.status for m in hedged) == [Status.MET, Status.WEAK]
    assert any("exploited_vuln_notice_hours" in m.params for m in hedged)
    finding = next(
        f
        for f in assess([INFO], hedged, playbook, LIBRARY).findings
        if f.control == "vulnerability_disclosure"
    )
    assert finding.status == Status.WEAK
    assert finding.reason_codes[0] == "no_parameter"
    assert "(a clause that states it is weak)" in finding.reasons[0]
    # A clause the detector set aside is no evidence: its number is not "stated", weakly or otherwise.
    process, notice = _vd(
        _PROCESS,
        "Supplier shall notify Customer within 24 hours of becoming aware of any actively exploited"
        " vulnerability affecting the Services.",
    )
    aside = notice.model_copy(update={"reason_codes": [SET_ASIDE, *notice.reason_codes]})
    finding = next(
        f
        for f in assess([INFO], [process, aside], playbook, LIBRARY).findings
        if f.control == "vulnerability_disclosure"
    )
    assert finding.status == Status.WEAK and finding.reason_codes[0] == "no_parameter"
    assert finding.reasons[0].startswith("no clause states the exploited vuln notice")


def test_a_notice_clause_with_no_window_is_weak_for_the_number_its_duty_needs() -> None:
    (match,) = _vd(
        "Supplier shall inform Customer of any vulnerability affecting the Software that is known to be exploited."
    )
    assert match.status == Status.WEAK
    assert "no_parameter" in match.reason_codes
