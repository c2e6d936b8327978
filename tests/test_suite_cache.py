"""The test suite keeps its library cache to itself (tests/conftest.py): never the user's real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.library.cache import CACHE_ENV, default_cache_dir
from checker.library.loader import load_library

ROOT = Path(__file__).resolve().parent.parent


def _home_cache(monkeypatch: pytest.MonkeyPatch) -> Path | None:
    """The cache folder this user's own runs use: the one the suite must leave alone."""
    with monkeypatch.context() as m:
        m.delenv(CACHE_ENV)
        return default_cache_dir()


def test_the_suite_caches_the_library_in_its_own_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = default_cache_dir()
    assert folder is not None and folder == Path(os.environ[CACHE_ENV])
    assert folder.name.startswith("clausecheck-test-cache-") and folder.is_dir()
    home = _home_cache(monkeypatch)
    assert home is not None and folder != home and not folder.is_relative_to(home)
    assert not folder.is_relative_to(Path.home())
    load_library()
    assert list(folder.glob("library-*.json"))  # the library this process loads is cached there


def test_a_command_a_test_starts_caches_in_the_suites_folder_not_under_home(tmp_path: Path) -> None:
    folder = Path(os.environ[CACHE_ENV])
    for cached in folder.glob("library-*.json"):
        cached.unlink()  # so that the command has to write its own entry
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"} | {"HOME": str(home)}
    command = [sys.executable, "-m", "checker", "library", "list"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    assert list(folder.glob("library-*.json"))
    assert list(home.iterdir()) == []
    # Control: the same command without the suite's setting writes under the home folder, so the check
    # above would see a suite that left the variable unset.
    del env[CACHE_ENV]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    assert list((home / ".cache" / "clausecheck").glob("library-*.json"))
