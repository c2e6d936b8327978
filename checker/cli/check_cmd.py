"""``clausecheck check PATH...``: assess contracts against a playbook (DESIGN.md section 4)."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.api import ContractChecker
from checker.cli.limit_options import add_limit_options, extract_limits, isolation_limits
from checker.cli.register_options import add_register_options, record_into_register
from checker.isolate import Job, Source, assess_isolated
from checker.models import Assessment, InputError, Status
from checker.report import FORMATS, write_report

__all__ = ["register", "render_table"]

_COLOURS = {Status.MET: "32", Status.WEAK: "33", Status.CONFLICT: "35", Status.MISSING: "31"}


def register(sub: Any) -> None:
    """Add the ``check`` sub-command."""
    p = sub.add_parser("check", help="assess contracts against a playbook", description=__doc__)
    p.add_argument("paths", nargs="+", metavar="PATH", help="contract files (PDF, DOCX, TXT, MD, HTML)")
    p.add_argument("--playbook", default="baseline", help="playbook name, 'all', or a playbook YAML file")
    p.add_argument("--bundle", action="store_true", help="assess all files as one vendor's bundle")
    p.add_argument("--format", choices=("table", *FORMATS), default="table", dest="fmt")
    p.add_argument("--out", help="write the report to this file (required for xlsx and docx)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--library", help="clause library folder (default: the shipped library)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    add_limit_options(p)
    p.add_argument(
        "--no-isolation",
        action="store_true",
        help="read documents in this process, without the time and memory limits of a worker",
    )
    add_register_options(p, vendor=True)
    p.set_defaults(handler=run)


def _colour(text: str, code: str) -> str:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return text
    return f"\033[{code}m{text}\033[0m"


def render_table(assessments: Sequence[Assessment], errors: Sequence[InputError] = ()) -> str:
    """A readable terminal report: status (as a word, and in colour on a terminal), evidence, reasons."""
    out: list[str] = []
    for a in assessments:
        names = ", ".join(d.name for d in a.documents) or a.document.name
        out.append(f"{names}  ·  playbook {a.playbook}  ·  score {a.score:g}/100")
        out.append(f"  {a.score_explanation}")
        for d in a.documents:
            for warning in d.warnings:
                out.append(f"  note ({d.name}): {warning}")
        for f in a.findings:
            tag = _colour(f"{f.status.value.upper():8}", _COLOURS[f.status])
            params = ", ".join(f"{k}={v:g}" for k, v in f.params.items())
            out.append(f"  {tag} {f.control:34} {f.severity:8} {params}")
            for reason in f.reasons[:3]:
                out.append(f"           - {reason}")
            if f.evidence:
                ev = f.evidence[0]
                where = f"{ev.document} p{ev.page}" + (f" §{ev.section}" if ev.section else "")
                quote = textwrap.shorten(ev.text, 160, placeholder=" …")
                out.append(f"           [{where}] {quote}")
        for c in a.coverage:
            out.append(f"  coverage {c.framework} {c.provision}: {c.met} of {c.required} met")
        out.append("")
    for e in errors:
        out.append(f"ERROR {e.path}: {e.message} {e.hint}".rstrip())
    return "\n".join(out)


def _check_isolated(
    checker: ContractChecker, args: argparse.Namespace
) -> tuple[list[Assessment], list[InputError]]:
    """Each document (or the bundle) in a worker process with a time and a memory limit."""
    playbook = checker.playbook(args.playbook)
    sources = [Source(name=Path(p).name, label=str(p), path=str(p)) for p in args.paths]
    jobs = [Job(0, tuple(sources))] if args.bundle else [Job(i, (s,)) for i, s in enumerate(sources)]
    limits = isolation_limits(args)
    results = {
        r.key: r
        for r in assess_isolated(
            jobs, playbook, workers=min(args.jobs, len(jobs)), limits=limits, library=args.library
        )
    }
    assessments: list[Assessment] = []
    errors: list[InputError] = []
    for job in jobs:
        result = results[job.key]
        errors.extend(result.errors)
        if result.assessment is not None:
            assessments.append(result.assessment)
    return assessments, errors


def run(args: argparse.Namespace) -> int:
    """Assess the paths and print or write the report; exit 1 if any input could not be read."""
    if args.fmt in ("xlsx", "docx") and not args.out:
        print(f"clausecheck: --format {args.fmt} needs --out PATH", file=sys.stderr)
        return 2
    if args.register and not (args.vendor or "").strip():
        print(
            "clausecheck: --register needs --vendor NAME (the vendor's name in the register)", file=sys.stderr
        )
        return 2
    checker = ContractChecker(args.library)
    if args.no_isolation or args.password:
        # A password stays in this process: it is never handed to a worker.
        assessments, errors = checker.check_paths(
            args.paths, args.playbook, bundle=args.bundle, password=args.password, limits=extract_limits(args)
        )
    else:
        assessments, errors = _check_isolated(checker, args)
    for e in errors:
        print(f"clausecheck: {e.path}: {e.message} {e.hint}".rstrip(), file=sys.stderr)
    if args.fmt == "table":
        text = render_table(assessments, errors)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            print(text)
    else:
        target = args.out or sys.stdout
        write_report(args.fmt, assessments, target, errors=errors)
        if target is sys.stdout:
            sys.stdout.write("\n")
    if args.register:  # after the report, so that a register that cannot be written loses nothing else
        record_into_register(args, [(args.vendor, a) for a in assessments])
    return 1 if errors else 0
