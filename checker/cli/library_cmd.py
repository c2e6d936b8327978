"""``clausecheck library list|show|test|lint|schema``: browse, test and lint the clause library.

``list`` and ``show`` are for reviewers (what each control requires, where it comes from, what language
to send back); ``test`` runs every control's examples through the matcher like a test runner; ``explain``
shows, for one sentence, every control whose rule it hits and the decision stage that made it a finding
or not; ``lint`` finds problems the schema cannot see; ``schema`` prints the JSON Schema of control and playbook files.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.cli import EXIT_OK
from checker.errors import LibraryError

if TYPE_CHECKING:  # the library code is imported when the command runs, so --help stays fast
    from checker.library.loader import Library
    from checker.library.schema import Control

__all__ = ["SCHEMA_KINDS", "register", "render_control"]

#: ``checker.library.json_schema.SCHEMA_KINDS``, spelled out so that parsing the command line imports
#: no pydantic (tests/test_cli_startup.py checks that the two agree).
SCHEMA_KINDS = ("control", "playbook")

EXIT_FAILED = 1
_WIDTH = 100


def register(subparsers: Any) -> None:
    """Add the ``library`` command and its sub-commands to the CLI."""
    parser = subparsers.add_parser("library", help="list, show, test, lint the clause library")
    sub = parser.add_subparsers(dest="library_command", metavar="SUBCOMMAND")
    sub.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library", type=Path, metavar="DIR", help="clause library folder (default: the shipped library)"
    )

    p = sub.add_parser("list", parents=[common], help="a table of the controls")
    p.add_argument("--family", help="only controls of this family")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=_list)

    p = sub.add_parser("show", parents=[common], help="everything about one control")
    p.add_argument("control_id", metavar="ID")
    p.set_defaults(handler=_show)

    p = sub.add_parser("test", parents=[common], help="run every control's examples through the matcher")
    p.add_argument("--control", action="append", metavar="ID", help="only these controls (repeatable)")
    p.set_defaults(handler=_test)

    p = sub.add_parser(
        "explain", parents=[common], help="why a sentence is, or is not, a finding: the stage that decided"
    )
    p.add_argument("text", metavar="TEXT", help="one clause, in quotes")
    p.add_argument("--heading", default="", help="the heading to read it under")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=_explain)

    p = sub.add_parser("lint", parents=[common], help="find problems in control and playbook files")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--errors-only", action="store_true", help="hide warnings")
    p.set_defaults(handler=_lint)

    p = sub.add_parser("schema", parents=[common], help="print the JSON Schema of control or playbook files")
    p.add_argument("--kind", choices=SCHEMA_KINDS, default="control")
    p.add_argument(
        "--write",
        action="store_true",
        help="write every schema into the library's schema/ folder instead of printing",
    )
    p.set_defaults(handler=_schema)


# --- explain ---------------------------------------------------------------------------------------


def _explain(args: argparse.Namespace) -> int:
    from checker.match.engine import Engine

    library = _load(args)
    found = Engine(library).explain(args.text, args.heading)
    if args.format == "json":
        print(json.dumps([vars(x) for x in found], indent=2))
        return EXIT_OK
    if not found:
        print("No control's words: no rule of the library reads this sentence.")
        return EXIT_OK
    for x in found:
        title = library.controls[x.control].title
        outcome = "no finding" if x.status == "none" else x.status
        print(f"{title} ({x.control}): {outcome}, decided at the '{x.stage}' stage")
        for code, reason in zip(x.reason_codes, x.reasons, strict=True):
            print(f"  - {reason} [{code}]")
    return EXIT_OK


def _root(args: argparse.Namespace) -> Path:
    from checker.library.loader import DEFAULT_LIBRARY

    return Path(args.library or DEFAULT_LIBRARY)


def _load(args: argparse.Namespace) -> Library:
    from checker.library.loader import load_library

    return load_library(_root(args))


# --- list ------------------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    library = _load(args)
    controls = [c for c in library.controls.values() if args.family in (None, c.family)]
    if args.family and not controls:
        families = sorted({c.family for c in library.controls.values()})
        raise LibraryError(f"no controls in family {args.family!r}", hint=f"Families: {', '.join(families)}.")
    controls.sort(key=lambda c: (c.family, c.id))
    rows: list[dict[str, Any]] = [
        {
            "id": c.id,
            "family": c.family,
            "severity": c.severity.value,
            "status": c.status.value,
            "title": c.title,
            "references": len(c.references),
            "examples": _example_count(c),
        }
        for c in controls
    ]
    if args.format == "json":
        print(json.dumps({"library_version": library.version, "controls": rows}, indent=2))
        return EXIT_OK
    header: dict[str, Any] = {"id": "ID", "family": "FAMILY", "severity": "SEVERITY", "status": "STATUS"}
    header |= {"references": "REFS", "examples": "EXAMPLES", "title": "TITLE"}
    columns = ("id", "family", "severity", "status", "references", "examples", "title")
    widths = {col: max(len(str(r[col])) for r in [header, *rows]) for col in columns}
    for row in [header, *rows]:
        print("  ".join(str(row[col]).ljust(widths[col]) for col in columns).rstrip())
    print(f"\n{len(rows)} controls, library {library.version}")
    return EXIT_OK


def _example_count(control: Control) -> int:
    ex = control.examples
    return len(ex.met) + len(ex.weak) + len(ex.conflict) + len(ex.negative)


# --- show ------------------------------------------------------------------------------------------


def _show(args: argparse.Namespace) -> int:
    library = _load(args)
    control = library.controls.get(args.control_id)
    if control is None:
        close = difflib.get_close_matches(args.control_id, list(library.controls), n=1, cutoff=0.4)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        raise LibraryError(
            f"unknown control {args.control_id!r}{guess}",
            hint="Run 'clausecheck library list' to see the control ids.",
        )
    print(render_control(control))
    return EXIT_OK


def render_control(c: Control) -> str:
    """A control as plain text a lawyer can read from top to bottom."""
    out: list[str] = []
    title = f"{c.title} ({c.id})"
    out += [title, "=" * len(title)]
    catalogue = f", catalogue {c.catalogue}" if c.catalogue else ""
    out.append(f"Family {c.family}, severity {c.severity.value}, status {c.status.value}{catalogue}")
    dates = ", ".join(f"{k} {v}" for k, v in (("added", c.added), ("modified", c.modified)) if v)
    if dates:
        out.append(dates.capitalize())
    out += _section("What the vendor must do", [_para(c.description)])
    out += _section("Why it matters", [_para(c.rationale)])
    refs = []
    for r in c.references:
        lines = [f"- {r.framework} {r.section}"]
        lines.append(_para(r.requirement, "    "))
        if r.parameter:
            lines.append(f"    Sets: {r.parameter}")
        if r.certainty != "high" or r.note:
            note = f" ({r.note.strip()})" if r.note.strip() else ""
            lines.append(_para(f"Certainty: {r.certainty.value}{note}", "    "))
        refs.append("\n".join(lines))
    out += _section("Sources", refs)
    if c.parameters:
        params = []
        for p in c.parameters:
            unit = p.unit.value.replace("_", " ")
            better = "at most" if p.direction == "max" else "at least"
            lines = [f"- {p.key} in {unit} ({better}; reported as {p.report_key})"]
            if p.accept_units:
                lines.append(
                    "    Also read in: " + ", ".join(u.value.replace("_", " ") for u in p.accept_units)
                )
            lines.append(
                f"    Strict threshold: {_num(p.strict)}; acceptable threshold: {_num(p.acceptable)}"
            )
            lines.append(_para(f"Basis: {p.basis}" + (f", {p.basis_note}" if p.basis_note else ""), "    "))
            if p.required:
                lines.append("    A clause without this number is weak.")
            params.append("\n".join(lines))
        out += _section("Parameters", params)
    if c.weak_reasons:
        out += _section(
            "Reasons a clause is weak", [_para(", ".join(r.replace("_", " ") for r in c.weak_reasons))]
        )
    out += _section(
        "Fallback language",
        [
            "Strict:\n" + _para(c.fallback.strict, "    "),
            "Acceptable:\n" + _para(c.fallback.acceptable, "    "),
        ],
    )
    if c.known_false_positives:
        out += _section("Known false positives", [_para(f, "  ", "- ") for f in c.known_false_positives])
    examples = []
    for kind in ("met", "weak", "conflict", "negative"):
        items = getattr(c.examples, kind)
        if not items:
            continue
        lines = [f"{kind.capitalize()} ({len(items)}):"]
        for e in items:
            extra = [f"reason: {e.reason}"] if e.reason else []
            extra += [f"{k} = {_num(v)}" for k, v in e.params.items()]
            if e.heading:
                extra.append(f"under heading {e.heading!r}")
            tail = f" [{'; '.join(extra)}]" if extra else ""
            lines.append(_para(f'"{e.text}"{tail}', "      ", "    - "))
        examples.append("\n".join(lines))
    out += _section("Examples", examples)
    return "\n".join(out)


def _section(heading: str, blocks: list[str]) -> list[str]:
    return ["", heading, "-" * len(heading), *blocks]


def _para(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=_WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
    )


def _num(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)


# --- test ------------------------------------------------------------------------------------------


def _test(args: argparse.Namespace) -> int:
    library = _load(args)
    unknown = [cid for cid in args.control or [] if cid not in library.controls]
    if unknown:
        raise LibraryError(f"unknown control(s): {', '.join(unknown)}")
    try:
        from checker.match.examples import check_examples
    except ImportError as exc:
        print(f"clausecheck: matcher not available ({exc}); cannot run the examples", file=sys.stderr)
        return EXIT_FAILED
    results = check_examples(library, controls=args.control)
    failed = [r for r in results if not r.passed]
    for result in failed:
        print(_format_failure(result, library))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return EXIT_FAILED if failed else EXIT_OK


def _format_failure(result: Any, library: Library) -> str:
    """``FAIL control kind[i]: expected weak (reason), got met: "text"``, as a test runner prints it."""
    example = getattr(library.controls[result.control].examples, result.kind)[result.index]
    expected = result.expected + (f" ({example.reason})" if example.reason else "")
    if result.got != result.expected:
        why = f" ({'; '.join(result.reasons)})" if result.reasons else ""
        message = f"expected {expected}, got {result.got}{why}"
    else:
        message = result.problem
    text = result.text if len(result.text) <= 120 else result.text[:117] + "..."
    return f'FAIL {result.control} {result.kind}[{result.index}]: {message}: "{text}"'


# --- lint ------------------------------------------------------------------------------------------


def _lint(args: argparse.Namespace) -> int:
    from checker.library.lint import lint_library

    root = _root(args)
    if not root.is_dir():
        raise LibraryError(f"library folder not found: {root}")
    problems = lint_library(root)
    shown = [p for p in problems if p.level == "error" or not args.errors_only]
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        rows = [
            {"path": str(p.path), "line": p.line, "level": p.level, "code": p.code, "message": p.message}
            for p in shown
        ]
        print(json.dumps({"errors": errors, "warnings": warnings, "problems": rows}, indent=2))
    else:
        base = Path.cwd()
        for problem in shown:
            print(problem.format(base))
        print(f"{errors} error(s), {warnings} warning(s)")
    return EXIT_FAILED if errors else EXIT_OK


# --- schema ----------------------------------------------------------------------------------------


def _schema(args: argparse.Namespace) -> int:
    from checker.library.json_schema import schema_text, write_schemas

    if args.write:
        for path in write_schemas(_root(args) / "schema"):
            print(f"wrote {path}")
        return EXIT_OK
    sys.stdout.write(schema_text(args.kind))
    return EXIT_OK
