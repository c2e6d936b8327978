"""A linear detector per control over readable features, trained deterministically with NumPy.

One logistic regression per control (one-vs-rest) over binary clause features, each clause's features
scaled to unit length. Training is full-batch Adam for a fixed number of steps from zero weights, so the
same data gives the same weights (rounded before saving, so the file's hash is stable too). A finding the
detector raised is explained by the features that weighed most and by the nearest labelled clauses.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from checker.detect.neighbours import Neighbours, build_neighbours, read_with_lead
from checker.detect.vectors import StaticVectors, VectorsError, load_vectors
from checker.digests import sha256_of as _sha256

__all__ = [
    "Detector",
    "DetectorError",
    "Opinion",
    "Sample",
    "load_detector",
    "shipped_detector",
    "train_detector",
]

BIAS = "<bias>"
_LINEAR_CHUNK = 32  # clauses scored together by Detector._linear (about 90 features a clause)


class DetectorError(Exception):
    """The shipped detector is missing, damaged, or does not match its recorded digest."""


@dataclass(frozen=True)
class Sample:
    """One labelled clause for training: its features and the controls it addresses (met or weak)."""

    id: str
    text: str
    features: frozenset[str]
    controls: frozenset[str]
    lead: str = ""  # the lead-in a list item continues ("The Supplier shall:"), read with it by meaning
    heading: str = ""  # the clause's heading path ("Security > Incidents"); its last heading is read too


@dataclass(frozen=True)
class Opinion:
    """The detector's reading of some clauses: probabilities (clauses × controls) and, with a neighbour
    index, each clause's nearest labelled clauses (indices, best first) and their similarities.

    Read as a document's clauses in order, ``own`` is what each clause gives on its own and ``beside`` the
    highest the clauses either side of it give (both None otherwise); ``probabilities`` weighs them.
    """

    probabilities: np.ndarray
    top: np.ndarray | None = None
    sims: np.ndarray | None = None
    own: np.ndarray | None = None
    beside: np.ndarray | None = None

    def said(self, row: int, col: int) -> str:
        """The probability of row ``row`` for column ``col`` as a reason gives it: "0.52", or read in context
        "0.52 (0.47 on its own, 0.71 beside it)"."""
        text = f"{self.probabilities[row, col]:.2f}"
        if self.own is None or self.beside is None:
            return text
        return f"{text} ({self.own[row, col]:.2f} on its own, {self.beside[row, col]:.2f} beside it)"

    def nearest(self, row: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Row ``row``'s neighbours and similarities, or None without a neighbour index."""
        if self.top is None or self.sims is None:
            return None
        return self.top[row], self.sims[row]


@dataclass
class Detector:
    """Weights per (feature, control), thresholds, and the labelled clauses used to explain a proposal."""

    controls: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, controls), float32; the BIAS feature is in every clause
    propose_at: float
    examples: dict[str, list[tuple[str, str]]]
    provenance: dict[str, Any] = field(default_factory=dict)
    # The second opinion: the nearest labelled clauses in the static table's space, blended in with
    # weight ``blend`` (0 without a table).
    vectors: StaticVectors | None = None
    neighbours: Neighbours | None = None
    blend: float = 0.0
    # A rule's match the detector gives less than this (met or weak; a conflict is never set aside) is not
    # evidence: the finding says which clause was set aside and why (0: nothing is set aside).
    set_aside_below: float = 0.0
    # A document's clause is read with the ``context_reach`` clauses either side of it: its probability is
    # (1 - context) × its own + context × the highest of theirs (0: each clause on its own).
    context: float = 0.0
    context_reach: int = 0
    _example_index: dict[str, list[tuple[str, str, frozenset[int]]]] = field(default_factory=dict, repr=False)

    def column(self, control: str) -> int | None:
        """The control's column, or None when the detector was not trained on it."""
        try:
            return self.controls.index(control)
        except ValueError:
            return None

    def _indices(self, features: Iterable[str]) -> np.ndarray:
        vocab = self.vocabulary
        idx = {vocab[f] for f in vocab.keys() & features}  # the intersection runs in C
        idx.add(vocab[BIAS])
        return np.asarray(sorted(idx), dtype=np.int64)

    def probabilities(
        self, clauses: Sequence[Iterable[str]], texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """P(addresses control) for each clause (rows) and control (columns).

        With the clauses' ``texts`` and a neighbour index, the linear model's probability is blended with
        the share of the nearest labelled clauses that address the control.
        """
        return self.read(clauses, texts).probabilities

    def read(
        self,
        clauses: Sequence[Iterable[str]],
        texts: Sequence[str] | None = None,
        *,
        in_order: bool = False,
    ) -> Opinion:
        """The probabilities of :meth:`probabilities`, with the nearest labelled clauses behind each row, so
        that explaining a proposal (:meth:`like`) does not search the neighbours a second time.

        ``in_order``: the clauses are one document's, in reading order, and each is read with the clauses
        beside it (``context``): a duty's clauses come together ("Security Incidents" and the three clauses
        under it), and a lone clause that reads like a duty among clauses that read like none is less
        probably one. A document of one clause is read on its own.
        """
        linear = self._linear(clauses)
        if texts is None or self.neighbours is None or self.vectors is None or not len(linear):
            return self._in_context(Opinion(linear), in_order)
        votes, top, sims = self.neighbours.probabilities(self.vectors.embed(texts))
        return self._in_context(
            Opinion((1.0 - self.blend) * linear + self.blend * votes, top, sims), in_order
        )

    def _in_context(self, opinion: Opinion, in_order: bool) -> Opinion:
        """``opinion`` with each clause's probabilities weighed with the highest of its neighbours'."""
        own = opinion.probabilities
        if not in_order or not self.context or not self.context_reach or len(own) < 2:
            return opinion
        beside = np.zeros_like(own)
        for shift in range(1, min(self.context_reach, len(own) - 1) + 1):
            np.maximum(beside[shift:], own[:-shift], out=beside[shift:])  # the clauses before
            np.maximum(beside[:-shift], own[shift:], out=beside[:-shift])  # the clauses after
        mixed = ((1.0 - self.context) * own + self.context * beside).astype(own.dtype)
        return replace(opinion, probabilities=mixed, own=own, beside=beside)

    def like(
        self, text: str, control: str, k: int = 2, nearest: tuple[np.ndarray, np.ndarray] | None = None
    ) -> list[tuple[str, str, float]]:
        """The nearest labelled clauses that address ``control``: (unit id, text, similarity).

        ``nearest``: the clause's neighbours and similarities as :meth:`read` found them (searched again
        from ``text`` without).
        """
        col = self.column(control)
        if col is None or self.neighbours is None or self.vectors is None:
            return []
        if nearest is None:
            top, sims = self.neighbours.nearest(self.vectors.embed([text]))
            nearest = (top[0], sims[0])
        texts = dict(self.examples.get(control, []))
        out = []
        for i, sim in zip(*nearest, strict=True):
            uid = self.neighbours.ids[i]
            if self.neighbours.labels[i, col] and uid in texts:
                out.append((uid, texts[uid], float(sim)))
        return out[:k]

    def _linear(self, clauses: Sequence[Iterable[str]]) -> np.ndarray:
        if not clauses:
            return np.zeros((0, len(self.controls)), dtype=np.float32)
        # Every clause's feature indices (sorted, with the bias) in one flat array: one NumPy array for the
        # document, not one per clause.
        vocab = self.vocabulary
        bias = vocab[BIAS]
        rows = [_row(vocab, f, bias) for f in clauses]
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
        scale = (1.0 / np.sqrt(lengths - 1 + 1e-9)).astype(np.float32)
        ends = np.cumsum(lengths)
        starts = ends - lengths
        weights = self.weights
        scores = np.empty((len(rows), weights.shape[1]), dtype=np.float32)
        # A few clauses at a time, so that their weight rows stay in the cache between the gather, the
        # scaling and the sums (the whole document's rows are tens of megabytes). Each clause's sum is the
        # same float32 additions in the same order whatever the chunk.
        for first in range(0, len(rows), _LINEAR_CHUNK):
            last = min(first + _LINEAR_CHUNK, len(rows))
            lo, hi = int(starts[first]), int(ends[last - 1])
            features = flat[lo:hi]
            contrib = weights[features]
            contrib *= np.repeat(scale[first:last], lengths[first:last])[:, None]
            # The bias is not a word: it is added once, unscaled.
            contrib[features == bias] = weights[bias]
            scores[first:last] = np.add.reduceat(contrib, starts[first:last] - lo, axis=0)
        return 1.0 / (1.0 + np.exp(-scores))

    def why(self, features: Iterable[str], control: str, k: int = 5) -> list[str]:
        """The clause's features that weighed most towards the control, strongest first."""
        col = self.column(control)
        if col is None:
            return []
        vocab = self.vocabulary
        known = [f for f in set(features) if f in vocab]
        # One read of the column for all of them; tolist() gives the same Python floats as float() of each.
        weights = self.weights[[vocab[f] for f in known], col].tolist()
        present = list(zip(weights, known, strict=True))
        return [f for w, f in sorted(present, reverse=True)[:k] if w > 0 and f != BIAS]

    def nearest(self, features: Iterable[str], control: str, k: int = 2) -> list[tuple[str, str]]:
        """The labelled clauses addressing the control that share most features with this one."""
        if control not in self._example_index:
            self._example_index[control] = [
                (uid, text, frozenset(self._indices(_features_of(text)).tolist()))
                for uid, text in self.examples.get(control, [])
            ]
        mine = frozenset(self._indices(features).tolist())
        scored = []
        for uid, text, theirs in self._example_index[control]:
            overlap = len(mine & theirs) / math.sqrt(len(mine) * len(theirs))
            scored.append((overlap, uid, text))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [(uid, text) for _, uid, text in scored[:k]]

    # -- files ----------------------------------------------------------------------------------

    def save(self, directory: Path) -> dict[str, str]:
        """Write ``detector.json`` and ``detector.npy``; return their sha256."""
        directory.mkdir(parents=True, exist_ok=True)
        # Half precision halves the file; rounding first keeps the same decisions on every machine.
        weights = np.round(self.weights.astype(np.float32), 3).astype(np.float16)
        npy = directory / "detector.npy"
        np.save(npy, weights, allow_pickle=False)
        weights_sha256 = _sha256(npy)
        meta: dict[str, Any] = {
            "format": 1,
            "controls": list(self.controls),
            "features": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "propose_at": self.propose_at,
            "set_aside_below": self.set_aside_below,
            "context": {"weight": self.context, "reach": self.context_reach},
            "examples": {c: [list(e) for e in v] for c, v in sorted(self.examples.items())},
            "provenance": {**self.provenance, "weights_sha256": weights_sha256},
        }
        digests = {"detector.npy": weights_sha256}
        if self.neighbours is not None:
            near = directory / "detector.neighbours.npy"
            np.save(near, self.neighbours.vectors.astype(np.float16), allow_pickle=False)
            digests[near.name] = meta["provenance"]["neighbours_sha256"] = _sha256(near)
            meta["neighbours"] = {
                "ids": self.neighbours.ids,
                "labels": [row.nonzero()[0].tolist() for row in self.neighbours.labels],
                "centre": [round(float(x), 6) for x in self.neighbours.centre],
                "k": self.neighbours.k,
                "temperature": self.neighbours.temperature,
                "blend": self.blend,
            }
        path = directory / "detector.json"
        path.write_text(
            json.dumps(meta, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
        )
        return {"detector.json": _sha256(path), **digests}


def _row(vocabulary: dict[str, int], features: Iterable[str], bias: int) -> list[int]:
    """A clause's feature indices with the bias, sorted (the indices of distinct features are distinct, so
    a list sorts what a set would).

    One lookup a feature (``get``, mapped in C): the intersection with the vocabulary's keys and a second
    lookup of each known feature cost a fifth more, the vocabulary's 36,000 keys being read from memory.
    """
    if not isinstance(features, set | frozenset):
        features = set(features)
    row = [i for i in map(vocabulary.get, features) if i is not None]
    if BIAS not in features:
        row.append(bias)
    row.sort()
    return row


def _features_of(text: str) -> frozenset[str]:
    from checker.detect.features import clause_features

    return frozenset(clause_features(text))


def load_detector(directory: Path) -> Detector:
    """The shipped detector, its weights checked against the digest recorded beside them."""
    try:
        meta = json.loads((directory / "detector.json").read_text(encoding="utf-8"))
        npy = directory / "detector.npy"
        if _sha256(npy) != meta["provenance"]["weights_sha256"]:
            raise DetectorError(
                f"{npy} does not match the digest recorded in detector.json; run `make model`"
            )
        weights = np.load(npy, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise DetectorError(f"cannot load the detector from {directory}: {exc}") from exc
    vocabulary = {f: i for i, f in enumerate(meta["features"])}
    if weights.shape != (len(vocabulary), len(meta["controls"])):
        raise DetectorError(
            f"detector weights have shape {weights.shape}, expected {len(vocabulary)} features"
        )
    detector = Detector(
        controls=tuple(meta["controls"]),
        vocabulary=vocabulary,
        weights=weights,
        propose_at=float(meta["propose_at"]),
        # A detector saved before set-asides existed sets nothing aside.
        set_aside_below=float(meta.get("set_aside_below", 0.0)),
        # ... and one saved before context existed reads each clause on its own.
        context=float(meta.get("context", {}).get("weight", 0.0)),
        context_reach=int(meta.get("context", {}).get("reach", 0)),
        examples={c: [(a, b) for a, b in v] for c, v in meta["examples"].items()},
        provenance=meta["provenance"],
    )
    if "neighbours" in meta:
        _load_neighbours(detector, directory, meta)
    return detector


def _load_neighbours(detector: Detector, directory: Path, meta: dict[str, Any]) -> None:
    """The neighbour index and the static table it was built in, both checked against their digests."""
    try:
        vectors = load_vectors(directory)
        near = directory / "detector.neighbours.npy"
        if _sha256(near) != meta["provenance"]["neighbours_sha256"]:
            raise DetectorError(
                f"{near} does not match the digest recorded in detector.json; run `make model`"
            )
        rows = np.load(near, allow_pickle=False).astype(np.float32)
        info = meta["neighbours"]
    except (OSError, ValueError, KeyError, VectorsError) as exc:
        raise DetectorError(f"cannot load the detector's neighbours from {directory}: {exc}") from exc
    if vectors is None or rows.shape != (len(info["ids"]), vectors.dimensions):
        raise DetectorError(f"the detector's neighbours in {directory} do not fit its static vectors")
    labels = np.zeros((len(info["ids"]), len(detector.controls)), dtype=bool)
    for i, cols in enumerate(info["labels"]):
        labels[i, cols] = True
    centre = np.asarray(info["centre"], dtype=np.float32)
    detector.vectors = vectors
    detector.neighbours = Neighbours(
        rows, centre, labels, list(info["ids"]), int(info["k"]), float(info["temperature"])
    )
    detector.blend = float(info["blend"])


def shipped_detector(library_root: Path) -> Detector | None:
    """The detector shipped beside a library (``<library>/model/``), or None for a library without one.

    A user's own library has no model and is read by its rules alone; a damaged model is an error, never
    silently skipped.
    """
    directory = Path(library_root) / "model"
    if not (directory / "detector.json").exists():
        return None
    return load_detector(directory)


def train_detector(
    samples: Sequence[Sample],
    controls: Sequence[str],
    *,
    propose_at: float,
    set_aside_below: float = 0.0,
    context: float = 0.0,
    context_reach: int = 0,
    min_count: int = 2,
    steps: int = 100,
    learning_rate: float = 0.3,
    l2: float = 1e-4,
    examples_per_control: int = 1000,
    vectors: StaticVectors | None = None,
    blend: float = 0.5,
) -> Detector:
    """Fit one logistic regression per control, and with ``vectors`` a neighbour index; deterministic."""
    counts: dict[str, int] = {}
    for s in samples:
        for f in s.features:
            counts[f] = counts.get(f, 0) + 1
    features = [*sorted(f for f, n in counts.items() if n >= min_count and f != BIAS), BIAS]
    vocab = {f: i for i, f in enumerate(features)}
    rows = [np.asarray(sorted({vocab[f] for f in s.features if f in vocab}), dtype=np.int64) for s in samples]
    n, v, c = len(samples), len(features), len(controls)
    lengths = np.asarray([len(r) for r in rows])
    word_idx = np.concatenate(rows) if n else np.zeros(0, dtype=np.int64)
    word_row = np.repeat(np.arange(n), lengths)
    word_val = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths).astype(np.float32)
    # The bias: one more entry per row, value 1.
    idx = np.concatenate([word_idx, np.full(n, vocab[BIAS])])
    row = np.concatenate([word_row, np.arange(n)])
    val = np.concatenate([word_val, np.ones(n, dtype=np.float32)])
    by_row = np.lexsort((idx, row))
    r_idx, r_row, r_val = idx[by_row], row[by_row], val[by_row]
    r_starts = np.searchsorted(r_row, np.arange(n))
    by_feat = np.lexsort((row, idx))
    f_idx, f_row, f_val = idx[by_feat], row[by_feat], val[by_feat]
    f_starts = np.searchsorted(f_idx, np.arange(v))

    y = np.zeros((n, c), dtype=np.float32)
    col = {cid: j for j, cid in enumerate(controls)}
    for i, s in enumerate(samples):
        for cid in s.controls:
            if cid in col:
                y[i, col[cid]] = 1.0
    # Each control's positives and negatives weigh the same in total ("balanced" class weights).
    positives = np.maximum(y.sum(axis=0), 1.0)
    pos_weight = (n / (2.0 * positives)).astype(np.float32)
    neg_weight = (n / (2.0 * np.maximum(n - positives, 1.0))).astype(np.float32)
    sample_weight = y * pos_weight + (1.0 - y) * neg_weight

    w = np.zeros((v, c), dtype=np.float32)
    m = np.zeros_like(w)
    s2 = np.zeros_like(w)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        scores = np.add.reduceat(w[r_idx] * r_val[:, None], r_starts, axis=0)
        p = 1.0 / (1.0 + np.exp(-scores))
        g_rows = (p - y) * sample_weight / n
        grad = np.add.reduceat(g_rows[f_row] * f_val[:, None], f_starts, axis=0) + l2 * w
        m = beta1 * m + (1 - beta1) * grad
        s2 = beta2 * s2 + (1 - beta2) * grad * grad
        w -= learning_rate * (m / (1 - beta1**step)) / (np.sqrt(s2 / (1 - beta2**step)) + eps)
    examples: dict[str, list[tuple[str, str]]] = {}
    for cid in controls:
        chosen = [(s.id, s.text[:400]) for s in samples if cid in s.controls]
        examples[cid] = sorted(chosen)[:examples_per_control]
    digest = hashlib.sha256()
    for s in sorted(samples, key=lambda s: s.id):
        digest.update(f"{s.id}\0{','.join(sorted(s.controls))}\0{s.text}\0".encode())
    provenance = {
        "method": "one-vs-rest logistic regression, full-batch Adam from zero weights",
        "samples": n,
        "features": v,
        "steps": steps,
        "learning_rate": learning_rate,
        "l2": l2,
        "min_count": min_count,
        "training_data_sha256": digest.hexdigest(),
    }
    detector = Detector(
        tuple(controls),
        vocab,
        w,
        propose_at,
        examples,
        provenance,
        set_aside_below=set_aside_below,
        context=context,
        context_reach=context_reach,
    )
    if vectors is not None and n:
        raw = vectors.embed([read_with_lead(s.lead, s.text, s.heading) for s in samples])
        near = build_neighbours(raw, controls, [s.controls for s in samples], [s.id for s in samples])
        # Kept at the precision it is saved in, so that a reloaded detector decides the same.
        near = replace(
            near, vectors=near.vectors.astype(np.float16).astype(np.float32), centre=np.round(near.centre, 6)
        )
        detector.vectors, detector.neighbours, detector.blend = vectors, near, blend
        provenance.update(
            {
                "neighbours": f"k={near.k} nearest labelled clauses, weights exp(similarity / {near.temperature})",
                "blend": blend,
                "vectors": {k: v for k, v in vectors.provenance.items() if k != "sha256"},
            }
        )
    return detector
