"""The shipped detector in the SBOM: a CycloneDX ``machine-learning-model`` component with its digests.

``python -m checker.sbom_model SBOM MODEL_DIR`` adds (or replaces) the component for the detector in
``MODEL_DIR`` after checking that its weights match the digest recorded beside them, so that a customer
auditing our SBOM sees the model, how it was made (trained by the project from the corpus in the
repository with ``make model``, never downloaded) and the hashes to verify it against.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.digests import check_digests, sha256_of

__all__ = ["main", "model_component"]

NAME = "clausecheck-detector"
VECTORS_NAME = "clausecheck-static-vectors"


def model_component(model_dir: Path) -> dict[str, Any]:
    """The CycloneDX component for the detector in ``model_dir``; ValueError when its files disagree."""
    meta = json.loads((model_dir / "detector.json").read_text(encoding="utf-8"))
    provenance = meta.get("provenance", {})
    check_digests(
        model_dir, {"detector.npy": str(provenance.get("weights_sha256"))}, str(model_dir / "detector.json")
    )
    return {
        "type": "machine-learning-model",
        "bom-ref": NAME,
        "name": NAME,
        "version": str(provenance.get("training_data_sha256", ""))[:16],
        "description": (
            "Clause detector trained by the clausecheck project from the open part of its labelled corpus "
            "(clause_library/corpus), the controls' example sentences (clause_library/controls) and the "
            "library's training sentences (clause_library/sentences) with `make model`; never downloaded."
        ),
        "hashes": [
            {"alg": "SHA-256", "content": sha256_of(model_dir / name)}
            for name in ("detector.json", "detector.npy", "detector.neighbours.npy")
            if (model_dir / name).exists()
        ],
        "properties": [
            {"name": f"clausecheck:model:{key}", "value": str(value)}
            for key, value in sorted(provenance.items())
        ],
    }


def vectors_component(model_dir: Path) -> dict[str, Any] | None:
    """The static table distilled from all-MiniLM-L6-v2, with the publisher's model as its ancestor."""
    path = model_dir / "vectors.json"
    if not path.exists():
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    check_digests(model_dir, meta["sha256"], str(path))
    return {
        "type": "machine-learning-model",
        "bom-ref": VECTORS_NAME,
        "name": VECTORS_NAME,
        "version": meta["sha256"]["vectors.npy"][:16],
        "description": (
            "Static word-piece table distilled with `make vectors` (checker/detect/distil.py) from the "
            f"publisher's {meta['source_model']}, whose files were checked against the publisher's digests."
        ),
        "hashes": [{"alg": "SHA-256", "content": digest} for _, digest in sorted(meta["sha256"].items())],
        "pedigree": {
            "ancestors": [
                {
                    "type": "machine-learning-model",
                    "name": meta["source_model"],
                    "version": meta["source_revision"],
                    "licenses": [{"license": {"id": meta["source_licence"]}}],
                    "hashes": [{"alg": "SHA-256", "content": meta["source_weights_sha256"]}],
                }
            ]
        },
        "properties": [
            {"name": f"clausecheck:vectors:{key}", "value": str(value)}
            for key, value in sorted(meta.items())
            if key != "sha256"
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``SBOM MODEL_DIR``; exit 0 when the component was written, 1 on a bad model, 2 on usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m checker.sbom_model SBOM MODEL_DIR", file=sys.stderr)
        return 2
    sbom_path, model_dir = map(Path, args)
    try:
        sbom = json.loads(sbom_path.read_text(encoding="utf-8"))
        component = model_component(model_dir)
        vectors = vectors_component(model_dir)
    except (OSError, ValueError, KeyError) as exc:
        print(f"sbom_model: {exc}", file=sys.stderr)
        return 1
    ours = [component, *([vectors] if vectors else [])]
    kept = [c for c in sbom.get("components", []) if c.get("bom-ref") not in (NAME, VECTORS_NAME)]
    sbom["components"] = kept + ours
    sbom_path.write_text(json.dumps(sbom, indent=2) + "\n", encoding="utf-8")
    print(f"sbom_model: {NAME} ({component['hashes'][1]['content'][:12]}…) recorded in {sbom_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
