"""The JSON Schema of control and playbook files, generated from the pydantic models.

Editors and other tools validate library YAML against ``clause_library/schema/*.schema.json``; those
files are this module's output (``clausecheck library schema --write``) and a test fails when they go
stale. The pydantic models stay the single source of truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from checker.library import schema as library_schema
from checker.library.schema import Control, Playbook

__all__ = ["SCHEMA_KINDS", "schema_dict", "schema_filename", "schema_text", "write_schemas"]

SchemaKind = Literal["control", "playbook"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("control", "playbook")

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _allow_plain_string(array_schema: dict[str, Any], min_length: int | None = None) -> None:
    """Let an array hold plain strings beside objects.

    The models accept ``- some text`` for an example and ``- control_id`` for a playbook entry through
    ``mode="before"`` validators, which pydantic cannot see when it writes the schema.
    """
    string: dict[str, Any] = {"type": "string"}
    if min_length is not None:
        string["minLength"] = min_length
    array_schema["items"] = {"anyOf": [array_schema["items"], string]}


def _allow_numbers_where_coerced(schema: dict[str, Any]) -> None:
    """Let string fields of models that coerce numbers to text accept numbers, as YAML writes them.

    A reviewer writes ``section: 500.5``; YAML reads a float and the model keeps it as text
    (``coerce_numbers_to_str``), which pydantic's schema does not show.
    """
    models = {name: obj for name, obj in vars(library_schema).items() if isinstance(obj, type)}
    for name, definition in [(schema.get("title", ""), schema), *schema.get("$defs", {}).items()]:
        model = models.get(name)
        if model is None or not issubclass(model, BaseModel):
            continue
        if not model.model_config.get("coerce_numbers_to_str"):
            continue
        for prop in definition.get("properties", {}).values():
            for option in [prop, *prop.get("anyOf", [])]:
                if option.get("type") == "string":
                    option["type"] = ["string", "number"]


def schema_dict(kind: SchemaKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for a control file or a playbook file."""
    if kind == "control":
        schema = Control.model_json_schema()
        examples = schema["$defs"]["Examples"]["properties"]
        text_min = schema["$defs"]["Example"]["properties"]["text"].get("minLength")
        for name in ("met", "weak", "conflict", "negative"):
            _allow_plain_string(examples[name], text_min)
    elif kind == "playbook":
        schema = Playbook.model_json_schema()
        _allow_plain_string(schema["properties"]["controls"])
    else:
        raise ValueError(f"unknown schema kind {kind!r}; use one of {', '.join(SCHEMA_KINDS)}")
    _allow_numbers_where_coerced(schema)
    return {"$schema": _DIALECT, "$id": f"clausecheck:{schema_filename(kind)}", **schema}


def schema_text(kind: SchemaKind) -> str:
    """The schema as the exact text committed under ``clause_library/schema/``."""
    return json.dumps(schema_dict(kind), indent=2, ensure_ascii=False) + "\n"


def schema_filename(kind: SchemaKind) -> str:
    """File name of a kind's schema, e.g. ``control.schema.json``."""
    return f"{kind}.schema.json"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory`` and return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMA_KINDS:
        path = directory / schema_filename(kind)
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written
