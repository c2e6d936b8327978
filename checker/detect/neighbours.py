"""The labelled clauses nearest a clause, and the controls they address: the detector's second opinion.

Every training clause is kept as a unit vector (its static-table mean, less the training mean). A new
clause's probability for a control is the similarity-weighted share of its ``k`` nearest labelled
clauses that address the control (weights ``exp(similarity / temperature)``). The neighbours that
carry the control are also the explanation a reviewer reads: "like these labelled clauses".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Neighbours", "build_neighbours", "unit_rows"]

K = 20
TEMPERATURE = 0.05


def unit_rows(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Rows less ``centre``, scaled to unit length (a zero row stays zero)."""
    out = vectors - centre
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-9)).astype(np.float32)


@dataclass
class Neighbours:
    """Training clauses as unit vectors, what each addresses, and the unit each came from."""

    vectors: np.ndarray  # (n, d) float32, unit length
    centre: np.ndarray  # (d,) float32
    labels: np.ndarray  # (n, controls) bool
    ids: list[str]
    k: int = K
    temperature: float = TEMPERATURE

    def nearest(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each raw query vector: the indices of its ``k`` nearest training clauses and their similarity."""
        q = unit_rows(queries, self.centre)
        sims = q @ self.vectors.T
        k = min(self.k, sims.shape[1])
        top = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_sims, order, axis=1)

    def probabilities(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(queries × controls) similarity-weighted votes, and the neighbours behind them."""
        top, sims = self.nearest(queries)
        weights = np.exp((sims - sims[:, :1]) / self.temperature)
        weights /= weights.sum(axis=1, keepdims=True)
        votes = np.einsum("nk,nkc->nc", weights, self.labels[top].astype(np.float32))
        return votes, top, sims


def build_neighbours(
    vectors: np.ndarray, controls: Sequence[str], sample_controls: Sequence[frozenset[str]], ids: list[str]
) -> Neighbours:
    """The neighbour index of the training clauses (their raw static vectors)."""
    centre = (
        vectors.mean(axis=0).astype(np.float32) if len(vectors) else np.zeros(vectors.shape[1], np.float32)
    )
    labels = np.array([[c in s for c in controls] for s in sample_controls], dtype=bool).reshape(
        len(ids), len(controls)
    )
    return Neighbours(unit_rows(vectors, centre), centre, labels, list(ids))
