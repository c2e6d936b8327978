"""A clause as a vector: the mean of its word pieces' rows in the distilled static table.

The table (``clause_library/model/vectors.npy``, made by :mod:`checker.detect.distil` from the
publisher's all-MiniLM-L6-v2) gives words that mean alike nearby rows, so "report a breach" and
"notify of a security incident" land near each other although they share no word. Reading a clause
costs a tokenisation and a mean; no model runs when a contract is checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checker.detect.wordpiece import WordPiece

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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_vectors(directory: Path) -> StaticVectors | None:
    """The static table beside a library's model (None when there is none), checked against its digests."""
    meta_path = Path(directory) / "vectors.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for name, digest in meta["sha256"].items():
            if _sha256(Path(directory) / name) != digest:
                raise VectorsError(f"{Path(directory) / name} does not match the digest in vectors.json")
        table = np.load(Path(directory) / "vectors.npy", allow_pickle=False).astype(np.float32)
        vocabulary = (Path(directory) / "vectors.vocab.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError, KeyError) as exc:
        raise VectorsError(f"cannot load the static vectors from {directory}: {exc}") from exc
    if table.shape[0] != len(vocabulary):
        raise VectorsError(f"the static table has {table.shape[0]} rows for {len(vocabulary)} word pieces")
    return StaticVectors(table, WordPiece(vocabulary), meta)
