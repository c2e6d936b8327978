"""Workers start warm: forked from a fork server that has built the checker (checker.isolate.pool, .warm).

Each worker runs a reader that reports, as the message of a typed error, what it found in its own
process: whether its checker is the one the fork server built, which library it reads, and what the
environment says.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from checker.api import ContractChecker, ReadDocument
from checker.errors import ClauseCheckError
from checker.extract.limits import Limits
from checker.isolate import IsolationLimits, Job, JobResult, Source, assess_isolated
from checker.isolate.pool import WARM_MODULE
from checker.library.loader import DEFAULT_LIBRARY, load_library, resolve_playbook

_ENV = "CLAUSECHECK_TEST_WARM"


def report_reader(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """Report this worker's checker and environment instead of reading the source."""
    warm = sys.modules.get(WARM_MODULE)
    preloaded = warm is not None and checker is warm._WARM
    raise ClauseCheckError(
        f"warm={preloaded} root={checker.library.root} env={os.environ.get(_ENV, '-')} pid={os.getpid()}"
    )


def _report(library: str | None = None, jobs: int = 1) -> list[dict[str, str]]:
    playbook = resolve_playbook("baseline", load_library(library or DEFAULT_LIBRARY))
    work = [Job(i, (Source(f"{i}.txt", f"{i}.txt", data=b"x"),)) for i in range(jobs)]
    results: list[JobResult] = list(
        assess_isolated(work, playbook, workers=1, limits=IsolationLimits(timeout_s=60), library=library, reader=report_reader)
    )  # fmt: skip
    found = []
    for result in results:
        (error,) = result.errors
        found.append(dict(part.split("=", 1) for part in error.message.split()))
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_a_worker_uses_the_checker_the_fork_server_built() -> None:
    (found,) = _report()
    assert found["warm"] == "True"
    assert Path(found["root"]) == DEFAULT_LIBRARY


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_a_worker_for_another_library_builds_its_own(tmp_path: Path) -> None:
    other = tmp_path / "library"
    shutil.copytree(DEFAULT_LIBRARY, other, ignore=shutil.ignore_patterns("corpus"))
    (found,) = _report(str(other))
    assert found["warm"] == "False"
    assert Path(found["root"]) == other


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_workers_see_the_environment_of_the_run_that_starts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_ENV, "first")
    (first,) = _report()
    monkeypatch.setenv(_ENV, "second")  # e.g. a guard on PYTHONPATH: the server restarts to pass it on
    (second,) = _report()
    assert (first["env"], second["env"]) == ("first", "second")
    assert first["warm"] == second["warm"] == "True"


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_a_killed_worker_is_replaced_by_another_warm_one() -> None:
    playbook = resolve_playbook("baseline", load_library())
    jobs = [
        Job("die", (Source("die.txt", "die.txt", data=b"x"),)),
        Job("next", (Source("n.txt", "n.txt", data=b"x"),)),
    ]
    results = {
        r.key: r
        for r in assess_isolated(jobs, playbook, workers=1, limits=IsolationLimits(timeout_s=60), reader=dying_reader)
    }  # fmt: skip
    assert "exit code 9" in results["die"].errors[0].message
    assert results["next"].errors[0].message.startswith("warm=True")


def dying_reader(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """Crash on the document named die.txt; report like :func:`report_reader` otherwise."""
    if source.name == "die.txt":
        os._exit(9)
    return report_reader(checker, source, limits)


def test_a_result_carries_the_cpu_time_its_worker_spent() -> None:
    """A forked worker is the fork server's child, not ours: RUSAGE_CHILDREN misses it, so it reports."""
    dpa = (
        Path(__file__).resolve().parent.parent
        / "fixtures"
        / "corpus"
        / "commonpaper-data-processing-agreement.md"
    )
    playbook = resolve_playbook("baseline", load_library())
    (result,) = assess_isolated(
        [Job("dpa", (Source("dpa.md", "dpa.md", path=str(dpa)),))], playbook, workers=1
    )
    assert result.assessment is not None
    assert 0.0 < result.cpu_seconds <= result.seconds + 0.05  # one thread: no more CPU than wall time
