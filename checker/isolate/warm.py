"""The checker built once in the fork server, so that every worker forked from it starts warm.

Only the fork server imports this module (it is the server's preload list, see
:mod:`checker.isolate.pool`): importing it builds a :class:`~checker.api.ContractChecker` for the
shipped library. A worker forked from the server finds it already in memory and uses it when the job
asks for that library and the library's files still have the same content hash; otherwise the worker
builds its own, as it always did. Nothing else imports this module, so no other process pays for it.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

# Before NumPy loads: one BLAS thread per process, as in every worker (threads do not survive a fork).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from checker.api import ContractChecker

__all__ = ["checker_for"]


def _build() -> ContractChecker | None:
    # The server must start even when the checker cannot be built: the worker then builds its own and
    # reports why it cannot, as a spawned worker would.
    try:
        from checker.api import ContractChecker

        return ContractChecker()
    except Exception:
        return None


_WARM = _build()
# What the imports and the checker made lives as long as the server and every worker forked from it.
# Frozen (moved out of the collector's generations), it is no longer walked by each full collection in
# a worker: about 130,000 objects, 30-140 ms of collections per pass of match + score over the corpus
# clauses against 31-41 ms frozen; nor are its pages copied on write when a worker's collector touches
# them (the gc module's advice for a process that forks without exec).
gc.freeze()


def checker_for(library: str | None) -> ContractChecker | None:
    """The warm checker if it reads ``library`` (None: the shipped one) as its files are now, else None."""
    if _WARM is None:
        return None
    from checker.library.loader import library_hash

    root = Path(library) if library else _WARM.library.root
    try:
        same = (
            root.resolve() == _WARM.library.root.resolve()
            and library_hash(root) == _WARM.library.content_hash
        )
    except Exception:  # the files moved or cannot be read: the worker's own build reports it
        return None
    return _WARM if same else None
