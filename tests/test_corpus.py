"""The labelled corpus is what its sources file says, from sources we may use, labelled by the rules.

These tests read ``clause_library/corpus/``: documents, sources, units and labels. They never print
lockbox text; they check structure and numbers only.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from bench.corpus import (
    CORPUS,
    DOCUMENTS,
    LABELS,
    UNITS,
    doc_id,
    load_sources,
    lockbox_publishers,
    read_jsonl,
)
from bench.labelled import control_ids, corpus_figures, load_labelled
from checker.extract import extract_file
from checker.library.loader import load_library

SOURCES = load_sources()
CONTROLS = set(control_ids())
# Parameter keys are a parameter of the library (or of control-ids.md) and the unit it was stated in.
_BASES = {p.key for c in load_library().controls.values() for p in c.parameters} | {
    "notification", "critical_vuln", "high_vuln", "kev", "deletion", "return", "log_retention",
    "subprocessor_notice", "objection", "pentest_frequency", "training_frequency", "insurance",
    "sbom_delivery", "change_notice", "audit_notice",
}  # fmt: skip
_UNITS = ("hours", "days", "business_days", "weeks", "months", "years", "amount")
PARAM_KEYS = {f"{b}_{u}" for b in _BASES for u in _UNITS}
# Sources reserved for independent evaluation (shared/reference/reserved-sources.md) and the
# development set's publishers: none may appear in the corpus, by name, repository or address.
RESERVED = re.compile(
    r"bonterms|zitadel|caos ag|lawinsider|opentermsarchive|openchain-project|chainguard-dev/edu|markettransfer|"
    r"infrontcompliance|energycentral|myctrl\.tools|rp-tech\.net|fedramp\.scalesec|supplierportal\.jpl|"
    r"commonaccord|tag-security\.cncf|energy delivery systems|ai-augmented-assessment-framework|(^|/)18f/|"
    r"chapter-(3|8|12|13|15|18|30)\.json|infracost|lucidtech|cradl|dataresearchcenter|idio|tropos|bugsplat|"
    r"spacelift|langfuse|cloud.temple|common ?paper|37signals|basecamp|github-site-policy",
    re.IGNORECASE,
)
OPEN_LICENCES = re.compile(
    r"^(CC0-1\.0|CC-BY-(SA-)?[34]\.0|MIT|Apache-2\.0|BSD-[23]-Clause|OGL-UK-3\.0|Community-Spec-1\.0|"
    r"LicenseRef-[A-Za-z0-9.-]+|EUPL-1\.2|MPL-2\.0|OGL-Canada-2\.0)( (AND|OR) .+)?$"
)


def test_every_document_is_recorded_with_its_hash_licence_and_origin() -> None:
    assert {p.name for p in DOCUMENTS.iterdir()} == {r["file"] for r in SOURCES}
    for r in SOURCES:
        data = (DOCUMENTS / r["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == r["sha256"], r["file"]
        assert r["publisher"] and r["title"] and r["retrieved"], r["file"]
        assert r["repository"] or r["url"], r["file"]
        assert OPEN_LICENCES.match(r["licence"]), (r["file"], r["licence"])
        assert r["licence_evidence"], r["file"]
        if r["repository"]:
            assert re.fullmatch(r"[0-9a-f]{40}", r["commit"] or ""), r["file"]


def test_no_reserved_source_and_no_development_set_publisher() -> None:
    for r in SOURCES:
        where = " ".join(
            str(r.get(k) or "") for k in ("file", "publisher", "title", "repository", "path", "url")
        )
        assert not RESERVED.search(where), where


def test_the_corpus_meets_the_size_the_issue_asks_for() -> None:
    figures = corpus_figures()
    assert figures["documents"] >= 60 and figures["publishers"] >= 30
    assert figures["clauses"] >= 5000
    covered = [c for c, f in figures["per_control"].items() if f["positives"] >= 15 and f["publishers"] >= 3]
    assert len(covered) >= 36, sorted(set(CONTROLS) - set(covered))


def test_the_lockbox_is_the_deterministic_draw_and_big_enough() -> None:
    chosen, _ = lockbox_publishers(SOURCES)
    assert {r["group"] for r in SOURCES if r["split"] == "lockbox"} == chosen
    for r in SOURCES:  # a publisher group is never split between the two parts
        assert r["publisher"] in r["group"].split(" + ")
    box = [r for r in SOURCES if r["split"] == "lockbox"]
    assert len(box) >= 0.2 * len(SOURCES) and len(chosen) >= 8
    assert {r["split"] for r in SOURCES} == {"open", "lockbox"}


@pytest.mark.parametrize("record", SOURCES, ids=lambda r: doc_id(r["file"]))
def test_units_point_into_the_extracted_text(record: dict) -> None:
    text = extract_file(DOCUMENTS / record["file"]).text
    for u in read_jsonl(UNITS / f"{doc_id(record['file'])}.jsonl"):
        assert text[u["start"] : u["end"]] == u["text"], u["id"]


def test_labels_use_known_controls_and_parameters_and_cover_every_unit() -> None:
    documents = json.loads((LABELS / "adjudicated" / "documents.json").read_text(encoding="utf-8"))[
        "documents"
    ]
    assert set(documents) == {r["file"] for r in SOURCES}
    for folder in ("pass-a", "pass-b"):
        for path in (LABELS / folder).glob("*.jsonl"):
            units = {u["id"] for u in read_jsonl(UNITS / path.name)}
            for row in read_jsonl(path):
                assert row["id"] in units, (folder, row["id"])
                named = set(row.get("met", [])) | set(row.get("weak", [])) | set(row.get("conflict", []))
                assert named <= CONTROLS, (folder, row["id"], named - CONTROLS)
                assert set(row.get("params") or {}) <= PARAM_KEYS, (folder, row["id"], row["params"])
    for doc in load_labelled(None):
        units = read_jsonl(UNITS / f"{doc_id(doc.file)}.jsonl")
        assert [u.id for u in doc.units] == [u["id"] for u in units]
        for u in doc.units:
            assert set(u.status) <= CONTROLS and set(u.params) <= PARAM_KEYS


def test_labelling_rules_and_sources_are_documented() -> None:
    rules = (CORPUS / "LABELLING.md").read_text(encoding="utf-8")
    assert "two annotators" in rules and re.search(r"^1\. \*\*Who is bound", rules, re.M)
    assert (CORPUS / "CONTROLS.md").exists()
