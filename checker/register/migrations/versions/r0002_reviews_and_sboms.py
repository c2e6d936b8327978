"""Reviewer decisions (an append-only trail) and vendors' SBOMs with their components.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)

# The trail is append-only in the database itself, not only in our code: a decision once recorded can be
# superseded by a later one, never edited or removed.
_SQLITE_GUARDS = [
    f"CREATE TRIGGER reviews_no_{verb.lower()} BEFORE {verb} ON reviews"
    f" BEGIN SELECT RAISE(ABORT, 'the review trail is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    "CREATE FUNCTION reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'the review trail is append-only'; END $$",
    "CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews"
    " FOR EACH ROW EXECUTE FUNCTION reviews_append_only()",
]


def upgrade() -> None:
    """Add the review trail and the SBOM tables."""
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id"), nullable=False, index=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("created", _WHEN, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_GUARDS if dialect == "postgresql" else _SQLITE_GUARDS:
        op.execute(statement)
    op.create_table(
        "sboms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("vendor_id", sa.Integer, sa.ForeignKey("vendors.id"), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("spec_version", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("added", _WHEN, nullable=False),
        sa.UniqueConstraint("vendor_id", "sha256"),
    )
    op.create_table(
        "components",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sbom_id", sa.Integer, sa.ForeignKey("sboms.id"), nullable=False, index=True),
        sa.Column("purl", sa.String(1000), nullable=True),
        sa.Column("purl_type", sa.String(40), nullable=True, index=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("version", sa.String(200), nullable=True),
    )
