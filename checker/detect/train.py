"""Training the shipped detector from the corpus in the repository: ``make model`` runs ``main``.

Each labelled document of the corpus's open part is read as the matcher reads any document (extract,
segment, the rules of the library); every clause becomes a training sample with the detector's features
(:meth:`checker.match.engine.Engine.detector_features`) and the controls its labelled unit addresses. The
lockbox is never read here. The same corpus gives the same weights and the same file hashes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.detect.model import Detector, Sample, train_detector
from checker.detect.vectors import load_vectors
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.match.engine import Engine
from checker.models import Clause, Document

__all__ = ["PROPOSE_AT", "document_samples", "fit", "main"]

CORPUS = DEFAULT_LIBRARY / "corpus"
MODEL_DIR = DEFAULT_LIBRARY / "model"
# Chosen by the cross-validated figure (bench/accuracy.py, BENCHMARKS.md): the detector proposes a control
# the rules missed from this (blended) probability on. 0.7 for the linear model alone; 0.4 once the
# nearest labelled clauses vote beside it (open part, grouped by publisher: F1 0.374 -> 0.388, offline).
PROPOSE_AT = 0.4


def document_samples(
    engine: Engine, doc: Document, clauses: Sequence[Clause], units: list[dict[str, Any]]
) -> list[Sample]:
    """Training samples of one labelled document: each clause the rules read, labelled by the unit it overlaps most.

    ``engine`` must read by its rules alone (no detector), as the shipped engine does before the detector.
    """
    _, read = engine.read_clauses(doc, clauses)
    out = []
    for clause, lead, found in read:
        best, overlap = None, 0
        for u in units:
            o = min(clause.end, u["end"]) - max(clause.start, u["start"])
            if o > overlap:
                best, overlap = u, o
        if best is None:
            continue
        controls = frozenset([*best.get("controls", []), *best.get("weak", [])])
        features = frozenset(engine.detector_features(clause, lead, found))
        out.append(Sample(best["id"], clause.text, features, controls, lead, clause.heading))
    return out


def fit(samples: Sequence[Sample], controls: Sequence[str], model_dir: Path = MODEL_DIR) -> Detector:
    """The shipped recipe: the linear model and, with the static table in ``model_dir``, the neighbours."""
    return train_detector(samples, controls, propose_at=PROPOSE_AT, vectors=load_vectors(model_dir))


def corpus_samples(corpus: Path = CORPUS) -> list[Sample]:
    """Every clause of the open part's adjudicated documents as a training sample."""
    from checker.extract import extract_file
    from checker.segment import Segmenter

    engine = Engine(load_library())
    segmenter = Segmenter()
    sources = json.loads((corpus / "sources.json").read_text(encoding="utf-8"))["documents"]
    samples: list[Sample] = []
    for record in sources:
        if record.get("split") != "open":
            continue
        path = corpus / "labels" / "adjudicated" / f"{Path(record['file']).stem}.jsonl"
        if not path.exists():
            continue
        units = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        doc = extract_file(corpus / "documents" / record["file"])
        samples.extend(document_samples(engine, doc, segmenter.segment(doc), units))
    return samples


def main(argv: list[str] | None = None) -> int:
    """Train on the open corpus and write ``clause_library/model/``."""
    parser = argparse.ArgumentParser(description="Train the clause detector from the labelled corpus.")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    controls = sorted(load_library().controls)
    samples = corpus_samples()
    if not samples:
        print("no adjudicated labels in the open part of the corpus", file=sys.stderr)
        return 1
    detector = fit(samples, controls)
    for name, digest in detector.save(args.out).items():
        print(f"{digest}  {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
