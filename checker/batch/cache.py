"""The result cache that lets an interrupted batch resume: one JSON file per job.

The key is the SHA-256 of everything a result depends on: the documents' contents and names, the vendor
party the user named, the playbook as applied, the library's content hash and the tool's version. A changed contract, playbook,
library or release therefore misses the cache and is scored again. Results that hit a time or memory
limit are not cached: the next run, perhaps with a higher limit, tries again. Files are written to a
temporary name and renamed, so an interruption never leaves half a result behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from checker import __version__
from checker.isolate import JobResult
from checker.library.schema import Playbook
from checker.models import Assessment, InputError

__all__ = ["ResultCache", "cache_key"]

_UNCACHED_CODES = frozenset({"limit_exceeded", "internal"})


def cache_key(
    documents: Sequence[tuple[str, str]],
    playbook: Playbook,
    library_hash: str,
    vendor_party: str = "",
    reading: str = "",
) -> str:
    """The key of a job: ``documents`` are (sha256, name) pairs in bundle order; ``reading`` names
    choices that change what is read from the same bytes (the OCR mode and language)."""
    digest = hashlib.sha256()
    if reading:
        digest.update(f"reading\0{reading}\0".encode())
    for sha, name in documents:
        digest.update(f"doc\0{sha}\0{name}\0".encode())
    if vendor_party:  # absent from older keys, so results cached without a vendor party still hit
        digest.update(f"vendor party\0{vendor_party}\0".encode())
    digest.update(playbook.model_dump_json().encode())
    digest.update(f"\0{library_hash}\0{__version__}".encode())
    return digest.hexdigest()


class ResultCache:
    """Job results stored under ``root`` by :func:`cache_key`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, job_key: int) -> JobResult | None:
        """The cached result for ``key`` (as the result of job ``job_key``), or None."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            assessment = Assessment.model_validate(data["assessment"]) if data["assessment"] else None
            errors = [InputError.model_validate(e) for e in data["errors"]]
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None  # absent, or written by another version: score again
        return JobResult(job_key, assessment, errors, seconds=float(data.get("seconds", 0.0)))

    def put(self, key: str, result: JobResult) -> bool:
        """Store ``result`` unless it hit a limit; return whether it was stored."""
        if any(e.code in _UNCACHED_CODES for e in result.errors):
            return False
        payload = {
            "assessment": result.assessment.model_dump(mode="json") if result.assessment else None,
            "errors": [e.model_dump(mode="json") for e in result.errors],
            "seconds": result.seconds,
        }
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True
