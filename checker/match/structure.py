"""A clause read as predicates (limbs): where each duty begins and ends, its subject and its modal.

The folded text of a clause (with its lead-in) is cut at ";", ":", a sentence end, a list mark ("(a)",
"(ii)", "•"), a limb opener of the language file ("provided that", "except", "unless"), and a
coordinator that opens a new subject or modal ("..., and Customer may ...", "... and shall restore
...") or a new verb of its own ("notify ... within 24 hours and retain logs ..."). Each
:class:`Predicate` knows its span, where its subject starts and its own modals; an item or limb with no
modal of its own inherits the modal (and an elided subject) of the predicate it continues: "Provider
shall (a) encrypt ... and (b) notify ...". The readers then ask "the same predicate" or "the
predicate's subject" instead of counting characters (:mod:`checker.match.obligation`,
:mod:`checker.match.parameters`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["STRONG", "Modal", "Predicate", "Structure", "StructureReader"]

#: (start, end, kind, text) of a modal expression, as :meth:`ObligationReader.modals` finds them.
Modal = tuple[int, int, str, str]

# Modals that state a duty, a permission or a refusal; a present-tense verb ("maintains") opens no limb.
STRONG = frozenset({"binding", "permissive", "prohibition", "negated"})

# What may stand between a coordinator and the modal it opens: the new subject ("Customer", "each
# party"), at most six words.
_SUBJECT_WORDS = r"(?P<subject>(?:[\w'&./\-]+\s+){0,6})"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Predicate:
    """One limb of a clause: its span, where its subject starts, how it opened, its own modals.

    ``opener`` is "start", "stop" (";" ":"), "sentence", "list", "limb" (an exception word),
    "coordinator" (a new subject or modal) or "verb" (a new verb after "and"); ``parent`` is the index
    of the predicate it continues (-1: none), whose modal and elided subject it inherits.
    """

    start: int
    end: int
    subject_start: int
    opener: str
    modals: tuple[Modal, ...]
    parent: int
    condition: bool  # opened by a limb word ("unless", "provided that") or a condition word ("if")
    verb: bool  # opens with a verb of its own ("(b) retain logs ..."), not a bare number or object

    @property
    def strong(self) -> Modal | None:
        """Its first modal that states a duty, a permission or a refusal (not a present-tense verb)."""
        return next((m for m in self.modals if m[2] in STRONG), None)


@dataclass(frozen=True)
class Structure:
    """The predicates of one clause, in order, covering its text."""

    text: str
    predicates: tuple[Predicate, ...]
    _starts: tuple[int, ...]
    # The subjects read in this clause (ObligationReader.subject), by reader, modal and original text: a
    # clause that hits several controls has the same modals' subjects read for each.
    subjects: dict[tuple[int, int, str], tuple[object, tuple[str, str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(cls, text: str, predicates: Sequence[Predicate]) -> Structure:
        """A structure of ``text`` over ``predicates`` (in text order)."""
        return cls(text, tuple(predicates), tuple(p.start for p in predicates))

    def index(self, pos: int) -> int:
        """The index of the predicate that holds ``pos``."""
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def at(self, pos: int) -> Predicate:
        """The predicate that holds ``pos``."""
        return self.predicates[self.index(pos)]

    def inherited(self, i: int) -> Modal | None:
        """The strong modal that governs predicate ``i``: its own, or that of the limb it continues."""
        source = self.source(i)
        return self.predicates[source].strong if source >= 0 else None

    def scope(self, i: int) -> list[Predicate]:
        """The limbs a qualifier must stand in to govern the duty of predicate ``i``: the limb itself, the
        stem whose modal it inherits ("shall use reasonable efforts to: (a) ..."), and the limbs after it
        that carry no verb of their own (a proviso, a condition, "(i) where feasible")."""
        own = self.predicates[i]
        source = self.source(i)
        out = [own] if source in (-1, i) else [self.predicates[source], own]
        for pred in self.predicates[i + 1 :]:
            if pred.opener == "sentence" or ((pred.strong is not None or pred.verb) and not pred.condition):
                break
            out.append(pred)
        return out

    def source(self, i: int) -> int:
        """The index of the predicate whose strong modal governs predicate ``i`` (``i`` itself, or -1)."""
        while i >= 0 and self.predicates[i].strong is None:
            i = self.predicates[i].parent  # always an earlier limb
        return i


@dataclass
class StructureReader:
    """The limb words of the language file compiled once: openers, coordinators, verbs, conditions."""

    limb_openers: list[str]
    coordinators: list[str]
    verbs: list[str]
    subordinate: list[str]
    conditions: list[str]
    # "..., and then notify": words between a coordinator and the verb it opens; "and report of": words
    # after a verb that make it a noun.
    coordinated_adverbs: list[str] = field(default_factory=list)
    noun_followers: list[str] = field(default_factory=list)
    # "Inc.", "No. 5": a full stop after these ends no sentence; "thirty (30) days": a word after a
    # bracketed number that makes it a number, not a list mark.
    abbreviations: list[str] = field(default_factory=list)
    number_followers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def group(words: list[str]) -> str:
            return "|".join(words) or r"(?!x)x"

        # ";" or ":" before a space; a sentence end (not "e.g.", "Inc.", "No. 5"); a list mark or bullet.
        # The lookahead first names every character a cut can begin with: at any other position (nearly
        # all) the search moves on at once, instead of trying the sentence end's lookbehinds there.
        not_after = "".join(rf"(?<!\b{a})" for a in self.abbreviations)
        self._cuts = re.compile(
            r"(?=[;:.(•◦▪·])(?:"
            r"(?P<stop>[;:])(?=\s|$)"
            rf"|(?P<sentence>(?<!\.[a-z])(?<!\b[a-z]){not_after}\.(?=\s+\S))"
            r"|(?P<list>(?:^|(?<=[\s:;,(\-]))(?:\((?:[ivx]{1,5}|[a-h]|\d{1,2})\)|[•◦▪·])\s"
            rf"(?!(?:{group(self.number_followers)})\b|%)))"
        )

        self._opener = re.compile(rf"\b(?:{group(self.limb_openers)})\b")
        coord = group(self.coordinators)
        # "..., and Customer may", "... and shall restore", ", Customer may": then up to the modal.
        self._coordinated = re.compile(rf"(?:,\s*(?:(?:{coord})\s+)?|\s(?:{coord})\s+){_SUBJECT_WORDS}$")
        self._subordinate = re.compile(rf"^(?:{group(self.subordinate)})\b")
        self._verb = re.compile(
            rf"(?:,\s*|\s)(?:{coord})\s+(?:(?:{group(self.coordinated_adverbs)})\s+)?(?P<verb>{group(self.verbs)})\b"
            rf"(?!\s*[,.;:)]|\s+(?:{group(self.noun_followers)})\b)"
        )
        self._verb_opening = re.compile(rf"\s*(?:{group(self.verbs)})\b")
        self._condition = re.compile(rf"\b(?:{group(self.conditions)})\b[^;:]*$")
        self._condition_opening = re.compile(rf"\s*(?:{group(self.conditions)})\b")

    def read(self, text: str, modals: Sequence[Modal]) -> Structure:
        """The predicates of ``text`` (folded), given its modals."""
        cuts: dict[int, tuple[int, str]] = {
            0: (0, "start")
        }  # cut position -> (where its words begin, opener)
        for m in self._cuts.finditer(text):
            kind = m.lastgroup or "stop"
            cuts.setdefault(m.start(), (m.end(), kind))
        for m in self._opener.finditer(text):
            cuts.setdefault(m.start(), (m.end(), "limb"))
        ordered = sorted(cuts)
        # A strong modal after a coordinator opens a new limb when its segment already has a strong modal.
        strong = [m for m in modals if m[2] in STRONG]
        starts = [m[0] for m in strong]
        for k, modal in enumerate(strong):
            lo = ordered[bisect.bisect_right(ordered, modal[0]) - 1]
            # Six words and a coordinator never span 400 characters; the bound keeps a hostile clause of
            # thousands of modals linear.
            head_at = max(lo, modal[0] - 400)
            c = self._coordinated.search(text[head_at : modal[0]])
            if c is None or self._subordinate.match(c.group("subject")):
                continue
            at = head_at + c.start()
            last = bisect.bisect_left(starts, at, hi=k) - 1  # the segment's last strong modal before it
            if last < 0 or starts[last] < lo:
                continue
            # "may terminate ... if the other party breaches and does not cure": still the condition.
            if text[at] != "," and self._condition.search(text, strong[last][1], at) is not None:
                continue
            cuts.setdefault(at, (at + len(c.group(0)) - len(c.group("subject")), "coordinator"))
            if at not in ordered:
                bisect.insort(ordered, at)
        # "... within 24 hours and retain logs for 90 days": a verb of its own after the object of the first.
        for v in self._verb.finditer(text):
            lo = ordered[bisect.bisect_right(ordered, v.start()) - 1]
            k = bisect.bisect_left(starts, lo)
            first = strong[k] if k < len(strong) and starts[k] < v.start() else None
            begin = first[1] if first else cuts[lo][0]
            if first is None and not self._verb_opening.match(text, begin):
                continue
            if len(_WORD.findall(text, begin, v.start())) < 3:  # "shall implement and maintain X"
                continue
            cuts.setdefault(v.start(), (v.start("verb"), "verb"))
            if v.start() not in ordered:
                bisect.insort(ordered, v.start())
        return Structure.of(text, self._predicates(text, modals, ordered, cuts))

    def _predicates(
        self, text: str, modals: Sequence[Modal], ordered: list[int], cuts: dict[int, tuple[int, str]]
    ) -> list[Predicate]:
        out: list[Predicate] = []
        bounds = [*ordered, len(text)]
        modal_starts = [m[0] for m in modals]
        continued = -1  # the latest limb that is no condition of its own: the one a new limb continues
        for at, end in itertools.pairwise(bounds):
            begin, opener = cuts[at]
            if not _WORD.search(text, begin, end) and out:
                continue  # a bare mark or the space between two cuts: no limb
            own = tuple(modals[bisect.bisect_left(modal_starts, at) : bisect.bisect_left(modal_starts, end)])
            condition = opener == "limb" or self._condition_opening.match(text, begin) is not None
            parent = continued if opener != "sentence" else -1
            verb = opener == "verb" or self._verb_opening.match(text, begin) is not None
            if not condition:
                continued = len(out)
            out.append(Predicate(at if out else 0, end, begin, opener, own, parent, condition, verb))
        if not out:
            out.append(Predicate(0, len(text), 0, "start", tuple(modals), -1, False, False))
        return out

    def in_condition(self, text: str, structure: Structure, pos: int) -> bool:
        """Whether ``pos`` (a modal) stands in a condition of its limb: "If Customer does not approve ..."."""
        return self._condition.search(text, structure.at(pos).start, pos) is not None
