"""Weak-language hits kept per clause (checker.match.qualifiers) and the term index's filing
(checker.match.rules): the shared work finds exactly what the separate scans find, on real contract text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.extract import extract_file
from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.phrases import fold
from checker.match.qualifiers import Qualifiers, parentheticals
from checker.match.rules import _TOKEN, RuleIndex, negated_at
from checker.segment import segment

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Engine(load_library())
DOCUMENTS = sorted((ROOT / "fixtures" / "corpus").glob("*.md"))[:4]


def _bodies() -> list[str]:
    out = []
    for path in DOCUMENTS:
        out.extend(fold(c.text) for c in segment(extract_file(path)))
    return out


BODIES = _bodies()
PATTERNS = list({id(p): p for c in ENGINE._controls for p in c.weak.values()}.values())


def _scan(pattern: re.Pattern[str], body: str) -> list[tuple[int, str]]:
    """One scan of one pattern, as the judging stage made it for every control before the hits were kept."""
    asides = parentheticals(body)
    return [
        (h.start(), h.group(0))
        for h in pattern.finditer(body)
        if not any(a < h.start() < b for a, b in asides)
        and not negated_at(body, h.start(), ENGINE.vocabulary)
    ]


def _kept(
    qualifiers: Qualifiers, pattern: re.Pattern[str], first: int | None = None
) -> list[tuple[int, str]]:
    """The kept hits not negated, read as the judging stage reads them (``first``: stop after so many)."""
    out = []
    for h in qualifiers.hits(pattern):
        if first is not None and len(out) == first:
            break
        if not qualifiers.negated(h.start(), ENGINE.vocabulary):
            out.append((h.start(), h.group(0)))
    return out


def test_the_corpus_text_has_qualifiers_to_find() -> None:
    assert len(BODIES) > 100 and len(PATTERNS) > 3
    assert sum(bool(_scan(p, b)) for b in BODIES for p in PATTERNS) > 20
    assert sum(len(_scan(p, b)) > 1 for b in BODIES for p in PATTERNS) > 0


@pytest.mark.parametrize("first", [None, 1, 2])
def test_kept_hits_are_the_hits_of_a_separate_scan_in_any_order(first: int | None) -> None:
    # A reader that stops at its first hit leaves the rest of the scan to the next reader.
    for body in BODIES:
        forwards, backwards = Qualifiers(body), Qualifiers(body)
        for pattern in PATTERNS:
            for stop in (first, None, first):
                assert _kept(forwards, pattern, stop) == _scan(pattern, body)[:stop], (
                    pattern.pattern[:60],
                    body,
                )
        for pattern in reversed(PATTERNS):
            assert _kept(backwards, pattern) == _scan(pattern, body)


def test_two_readers_of_one_scan_take_turns() -> None:
    body = "vendor shall use reasonable efforts, where feasible and where practicable, to notify promptly"
    pattern = re.compile(r"where \w+")
    qualifiers = Qualifiers(body)
    one, two = qualifiers.hits(pattern), qualifiers.hits(pattern)
    assert next(one).group(0) == "where feasible"
    assert [h.group(0) for h in two] == ["where feasible", "where practicable"]
    assert [h.group(0) for h in one] == ["where practicable"]


def test_a_parenthetical_qualifier_is_not_a_hit() -> None:
    pattern = re.compile(r"reasonable efforts")
    assert list(Qualifiers("vendor shall use reasonable efforts to encrypt data").hits(pattern))
    aside = Qualifiers("vendor shall encrypt data (using reasonable efforts as to legacy media) at rest")
    assert list(aside.hits(pattern)) == []


def _flat_candidates(index: RuleIndex, folded: str) -> dict[int, set[str]]:
    """The term index's candidates with every longer phrase checked word by word under its anchor only."""
    tokens = set(_TOKEN.findall(folded))
    prefixes: set[str] = set()
    for t in tokens:
        prefixes |= index._word_prefixes(t)
    pairs = set(index._always)
    for key in (tokens & index._exact_keys) | (prefixes & index._prefix_keys):
        pairs |= index._glued[key] if key[-1] == "*" and key[:-1] not in tokens else index._single[key]
    for anchor, filed in index._longer.items():
        entries = [(frozenset(), prefix, pair) for prefix, pair in filed.alone]
        entries += [(e | {s}, p, pair) for s, es in filed.by_second.items() for e, p, pair in es]
        for exact, prefix, pair in entries:
            if anchor in tokens and exact <= tokens and prefix <= prefixes:
                pairs.add(pair)
    found: dict[int, set[str]] = {}
    for i, group in pairs:
        found.setdefault(i, set()).add(group)
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_phrases_filed_under_two_words_give_the_candidates_of_a_word_by_word_check(document: Path) -> None:
    index = ENGINE._index
    clauses = [fold(c.text) for c in segment(extract_file(document))]
    assert sum(len(index.candidates(c)) for c in clauses) > len(clauses)
    for folded in clauses:
        assert index.candidates(folded) == _flat_candidates(index, folded)
