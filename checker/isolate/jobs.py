"""What is sent to a worker and what comes back: sources, jobs, limits, results and limit errors."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checker.errors import LimitExceededError
from checker.limits import IsolationLimits, Limits

if TYPE_CHECKING:  # the heavy pipeline is imported in the workers only
    from checker.api import ContractChecker, ReadDocument
    from checker.models import Assessment, InputError

__all__ = ["IsolationLimits", "Job", "JobResult", "Reader", "Source", "limit_error", "read_source"]


@dataclass(frozen=True)
class Source:
    """One document of a job: a file on disk (``path``) or bytes in memory (``data``, e.g. a ZIP member).

    ``label`` is what reports and errors call it (the sheet's file name, ``row 7 (pasted text)``);
    ``vendor`` the vendor party as the contract names it, when the user gave one (``--vendor``).
    """

    name: str
    label: str
    path: str | None = None
    data: bytes | None = None
    vendor: str | None = None


@dataclass(frozen=True)
class Job:
    """Documents assessed together (one, or a vendor's bundle) and the caller's key for the result."""

    key: Hashable
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class JobResult:
    """What became of a job: its assessment (None if no document could be read) and its errors.

    ``worker_maxrss_kb`` is the peak RSS of the worker that ran it (0 when the worker was killed), and
    ``cpu_seconds`` the CPU time the worker spent on it (a worker forked from the fork server is not this
    process's child, so ``RUSAGE_CHILDREN`` does not count it).
    """

    key: Hashable
    assessment: Assessment | None
    errors: list[InputError]
    seconds: float = 0.0
    worker_maxrss_kb: int = 0
    cpu_seconds: float = 0.0


#: Reads one source in a worker: ``(checker, source, limits) -> ReadDocument``. Tests inject hostile ones.
Reader = Callable[["ContractChecker", Source, Limits], "ReadDocument"]


def read_source(checker: ContractChecker, source: Source, limits: Limits) -> ReadDocument:
    """Extract, segment and match one source: the default :data:`Reader`."""
    if source.data is not None:
        return checker.read_bytes(source.data, source.name, limits=limits, vendor=source.vendor)
    return checker.read_file(source.path or source.name, limits=limits, vendor=source.vendor)


def limit_error(label: str, reason: str, limits: IsolationLimits) -> InputError:
    """The error for a document that hit a limit: ``reason`` is "timeout", "memory" or how the worker died."""
    if reason == "timeout":
        exc = LimitExceededError(
            f"Reading this document took longer than the time limit ({limits.timeout_s:g} s) and was stopped.",
            hint=f"If the file is genuine, raise the limit (--timeout {limits.timeout_s * 4:g}).",
        )
    elif reason == "memory":
        exc = LimitExceededError(
            f"Reading this document needed more than the memory limit ({limits.memory_mb} MB per worker).",
            hint=f"If the file is genuine, raise the limit (--memory-mb {limits.memory_mb * 2}).",
        )
    else:
        exc = LimitExceededError(
            f"The worker reading this document stopped unexpectedly ({reason}); it most likely went over"
            f" the memory limit ({limits.memory_mb} MB) or crashed a parser.",
            hint=f"If the file is genuine, raise the limit (--memory-mb {limits.memory_mb * 2}).",
        )
    from checker.models import InputError

    return InputError(path=label, code=exc.code, message=exc.message, hint=exc.hint)
