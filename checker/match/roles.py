"""Which party is the vendor in this document: read from its parties block and definitions.

A contract names its parties once ("Acme Inc. (“Provider”)", "“Customer” means ...", "Globex Bank plc
(the “Bank”)", "“we”, “us” and “our” mean Acme") and then uses those names. :func:`read_roles` finds
those definitions (:mod:`checker.match.party_definitions`), decides for each party whether it is the
vendor or the customer, and keeps the text that decided it (offsets and page). The words come from the
one party vocabulary in ``clause_library/language.yaml`` (``parties:``):

- a definition whose name is a role word ("Provider", "Customer") takes that side;
- one whose name is undecided ("the Company", "the Bank") or a plain name ("Acme") takes the side of
  the role word that introduces it ("Acme Cloud Ltd., as service provider (“Acme”)"), or of the
  definition's text ("“Company” means the customer ..."), or else the side the other party leaves
  free ("between Globex Bank plc (the “Company”) and Acme Ltd (the “Contractor”)");
- the user may name the vendor party (``--vendor Acme``): that party is the vendor and the others are
  the customer, whatever the words say.

:func:`contract_parties` then chooses, from the names read here, the one a contract uses most for each
side, which fallback language and the negotiation pack write in place of the library's own names.

What cannot be decided is never guessed silently: no parties block, a vendor name the document does not
contain, two definitions that disagree, or a party whose side stays open each become a note, which the
assessment carries as a document warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.match.party_definitions import (
    DefinedName,
    Definition,
    PartyWords,
    defined_names,
    means_definitions,
    paren_definitions,
)
from checker.match.phrases import fold, phrase_pattern
from checker.models import LIBRARY_CUSTOMER, LIBRARY_VENDOR, PartyNames, PartyRole

__all__ = ["DefinedName", "Roles", "contract_parties", "read_roles", "side_words"]

# How far definitions are looked for: a parties block and a definitions section sit near the start.
_HEAD = 200_000
# A defined name that reads as a proper name ("GitHub", "Acme Ltd."), not a phrase.
_NAME = re.compile(r"[A-Z][\w&.\- ]{1,40}")


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


def _mentions(name: str, text: str) -> re.Match[str] | None:
    return re.search(rf"(?<!\w){re.escape(fold(name).strip())}(?!\w)", fold(text))


def _apply_named_vendor(
    named: str, definitions: list[Definition], head: str, notes: list[str], where: Callable[[int, int], str]
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


def _fill_other_side(definitions: list[Definition]) -> None:
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
    words = PartyWords.of(language)
    head = text[:_HEAD]

    def where(start: int, end: int) -> str:
        return f"chars {start}–{end}, page {page(start)}"

    definitions: list[Definition] = []
    seen: set[tuple[str, ...]] = set()
    paren = paren_definitions(head, words)
    for d in sorted(paren + means_definitions(head, words), key=lambda d: d.start):
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
        addressed = _addressed_party(head, language) if not customer_names else []
        if addressed:
            at = re.search(rf"(?<!\w){re.escape(addressed[0])}(?!\w)", fold(head))
            assert at is not None  # the name was counted in this text
            notes.append(
                "The document names no vendor and binds no vendor word, but binds its"
                f" “{head[at.start() : at.end()]}” throughout ({where(at.start(), at.end())}), as guidelines"
                " or a data-use agreement addressed to them do: their duties are read as the vendor's, the"
                " party that implements them. Name the vendor party (--vendor) if that is wrong."
            )
            vendor_names.extend(addressed)
        else:
            note, reader = _no_vendor_defined(head, words, where, addressed=not customer_names)
            notes.append(note)
            if reader:
                vendor_names.append(reader)
    return Roles(
        vendor=tuple(dict.fromkeys(vendor_names)),
        customer=tuple(dict.fromkeys(n for n in customer_names if n not in vendor_names)),
        unknown=tuple(sorted(contradicted)),
        parties=tuple(parties),
        notes=tuple(dict.fromkeys(notes)),
        named_vendor=named,
        defined=defined_names(head, paren, words),
    )


def _addressed_party(head: str, language: Mapping[str, Any]) -> list[str]:
    """The generic customer words ("user", "users") a document binds throughout while it binds no vendor
    word: the party its requirements address (``parties.addressed_duties``), most bound first; else []."""
    parties = language.get("parties", {})
    modality = language.get("modality", {})
    modals = "|".join(
        phrase_pattern(p, bounded=False)
        for p in sorted(
            {*modality.get("binding", []), *modality.get("permissive", [])}, key=len, reverse=True
        )
    )
    if not modals:
        return []
    folded = fold(head)

    def bound(words: Iterable[str]) -> Counter[str]:
        names = sorted({fold(w).strip() for w in words}, key=len, reverse=True)
        if not names:
            return Counter()
        alternation = "|".join(phrase_pattern(n, bounded=False) for n in names)
        pattern = re.compile(rf"(?<![\w'’])({alternation})\s+(?:\w+ly\s+)?(?:{modals})(?!\w)")
        return Counter(m.group(1) for m in pattern.finditer(folded))

    if bound([*parties.get("vendor", []), *parties.get("vendor_pronouns", [])]):
        return []
    generic = {fold(w).strip() for w in parties.get("not_names", [])}
    customer = bound(w for w in parties.get("customer", []) if fold(w).strip() in generic)
    if sum(customer.values()) < parties.get("addressed_duties", 5):
        return []
    return [name for name, _ in customer.most_common()]


def _no_vendor_defined(
    head: str, words: PartyWords, where: Callable[[int, int], str], addressed: bool
) -> tuple[str, str]:
    """What the vendor is taken to be in a document that defines no vendor party: the note saying so,
    and the pronoun that names it when the document addresses its reader ("you"; else "").

    ``addressed``: whether a customer pronoun may name the reader (no customer party is defined)."""
    folded = fold(head)
    for m in words.vendor.finditer(folded):
        if head[m.start()].isupper():
            return (
                "No parties block or definition names the vendor: it is taken to be the party the"
                f" contract calls “{head[m.start() : m.end()]}” ({where(m.start(), m.end())}), a"
                " role word of the library, and a party with any other name is assumed to be the vendor."
                " Name the vendor party (--vendor) if that is wrong."
            ), ""
    we = words.vendor_pronoun.search(folded)
    if we is not None:
        return (
            "No parties block or definition names the vendor: the contract speaks as the vendor"
            f" (“{head[we.start() : we.end()]}”, {where(we.start(), we.end())}), as online terms do, and a party"
            " with any other name is assumed to be the vendor. Name the vendor party (--vendor) if that is wrong."
        ), ""
    you = words.customer_pronoun.search(folded) if addressed else None
    if you is not None:
        # A requirements document that speaks to its reader ("You must enable multi-factor
        # authentication") binds the one who implements it: the vendor side, not a customer.
        return (
            "The document names no vendor, never speaks as “we” and addresses its reader as"
            f" “{head[you.start() : you.end()]}” ({where(you.start(), you.end())}), as a"
            " requirements document does: its duties are read as the vendor's, the party that"
            " implements them. Name the vendor party (--vendor) if that is wrong."
        ), you.group(0)
    return (
        "No parties block, definition or role word names the vendor: clauses binding an unnamed or"
        " unknown party are read as an assumed vendor's. Name the vendor party (--vendor) to decide."
    ), ""


def _not_names(parties: Mapping[str, Any]) -> frozenset[str]:
    """Role words that cannot stand as a party's name in a clause: the vocabulary's pronouns, the words
    only a document can place ("company") and its ``not_names`` ("user", "agency")."""
    keys = ("vendor_pronouns", "customer_pronouns", "undecided", "not_names")
    return frozenset(w.lower() for key in keys for w in parties.get(key, []))


def _candidates(words: Iterable[str], not_names: frozenset[str]) -> list[str]:
    out = []
    for word in words:
        if " " in word or "*" in word or word.lower() in not_names or len(word) < 3:
            continue
        out.append(word[0].upper() + word[1:])
    return out


def _most_used(text: str, names: Iterable[str]) -> str | None:
    unique = sorted(dict.fromkeys(names), key=len, reverse=True)  # longest first: "Service Provider"
    if not unique:
        return None
    counts = Counter(_names_pattern(tuple(unique)).findall(text))
    best = [(n, c) for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], unique.index(kv[0]))) if c >= 2]
    return best[0][0] if best else None


def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """``\\b(name|name|...)\\b`` over ``names`` in their order, written so that the scan is fast.

    When every name begins with a letter or digit, the names are gathered by their first character,
    ``(A(?<!\\w.)(?:cme|lpha)|P(?<!\\w.)(?:rovider))\\b``: the same matches (``\\b`` before a word
    character is ``(?<!\\w)``, asked one character later; names that begin differently cannot match at
    the same place, so each group keeps the order in which the names are tried), but every alternative
    opens with a literal, so the regular-expression engine skips the positions where no name can begin
    (most of a contract: the names are capitalised) instead of entering the pattern at each one.
    """
    if all(n[:1].isalnum() or n[:1] == "_" for n in names):
        groups: dict[str, list[str]] = {}
        for n in names:
            groups.setdefault(n[0], []).append(re.escape(n[1:]))
        body = "|".join(rf"{re.escape(c)}(?<!\w.)(?:{'|'.join(rests)})" for c, rests in groups.items())
        return re.compile(rf"({body})\b")
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def _acts_as_party(text: str, name: str, reading: Mapping[str, Any]) -> bool:
    """Whether a defined name is used as a party (it is bound: "Acme shall"), not as a document or a thing.

    "the DPA" and "this Agreement" are defined names too; a party is the subject of a duty and is rarely
    introduced by "this" or "the" (the language file's ``party_verbs`` and ``thing_articles``).
    """
    word = re.escape(name)
    verbs = "|".join(reading["party_verbs"])
    acts = len(re.findall(rf"\b{word}\s+(?:{verbs})\b", text))
    if not acts:
        return False  # not bound anywhere: no need to count the articles (a slow case-blind scan)
    articles = "|".join(reading["thing_articles"])
    return len(re.findall(rf"\b(?:{articles})\s+{word}\b", text, flags=re.IGNORECASE)) <= acts


def contract_parties(
    texts: Sequence[str], language: Mapping[str, Any], read: Sequence[Roles | None] = ()
) -> PartyNames:
    """The party names a contract (or bundle) uses most, capitalised as defined terms.

    A name :func:`read_roles` finds defined for a party ("Acme Ltd. ("Acme")") wins over a role word;
    otherwise the role word used most as a proper noun ("Provider", "Processor", "Client"); else the
    library's own names. ``read`` are the roles already read from each text: a single document's, read
    without a vendor party named by the user, are used as they are instead of being read again.
    """
    # The parties are named and defined up front; the first 200,000 characters (some 60 pages) settle
    # which name the contract uses, and keep this linear in a bounded text however long the bundle is.
    text = "\n".join(texts)[:_HEAD]
    known = read[0] if len(texts) == 1 and len(read) == 1 else None
    roles = known if known is not None and not known.named_vendor else read_roles(text, dict(language))
    parties = language.get("parties", {})
    reading = language["reading"]
    vendor_defined = [n for n in roles.vendor if _acts_as_party(text, n, reading)]
    customer_defined = [n for n in roles.customer if _acts_as_party(text, n, reading)]
    not_names = _not_names(parties)
    vendor = _most_used(text, vendor_defined) or _most_used(
        text, _candidates(parties.get("vendor", []), not_names)
    )
    customer = _most_used(text, customer_defined) or _most_used(
        text, _candidates(parties.get("customer", []), not_names)
    )
    if vendor is not None and vendor == customer:
        customer = None
    return PartyNames(vendor=vendor or LIBRARY_VENDOR, customer=customer or LIBRARY_CUSTOMER)
