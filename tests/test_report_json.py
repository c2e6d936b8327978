"""The JSON report: DESIGN.md's shape, round trip through the models, and a published schema kept fresh."""

from __future__ import annotations

import json

import pytest
from report_samples import HOSTILE, sample_assessment, sample_error

from checker.models import Assessment, InputError
from checker.report.json_report import SCHEMA_PATH, Report, report_json_schema, schema_text, to_json


def test_shape_matches_design() -> None:
    data = json.loads(to_json([sample_assessment()], [sample_error()]))
    assert set(data) == {"schema_version", "assessments", "errors"}
    assert data["schema_version"] == "1"
    (a,) = data["assessments"]
    assert {"document", "playbook", "score", "findings", "errors", "provenance", "schema_version"} <= set(a)
    assert set(a["document"]) >= {"path", "sha256", "format", "pages"}
    assert set(a["provenance"]) >= {"tool_version", "library_version", "library_hash", "playbook"}
    finding = a["findings"][0]
    assert {"control", "status", "evidence", "params", "reasons", "fallback"} <= set(finding)
    assert finding["status"] in {"met", "weak", "conflict", "missing"}
    assert set(finding["evidence"][0]) >= {"text", "page", "start", "end", "section"}
    assert finding["params"] == {"notification_hours": 72.0}
    assert data["errors"] == [sample_error().model_dump(mode="json")]


def test_round_trips_through_the_models() -> None:
    original = sample_assessment()
    data = json.loads(to_json([original]))
    assert Assessment.model_validate(data["assessments"][0]) == original
    assert data["errors"] == []


def test_contract_text_is_kept_verbatim() -> None:
    text = to_json([sample_assessment()])
    quotes = [ev["text"] for f in json.loads(text)["assessments"][0]["findings"] for ev in f["evidence"]]
    for hostile in HOSTILE:
        assert hostile in quotes


def test_overrides_are_exported() -> None:
    findings = json.loads(to_json([sample_assessment()]))["assessments"][0]["findings"]
    by_control = {f["control"]: f for f in findings}
    assert by_control["audit_rights"]["override"] == {
        "decision": "overridden",
        "status": "weak",
        "comment": "SOC 2 report offered instead; negotiate <b>on-site</b> audit.",
        "reviewer": "A. Counsel",
        "decided_at": "",
    }
    assert by_control["ai_training_prohibition"]["override"] is None


def test_empty_report() -> None:
    assert json.loads(to_json([])) == {"schema_version": "1", "assessments": [], "errors": []}


def test_published_schema_is_current() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_text(), "stale schema: run `python -m checker.report`"


def test_output_validates_against_published_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(to_json([sample_assessment()], [sample_error()])), schema)
    bad = json.loads(to_json([sample_assessment()]))
    bad["assessments"][0]["findings"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_report_model_rejects_unknown_keys() -> None:
    assert report_json_schema()["additionalProperties"] is False
    with pytest.raises(ValueError):
        Report.model_validate({"assessments": [], "errors": [], "extra": 1})
    assert Report(errors=[InputError(path="a", code="c", message="m")]).schema_version == "1"
