"""Command-line options for the resource limits, shared by ``check`` and ``batch``.

Every limit error names the option that raises it, so a user with a genuinely huge contract is never
stuck: ``--timeout`` and ``--memory-mb`` for a worker, ``--max-pages``, ``--max-file-mb`` and
``--max-chars`` for reading a document.
"""

from __future__ import annotations

import argparse
from typing import Any

from checker.limits import MB, IsolationLimits, Limits

__all__ = ["add_limit_options", "extract_limits", "isolation_limits"]

_DEFAULT = Limits()


def add_limit_options(parser: Any, *, worker: bool = True) -> None:
    """Add the limit options to a sub-command's parser."""
    group = parser.add_argument_group("limits")
    if worker:
        group.add_argument(
            "--timeout", type=float, default=120.0, help="seconds allowed per document (default 120)"
        )
        group.add_argument(
            "--memory-mb", type=int, default=2048, help="address space per worker in MiB (default 2048)"
        )
    group.add_argument(
        "--max-pages",
        type=int,
        default=_DEFAULT.max_pages,
        help=f"pages per document (default {_DEFAULT.max_pages})",
    )
    group.add_argument(
        "--max-file-mb",
        type=int,
        default=_DEFAULT.max_file_bytes // MB,
        help=f"size of one file in MiB (default {_DEFAULT.max_file_bytes // MB})",
    )
    group.add_argument(
        "--max-chars",
        type=int,
        default=_DEFAULT.max_chars,
        help=f"characters of text per document (default {_DEFAULT.max_chars:,})",
    )


def extract_limits(args: argparse.Namespace) -> Limits:
    """The extraction limits the options ask for."""
    return Limits(max_pages=args.max_pages, max_file_bytes=args.max_file_mb * MB, max_chars=args.max_chars)


def isolation_limits(args: argparse.Namespace) -> IsolationLimits:
    """The worker and extraction limits the options ask for."""
    return IsolationLimits(timeout_s=args.timeout, memory_mb=args.memory_mb, extract=extract_limits(args))
