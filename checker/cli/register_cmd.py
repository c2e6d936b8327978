"""``clausecheck register list|show|history|diff|export|add-sbom|review``: the vendor register.

The register is a SQLite file (``--db PATH``, ``$CLAUSECHECK_DB``, else the user's data directory) or a
PostgreSQL database (``--db postgresql://…``). ``check --vendor NAME --register`` and
``batch --register`` record assessments into it.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from checker.cli.register_options import add_db_option

if TYPE_CHECKING:  # the register is imported when a command runs, so --help stays fast
    from checker.register.database import Register
    from checker.register.diff import ContractDiff
    from checker.register.view_models import EvidenceView

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``register`` sub-command and its actions."""
    p = sub.add_parser(
        "register", help="the vendor register: vendors, contracts, history, SBOMs", description=__doc__
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        a = actions.add_parser(name, help=help_text, description=help_text)
        add_db_option(a)
        a.set_defaults(handler=handler)
        return a

    a = action("list", "every vendor with its newest score and status per control", _list)
    a.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    a = action("show", "one vendor: documents, SBOMs and its newest assessment", _show)
    a.add_argument("vendor", metavar="VENDOR")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    a = action("history", "one vendor's assessments and review decisions, oldest first", _history)
    a.add_argument("vendor", metavar="VENDOR")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    a = action(
        "diff", "controls that got stronger, weaker, appeared or disappeared in the newest documents", _diff
    )
    a.add_argument("vendor", metavar="VENDOR")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    a = action("export", "the whole register as an XLSX workbook", _export)
    a.add_argument("--out", required=True, help="the workbook to write (.xlsx)")
    a = action("add-sbom", "add a vendor's SBOM (CycloneDX JSON/XML, SPDX JSON)", _add_sbom)
    a.add_argument("vendor", metavar="VENDOR")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--create", action="store_true", help="add the vendor if the register does not know it")
    a = action(
        "review", "append a reviewer's decision on a control of the vendor's newest assessment", _review
    )
    a.add_argument("vendor", metavar="VENDOR")
    a.add_argument("control", metavar="CONTROL")
    a.add_argument("--decision", choices=("accepted", "overridden"), required=True)
    a.add_argument("--status", choices=("met", "weak", "conflict", "missing"), help="the reviewer's status")
    a.add_argument("--reviewer", required=True, help="who decided")
    a.add_argument("--comment", default="", help="why")


def _open(args: argparse.Namespace) -> Register:
    from checker.register import open_register

    return open_register(args.db)


def _list(args: argparse.Namespace) -> int:
    from checker.register.view_models import status_counts
    from checker.register.views import list_vendors
    from checker.report.wording import format_score

    register = _open(args)
    try:
        vendors = list_vendors(register)
    finally:
        register.close()
    if args.fmt == "json":
        print(json.dumps({"vendors": [v.model_dump(mode="json") for v in vendors]}, indent=2))
        return 0
    if not vendors:
        print(f"The register {register.where} holds no vendors yet.")
        return 0
    print(
        f"{'vendor':30} {'score':>6} {'met':>4} {'weak':>5} {'confl':>5} {'miss':>5} {'SBOMs':>5}  last assessed"
    )
    for v in vendors:
        counts = status_counts(v.statuses.values())
        score = format_score(v.score) if v.score is not None else "–"
        when = v.last_assessed.strftime("%Y-%m-%d %H:%M") if v.last_assessed else "never"
        print(
            f"{v.vendor[:30]:30} {score:>6} {counts['met']:>4} {counts['weak']:>5} {counts['conflict']:>5}"
            f" {counts['missing']:>5} {v.sboms:>5}  {when}"
        )
    return 0


def _quote(ev: EvidenceView) -> str:
    where = (
        f"{ev.document} p{ev.page}" + (f" §{ev.section}" if ev.section else "") + f" [{ev.start}:{ev.end}]"
    )
    text = textwrap.shorten(ev.text, 150, placeholder=" …") if ev.text else "(text not stored)"
    return f"[{where}] {text}"


def _show(args: argparse.Namespace) -> int:
    from checker.register.views import vendor_detail
    from checker.report.wording import format_score

    register = _open(args)
    try:
        detail = vendor_detail(register, args.vendor)
    finally:
        register.close()
    if args.fmt == "json":
        print(detail.model_dump_json(indent=2))
        return 0
    print(detail.vendor)
    for d in detail.documents:
        print(
            f"  document {d.file_name}  {d.kind} v{d.version}  sha256 {d.sha256[:12]}…  effective {d.effective_date or '?'}"
        )
    for s in detail.sboms:
        print(f"  SBOM {s.file_name}  {s.format} {s.spec_version}  {s.subject}  {s.components} components")
    latest = detail.latest
    if latest is None:
        print("  no assessment recorded")
        return 0
    print(
        f"  newest assessment #{latest.id} {latest.created:%Y-%m-%d %H:%M}  playbook {latest.playbook}"
        f"  score {format_score(latest.score)}  library {latest.library_version} ({latest.library_hash[:12]}…)"
    )
    for f in latest.findings:
        params = ", ".join(f"{k}={v:g}" for k, v in f.params.items())
        reviewed = f" (engine: {f.engine_status}, reviewed)" if f.status != f.engine_status else ""
        print(f"    {f.status.upper():8} {f.control:34} {params}{reviewed}")
        for reason in f.reasons[:2]:
            print(f"             - {textwrap.shorten(reason, 140, placeholder=' …')}")
        if f.evidence:
            print(f"             {_quote(f.evidence[0])}")
    return 0


def _history(args: argparse.Namespace) -> int:
    from checker.register.views import vendor_assessments
    from checker.report.wording import format_score

    register = _open(args)
    try:
        vendor, assessments = vendor_assessments(register, args.vendor)
    finally:
        register.close()
    reviews = sorted((r for a in assessments for f in a.findings for r in f.reviews), key=lambda r: r.created)
    if args.fmt == "json":
        out = {
            "vendor": vendor,
            "assessments": [
                {**a.model_dump(mode="json", exclude={"findings"}), "counts": a.counts()} for a in assessments
            ],
            "reviews": [r.model_dump(mode="json") for r in reviews],
        }
        print(json.dumps(out, indent=2))
        return 0
    print(vendor)
    for a in assessments:
        docs = ", ".join(f"{d.file_name} ({d.kind} v{d.version})" for d in a.documents)
        counts = " ".join(f"{k} {v}" for k, v in a.counts().items())
        print(
            f"  #{a.id} {a.created:%Y-%m-%d %H:%M}  {a.playbook}  score {format_score(a.score)}  {counts}  {docs}"
        )
    for r in reviews:
        status = f" → {r.status}" if r.status else ""
        print(
            f"  review {r.created:%Y-%m-%d %H:%M} {r.reviewer}: {r.control} {r.decision}{status}  {r.comment}"
        )
    return 0


def _diff_table(diff: ContractDiff) -> str:
    before = ", ".join(d.file_name for d in diff.before.documents)
    after = ", ".join(d.file_name for d in diff.after.documents)
    out = [f"{diff.vendor}: #{diff.before.id} ({before}) → #{diff.after.id} ({after})"]
    if not diff.changes:
        out.append("  no control changed")
    for c in diff.changes:
        out.append(f"  {c.change.upper():11} {c.control:34} {c.reason}")
        for label, evidence in (("before", c.evidence_before), ("after", c.evidence_after)):
            if evidence:
                out.append(f"              {label}: {_quote(evidence[0])}")
    return "\n".join(out)


def _diff(args: argparse.Namespace) -> int:
    from checker.register.diff import diff_vendor

    register = _open(args)
    try:
        diff = diff_vendor(register, args.vendor)
    finally:
        register.close()
    print(diff.model_dump_json(indent=2) if args.fmt == "json" else _diff_table(diff))
    return 0


def _export(args: argparse.Namespace) -> int:
    from checker.register.export import write_register_xlsx

    if not args.out.lower().endswith(".xlsx"):
        print("clausecheck register export: --out must name an .xlsx file", file=sys.stderr)
        return 2
    register = _open(args)
    try:
        count = write_register_xlsx(register, args.out)
    except OSError as exc:
        print(f"clausecheck: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        register.close()
    print(f"clausecheck: {count} vendors written to {args.out}", file=sys.stderr)
    return 0


def _add_sbom(args: argparse.Namespace) -> int:
    from checker.register.record import record_sbom
    from checker.register.sbom import read_sbom

    sbom = read_sbom(args.file)  # a bad, oversized or hostile SBOM: SbomError, exit 1 in main()
    register = _open(args)
    try:
        _, created = record_sbom(
            register, args.vendor, sbom, args.file.rsplit("/", 1)[-1], create=args.create
        )
    finally:
        register.close()
    state = "added" if created else "already on file"
    print(
        f"clausecheck: {sbom.format} {sbom.spec_version} SBOM of {sbom.subject or 'an unnamed product'}"
        f" with {len(sbom.components)} components {state} for {args.vendor}",
        file=sys.stderr,
    )
    return 0


def _review(args: argparse.Namespace) -> int:
    from checker.register.reviews import record_review

    if args.decision == "overridden" and not args.status:
        print("clausecheck register review: --decision overridden needs --status", file=sys.stderr)
        return 2
    register = _open(args)
    try:
        record_review(
            register,
            args.vendor,
            args.control,
            decision=args.decision,
            status=args.status,
            comment=args.comment,
            reviewer=args.reviewer,
        )
    finally:
        register.close()
    print(f"clausecheck: decision on {args.control} recorded for {args.vendor}", file=sys.stderr)
    return 0
