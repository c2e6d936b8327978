"""The evaluation's arithmetic and its grouping, on small labelled sets built here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.accuracy import FAMILIES, AlwaysMissing, KeywordReviewer, by_family, family, folds, make_up
from bench.corpus import lockbox_publishers, publisher_draw
from bench.labelled import LabelledDocument, Unit, compare, control_ids, keyword_patterns


def _doc(
    name: str, publisher: str, labels: list[dict[str, str]], status: dict[str, str], kind: str = "msa"
) -> LabelledDocument:
    units = [
        Unit(f"{name}:{i:04d}", name, publisher, f"unit {i}", "", i * 10, i * 10 + 9, lab, {})
        for i, lab in enumerate(labels)
    ]
    return LabelledDocument({"file": name, "publisher": publisher, "kind": kind}, units, status)


def test_compare_counts_detection_status_and_parameters() -> None:
    doc = _doc(
        "d.md",
        "P",
        [{"incident_notification": "met"}, {"audit_rights": "weak"}, {}, {"mfa": "met"}],
        {"incident_notification": "met", "audit_rights": "weak", "mfa": "met"},
    )
    doc.units[0].params = {"notification_hours": 72}
    units = {
        "d.md:0000": {"incident_notification": "weak"},  # detected, status differs
        "d.md:0001": {"audit_rights": "weak"},  # detected, status equal
        "d.md:0002": {"encryption_at_rest": "met"},  # false positive
    }  # d.md:0003 mfa missed
    params = {"d.md:0000": {"notification_hours": 72.0}}
    got = compare([doc], units, params, {"d.md": {"incident_notification": "met", "mfa": "weak"}})
    assert (got["tp"], got["fp"], got["fn"]) == (2, 1, 1)
    assert got["precision"] == pytest.approx(2 / 3) and got["recall"] == pytest.approx(2 / 3)
    assert got["f1"] == pytest.approx(2 / 3)
    assert got["status_agreement"] == pytest.approx(1 / 4)  # 4 pairs addressed by either side, 1 equal
    assert got["params_exact"] == 1.0
    # 44 controls: audit_rights (weak→missing) and mfa (met→weak) differ, the other 42 agree.
    assert got["documents_agreement"] == pytest.approx(42 / 44)
    # Addressed at all: incident_notification and mfa found, audit_rights missed, nothing found unlabelled.
    assert got["documents_precision"] == 1.0 and got["documents_recall"] == pytest.approx(2 / 3)
    assert got["per_control"]["encryption_at_rest"]["fp"] == 1
    assert got["per_control"]["mfa"]["measured"] is False


def test_a_wrong_or_missing_parameter_is_not_exact() -> None:
    doc = _doc("d.md", "P", [{"incident_notification": "met"}, {"incident_notification": "met"}], {})
    doc.units[0].params = {"notification_hours": 72}
    doc.units[1].params = {"notification_hours": 24}
    got = compare([doc], {}, {"d.md:0000": {"notification_hours": 48}}, {})
    assert got["params_exact"] == 0.0 and got["params_labelled"] == 2


def test_folds_never_split_a_publisher() -> None:
    docs = [_doc(f"{p}{i}.md", p, [{}] * (i + 1), {}) for p in "ABCDEFGHIJK" for i in range(3)]
    parts = folds(docs)
    assert len(parts) == 5
    owners = [{d.publisher for d in part} for part in parts]
    assert all(a.isdisjoint(b) for i, a in enumerate(owners) for b in owners[i + 1 :])
    assert sum(len(p) for p in parts) == len(docs)


def test_the_baselines() -> None:
    doc = _doc("d.md", "P", [{}], {})
    doc.units[0].text = "The Supplier shall deliver a Software Bill of Materials in SPDX format."
    units, _, documents = KeywordReviewer().predict(doc)
    assert units["d.md:0000"]["sbom_disclosure"] == "met" and documents["sbom_disclosure"] == "met"
    assert AlwaysMissing().predict(doc) == ({}, {}, {})


def test_the_keyword_list_names_every_control_and_matches_whole_words() -> None:
    patterns = keyword_patterns(Path("bench/keyword_reviewer.yaml"))
    assert set(patterns) == set(control_ids())
    assert patterns["mfa"].search("enforce MFA for admins")
    assert not patterns["mfa"].search("the mfactory")
    assert patterns["audit_rights"].search("Customer may audit")


def test_the_lockbox_draw_depends_on_names_only_and_meets_its_minimums() -> None:
    records = [{"publisher": f"Publisher {i}", "file": f"{i}-{j}.md"} for i in range(40) for j in range(2)]
    chosen, _ = lockbox_publishers(records)
    assert chosen == lockbox_publishers(list(reversed(records)))[0]
    assert len(chosen) >= 8 and 2 * len(chosen) >= 0.2 * len(records)
    assert publisher_draw("OWASP Foundation") == publisher_draw(" owasp foundation ")


def test_every_document_kind_of_the_corpus_belongs_to_exactly_one_family() -> None:
    sources = json.loads(Path("clause_library/corpus/sources.json").read_text(encoding="utf-8"))
    records = next(iter(sources.values()))
    kinds = {r["kind"] for r in records}
    owners = {k: [f for f, ks in FAMILIES.items() if k in ks] for k in kinds}
    assert all(len(o) == 1 for o in owners.values()), owners
    with pytest.raises(ValueError, match="'novel_kind' belongs to no family"):
        family(_doc("n.md", "P", [], {}, kind="novel_kind"))


def test_figures_per_family_score_each_family_on_its_own_documents() -> None:
    contract = _doc("c.md", "P", [{"audit_rights": "met"}, {}], {}, kind="dpa")
    catalogue = _doc("r.md", "Q", [{"mfa": "met"}], {}, kind="policy")
    units = {"c.md:0000": {"audit_rights": "met"}, "c.md:0001": {"mfa": "weak"}}  # r.md's mfa missed
    got = by_family([contract, catalogue], (units, {}, {}))
    assert set(got) == {"contract", "requirements"}  # no government document: no row
    assert got["contract"]["precision"] == pytest.approx(0.5) and got["contract"]["recall"] == 1.0
    assert got["requirements"]["recall"] == 0.0
    assert make_up([contract, catalogue])["contract"] == {"documents": 1, "clauses": 2, "positives": 1}
