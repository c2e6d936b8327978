"""The committed JSON Schema matches the pydantic models, and bad files are rejected with file and line."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import ValidationError
from test_library_lint import base_control, playbook, write_library

from checker.errors import LibraryError, PlaybookError
from checker.library.json_schema import SCHEMA_KINDS, schema_dict, schema_filename, schema_text
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.library.schema import Parameter

SCHEMA_DIR = DEFAULT_LIBRARY / "schema"


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_committed_schema_is_current(kind: str) -> None:
    committed = (SCHEMA_DIR / schema_filename(kind)).read_text(encoding="utf-8")  # type: ignore[arg-type]
    assert committed == schema_text(kind), (  # type: ignore[arg-type]
        f"clause_library/schema/{schema_filename(kind)} is stale: "  # type: ignore[arg-type]
        "run `clausecheck library schema --write` and commit the result"
    )


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schema_is_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema_dict(kind))  # type: ignore[arg-type]


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_dict(kind))  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted((DEFAULT_LIBRARY / "controls").rglob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_controls_validate_against_the_json_schema(path: Path) -> None:
    errors = [e.message for e in _validator("control").iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


def test_shipped_playbooks_validate_against_the_json_schema() -> None:
    for path in sorted((DEFAULT_LIBRARY / "playbooks").glob("*.yaml")):
        errors = [e.message for e in _validator("playbook").iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], path


def test_plain_string_examples_and_playbook_entries_are_allowed() -> None:
    control = base_control()
    control["examples"]["negative"] = ["Customer shall pay all invoices within thirty days."]
    assert list(_validator("control").iter_errors(control)) == []
    assert list(_validator("playbook").iter_errors(playbook("base", ["mfa", {"id": "x"}]))) == []


@pytest.mark.parametrize(
    ("kind", "where"),
    [("control", ()), ("control", ("match",)), ("control", ("examples", "met", 0)), ("playbook", ())],
)
def test_json_schema_rejects_unknown_keys(kind: str, where: tuple[str | int, ...]) -> None:
    data = base_control() if kind == "control" else playbook("base", [{"id": "mfa"}])
    node = data
    for part in where:
        node = node[part]
    node["colour"] = "red"
    errors = list(_validator(kind).iter_errors(data))
    assert len(errors) == 1
    # Under anyOf (an example may be a plain string) the reason sits in the error's context.
    messages = [errors[0].message, *(e.message for e in errors[0].context or [])]
    assert any("'colour' was unexpected" in m for m in messages)


def test_loader_names_file_and_line_of_an_unknown_key(tmp_path: Path) -> None:
    control = base_control()
    control["fallback"]["stirct"] = control["fallback"].pop("strict")
    root = write_library(tmp_path, [control])
    path = root / "controls" / "incident" / "incident_notification.yaml"
    line = 1 + next(i for i, text in enumerate(path.read_text().splitlines()) if "stirct" in text)
    with pytest.raises(LibraryError) as info:
        load_library(root)
    message = str(info.value)
    assert str(path) in message
    assert f"line {line}, fallback.stirct: unknown key" in message


def test_loader_names_file_and_line_of_bad_yaml(tmp_path: Path) -> None:
    root = write_library(tmp_path, [base_control()])
    path = root / "controls" / "incident" / "incident_notification.yaml"
    path.write_text(path.read_text().replace("severity: critical", "severity: [critical"))
    with pytest.raises(LibraryError, match=rf"{path} line \d+: not valid YAML"):
        load_library(root)


def test_loader_names_playbook_and_line_of_an_unknown_control(tmp_path: Path) -> None:
    root = write_library(
        tmp_path, [base_control()], {"base": playbook("base", ["incident_notification", "mfa"])}
    )
    path = root / "playbooks" / "base.yaml"
    line = 1 + path.read_text().splitlines().index("- mfa")
    with pytest.raises(PlaybookError, match=rf"base\.yaml: line {line}: unknown control 'mfa'"):
        load_library(root)


def test_required_in_context_needs_a_required_parameter_with_context_phrases() -> None:
    with pytest.raises(ValidationError, match="required_in_context"):
        Parameter(key="notice", unit="hours", required=True, required_in_context=True)
    with pytest.raises(ValidationError, match="required_in_context"):
        Parameter(key="notice", unit="hours", context=["notif*"], required_in_context=True)
    assert Parameter(key="notice", unit="hours", required=True, context=["notif*"], required_in_context=True)
