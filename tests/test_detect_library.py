"""The library's own sentences (controls' examples, clause_library/sentences) train the detector."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from checker.detect import train_detector
from checker.detect.train import MODEL_DIR, SENTENCES, SentencesError, library_samples, training_sentences
from checker.detect.vectors import load_vectors
from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.models import Clause

LIBRARY = load_library()
RULES = Engine(LIBRARY)
CONTROLS = sorted(LIBRARY.controls)
SAMPLES = library_samples(RULES)


def test_every_example_and_training_sentence_is_a_labelled_sample() -> None:
    by_id = {s.id: s for s in SAMPLES}
    for cid, control in LIBRARY.controls.items():
        for i, example in enumerate(control.examples.met):
            sample = by_id[f"library:{control.catalogue}:met[{i}]"]
            assert sample.text == example.text and sample.controls == {cid}
        for i, example in enumerate(control.examples.weak):
            assert by_id[f"library:{control.catalogue}:weak[{i}]"].text == example.text
        assert not any(
            s.startswith(f"library:{control.catalogue}:negative") for s in by_id
        )  # may be another's
        assert not any(cid in s for s in by_id)  # a sample names its control by code, as reasons do
    sentences = training_sentences(LIBRARY)
    assert sorted(sentences) == CONTROLS  # one file per control
    for name, rows in sentences.items():
        for i, row in enumerate(rows):
            sample = by_id[f"library:sentences:{LIBRARY.controls[name].catalogue}[{i}]"]
            assert sample.controls == set(row.met + row.weak) and sample.lead == row.lead
    # Hard negatives train too: clauses on a control's topic that address none.
    negatives = [s for s in SAMPLES if s.id.startswith("library:sentences:") and not s.controls]
    assert len(negatives) > 100


def test_a_list_item_sentence_is_read_with_its_lead_in() -> None:
    rows = [
        (name, i, r) for name, rs in training_sentences(LIBRARY).items() for i, r in enumerate(rs) if r.lead
    ]
    assert rows
    name, i, row = rows[0]
    assert row.lead
    sample = next(s for s in SAMPLES if s.id == f"library:sentences:{LIBRARY.controls[name].catalogue}[{i}]")
    assert any(f.startswith("l:") for f in sample.features)  # the lead-in's words are features


def test_a_detector_trained_on_the_library_alone_knows_every_control() -> None:
    """Without one corpus clause, each control's own fallback language (never trained on) ranks it first."""
    detector = train_detector(SAMPLES, CONTROLS, propose_at=0.45, vectors=load_vectors(MODEL_DIR))
    right = 0
    for cid in CONTROLS:
        for text in (LIBRARY.controls[cid].fallback.acceptable, LIBRARY.controls[cid].fallback.strict):
            clause = Clause(index=0, start=0, end=len(text), text=text, page=1, document="fallback")
            features = RULES.detector_features(clause, "", RULES.match_text(text))
            row = detector.probabilities([features], [text])[0]
            right += CONTROLS[int(np.argmax(row))] == cid
    assert right >= 80, f"{right} of {2 * len(CONTROLS)}"


def _library_with(tmp_path: Path, line: str) -> object:
    folder = tmp_path / SENTENCES
    shutil.copytree(LIBRARY.root / SENTENCES, folder)
    with (folder / "mfa.jsonl").open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return dataclasses.replace(LIBRARY, root=tmp_path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"text": "Supplier shall require two factors.", "met": ["mfaa"], "style": "contract"}',
            r"mfa\.jsonl line \d+: unknown control mfaa",
        ),
        (
            '{"text": "Supplier shall require two factors.", "met": ["mfa"], "style": "memo"}',
            r"mfa\.jsonl line \d+: ",
        ),
        (
            '{"text": "Supplier shall require two factors.", "met": ["mfa"], "styl": "contract"}',
            r"mfa\.jsonl line \d+: ",
        ),
        ("not json", r"mfa\.jsonl line \d+: "),
    ],
)
def test_a_bad_training_sentence_names_its_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    library = _library_with(tmp_path, line)
    with pytest.raises(SentencesError, match=message):
        training_sentences(library)  # type: ignore[arg-type]


def test_a_training_sentence_file_must_be_named_after_a_control(tmp_path: Path) -> None:
    folder = tmp_path / SENTENCES
    shutil.copytree(LIBRARY.root / SENTENCES, folder)
    shutil.copy(folder / "mfa.jsonl", folder / "two_factor.jsonl")
    with pytest.raises(SentencesError, match=r"two_factor\.jsonl: not named after a control"):
        training_sentences(dataclasses.replace(LIBRARY, root=tmp_path))
