"""Fixtures shared across test modules."""

from register_backends import db_url, postgres_server  # noqa: F401  (the register's two backends)
