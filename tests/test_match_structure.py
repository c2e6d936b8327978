"""A clause read as limbs: subject, modal and the numbers of each duty (checker.match.structure)."""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.obligation import ObligationReader
from checker.match.phrases import fold
from checker.match.structure import STRONG, Structure

LIBRARY = load_library()
READER = ObligationReader(LIBRARY.language)
ENGINE = Engine(LIBRARY)


def _structure(text: str) -> tuple[str, Structure]:
    folded = fold(text)
    return folded, READER.structure(folded, READER.modals(folded))


def _limbs(text: str) -> list[tuple[str, str, str]]:
    """(opener, the modal that governs it, its text) of every limb."""
    folded, structure = _structure(text)
    out = []
    for i, pred in enumerate(structure.predicates):
        modal = structure.inherited(i)
        out.append((pred.opener, modal[3] if modal else "", folded[pred.subject_start : pred.end].strip()))
    return out


def _finding(text: str, control: str) -> tuple[str, dict[str, float]] | None:
    found = [m for m in ENGINE.match_text(text) if m.control == control]
    return (found[0].status.value, found[0].params) if found else None


@pytest.mark.parametrize(
    ("text", "limbs"),
    [
        (
            "Provider shall notify Customer within 24 hours and retain logs for 90 days.",
            [
                ("start", "shall", "provider shall notify customer within 24 hours"),
                ("verb", "shall", "retain logs for 90 days."),
            ],
        ),
        (
            "Provider shall (a) encrypt Customer Data at rest and (b) notify Customer of any breach within "
            "72 hours.",
            [
                ("start", "shall", "provider shall"),
                ("list", "shall", "encrypt customer data at rest and"),
                ("list", "shall", "notify customer of any breach within 72 hours."),
            ],
        ),
        (
            "If Customer does not approve a new Subprocessor, Customer may terminate the Agreement.",
            [
                ("start", "does not", "if customer does not approve a new subprocessor"),
                ("coordinator", "may", "customer may terminate the agreement."),
            ],
        ),
        (
            "Provider will notify Customer without undue delay of any Security Incident and will restore "
            "the Service within 4 hours.",
            [
                ("start", "will", "provider will notify customer without undue delay of any security incident"),
                ("coordinator", "will", "will restore the service within 4 hours."),
            ],
        ),
        (
            # A number in parentheses is no list mark; a condition's second verb stays in the condition.
            "Either party may terminate this Agreement upon written notice if the other party materially "
            "breaches this Agreement and does not cure the breach within thirty (30) days.",
            [("start", "may", fold("Either party may terminate this Agreement upon written notice if the other party materially breaches this Agreement and does not cure the breach within thirty (30) days."))],
        ),
        (
            # "which may": a relative clause opens no limb of its own.
            "Provider shall notify Customer of any incident, which may affect Customer Data, within 48 hours.",
            [("start", "shall", "provider shall notify customer of any incident, which may affect customer data, within 48 hours.")],
        ),
    ],
    ids=["elided-subject-and-modal", "list-limbs", "condition", "new-modal", "number-in-parens", "relative"],
)  # fmt: skip
def test_a_clause_is_cut_into_limbs_that_inherit_an_elided_subject_and_modal(
    text: str, limbs: list[tuple[str, str, str]]
) -> None:
    assert _limbs(text) == limbs


def test_a_condition_limb_is_read_as_a_condition_and_passes_no_modal_on() -> None:
    folded, structure = _structure(
        "Provider shall notify Customer within 24 hours, provided that a law enforcement agency may delay "
        "such notice by up to 30 days."
    )
    assert [p.opener for p in structure.predicates] == ["start", "limb"]
    assert structure.predicates[1].condition
    assert READER.structures.in_condition(folded, structure, folded.index("may delay"))


# -- step 1: a number belongs to the duty whose limb holds it ------------------------------------------


def test_a_retention_period_in_another_limb_is_not_a_notification_window() -> None:
    text = (
        "Provider shall notify Customer of any Security Incident without undue delay and retain all "
        "security logs for 90 days."
    )
    folded = fold(text)
    # The old window read it: 90 days lie within 260 characters after "notify", no duty's modal between.
    notify, days = folded.index("notify"), folded.index("90 days")
    assert days - notify < 260
    assert not [m for m in READER.modals(folded) if notify < m[0] < days and m[2] in STRONG]
    assert _finding(text, "incident_notification") == ("weak", {})
    assert _finding(text, "log_retention") == ("met", {"log_retention_days": 90})


@pytest.mark.parametrize(
    ("text", "params"),
    [
        # Years are no unit the parameter reads: reported in its own unit, days.
        (
            "Provider shall retain audit logs for a period of at least two (2) years.",
            {"log_retention_days": 730},
        ),
        ("Provider shall retain audit logs for a minimum of one year.", {"log_retention_days": 365}),
        # Months are a unit it reads: reported as the text states them.
        ("Provider shall retain audit logs for at least eighteen (18) months.", {"log_retention_months": 18}),
    ],
)
def test_a_period_is_reported_in_a_unit_the_parameter_reads(text: str, params: dict[str, float]) -> None:
    assert _finding(text, "log_retention") == ("met", params)


@pytest.mark.parametrize(
    "text",
    [
        "Provider will provide telephone support 24 hours a day, seven days a week, and will notify "
        "Customer of any Security Incident without undue delay.",
        "The Service Desk is staffed from 8:00 to 18:00, five (5) days a week; Provider shall notify "
        "Customer of any Security Incident affecting Customer Data.",
    ],
)
def test_hours_of_operation_in_another_limb_are_not_a_notification_window(text: str) -> None:
    # The old reading took a number up to 160 characters before the action: "seven days a week" and
    # "five (5) days a week" became a notification window of days (weak, "days where hours are required").
    found = _finding(text, "incident_notification")
    assert found is not None and found[1] == {}


def test_each_list_limb_keeps_its_own_number() -> None:
    text = (
        "Provider shall (a) encrypt Customer Data at rest and (b) notify Customer of any Security Incident "
        "within 72 hours."
    )
    assert _finding(text, "incident_notification") == ("met", {"notification_hours": 72})
    encryption = _finding(text, "encryption_at_rest")
    assert encryption is not None and encryption[1] == {}


def test_a_verbless_limb_after_the_duty_carries_its_number() -> None:
    text = (
        "Provider shall notify Customer of any Security Incident as follows: (i) within 24 hours of "
        "discovery, by telephone; and (ii) in writing thereafter."
    )
    assert _finding(text, "incident_notification") == ("met", {"notification_hours": 24})


def test_a_number_in_an_earlier_limb_that_names_the_duty_belongs_to_it() -> None:
    # The rule reads the vendor's limb; the objection period stands in the customer's limb before it.
    text = (
        "Customer may object to any new Subprocessor within fourteen (14) days after notice, in which case "
        "Provider shall not permit that Subprocessor to process Customer Data."
    )
    found = _finding(text, "subprocessor_approval")
    assert found is not None and found[1] == {"objection_days": 14}


def test_a_proviso_number_is_not_the_duty_s() -> None:
    # The old window took the 30 days (a notification window in days, weak for "days not hours").
    text = (
        "Provider shall notify Customer of any Security Incident without undue delay, unless a law "
        "enforcement agency requests a delay of up to 30 days."
    )
    assert _finding(text, "incident_notification") == ("weak", {})


# -- step 2: the modal governing an action is the modal of its own limb ----------------------------


def _reading(text: str, action: str) -> tuple[str, str, str]:
    folded = fold(text)
    ob = READER.read(folded, folded.index(action), READER.modals(folded), text)
    return ob.party, ob.modality, ob.modal_text


def test_a_condition_far_before_its_modal_refuses_nothing() -> None:
    text = (
        "If Customer, having received Provider's notice of the new Subprocessor together with the "
        "information described in Section 5.2, does not approve the new Subprocessor, Customer may "
        "terminate the affected Services."
    )
    folded = fold(text)
    # The old window (condition_reach, 80 characters) did not reach back to the "if".
    assert folded.index("does not") - folded.index("if ") > 80
    assert _reading(text, "approve")[1] != "prohibition"
    assert _reading(text, "terminate")[1:] == ("permissive", "may")


def test_a_list_limb_takes_the_modal_of_its_lead_in_however_far() -> None:
    text = (
        "The Processor shall, taking into account the state of the art, the costs of implementation and "
        "the nature, scope, context and purposes of the processing as well as the risk of varying "
        "likelihood and severity for the rights and freedoms of natural persons: (a) encrypt Personal "
        "Data at rest; and (b) notify the Controller of any Personal Data Breach within 48 hours."
    )
    folded = fold(text)
    # Over 220 characters (the old modal_reach) separate "shall" from the limb's verb.
    assert folded.index("encrypt") - folded.index("shall") > 220
    assert _reading(text, "encrypt")[1:] == ("binding", "shall")
    assert _reading(text, "notify")[1:] == ("binding", "shall")
    assert _finding(text, "incident_notification") == ("met", {"notification_hours": 48})


def test_a_modal_in_another_limb_does_not_govern_the_action() -> None:
    # "may" belongs to the customer's limb; the vendor's "shall" governs "notify" after the cut.
    text = "Customer may request a report at any time, and Provider shall notify Customer of any breach."
    assert _reading(text, "notify")[1:] == ("binding", "shall")
    # A passive duty: the modal after the noun, in the same limb.
    assert _reading("Notice of any Security Incident shall be given to Customer.", "notice")[1] == "binding"


# -- step 3: the subject is the subject of the action's limb -------------------------------------------


def test_the_subject_is_read_in_the_modal_s_own_limb() -> None:
    # The old window (subject_reach, 160 characters back) saw "Customer" and "Provider" joined by
    # "and", and read a duty of both parties.
    text = "Customer may request a report at any time, and Provider shall notify Customer of any breach."
    assert _reading(text, "notify") == ("vendor", "binding", "shall")
    assert _reading(text, "request") == ("customer", "permissive", "may")
    condition = (
        "If Customer, having received Provider's notice of the new Subprocessor together with the "
        "information described in Section 5.2, does not approve the new Subprocessor, Customer may "
        "terminate the affected Services."
    )
    assert _reading(condition, "terminate") == ("customer", "permissive", "may")


def test_an_elided_subject_is_the_subject_of_the_limb_it_continues() -> None:
    processor = (
        "The Processor shall, taking into account the state of the art, the costs of implementation and "
        "the nature, scope, context and purposes of the processing as well as the risk of varying "
        "likelihood and severity for the rights and freedoms of natural persons: (a) encrypt Personal "
        "Data at rest; and (b) notify the Controller of any Personal Data Breach within 48 hours."
    )
    assert _reading(processor, "encrypt") == ("vendor", "binding", "shall")
    assert _reading(processor, "notify") == ("vendor", "binding", "shall")
    restore = (
        "Customer shall report suspected misuse of its accounts to Provider, and Provider will notify "
        "Customer without undue delay of any Security Incident and will restore the Service."
    )
    assert _reading(restore, "restore") == ("vendor", "binding", "will")


# -- step 4: a qualifier weakens only its own limb -----------------------------------------------------


def test_a_qualifier_in_a_coordinated_limb_does_not_weaken_the_duty_before_it() -> None:
    # The old reading set aside only limbs marked (i)/(ii): "reasonable efforts" to restore the Service
    # made the notification weak.
    text = (
        "Provider shall notify Customer of any Security Incident within 24 hours and will use commercially "
        "reasonable efforts to restore the affected Service."
    )
    assert _finding(text, "incident_notification") == ("met", {"notification_hours": 24})
    folded, structure = _structure(text)
    (limb,) = structure.scope(structure.index(folded.index("notify")))
    assert "reasonable efforts" not in folded[limb.start : limb.end]


def test_a_qualifier_in_the_stem_governs_every_item() -> None:
    text = (
        "Provider shall use commercially reasonable efforts to: (a) encrypt Customer Data at rest; and "
        "(b) notify Customer of any Security Incident within 24 hours."
    )
    notification = [m for m in ENGINE.match_text(text) if m.control == "incident_notification"]
    assert [(m.status.value, m.params, m.reason_codes) for m in notification] == [
        ("weak", {"notification_hours": 24}, ["effort_qualifier"])
    ]
    encryption = [m for m in ENGINE.match_text(text) if m.control == "encryption_at_rest"]
    assert [m.reason_codes for m in encryption] == [["effort_qualifier"]]


# -- step 5: a prohibition or permission is scoped by its own limb and provisos ----------------------


def test_a_restriction_far_after_the_action_in_its_limb_scopes_the_prohibition() -> None:
    # "unless" stands over 80 characters (the old restriction_reach) after "delete": the old reading
    # took the clause for a refusal to delete and reported a conflict.
    text = (
        "Provider will not delete any Customer Data stored in the Service or in any backup copy of the "
        "Service during the Subscription Term unless Customer instructs it to do so in writing."
    )
    folded = fold(text)
    assert folded.index("unless") - folded.index("delete") > 80
    assert _finding(text, "data_return_deletion") is None
    # A refusal with nothing to scope it stays a conflict.
    refusal = "Provider will not delete Customer Data at the end of the Term."
    assert _finding(refusal, "data_return_deletion") == ("conflict", {})


# -- step 6: a parameter's context word labels a number in its own limb, however far -----------------


def test_a_severity_word_labels_the_number_of_its_limb() -> None:
    # Open corpus (Dropbox vendor security model contract): "critical" stands about 150 characters
    # before "sixty days", beyond the old parameter_context_reach (90), which read no number at all.
    text = (
        "Supplier will fix all critical and high severity vulnerabilities that could affect the security of "
        "Dropbox Data, of which Supplier becomes aware, within sixty days of becoming aware of the "
        "vulnerability."
    )
    folded = fold(text)
    assert folded.index("sixty days") - folded.index("critical") > 90
    assert _finding(text, "vulnerability_management") == (
        "met",
        {"critical_vuln_days": 60, "high_vuln_days": 60},
    )


def test_a_context_word_inside_a_compound_labels_nothing() -> None:
    # "on" is an audit notice's context word ("on 30 days' notice"); "on-site" is not that word, and the
    # frequency "once in any twelve-month period" is no notice period.
    text = (
        "Vendor will submit to audits and on-site inspections by Client or an independent auditor "
        "appointed by Client at least once in any twelve-month period."
    )
    found = _finding(text, "audit_rights")
    assert found is not None and "audit_notice_days" not in found[1]
    notice = "Vendor will permit Client to audit its compliance on thirty (30) days' written notice."
    found = _finding(notice, "audit_rights")
    assert found is not None and found[1].get("audit_notice_days") == 30


def test_a_number_followed_by_for_and_a_severity_word_is_that_severity_s() -> None:
    # "within N days for <severity>": the number stands before its context word. Read after the word
    # only, "critical" took the 30 days of the high vulnerabilities that follow it.
    text = (
        "Supplier shall remediate vulnerabilities within 15 days for critical vulnerabilities and within "
        "30 days for high vulnerabilities."
    )
    assert _finding(text, "vulnerability_management") == (
        "met",
        {"critical_vuln_days": 15, "high_vuln_days": 30},
    )
    # The usual order, the word before its number, reads as before.
    listed = (
        "Supplier shall remediate critical vulnerabilities within 7 days, high vulnerabilities within "
        "30 days and medium vulnerabilities within 90 days."
    )
    assert _finding(listed, "vulnerability_management") == (
        "met",
        {"critical_vuln_days": 7, "high_vuln_days": 30},
    )


def test_a_notice_window_is_no_update_interval_or_report_deadline() -> None:
    # The update interval is read after an update word, the final report's deadline beside the report's
    # name: the notice window of a clause that also lists the notice's content is neither.
    hours = (
        "Supplier shall notify Customer of a Security Incident within 48 hours, describing the nature of "
        "the incident, the data affected and the measures taken."
    )
    assert _finding(hours, "incident_notification") == ("met", {"notification_hours": 48})
    assert _finding(hours, "notification_content") == ("met", {})
    days = (
        "Supplier shall notify Customer of any Security Incident within five (5) days, describing its "
        "nature and the data affected."
    )
    assert _finding(days, "notification_content") == ("met", {})
    updates = (
        "Provider will provide Customer with written status updates on the Security Incident at least "
        "every twenty-four (24) hours until it is contained."
    )
    assert _finding(updates, "notification_content") == ("met", {"update_interval_hours": 24})


def test_a_report_deadline_may_stand_before_the_report_s_name() -> None:
    # final_report's context may follow its number in the sentence (context_before), when none precedes.
    text = (
        "Within thirty (30) days after a Security Incident is resolved, Vendor shall deliver a written root "
        "cause analysis identifying the cause, the systems and data affected, and the corrective actions "
        "taken."
    )
    assert _finding(text, "notification_content") == ("met", {"final_report_days": 30})
    # A preservation period is no report deadline, though a report is named after it.
    preserve = (
        "When a Contractor discovers a cyber incident has occurred, the Contractor shall preserve and "
        "protect images of all known affected information systems for at least 90 days from the "
        "submission of the cyber incident report."
    )
    found = _finding(preserve, "notification_content")
    assert found is None or "final_report_days" not in found[1]


@pytest.mark.parametrize(
    "text",
    [
        # Open corpus (CISA VDP template): an acknowledgement to the reporter, no notice to the customer.
        "If you share contact information, we will acknowledge receipt of your vulnerability report within 3 "
        "business days.",
        # A remediation period and a scanning cadence (OpenSSF, FedRAMP 20x) are no notice windows.
        "The package repository should strive to remediate reported vulnerabilities within 90 days and "
        "publish an advisory.",
        "Providers SHOULD make all recent vulnerability detection and response activity available to all "
        "necessary parties and update this information at least once every 7 days.",
        # A number in a condition belongs to the condition, however close to the notice word.
        "If Supplier cannot fix the vulnerability within sixty days, Supplier will promptly inform Customer, "
        "including all details of the risk to Customer.",
    ],
)
def test_an_exploited_vulnerability_notice_window_needs_a_notice_word(text: str) -> None:
    found = _finding(text, "vulnerability_disclosure")
    assert found is not None
    assert not any(key.startswith("exploited_vuln_notice") for key in found[1])


def test_an_exploited_vulnerability_notice_window_may_precede_the_notice_word() -> None:
    text = (
        "Within 24 hours of becoming aware of an actively exploited vulnerability affecting the Services, "
        "Supplier shall notify Customer."
    )
    assert _finding(text, "vulnerability_disclosure") == ("met", {"exploited_vuln_notice_hours": 24})


def test_a_recovery_time_a_retention_and_a_notice_period_are_not_the_cadence_or_the_cure() -> None:
    # Before, business_continuity's backup frequency and termination's cure period took any number of
    # the clause: the recovery time objective (4 hours), a retention period (30 days), the notice of
    # termination (30 days).
    plan = (
        "Supplier shall maintain a business continuity and disaster recovery plan with a recovery time "
        "objective of 4 hours and a recovery point objective of 24 hours, and shall test it annually."
    )
    assert _finding(plan, "business_continuity") == (
        "met",
        {"backup_frequency_hours": 24, "continuity_test_frequency_months": 12, "recovery_time_hours": 4},
    )
    kept = "Supplier shall back up Customer Data every 24 hours and retain backups for 30 days."
    assert _finding(kept, "business_continuity") == ("met", {"backup_frequency_hours": 24})
    retained = "Backups shall be retained for a minimum of 90 days and tested for restoration every 6 months."
    assert _finding(retained, "business_continuity") == ("met", {"continuity_test_frequency_months": 6})
    cure = (
        "Customer may terminate this Agreement on 30 days' written notice if Supplier suffers a Security "
        "Incident and fails to cure it within 10 days."
    )
    assert _finding(cure, "termination_for_security_breach") == ("met", {"cure_days": 10})


@pytest.mark.parametrize(
    "text",
    [
        # Open corpus (CA/B Forum NCSSR): "... reviewed ... at least once every 31 days" was a 31-day
        # log retention, met.
        "Audit logs shall be retained and reviewed by personnel in Trusted Roles at least once every 31 days.",
        "Supplier shall retain security logs, which it reviews annually.",
    ],
)
def test_a_cadence_is_no_retention_period(text: str) -> None:
    # A minimum (a retention, a notice period) is a length: "every 31 days" and "annually" say how often.
    assert _finding(text, "log_retention") == ("weak", {})


def test_a_retention_period_beside_a_cadence_is_still_read() -> None:
    text = "Supplier shall retain audit logs for at least twelve (12) months and review them every 30 days."
    assert _finding(text, "log_retention") == ("met", {"log_retention_months": 12})


def test_a_request_that_brings_a_duty_forward_does_not_weaken_it() -> None:
    # The library's own strict data_return_deletion fallback read weak, "only on the customer's request".
    text = (
        "Within thirty (30) days after termination, or earlier on Customer's written request, Supplier "
        "shall return all Customer Data to Customer and shall then securely delete all Customer Data."
    )
    assert _finding(text, "data_return_deletion") == ("met", {"deletion_days": 30})
    only = "Upon Customer's written request, Supplier shall delete all Customer Data within thirty (30) days."
    found = _finding(only, "data_return_deletion")
    assert found is not None and found[0] == "weak"
