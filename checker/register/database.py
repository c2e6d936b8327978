"""Where the register lives and how it is opened: SQLite by default, PostgreSQL by URL, always migrated.

The location is, in order: ``--db PATH|URL``, the ``CLAUSECHECK_DB`` environment variable, else
``register.sqlite`` in the user's data directory. A new SQLite file is created with mode 0600 (it holds
contract text). Opening a register upgrades it in place to the newest schema (Alembic); two processes
opening one register at once migrate it once (a lock file for SQLite, an advisory lock for PostgreSQL).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.command import upgrade
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from checker.errors import ClauseCheckError

__all__ = ["ENV_VAR", "Register", "RegisterError", "default_location", "open_register", "register_url"]

ENV_VAR = "CLAUSECHECK_DB"
MIGRATIONS = Path(__file__).with_name("migrations")
#: SQLite waits this long for another writer (a parallel batch) before giving up.
BUSY_TIMEOUT_S = 60
_PG_MIGRATION_LOCK = 0x636C6175  # any constant; "clau"


class RegisterError(ClauseCheckError):
    """The register cannot be opened, read or written."""

    code = "register"


def default_location() -> Path:
    """``register.sqlite`` in the user's data directory (e.g. ~/.local/share/clausecheck)."""
    return Path(user_data_dir("clausecheck", appauthor=False)) / "register.sqlite"


def register_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for ``--db`` (a path or a URL), else ``CLAUSECHECK_DB``, else the default file."""
    where = db or os.environ.get(ENV_VAR) or str(default_location())
    if where.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        rest = where.split(":", 1)[1]
        return "postgresql+psycopg:" + rest
    if "://" in where and not where.startswith("sqlite:"):
        raise RegisterError(
            f"The register URL {where.split('://')[0]}://… is not supported.",
            hint="Give a file path (SQLite) or a postgresql:// URL.",
        )
    if where.startswith("sqlite:"):
        return where
    return f"sqlite:///{Path(where).expanduser().resolve()}"


@dataclass
class Register:
    """An open, migrated register: an engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        """A new session (use as a context manager)."""
        return self.sessions()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    @property
    def where(self) -> str:
        """The location for messages, without any password."""
        return make_url(self.url).render_as_string(hide_password=True)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database
    return Path(database) if database and database != ":memory:" else None


def _create_private(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (SQLite would follow the umask)."""
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True)
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise RegisterError(
            f"The register {path} cannot be created: {exc.strerror}.", hint="Check the folder's permissions."
        ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # We issue BEGIN ourselves (below): pysqlite's own deferred transactions let two writers deadlock
    # on the upgrade from read to write lock, which fails at once instead of waiting busy_timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so parallel writers queue (busy_timeout) instead of failing;
    # it also makes Alembic's DDL transactional on SQLite.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    path = _sqlite_file(url)
    if path is None:
        yield
        return
    fd = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this version of clausecheck knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the register's schema in place to ``revision`` (default: the newest)."""
    config = _alembic_config()
    with _migration_lock(str(engine.url)), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head_revision() and revision == "head":
            return
        known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise RegisterError(
                f"The register was written by a newer clausecheck (schema {current}).",
                hint="Upgrade clausecheck to read it.",
            )
        config.attributes["connection"] = connection
        upgrade(config, revision)


def connect(url: str) -> Engine:
    """An engine for ``url``; a new SQLite file is created 0600 first."""
    try:
        if url.startswith("sqlite"):
            path = _sqlite_file(url)
            if path is not None:
                _create_private(path)
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise RegisterError(f"The register URL cannot be used: {exc}.") from None


def open_register(db: str | None = None, *, revision: str = "head") -> Register:
    """Open (creating and migrating as needed) the register named by ``db``; see the module docstring."""
    url = register_url(db)
    engine = connect(url)
    try:
        migrate(engine, revision)
    except SQLAlchemyError as exc:
        engine.dispose()
        where = make_url(url).render_as_string(hide_password=True)
        raise RegisterError(
            f"The register {where} cannot be opened: {_first_line(exc)}.",
            hint="Check the path or URL, and that the database server is running.",
        ) from None
    return Register(url, engine, sessionmaker(engine, expire_on_commit=False))


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__
