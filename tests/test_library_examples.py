"""Every example sentence of every control, through the matcher, as semgrep tests its rules."""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.examples import ExampleResult, check_examples

_LIBRARY = load_library()
_ENGINE = Engine(_LIBRARY)
_RESULTS = check_examples(_LIBRARY, _ENGINE)


@pytest.mark.parametrize("result", _RESULTS, ids=[r.label for r in _RESULTS])
def test_example(result: ExampleResult) -> None:
    assert result.passed, f"{result.problem}\n  text: {result.text}"


def test_every_control_has_examples_of_each_kind() -> None:
    kinds = {(r.control, r.kind) for r in _RESULTS}
    for control_id in _LIBRARY.controls:
        for kind in ("met", "weak", "conflict", "negative"):
            assert (control_id, kind) in kinds, f"{control_id} has no {kind} example"
