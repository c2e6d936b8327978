"""Recording assessments into the register: vendor, documents, findings, evidence, reviewer decisions.

One assessment is one transaction: a process killed half-way leaves the register as it was before, and
the next run records it. Recording is idempotent: the same documents assessed with the same playbook and
library by the same vendor name record once (the assessment's ``fingerprint``), so two batch runs writing
into one register at once lose and duplicate nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from checker.models import Assessment, DocumentInfo, Finding
from checker.register.database import Register, RegisterError
from checker.register.reviews import append_new_decisions, override_values
from checker.register.sbom import ParsedSbom
from checker.register.tables import (
    AssessmentRow,
    ComponentRow,
    DocumentRow,
    EvidenceRow,
    FindingRow,
    ReviewRow,
    SbomRow,
    VendorRow,
)
from checker.register.writing import find_vendor, in_transaction, now, vendor_row

__all__ = ["Recorded", "document_kind", "record_assessment", "record_sbom", "scored_rows"]

if TYPE_CHECKING:
    from checker.batch import BatchOutcome

#: What a file name says about the kind of document, first match wins.
_KINDS = (
    ("DPA", re.compile(r"\bdpa\b|data[ _-]?processing|data[ _-]?protection", re.I)),
    ("exhibit", re.compile(r"exhibit|schedule|annex|appendix|addendum|security", re.I)),
    ("MSA", re.compile(r"\bmsa\b|master|terms|agreement|contract", re.I)),
)


@dataclass(frozen=True)
class Recorded:
    """The register's id of a recorded assessment, and whether this call created it."""

    assessment_id: int
    vendor: str
    created: bool


def document_kind(file_name: str) -> str:
    """MSA, DPA, exhibit (security schedule, annex, addendum) or contract, read from the file name."""
    words = re.sub(r"[_.-]+", " ", file_name)
    return next((kind for kind, pattern in _KINDS if pattern.search(words)), "contract")


def _fingerprint(vendor: str, assessment: Assessment, store_text: bool) -> str:
    docs = assessment.documents or [assessment.document]
    key = {
        "vendor": vendor,
        "documents": sorted(d.sha256 for d in docs),
        "playbook": assessment.provenance.playbook_hash,
        "library": assessment.provenance.library_hash,
        "text": store_text,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _document(session: Session, vendor: VendorRow, info: DocumentInfo, effective_date: str | None) -> int:
    row = session.scalar(
        select(DocumentRow).where(DocumentRow.vendor_id == vendor.id, DocumentRow.sha256 == info.sha256)
    )
    if row is None:
        kind = document_kind(info.name)
        earlier = session.scalar(
            select(func.count()).where(DocumentRow.vendor_id == vendor.id, DocumentRow.kind == kind)
        )
        row = DocumentRow(
            vendor_id=vendor.id,
            sha256=info.sha256,
            file_name=info.name[:500],
            kind=kind,
            effective_date=effective_date,
            version=(earlier or 0) + 1,
            recorded=now(),
        )
        session.add(row)
        session.flush()
    return row.id


def _finding_values(finding: Finding, assessment_id: int) -> dict[str, object]:
    return {
        "assessment_id": assessment_id,
        "control": finding.control,
        "title": finding.title,
        "family": finding.family,
        "severity": finding.severity,
        "status": finding.status.value,
        "params": dict(finding.params),
        "reasons": list(finding.reasons),
    }


def _insert_findings(session: Session, assessment_id: int, findings: list[Finding], store_text: bool) -> None:
    """Findings, their evidence and reviewer decisions in three multi-row INSERTs (the ORM's unit of work
    cost about 100 ms per assessment, as much as scoring a document in a batch)."""
    if not findings:
        return
    returned = session.execute(
        insert(FindingRow).returning(FindingRow.id, sort_by_parameter_order=True),
        [_finding_values(f, assessment_id) for f in findings],
    ).scalars()
    ids = list(returned)
    evidence = [
        {
            "finding_id": finding_id,
            "document": e.document,
            "page": e.page,
            "start": e.start,
            "end": e.end,
            "section": e.section[:100] if e.section else None,
            "text": e.text if store_text else None,
        }
        for finding_id, f in zip(ids, findings, strict=True)
        for e in f.evidence
    ]
    if evidence:
        session.execute(insert(EvidenceRow), evidence)
    reviews = [
        {"finding_id": finding_id, **override_values(f.override, store_text)}
        for finding_id, f in zip(ids, findings, strict=True)
        if f.override is not None
    ]
    if reviews:
        session.execute(insert(ReviewRow), reviews)


def record_assessment(
    register: Register,
    assessment: Assessment,
    vendor: str,
    *,
    store_text: bool = True,
    effective_dates: Mapping[str, str] | None = None,
) -> Recorded:
    """Record ``assessment`` under ``vendor``; ``store_text=False`` keeps statuses, numbers and locations only."""
    name = " ".join(vendor.split())
    if not name or len(name) > 300:
        raise RegisterError(
            "A vendor name of 1 to 300 characters is needed to record an assessment.",
            hint="Pass --vendor NAME.",
        )
    fingerprint = _fingerprint(name, assessment, store_text)
    dates = effective_dates or {}

    def work(session: Session) -> Recorded:
        existing = session.scalar(select(AssessmentRow.id).where(AssessmentRow.fingerprint == fingerprint))
        if existing is not None:
            append_new_decisions(session, existing, assessment, store_text)
            return Recorded(existing, name, created=False)
        row_vendor = vendor_row(session, name)
        docs = assessment.documents or [assessment.document]
        ids = [_document(session, row_vendor, d, dates.get(d.name)) for d in docs]
        p = assessment.provenance
        row = AssessmentRow(
            vendor_id=row_vendor.id,
            fingerprint=fingerprint,
            playbook=p.playbook,
            playbook_hash=p.playbook_hash,
            library_version=p.library_version,
            library_hash=p.library_hash,
            tool_version=p.tool_version,
            score=assessment.score,
            document_ids=ids,
            text_stored=store_text,
            created=now(),
        )
        session.add(row)
        session.flush()
        _insert_findings(session, row.id, list(assessment.findings), store_text)
        return Recorded(row.id, name, created=True)

    return in_transaction(register, work)


def record_sbom(
    register: Register, vendor: str, sbom: ParsedSbom, file_name: str, *, create: bool = False
) -> tuple[int, bool]:
    """Add a validated SBOM to ``vendor`` (``create``: a vendor not yet in the register); (id, new?)."""

    def work(session: Session) -> tuple[int, bool]:
        row_vendor = find_vendor(session, vendor)
        if row_vendor is None:
            if not create:
                raise RegisterError(
                    f"No vendor {vendor!r} in the register.",
                    hint="Use the name `clausecheck register list` shows, or pass --create for a new vendor.",
                )
            row_vendor = vendor_row(session, " ".join(vendor.split()))
        existing = session.scalar(
            select(SbomRow.id).where(SbomRow.vendor_id == row_vendor.id, SbomRow.sha256 == sbom.sha256)
        )
        if existing is not None:
            return existing, False
        row = SbomRow(
            vendor_id=row_vendor.id,
            sha256=sbom.sha256,
            file_name=file_name,
            format=sbom.format,
            spec_version=sbom.spec_version,
            subject=sbom.subject[:500],
            added=now(),
        )
        row.components = [
            ComponentRow(purl=c.purl, purl_type=c.purl_type, name=c.name[:500], version=c.version)
            for c in sbom.components
        ]
        session.add(row)
        session.flush()
        return row.id, True

    return in_transaction(register, work)


def scored_rows(outcome: BatchOutcome) -> tuple[list[tuple[str, Assessment]], list[int]]:
    """A batch run's (vendor, assessment) pairs to record, once per vendor and job, and the numbers of
    scored rows that name no vendor (they cannot be recorded)."""
    pairs: list[tuple[str, Assessment]] = []
    unnamed: list[int] = []
    seen: set[tuple[str, int]] = set()
    for row in outcome.rows:
        result = outcome.results[row.job] if row.job is not None else None
        if result is None or result.assessment is None or row.job is None:
            continue
        if not row.vendor.strip():
            unnamed.append(row.row.number)
        elif (row.vendor, row.job) not in seen:
            seen.add((row.vendor, row.job))
            pairs.append((row.vendor, result.assessment))
    return pairs, unnamed
