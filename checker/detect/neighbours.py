"""The labelled clauses nearest a clause, and the controls they address: the detector's second opinion.

Every training clause is kept as a unit vector (its static-table mean, less the training mean). A new
clause's probability for a control is the similarity-weighted share of its ``k`` nearest labelled
clauses that address the control (weights ``exp(similarity / temperature)``). The neighbours that
carry the control are also the explanation a reviewer reads: "like these labelled clauses".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Neighbours", "build_neighbours", "read_with_lead", "top_k", "unit_rows"]

K = 20
TEMPERATURE = 0.05
_CHUNK = 256
_GROUP = 16  # columns a group of top_k holds


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


def top_k(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` highest columns and their values: highest first, the lower column first among equals.

    Equal similarities are common (the training set repeats some clauses), and which of them is kept or
    shown first must not depend on a selection algorithm's internals, so the order is defined here.
    Selecting over every column of every row (``argpartition``) cost more than the matrix product; instead
    the columns are dealt into groups of ``_GROUP`` (group ``g``: columns ``g``, ``g + groups``, ...), a
    row's ``k``-th highest group maximum is a floor that at least ``k`` of its values reach, and only the
    groups whose maximum reaches it are read.
    """
    rows_n, width = sims.shape
    if k == 0 or rows_n == 0:
        return np.zeros((rows_n, k), dtype=np.int64), np.zeros((rows_n, k), dtype=sims.dtype)
    size = max(1, min(_GROUP, width // (4 * k)))  # columns a group holds: at least 4k groups
    groups = width // size
    maxima = sims[:, :groups].copy()
    for j in range(1, size):
        np.maximum(maxima, sims[:, j * groups : (j + 1) * groups], out=maxima)
    floor = np.partition(maxima, groups - k, axis=1)[:, groups - k]
    rows, first_cols = np.nonzero(maxima >= floor[:, None])
    cols = (first_cols[:, None] + np.arange(0, size * groups, groups)).ravel()
    rows = np.repeat(rows, size)
    if size * groups < width:  # the few columns left over by the groups are always read
        rest = np.arange(size * groups, width)
        rows = np.concatenate([rows, np.repeat(np.arange(rows_n), len(rest))])
        cols = np.concatenate([cols, np.tile(rest, rows_n)])
    values = sims[rows, cols]
    keep = values >= floor[rows]
    rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    starts = np.searchsorted(rows[order], np.arange(rows_n))  # every row keeps at least k values
    pick = order[starts[:, None] + np.arange(k)]
    return cols[pick], values[pick]


@dataclass
class Neighbours:
    """Training clauses as unit vectors, what each addresses, and the unit each came from."""

    vectors: np.ndarray  # (n, d) float32, unit length
    centre: np.ndarray  # (d,) float32
    labels: np.ndarray  # (n, controls) bool
    ids: list[str]
    k: int = K
    temperature: float = TEMPERATURE
    columns: np.ndarray = field(init=False, repr=False)  # (d, n): ``vectors.T``, its rows together in memory

    def __post_init__(self) -> None:
        # BLAS multiplies several queries by ``vectors.T`` about an eighth faster when that operand's rows
        # lie together in memory, with the same float32 sums. One query goes through matrix-vector code
        # instead, whose sums depend on the layout: it keeps reading ``vectors.T``.
        self.columns = np.ascontiguousarray(self.vectors.T)

    def nearest(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each raw query vector: the indices of its ``k`` nearest training clauses and their similarity."""
        sims = unit_rows(queries, self.centre) @ (self.columns if len(queries) > 1 else self.vectors.T)
        return top_k(sims, min(self.k, sims.shape[1]))

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
