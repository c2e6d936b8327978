"""The loaded library, cached per content hash so that start-up skips parsing and validating YAML.

Parsing ~60 YAML files and validating them costs most of a cold start (about 1 s of 1.5 s). The validated
controls, language and playbooks are written once per library content hash to a JSON file in the user's
cache folder (``$CLAUSECHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/clausecheck``, else
``~/.cache/clausecheck``) and read back on the next start.

The cache file is data that cannot execute code (JSON, re-validated by the same pydantic models), and it
is trusted only with a valid HMAC-SHA256 made with a per-user random key kept beside it in a file only
its owner can read (0600, in a 0700 folder). A file that is stale (another library, tool version or
schema), damaged or tampered with is ignored and rebuilt from the YAML; a cache folder or key that
someone else could have written is not used at all. Nothing here ever stops a run: without a usable
cache the library is simply loaded from its files.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from checker import __version__

__all__ = ["CACHE_ENV", "LibraryCache", "default_cache_dir"]

#: Environment variable naming the cache folder; ``off`` disables the cache.
CACHE_ENV = "CLAUSECHECK_CACHE_DIR"
_FORMAT = 1
_KEEP = 8  # cached libraries kept (the shipped one, a user's own, a few versions of each)
_KEY_BYTES = 32
# The code that decides what a cached library means: a change to any of it makes old entries stale.
_CODE = ("schema.py", "loader.py", "cache.py")


def default_cache_dir() -> Path | None:
    """The cache folder this user's runs share, or None when ``CLAUSECHECK_CACHE_DIR=off``."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser())
    return base / "clausecheck" if base.is_absolute() else None  # no home folder: no cache


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode() + b"\0" + sys.version.encode())
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _private(st: os.stat_result) -> bool:
    """Owned by this user and not writable (or, for files, readable) by anyone else."""
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    others = 0o077 if stat.S_ISREG(st.st_mode) else 0o022
    return st.st_mode & others == 0


class LibraryCache:
    """Cached library data in ``folder``, signed with this user's key (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> LibraryCache | None:
        """The cache in :func:`default_cache_dir`, or None when it is turned off."""
        folder = default_cache_dir()
        return None if folder is None else cls(folder)

    def path(self, content_hash: str) -> Path:
        """The cache file of a library with this content hash."""
        return self.folder / f"library-{content_hash}.json"

    def read(self, content_hash: str) -> dict[str, Any] | None:
        """The cached data of this library, or None if there is none that is current and authentic."""
        key = self._key(create=False)
        if key is None:
            return None
        try:
            raw = self.path(content_hash).read_bytes()
        except OSError:
            return None
        mac, _, body = raw.partition(b"\n")
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(mac, expected):
            return None  # written by someone without the key, or damaged: rebuild
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("stamp") != self._stamp(content_hash):
            return None  # another tool version, Python or schema: stale
        payload: dict[str, Any] = data["library"]
        return payload

    def write(self, content_hash: str, payload: dict[str, Any]) -> None:
        """Store the library data (JSON-safe) for ``content_hash``; failures to write are ignored."""
        key = self._key(create=True)
        if key is None:
            return
        body = json.dumps(
            {"stamp": self._stamp(content_hash), "library": payload}, ensure_ascii=False, sort_keys=True
        ).encode("utf-8")
        mac = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        target = self.path(content_hash)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".library-", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(mac + b"\n" + body)
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return
        self._prune(keep=target)

    def _stamp(self, content_hash: str) -> dict[str, Any]:
        return {"format": _FORMAT, "content_hash": content_hash, "code": _code_digest()}

    def _key(self, *, create: bool) -> bytes | None:
        """This user's HMAC key; None when the folder or key is not private to this user."""
        try:
            if create:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(self.folder.stat()):
                return None
            path = self.folder / "key"
            if create and not path.exists():
                with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(secrets.token_bytes(_KEY_BYTES))
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                if not _private(os.fstat(fh.fileno())):
                    return None
                key = fh.read()
        except OSError:
            return None
        return key if len(key) == _KEY_BYTES else None

    def _prune(self, keep: Path) -> None:
        with contextlib.suppress(OSError):  # another run may be pruning too
            entries = sorted(
                self.folder.glob("library-*.json"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in entries[_KEEP:]:
                if old != keep:
                    old.unlink()
