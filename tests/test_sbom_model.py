"""The shipped detector is in the SBOM with its digests, and a model that does not match them is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from checker.detect.train import MODEL_DIR
from checker.sbom_check import read_sbom
from checker.sbom_model import NAME, VECTORS_NAME, main


def _sbom(path: Path) -> Path:
    path.write_text(
        json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
            {"type": "library", "name": "numpy", "version": "2.4.6", "purl": "pkg:pypi/numpy@2.4.6"}
        ]}),
        encoding="utf-8",
    )  # fmt: skip
    return path


def test_the_model_is_recorded_with_the_hashes_of_its_files(tmp_path: Path) -> None:
    sbom = _sbom(tmp_path / "sbom.json")
    assert main([str(sbom), str(MODEL_DIR)]) == 0
    assert main([str(sbom), str(MODEL_DIR)]) == 0  # run twice: replaced, not duplicated
    components = json.loads(sbom.read_text())["components"]
    models = [c for c in components if c["type"] == "machine-learning-model"]
    assert [m["name"] for m in models] == [NAME, VECTORS_NAME]
    digests = {h["content"] for h in models[0]["hashes"]}
    for name in ("detector.json", "detector.npy", "detector.neighbours.npy"):
        assert hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest() in digests
    # The static table names the publisher's model it was distilled from, by the publisher's digest.
    (ancestor,) = models[1]["pedigree"]["ancestors"]
    assert ancestor["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert ancestor["hashes"][0]["content"].startswith("53aa51172d142c89")
    assert hashlib.sha256((MODEL_DIR / "vectors.npy").read_bytes()).hexdigest() in {
        h["content"] for h in models[1]["hashes"]
    }
    props = {p["name"]: p["value"] for p in models[0]["properties"]}
    assert len(props["clausecheck:model:training_data_sha256"]) == 64
    assert set(read_sbom(sbom)) == {"numpy"}  # the lock check reads Python packages only


def test_a_model_whose_weights_were_changed_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    data = bytearray((model / "detector.npy").read_bytes())
    data[-1] ^= 0xFF
    (model / "detector.npy").write_bytes(bytes(data))
    assert main([str(_sbom(tmp_path / "sbom.json")), str(model)]) == 1


def test_a_static_table_that_was_changed_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    data = bytearray((model / "vectors.npy").read_bytes())
    data[-1] ^= 0xFF
    (model / "vectors.npy").write_bytes(bytes(data))
    assert main([str(_sbom(tmp_path / "sbom.json")), str(model)]) == 1
