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

__all__ = ["Neighbours", "build_neighbours", "read_with_lead", "unit_rows"]

K = 20
TEMPERATURE = 0.05
_CHUNK = 256


def read_with_lead(lead: str, text: str, heading: str = "") -> str:
    """What the neighbours compare: the clause under its own heading, and a list item with the lead-in it
    continues, so that "(a) within 24 hours" under "Security Incidents" and "The Supplier shall notify the
    Customer:" reads as the duty it is, and a clause under "Entire Agreement" reads as boilerplate."""
    if heading:
        text = f"{heading.split(' > ')[-1]}: {text}"
    return f"{lead} {text}" if lead else text


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
        """(queries × controls) similarity-weighted votes, and the neighbours behind them.

        Queries are compared ``_CHUNK`` at a time, so memory stays bounded however many clauses a
        document has (a similarity row is 40 KB per query).
        """
        tops, sims_all = [], []
        for start in range(0, len(queries), _CHUNK):
            top, sims = self.nearest(queries[start : start + _CHUNK])
            tops.append(top)
            sims_all.append(sims)
        k = min(self.k, len(self.ids))
        top = np.concatenate(tops) if tops else np.zeros((0, k), dtype=np.int64)
        sims = np.concatenate(sims_all) if sims_all else np.zeros((0, k), dtype=np.float32)
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
