"""Where the time of the two big misses of issue 14 goes, measured in the same ``make bench`` run.

* **match + score**: every corpus clause matched and scored once more with a timer around each stage of
  the matcher (exclusive time: a stage's time leaves out the stages it calls), then once under
  ``cProfile`` for its top entries by own time. The stage timers cost about a microsecond a call; cProfile
  inflates Python-heavy functions against regular expressions (which run in C), so the stage split is the
  figure to read and the cProfile list says which functions are inside each stage.
* **``clausecheck check`` with isolation**: the same steps as the CLI (``checker.cli.check_cmd``) with a
  clock between them: start-up imports, starting the fork server, the library and playbook, waiting for
  the fork server to import and build the checker, the worker's document (extraction, segmentation,
  match, score), and the report.

Both run in a fresh process (:func:`bench.bench_speed.measure_child`) and print JSON.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Matcher stages timed in the match profile: (module, attribute, label), in pipeline order.
STAGES = (
    ("checker.match.engine", "Engine.context", "document context: parties and roles, defined periods"),
    ("checker.match.rules", "RuleIndex.candidates", "term index: which controls' words occur"),
    ("checker.match.engine", "rule_hit", "rules: term-group regular expressions, nearness"),
    ("checker.match.engine", "Engine._prepare", "clause preparation: numbers, modals, non-evidence"),
    ("checker.match.engine", "judge", "judging stages: party, modality, numbers, weak language"),
    ("checker.match.engine", "Engine._features", "detector features: words, pairs, term groups"),
    ("checker.detect.model", "Detector._linear", "detector linear model (NumPy)"),
    ("checker.detect.vectors", "StaticVectors.embed", "detector: clauses into vectors (word pieces, mean)"),
    (
        "checker.detect.neighbours",
        "Neighbours.probabilities",
        "detector neighbour vote (NumPy: similarities, top 20)",
    ),
    ("checker.detect.model", "Detector.why", "detector explanations: weights"),
    ("checker.detect.model", "Detector.like", "detector explanations: nearest labelled clauses"),
    ("checker.detect.model", "Detector.nearest", "detector explanations: nearest labelled clauses"),
    ("checker.match.engine", "Engine._detect", "detector proposals and set-asides: loop, copies"),
    ("bench.speed_profile", "assess", "score: findings per control"),
)


class _Clock:
    """Exclusive process time per label, kept on a stack so that nested stages are not counted twice."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.stack: list[list[float]] = []  # [started, time of nested stages]

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append([time.process_time(), 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                started, nested = self.stack.pop()
                took = time.process_time() - started
                self.spent[label] = self.spent.get(label, 0.0) + took - nested
                if self.stack:
                    self.stack[-1][1] += took

        return timed


def _patch(clock: _Clock) -> list[tuple[object, str, object]]:
    import importlib

    undo = []
    for module_name, attr, label in STAGES:
        owner: object = importlib.import_module(module_name)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        undo.append((owner, name, original))
        setattr(owner, name, clock.wrap(label, original))
    return undo


def assess(*args: Any, **kwargs: Any) -> Any:
    """:func:`checker.score.assess`, called through this module so that its time has a label."""
    from checker.score import assess as score

    return score(*args, **kwargs)


def child_match_profile() -> dict[str, Any]:
    """Match + score the corpus clauses once per stage clock, once under cProfile (after a warm pass)."""
    from bench.bench_speed import _corpus_clauses
    from checker.api import ContractChecker, document_info
    from checker.library.loader import expand_playbook
    from checker.match.examples import EXAMPLE_PLAYBOOK

    checker, docs, words = _corpus_clauses()
    assert isinstance(checker, ContractChecker)
    playbook = expand_playbook(EXAMPLE_PLAYBOOK, checker.library)

    def one_pass() -> None:
        for doc, clauses in docs:
            matches = checker.engine.match_document(doc, clauses)  # type: ignore[arg-type]
            assess([document_info(doc)], matches, playbook, checker.library)  # type: ignore[arg-type]

    one_pass()  # warm: the detector's example index, regular-expression caches
    clock = _Clock()
    undo = _patch(clock)
    started = time.process_time()
    try:
        one_pass()
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)
    total = time.process_time() - started
    stages = {label: clock.spent.get(label, 0.0) for _, _, label in STAGES}  # a label may time two functions
    stages["other: clause loop, lead-ins, match lists"] = max(0.0, total - sum(stages.values()))

    profile = cProfile.Profile()
    profile.enable()
    one_pass()
    profile.disable()
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (filename, line, func), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("/site-packages/")[-1]
        if where.startswith(str(ROOT)):
            where = where[len(str(ROOT)) + 1 :]
        name = f"{where}:{line} {func}" if line else func
        rows.append((own, cumulative, calls, name))
    rows.sort(reverse=True)
    profiled = sum(r[0] for r in rows)
    top = [{"own": own / profiled, "cumulative": cum / profiled, "calls": calls, "name": name}
           for own, cum, calls, name in rows[:12]]  # fmt: skip
    return {"seconds": total, "cpu": total, "words": words, "stages": stages, "top": top}


def child_check_timeline(path: str) -> dict[str, Any]:
    """``clausecheck check PATH --format json`` step by step, as :func:`checker.cli.check_cmd.run` does it."""
    zero_wall, zero_cpu = time.perf_counter(), time.process_time()
    marks: list[tuple[str, float, float]] = []

    def mark(step: str) -> None:
        marks.append((step, time.perf_counter() - zero_wall, time.process_time() - zero_cpu))

    import checker.cli.check_cmd  # noqa: F401
    from checker.isolate import IsolationLimits, Job, Source, assess_isolated, prestart

    mark("CLI imports")
    prestart()
    mark("fork server started (it imports and builds the checker from here on)")
    from checker.report import write_report

    mark("report writers imported (beside the fork server)")
    from checker.library.loader import DEFAULT_LIBRARY, load_library, resolve_playbook

    playbook = resolve_playbook("baseline", load_library(DEFAULT_LIBRARY))
    mark("library (from the cache) and playbook (beside the fork server)")
    job = Job(0, (Source(name="contract.pdf", label=path, path=path, vendor=None),))
    results = list(assess_isolated([job], playbook, workers=1, limits=IsolationLimits()))
    done_wall = time.perf_counter() - zero_wall
    worker_s, worker_cpu = results[0].seconds, results[0].cpu_seconds
    ready = done_wall - worker_s
    marks.append(("waiting for the fork server: its imports and checker build", ready, marks[-1][2]))
    marks.append(("the worker's document: extract, segment, match, score", done_wall, marks[-1][2]))
    write_report("json", [r.assessment for r in results if r.assessment], io.StringIO(), errors=[])
    mark("JSON report")
    steps, previous = [], 0.0
    for step, at, _ in marks:
        steps.append({"step": step, "seconds": at - previous, "at": at})
        previous = at
    return {"seconds": marks[-1][1], "cpu": marks[-1][2], "worker_cpu": worker_cpu, "steps": steps}


def profile_tables(profile: dict[str, Any], top: int = 10) -> list[str]:
    """The stage split and the top functions of one :func:`child_match_profile` pass, as Markdown tables
    (``bench_match --profile`` and ``make bench`` both show them)."""
    total = profile["seconds"]
    stages = sorted(profile["stages"].items(), key=lambda kv: -kv[1])
    return [
        "| stage | CPU s | share |",
        "|---|---:|---:|",
        *(f"| {label} | {sec:.3f} | {sec / total:.0%} |" for label, sec in stages),
        "",
        "Top functions by own time under `cProfile` (it inflates Python code against regular expressions "
        "and NumPy, which run in C; shares of the profiled time):",
        "",
        "| function | own | cumulative | calls |",
        "|---|---:|---:|---:|",
        *(
            f"| `{t['name']}` | {t['own']:.0%} | {t['cumulative']:.0%} | {t['calls']:,} |"
            for t in profile["top"][:top]
        ),
    ]
