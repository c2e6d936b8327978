"""Per-document isolation: the pipeline runs in worker processes with a time and a memory limit.

A hostile or runaway contract (a decompression bomb, a PDF that sends a parser into a loop) must not take
the batch, the CLI or the app down with it. Each worker (:mod:`~checker.isolate.worker`) is a
``multiprocessing`` process forked from a fork server that has already built the checker (a clean,
single-threaded process, so it is safe beside Streamlit's threads; :mod:`~checker.isolate.pool`), that
caps its address space with ``RLIMIT_AS`` and then assesses jobs sent over its own pipe. The parent (:mod:`~checker.isolate.pool`) keeps a deadline per document: a
worker that is late is killed, the document is reported as a
:class:`~checker.errors.LimitExceededError` naming the limit and how to raise it, and a fresh worker
takes its place. A worker that dies (MemoryError it could not survive, a segfault, the OOM killer) is
reported and replaced the same way. ``concurrent.futures.ProcessPoolExecutor`` is not used because it
cannot kill one stuck task.

A job is one document or one vendor bundle. A worker announces each document of a bundle before reading
it, so when one document of a bundle is killed the bundle is run again without it: the others are still
assessed and the bad one is named::

    for result in assess_isolated(jobs, playbook, workers=2, limits=IsolationLimits(timeout_s=60)):
        keep[result.key] = result
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import ClauseCheckError
from checker.isolate.jobs import IsolationLimits, Job, JobResult, Reader, Source, limit_error, read_source
from checker.isolate.pool import STARTUP_S, Pending, Pool, Worker, exit_reason, prestart

if TYPE_CHECKING:  # pydantic models are imported where results are made, so starting up stays light
    from checker.library.schema import Playbook
    from checker.models import InputError

__all__ = [
    "IsolationLimits",
    "Job",
    "JobResult",
    "Reader",
    "Source",
    "assess_isolated",
    "prestart",
    "read_source",
]


def assess_isolated(
    jobs: Iterable[Job],
    playbook: Playbook,
    *,
    workers: int | None = None,
    limits: IsolationLimits | None = None,
    library: str | Path | None = None,
    reader: Reader = read_source,
) -> Iterator[JobResult]:
    """Assess ``jobs`` in ``workers`` processes and yield each :class:`JobResult` as soon as it is done.

    Results arrive in completion order; ``JobResult.key`` tells the caller which job it was. ``jobs`` is
    consumed lazily (a job is only taken when a worker is free), so a generator that loads documents into
    memory keeps at most one job per worker in flight. Stopping the iteration stops the workers.
    """
    limits = limits or IsolationLimits()
    size = max(1, workers or os.cpu_count() or 1)
    source = iter(jobs)
    queue: list[Pending] = []  # bundles to run again without a document that was killed
    exhausted = False
    pool = Pool(size, str(library) if library else None, playbook, limits, reader)
    try:
        while True:
            for worker in pool.idle():
                if not queue and not exhausted:
                    nxt = next(source, None)
                    exhausted = nxt is None
                    if nxt is not None:
                        queue.append(Pending(nxt))
                if queue:
                    pool.dispatch(worker, queue.pop(0))
            busy = pool.busy()
            if exhausted and not queue and not busy:
                return
            now = time.monotonic()
            timeout = min([w.deadline - now for w in busy] + [1.0])
            handles: list[Any] = [w.conn for w in pool.workers] + [w.process.sentinel for w in pool.workers]
            ready = wait(handles, timeout=max(0.0, timeout))
            yield from _handle(pool, ready, queue, limits)
    finally:
        pool.close()


def _receive(worker: Worker, limits: IsolationLimits) -> tuple[str, Any]:
    """The next message of a worker, or ("lost", reason) when its pipe closed because it died."""
    try:
        kind, payload = worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(1)
        return "lost", exit_reason(worker.process)
    if kind == "start":
        worker.doc_index = payload
        worker.deadline = time.monotonic() + limits.timeout_s
    return kind, payload


def _handle(
    pool: Pool, ready: list[Any], queue: list[Pending], limits: IsolationLimits
) -> Iterator[JobResult]:
    """React to messages, deaths and missed deadlines; yield the jobs that finished."""
    now = time.monotonic()
    for worker in list(pool.workers):
        kind: str = ""
        payload: Any = None
        if worker.conn in ready:
            kind, payload = _receive(worker, limits)
        elif worker.process.sentinel in ready and not worker.process.is_alive():
            kind, payload = "lost", exit_reason(worker.process)
        elif worker.late(now):
            kind, payload = "lost", "timeout"
        elif not worker.ready and now - worker.started > STARTUP_S:
            kind, payload = "lost", f"no answer after {STARTUP_S:g} s"
        if kind == "ready":
            worker.ready = True
        elif kind == "done":
            found = worker.found
            worker.job, worker.found = None, []
            yield _merge(payload, found)
        elif kind == "lost":
            yield from _lost(pool, worker, payload, queue, limits)


def _lost(
    pool: Pool, worker: Worker, reason: str, queue: list[Pending], limits: IsolationLimits
) -> Iterator[JobResult]:
    """A worker was killed or died: report its document, re-queue the rest of its bundle, replace it."""
    if not worker.ready:  # it died starting: the checker cannot be built, and no worker will do better
        raise ClauseCheckError(
            f"A worker process could not start ({reason}).",
            hint=f"Check the installation and the clause library, or raise --memory-mb (now {limits.memory_mb}).",
        )
    job = worker.job
    pool.replace(worker)
    if job is None:
        return
    bad = job.sources[worker.doc_index]
    found = [*worker.found, limit_error(bad.label, reason, limits)]
    rest = job.sources[: worker.doc_index] + job.sources[worker.doc_index + 1 :]
    if rest:
        queue.insert(0, Pending(replace(job, sources=rest), found))
    else:
        yield JobResult(job.key, None, found)


def _merge(result: JobResult, found: list[InputError]) -> JobResult:
    """Add the documents killed in earlier attempts of a bundle to its result."""
    if not found:
        return result
    assessment = result.assessment
    if assessment is not None:
        assessment = assessment.model_copy(update={"errors": [*found, *assessment.errors]})
    return replace(result, errors=[*found, *result.errors], assessment=assessment)
