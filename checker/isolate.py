"""Per-document isolation: the pipeline runs in worker processes with a time and a memory limit.

A hostile or runaway contract (a decompression bomb, a PDF that sends a parser into a loop) must not take
the batch, the CLI or the app down with it. Each worker is a ``multiprocessing`` process (spawn context,
so it is safe beside Streamlit's threads) that builds its own :class:`~checker.api.ContractChecker` once,
caps its address space with ``RLIMIT_AS`` and then assesses jobs sent over its own pipe. The parent
keeps a deadline per document: a worker that is late is killed, the document is reported as a
:class:`~checker.errors.LimitExceededError` naming the limit, and a fresh worker takes its place.

We manage the processes ourselves because ``concurrent.futures.ProcessPoolExecutor`` cannot kill one
stuck task, and one pipe per worker means a killed worker can never corrupt a queue other workers share.

A job is one document or one vendor bundle. A worker announces each document of a bundle before reading
it, so when one document of a bundle is killed the bundle is run again without it: the others are still
assessed and the bad one is named::

    for result in assess_isolated(jobs, playbook, workers=2, limits=IsolationLimits(timeout_s=60)):
        keep[result.key] = result
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import ClauseCheckError, LimitExceededError
from checker.extract.limits import Limits
from checker.models import Assessment, InputError

if TYPE_CHECKING:  # the heavy pipeline is imported in the workers only
    from multiprocessing.process import BaseProcess

    from checker.api import ContractChecker, ReadDocument
    from checker.library.schema import Playbook

__all__ = ["IsolationLimits", "Job", "JobResult", "Source", "assess_isolated", "read_source"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One document of a job: a file on disk (``path``) or bytes in memory (``data``, e.g. a ZIP member).

    ``label`` is what reports and errors call it (the sheet's file name, ``row 7 (pasted text)``).
    """

    name: str
    label: str
    path: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Job:
    """Documents assessed together (one, or a vendor's bundle) and the caller's key for the result."""

    key: Hashable
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class IsolationLimits:
    """Wall-clock seconds per document and address space per worker, plus the extraction limits."""

    timeout_s: float = 120.0
    memory_mb: int = 2048
    extract: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class JobResult:
    """What became of a job: its assessment (None if no document could be read) and its errors."""

    key: Hashable
    assessment: Assessment | None
    errors: list[InputError]
    seconds: float = 0.0
    worker_maxrss_kb: int = 0


#: Reads one source in a worker: ``(checker, source, limits) -> ReadDocument``. Tests inject hostile ones.
Reader = Callable[["ContractChecker", Source, Limits], "ReadDocument"]


def read_source(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """Extract, segment and match one source: the default :data:`Reader`."""
    if source.data is not None:
        return checker.read_bytes(source.data, source.name, limits=limits)
    return checker.read_file(source.path or source.name, limits=limits)


# --- the worker -----------------------------------------------------------------------------------------


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


def _maxrss_kb() -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _memory_error(limits: IsolationLimits, label: str) -> InputError:
    exc = LimitExceededError(
        f"Reading this document needed more than the memory limit ({limits.memory_mb} MB per worker).",
        hint=f"If the file is genuine, raise the limit (--memory-mb {limits.memory_mb * 2}).",
    )
    return InputError(path=label, code=exc.code, message=exc.message, hint=exc.hint)


def _run_job(
    checker: ContractChecker,
    conn: Connection,
    job: Job,
    playbook: Playbook,
    limits: IsolationLimits,
    reader: Reader,
) -> JobResult:
    from checker.api import input_error

    started = time.perf_counter()
    read: list[ReadDocument] = []
    errors: list[InputError] = []
    for index, source in enumerate(job.sources):
        conn.send(("start", index))
        try:
            read.append(reader(checker, source, limits.extract))
        except ClauseCheckError as exc:
            errors.append(input_error(source.label, exc))
        except MemoryError:
            errors.append(_memory_error(limits, source.label))
        except Exception as exc:  # a parser bug must cost one document, never the batch
            errors.append(
                InputError(path=source.label, code="internal", message=f"{type(exc).__name__}: {exc}")
            )
    assessment = checker.assess(read, playbook, errors=errors) if read else None
    return JobResult(job.key, assessment, errors, time.perf_counter() - started, _maxrss_kb())


def _worker_main(
    conn: Connection, library: str | None, playbook: Playbook, limits: IsolationLimits, reader: Reader
) -> None:
    """A worker's life: cap memory, build the checker, say ready, then assess jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _cap_memory(limits.memory_mb)
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
            errors = [_memory_error(limits, s.label) for s in job.sources]
            result = JobResult(job.key, None, errors, 0.0, _maxrss_kb())
        conn.send(("done", result))


# --- the parent -----------------------------------------------------------------------------------------


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    job: Job | None = None
    doc_index: int = 0
    deadline: float = 0.0
    found: list[InputError] = field(default_factory=list)  # documents already killed in this job


@dataclass
class _Pending:
    job: Job
    found: list[InputError]


class _Pool:
    """The workers, their pipes and deadlines; replaces a worker that dies or is killed."""

    def __init__(
        self, size: int, library: str | None, playbook: Playbook, limits: IsolationLimits, reader: Reader
    ) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.args = (library, playbook, limits, reader)
        self.limits = limits
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, *self.args), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (if it still runs) and start a fresh one in its place."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def idle(self) -> list[_Worker]:
        """Workers that are ready and have no job."""
        return [w for w in self.workers if w.ready and w.job is None]

    def dispatch(self, worker: _Worker, pending: _Pending) -> None:
        """Send a job to an idle worker and start the clock of its first document."""
        worker.job, worker.found, worker.doc_index = pending.job, pending.found, 0
        worker.deadline = time.monotonic() + self.limits.timeout_s
        worker.conn.send(pending.job)

    def close(self) -> None:
        """Ask every worker to stop; kill those that do not."""
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in self.workers:
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(2)
            w.conn.close()


def _limit_error(label: str, reason: str, limits: IsolationLimits) -> InputError:
    if reason == "timeout":
        exc = LimitExceededError(
            f"Reading this document took longer than the time limit ({limits.timeout_s:g} s) and was stopped.",
            hint=f"If the file is genuine, raise the limit (--timeout {limits.timeout_s * 4:g}).",
        )
    else:
        exc = LimitExceededError(
            f"The worker reading this document stopped unexpectedly ({reason}); it most likely went over"
            f" the memory limit ({limits.memory_mb} MB) or crashed a parser.",
            hint=f"If the file is genuine, raise the limit (--memory-mb {limits.memory_mb * 2}).",
        )
    return InputError(path=label, code=exc.code, message=exc.message, hint=exc.hint)


def _exit_reason(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _after_loss(
    worker: _Worker, reason: str, limits: IsolationLimits
) -> tuple[_Pending | None, JobResult | None]:
    """A worker was killed or died mid-job: run the rest of the bundle again, or report the job."""
    job = worker.job
    assert job is not None
    bad = job.sources[worker.doc_index]
    found = [*worker.found, _limit_error(bad.label, reason, limits)]
    rest = job.sources[: worker.doc_index] + job.sources[worker.doc_index + 1 :]
    if rest:
        return _Pending(replace(job, sources=rest), found), None
    return None, JobResult(job.key, None, found)


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
    consumed lazily (a job is only read when a worker is free), so a generator that loads documents into
    memory keeps at most one job per worker in flight. Stopping the iteration stops the workers.
    """
    limits = limits or IsolationLimits()
    size = max(1, workers or os.cpu_count() or 1)
    source = iter(jobs)
    queue: list[_Pending] = []  # bundles to run again without a document that was killed
    exhausted = False
    pool = _Pool(size, str(library) if library else None, playbook, limits, reader)
    try:
        while True:
            for worker in pool.idle():
                if not queue and not exhausted:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                    else:
                        queue.append(_Pending(nxt, []))
                if queue:
                    pool.dispatch(worker, queue.pop(0))
            busy = [w for w in pool.workers if w.job is not None]
            if exhausted and not queue and not busy:
                return
            now = time.monotonic()
            timeout = min((w.deadline - now for w in busy), default=1.0)
            handles: list[Any] = [w.conn for w in pool.workers] + [w.process.sentinel for w in pool.workers]
            ready = wait(handles, timeout=max(0.0, min(timeout, 1.0)))
            yield from _handle(pool, ready, queue, limits)
    finally:
        pool.close()


def _handle(
    pool: _Pool, ready: list[Any], queue: list[_Pending], limits: IsolationLimits
) -> Iterator[JobResult]:
    """React to messages, deaths and missed deadlines; yield the jobs that finished."""
    for worker in list(pool.workers):
        lost: str | None = None
        if worker.conn in ready:
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):  # the worker died; its exit code says how
                worker.process.join(1)
                lost = _exit_reason(worker.process)
            else:
                if kind == "ready":
                    worker.ready = True
                elif kind == "start":
                    worker.doc_index = payload
                    worker.deadline = time.monotonic() + limits.timeout_s
                elif kind == "done":
                    job, found = worker.job, worker.found
                    worker.job, worker.found = None, []
                    assert job is not None
                    yield _merge(payload, found)
                continue
        elif worker.process.sentinel in ready and not worker.process.is_alive():
            lost = _exit_reason(worker.process)
        elif worker.job is not None and time.monotonic() > worker.deadline:
            lost = "timeout"
        if lost is None:
            continue
        if worker.job is None:
            if not worker.ready:  # died while starting: the checker cannot be built, nothing will work
                raise ClauseCheckError(
                    f"A worker process could not start ({lost}).",
                    hint=f"Check the installation, or raise --memory-mb (now {limits.memory_mb}).",
                )
            pool.replace(worker)
            continue
        pending, result = _after_loss(worker, lost, limits)
        pool.replace(worker)
        if pending is not None:
            queue.insert(0, pending)
        if result is not None:
            yield result


def _merge(result: JobResult, found: list[InputError]) -> JobResult:
    """Add the documents killed in earlier attempts of a bundle to its result."""
    if not found:
        return result
    errors = [*found, *result.errors]
    assessment = result.assessment
    if assessment is not None:
        assessment = assessment.model_copy(update={"errors": [*found, *assessment.errors]})
    return replace(result, errors=errors, assessment=assessment)
