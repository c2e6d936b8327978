"""Who a clause binds and how firmly: the party and modal verb that govern a phrase.

Given the position of a control's action word ("notify", "encrypt"), :class:`ObligationReader` finds
the modal expression that governs it in its own limb (:mod:`checker.match.structure`: the nearest one
before it, or one after it for passive clauses: "notice shall be given", or the modal of the lead-in
an item continues), classifies it (binding, permissive, negated, prohibition, descriptive) and finds
the party that is the limb's subject (vendor, customer, mutual, assumed vendor for an unknown name or a
passive clause).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.match.phrases import compile_phrases, fold, phrase_pattern
from checker.match.structure import STRONG, Modal, Structure, StructureReader
from checker.match.vocabulary import Vocabulary

__all__ = ["Obligation", "ObligationReader"]

MODAL_ORDER = ("negated", "prohibition", "soft", "binding", "permissive", "descriptive")

_WORDS = re.compile(r"[^\W_]")
# What may stand between a subject and its modal: asides in brackets or commas, and adverbs in -ly.
_ASIDES = re.compile(r"\([^()]*\)|,[^,]*,")
_ADVERBS_ONLY = re.compile(r"^[\s,]*(?:\w+ly\b[\s,]*)*$")
_PROPER_SUBJECT = re.compile(r"(?:^|[\s,(])((?:[A-Z0-9][\w&.\-]*\s?){1,3})\s*$")


# The action belongs to the customer when the vendor only helps with it: "Provider will assist Customer
# in meeting Customer's obligations to notify ...". {customer} is the customer side of the vocabulary.
_CUSTOMER_DUTY = (
    r"\b(?:{customer})(?:'s|s'|r)?\s+(?:(?:{qualifiers})\s+){{0,2}}(?:{own})\b"
    r"|\b(?:{assist})\s+(?:the\s+)?(?:{customer})\s+(?:in\s+|to\s+|with\s+)?(?:\w+\s+){{0,3}}$"
)
# The vendor lets the customer do it: a right for the customer, not the vendor doing it.
_ENABLES_CUSTOMER = (
    r"\b(?:{enable})\s+(?:the\s+)?(?:{customer})"
    r"(?:\s+or\s+(?:its|their)\s+\w+)?\s+(?:to\s+)?(?:\w+\s+){{0,2}}$"
)


def _soft_pattern(phrase: str, gap: str) -> str:
    """A soft phrase ("shall consider") with ``gap`` allowed between its binding word and its verb."""
    first, _, rest = phrase.strip().partition(" ")
    if not rest or not gap:
        return phrase_pattern(phrase, bounded=False)
    return rf"{phrase_pattern(first, bounded=False)}{gap}\s+{phrase_pattern(rest.strip(), bounded=False)}"


@dataclass(frozen=True)
class Obligation:
    """The reading of one clause around one action: who is bound, and how."""

    party: str  # vendor | customer | mutual | assumed_vendor
    party_text: str
    modality: str  # one of MODAL_ORDER, or "none"
    modal_text: str
    modal_start: int = -1
    passive_recipient: bool = False


@dataclass
class ObligationReader:
    """Compiled party and modality vocabulary from ``language.yaml``, with its ``reading`` words and windows."""

    language: dict[str, Any]
    words: Vocabulary = field(init=False)
    _modal: re.Pattern[str] = field(init=False)
    _party: dict[str, re.Pattern[str]] = field(init=False)
    customer_duty: re.Pattern[str] = field(init=False)
    enables_customer: re.Pattern[str] = field(init=False)
    structures: StructureReader = field(init=False)
    unknown: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        self.words = Vocabulary.from_language(self.language)
        modality = self.language.get("modality", {})
        groups = []
        # Up to two words of ``soft_between``, with or without commas, inside a soft phrase: "shall in
        # particular consider", "will, where possible, endeavour".
        between = sorted(set(modality.get("soft_between", [])), key=lambda b: (-len(b), b))
        words = "|".join(phrase_pattern(b, bounded=False) for b in between)
        gap = rf"(?:[\s,]+(?:{words})(?!\w)){{0,2}},?" if between else ""
        for name in MODAL_ORDER:
            phrases = sorted(set(modality.get(name, [])), key=len, reverse=True)
            if phrases:
                body = "|".join(
                    _soft_pattern(p, gap) if name == "soft" else phrase_pattern(p, bounded=False)
                    for p in phrases
                )
                groups.append(f"(?P<{name}>{body})")
        self._modal = re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)")
        parties = self.language.get("parties", {})
        self._party = {
            "mutual": compile_phrases(parties.get("mutual", [])),
            "vendor": compile_phrases([*parties.get("vendor", []), *parties.get("vendor_pronouns", [])]),
            "customer": compile_phrases(
                [*parties.get("customer", []), *parties.get("customer_pronouns", [])]
            ),
            # A word only the document can place ("the Company") reads as an assumed vendor until it does.
            "undecided": compile_phrases(parties.get("undecided", [])),
        }
        customer = [*parties.get("customer", []), *parties.get("customer_pronouns", [])]
        words = "|".join(
            phrase_pattern(p, bounded=False) for p in sorted(set(customer), key=len, reverse=True)
        )
        words = words or r"(?!x)x"
        vocabulary = self.words
        self.customer_duty = re.compile(
            _CUSTOMER_DUTY.format(
                customer=words,
                qualifiers=vocabulary.own_duty_qualifiers,
                own=vocabulary.own_duty_nouns,
                assist=vocabulary.assist_verbs,
            )
        )
        self.enables_customer = re.compile(
            _ENABLES_CUSTOMER.format(customer=words, enable=vocabulary.enable_verbs)
        )
        reading = self.language["reading"]
        self.structures = StructureReader(
            limb_openers=reading["limb_openers"],
            coordinators=reading["coordinators"],
            verbs=[phrase_pattern(p, bounded=False) for p in modality.get("imperative", [])],
            subordinate=reading["subordinate"],
            conditions=reading["conditions"],
            coordinated_adverbs=reading["coordinated_adverbs"],
            noun_followers=reading["noun_followers"],
            abbreviations=reading["abbreviations"],
            number_followers=reading["number_followers"],
        )

    def structure(self, text: str, modals: list[Modal]) -> Structure:
        """The limbs of folded ``text`` (:mod:`checker.match.structure`), given its :meth:`modals`."""
        return self.structures.read(text, modals)

    def undecided(self, ob: Obligation) -> str:
        """The bound party's name when it is a party whose side no one decided ("Company", "the Bank", a
        name the document defines on both sides), else "": such a duty is read as the vendor's, and the
        finding must say that it was assumed."""
        if ob.party != "assumed_vendor" or ob.passive_recipient or not ob.party_text:
            return ""
        name = fold(ob.party_text).strip()
        if self._party["undecided"].fullmatch(name) or name in self.unknown:
            return ob.party_text
        return ""

    def with_names(
        self, vendor: Sequence[str], customer: Sequence[str], unknown: Sequence[str] = ()
    ) -> ObligationReader:
        """A reader that also knows the party names a document defines (:mod:`checker.match.roles`).

        A name given one side leaves every other list, so that a document (or the user) can make "the
        Company" the customer, or even call the vendor "Customer"; ``unknown`` names leave all lists.
        """
        if not vendor and not customer and not unknown:
            return self
        placed = {fold(n).strip() for n in [*vendor, *customer, *unknown]}
        language = dict(self.language)
        parties = {
            key: [p for p in words if fold(p).strip() not in placed] if isinstance(words, list) else words
            for key, words in language.get("parties", {}).items()
        }
        parties["vendor"] = [*parties.get("vendor", []), *vendor]
        parties["customer"] = [*parties.get("customer", []), *customer]
        language["parties"] = parties
        reader = ObligationReader(language)
        reader.unknown = frozenset(fold(n).strip() for n in unknown)
        return reader

    def modals(self, text: str) -> list[Modal]:
        """(start, end, kind, text) of every modal expression in ``text`` (folded)."""
        out = []
        for m in self._modal.finditer(text):
            kind = m.lastgroup or "binding"
            if kind == "soft":  # "shall consider", "will endeavour": binding words, permissive meaning
                kind = "permissive"
            out.append((m.start(), m.end(), kind, m.group(0)))
        return out

    def read(
        self,
        text: str,
        action_start: int,
        modals: list[Modal],
        original: str = "",
        structure: Structure | None = None,
    ) -> Obligation:
        """The obligation governing the action word at ``action_start`` in folded ``text``.

        The governing modal is one of the action's own limb (:mod:`checker.match.structure`): the
        nearest before it, else one after it (a passive clause: "notice shall be given"), else a
        present-tense verb of the limb; a limb with no duty's modal of its own before the action takes
        the modal of the limb it continues ("Provider shall (a) encrypt ... and (b) notify ...").
        ``original`` is the same text in its original case (same offsets), used to recognise names;
        ``structure`` the text's limbs, read from ``modals`` when not given.
        """
        original = original or text
        words = self.words
        structure = structure or self.structure(text, modals)
        index = structure.index(action_start)
        limb = structure.predicates[index]
        own = list(limb.modals)
        candidates = own
        elided = not any(m[2] in STRONG and m[0] < action_start for m in own)
        if elided and limb.parent >= 0 and not limb.condition:
            inherited = structure.inherited(limb.parent)
            candidates = [inherited, *own] if inherited is not None else own
        governing = None
        for start, end, kind, mtext in candidates:
            if start >= action_start:
                break
            if kind == "descriptive" and governing is not None:
                continue
            if kind in ("prohibition", "negated") and self.structures.in_condition(text, structure, start):
                # "If Customer does not approve ..., Customer may terminate": a condition, not a refusal.
                continue
            governing = (start, end, kind, mtext)
        if governing is None:
            # Passive clauses put the modal after the action noun: "Notice shall be given ...".
            governing = next((m for m in own if m[0] >= action_start and m[2] != "descriptive"), None)
        if governing is None:
            governing = min(
                (m for m in own if m[2] == "descriptive"),
                key=lambda m: abs(m[0] - action_start),
                default=None,
            )
        if governing is None:
            party, ptext = self.subject(text, action_start, original, structure)
            verb = self.present_tense_verb(text, action_start, structure)
            if verb is not None and party != "customer":
                return Obligation(party, ptext, "descriptive", verb[1], verb[0])
            return Obligation(party, ptext, "none", "")
        start, end, kind, mtext = governing
        party, ptext = self.subject(text, start, original, structure)
        passive_recipient = False
        if party == "customer" and words.passive.match(text[end:]):
            # "shall be notified by the Customer's administrator": the agent, in the modal's own limb.
            agent = words.agent.search(text, end, structure.at(start).end)
            if not (agent and self._party["customer"].fullmatch(agent.group(1))):
                party, passive_recipient = "assumed_vendor", True
        return Obligation(party, ptext, kind, mtext, start, passive_recipient)

    def present_tense_verb(
        self, text: str, action_start: int, structure: Structure | None = None
    ) -> tuple[int, str] | None:
        """A third-person present verb right after the subject ("GitHub restricts", "Vendor encrypts"),
        in the action's own limb and not after the action."""
        words = self.words
        structure = structure or self.structure(text, self.modals(text))
        limb = structure.at(action_start)
        window = text[limb.subject_start : limb.end]
        for m in words.present_verb.finditer(window):
            verb = m.group("verb")
            if verb in words.not_verbs or limb.subject_start + m.start("verb") > action_start:
                continue
            return limb.subject_start + m.start("verb"), verb
        return None

    def subject(
        self, text: str, modal_start: int, original: str = "", structure: Structure | None = None
    ) -> tuple[str, str]:
        """The party that is the subject of the modal at ``modal_start`` (``text`` folded).

        The subject is read in the modal's own limb, before the modal (:mod:`checker.match.structure`);
        an elided one ("... and shall restore ...", "(b) notify ...") is the subject of the limb it
        continues, and "it"/"they" the subject of the limb before.
        """
        original = original or text
        if structure is None:
            structure = self.structure(text, self.modals(text))
        elif structure.text is text:
            # Read once per reader, modal and clause; the reader is kept beside its reading, so that
            # another reader that comes to have the same id never takes it.
            key = (id(self), modal_start, original)
            kept = structure.subjects.get(key)
            if kept is None or kept[0] is not self:
                kept = structure.subjects[key] = (self, self._subject(text, modal_start, original, structure))
            return kept[1]
        return self._subject(text, modal_start, original, structure)

    def _subject(self, text: str, modal_start: int, original: str, structure: Structure) -> tuple[str, str]:
        words = self.words
        index = structure.index(modal_start)
        limb = structure.predicates[index]
        window_start = min(limb.subject_start, modal_start)
        window = text[window_start:modal_start]
        if not _WORDS.search(window) and limb.parent >= 0 and not limb.condition:
            source = structure.source(limb.parent)
            strong = structure.predicates[source].strong if source >= 0 else None
            if strong is not None:
                return self.subject(text, strong[0], original, structure)
        window_original = original[window_start:modal_start]
        best: tuple[int, str, str] | None = None
        kinds_found: set[str] = set()
        for kind, pattern in self._party.items():
            for m in pattern.finditer(window):
                if words.attributive.match(window[m.end() :]) or words.capitalised_noun.match(
                    window_original[m.end() :]
                ):
                    continue
                if words.object_marker.search(window[: m.start()]):
                    continue
                if _embedded(window, m.start(), m.end(), words):
                    continue
                kinds_found.add(kind)
                if best is None or m.start() > best[0]:
                    best = (m.start(), kind, window_original[m.start() : m.end()])
        if best is not None:
            if {"vendor", "customer"} <= kinds_found and words.joint.search(window):
                # "The data importer and, during transmission, also the data exporter shall ...".
                return "mutual", best[2]
            return ("assumed_vendor" if best[1] == "undecided" else best[1]), best[2]
        if words.subject_pronoun.search(window) and index > 0:
            # "The data exporter agrees and warrants: that it will ...": "it" is the earlier subject.
            before = structure.predicates[index - 1]
            at = before.strong[0] if before.strong is not None else max(before.subject_start, before.end - 1)
            return self.subject(text, at, original, structure)
        proper = _PROPER_SUBJECT.search(window_original.rstrip(" ,"))
        if (
            proper
            and (proper.group(1).strip()[:1].isupper() or proper.group(1).strip()[:1].isdigit())
            and not words.name_opener.search(window_original[: proper.start(1)])
        ):
            return "assumed_vendor", proper.group(1).strip()
        return "assumed_vendor", ""


def _embedded(window: str, start: int, end: int, words: Vocabulary) -> bool:
    """Whether the party named at ``start:end`` of a modal's subject ``window`` is the subject of a clause
    inside the sentence, not of the modal: it stands in brackets ("(or the User documentation)"), in a
    relative clause ("the OSS that you consume into your build | Validate ..."), in a clause that
    qualifies a noun ("the tools you use should ..."), or in a condition that opens the sentence ("When a
    user attempts ..., the system must ..."). A party right before its modal (asides and adverbs
    between) is its subject whatever precedes it: "If Customer requests, Customer may ..."."""
    before = window[:start]
    if before.count("(") > before.count(")"):
        return True
    if _ADVERBS_ONLY.match(_ASIDES.sub(" ", window[end:])):
        return False
    if words.embedded.search(before):
        return True
    return bool(words.condition_opening.match(window)) and "," in window[end:]
