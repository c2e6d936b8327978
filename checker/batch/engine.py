"""The batch engine: sheet rows → jobs → isolated workers (or the cache) → one outcome per row, in order.

Every input row comes back: scored, or with the error that stopped it. Work already done is never lost:
each finished job is written to the result cache at once, so ``resume=True`` after an interruption
skips it (``BatchOutcome.cache_hits`` counts how many were skipped).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.batch.cache import ResultCache, cache_key
from checker.batch.columns import Columns, detect_columns
from checker.batch.docs import DocRef, DocsLocator, as_input_error
from checker.batch.plan import PlannedJob, RowPlan, plan_rows
from checker.batch.sheet import InputSheet, SheetRow
from checker.batch.store import SpilledResults
from checker.errors import ClauseCheckError, CorruptDocumentError
from checker.isolate import IsolationLimits, Job, JobResult, Reader, Source, assess_isolated, read_source
from checker.library.loader import DEFAULT_LIBRARY, Library, load_library, resolve_playbook
from checker.library.schema import Playbook
from checker.models import InputError

__all__ = ["BatchOptions", "BatchOutcome", "Progress", "RowOutcome", "run_batch"]


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch. ``cache_dir=None`` turns the cache off; ``resume`` reads it."""

    playbook: str | Playbook = "baseline"
    library: str | Path | None = None
    workers: int | None = None
    limits: IsolationLimits = field(default_factory=IsolationLimits)
    group_by_vendor: bool = False
    vendor_col: str | None = None
    file_col: str | None = None
    text_col: str | None = None
    vendor_party_col: str | None = None
    vendor_party: str = ""
    cache_dir: Path | None = None
    resume: bool = False
    reader: Reader = read_source


@dataclass(frozen=True)
class Progress:
    """Jobs done of the total, how many came from the cache, and seconds since the start."""

    done: int
    total: int
    cached: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Jobs scored (not cached) per second."""
        scored = self.done - self.cached
        return scored / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds still to go at the current rate, or None before the first job is scored."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None


@dataclass(frozen=True)
class RowOutcome:
    """One input row: the job whose result it shows, its own errors and notes."""

    row: SheetRow
    vendor: str
    job: int | None
    errors: list[InputError]
    notes: list[str]


@dataclass
class BatchOutcome:
    """The whole run: rows in sheet order, job results by job key, and what the run cost."""

    sheet: InputSheet
    columns: Columns
    playbook: Playbook
    library: Library
    rows: list[RowOutcome]
    jobs: list[PlannedJob]
    results: Mapping[int, JobResult]
    cache_hits: int = 0
    scored: int = 0
    seconds: float = 0.0

    @property
    def failed_rows(self) -> int:
        """Rows with at least one error (exit code 1 when not zero)."""
        return sum(1 for r in self.rows if r.errors)


ProgressCallback = Callable[[Progress], None]


def _fingerprint(doc: DocRef, docs: DocsLocator) -> str:
    """The SHA-256 of a document's bytes (read once here; files are read again by the worker)."""
    if doc.text is not None:
        return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    if doc.path is None:
        return hashlib.sha256(docs.load(doc)).hexdigest()
    digest = hashlib.sha256()
    try:
        with open(doc.path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise CorruptDocumentError(
            f"The file cannot be read: {exc.strerror}.", hint="Check its permissions."
        ) from None
    return digest.hexdigest()


def _source(doc: DocRef, docs: DocsLocator, vendor_party: str = "") -> Source:
    vendor = vendor_party or None
    if doc.text is not None:
        return Source(doc.name, doc.label, data=doc.text.encode("utf-8"), vendor=vendor)
    if doc.path is not None:
        return Source(doc.name, doc.label, path=doc.path, vendor=vendor)
    return Source(doc.name, doc.label, data=docs.load(doc), vendor=vendor)


def _row_outcome(plan: RowPlan, results: Mapping[int, JobResult]) -> RowOutcome:
    errors = list(plan.errors)
    if plan.job is not None:
        labels = {d.label for d in plan.docs}
        errors += [e for e in results[plan.job].errors if e.path in labels]
    return RowOutcome(plan.row, plan.vendor, plan.job, errors, plan.notes)


def run_batch(
    sheet: InputSheet,
    docs: DocsLocator,
    options: BatchOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> BatchOutcome:
    """Score every row of ``sheet`` with the documents from ``docs``; see :class:`BatchOptions`."""
    options = options or BatchOptions()
    started = time.monotonic()
    library = load_library(options.library or DEFAULT_LIBRARY)
    playbook = (
        options.playbook
        if isinstance(options.playbook, Playbook)
        else resolve_playbook(options.playbook, library)
    )
    columns = detect_columns(
        sheet.headers,
        vendor=options.vendor_col,
        file=options.file_col,
        text=options.text_col,
        vendor_party=options.vendor_party_col,
    )
    plans, jobs = plan_rows(
        sheet, columns, docs, group_by_vendor=options.group_by_vendor, vendor_party=options.vendor_party
    )
    cache = ResultCache(options.cache_dir) if options.cache_dir else None
    results: MutableMapping[int, JobResult] = SpilledResults()
    keys: dict[int, str] = {}
    early: dict[int, list[InputError]] = {}  # documents that failed before reaching a worker
    todo: list[PlannedJob] = []
    hits = 0
    for job in jobs:
        readable, prints = [], []
        for doc in job.docs:
            try:
                prints.append((_fingerprint(doc, docs), doc.name))
                readable.append(doc)
            except ClauseCheckError as exc:
                early.setdefault(job.key, []).append(as_input_error(doc.label, exc))
        job.docs = readable
        if not readable:
            results[job.key] = JobResult(job.key, None, early.get(job.key, []))
            continue
        ocr = options.limits.extract.ocr
        keys[job.key] = cache_key(
            prints, playbook, library.content_hash, job.vendor_party, f"ocr={ocr.mode}:{ocr.lang}"
        )
        hit = cache.get(keys[job.key], job.key) if cache and options.resume else None
        if hit is not None:
            results[job.key] = _with_early(hit, early.get(job.key, []))
            hits += 1
        else:
            todo.append(job)

    def report() -> None:
        if progress is not None:
            progress(Progress(len(results), len(jobs), hits, time.monotonic() - started))

    report()

    def isolated_jobs() -> Iterator[Job]:
        for job in todo:
            sources: list[Source] = []
            for doc in job.docs:
                try:
                    sources.append(_source(doc, docs, job.vendor_party))
                except ClauseCheckError as exc:
                    early.setdefault(job.key, []).append(as_input_error(doc.label, exc))
            if sources:
                yield Job(job.key, tuple(sources))
            else:
                results[job.key] = JobResult(job.key, None, early.get(job.key, []))

    workers = min(options.workers or _cores(), len(todo))
    if todo:
        for result in assess_isolated(
            isolated_jobs(),
            playbook,
            workers=workers,
            limits=options.limits,
            library=library.root,
            reader=options.reader,
        ):
            key = result.key
            assert isinstance(key, int)  # the keys we gave the jobs
            if cache is not None:
                cache.put(keys[key], result)
            results[key] = _with_early(result, early.get(key, []))
            report()
    rows = [_row_outcome(plan, results) for plan in plans]
    return BatchOutcome(
        sheet, columns, playbook, library, rows, jobs, results, hits, len(todo), time.monotonic() - started
    )


def _with_early(result: JobResult, early: list[InputError]) -> JobResult:
    if not early:
        return result
    assessment = result.assessment
    if assessment is not None:
        assessment = assessment.model_copy(update={"errors": [*early, *assessment.errors]})
    return replace(result, assessment=assessment, errors=[*early, *result.errors])


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
