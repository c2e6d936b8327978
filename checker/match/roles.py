"""Which party is the vendor in this document: read from its parties block and definitions.

A contract names its parties once ("Acme Inc. (“Provider”)", "“Customer” means ...", "Globex Bank plc
(the “Bank”)", "“we”, “us” and “our” mean Acme") and then uses those names. :func:`read_roles` finds
those definitions, decides for each party whether it is the vendor or the customer, and keeps the text
that decided it (offsets and page). The words come from the one party vocabulary in
``clause_library/language.yaml`` (``parties:``):

- a definition whose name is a role word ("Provider", "Customer") takes that side;
- one whose name is undecided ("the Company", "the Bank") or a plain name ("Acme") takes the side of
  the role word that introduces it ("Acme Cloud Ltd., as service provider (“Acme”)"), or of the
  definition's text ("“Company” means the customer ..."), or else the side the other party leaves
  free ("between Globex Bank plc (the “Company”) and Acme Ltd (the “Contractor”)");
- the user may name the vendor party (``--vendor Acme``): that party is the vendor and the others are
  the customer, whatever the words say.

What cannot be decided is never guessed silently: no parties block, a vendor name the document does not
contain, two definitions that disagree, or a party whose side stays open each become a note, which the
assessment carries as a document warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checker.match.obligation import ATTRIBUTIVE, CAPITALISED_NOUN, PREPOSITION
from checker.match.phrases import compile_phrases, fold
from checker.models import PartyRole

__all__ = ["DefinedName", "Roles", "read_roles", "side_words"]

# How far definitions are looked for: a parties block and a definitions section sit near the start.
_HEAD = 200_000
# A parenthesis that defines names: quoted names and nothing but connecting words.
_PAREN = re.compile(r"\(([^()]{1,160})\)")
_QUOTED = re.compile(r"[\"“”]([^\"“”()]{1,40})[\"“”]")
_FILLER = re.compile(
    r"^(?:\s|,|;|\b(?:each|collectively|individually|together|jointly|hereinafter|herein|the|a|an|as|and|or"
    r"|referred|to|called|also|known|defined)\b)*$",
    re.IGNORECASE,
)
# "“Customer” means ...", "“We”, “us” and “our” refer to ...": a quoted list followed by its meaning.
_QUOTED_NAMES = r"((?:[\"“][^\"“”\n]{1,40}[\"”][\s,]*(?:(?:and|or)\s+)?){1,4})"
_DEFINES = r"means?|shall mean|refers? to|is defined as"
_MEANS = re.compile(_QUOTED_NAMES + rf"(?:{_DEFINES})\s+([^\n]{{0,200}}?)(?:[.;](?:\s|$)|\n|$)")
# Any defined term, not only a party: "“Personal Data” will have the meaning given in ...", however long
# its definition runs (the clause that holds it is what a reader is shown).
_TERM_MEANS = re.compile(_QUOTED_NAMES + rf"(?:{_DEFINES}|(?:will |shall )?ha(?:s|ve) the meaning)\b")
# Where the stretch of text that introduces a defined name begins: the last of these before it.
_SEGMENT_BREAK = re.compile(r"\n|;|:|\)|\bbetween\b|\band\b(?!\s+its\b)|\.\s+(?=[A-Z])", re.IGNORECASE)
_ROLE_WINDOW = 60
_NAME = re.compile(r"[A-Z][\w&.\- ]{1,40}")
# What may stand before a role word that introduces a name: "..., as service provider (“Acme”)",
# "..., the customer (“Bank”)"; not "law enforcement agency (a “Relevant Disclosure”)".
_INTRODUCES = re.compile(r"(?:\bas|\bthe|\ba|\ban|\bacting as|,)\s*$")
# A definition that names a party begins with its name: "“GitHub” means GitHub, Inc., ...".
_NAMED_BODY = re.compile(r"^(?!(?:The|A|An|Any|All|Each|Such)\b)[A-Z0-9]")


@dataclass(frozen=True)
class DefinedName:
    """A name the document defines ("Provider", "Security Incident") and where its definition starts.

    ``start``-``end`` cover the words that define it: the parties block's "Acme Cloud Ltd (“Provider”)"
    or the head of "“Security Incident” means ...".
    """

    names: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Roles:
    """The parties of one document: who is the vendor and who the customer, why, and what stays open.

    ``vendor`` and ``customer`` are the names the document (or the user) gives each side, beyond the
    library's role words; ``unknown`` are names whose side is contradicted and so decided by no one.
    ``parties`` is the evidence for the decision, ``notes`` what could not be decided. ``defined`` is
    every name the document defines, party or not, for showing a definition beside a clause that uses it.
    """

    vendor: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    parties: tuple[PartyRole, ...] = ()
    notes: tuple[str, ...] = ()
    named_vendor: str = ""
    defined: tuple[DefinedName, ...] = ()


def side_words(language: dict[str, Any], side: str) -> list[str]:
    """The vocabulary's words for ``side`` ("vendor" or "customer"), pronouns included."""
    parties = language.get("parties", {})
    return [*parties.get(side, []), *parties.get(f"{side}_pronouns", [])]


@dataclass
class _Definition:
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
class _Words:
    """The party vocabulary compiled for reading definitions."""

    vendor: re.Pattern[str]
    customer: re.Pattern[str]
    pronoun: dict[str, str]
    undecided: re.Pattern[str]
    legal_form: re.Pattern[str]
    vendor_pronoun: re.Pattern[str]

    @classmethod
    def of(cls, language: dict[str, Any]) -> _Words:
        parties = language.get("parties", {})
        pronoun = {fold(p): "vendor" for p in parties.get("vendor_pronouns", [])}
        pronoun.update({fold(p): "customer" for p in parties.get("customer_pronouns", [])})
        return cls(
            compile_phrases(parties.get("vendor", [])),
            compile_phrases(parties.get("customer", [])),
            pronoun,
            compile_phrases(parties.get("undecided", [])),
            compile_phrases(parties.get("legal_forms", [])),
            compile_phrases(parties.get("vendor_pronouns", [])),
        )

    def legal_form_in(self, original: str) -> bool:
        """Whether ``original`` names a legal form, written with a capital ("Ltd", not "a company")."""
        return any(original[m.start()].isupper() for m in self.legal_form.finditer(fold(original)))

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
                if ATTRIBUTIVE.match(rest) or CAPITALISED_NOUN.match(original[m.end() :]):
                    continue
                if PREPOSITION.search(before) or rest.lstrip().startswith("("):
                    continue
                if introducing and (rest.strip(" ,") or not _INTRODUCES.search(original[: m.start()])):
                    continue
                if m.start() > best[0]:
                    best = (m.start(), side, original[m.start() : m.end()])
        return best[1], best[2]


def _paren_definitions(head: str, words: _Words) -> list[_Definition]:
    out: list[_Definition] = []
    for m in _PAREN.finditer(head):
        inside = m.group(1)
        names = [q.group(1).strip() for q in _QUOTED.finditer(inside)]
        if not names or not _FILLER.match(_QUOTED.sub(" ", inside)) or not names[0][:1].isalpha():
            continue
        lo = max(0, m.start() - 160)
        breaks = [b.end() for b in _SEGMENT_BREAK.finditer(head, lo, m.start())]
        seg_start = breaks[-1] if breaks else lo
        segment = head[seg_start : m.start()]
        while segment and (segment[0].isspace() or segment[0] == ","):
            segment, seg_start = segment[1:], seg_start + 1
        sides = {words.side_of_name(n) for n in names} - {""}
        said, said_word = words.side_in(head[max(seg_start, m.start() - _ROLE_WINDOW) : m.start()], True)
        pronouns = [n for n in names if fold(n) in words.pronoun]
        party = bool(sides or said or words.legal_form_in(segment))
        definition = _Definition(names, seg_start, m.end(), "undecided", "", party)
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


def _means_definitions(head: str, words: _Words) -> list[_Definition]:
    out: list[_Definition] = []
    for m in _MEANS.finditer(head):
        names = [q.group(1).strip() for q in _QUOTED.finditer(m.group(1))]
        body = m.group(2)
        sides = {words.side_of_name(n) for n in names} - {""}
        party = bool(sides) or bool(_NAMED_BODY.match(body) and words.legal_form_in(body[:80]))
        if not names or not party:
            continue
        definition = _Definition(names, m.start(), m.end(), "undecided", "", True)
        decided = sides - {"undecided"}
        said, said_word = words.side_in(body[:100])
        if len(decided) == 1:
            (definition.role,) = decided
            definition.basis = f"“{names[0]}” is defined"
        elif said:
            definition.role = said
            definition.basis = f"its definition calls it “{said_word}”"
        out.append(definition)
    return out


def _defined_names(head: str, paren: list[_Definition]) -> tuple[DefinedName, ...]:
    """Every defined name: the parenthesised ones (parties and things alike) and the "means" ones."""
    found = [DefinedName(tuple(d.names), d.start, d.end) for d in paren]
    for m in _TERM_MEANS.finditer(head):
        names = tuple(q.group(1).strip() for q in _QUOTED.finditer(m.group(1)))
        if names and names[0][:1].isalnum():
            found.append(DefinedName(names, m.start(), m.end()))
    return tuple(sorted(found, key=lambda d: d.start))


def _mentions(name: str, text: str) -> re.Match[str] | None:
    return re.search(rf"(?<!\w){re.escape(fold(name).strip())}(?!\w)", fold(text))


def _apply_named_vendor(
    named: str, definitions: list[_Definition], head: str, notes: list[str], where: Callable[[int, int], str]
) -> tuple[str, int, int] | None:
    """Make the party the user named the vendor and the other parties the customer.

    Returns (name, start, end) of a mention when the name is not defined but does occur in the text.
    """
    parties = [d for d in definitions if d.party]
    chosen = [
        d
        for d in parties
        if any(fold(n) == fold(named) for n in d.names) or _mentions(named, head[d.start : d.end])
    ]
    if not chosen:
        found = _mentions(named, head)
        if found is None:
            notes.append(
                f"The vendor party you named, “{named}”, does not appear in this document; the parties"
                " were read from the document's own words instead."
            )
            return None
        notes.append(
            f"The vendor party you named, “{named}”, is not defined in a parties block; it is read as the"
            f" vendor where it is named ({where(found.start(), found.end())})."
        )
        return named, found.start(), found.end()
    for d in parties:
        d.said = d.role
        mine = d in chosen
        d.role = "vendor" if mine else "customer"
        d.basis = f"you named the vendor party “{named}”" + (
            "" if mine else ": the other party is the customer"
        )
        if d.said in ("vendor", "customer") and d.said != d.role:
            notes.append(
                f"The contract's own words make “{d.names[0]}” the {d.said} ({where(d.start, d.end)}), but you"
                f" named “{named}” as the vendor party: it is read as the {d.role}."
            )
    return None


def _fill_other_side(definitions: list[_Definition]) -> None:
    """With one side known, an undecided party is the other side (two parties sign an agreement)."""
    parties = [d for d in definitions if d.party]
    sides = {d.role for d in parties} & {"vendor", "customer"}
    if len(sides) != 1:
        return
    (known,) = sides
    other = "customer" if known == "vendor" else "vendor"
    counterpart = next(d for d in parties if d.role == known)
    for d in parties:
        if d.role == "undecided":
            d.role = other
            d.basis = f"the other party, “{counterpart.names[-1]}”, is the {known}"


def read_roles(
    text: str,
    language: dict[str, Any],
    vendor: str | None = None,
    page_of: Callable[[int], int] | None = None,
) -> Roles:
    """The parties of a document: which names mean the vendor and which the customer, and why.

    ``vendor`` is the vendor party as the user names it ("Acme", "Provider"); ``page_of`` maps an
    offset to its page for the evidence (page 1 without it).
    """
    page = page_of or (lambda _offset: 1)
    words = _Words.of(language)
    head = text[:_HEAD]

    def where(start: int, end: int) -> str:
        return f"chars {start}–{end}, page {page(start)}"

    definitions: list[_Definition] = []
    seen: set[tuple[str, ...]] = set()
    paren = _paren_definitions(head, words)
    for d in sorted(paren + _means_definitions(head, words), key=lambda d: d.start):
        key = (d.role, *map(fold, d.names))
        if d.party and key in seen:  # the same party defined again the same way: the first place says it
            continue
        seen.add(key)
        definitions.append(d)
    notes: list[str] = []
    named = (vendor or "").strip()
    mention = _apply_named_vendor(named, definitions, head, notes, where) if named else None
    _fill_other_side(definitions)

    # A name two definitions give different sides is decided by neither.
    sides_of: dict[str, set[str]] = {}
    for d in definitions:
        if d.party and d.role in ("vendor", "customer", "contradicted"):
            for n in d.names:
                sides_of.setdefault(fold(n), set()).add(d.role)
    contradicted = {n for n, s in sides_of.items() if len(s) > 1 or "contradicted" in s}
    for n in sorted(contradicted):
        places = [d for d in definitions if n in (fold(x) for x in d.names) and d.party]
        shown = next(x for x in places[0].names if fold(x) == n)
        notes.append(
            f"The document gives “{shown}” more than one side ("
            + "; ".join(f"{d.basis}, {where(d.start, d.end)}" for d in places)
            + "): clauses binding it are read as an assumed vendor's; check who it is."
        )

    vendor_names: list[str] = []
    customer_names: list[str] = []
    parties: list[PartyRole] = []
    both_known = {d.role for d in definitions if d.party} >= {"vendor", "customer"}
    for d in definitions:
        vocabulary = any(words.side_of_name(n) for n in d.names)
        if d.role == "undecided" and not vocabulary and (not d.party or both_known):
            # A defined thing, or a third party beside a known vendor and customer ("GitHub, Inc.
            # ("GitHub")" in a list of subprocessors): read on the vendor's side, as any unknown name is.
            vendor_names.extend(n for n in d.names if _NAME.fullmatch(n))
            continue
        if not d.party:
            continue
        names = [n for n in d.names if fold(n) not in contradicted]
        role = d.role if d.role in ("vendor", "customer") and names else "unknown"
        if role == "vendor":
            vendor_names.extend(names)
        elif role == "customer":
            customer_names.extend(names)
        elif d.role == "undecided":
            notes.append(
                f"The document defines “{d.names[0]}” ({where(d.start, d.end)}) but does not say whether"
                " it is the vendor or the customer: clauses binding it are read as an assumed vendor's."
                " Name the vendor party (--vendor) to decide."
            )
        parties.append(
            PartyRole(
                names=d.names,
                role=role,
                basis=d.basis or "no role word or other party decides it",
                text=head[d.start : d.end],
                start=d.start,
                end=d.end,
                page=page(d.start),
            )
        )
    if mention is not None:
        name, start, end = mention
        vendor_names.append(name)
        parties.append(
            PartyRole(
                names=[name],
                role="vendor",
                basis=f"you named the vendor party “{name}”",
                text=head[start:end],
                start=start,
                end=end,
                page=page(start),
            )
        )
    if not any(p.role == "vendor" for p in parties):
        notes.append(_no_vendor_defined(head, words, where))
    return Roles(
        vendor=tuple(dict.fromkeys(vendor_names)),
        customer=tuple(dict.fromkeys(n for n in customer_names if n not in vendor_names)),
        unknown=tuple(sorted(contradicted)),
        parties=tuple(parties),
        notes=tuple(dict.fromkeys(notes)),
        named_vendor=named,
        defined=_defined_names(head, paren),
    )


def _no_vendor_defined(head: str, words: _Words, where: Callable[[int, int], str]) -> str:
    """The note for a document that defines no vendor party: what the vendor is taken to be instead."""
    folded = fold(head)
    for m in words.vendor.finditer(folded):
        if head[m.start()].isupper():
            return (
                "No parties block or definition names the vendor: it is taken to be the party the"
                f" contract calls “{head[m.start() : m.end()]}” ({where(m.start(), m.end())}), a"
                " role word of the library, and a party with any other name is assumed to be the vendor."
                " Name the vendor party (--vendor) if that is wrong."
            )
    we = words.vendor_pronoun.search(folded)
    if we is not None:
        return (
            "No parties block or definition names the vendor: the contract speaks as the vendor"
            f" (“{head[we.start() : we.end()]}”, {where(we.start(), we.end())}), as online terms do, and a party"
            " with any other name is assumed to be the vendor. Name the vendor party (--vendor) if that is wrong."
        )
    return (
        "No parties block, definition or role word names the vendor: clauses binding an unnamed or"
        " unknown party are read as an assumed vendor's. Name the vendor party (--vendor) to decide."
    )
