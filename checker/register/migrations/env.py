"""Alembic's entry point for the register: migrations run on the connection the register hands over."""

from __future__ import annotations

from alembic import context

from checker.register.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
