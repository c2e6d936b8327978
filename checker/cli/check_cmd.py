"""``clausecheck check PATH...``: assess contracts against a playbook (DESIGN.md section 4)."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.cli.limit_options import add_limit_options, extract_limits, isolation_limits
from checker.cli.register_options import add_register_options, record_into_register

if TYPE_CHECKING:  # the pipeline is imported when the command runs, so --help and usage errors stay fast
    from checker.models import Assessment, InputError
    from checker.review import ReviewFile

__all__ = ["REPORT_FORMATS", "register", "render_table"]

#: ``checker.report.FORMATS``, spelled out so that parsing the command line imports no report writer
#: (tests/test_cli_startup.py checks that the two agree).
REPORT_FORMATS = ("json", "xlsx", "html", "docx", "redline", "addendum", "memo")

_COLOURS = {"met": "32", "weak": "33", "conflict": "35", "missing": "31"}


def register(sub: Any) -> None:
    """Add the ``check`` sub-command."""
    p = sub.add_parser("check", help="assess contracts against a playbook", description=__doc__)
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="contract files (PDF, DOCX, TXT, MD, HTML, PNG, JPEG, TIFF)"
    )
    p.add_argument("--playbook", default="baseline", help="playbook name, 'all', or a playbook YAML file")
    p.add_argument("--bundle", action="store_true", help="assess all files as one vendor's bundle")
    p.add_argument(
        "--vendor",
        metavar="NAME",
        help="the vendor party as the contract names it (e.g. 'Acme' or 'Provider'); by default the"
        " parties block and definitions decide, and an unknown role is reported",
    )
    p.add_argument("--format", choices=("table", *REPORT_FORMATS), default="table", dest="fmt")
    p.add_argument(
        "--out",
        help="write the report to this file (required for xlsx, docx, redline and addendum; a memo is"
        " written as DOCX, HTML or Markdown by the extension: X.docx, X.html, X.md)",
    )
    p.add_argument(
        "--review",
        metavar="REVIEW.json",
        help="a review saved by the app (or by --save-review): the reviewer's decisions become the truth",
    )
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
    from checker.report.wording import (
        effective_status,
        engine_said,
        format_score,
        override_text,
        parties_text,
    )

    out: list[str] = []
    for a in assessments:
        names = ", ".join(d.name for d in a.documents) or a.document.name
        engine = f" (the engine said {format_score(a.engine_score)})" if a.engine_score is not None else ""
        out.append(f"{names}  ·  playbook {a.playbook}  ·  score {format_score(a.score)}/100{engine}")
        out.append(f"  {a.score_explanation}")
        for d in a.documents:
            for line in parties_text(d).splitlines():
                out.append(f"  party ({d.name}): {line}")
            if d.ocr_confidence is not None:
                out.append(
                    f"  OCR ({d.name}): {len(d.ocr_pages)} of {d.pages} pages read by OCR,"
                    f" {d.ocr_confidence:g}% confidence"
                )
            for warning in d.warnings:
                out.append(f"  note ({d.name}): {warning}")
        for f in a.findings:
            shown = effective_status(f)
            tag = _colour(f"{shown.value.upper():8}", _COLOURS[shown])
            params = ", ".join(f"{k}={v:g}" for k, v in f.params.items())
            out.append(f"  {tag} {f.control:34} {f.severity:8} {params}")
            if f.override is not None:
                said = f" ({engine_said(f)})" if shown != f.status else ""
                out.append(f"           reviewer: {override_text(f)}{said}")
            for reason in f.reasons[:3]:
                out.append(f"           - {reason}")
            if f.evidence:
                ev = f.evidence[0]
                where = f"{ev.document} p{ev.page}" + (f" §{ev.section}" if ev.section else "")
                if ev.ocr_confidence is not None:
                    where += f", read by OCR with {ev.ocr_confidence:g}% confidence"
                quote = textwrap.shorten(ev.text, 160, placeholder=" …")
                out.append(f"           [{where}] {quote}")
        for c in a.coverage:
            out.append(f"  coverage {c.framework} {c.provision}: {c.met} of {c.required} met")
        out.append("")
    for e in errors:
        out.append(f"ERROR {e.path}: {e.message} {e.hint}".rstrip())
    return "\n".join(out)


def _check_isolated(args: argparse.Namespace) -> tuple[list[Assessment], list[InputError]]:
    """Each document (or the bundle) in a worker process with a time and a memory limit.

    This process only resolves the playbook and writes the report; the fork server, started first,
    imports the pipeline and builds the checker meanwhile, and the workers are forked from it.
    """
    from checker.isolate import Job, Source, assess_isolated
    from checker.library.loader import DEFAULT_LIBRARY, load_library, resolve_playbook

    playbook = resolve_playbook(args.playbook, load_library(args.library or DEFAULT_LIBRARY))
    vendor = (args.vendor or "").strip() or None
    sources = [Source(name=Path(p).name, label=str(p), path=str(p), vendor=vendor) for p in args.paths]
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


def _read_review(name: str) -> ReviewFile:
    """The review file given with ``--review``; a bad one is a usage error, raised before any work."""
    from checker.review import ReviewFileError, load_review

    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise ReviewFileError(
            f"The review file cannot be read ({exc.strerror}).", hint="Check the path.", path=name
        ) from None
    return load_review(data, name)


def _reviewed(
    args: argparse.Namespace, review: ReviewFile, assessments: list[Assessment]
) -> list[Assessment]:
    """Each assessment with the saved review's decisions applied; mismatches are named on stderr."""
    from checker.library.loader import DEFAULT_LIBRARY, load_library, resolve_playbook
    from checker.review import apply_review, review_mismatches

    library = load_library(args.library or DEFAULT_LIBRARY)
    playbook = resolve_playbook(args.playbook, library)
    out = []
    for a in assessments:
        for note in review_mismatches(review, a):
            print(f"clausecheck: {args.review}: {note}", file=sys.stderr)
        out.append(apply_review(a, review.decisions, playbook=playbook, library=library))
    return out


def run(args: argparse.Namespace) -> int:
    """Assess the paths and print or write the report; exit 1 if any input could not be read."""
    if args.fmt in ("xlsx", "docx", "redline", "addendum") and not args.out:
        print(f"clausecheck: --format {args.fmt} needs --out PATH", file=sys.stderr)
        return 2
    if args.register and not (args.vendor or "").strip():
        print(
            "clausecheck: --register needs --vendor NAME (the vendor's name in the register)", file=sys.stderr
        )
        return 2
    review = None
    if args.review:  # imported only when given: the review model pulls in the report writers (0.3 s)
        from checker.review import ReviewFileError

        try:
            review = _read_review(args.review)
        except ReviewFileError as exc:
            print(f"clausecheck: {exc}", file=sys.stderr)
            return 2
    if not (args.no_isolation or args.password):
        from checker.isolate import prestart

        prestart()  # the fork server imports and builds the checker while this process gets ready
    if args.fmt != "table":
        from checker.report import write_report
    if args.no_isolation or args.password:
        from checker.api import ContractChecker

        # A password stays in this process: it is never handed to a worker.
        assessments, errors = ContractChecker(args.library).check_paths(
            args.paths,
            args.playbook,
            bundle=args.bundle,
            password=args.password,
            limits=extract_limits(args),
            vendor=(args.vendor or "").strip() or None,
        )
    else:
        assessments, errors = _check_isolated(args)
    for e in errors:
        print(f"clausecheck: {e.path}: {e.message} {e.hint}".rstrip(), file=sys.stderr)
    if review is not None:
        assessments = _reviewed(args, review, assessments)
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
