"""The words and windows the matcher reads a clause with, compiled from the language file's ``reading``.

Every word list a reviewer might extend ("Customer Data" is an attribute, not the Customer; "notice
shall be *given*" is passive) and every reach in characters (how far a modal governs its action, how
far back a clause's subject is looked for) lives in ``clause_library/language.yaml``, checked by
:class:`checker.library.schema.ReadingWords`: a misspelt key is an error, never a silent default. This
module only compiles them, once per engine, into :class:`Vocabulary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checker.match.phrases import phrase_pattern
from checker.match.quantities import QuantityReader

__all__ = ["Vocabulary", "with_party_words"]

#: Placeholders a weak phrase may use for a side of the party vocabulary: "if {customer} requests".
PARTY_PLACEHOLDERS = {"{customer}": "customer", "{vendor}": "vendor"}


def with_party_words(phrases: list[str], language: dict[str, Any]) -> list[str]:
    """``phrases`` with ``{customer}`` / ``{vendor}`` replaced by a group of that side's words (pronouns too).

    The one party vocabulary (``parties:``) thus serves the weak language as well: "at {customer}'s
    cost" follows the customer words a reviewer adds, instead of a list of its own.
    """
    parties = language.get("parties", {})
    groups = {}
    for placeholder, side in PARTY_PLACEHOLDERS.items():
        words = sorted({*parties.get(side, []), *parties.get(f"{side}_pronouns", [])}, key=len, reverse=True)
        groups[placeholder] = "(?:" + "|".join(phrase_pattern(w, bounded=False) for w in words) + ")"
    out = []
    for phrase in phrases:
        for placeholder, group in groups.items():
            phrase = phrase.replace(placeholder, group)
        out.append(phrase)
    return out


def _alternation(words: list[str]) -> str:
    return "|".join(words)


def _capitalised(words: list[str]) -> str:
    """The alternation of ``words`` as they open a sentence or a name: "shall" -> "Shall"."""
    return _alternation([w[:1].upper() + w[1:] for w in words])


@dataclass(frozen=True)
class Vocabulary:
    """The words and windows of the stages and readers, from the language file's ``reading`` section."""

    feasibility: re.Pattern[str]
    exclusive: re.Pattern[str]
    restrictive: re.Pattern[str]
    grants_right: re.Pattern[str]
    attributive: re.Pattern[str]  # after a party name: "Customer Data", "Provider's"
    object_marker: re.Pattern[str]  # before a party name: "notify Customer", "on behalf of Provider"
    # Before a party name, a clause the name is the subject of inside the sentence, not the sentence's own
    # subject: a relative clause ("the OSS that you consume"), a noun it qualifies ("the tools you use").
    embedded: re.Pattern[str]
    condition_opening: re.Pattern[str]  # a clause that opens with a condition: "When a user attempts ..."
    passive: re.Pattern[str]  # "be given", "have been notified" right after a modal
    agent: re.Pattern[str]  # "by Customer": who acts in a passive clause
    negation: re.Pattern[str]  # "at no additional cost": a negation just before a weak phrase
    non_base_form: re.Pattern[str]  # "encryption", "encrypts": no imperative (fullmatch on one word)
    # A requirement's identifier opening a clause ("Control: ISM-1755;", "[AUD-1]", "4.14 |"): match at
    # the clause's start on folded text.
    requirement_id: re.Pattern[str]
    not_verbs: frozenset[str]
    # Who is bound (checker/match/obligation.py): "it" before a modal, "Provider and Customer shall",
    # "<Name> <verb>s" ("Vendor also encrypts"), a capitalised word after a party name that makes it an
    # attribute ("Customer Data", not "Provider Shall"), words before an unknown name that make it part of
    # a phrase ("the Data Center shall").
    subject_pronoun: re.Pattern[str]
    joint: re.Pattern[str]
    present_verb: re.Pattern[str]
    capitalised_noun: re.Pattern[str]
    name_opener: re.Pattern[str]
    # After a number, what links it to the phrase that names what it is for: "15 days for critical ...".
    number_link: re.Pattern[str]
    # Party definitions (checker/match/party_definitions.py): what else a defining parenthesis may hold,
    # the words that open a definition (alternation), what may stand before a role word that introduces a
    # name, and a definition's opening that names a party rather than describes one.
    definition_filler: re.Pattern[str]
    defines: str
    introduces: re.Pattern[str]
    named_body: re.Pattern[str]
    own_duty_qualifiers: str  # alternation: "own|legal|regulatory"
    possession: re.Pattern[str]  # "Customer has 30 days to object": a right (fullmatch on the modal's words)
    own_duty_nouns: str  # alternation: "obligations?|duty|..."
    assist_verbs: str
    enable_verbs: str
    refusal_distance: int
    negation_reach: int
    period_definition_reach: int
    period_definition_start: int
    role_word_reach: int
    party_segment_reach: int
    legal_form_reach: int
    definition_side_reach: int
    # A clause or list item opening with one of the language file's imperative verbs ("Encrypt ...",
    # "Statement: Ensure ..."): a duty of the reader it addresses.
    imperative: re.Pattern[str]
    # Durations, frequencies and amounts, read with the language file's ``quantities`` words.
    quantities: QuantityReader

    @classmethod
    def from_language(cls, language: dict[str, Any]) -> Vocabulary:
        """Compile ``language["reading"]`` (schema-checked by :class:`checker.library.schema.ReadingWords`)."""
        reading = language["reading"]

        def words(key: str, tail: str = "") -> re.Pattern[str]:
            return re.compile(r"\b(?:" + _alternation(reading[key]) + r")\b" + tail)

        return cls(
            feasibility=re.compile("|".join(f"(?:{p})" for p in reading["feasibility"])),
            exclusive=words("exclusive"),
            restrictive=words("restrictive"),
            grants_right=words("grants_right"),
            attributive=re.compile(
                r"^(?:'s|’s|s'|\s+(?:" + _alternation(reading["attributive"]) + r")\b)", re.IGNORECASE
            ),
            object_marker=re.compile(
                r"(?:\b(?:"
                + _alternation(reading["object_markers"])
                + r")\s+(?:the\s+|any\s+|its\s+|each\s+)?)$",
                re.IGNORECASE,
            ),
            embedded=re.compile(
                r"(?:\b(?:"
                + (
                    _alternation([w for w in reading["subordinate"] if w not in reading["conditions"]])
                    or "(?!x)x"
                )
                + r")\s+(?:[\w'\-]+\s+){0,2}|\b(?:"
                + (_alternation(reading.get("determiners", [])) or "(?!x)x")
                + r")\s+(?:[\w'\-]+\s+){1,3})$",
                re.IGNORECASE,
            ),
            condition_opening=re.compile(
                r"^\W*(?:" + _alternation(reading["conditions"]) + r")\b", re.IGNORECASE
            ),
            passive=re.compile(
                r"^\s*(?:be|have been|been)\s+(\w+ed|" + _alternation(reading["participles"]) + r")\b", re.I
            ),
            agent=re.compile(r"\bby\s+(?:the\s+)?(\w+)", re.IGNORECASE),
            negation=words("negations", r"\s+(?:\w+\s+)?$"),
            non_base_form=re.compile(
                r"\w*(?:" + (_alternation(reading.get("non_base_forms", [])) or "(?!x)x") + r")",
                re.IGNORECASE,
            ),
            requirement_id=re.compile(
                r"\W{0,3}(?:[a-z]+:\s*)?(?:"
                + (_alternation(reading.get("requirement_ids", [])) or "(?!x)x")
                + r")"
            ),
            not_verbs=frozenset(reading["not_verbs"]),
            subject_pronoun=words("subject_pronouns", r"\s+(?:\w+ly\s+)?$"),
            joint=words("joint_subjects"),
            present_verb=re.compile(
                r"(?:^|[.;:]\s+|,\s+|\b(?:and|also)\s+)(?:the\s+)?[a-z0-9][\w&\-]*\s+(?:(?:"
                + _alternation(reading["verb_adverbs"])
                + r")\s+)?(?P<verb>[a-z]{3,}(?:es|s))\b"
            ),
            capitalised_noun=re.compile(
                r"^\s+(?!(?:" + _capitalised(reading["name_verbs"]) + r")\b)[A-Z][a-z]"
            ),
            name_opener=re.compile(
                r"\b(?:" + _alternation(reading["name_openers"]) + r")\s*$", re.IGNORECASE
            ),
            number_link=re.compile(
                r"\s*(?:"
                + _alternation(reading["number_links"])
                + r")\s+(?:(?:"
                + _alternation(reading["number_link_articles"])
                + r")\s+)?"
            ),
            definition_filler=re.compile(
                r"^(?:\s|,|;|\b(?:" + _alternation(reading["definition_fillers"]) + r")\b)*$", re.IGNORECASE
            ),
            defines=_alternation(reading["defines"]),
            introduces=re.compile(
                r"(?:" + _alternation([rf"\b{w}" for w in reading["name_introducers"]]) + r"|,)\s*$"
            ),
            named_body=re.compile(r"^(?!(?:" + _capitalised(reading["generic_openers"]) + r")\b)[A-Z0-9]"),
            own_duty_qualifiers=_alternation(reading["own_duty_qualifiers"]),
            possession=re.compile(r"(?:" + _alternation(reading["possession"]) + r")"),
            own_duty_nouns=_alternation(reading["own_duty_nouns"]),
            assist_verbs=_alternation(reading["assist_verbs"]),
            enable_verbs=_alternation(reading["enable_verbs"]),
            **reading["windows"],
            quantities=QuantityReader(language),
            imperative=re.compile(
                r"\s*(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?(?:[a-z]+:\s*)?(?:"
                + (
                    "|".join(
                        phrase_pattern(p, bounded=False) for p in language["modality"].get("imperative", [])
                    )
                    or "(?!x)x"
                )
                + r")\b"
            ),
        )
