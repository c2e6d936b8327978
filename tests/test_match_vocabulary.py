"""The matcher's words and windows come from the schema-checked language file (checker.match.vocabulary)."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_library_lint import base_control, write_library

from checker.errors import LibraryError
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.library.schema import ReadingWindows
from checker.match.engine import Engine
from checker.match.obligation import ObligationReader
from checker.match.parameters import pick_quantity
from checker.match.party_definitions import PartyWords
from checker.match.phrases import fold
from checker.match.quantities import QuantityReader
from checker.match.roles import contract_parties, read_roles
from checker.match.rules import negated_at
from checker.match.vocabulary import Vocabulary, with_party_words
from checker.models import LIBRARY_CUSTOMER

LIBRARY = load_library()
find_quantities = QuantityReader(LIBRARY.language).find
SHIPPED: dict[str, Any] = yaml.safe_load((DEFAULT_LIBRARY / "language.yaml").read_text(encoding="utf-8"))
MATCH = Path(__file__).resolve().parent.parent / "checker" / "match"


def _with(section: str, key: str, value: object) -> dict[str, Any]:
    """The shipped language with ``language[section][key]`` (``reading.windows`` as "windows") replaced."""
    language = copy.deepcopy(LIBRARY.language)
    target = language["reading"]["windows"] if section == "windows" else language[section]
    target[key] = value
    return language


def test_every_word_list_and_window_of_the_language_file_is_read_by_the_matcher() -> None:
    # A key the code never reads would be a setting that changes nothing: each field is used somewhere.
    source = "\n".join(p.read_text(encoding="utf-8") for p in MATCH.glob("*.py") if p.name != "vocabulary.py")
    unused = [f.name for f in dataclasses.fields(Vocabulary) if not re.search(rf"\.{f.name}\b", source)]
    assert unused == []
    assert set(ReadingWindows.model_fields) <= {f.name for f in dataclasses.fields(Vocabulary)}
    assert set(ReadingWindows.model_fields) == set(SHIPPED["reading"]["windows"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda lang: lang["reading"]["windows"].update(negation_raech=lang["reading"]["windows"].pop("negation_reach")),
            r"reading\.windows\.negation_raech: unknown key",
        ),
        (
            lambda lang: lang["weak"].update(vague_timng=lang["weak"].pop("vague_timing")),
            r"weak\.vague_timng",
        ),
        (lambda lang: lang.pop("parties"), r"parties: Field required"),
        (
            lambda lang: lang["parties"].update(not_names=["user", "agnecy"]),
            r"not_names \['agnecy'\] are in no party list",
        ),
        # YAML reads an unquoted `on` or `no` as a boolean: the schema refuses it rather than match "True".
        (lambda lang: lang["reading"]["negations"].append(False), r"reading\.negations\.\d+: Input should be"),
        (lambda lang: lang["reading"]["windows"].update(negation_reach=0), r"negation_reach: Input should be greater"),
        # A regular expression that does not compile is named with its key, not a traceback at start-up.
        (
            lambda lang: lang["weak"]["vague_timing"]["phrases"].__setitem__(0, "without (undue delay"),
            r"weak\.vague_timing\.phrases\.0: .*not a valid regular expression",
        ),
        (
            lambda lang: lang["reading"]["conditions"].append("in case ("),
            r"reading\.conditions\.\d+: .*not a valid regular expression",
        ),
        (
            lambda lang: lang["non_evidence_patterns"]["liability"].append("[liable"),
            r"non_evidence_patterns\.liability\.\d+: .*not a valid regular expression",
        ),
        (
            lambda lang: lang["quantities"]["units"].append(["fortnights?", "fortnights"]),
            r"quantities\.units\.\d+\.1: Input should be",
        ),
        (lambda lang: lang["quantities"].update(unit=lang["quantities"].pop("units")), r"quantities\.unit: unknown key"),
    ],
    ids=[
        "window-typo",
        "weak-reason-typo",
        "no-parties",
        "not-name-typo",
        "yaml-boolean",
        "zero-window",
        "weak-phrase-regex",
        "reading-regex",
        "non-evidence-regex",
        "quantity-unit-name",
        "quantities-typo",
    ],
)  # fmt: skip
def test_a_misspelt_missing_or_wrong_language_key_is_a_load_error(
    tmp_path: Path, change: Any, message: str
) -> None:
    root = write_library(tmp_path / "lib", [base_control()])
    language = copy.deepcopy(SHIPPED)
    change(language)
    (root / "language.yaml").write_text(yaml.safe_dump(language), encoding="utf-8")
    with pytest.raises(LibraryError, match=message):
        load_library(root, cache=False)


def _party(language: dict[str, Any], text: str, action: str) -> str:
    reader = ObligationReader(language)
    folded = fold(text)
    return reader.read(folded, folded.index(action), reader.modals(folded), text).party


def test_the_agent_of_a_passive_duty_is_looked_for_in_its_limb() -> None:
    text = "The Customer shall be notified by the Customer's administrator of any change to its account."
    # "by the Customer's administrator": the customer acts, so the duty stays the customer's.
    assert _party(LIBRARY.language, text, "notified") == "customer"
    # In another limb, no agent is seen: the customer only receives the notice, from an assumed vendor.
    other = "The Customer shall be notified of any change to its account; records are kept by the Customer."
    assert _party(LIBRARY.language, other, "notified") == "assumed_vendor"
    assert "agent_reach" not in SHIPPED["reading"]["windows"]


def test_a_condition_is_read_in_its_limb_with_the_language_files_words() -> None:
    text = "If Customer does not approve a new Subprocessor, Customer may terminate."
    folded = fold(text)
    modal = folded.index("does not")

    def in_condition(reader: ObligationReader) -> bool:
        structure = reader.structure(folded, reader.modals(folded))
        return reader.structures.in_condition(folded, structure, modal)

    assert in_condition(ObligationReader(LIBRARY.language))
    assert not in_condition(ObligationReader(_with("reading", "conditions", ["provided that"])))
    # No reach: the condition_reach window (80 characters) is gone, the limb decides.
    assert "condition_reach" not in SHIPPED["reading"]["windows"]


def test_a_number_belongs_to_the_duty_whose_limb_holds_it_not_to_one_within_a_reach() -> None:
    # The reach windows (parameter_after_reach 260, parameter_before_reach 160) are gone: the limb decides.
    assert not {"parameter_after_reach", "parameter_before_reach"} & set(SHIPPED["reading"]["windows"])
    param = next(p for p in LIBRARY.controls["incident_notification"].parameters if p.key == "notification")
    reader = ObligationReader(LIBRARY.language)
    text = fold(
        "Provider shall notify Customer of any Security Incident affecting Customer Data within 24 hours."
    )
    structure = reader.structure(text, reader.modals(text))
    found = pick_quantity(
        param, find_quantities(text), text.index("notify"), None, structure, set(), reader.words.number_link
    )
    assert found is not None and found.value == 24
    # More than 260 characters later, but in the same limb: still the duty's number.
    far = fold(
        "Provider shall notify Customer of any Security Incident affecting Customer Data, Customer "
        "Personal Data or any system that stores, processes or transmits Customer Data, including the "
        "systems of its Subprocessors, its Affiliates and any other third party acting on its behalf, in "
        "each case wherever located and however caused, within 24 hours."
    )
    structure = reader.structure(far, reader.modals(far))
    found = pick_quantity(
        param, find_quantities(far), far.index("notify"), None, structure, set(), reader.words.number_link
    )
    assert far.index("24 hours") - far.index("notify") > 260
    assert found is not None and found.value == 24


def test_a_negation_before_a_weak_phrase_is_read_with_the_language_files_words_and_reach() -> None:
    text = "provided at no additional cost"
    at = text.index("additional")
    assert negated_at(text, at, Vocabulary.from_language(LIBRARY.language))
    assert not negated_at(text, at, Vocabulary.from_language(_with("windows", "negation_reach", 2)))
    assert not negated_at(text, at, Vocabulary.from_language(_with("reading", "negations", ["never"])))


def test_role_words_too_generic_to_name_a_party_come_from_the_language_file() -> None:
    text = (
        "The Contractor shall notify the Agency of any incident. The Agency may audit the Contractor. "
        "The Agency shall pay the Contractor."
    )
    assert contract_parties([text], LIBRARY.language).customer == LIBRARY_CUSTOMER
    language = copy.deepcopy(LIBRARY.language)
    language["parties"]["not_names"] = ["user", "users"]
    assert contract_parties([text], language).customer == "Agency"


def test_weak_phrases_name_parties_only_through_the_one_party_vocabulary() -> None:
    from checker.match.engine import Engine

    # No weak phrase keeps a party list of its own: the sides come from `parties:` ({customer}, {vendor}).
    own_lists = re.compile(r"\((?:\?:)?(?:customer|client|vendor|supplier|provider)\|", re.IGNORECASE)
    for reason, spec in SHIPPED["weak"].items():
        assert not [p for p in spec["phrases"] if own_lists.search(p)], reason
    engine = Engine(LIBRARY)
    text = "Licensee may audit Licensor's compliance with this Agreement once per year at Licensee's expense."
    (audit,) = [x for x in engine.explain(text) if x.control == "audit_rights"]
    assert (audit.status, audit.reason_codes) == ("weak", ["cost_shift"])  # "licensee": a customer word
    # A word a reviewer adds to the customer side reaches the weak language with no other change.
    language = copy.deepcopy(LIBRARY.language)
    phrases = language["weak"]["on_request"]["phrases"]
    assert not re.search(
        "|".join(f"(?:{p})" for p in with_party_words(phrases, language)), "if the bank so requests"
    )
    language["parties"]["customer"].append("the bank")
    language["parties"]["undecided"].remove("the bank")
    assert re.search(
        "|".join(f"(?:{p})" for p in with_party_words(phrases, language)), "if the bank so requests"
    )


def _reading(**replaced: list[str]) -> dict[str, Any]:
    language = copy.deepcopy(LIBRARY.language)
    language["reading"].update(replaced)
    return language


def test_who_is_bound_is_read_with_the_language_files_subject_words() -> None:
    shipped = ObligationReader(LIBRARY.language)
    # Joined subjects: both sides bound, through the file's joint_subjects.
    joint = fold("Provider as well as Customer shall notify the regulator of any Security Incident.")
    at = joint.index("shall")
    assert shipped.subject(joint, at)[0] == "mutual"
    assert (
        ObligationReader(_reading(joint_subjects=["and", "together with"])).subject(joint, at)[0]
        == "customer"
    )
    # An adverb between a subject and its present-tense verb, through verb_adverbs.
    text = fold("Vendor regularly reviews access rights to Customer Data.")
    assert shipped.present_tense_verb(text, text.index("access")) == (text.index("reviews"), "reviews")
    assert (
        ObligationReader(_reading(verb_adverbs=["also"])).present_tense_verb(text, text.index("access"))
        is None
    )
    # A capitalised word after a party name: its verb (name_verbs) or an attribute ("Customer Data").
    words = shipped.words
    assert words.capitalised_noun.match(" Data shall") and not words.capitalised_noun.match(" Shall notify")
    assert _vocabulary(name_verbs=["will"]).capitalised_noun.match(" Shall notify")
    # Words before an unknown capitalised name that make it part of a phrase (name_openers).
    assert words.name_opener.search("subject to the ") and not words.name_opener.search("Acme ")
    assert not _vocabulary(name_openers=["any"]).name_opener.search("subject to the ")


def _vocabulary(**replaced: list[str]) -> Vocabulary:
    return Vocabulary.from_language(_reading(**replaced))


def test_a_number_is_linked_to_the_phrase_that_names_its_purpose_with_the_language_files_words() -> None:
    param = next(
        p for p in LIBRARY.controls["vulnerability_management"].parameters if p.key == "critical_vuln"
    )
    context = re.compile(r"critical")
    text = fold(
        "Vendor shall remediate within 15 days in respect of critical vulnerabilities and 30 days otherwise."
    )
    for language, want in ((LIBRARY.language, 15), (_reading(number_links=["for", "of"]), 30)):
        reader = ObligationReader(language)
        structure = reader.structure(text, reader.modals(text))
        found = pick_quantity(
            param,
            find_quantities(text),
            text.index("remediate"),
            context,
            structure,
            set(),
            reader.words.number_link,
        )
        assert (found.value if found else None) == want


def test_party_definitions_are_read_with_the_language_files_definition_words() -> None:
    text = 'Acme Cloud Ltd (hereinafter "Acme") and Globex plc (the "Customer").\n\n"Acme" denotes the provider.\n'
    assert "Acme" in read_roles(text, LIBRARY.language).vendor
    # Without "hereinafter" the parenthesis is no definition, and "denotes" defines nothing until the
    # file says it does.
    assert "Acme" not in read_roles(text, _reading(definition_fillers=["the"])).vendor
    means = PartyWords.of(_reading(defines=["denotes"])).means
    assert (
        means.search(fold(text)) is not None
        and PartyWords.of(LIBRARY.language).means.search(fold(text)) is None
    )
    assert PartyWords.of(LIBRARY.language).reading.introduces.search("Acme, as ")
    assert not PartyWords.of(_reading(name_introducers=["acting as"])).reading.introduces.search("Acme as ")
    assert PartyWords.of(LIBRARY.language).reading.named_body.match("Acme Cloud Ltd, a company")
    assert not PartyWords.of(LIBRARY.language).reading.named_body.match("The entity that signs")
    assert PartyWords.of(_reading(generic_openers=["any"])).reading.named_body.match("The entity that signs")


def test_numbers_are_read_with_the_language_files_number_words_units_frequencies_and_currencies() -> None:
    def read(text: str, **replaced: Any) -> list[tuple[float, str]]:
        language = copy.deepcopy(LIBRARY.language)
        language["quantities"].update(replaced)
        return [(q.value, q.unit) for q in QuantityReader(language).find(text)]

    shipped = LIBRARY.language["quantities"]
    assert read("within fourteen days") == [(14, "days")]
    words = {k: v for k, v in shipped["number_words"].items() if k != "fourteen"}
    assert read("within fourteen days", number_words=words) == []
    assert read("within 3 wks") == []
    assert read("within 3 wks", units=[["wks?", "weeks"], *shipped["units"]]) == [(21, "days")]
    assert read("reviewed every season") == []
    assert read("reviewed every season", frequencies=[["every season", 3], *shipped["frequencies"]]) == [
        (3, "months")
    ]
    assert read("cover of CHF 1,000,000") == []
    swiss = {
        "currencies": [*shipped["currencies"], "CHF"],
        "currency_marks": [*shipped["currency_marks"], "chf"],
    }
    assert read("cover of CHF 1,000,000", **swiss) == [(1_000_000, "amount")]


def test_a_period_in_years_is_known_by_the_language_files_unit_even_through_a_defined_term() -> None:
    """A period in years is reported in a parameter's own unit (days), not as months the parameter also reads:
    the reader knows it was years from the unit the language file names, not from the word "year"."""

    def retention(text: str, units: list[list[str]] | None = None) -> dict[str, float]:
        library = LIBRARY
        if units is not None:
            language = copy.deepcopy(LIBRARY.language)
            language["quantities"]["units"] = units
            library = dataclasses.replace(LIBRARY, language=language)
        found = [m for m in Engine(library).match_text(text) if m.control == "log_retention"]
        return found[0].params if found else {}

    shipped = LIBRARY.language["quantities"]["units"]
    text = "Provider shall retain audit logs for at least 2 yrs."
    assert retention(text) == {}  # "yrs" is no unit the shipped file names: no period is read
    assert retention(text, [["yrs?", "years"], *shipped]) == {"log_retention_days": 730}
    # Through a defined term the period keeps its unit as stated: two years, so 730 days, not 24 months.
    defined = (
        'Provider shall retain audit logs for the Retention Period. "Retention Period" means two (2) years.'
    )
    assert retention(defined) == {"log_retention_days": 730}


def test_a_defined_name_is_a_party_by_the_language_files_verbs_and_a_right_by_its_possession_words() -> None:
    text = (
        'This Agreement is between Acme Cloud Ltd ("Acme") and Globex plc ("Customer").\n\n'
        "Acme undertakes to notify Customer of any Security Incident. Acme undertakes to encrypt data.\n"
    )
    assert contract_parties([text], LIBRARY.language).vendor != "Acme"
    verbs = [*LIBRARY.language["reading"]["party_verbs"], "undertakes"]
    assert contract_parties([text], _reading(party_verbs=verbs)).vendor == "Acme"
    # "Customer has 30 days to object": a right of the customer (which subprocessor_approval counts), through
    # the file's possession words; without "has" among them, a duty of the customer.
    sentence = "Customer has 30 days to object to the engagement of a new Subprocessor."
    held = dataclasses.replace(LIBRARY, language=_reading(possession=["holds"]))
    assert [(e.control, e.status) for e in Engine(LIBRARY).explain(sentence)] == [
        ("subprocessor_approval", "met")
    ]
    assert [(e.control, e.reason_codes) for e in Engine(held).explain(sentence)] == [
        ("subprocessor_approval", ["customer_duty"])
    ]


def test_a_coordinated_verb_opens_its_own_limb_through_the_language_files_adverbs_and_noun_followers() -> (
    None
):
    def limbs(text: str, **replaced: list[str]) -> int:
        reader = ObligationReader(_reading(**replaced))
        folded = fold(text)
        return len(reader.structure(folded, reader.modals(folded)).predicates)

    then = "Provider shall restore the service and then notify Customer within 24 hours."
    assert limbs(then) == 2 and limbs(then, coordinated_adverbs=["also"]) == 1
    noun = "Provider shall restore the service and log of the incident within 24 hours."
    assert limbs(noun) == 1 and limbs(noun, noun_followers=["and"]) == 2


def test_sentence_ends_and_list_marks_are_cut_with_the_language_files_abbreviations_and_number_followers() -> (
    None
):
    def cuts(text: str, **replaced: list[str]) -> list[str]:
        reader = ObligationReader(_reading(**replaced))
        folded = fold(text)
        return [p.opener for p in reader.structure(folded, reader.modals(folded)).predicates]

    acme = "Acme Inc. shall notify Customer. Customer may object."
    assert cuts(acme).count("sentence") == 1
    assert cuts(acme, abbreviations=["ltd"]).count("sentence") == 2
    thirty = "Provider shall notify Customer within thirty (30) days of the change."
    assert "list" not in cuts(thirty) and "list" in cuts(thirty, number_followers=["percent"])


@pytest.mark.parametrize("abbreviation", ["inc\\.?", "No"])
def test_an_abbreviation_must_be_a_plain_lower_case_word(tmp_path: Path, abbreviation: str) -> None:
    root = write_library(tmp_path / "lib", [base_control()])
    language = copy.deepcopy(SHIPPED)
    language["reading"]["abbreviations"].append(abbreviation)
    (root / "language.yaml").write_text(yaml.safe_dump(language), encoding="utf-8")
    with pytest.raises(LibraryError, match=r"reading\.abbreviations\.\d+: String should match pattern"):
        load_library(root, cache=False)
