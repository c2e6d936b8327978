"""Command-line options that write into (or read) the vendor register, shared by check, batch, register
and incident: ``--register``, ``--db PATH|URL``, ``--no-text`` and, for ``check``, ``--vendor NAME``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the register and the models are imported when a command records, so --help stays fast
    from checker.models import Assessment

#: ``checker.register.ENV_VAR``, spelled out so that parsing the command line imports no database code.
ENV_VAR = "CLAUSECHECK_DB"

__all__ = ["add_db_option", "add_register_options", "record_into_register"]

VENDOR_HELP = "the vendor party, as the contract names it; also the vendor's name in the register"


def add_db_option(parser: Any) -> None:
    """``--db PATH|URL``."""
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help=f"the register: a SQLite file or a postgresql:// URL (default: ${ENV_VAR}, else a file in"
        " your data directory)",
    )


def add_register_options(parser: Any, *, vendor: bool) -> None:
    """``--register``, ``--db``, ``--no-text`` and (``vendor=True``) ``--vendor NAME`` on ``check``."""
    group = parser.add_argument_group("vendor register")
    group.add_argument("--register", action="store_true", help="record the assessments in the register")
    add_db_option(group)
    group.add_argument(
        "--no-text",
        action="store_true",
        help="record only statuses, parameters and evidence locations, never contract text",
    )
    if vendor:
        group.add_argument(
            "--effective-date",
            metavar="YYYY-MM-DD",
            type=_date,
            help="the documents' effective date, for the register",
        )
    # Another command may already define --vendor (the vendor party for role detection) with the same
    # meaning: then that one serves the register too.
    if vendor and "--vendor" not in parser._option_string_actions:
        group.add_argument("--vendor", metavar="NAME", help=VENDOR_HELP)


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def record_into_register(args: argparse.Namespace, recorded: Iterable[tuple[str, Assessment]]) -> int:
    """Record (vendor, assessment) pairs; a line on stderr says what was recorded where. Returns the count."""
    from checker.register import open_register, record_assessment

    register = open_register(args.db)
    try:
        created = existing = 0
        for vendor, assessment in recorded:
            when = getattr(args, "effective_date", None)
            dates = {d.name: when for d in assessment.documents or [assessment.document]} if when else None
            result = record_assessment(
                register, assessment, vendor, store_text=not args.no_text, effective_dates=dates
            )
            created += result.created
            existing += not result.created
        print(
            f"clausecheck: register {register.where}: {created} assessments recorded"
            + (f", {existing} already there" if existing else ""),
            file=sys.stderr,
        )
        return created
    finally:
        register.close()
