"""Met or weak: how firmly a clause binds the vendor, on real sentences of the open corpus.

Each test is one mechanism of the decision stages (checker/match/judge.py) that the cross-validated status
agreement showed wrong against the corpus labelling rules (clause_library/corpus/LABELLING.md); the sentences
are copied from open-split documents of the corpus, with a firm counterpart beside each.
"""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.engine import Engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_library())


def _read(engine: Engine, text: str, control: str, heading: str = "") -> tuple[str, list[str]]:
    """The status and reason codes of the rules' reading of ``text`` for ``control``."""
    found = [m for m in engine.match_text(text, heading) if m.control == control]
    assert len(found) == 1, engine.explain(text, heading)
    return found[0].status.value, found[0].reason_codes


def test_business_continuity_without_a_schedule_objective_or_interval_is_weak(engine: Engine) -> None:
    # CA/Browser Forum TLS Baseline Requirements 5.7: plans, but no backup schedule, recovery objective
    # or test interval (LABELLING.md rule 61: business continuity is measured by its numbers).
    plans = "CA organizations shall have an Incident Response Plan and a Disaster Recovery Plan."
    assert _read(engine, plans, "business_continuity") == ("weak", ["no_parameter"])
    tested = (
        "CA organizations shall have a Disaster Recovery Plan and shall test it at least once every twelve "
        "(12) months."
    )
    assert _read(engine, tested, "business_continuity") == ("met", [])
