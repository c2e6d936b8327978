"""The learned detector: reproducible training, verified loading, and proposals the rules then judge."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from checker.detect import DetectorError, load_detector, shipped_detector, train_detector
from checker.detect.features import clause_features, describe_feature
from checker.detect.neighbours import read_with_lead
from checker.detect.train import MODEL_DIR, document_samples
from checker.extract import extract_file
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.match.engine import Engine
from checker.models import SET_ASIDE, Status
from checker.segment import Segmenter

CORPUS = DEFAULT_LIBRARY / "corpus"
LIBRARY = load_library()
RULES = Engine(LIBRARY)
SEGMENTER = Segmenter()
CONTROLS = sorted(LIBRARY.controls)


def _open_documents(n: int) -> list[tuple[object, list, list[dict]]]:
    """The first ``n`` open-part corpus documents that have labelled clauses: document, clauses, units."""
    sources = json.loads((CORPUS / "sources.json").read_text(encoding="utf-8"))["documents"]
    out = []
    for record in sources:
        path = CORPUS / "labels" / "adjudicated" / f"{Path(record['file']).stem}.jsonl"
        if record["split"] != "open" or not path.exists():
            continue
        units = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        if sum(bool(u["controls"] or u["weak"]) for u in units) < 20:
            continue
        doc = extract_file(CORPUS / "documents" / record["file"])
        out.append((doc, SEGMENTER.segment(doc), units))
        if len(out) == n:
            break
    return out


DOCS = _open_documents(5)
SAMPLES = [s for doc, clauses, units in DOCS for s in document_samples(RULES, doc, clauses, units)]


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_training_is_deterministic_down_to_the_file_hashes(tmp_path: Path) -> None:
    settings = {"propose_at": 0.7, "set_aside_below": 0.25, "context": 0.2, "context_reach": 2, "steps": 30}
    first = train_detector(SAMPLES, CONTROLS, **settings)  # type: ignore[arg-type]
    second = train_detector(list(SAMPLES), CONTROLS, **settings)  # type: ignore[arg-type]
    first.save(tmp_path / "a")
    second.save(tmp_path / "b")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    reloaded = load_detector(tmp_path / "a")
    assert (reloaded.propose_at, reloaded.set_aside_below) == (0.7, 0.25)
    assert (reloaded.context, reloaded.context_reach) == (0.2, 2)
    feats = [s.features for s in SAMPLES[:50]]
    assert np.allclose(reloaded.probabilities(feats), first.probabilities(feats), atol=0.01)
    in_order = reloaded.read(feats, in_order=True).probabilities
    assert np.allclose(in_order, first.read(feats, in_order=True).probabilities, atol=0.01)
    # A detector saved before context existed reads each clause on its own.
    meta = json.loads((tmp_path / "a" / "detector.json").read_text(encoding="utf-8"))
    del meta["context"]
    (tmp_path / "a" / "detector.json").write_text(json.dumps(meta), encoding="utf-8")
    older = load_detector(tmp_path / "a")
    assert (older.context, older.context_reach) == (0.0, 0)
    assert np.array_equal(older.read(feats, in_order=True).probabilities, older.probabilities(feats))


def test_a_documents_clauses_are_read_with_the_clauses_beside_them() -> None:
    detector = train_detector(SAMPLES, CONTROLS, propose_at=0.7, context=0.2, context_reach=2, steps=30)
    doc, clauses, _ = DOCS[0]
    _, read = RULES.read_clauses(doc, clauses)
    features = [RULES.detector_features(c, lead, found) for c, lead, found in read]
    own = detector.probabilities(features)  # each clause on its own, as any list of clauses is read
    opinion = detector.read(features, in_order=True)
    assert opinion.own is not None and opinion.beside is not None
    assert np.array_equal(opinion.own, own)
    n = len(own)
    for i in range(n):
        beside = own[[j for j in range(i - 2, i + 3) if j != i and 0 <= j < n]].max(axis=0)
        assert np.allclose(opinion.beside[i], beside)
        assert np.allclose(opinion.probabilities[i], 0.8 * own[i] + 0.2 * beside, atol=1e-6)
    # What a reason says: the probability, its own and what the clauses beside it give.
    row, col = np.unravel_index(int(np.argmax(opinion.probabilities - own)), own.shape)
    assert opinion.probabilities[row, col] > own[row, col]  # some clause is read up by its neighbours
    said = opinion.said(int(row), int(col))
    assert said == (
        f"{opinion.probabilities[row, col]:.2f} ({own[row, col]:.2f} on its own, "
        f"{opinion.beside[row, col]:.2f} beside it)"
    )
    # One clause (a sentence checked on its own) has no neighbours; out of order nothing is mixed.
    assert np.array_equal(detector.read(features[:1], in_order=True).probabilities, own[:1])
    assert detector.read(features).own is None and detector.read(features).said(0, 0) == f"{own[0, 0]:.2f}"


def test_tampered_or_missing_weights_are_refused(tmp_path: Path) -> None:
    train_detector(SAMPLES, CONTROLS, propose_at=0.7, steps=5).save(tmp_path)
    weights = np.load(tmp_path / "detector.npy")
    weights[0, 0] += 1.0
    np.save(tmp_path / "detector.npy", weights)
    with pytest.raises(DetectorError, match="digest"):
        load_detector(tmp_path)
    (tmp_path / "detector.npy").unlink()
    with pytest.raises(DetectorError):
        load_detector(tmp_path)
    assert shipped_detector(tmp_path / "a library without a model") is None


def test_the_detector_learns_and_explains_what_it_saw() -> None:
    detector = train_detector(SAMPLES, CONTROLS, propose_at=0.7)
    positives = [s for s in SAMPLES if s.controls]
    probabilities = detector.probabilities([s.features for s in positives])
    hits = sum(
        probabilities[i, detector.column(c)] >= 0.5 for i, s in enumerate(positives) for c in s.controls
    )
    assert hits / sum(len(s.controls) for s in positives) > 0.8  # it fits what it was trained on
    sample = positives[0]
    control = sorted(sample.controls)[0]
    assert detector.why(sample.features, control)  # readable features that weighed towards it
    assert sample.id in {uid for uid, _ in detector.nearest(sample.features, control, k=3)}


def test_the_engine_proposes_what_the_rules_missed_and_judges_it_like_a_rule() -> None:
    detector = train_detector(SAMPLES, CONTROLS, propose_at=0.7)
    engine = Engine(LIBRARY, detector)
    proposed = []
    for doc, clauses, _ in DOCS:
        rules = {(m.clause_index, m.control) for m in RULES.match_document(doc, clauses)}
        for m in engine.match_document(doc, clauses):
            if m.rule == "detector":
                assert (m.clause_index, m.control) not in rules
                proposed.append((doc, m))
            else:
                assert (m.clause_index, m.control) in rules  # the rules' own matches are kept as they were
    assert proposed
    for doc, m in proposed:
        assert m.reason_codes[0] == "detector" and "nearest labelled clauses" in m.reasons[0]
        assert doc.text[m.evidence.start : m.evidence.end] == m.evidence.text
        assert m.party != "customer" and m.status.value in ("met", "weak")


def test_one_clause_only_the_detector_proposed_does_not_make_a_document_finding() -> None:
    from checker.library.loader import resolve_playbook
    from checker.models import DocumentInfo
    from checker.score import LONE_PROPOSAL, assess, judge

    engine = Engine(LIBRARY, train_detector(SAMPLES, CONTROLS, propose_at=0.5))
    playbook = resolve_playbook("all", LIBRARY)
    lone = shared = ruled = 0
    for doc, clauses, _ in DOCS:
        matches = engine.match_document(doc, clauses)
        info = DocumentInfo(path=doc.name, name=doc.name, sha256="0" * 64, format="md", pages=1)
        findings = {f.control: f for f in assess([info], matches, playbook, LIBRARY).findings}
        for control in playbook.controls:
            own = [m for m in matches if m.control == control.id and SET_ASIDE not in m.reason_codes]
            alone = judge(LIBRARY.controls[control.id], own, playbook, control)
            finding = findings[control.id]
            clauses_proposed = {m.clause_index for m in own if m.rule == "detector"}
            if own and all(m.rule == "detector" for m in own) and len(clauses_proposed) == 1:
                lone += 1
                assert finding.status == Status.MISSING and not finding.evidence
                assert finding.reason_codes[0] == LONE_PROPOSAL
                assert own[0].evidence.text[:60] in finding.reasons[-1]
                assert "proposed by the learned detector (probability" in finding.reasons[-1]
            elif own and alone.status in (Status.MET, Status.WEAK):
                # Two clauses proposed, or a rule's match beside the proposal: judged as before.
                if any(m.rule == "detector" for m in own):
                    shared += 1
                else:
                    ruled += 1
                assert LONE_PROPOSAL not in finding.reason_codes
                assert finding.status != Status.MISSING
    assert lone and shared and ruled


def test_the_shipped_model_is_what_make_model_trains(tmp_path: Path) -> None:
    """`make model` (checker.detect.train) run again gives the shipped files, byte for byte."""
    shipped = {name: digest for name, digest in _digests(MODEL_DIR).items() if name.startswith("detector")}
    subprocess.run(
        [sys.executable, "-m", "checker.detect.train", "--out", str(tmp_path)],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    assert _digests(tmp_path) == shipped
    assert shipped_detector(DEFAULT_LIBRARY) is not None


def test_heading_and_lead_in_features_are_the_same_for_every_clause_that_shares_them() -> None:
    # The heading's and lead-in's words are kept for the clauses that follow: a clause read after others
    # under the same heading and lead-in has the features it has when read first, and no more.
    lead = "The Supplier shall, at its own cost:"
    first = clause_features("(a) notify the Customer within 24 hours;", "Security > Incident Response", lead)
    clause_features("(b) keep logs for 12 months;", "Security > Incident Response", lead)
    clause_features("(c) other text", "Other > Heading", "The Customer may:")
    again = clause_features("(a) notify the Customer within 24 hours;", "Security > Incident Response", lead)
    assert first == again
    assert {"h:incident", "h:response", "l:supplier", "l:cost", "l:shall"} <= first
    assert not {"h:security", "l:the", "h:other", "l:customer"} & first


def test_features_are_readable_words_and_explained_in_words() -> None:
    feats = clause_features(
        "The Supplier shall notify the Customer within 24 hours.",
        "Security > Incidents",
        "",
        ["g:mfa:factor"],
    )
    assert {"supplier", "notify", "24 hours".replace("24", "<n>"), "h:incidents", "g:mfa:factor"} <= feats
    assert "the" not in feats  # too common on its own, kept inside word pairs
    assert (
        describe_feature("g:incident_notification:notify")
        == "'notify' (library words of incident_notification)"
    )
    assert describe_feature("r:mfa:weak") == "the rules read mfa as weak"
    assert describe_feature("h:incidents") == "'incidents' in the heading"
    assert describe_feature("background checks") == "'background checks'"


def test_a_detector_reason_names_controls_by_their_code_not_their_id() -> None:
    # "library words of supply_chain_compromise_notice" reached the gap list (issue 12: no internal ids).
    titles = {"incident_notification": "IN-01"}
    assert describe_feature("g:incident_notification:notify", titles) == "'notify' (library words of IN-01)"
    assert describe_feature("r:incident_notification:weak", titles) == ("the rules read IN-01 as weak")


def test_the_linear_model_scores_a_long_document_in_chunks_bit_for_bit_as_in_one_piece() -> None:
    # Detector._linear scores clauses a few at a time; each clause's sum is the same float32 additions in
    # the same order as the whole document's reduceat (the code before), and as the clause scored alone.
    import itertools

    from checker.detect.model import _LINEAR_CHUNK, BIAS

    detector = shipped_detector(DEFAULT_LIBRARY)
    assert detector is not None
    path = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "37signals-terms-of-service.md"
    features = [clause_features(c.text, c.heading) for c in Segmenter().segment(extract_file(path))]
    features.append({BIAS, "notify"})  # a feature list that names the bias counts it once, unscaled
    # Features in a list count once each, and the bias and unknown features as in a set.
    features.append(["notify", "security incident", "notify", BIAS, "no such feature", "security incident"])
    assert len(features) > 3 * _LINEAR_CHUNK
    vocab = detector.vocabulary
    bias = vocab[BIAS]
    rows = [sorted({bias, *map(vocab.__getitem__, vocab.keys() & f)}) for f in features]
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    scale = np.repeat(1.0 / np.sqrt(lengths - 1 + 1e-9), lengths).astype(np.float32)
    contrib = detector.weights[flat] * scale[:, None]
    contrib[flat == bias] = detector.weights[bias]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    whole = 1.0 / (1.0 + np.exp(-np.add.reduceat(contrib, starts, axis=0)))
    chunked = detector._linear(features)
    assert chunked.dtype == whole.dtype and chunked.tobytes() == whole.tobytes()
    alone = np.concatenate([detector._linear([f]) for f in features[:40]])
    assert alone.tobytes() == chunked[:40].tobytes()


def test_the_engine_sets_aside_the_rules_matches_the_detector_finds_improbable_and_says_why() -> None:
    detector = train_detector(SAMPLES, CONTROLS, propose_at=0.7, set_aside_below=0.3)
    engine = Engine(LIBRARY, detector)
    aside = kept = 0
    for doc, clauses, _ in DOCS:
        _, read = engine.read_clauses(doc, clauses)
        features = [engine.detector_features(c, lead, found) for c, lead, found in read]
        probabilities = detector.probabilities(
            features, [read_with_lead(lead, c.text, c.heading) for c, lead, _ in read]
        )
        row_of = {c.index: row for (c, _, _), row in zip(read, probabilities, strict=True)}
        rules = {(m.clause_index, m.control, m.status) for m in RULES.match_document(doc, clauses)}
        for m in engine.match_document(doc, clauses):
            if m.rule == "detector":
                continue
            assert (m.clause_index, m.control, m.status) in rules  # kept, marked or not, never changed
            p = row_of[m.clause_index][detector.column(m.control)]
            if SET_ASIDE in m.reason_codes:
                aside += 1
                assert m.reason_codes[0] == SET_ASIDE and m.status != Status.CONFLICT and p < 0.3
                assert f"gives this clause {p:.2f} for this control, under 0.30" in m.reasons[0]
            else:
                kept += 1
                assert p >= 0.3 or m.status == Status.CONFLICT
    assert aside and kept
    # A detector that reads clauses in context decides, and says, from the probability in context.
    detector.context, detector.context_reach = 0.2, 2
    doc, clauses, _ = DOCS[0]
    _, read = engine.read_clauses(doc, clauses)
    features = [engine.detector_features(c, lead, found) for c, lead, found in read]
    texts = [read_with_lead(lead, c.text, c.heading) for c, lead, _ in read]
    opinion = detector.read(features, texts, in_order=True)
    index_of = {c.index: i for i, (c, _, _) in enumerate(read)}
    matches = engine.match_document(doc, clauses)
    for m in matches:
        i, col = index_of[m.clause_index], detector.column(m.control)
        if SET_ASIDE in m.reason_codes:
            assert opinion.probabilities[i, col] < 0.3
            assert f"gives this clause {opinion.said(i, col)} for this control" in m.reasons[0]
        elif m.rule == "detector":
            assert opinion.probabilities[i, col] >= 0.7
            assert f"(probability {opinion.said(i, col)})" in m.reasons[0] and "beside it" in m.reasons[0]
    assert any(SET_ASIDE in m.reason_codes for m in matches) and any(m.rule == "detector" for m in matches)
    detector.context = 0.0
    # A detector that sets nothing aside (0, as one saved before set-asides existed) keeps every match.
    detector.set_aside_below = 0.0
    doc, clauses, _ = DOCS[0]
    assert not any(SET_ASIDE in m.reason_codes for m in engine.match_document(doc, clauses))
