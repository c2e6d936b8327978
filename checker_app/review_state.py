"""Reviewer decisions and the exports that carry them.

The engine's assessment is never changed in place: a reviewer's decisions are kept per control (in the
page's session state) and applied to a copy of the assessment (``Finding.override``) just before it is
shown or exported, so every report says what the engine found and what the reviewer decided.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from checker.library.loader import Library
from checker.library.schema import Playbook
from checker.models import Assessment, ReviewerOverride, Status
from checker.report import report_bytes
from checker.review import apply_review, decide, review_of
from checker_app.bundle import Bundle

__all__ = [
    "EXPORTS",
    "REVIEW_EXPORT",
    "Export",
    "apply_overrides",
    "available_exports",
    "export_bytes",
    "export_name",
    "make_override",
    "negotiation_pack",
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


#: The saved review (not a report: a file to load again, here or with ``clausecheck check --review``).
REVIEW_EXPORT: Final = Export("review", "Review decisions (JSON)", "json", "application/json")


def make_override(
    decision: str, status: Status | None, comment: str, reviewer: str, engine: Status | None = None
) -> ReviewerOverride:
    """A reviewer's decision, timed; an override without a new status, or to the engine's, is an accept."""
    return decide(decision, status, comment, reviewer, engine=engine)


def apply_overrides(
    assessment: Assessment,
    overrides: Mapping[str, ReviewerOverride],
    playbook: Playbook | None = None,
    library: Library | None = None,
) -> Assessment:
    """The reviewed assessment: decisions applied, score (and, given the playbook, coverage) recomputed."""
    return apply_review(assessment, overrides, playbook=playbook, library=library)


def negotiation_pack(assessment: Assessment, bundle: Bundle, author: str = "") -> bytes:
    """One ZIP to send or file: the redline (when the bundle has a DOCX), the addendum, the memo (DOCX,
    HTML and Markdown) and the review file that reproduces it all."""
    stem = export_name(assessment, EXPORTS[0]).rsplit(".", 1)[0]
    files: dict[str, bytes] = {}
    if any(d.document.format.value == "docx" for d in bundle.documents):
        files[f"{stem}-redline.docx"] = report_bytes(
            "redline", [assessment], sources=bundle.sources, author=author.strip() or "clausecheck"
        )
    files[f"{stem}-security-addendum.docx"] = report_bytes("addendum", [assessment])
    for fmt in ("docx", "html", "md"):
        files[f"{stem}-negotiation-memo.{fmt}"] = report_bytes("memo", [assessment], memo_format=fmt)
    files[f"{stem}-review.json"] = review_of(assessment).to_json().encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buf.getvalue()


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
    suffix = {"docx": "-annotated", "review": "-review"}.get(export.fmt, "")
    return f"clausecheck-{stem or 'contract'}-{assessment.playbook}{suffix}.{export.extension}"
