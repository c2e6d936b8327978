"""Term groups proven absent from a clause's words are not searched (checker.match.absence): a proof that
holds means the group's pattern finds nothing, on made-up and on real contract text."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.extract import extract_file
from checker.library.loader import load_library
from checker.match.absence import Absence
from checker.match.engine import Engine
from checker.match.phrases import compile_phrases, fold
from checker.match.rules import RuleIndex, compile_control, searches
from checker.segment import segment

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Engine(load_library())


def _words(index: RuleIndex, text: str) -> tuple[set[str], set[str]]:
    words = index.candidates(fold(text)).words
    assert words is not None
    return words


GROUP = ["per customer", "co-mingl*", "segregat*", "mix", "respond* to", "no right to audit"]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Personal data is kept apart from other customers' data.", True),  # "per..." starts a word
        ("Data is stored per customer.", False),
        ("Data is stored per-customer.", False),
        ("Data is stored percustomer.", False),
        ("Data is stored per tenant; each customer has a key.", False),  # "per", then a word "customer"
        ("Data is never commingled.", True),  # "co-mingl*" needs "comingl..." or "co" then "mingl..."
        ("Data is never co-mingled.", False),
        ("Data is segregated.", False),
        ("The mixture is fine.", True),  # "mix" is a whole word only
        ("We mix data.", False),
        ("Provider responds promptly to requests.", False),  # a word starts with "respond"
        ("There is no audit.", True),  # "no" is a word, but no word starts with "right"
        ("Customer has no rights to audit.", False),  # a word starts with "right": not proven
        ("Customer has no right to audit.", False),
        ("Customer has noright to audit.", False),
    ],
)
def test_a_proof_holds_only_where_no_phrase_can_occur(text: str, absent: bool) -> None:
    proof = Absence.of(GROUP)
    assert proof is not None
    index = RuleIndex([])
    index._prefix_words |= proof.keys  # the keys the engine's index records for every group
    holds = proof.holds(*_words(index, text))
    assert holds is absent
    if holds:
        assert compile_phrases(GROUP).search(fold(text)) is None


def test_a_group_with_a_phrase_the_index_cannot_anchor_has_no_proof() -> None:
    assert Absence.of(["driver's licen?e*", "passport*"]) is None
    assert Absence.of(["CI/CD"]) is None
    assert Absence.of(["x" * 30]) is None  # longer than the prefixes the index keeps


def _clauses() -> list[str]:
    out = []
    for path in sorted((ROOT / "fixtures" / "corpus").iterdir()):
        if path.suffix in (".md", ".txt"):
            out.extend(fold(c.text) for c in segment(extract_file(path)))
    return out


def test_on_the_corpus_clauses_a_group_proven_absent_is_never_found_by_its_pattern() -> None:
    index, held = ENGINE._index, 0
    for folded in _clauses():
        words = index.candidates(folded).words
        assert words is not None
        for compiled in ENGINE._controls:
            for group, proof in compiled.absence.items():
                if proof.holds(*words):
                    held += 1
                    assert compiled.groups[group].search(folded) is None, (group, folded[:120])
    assert held > 100_000


def test_a_clause_searches_only_the_groups_that_may_occur() -> None:
    control = load_library().controls["data_segregation"]
    compiled = compile_control(control, {})
    index = RuleIndex([compiled])
    folded = fold("Personal information of each customer is logically separated.")
    candidates = index.candidates(folded)
    searched = searches(candidates)
    assert searched.words == candidates.words
    proven = [g for g, proof in compiled.absence.items() if proof.holds(*candidates.words)]
    assert "segregate" not in proven  # "separated"
    assert all(compiled.groups[g].search(folded) is None for g in proven)
