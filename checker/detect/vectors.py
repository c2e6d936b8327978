"""A clause as a vector: the mean of its word pieces' rows in the distilled static table.

The table (``clause_library/model/vectors.npy``, made by :mod:`checker.detect.distil` from the
publisher's all-MiniLM-L6-v2) gives words that mean alike nearby rows, so "report a breach" and
"notify of a security incident" land near each other although they share no word. Reading a clause
costs a tokenisation and a mean; no model runs when a contract is checked.

Verifying the 16 MB table's digest takes tens of milliseconds, and an engine is built per process,
per playbook and per test: :func:`load_vectors` keeps each verified table in memory, keyed by its
directory and the size, modification time and inode of every file it checked, so a file that changes
afterwards is read and checked again (and refused if it no longer matches).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from checker.detect.wordpiece import WordPiece
from checker.digests import DigestMismatch, check_digests

__all__ = ["StaticVectors", "VectorsError", "load_vectors"]

_CHUNK = 256  # texts summed together: a grid of their piece ids, a block of rows per step


class VectorsError(Exception):
    """The static table is missing, damaged, or does not match its recorded digest."""


@dataclass
class StaticVectors:
    """Word-piece rows (float32) and the tokenizer of their vocabulary."""

    table: np.ndarray
    wordpiece: WordPiece
    provenance: dict[str, object]

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text: the mean of its pieces' rows, unit length (zeros for a text with no piece).

        Bit for bit what ``mean = table[ids].mean(axis=0)`` and ``mean / max(float(np.linalg.norm(mean)),
        1e-9)`` give for each text, computed for all texts together: the texts, longest first, are
        summed piece by piece (the j-th piece of every text that has one, added in one step: the same
        float32 additions in the same order as NumPy's sum down the rows, which is not what
        ``np.add.reduceat`` does), divided by their counts as ``ndarray.mean`` divides, and each scaled
        by the BLAS dot of its own row as ``np.linalg.norm`` computes it.
        """
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        ids = [self.wordpiece.ids(text) for text in texts]
        counts = np.fromiter(map(len, ids), dtype=np.intp, count=len(ids))
        order = np.argsort(-counts, kind="stable")[: int(np.count_nonzero(counts))]
        for start in range(0, len(order), _CHUNK):
            rows = order[start : start + _CHUNK]
            sizes = counts[rows]
            # The chunk's piece ids in a grid, one text a row, longest first (zero-padded on the right).
            grid = np.zeros((len(rows), int(sizes[0])), dtype=np.intp)
            total = int(sizes.sum())
            column = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            grid[np.repeat(np.arange(len(rows)), sizes), column] = np.fromiter(
                itertools.chain.from_iterable(ids[i] for i in rows.tolist()), dtype=np.intp, count=total
            )
            sums = self.table[grid[:, 0]]
            # How many texts of the chunk have more than j pieces, for each j.
            longer = np.searchsorted(-sizes, -np.arange(1, grid.shape[1] + 1), side="right")
            for j in range(1, grid.shape[1]):
                n = int(longer[j])
                sums[:n] += self.table[grid[:n, j]]
            means = np.true_divide(sums, sizes[:, None], out=sums, casting="unsafe")
            norms = [max(float(np.sqrt(m.dot(m))), 1e-9) for m in means]
            out[rows] = means / np.asarray(norms, dtype=np.float32)[:, None]
        return out


def load_vectors(directory: Path) -> StaticVectors | None:
    """The static table beside a library's model (None when there is none), checked against its digests.

    A table already verified in this process is given again while none of its files has changed.
    """
    meta_path = Path(directory) / "vectors.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        names = ("vectors.json", *sorted(meta["sha256"]))
        stamp = tuple((name, *_stat(Path(directory) / name)) for name in names)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorsError(f"cannot load the static vectors from {directory}: {exc}") from exc
    return _verified(str(Path(directory).resolve()), stamp)


def _stat(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


@lru_cache(maxsize=4)
def _verified(directory: str, stamp: tuple[tuple[str, int, int, int], ...]) -> StaticVectors:
    """Read and verify the table in ``directory``; ``stamp`` (the files' stat) only keys the cache."""
    root = Path(directory)
    try:
        meta = json.loads((root / "vectors.json").read_text(encoding="utf-8"))
        check_digests(root, meta["sha256"], "vectors.json")
        table = np.load(root / "vectors.npy", allow_pickle=False).astype(np.float32)
        vocabulary = (root / "vectors.vocab.txt").read_text(encoding="utf-8").splitlines()
    except DigestMismatch as exc:
        raise VectorsError(str(exc)) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise VectorsError(f"cannot load the static vectors from {directory}: {exc}") from exc
    if table.shape[0] != len(vocabulary):
        raise VectorsError(f"the static table has {table.shape[0]} rows for {len(vocabulary)} word pieces")
    table.setflags(write=False)  # shared by every engine of the process
    return StaticVectors(table, WordPiece(vocabulary), meta)
