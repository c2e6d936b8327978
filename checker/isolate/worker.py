"""A worker process: cap its memory, build the checker once, then assess jobs sent over its pipe.

Messages to the parent: ``("ready", None)`` once the checker is built, ``("start", i)`` before reading
the i-th document of a job (the parent restarts that document's clock), ``("done", JobResult)``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from checker.errors import ClauseCheckError
from checker.isolate.jobs import IsolationLimits, Job, JobResult, Reader, limit_error

if TYPE_CHECKING:
    from checker.api import ContractChecker, ReadDocument
    from checker.library.schema import Playbook
    from checker.models import InputError

__all__ = ["worker_main"]

MB = 1024 * 1024


def _cap_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    cap = memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def maxrss_kb() -> int:
    """This process's peak resident set size in KiB (Linux units).

    ``VmHWM`` is this process image's own peak. ``ru_maxrss`` also carries the high-water mark of the
    parent a worker was spawned from (it survives fork and exec), so it is only the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _run_job(
    checker: ContractChecker,
    conn: Connection,
    job: Job,
    playbook: Playbook,
    limits: IsolationLimits,
    reader: Reader,
) -> JobResult:
    from checker.api import input_error
    from checker.models import InputError

    started, cpu_started = time.perf_counter(), time.process_time()
    read: list[ReadDocument] = []
    errors: list[InputError] = []
    for index, source in enumerate(job.sources):
        conn.send(("start", index))
        try:
            read.append(reader(checker, source, limits.extract))
        except ClauseCheckError as exc:
            errors.append(input_error(source.label, exc))
        except MemoryError:
            errors.append(limit_error(source.label, "memory", limits))
        except Exception as exc:  # a parser bug must cost one document, never the batch
            errors.append(
                InputError(path=source.label, code="internal", message=f"{type(exc).__name__}: {exc}")
            )
    assessment = checker.assess(read, playbook, errors=errors) if read else None
    return JobResult(
        job.key,
        assessment,
        errors,
        time.perf_counter() - started,
        maxrss_kb(),
        cpu_seconds=time.process_time() - cpu_started,
    )


def _warm_checker(library: str | None) -> ContractChecker | None:
    """The checker the fork server built (:mod:`checker.isolate.warm`), if this worker was forked from it.

    Looked up in ``sys.modules`` and never imported here: importing it would build a checker.
    """
    from checker.isolate.pool import WARM_MODULE

    warm = sys.modules.get(WARM_MODULE)
    found: ContractChecker | None = warm.checker_for(library) if warm is not None else None
    return found


def worker_main(
    conn: Connection, library: str | None, playbook: Playbook, limits: IsolationLimits, reader: Reader
) -> None:
    """A worker's life: cap memory, build the checker, say ready, then assess jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _cap_memory(limits.memory_mb)
    checker = _warm_checker(library)
    if checker is None:
        from checker.api import ContractChecker

        checker = ContractChecker(library)
    conn.send(("ready", None))
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            result = _run_job(checker, conn, job, playbook, limits, reader)
        except MemoryError:  # assessing the bundle itself ran out
            errors = [limit_error(s.label, "memory", limits) for s in job.sources]
            result = JobResult(job.key, None, errors, 0.0, maxrss_kb())
        conn.send(("done", result))
