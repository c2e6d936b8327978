"""The register's schema as SQLAlchemy 2 tables: vendors, documents, assessments, findings, evidence,
reviews (an append-only trail) and SBOMs with their components.

The tables mirror the newest Alembic migration (``migrations/versions``); a test checks that the two
agree, so a change here without a migration fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AssessmentRow",
    "Base",
    "ComponentRow",
    "DocumentRow",
    "EvidenceRow",
    "FindingRow",
    "ReviewRow",
    "SbomRow",
    "VendorRow",
]


class Base(DeclarativeBase):
    """The declarative base of every register table."""


class VendorRow(Base):
    """A vendor, by the name the contract (or the batch sheet) gives it."""

    __tablename__ = "vendors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    documents: Mapped[list[DocumentRow]] = relationship(back_populates="vendor", order_by="DocumentRow.id")
    assessments: Mapped[list[AssessmentRow]] = relationship(
        back_populates="vendor", order_by="AssessmentRow.id"
    )
    sboms: Mapped[list[SbomRow]] = relationship(back_populates="vendor", order_by="SbomRow.id")


class DocumentRow(Base):
    """One contract file of a vendor; the same bytes (sha256) are one row, however often assessed."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("vendor_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))
    effective_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    recorded: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    vendor: Mapped[VendorRow] = relationship(back_populates="documents")


class AssessmentRow(Base):
    """One assessment of a vendor's documents against a playbook, with what produced it.

    ``fingerprint`` (documents, playbook and library hashes) makes recording idempotent: two runs that
    assess the same bytes the same way record one assessment.
    """

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    playbook: Mapped[str] = mapped_column(String(200))
    playbook_hash: Mapped[str] = mapped_column(String(80))
    library_version: Mapped[str] = mapped_column(String(40))
    library_hash: Mapped[str] = mapped_column(String(80))
    tool_version: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    document_ids: Mapped[list[int]] = mapped_column(JSON)
    text_stored: Mapped[bool] = mapped_column(Boolean)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    vendor: Mapped[VendorRow] = relationship(back_populates="assessments")
    findings: Mapped[list[FindingRow]] = relationship(back_populates="assessment", order_by="FindingRow.id")


class FindingRow(Base):
    """One control's verdict within an assessment."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("assessment_id", "control"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    control: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    family: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    params: Mapped[dict[str, float]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    assessment: Mapped[AssessmentRow] = relationship(back_populates="findings")
    evidence: Mapped[list[EvidenceRow]] = relationship(back_populates="finding", order_by="EvidenceRow.id")
    reviews: Mapped[list[ReviewRow]] = relationship(back_populates="finding", order_by="ReviewRow.id")


class EvidenceRow(Base):
    """Where a finding's evidence is: document, page, offsets, section; the text unless ``--no-text``."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    document: Mapped[str] = mapped_column(String(500))
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(String(100), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    finding: Mapped[FindingRow] = relationship(back_populates="evidence")


class ReviewRow(Base):
    """A reviewer's decision on a finding. Rows are only ever added: triggers refuse UPDATE and DELETE."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    comment: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finding: Mapped[FindingRow] = relationship(back_populates="reviews")


class SbomRow(Base):
    """An SBOM a vendor gave us: its format, digest and when it was added."""

    __tablename__ = "sboms"
    __table_args__ = (UniqueConstraint("vendor_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(40))
    spec_version: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(500))
    added: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    vendor: Mapped[VendorRow] = relationship(back_populates="sboms")
    components: Mapped[list[ComponentRow]] = relationship(back_populates="sbom", order_by="ComponentRow.id")


class ComponentRow(Base):
    """One component of an SBOM: its package URL (the key incidents match on), name and version."""

    __tablename__ = "components"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sboms.id"), index=True)
    purl: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    purl_type: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sbom: Mapped[SbomRow] = relationship(back_populates="components")
