"""The first register: vendors, their documents, assessments, findings and evidence locations.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the first schema."""
    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("created", _WHEN, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("vendor_id", sa.Integer, sa.ForeignKey("vendors.id"), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("effective_date", sa.String(10), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("recorded", _WHEN, nullable=False),
        sa.UniqueConstraint("vendor_id", "sha256"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("vendor_id", sa.Integer, sa.ForeignKey("vendors.id"), nullable=False, index=True),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("playbook", sa.String(200), nullable=False),
        sa.Column("playbook_hash", sa.String(80), nullable=False),
        sa.Column("library_version", sa.String(40), nullable=False),
        sa.Column("library_hash", sa.String(80), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("document_ids", sa.JSON, nullable=False),
        sa.Column("text_stored", sa.Boolean, nullable=False),
        sa.Column("created", _WHEN, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False, index=True),
        sa.Column("control", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("family", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.UniqueConstraint("assessment_id", "control"),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id"), nullable=False, index=True),
        sa.Column("document", sa.String(500), nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("text", sa.Text, nullable=True),
    )
