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
        """One row per text: the mean of its pieces' rows, unit length (zeros for a text with no piece)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = self.wordpiece.ids(text)
            if ids:
                mean = self.table[ids].mean(axis=0)
                out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
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
