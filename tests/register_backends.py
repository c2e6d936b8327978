"""The register's two backends for tests: a SQLite file, and a real PostgreSQL server that this module
starts itself (Debian's ``postgresql``: ``initdb`` and ``pg_ctl`` in a temporary directory, listening
on a unix socket only). ``make test`` and ``.ci/run`` install the package when it is missing.

Use the ``db_url`` fixture: every test that takes it runs once per backend, on an empty register.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_DATABASES = itertools.count(1)


def _pg_bin(tool: str) -> str:
    found = shutil.which(tool) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)), None
    )
    if not found:
        pytest.fail(
            f"PostgreSQL's {tool} is not installed: the register tests need Debian's postgresql package"
            " (`make test` installs it; or apt-get install postgresql)."
        )
    return found


def _as_server_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI containers run as root, so the server runs as `postgres`.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for this test session; yields the SQLAlchemy URL of its ``postgres`` database."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="cc-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(
        _as_server_user(
            [initdb, "-D", str(data), "-A", "trust", "-U", "clausecheck", "--no-sync", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
        env=env,
    )
    options = f"-k {sock} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield f"postgresql+psycopg://clausecheck@/postgres?host={sock}"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            env=env,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_postgres_database(server_url: str) -> str:
    """A fresh, empty database on the test server; returns its URL."""
    import psycopg

    name = f"register_{os.getpid()}_{next(_DATABASES)}"
    host = server_url.split("host=", 1)[1]
    with psycopg.connect(host=host, user="clausecheck", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.replace("/postgres?", f"/{name}?")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty register on each backend: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "register.sqlite")
    return new_postgres_database(request.getfixturevalue("postgres_server"))
