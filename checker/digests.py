"""SHA-256 digests of the shipped model files, and the one check that a directory still matches them.

The detector, its neighbour index and the static word-piece table are loaded only when their files
match the digests recorded beside them (``detector.json``, ``vectors.json``); the SBOM writer checks
the same digests before it lists them. One helper serves all of them, so a digest is computed and
compared the same way wherever a model file is trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DigestMismatch", "check_digests", "sha256_of"]


class DigestMismatch(ValueError):
    """A file does not match the digest recorded for it."""


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of the file at ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_digests(directory: Path, digests: Mapping[str, str], recorded_in: str) -> None:
    """Raise :class:`DigestMismatch` unless every file ``name`` in ``directory`` has its ``digests[name]``.

    ``recorded_in`` names the file that records the digests, for the message ("vectors.json").
    A missing file raises :class:`OSError`, as reading it would.
    """
    for name, digest in digests.items():
        path = Path(directory) / name
        if sha256_of(path) != digest:
            raise DigestMismatch(f"{path} does not match the digest recorded in {recorded_in}")
