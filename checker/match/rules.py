"""Term rules: which controls a clause can address, and which of their rules its words satisfy.

A control's ``match.terms`` are compiled once into one regular expression per group
(:mod:`checker.match.phrases`). :class:`RuleIndex` indexes every word of every phrase, so that a clause
is tokenised once and only the groups that have a phrase whose every word occurs in it are searched
with their regular expression, and only for controls whose rules could then all hit: the cost per
clause stays nearly flat in the number of controls. :func:`rule_hit` then finds the first conflict rule,
rule or weak rule whose groups all hit (within ``near`` words, where the control asks for it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice, product

from checker.library.schema import Control
from checker.match.absence import MAX_PREFIX, Absence
from checker.match.phrases import compile_phrases, phrase_anchors
from checker.match.vocabulary import Vocabulary

__all__ = [
    "Candidates",
    "CompiledControl",
    "RuleHit",
    "RuleIndex",
    "compile_control",
    "negated_at",
    "rule_hit",
    "searches",
]

_TOKEN = re.compile(r"[^\W_]+")
_MAX_WORDS = 200_000  # words whose prefix keys are kept
_NEAREST = 6  # hits of each term group tried when a rule asks for its groups within ``near`` words


@dataclass(frozen=True)
class CompiledControl:
    """A control with its phrase groups and qualifiers compiled, built once per engine."""

    control: Control
    groups: dict[str, re.Pattern[str]]
    exclude: re.Pattern[str] | None
    weak_terms: re.Pattern[str] | None
    weak: dict[str, re.Pattern[str]]
    contexts: dict[str, re.Pattern[str]]
    all_rules: tuple[frozenset[str], ...]
    # Every rule in the order it is tried (conflicts, rules, weak rules): its name, groups and kind.
    ordered: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    # Per term group that can be proven absent from a clause's words, the proof (checker.match.absence).
    absence: dict[str, Absence] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleHit:
    """The rule that fired and the words it matched; ``partial`` for weak rules, ``conflict`` for exclusions."""

    rule: str
    words: list[str]
    partial: bool = False
    conflict: bool = False


def compile_control(control: Control, weak_patterns: dict[str, re.Pattern[str]]) -> CompiledControl:
    """Compile a control's phrase groups, exclusions, weak terms and parameter contexts."""
    spec = control.match
    return CompiledControl(
        control=control,
        groups={k: compile_phrases(v) for k, v in {**spec.terms, **spec.conflict_terms}.items()},
        exclude=compile_phrases(spec.exclude) if spec.exclude else None,
        weak_terms=compile_phrases(spec.weak_terms) if spec.weak_terms else None,
        weak={r: weak_patterns[r] for r in control.weak_reasons if r in weak_patterns},
        contexts={p.key: compile_phrases(p.context) for p in control.parameters if p.context},
        absence={
            k: absence
            for k, v in {**spec.terms, **spec.conflict_terms}.items()
            if (absence := Absence.of(v)) is not None
        },
        all_rules=tuple(frozenset(r) for r in [*spec.conflict, *spec.rules, *spec.weak_rules]),
        ordered=tuple(
            (f"{control.id}.{kind}[{i}]", tuple(rule), kind)
            for kind, rules in (
                ("conflict", spec.conflict),
                ("rules", spec.rules),
                ("weak_rules", spec.weak_rules),
            )
            for i, rule in enumerate(rules)
        ),
    )


class RuleIndex:
    """An index over the words of every phrase of every compiled control."""

    def __init__(self, controls: Sequence[CompiledControl]) -> None:
        first: dict[str, list[tuple[frozenset[str], frozenset[str], tuple[int, str]]]] = {}
        self._always: set[tuple[int, str]] = set()
        for i, compiled in enumerate(controls):
            spec = compiled.control.match
            for group, phrases in {**spec.terms, **spec.conflict_terms}.items():
                for phrase in phrases:
                    keys = phrase_anchors(phrase)
                    if keys is None:
                        self._always.add((i, group))
                        continue
                    exact = frozenset(k for k in keys[1:] if not k.endswith("*"))
                    prefix = frozenset(k for k in keys[1:] if k.endswith("*"))
                    first.setdefault(keys[0], []).append((exact, prefix, (i, group)))
        self._exact_keys = frozenset(k for k in first if not k.endswith("*"))
        self._prefix_keys = frozenset(k for k in first if k.endswith("*"))
        # Every prefix key of every phrase, first word or later: a word's prefixes outside it matter nowhere.
        self._prefix_words = (
            self._prefix_keys
            | frozenset(k for entries in first.values() for _, prefix, _ in entries for k in prefix)
            | frozenset(k for c in controls for absence in c.absence.values() for k in absence.keys)
        )
        # Per word seen, the prefix keys it starts with (most words: none); kept across clauses and
        # documents, up to a bound, since contracts share most of their words.
        self._prefixes_of: dict[str, frozenset[str]] = {}
        # Per first word: every (control, group) it stands for (all of them count when the word is glued to
        # the next, as in "multifactor") and those of one-word phrases (nothing more to check).
        self._glued = {key: frozenset(pair for _, _, pair in entries) for key, entries in first.items()}
        self._single = {
            key: frozenset(pair for exact, prefix, pair in entries if not exact and not prefix)
            for key, entries in first.items()
        }
        # A longer phrase counts, when its first word is not glued to the next, if that word and every
        # later word occur: all its exact words and its later prefixes. It is filed under the longest of
        # its exact words, not its first ("not" of "not notify" starts "notify", "notice" and "nothing"
        # too), so that a clause looks only at phrases whose least common word it contains. A first word
        # of over 24 letters is never among a clause's prefixes, so such a phrase can only count glued.
        longer: dict[str, list[tuple[frozenset[str], frozenset[str], tuple[int, str]]]] = {}
        for key, entries in first.items():
            word = key.removesuffix("*")
            for exact, prefix, pair in entries:
                if (exact or prefix) and (word == key or len(word) <= MAX_PREFIX):
                    words = exact | {word}
                    anchor = max(words, key=_rarer)
                    longer.setdefault(anchor, []).append((words - {anchor}, prefix, pair))
        self._longer = {anchor: _Filed.of(entries) for anchor, entries in longer.items()}
        self._longer_keys = frozenset(self._longer)

    def candidates(self, folded: str) -> Candidates:
        """Per control index, the term groups with a phrase whose every word occurs in the clause.

        A first word that starts a longer word of the clause lets in every group with a phrase that
        begins with it (the words may be written as one). The clause's words and word prefixes go with
        the result, so that a group's pattern proven absent from them is not searched (:func:`searches`).
        """
        tokens = set(_TOKEN.findall(folded))
        prefixes: set[str] = set()
        known = self._prefixes_of.get
        for t in tokens:
            hit = known(t)
            if hit is None:
                hit = self._word_prefixes(t)
            if hit:
                prefixes |= hit
        pairs: set[tuple[int, str]] = set(self._always)
        # Set intersections and unions run in C: only the first words that occur are looked at.
        single = self._single
        pairs.update(*map(single.__getitem__, tokens & self._exact_keys))
        for key in prefixes & self._prefix_keys:
            # "multifactor" for "multi-factor": a prefix glued to the next word stands for every phrase.
            pairs |= self._glued[key] if key[:-1] not in tokens else single[key]
        for anchor in tokens & self._longer_keys:
            filed = self._longer[anchor]
            for prefix, pair in filed.alone:
                if pair not in pairs and prefix <= prefixes:
                    pairs.add(pair)
            for second in tokens & filed.seconds:
                for exact, prefix, pair in filed.by_second[second]:
                    if pair not in pairs and exact <= tokens and prefix <= prefixes:
                        pairs.add(pair)
        found = Candidates()
        found.words = (tokens, prefixes)
        known_control = found.get
        for i, group in pairs:
            groups = known_control(i)
            if groups is None:
                found[i] = {group}
            else:
                groups.add(group)
        return found

    def _word_prefixes(self, word: str) -> frozenset[str]:
        """The prefix keys ("incident*") that ``word`` starts with (prefixes of up to MAX_PREFIX letters)."""
        hit = frozenset(word[:n] + "*" for n in range(1, min(len(word), MAX_PREFIX) + 1)) & self._prefix_words
        if len(self._prefixes_of) < _MAX_WORDS:
            self._prefixes_of[word] = hit
        return hit


class Candidates(dict[int, set[str]]):
    """:meth:`RuleIndex.candidates`: per control index, its term groups that the clause can contain.

    ``words`` are the clause's words and the prefix keys they start with, as the index read them.
    """

    words: tuple[set[str], set[str]] | None = None


class Searches(dict[int, "re.Match[str] | None"]):
    """The first hit of each term group's pattern in one clause (None: no hit), keyed by the pattern's id,
    with the clause's words: a group proven absent from them (:class:`~checker.match.absence.Absence`)
    is not searched."""

    words: tuple[set[str], set[str]] | None = None


def searches(candidates: dict[int, set[str]]) -> Searches:
    """An empty :class:`Searches` for the clause whose term groups are ``candidates``."""
    out = Searches()
    if isinstance(candidates, Candidates):
        out.words = candidates.words
    return out


def _rarer(word: str) -> tuple[int, str]:
    """The longer word first: a long word occurs in fewer clauses (ties by the word, so filing is stable)."""
    return len(word), word


@dataclass(frozen=True)
class _Filed:
    """The longer phrases filed under one anchor word, filed again under their next rarest exact word.

    A clause that contains the anchor ("security") then looks only at the phrases whose second word it
    contains too: common anchors stand for dozens of phrases, most of which a clause cannot complete.
    """

    alone: tuple[tuple[frozenset[str], tuple[int, str]], ...]  # (later prefixes, pair): no other exact word
    by_second: dict[str, list[tuple[frozenset[str], frozenset[str], tuple[int, str]]]]
    seconds: frozenset[str]

    @classmethod
    def of(cls, entries: list[tuple[frozenset[str], frozenset[str], tuple[int, str]]]) -> _Filed:
        """File ``entries`` (the phrase's other exact words, its prefix keys, its pair)."""
        alone: list[tuple[frozenset[str], tuple[int, str]]] = []
        by_second: dict[str, list[tuple[frozenset[str], frozenset[str], tuple[int, str]]]] = {}
        for others, prefix, pair in entries:
            if not others:
                alone.append((prefix, pair))
                continue
            second = max(others, key=_rarer)
            by_second.setdefault(second, []).append((others - {second}, prefix, pair))
        return cls(tuple(alone), by_second, frozenset(by_second))


def rule_hit(
    compiled: CompiledControl,
    text: str,
    words: Vocabulary,
    possible: set[str] | None = None,
    searched: dict[int, re.Match[str] | None] | None = None,
) -> RuleHit | None:
    """The first conflict rule, rule or weak rule whose term groups all hit (conflicts first), unless the
    control's ``exclude`` phrases occur in the text.

    ``possible`` are the groups with a phrase whose words all occur in the text; the others cannot hit.
    ``searched`` holds the first hit of each term group's pattern in ``text`` (``None``: no hit), keyed
    by the pattern's ``id``, shared by the controls read on the same text: a pattern's own hash is
    worked out afresh from its compiled code at every lookup (about 1 µs for a long phrase list).
    """
    hit = _first_rule(compiled, text, words, possible, searched)
    # Looked for only once a rule hits: most clauses that share a word with a control hit none of its rules.
    if hit is None or (compiled.exclude is not None and compiled.exclude.search(text)):
        return None
    return hit


def _first_rule(
    compiled: CompiledControl,
    text: str,
    vocabulary: Vocabulary,
    possible: set[str] | None,
    searched: dict[int, re.Match[str] | None] | None,
) -> RuleHit | None:
    # One loop over the rules in the order they are tried, with each term group searched in line: this
    # runs for every control a clause shares a word with (seven a clause on the corpus), and few hit.
    near = compiled.control.match.near
    groups = compiled.groups
    if searched is None:
        searched = {}
    # A term group's first hit in the text (shared through ``searched`` by every control that uses the
    # same phrases); with ``near``, its later hits too, looked for only once every group of a rule has hit.
    first: dict[str, re.Match[str] | None] = {}
    every: dict[str, list[re.Match[str]]] = {}
    known = searched.words if isinstance(searched, Searches) else None
    for name, rule, kind in compiled.ordered:
        if possible is not None and not possible.issuperset(rule):
            continue  # a group without a phrase whose words all occur cannot hit
        found: list[re.Match[str]] = []
        for group in rule:
            if group in first:
                m = first[group]
            else:
                key = id(groups[group])  # alive as long as the compiled control that holds it
                if key in searched:
                    m = searched[key]
                elif known is not None and (proof := compiled.absence.get(group)) and proof.holds(*known):
                    m = searched[key] = None  # three searches in four found nothing, most of them provably
                else:
                    m = searched[key] = groups[group].search(text)
                first[group] = m
            if m is None:
                break
            found.append(m)
        else:
            if near and len(found) > 1:
                words = _closest(
                    [_hits(groups, group, m, text, every) for group, m in zip(rule, found, strict=True)],
                    text,
                    near,
                )
            else:
                words = [m.group(0) for m in found]
            if words is None:
                continue
            if kind == "conflict":
                if _double_negative(text, words, vocabulary):
                    continue
                return RuleHit(name, words, conflict=True)
            return RuleHit(name, words, partial=kind == "weak_rules")
    return None


def _hits(
    groups: dict[str, re.Pattern[str]],
    group: str,
    m: re.Match[str],
    text: str,
    every: dict[str, list[re.Match[str]]],
) -> list[re.Match[str]]:
    """The first ``_NEAREST`` hits of a term group whose first hit is ``m`` (kept in ``every``)."""
    hits = every.get(group)
    if hits is None:
        hits = every[group] = [m, *islice(groups[group].finditer(text, m.end()), _NEAREST - 1)]
    return hits


def _closest(found: list[list[re.Match[str]]], text: str, near: int) -> list[str] | None:
    """The words of the combination of hits (the first ``_NEAREST`` of each group) spanning the fewest
    words, if that is at most ``near`` words."""
    best = None
    for combo in product(*(f[:_NEAREST] for f in found)):
        lo = min(m.start() for m in combo)
        hi = max(m.end() for m in combo)
        words = len(text[lo:hi].split())
        if best is None or words < best[0]:
            best = (words, combo)
    if best is None or best[0] > near:
        return None
    return [m.group(0) for m in best[1]]


def _double_negative(text: str, words: list[str], vocabulary: Vocabulary) -> bool:
    """'without any obligation of confidentiality': a negation that the text itself negates."""
    spans = [(i, i + len(w)) for w in words if (i := text.find(w)) >= 0]
    outer = [a for a, b in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)]
    return bool(outer) and negated_at(text, min(outer), vocabulary)


def negated_at(text: str, pos: int, vocabulary: Vocabulary) -> bool:
    """'at no additional cost': a weak phrase that the text itself negates (the language file's
    ``negations`` within its ``negation_reach``)."""
    return vocabulary.negation.search(text[max(0, pos - vocabulary.negation_reach) : pos]) is not None
