"""Clean corpus (as Sigma runs rules over benign logs): boilerplate that binds the vendor to no security
control must produce no *met* finding.

Every clause of the real agreements in fixtures/corpus under a heading about payment, limitation of
liability, indemnities, warranties and disclaimers, intellectual property, governing law, assignment, publicity,
force majeure, definitions or general terms is read; none may satisfy a control. Known, accepted false
positives are listed with a reason (none today).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.api import ContractChecker
from checker.models import Status

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
BOILERPLATE = re.compile(
    r"^(?:fees?|payment\w*|invoic\w*|taxes|limitation of liability|indemni\w*|warrant\w*|disclaimer\w*|"
    r"intellectual property|ownership|governing law|jurisdiction|dispute\w*|assignment|publicity|"
    r"force majeure|definitions?|general terms|miscellaneous|entire agreement|notices|export\w*|"
    r"anti-?bribery|trademarks?|beta\w*|free \w+|order of precedence|counterparts|severability)\b",
    re.IGNORECASE,
)
#: (document, clause text prefix) → why the met finding is accepted. Empty: every hit is a bug.
ACCEPTED: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".txt", ".pdf")), ids=lambda p: p.name
)
def test_boilerplate_produces_no_met_finding(checker: ContractChecker, path: Path) -> None:
    read = checker.read_file(path)
    boiler = {c.index for c in read.clauses if c.heading_path and BOILERPLATE.search(c.heading_path[-1])}
    offenders = [
        f"{m.control}: [{read.clauses[m.clause_index].heading}] {m.evidence.text[:160]}"
        for m in read.matches
        if m.clause_index in boiler
        and m.status == Status.MET
        and (path.name, m.evidence.text[:40]) not in ACCEPTED
    ]
    assert not offenders, "\n".join(offenders)


def test_the_clean_corpus_is_not_empty(checker: ContractChecker) -> None:
    total = 0
    for path in CORPUS.iterdir():
        if path.suffix in (".md", ".txt", ".pdf"):
            read = checker.read_file(path)
            total += sum(1 for c in read.clauses if c.heading_path and BOILERPLATE.search(c.heading_path[-1]))
    assert total > 150
