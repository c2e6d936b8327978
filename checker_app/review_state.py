"""Reviewer decisions and the exports that carry them.

The engine's assessment is never changed in place: a reviewer's decisions are kept per control (in the
page's session state) and applied to a copy of the assessment (``Finding.override``) just before it is
shown or exported, so every report says what the engine found and what the reviewer decided.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from checker.models import Assessment, ReviewerOverride, Status
from checker.report import report_bytes
from checker_app.bundle import Bundle

__all__ = [
    "EXPORTS",
    "Export",
    "apply_overrides",
    "available_exports",
    "export_bytes",
    "export_name",
    "make_override",
]


@dataclass(frozen=True)
class Export:
    """One download the review page offers."""

    fmt: str
    label: str
    extension: str
    mime: str


EXPORTS: Final = (
    Export(
        "xlsx", "Excel workbook", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    Export("html", "HTML report", "html", "text/html"),
    Export("json", "JSON (machine-readable)", "json", "application/json"),
    Export(
        "docx",
        "Annotated DOCX (Word comments)",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
)


def make_override(decision: str, status: Status | None, comment: str, reviewer: str) -> ReviewerOverride:
    """A reviewer's decision; an override without a new status, or to the same status, is an accept."""
    if decision == "overridden" and status is not None:
        return ReviewerOverride(
            decision="overridden", status=status, comment=comment.strip(), reviewer=reviewer.strip()
        )
    return ReviewerOverride(decision="accepted", comment=comment.strip(), reviewer=reviewer.strip())


def apply_overrides(assessment: Assessment, overrides: Mapping[str, ReviewerOverride]) -> Assessment:
    """A copy of the assessment with each reviewed finding carrying its reviewer's decision."""
    if not overrides:
        return assessment
    findings = [
        f.model_copy(update={"override": overrides[f.control]}) if f.control in overrides else f
        for f in assessment.findings
    ]
    return assessment.model_copy(update={"findings": findings})


def available_exports(bundle: Bundle) -> list[Export]:
    """The exports that make sense for the bundle (the annotated DOCX needs a DOCX in it)."""
    has_docx = any(d.document.format.value == "docx" for d in bundle.documents)
    return [e for e in EXPORTS if e.fmt != "docx" or has_docx]


def export_bytes(fmt: str, assessment: Assessment, bundle: Bundle) -> bytes:
    """The report in ``fmt`` for the reviewed assessment, with the bundle's failed files listed."""
    return report_bytes(fmt, [assessment], sources=bundle.sources, errors=bundle.errors)


def export_name(assessment: Assessment, export: Export) -> str:
    """A file name for the download: ``clausecheck-<first document>-<playbook>.<ext>``."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", assessment.document.name.rsplit(".", 1)[0]).strip("-").lower()
    suffix = "-annotated" if export.fmt == "docx" else ""
    return f"clausecheck-{stem or 'contract'}-{assessment.playbook}{suffix}.{export.extension}"
