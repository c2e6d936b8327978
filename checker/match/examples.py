"""Running every control's examples through the matcher, as semgrep runs a rule's test file.

Each example is read on its own (``Engine.match_text``) and judged with the ``all`` playbook's
acceptable thresholds. A met example must come out met with the parameters it lists; a weak example
weak (with its reason among the finding's reasons, when it names one); a conflict example a
conflict; a negative example must not address the control at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.library.loader import Library
from checker.library.schema import Example, Playbook
from checker.match.engine import Engine
from checker.score import judge

__all__ = ["EXAMPLE_PLAYBOOK", "ExampleResult", "check_examples"]

EXAMPLE_PLAYBOOK = Playbook(
    name="examples",
    title="Library examples",
    description="Every control at the library's acceptable thresholds.",
    level="acceptable",
    all_controls=True,
)


@dataclass(frozen=True)
class ExampleResult:
    """The outcome of one example: what was expected, what came out, and why it failed."""

    control: str
    kind: str  # met | weak | conflict | negative
    index: int
    text: str
    expected: str
    got: str
    params: dict[str, float]
    reasons: list[str]
    passed: bool
    problem: str = ""

    @property
    def label(self) -> str:
        """``control kind[index]`` as a test runner names a test."""
        return f"{self.control} {self.kind}[{self.index}]"


def _check(engine: Engine, control_id: str, kind: str, index: int, example: Example) -> ExampleResult:
    control = engine.library.controls[control_id]
    matches = [m for m in engine.match_text(example.text, example.heading or "") if m.control == control_id]
    finding = judge(control, matches, EXAMPLE_PLAYBOOK)
    got = finding.status.value
    expected = "missing" if kind == "negative" else kind
    problem = ""
    if got != expected:
        problem = f"expected {expected}, got {got}"
        if finding.reasons:
            problem += f" ({'; '.join(finding.reasons)})"
    elif kind == "weak" and example.reason and example.reason not in finding.reason_codes:
        problem = f"weak, but for {finding.reason_codes} rather than {example.reason!r}"
    else:
        for key, value in example.params.items():
            if finding.params.get(key) != value:
                problem = f"expected {key}={value:g}, got {finding.params or 'no parameters'}"
                break
    return ExampleResult(
        control=control_id,
        kind=kind,
        index=index,
        text=example.text,
        expected=expected,
        got=got,
        params=dict(finding.params),
        reasons=list(finding.reasons),
        passed=not problem,
        problem=problem,
    )


def check_examples(
    library: Library, engine: Engine | None = None, controls: list[str] | None = None
) -> list[ExampleResult]:
    """Every example of every control (or of ``controls``), in library order."""
    engine = engine or Engine(library)
    results: list[ExampleResult] = []
    for control_id, control in library.controls.items():
        if controls and control_id not in controls:
            continue
        ex = control.examples
        for kind, items in (
            ("met", ex.met),
            ("weak", ex.weak),
            ("conflict", ex.conflict),
            ("negative", ex.negative),
        ):
            for i, example in enumerate(items):
                results.append(_check(engine, control_id, kind, i, example))
    return results
