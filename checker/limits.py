"""The resource limits, as plain data: what one input may cost to read and what one worker may use.

They live apart from the code that enforces them (:mod:`checker.extract.limits`, :mod:`checker.isolate`,
:mod:`checker.batch.sheet`) so that the command line can show their defaults in ``--help`` without
importing the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MAX_ROWS", "MB", "IsolationLimits", "Limits"]

MB = 1024 * 1024

#: Rows of a batch sheet read before the sheet is refused.
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one input may cost to read.

    ``max_uncompressed_bytes`` and ``max_compression_ratio`` guard zip containers (DOCX) against archive
    bombs, checked on the zip directory before any XML is parsed, and PDFs against decompression bombs,
    checked on their FlateDecode streams before PDFium reads them. ``max_zip_entries`` bounds the number
    of members of a zip container.
    """

    max_file_bytes: int = 50 * MB
    max_pages: int = 2_000
    max_chars: int = 10_000_000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: float = 100.0
    max_zip_entries: int = 10_000


@dataclass(frozen=True)
class IsolationLimits:
    """Wall-clock seconds per document and address space per worker, plus the extraction limits."""

    timeout_s: float = 120.0
    memory_mb: int = 2048
    extract: Limits = field(default_factory=Limits)
