"""``clausecheck incident --package PURL --versions V1,V2 [--at ISO-8601]`` or ``--osv ADVISORY.json``.

Which vendors of the register ship the compromised package (their SBOM holds an affected version), which
have no SBOM on file (exposure unknown), and for each of them what the contract gives us now: notice
deadlines (the time given plus each window; business days counted as such), cooperation, audit and
termination rights, and what it does not give us.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from checker.cli.register_options import add_db_option

if TYPE_CHECKING:  # the register is imported when a command runs, so --help stays fast
    from checker.register.advisory import AffectedPackage

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``incident`` sub-command."""
    p = sub.add_parser(
        "incident", help="who is exposed to a compromised package, and what they owe us", description=__doc__
    )
    p.add_argument("--package", metavar="PURL", help="the compromised package, e.g. pkg:pypi/litellm")
    p.add_argument("--versions", default="", help="affected versions, comma-separated: 1.82.7,1.82.8")
    p.add_argument("--osv", metavar="FILE", help="an OSV advisory (JSON) naming the affected packages")
    p.add_argument("--at", help="when the compromise was made known to the vendor (ISO 8601; default: now)")
    p.add_argument("--format", choices=("table", "json", "xlsx", "html"), default="table", dest="fmt")
    p.add_argument("--out", help="write the report to this file (required for xlsx)")
    add_db_option(p)
    p.set_defaults(handler=run)


def _usage(message: str) -> int:
    print(f"clausecheck incident: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Build the incident view and print or write it."""
    from checker.register import open_register
    from checker.register.advisory import from_purl, read_osv
    from checker.register.incident import assess_incident, parse_when
    from checker.register.incident_report import (
        incident_html,
        incident_json,
        incident_table,
        write_incident_xlsx,
    )

    if not args.package and not args.osv:
        return _usage("give --package PURL --versions V1,V2, or --osv ADVISORY.json")
    if args.fmt == "xlsx" and not args.out:
        return _usage("--format xlsx needs --out PATH")
    try:
        at = parse_when(args.at)
    except ValueError:
        return _usage(f"--at {args.at!r} is not an ISO-8601 time (e.g. 2026-03-24T10:39Z)")
    packages: list[AffectedPackage] = []
    if args.osv:
        packages += read_osv(args.osv)
    if args.package:
        packages.append(from_purl(args.package, args.versions.split(",")))
    register_ = open_register(args.db)
    try:
        report = assess_incident(register_, packages, at)
    finally:
        register_.close()
    if args.fmt == "xlsx":
        write_incident_xlsx(report, args.out)
        print(f"clausecheck: incident report written to {args.out}", file=sys.stderr)
        return 0
    text = {"table": incident_table, "json": incident_json, "html": incident_html}[args.fmt](report)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 0
