"""Where a contract defines its parties: "Acme Inc. (“Provider”)", "“Customer” means ...".

:func:`paren_definitions` and :func:`means_definitions` find the places a document defines a name and
the side (vendor, customer or undecided) its own words give it, with the words that said so;
:func:`checker.match.roles.read_roles` decides from them who the vendor is. The words come from the
party vocabulary in ``clause_library/language.yaml``, compiled once per reading by :class:`PartyWords`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.match.phrases import compile_phrases, fold
from checker.match.vocabulary import Vocabulary

__all__ = [
    "DefinedName",
    "Definition",
    "PartyWords",
    "defined_names",
    "means_definitions",
    "paren_definitions",
]

# A parenthesis that defines names: quoted names and nothing but connecting words.
_PAREN = re.compile(r"\(([^()]{1,160})\)")
_QUOTED = re.compile(r"[\"“”]([^\"“”()]{1,40})[\"“”]")
# "“Customer” means ...", "“We”, “us” and “our” refer to ...": a quoted list followed by its meaning.
# The lookahead names the character every match begins with: at any other position (nearly all) the
# search moves on at once instead of entering the repeated group (same matches, half the time).
_QUOTED_NAMES = r"(?=[\"“])((?:[\"“][^\"“”\n]{1,40}[\"”][\s,]*(?:(?:and|or)\s+)?){1,4})"
# Where the stretch of text that introduces a defined name begins: the last of these before it.
_SEGMENT_BREAK = re.compile(r"\n|;|:|\)|\bbetween\b|\band\b(?!\s+its\b)|\.\s+(?=[A-Z])", re.IGNORECASE)
# A template's blank for a name, alone before a definition: "[Company Name] (“Provider”)".
_BLANK = re.compile(r"\[([^\[\]]{1,60})\]")


@dataclass(frozen=True)
class DefinedName:
    """A name the document defines ("Provider", "Security Incident") and where its definition starts.

    ``start``-``end`` cover the words that define it: the parties block's "Acme Cloud Ltd (“Provider”)"
    or the head of "“Security Incident” means ...".
    """

    names: tuple[str, ...]
    start: int
    end: int


@dataclass
class Definition:
    """One place the document defines a name, and the side it gives it (mutable while deciding)."""

    names: list[str]
    start: int
    end: int
    role: str  # vendor | customer | undecided
    basis: str
    party: bool  # a party of the agreement, not a defined thing ("the Services")
    said: str = ""  # the side the document's own words give, before the user overrode it
    extra: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PartyWords:
    """The party vocabulary compiled for reading definitions, with the ``reading`` words and windows."""

    vendor: re.Pattern[str]
    customer: re.Pattern[str]
    pronoun: dict[str, str]
    undecided: re.Pattern[str]
    legal_form: re.Pattern[str]
    placeholder: re.Pattern[str]
    vendor_pronoun: re.Pattern[str]
    customer_pronoun: re.Pattern[str]
    reading: Vocabulary
    # "“Customer” means ...", "“We”, “us” and “our” refer to ...": quoted names, a word of the language
    # file's ``defines``, and the definition, to its sentence's end.
    means: re.Pattern[str]
    # Any defined term, not only a party: "“Personal Data” will have the meaning given in ...", however
    # long its definition runs (the clause that holds it is what a reader is shown).
    term_means: re.Pattern[str]

    @classmethod
    def of(cls, language: dict[str, Any]) -> PartyWords:
        """The ``parties:`` vocabulary of a language file, compiled."""
        parties = language.get("parties", {})
        pronoun = {fold(p): "vendor" for p in parties.get("vendor_pronouns", [])}
        pronoun.update({fold(p): "customer" for p in parties.get("customer_pronouns", [])})
        reading = Vocabulary.from_language(language)
        defines = reading.defines
        return cls(
            compile_phrases(parties.get("vendor", [])),
            compile_phrases(parties.get("customer", [])),
            pronoun,
            compile_phrases(parties.get("undecided", [])),
            compile_phrases(parties.get("legal_forms", [])),
            compile_phrases(parties.get("name_placeholders", [])),
            compile_phrases(parties.get("vendor_pronouns", [])),
            compile_phrases(parties.get("customer_pronouns", [])),
            reading,
            re.compile(_QUOTED_NAMES + rf"(?:{defines})\s+([^\n]{{0,200}}?)(?:[.;](?:\s|$)|\n|$)"),
            re.compile(_QUOTED_NAMES + rf"(?:{defines}|(?:will |shall )?ha(?:s|ve) the meaning)\b"),
        )

    def legal_form_in(self, original: str) -> bool:
        """Whether ``original`` names a legal form, written with a capital ("Ltd", not "a company")."""
        return any(original[m.start()].isupper() for m in self.legal_form.finditer(fold(original)))

    def placeholder_in(self, segment: str) -> bool:
        """Whether ``segment`` is a template's blank for a party's name: "[Company Name]"."""
        blank = _BLANK.fullmatch(segment.strip())
        return blank is not None and self.placeholder.search(fold(blank.group(1))) is not None

    def side_of_name(self, name: str) -> str:
        """The side a defined name itself gives: "vendor", "customer", "undecided" or ""."""
        folded = fold(name).strip()
        if self.vendor.fullmatch(folded):
            return "vendor"
        if self.customer.fullmatch(folded):
            return "customer"
        if folded in self.pronoun:
            return self.pronoun[folded]
        if self.undecided.fullmatch(folded) or self.undecided.fullmatch(folded.removeprefix("the ")):
            return "undecided"
        return ""

    def side_in(self, original: str, introducing: bool = False) -> tuple[str, str]:
        """The last role word in ``original`` that names a party (not "Customer Data", not "to Customer").

        ``introducing``: only a role word that ends ``original`` after "as", "the" or a comma counts.
        """
        folded = fold(original)
        best: tuple[int, str, str] = (-1, "", "")
        for side, pattern in (("vendor", self.vendor), ("customer", self.customer)):
            for m in pattern.finditer(folded):
                rest, before = folded[m.end() :], folded[: m.start()]
                if self.reading.attributive.match(rest) or self.reading.capitalised_noun.match(
                    original[m.end() :]
                ):
                    continue
                if self.reading.object_marker.search(before) or rest.lstrip().startswith("("):
                    continue
                if introducing and (
                    rest.strip(" ,") or not self.reading.introduces.search(original[: m.start()])
                ):
                    continue
                if m.start() > best[0]:
                    best = (m.start(), side, original[m.start() : m.end()])
        return best[1], best[2]


def paren_definitions(head: str, words: PartyWords) -> list[Definition]:
    out: list[Definition] = []
    for m in _PAREN.finditer(head):
        inside = m.group(1)
        names = [q.group(1).strip() for q in _QUOTED.finditer(inside)]
        if (
            not names
            or not words.reading.definition_filler.match(_QUOTED.sub(" ", inside))
            or not names[0][:1].isalpha()
        ):
            continue
        lo = max(0, m.start() - words.reading.party_segment_reach)
        breaks = [b.end() for b in _SEGMENT_BREAK.finditer(head, lo, m.start())]
        seg_start = breaks[-1] if breaks else lo
        segment = head[seg_start : m.start()]
        while segment and (segment[0].isspace() or segment[0] == ","):
            segment, seg_start = segment[1:], seg_start + 1
        sides = {words.side_of_name(n) for n in names} - {""}
        reach = words.reading.role_word_reach
        said, said_word = words.side_in(head[max(seg_start, m.start() - reach) : m.start()], True)
        pronouns = [n for n in names if fold(n) in words.pronoun]
        party = bool(sides or said or words.legal_form_in(segment) or words.placeholder_in(segment))
        definition = Definition(names, seg_start, m.end(), "undecided", "", party)
        if len(sides - {"undecided"}) == 1:
            (side,) = sides - {"undecided"}
            definition.role = side
            shown = pronouns[0] if pronouns else next(n for n in names if words.side_of_name(n) == side)
            definition.basis = f"the contract calls it “{shown}”"
            if said and said != side:
                definition.basis += f", though “{said_word}” introduces it"
                definition.role = "contradicted"
        elif len(sides - {"undecided"}) > 1:
            definition.role = "contradicted"
            definition.basis = "its names take both sides: " + ", ".join(f"“{n}”" for n in names)
        elif said:
            definition.role = said
            definition.basis = f"“{said_word}” introduces it"
        out.append(definition)
    return out


def means_definitions(head: str, words: PartyWords) -> list[Definition]:
    out: list[Definition] = []
    for m in words.means.finditer(head):
        names = [q.group(1).strip() for q in _QUOTED.finditer(m.group(1))]
        body = m.group(2)
        sides = {words.side_of_name(n) for n in names} - {""}
        party = bool(sides) or bool(
            words.reading.named_body.match(body)
            and words.legal_form_in(body[: words.reading.legal_form_reach])
        )
        if not names or not party:
            continue
        definition = Definition(names, m.start(), m.end(), "undecided", "", True)
        decided = sides - {"undecided"}
        said, said_word = words.side_in(body[: words.reading.definition_side_reach])
        if len(decided) == 1:
            (definition.role,) = decided
            definition.basis = f"“{names[0]}” is defined"
        elif said:
            definition.role = said
            definition.basis = f"its definition calls it “{said_word}”"
        out.append(definition)
    return out


def defined_names(head: str, paren: list[Definition], words: PartyWords) -> tuple[DefinedName, ...]:
    """Every defined name: the parenthesised ones (parties and things alike) and the "means" ones."""
    found = [DefinedName(tuple(d.names), d.start, d.end) for d in paren]
    for m in words.term_means.finditer(head):
        names = tuple(q.group(1).strip() for q in _QUOTED.finditer(m.group(1)))
        if names and names[0][:1].isalnum():
            found.append(DefinedName(names, m.start(), m.end()))
    return tuple(sorted(found, key=lambda d: d.start))
