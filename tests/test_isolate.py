"""checker.isolate: a document that runs too long, eats memory or kills its worker costs only itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from checker.api import ContractChecker, ReadDocument
from checker.extract.limits import Limits
from checker.isolate import IsolationLimits, Job, JobResult, Source, assess_isolated, read_source
from checker.library.loader import load_library, resolve_playbook

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
DPA = str(CORPUS / "commonpaper-data-processing-agreement.md")
AI = str(CORPUS / "commonpaper-ai-addendum.md")


def hostile_reader(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """A reader that misbehaves on cue from the document's name, and reads normally otherwise."""
    if source.name.startswith("sleep"):
        time.sleep(600)
    if source.name.startswith("hog"):
        hoard = bytearray(4 * 1024**3)  # over the worker's address-space cap: MemoryError
        del hoard
    if source.name.startswith("die"):
        os._exit(7)  # a crash, as a segfault in a parser would be
    return read_source(checker, source, limits)


def _hostile(name: str) -> Source:
    return Source(name, name, data=b"Vendor shall notify Customer within 24 hours.")


@pytest.fixture(scope="module")
def results() -> dict[object, JobResult]:
    playbook = resolve_playbook("baseline", load_library())
    jobs = [
        Job("dpa", (Source("dpa.md", "dpa.md", path=DPA),)),
        Job("sleep", (_hostile("sleep.txt"),)),
        Job("hog", (_hostile("hog.txt"),)),
        Job("die", (_hostile("die.txt"),)),
        Job("bundle", (Source("dpa.md", "dpa.md", path=DPA), _hostile("sleep-in-bundle.txt"), Source("ai.md", "ai.md", path=AI))),
        Job("after", (Source("ai.md", "ai.md", path=AI),)),
    ]  # fmt: skip
    limits = IsolationLimits(timeout_s=3, memory_mb=1024)
    return {
        r.key: r for r in assess_isolated(jobs, playbook, workers=2, limits=limits, reader=hostile_reader)
    }


def test_every_job_has_a_result(results: dict[object, JobResult]) -> None:
    assert set(results) == {"dpa", "sleep", "hog", "die", "bundle", "after"}


def test_ordinary_documents_are_assessed(results: dict[object, JobResult]) -> None:
    for key in ("dpa", "after"):
        assert results[key].assessment is not None
        assert results[key].errors == []
        assert results[key].worker_maxrss_kb > 0
    statuses = {f.control: f.status.value for f in results["dpa"].assessment.findings}  # type: ignore[union-attr]
    assert statuses["incident_notification"] == "met"


def test_a_document_past_the_time_limit_is_killed_and_named(results: dict[object, JobResult]) -> None:
    (error,) = results["sleep"].errors
    assert results["sleep"].assessment is None
    assert error.path == "sleep.txt" and error.code == "limit_exceeded"
    assert "time limit (3 s)" in error.message and "--timeout" in error.hint


def test_a_document_past_the_memory_limit_is_reported(results: dict[object, JobResult]) -> None:
    (error,) = results["hog"].errors
    assert error.code == "limit_exceeded"
    assert "memory limit (1024 MB" in error.message and "--memory-mb" in error.hint


def test_a_crashed_worker_is_reported_and_replaced(results: dict[object, JobResult]) -> None:
    (error,) = results["die"].errors
    assert error.code == "limit_exceeded" and "exit code 7" in error.message
    assert results["after"].assessment is not None  # work went on after the crash and the kills


def test_a_bundle_loses_only_the_document_that_was_killed(results: dict[object, JobResult]) -> None:
    bundle = results["bundle"]
    assert bundle.assessment is not None
    assert [d.path for d in bundle.assessment.documents] == [DPA, AI]
    assert [e.path for e in bundle.errors] == ["sleep-in-bundle.txt"]
    assert [e.path for e in bundle.assessment.errors] == ["sleep-in-bundle.txt"]


def test_a_workers_peak_memory_is_its_own_not_its_parents() -> None:
    """ru_maxrss would report a child spawned from a 400 MB process as using 400 MB; the worker reads VmHWM."""
    import subprocess
    import sys

    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touch every page so it is resident
    out = subprocess.run(
        [sys.executable, "-c", "from checker.isolate.worker import maxrss_kb; print(maxrss_kb())"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    del ballast
    assert 0 < int(out) < 300 * 1024
