"""Job results kept on disk while a batch runs, so the parent's memory stays flat in the number of rows.

A finished assessment (findings, evidence, fallback text: about 0.15 MB) is pickled into a private
temporary directory the moment it arrives and read back when the workbook is written; only results
without an assessment (errors) stay in memory. The directory is readable by the owner only and is
removed when the store is closed or garbage-collected, so no contract text outlives the run.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import weakref
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from checker.isolate import JobResult

__all__ = ["SpilledResults"]


class SpilledResults(MutableMapping[int, JobResult]):
    """A mapping of job key to :class:`JobResult` whose assessments live in temporary files."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="clausecheck-batch-"))
        self._in_memory: dict[int, JobResult] = {}
        self._on_disk: set[int] = set()
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)

    def _path(self, key: int) -> Path:
        return self._dir / f"{key}.pickle"

    def __setitem__(self, key: int, result: JobResult) -> None:
        self._in_memory.pop(key, None)
        self._on_disk.discard(key)
        if result.assessment is None:
            self._in_memory[key] = result
            return
        # Our own objects, written and read by this process only: pickle is safe here.
        self._path(key).write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        self._on_disk.add(key)

    def __getitem__(self, key: int) -> JobResult:
        if key in self._in_memory:
            return self._in_memory[key]
        if key in self._on_disk:
            result: JobResult = pickle.loads(self._path(key).read_bytes())  # our own file: see __setitem__
            return result
        raise KeyError(key)

    def __delitem__(self, key: int) -> None:
        if key in self._on_disk:
            self._path(key).unlink(missing_ok=True)
            self._on_disk.discard(key)
        else:
            del self._in_memory[key]

    def __iter__(self) -> Iterator[int]:
        yield from self._in_memory
        yield from self._on_disk

    def __len__(self) -> int:
        return len(self._in_memory) + len(self._on_disk)

    def close(self) -> None:
        """Remove the temporary files now."""
        self._cleanup()
