"""The decision stages (checker/match/judge.py): each question answered by one named stage, with reasons.

``Engine.explain`` shows every control whose rule a clause hits and the stage that decided, including
the hits that are not findings; it must agree with what the matcher reports.
"""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.judge import STAGES


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_library())


def _one(engine: Engine, text: str, control: str) -> tuple[str, str, list[str]]:
    found = [x for x in engine.explain(text) if x.control == control]
    assert len(found) == 1, engine.explain(text)
    return found[0].stage, found[0].status, found[0].reason_codes


def test_stage_names_are_unique_and_the_last_stage_always_decides() -> None:
    names = [name for name, _ in STAGES]
    assert len(names) == len(set(names))
    assert names[-1] == "scope"


@pytest.mark.parametrize(
    ("text", "control", "stage", "status", "codes"),
    [
        # A firm duty of the vendor with its number: every stage passes it, the last says met.
        (
            "Provider shall notify Customer of any Security Incident within 24 hours.",
            "incident_notification",
            "scope",
            "met",
            [],
        ),
        # The same words as the customer's duty are no finding, and the stage that said so is named.
        (
            "Customer shall notify Provider of any Security Incident within 24 hours.",
            "incident_notification",
            "party",
            "none",
            ["customer_duty"],
        ),
        # An express refusal is a conflict, decided before any verb is read.
        (
            "Provider will not encrypt Customer Data at rest.",
            "encryption_at_rest",
            "exclusion",
            "conflict",
            ["express_exclusion"],
        ),
        # An instruction to the reader ("Ensure ...", list items of a requirements catalogue) binds, even
        # when a description follows it ("are maintained"); the same description alone binds nobody.
        (
            "Ensure customer data is encrypted at rest using AES-256.",
            "encryption_at_rest",
            "scope",
            "met",
            [],
        ),
        (
            "Statement: Revoke access when it is no longer needed.",
            "access_control",
            "scope",
            "met",
            [],
        ),
        (
            "Customer data is encrypted at rest using AES-256.",
            "encryption_at_rest",
            "commitment",
            "none",
            ["no_party"],
        ),
        # Weak language and a missing number both count, in order.
        (
            "Provider will use commercially reasonable efforts to notify Customer of Security Incidents.",
            "incident_notification",
            "scope",
            "weak",
            ["no_parameter", "effort_qualifier"],
        ),
    ],
)
def test_each_outcome_names_its_stage_and_reasons(
    engine: Engine, text: str, control: str, stage: str, status: str, codes: list[str]
) -> None:
    assert _one(engine, text, control) == (stage, status, codes)


# One row per way a stage ends or marks a reading (presidio's table per recognizer): the sentence, the
# control, and the stage, status and reason codes that explain() must show. The heading, if any, is
# before " || ".
STAGE_TABLE = [
    ("Definitions || Provider shall notify Customer of any Security Incident within 24 hours.",
     "incident_notification", "evidence", "none", ["heading"]),
    # A title names a subject and binds no one, even with the control's words in it.
    ("Remarks: Data Encryption at Rest (Encrypt Stored Customer Data)", "encryption_at_rest", "evidence", "none",
     ["title"]),
    # A noun that opens the clause is no imperative: "Encryption protects ..." is not "Encrypt ...".
    ("DISCUSSION || Encryption protects CUI from unauthorized disclosure during transmission and while in "
     "storage.", "encryption_in_transit", "commitment", "none", ["no_commitment"]),
    # Guidance under a schedule of measures explains a measure; it needs a verb that binds.
    ("Technical and Organisational Measures > Discussion || Data in transit is protected with TLS 1.2 or higher.",
     "encryption_in_transit", "commitment", "none", ["no_party"]),
    # A question asks and binds no one.
    ("Does Provider encrypt Customer Data at rest with AES-256?", "encryption_at_rest", "evidence", "none",
     ["question"]),
    ('"Security Incident Notice" means notice by Provider to Customer of a Security Incident within 24 hours.',
     "incident_notification", "evidence", "none", ["definition"]),
    ("In no event shall Provider be liable for any failure to notify Customer of a Security Incident.",
     "incident_notification", "exclusion", "none", ["liability"]),
    ("Provider will assist Customer in meeting Customer's obligations to notify supervisory authorities of a "
     "Personal Data Breach.", "incident_notification", "customer_duty", "none", ["customer_duty"]),
    ("Customer may not audit Provider's facilities or records.", "audit_rights", "party", "conflict",
     ["excluded_right"]),
    ("Customer may audit Provider's compliance with this DPA once per year.", "audit_rights", "scope", "met", []),
    ("Provider will not be required to encrypt backups of Customer Data at rest.", "encryption_at_rest",
     "modality", "conflict", ["negated"]),
    ("Provider will not delete Customer Data that Customer has asked it to retain.", "data_return_deletion",
     "modality", "none", ["limits_other"]),
    ("This information cannot be encrypted at rest.", "encryption_at_rest", "modality", "none", ["no_party"]),
    ("Provider may notify Customer of any Security Incident within 24 hours.", "incident_notification",
     "scope", "weak", ["permissive"]),
    ("Provider may store Customer Data only in the European Union.", "data_location", "scope", "met", []),
    ("Provider disclaims all warranties and makes no representation that it will notify Customer of Security "
     "Incidents within 24 hours.", "incident_notification", "modality", "none", ["disclaimer"]),
    ("Security Incident notification procedures.", "incident_notification", "commitment", "none",
     ["no_commitment"]),
    ("(a) Encrypt all Customer Data at rest using AES-256.", "encryption_at_rest", "scope", "met", []),
    # A numbered requirement of a catalogue binds the party that implements it (LABELLING.md rule 9), though
    # it names none; the same description without its identifier binds no one (the no_party row above), and
    # a cipher's name is no identifier.
    ("4.13 | Package manager verifies the integrity of packages when they are retrieved from a remote "
     "repository | ✓ | ✓", "package_integrity", "scope", "met", []),
    ("Control: ISM-1797; Revision: 1; Updated: Mar-25; Applicability: NC, OS, P, S, TS Installers, patches and "
     "updates are digitally signed or provided with cryptographic checksums.", "package_integrity", "scope",
     "met", []),
    ("AES-256 encryption is applied to Customer Data at rest.", "encryption_at_rest", "commitment", "none",
     ["no_party"]),
    # The named vendor in the present tense binds like "will" (LABELLING.md rule 35); the first person
    # of online terms stays a description outside a schedule of measures.
    ("Provider encrypts Customer Data at rest using AES-256.", "encryption_at_rest", "scope", "met", []),
    ("We use encryption to protect your data at rest.", "encryption_at_rest", "scope", "weak", ["no_commitment"]),
    ("Provider shall notify Customer of any Security Incident within 3 days.", "incident_notification",
     "scope", "weak", ["days_not_hours"]),
    ("Provider will notify Customer of Security Incidents within 24 hours, as Provider deems appropriate.",
     "incident_notification", "scope", "weak", ["discretion"]),
    ("Provider shall enable Customer to encrypt Customer Data at rest.", "encryption_at_rest", "scope", "weak",
     ["partial"]),
    ("Provider shall notify Customer of a Security Incident at no additional cost within 24 hours.",
     "incident_notification", "scope", "met", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "control", "stage", "status", "codes"), STAGE_TABLE)
def test_every_stage_outcome_has_its_row(
    engine: Engine, text: str, control: str, stage: str, status: str, codes: list[str]
) -> None:
    heading, _, sentence = text.rpartition(" || ")
    found = [x for x in engine.explain(sentence, heading) if x.control == control]
    assert [(x.stage, x.status, x.reason_codes) for x in found] == [(stage, status, codes)]


def test_the_stage_table_reaches_every_stage() -> None:
    assert {row[2] for row in STAGE_TABLE} | {"governing_verb", "parameters", "weak_language"} == {
        name for name, _ in STAGES
    }


def test_a_qualifier_inside_parentheses_does_not_weaken_the_duty(engine: Engine) -> None:
    plain = "Provider shall notify Customer of any Security Incident within 24 hours."
    aside = (
        "Provider shall notify Customer of any Security Incident (using commercially reasonable efforts to "
        "identify the affected records) within 24 hours."
    )
    assert _one(engine, plain, "incident_notification")[1] == "met"
    assert _one(engine, aside, "incident_notification")[1] == "met"


def test_explain_agrees_with_the_matcher_on_every_library_example(engine: Engine) -> None:
    library = load_library()
    checked = 0
    for control in library.controls.values():
        ex = control.examples
        for example in [*ex.met, *ex.weak, *ex.conflict, *ex.negative]:
            heading = example.heading or ""
            found = {
                m.control: (m.status.value, m.reason_codes) for m in engine.match_text(example.text, heading)
            }
            explained = {
                x.control: (x.status, x.reason_codes)
                for x in engine.explain(example.text, heading)
                if x.status != "none"
            }
            assert explained == found, example.text
            checked += 1
    assert checked > 100


def test_a_qualifier_weakens_only_its_own_limb(engine: Engine) -> None:
    limbs = (
        "Provider shall (i) encrypt Customer Data at rest using AES-256 and (ii) use commercially reasonable "
        "efforts to encrypt Customer Data in transit."
    )
    assert _one(engine, limbs, "encryption_at_rest")[1:] == ("met", [])
    assert _one(engine, limbs, "encryption_in_transit")[1:] == ("weak", ["effort_qualifier"])
    # In the stem, before the first limb, the qualifier governs every limb.
    stem = (
        "Provider shall use commercially reasonable efforts to (i) encrypt Customer Data at rest and (ii) "
        "encrypt Customer Data in transit."
    )
    assert _one(engine, stem, "encryption_at_rest")[1:] == ("weak", ["effort_qualifier"])
    assert _one(engine, stem, "encryption_in_transit")[1:] == ("weak", ["effort_qualifier"])


def test_the_stage_words_and_windows_come_from_the_schema_checked_language_file() -> None:
    import copy

    from pydantic import ValidationError

    from checker.library.schema import LanguageFile
    from checker.match.judge import Vocabulary

    language = load_library().language
    LanguageFile.model_validate(language)
    words = Vocabulary.from_language(language)
    assert words.exclusive.search("for that purpose only") and words.refusal_distance == 25
    for section, key in (("reading", "restrictve"), ("weak", None), ("non_evidence_patterns", "liabilty")):
        broken = copy.deepcopy(language)
        if key is None:  # a weak reason without its message
            broken["weak"]["vague_timing"].pop("message")
        elif section == "reading":
            broken["reading"][key] = broken["reading"].pop("restrictive")
        else:
            broken[section][key] = broken[section].pop("liability")
        with pytest.raises(ValidationError):
            LanguageFile.model_validate(broken)
    # A window moves the reading: a refusal further from its action than the window scopes nothing.
    narrow = copy.deepcopy(language)
    narrow["reading"]["windows"]["refusal_distance"] = 1
    assert Vocabulary.from_language(narrow).refusal_distance == 1
