"""The JSON report: ``{"schema_version", "assessments": [...], "errors": [...]}`` (DESIGN.md section 4).

The shape is the pydantic models' own ``model_dump(mode="json")``, so the JSON, the models and the
published JSON Schema (``assessment.schema.json`` beside this module) cannot drift apart silently: a test
compares the committed schema with the generated one. Regenerate it with
``python -m checker.report``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.models import Assessment, InputError

__all__ = ["REPORT_SCHEMA_VERSION", "SCHEMA_PATH", "Report", "report_json_schema", "to_json"]

#: Version of the report's shape; raise it when a consumer would need to change.
REPORT_SCHEMA_VERSION: Final = "1"

#: The published JSON Schema of the report.
SCHEMA_PATH = Path(__file__).with_name("assessment.schema.json")


class Report(BaseModel):
    """Everything ``clausecheck check --format json`` prints: one assessment per document or bundle."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="clausecheck report")

    schema_version: Literal["1"] = REPORT_SCHEMA_VERSION
    assessments: list[Assessment] = Field(default_factory=list)
    errors: list[InputError] = Field(
        default_factory=list, description="Inputs that could not be assessed; the others still are."
    )


def to_json(assessments: Sequence[Assessment], errors: Sequence[InputError] = (), *, indent: int = 2) -> str:
    """The report as a JSON string (UTF-8 text, keys in model order)."""
    report = Report(assessments=list(assessments), errors=list(errors))
    return json.dumps(report.model_dump(mode="json"), indent=indent, ensure_ascii=False) + "\n"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Report`, as committed in ``assessment.schema.json``."""
    schema = Report.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"clausecheck-report-v{REPORT_SCHEMA_VERSION}",
        **schema,
    }


def schema_text() -> str:
    """The JSON Schema serialised exactly as it is committed."""
    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
