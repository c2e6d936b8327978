"""The annotated DOCX: the vendor's own document with Word comments on weak and conflicting clauses.

Each weak or conflicting finding (after review) puts a comment, by "clausecheck", on the paragraph its
evidence was quoted from: what the playbook requires, why the clause falls short, and the language to
propose instead. A "clausecheck gap summary" is appended at the end with every finding that is not met,
missing ones included, and says where a clause could not be found in this file. Nothing else changes:
the vendor's paragraphs keep their text and order.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path
from typing import BinaryIO

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from checker.errors import ArchiveBombError, ReportError
from checker.models import Assessment, DocumentInfo, Evidence, Finding, Status
from checker.report.cells import clean_text
from checker.report.docx_locate import ParagraphIndex, iter_paragraphs
from checker.report.wording import (
    STATUS_LABELS,
    bundle_documents,
    effective_status,
    engine_said,
    evidence_location,
    format_score,
    gap_reason,
    open_gaps,
    override_text,
    params_words,
    threshold_words,
)

__all__ = ["AUTHOR", "INITIALS", "SUMMARY_HEADING", "annotate_docx", "open_docx"]

AUTHOR, INITIALS = "clausecheck", "CC"
SUMMARY_HEADING = "clausecheck gap summary"
_COMMENTED = frozenset({Status.WEAK, Status.CONFLICT})
# A DOCX we already extracted is small; this only stops a crafted archive from exhausting memory.
_MAX_UNCOMPRESSED = 200 * 1024 * 1024


def _text(value: str) -> str:
    return clean_text(value, limit=1_000_000)


def open_docx(source: Path | bytes, name: str) -> DocxDocument:
    """The vendor's DOCX, opened with a guard against archives that unpack to an absurd size."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNCOMPRESSED:
                raise ArchiveBombError("The DOCX unpacks to an absurd size.", path=name)
        return docx.Document(io.BytesIO(data))
    except ArchiveBombError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml and zip errors for a bad package
        raise ReportError(
            "The source file is not a readable DOCX, so it cannot be annotated.",
            hint="Choose the json, xlsx or html format, or give the original .docx file.",
            path=name,
        ) from exc


def _runs(paragraph: Paragraph) -> list[Run]:
    runs: list[Run] = []
    for item in paragraph.iter_inner_content():
        runs.extend(item.runs if isinstance(item, Hyperlink) else [item])
    return [r for r in runs if r._r.find(qn("w:t")) is not None] or runs


def _comment_lines(f: Finding) -> list[str]:
    status = STATUS_LABELS[effective_status(f)].upper()
    if f.override is not None and effective_status(f) != f.status:
        status += f" (reviewer's decision; {engine_said(f)})"
    lines = [f"clausecheck: {status}: {f.catalogue} {f.title} (severity {f.severity})".replace(":  ", ": ")]
    requires = threshold_words(f.thresholds)
    lines.append(f"Playbook requires: {requires or 'a binding obligation on the vendor: ' + f.title}.")
    params = params_words(f.params)
    if params:
        lines.append(f"Found: {params}.")
    lines.append(f"Why: {gap_reason(f)}")
    if f.fallback:
        lines.append(f"Proposed language: {f.fallback}")
    if f.override is not None:
        lines.append(f"Reviewer: {override_text(f)}")
    return [_text(line) for line in lines]


def _in_document(ev: Evidence, info: DocumentInfo, single: bool) -> bool:
    return single or ev.document in {info.name, info.path}


def _annotate(doc: DocxDocument, assessment: Assessment, info: DocumentInfo) -> dict[str, str]:
    """Comment every weak/conflicting finding; return, per control, where the comment went or why not."""
    paragraphs = list(iter_paragraphs(doc))
    index_of = ParagraphIndex([p.text for p in paragraphs])
    single = len({info.path, *(d.path for d in assessment.documents)}) == 1
    placed: dict[str, str] = {}
    for f in assessment.findings:
        if effective_status(f) not in _COMMENTED:
            continue
        placed[f.control] = "Clause not found in this file ({}); no comment added.".format(
            "; ".join(evidence_location(ev) for ev in f.evidence) or "no evidence"
        )
        for ev in f.evidence:  # one comment per finding: on the first quote that can be found
            index = index_of.locate(ev.text) if _in_document(ev, info, single) else None
            runs = _runs(paragraphs[index]) if index is not None else []
            if runs:
                lines = _comment_lines(f)
                comment = doc.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
                for line in lines[1:]:
                    comment.add_paragraph(line)
                placed[f.control] = f"Comment at {evidence_location(ev)}."
                break
    return placed


def _add_summary(doc: DocxDocument, assessment: Assessment, placed: dict[str, str]) -> None:
    try:
        doc.add_heading(SUMMARY_HEADING, level=1)
    except KeyError:  # the vendor's template has no heading styles
        doc.add_paragraph().add_run(SUMMARY_HEADING).bold = True
    p = assessment.provenance
    doc.add_paragraph(
        _text(
            f"Generated by clausecheck {p.tool_version} with playbook {assessment.playbook} on {p.created}; "
            f"score {format_score(assessment.score)} of 100"
            + (
                f" after review (the engine said {format_score(assessment.engine_score)})"
                if assessment.engine_score is not None
                else ""
            )
            + ". The text above is the vendor's, unchanged; comments mark "
            "weak and conflicting clauses. Below: every control that is not met."
        )
    )
    documents = "; ".join(f"{d.name or d.path} (SHA-256 {d.sha256})" for d in bundle_documents(assessment))
    doc.add_paragraph(
        _text(
            f"Provenance: clause library {p.library_version} (hash {p.library_hash}); playbook {p.playbook}"
            f" (hash {p.playbook_hash}); documents assessed: {documents}."
        )
    )
    gaps = open_gaps(assessment.findings)
    table = doc.add_table(rows=1, cols=5)
    with contextlib.suppress(KeyError, ValueError):  # else keep the template's default table style
        table.style = "Table Grid"
    headers = ["Control", "Status", "Reason", "Proposed language", "Where"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for f in gaps:
        status = STATUS_LABELS[effective_status(f)]
        if effective_status(f) != f.status:
            status += f" (reviewer; {engine_said(f)})"
        reason = gap_reason(f) + (f" {override_text(f)}." if f.override else "")
        if f.status is Status.MISSING and not f.evidence:
            where = "No clause binds the vendor."
        else:
            where = placed.get(f.control) or "; ".join(evidence_location(ev) for ev in f.evidence)
        row = table.add_row().cells
        for cell, value in zip(
            row, [f"{f.catalogue} {f.title}".strip(), status, reason, f.fallback, where], strict=True
        ):
            cell.text = _text(value)
    if not gaps:
        doc.add_paragraph("Every control of the playbook is met.")


def annotate_docx(
    assessment: Assessment,
    source_docx: Path | bytes,
    out: Path | str | BinaryIO,
    *,
    document: DocumentInfo | None = None,
) -> dict[str, str]:
    """Write the vendor's DOCX with comments on weak/conflicting clauses and a gap summary appended.

    ``document`` is the file of the assessment that ``source_docx`` holds (the main document by
    default); evidence from other files of a bundle is listed in the summary, not commented. Returns,
    per commented control, where its comment went or why none could be placed.
    """
    info = document or assessment.document
    doc = open_docx(source_docx, info.path)
    placed = _annotate(doc, assessment, info)
    _add_summary(doc, assessment, placed)
    doc.save(str(out) if isinstance(out, str | Path) else out)
    return placed
