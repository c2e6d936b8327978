"""Fixtures shared across test modules, and the test session's own library cache.

The compiled-library cache (:mod:`checker.library.cache`) normally lives in the user's
``~/.cache/clausecheck``. The suite points ``CLAUSECHECK_CACHE_DIR`` at a private temporary folder once,
before any test module is imported, so that neither the tests nor the commands they start read or write
the user's real cache; the folder goes when the session ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from register_backends import db_url, postgres_server  # noqa: F401  (the register's two backends)

from checker.library.cache import CACHE_ENV

_OUTSIDE = "_clausecheck_cache_outside_tests"


def pytest_configure(config: pytest.Config) -> None:
    """Give the session its own library cache folder (0700, as the cache requires) in the environment,
    which every subprocess a test starts inherits."""
    setattr(config, _OUTSIDE, os.environ.get(CACHE_ENV))
    os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="clausecheck-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's cache folder and put back whatever the environment said before."""
    folder = os.environ.pop(CACHE_ENV, None)
    if folder and os.path.basename(folder).startswith("clausecheck-test-cache-"):
        shutil.rmtree(folder, ignore_errors=True)
    outside = getattr(config, _OUTSIDE, None)
    if outside is not None:
        os.environ[CACHE_ENV] = outside
