"""Accuracy of the matcher on the labelled development set.

Clause level: every labelled clause of ``labels/clauses-*.jsonl`` is read on its own (with its section
title as heading context) and judged with the ``all`` playbook; a control is *detected* when the
finding is met or weak. Per control: precision, recall and F1 of detection, and exact status agreement
(met / weak / missing) over every clause × control pair that either side addresses. Parameters:
notification_hours read exactly where the label states one.

Document level (``--documents``): the whole pipeline over each corpus document, compared with
``labels/documents-*.json``.

Run: ``.venv/bin/python -m bench.accuracy_devset [--labels DIR] [--write] [--verbose CONTROL]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.markdown import write_section
from checker.library.loader import expand_playbook, load_library
from checker.match.engine import Engine
from checker.match.examples import EXAMPLE_PLAYBOOK
from checker.score import judge

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT.parent / "shared" / "corpus" / "labels"


def load_clauses(labels: Path) -> list[dict]:
    """Every labelled clause record."""
    rows: list[dict] = []
    for path in sorted(labels.glob("clauses-*.jsonl")):
        rows.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        )
    return rows


def _heading(section: str | None) -> str:
    if not section:
        return ""
    return re.sub(r"^[\s\dA-Za-z]{0,3}[\d.()]+\s*", "", section).strip()


def clause_level(labels: Path, verbose: str | None = None) -> dict:
    """Per-control detection and status figures on the labelled clauses."""
    library = load_library()
    engine = Engine(library)
    playbook = expand_playbook(EXAMPLE_PLAYBOOK, library)
    entries = {e.id: e for e in playbook.controls}
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    notif_total = notif_exact = 0
    errors: dict[str, list[str]] = defaultdict(list)
    confusion: Counter[tuple[str, str]] = Counter()
    clauses = load_clauses(labels)
    for row in clauses:
        expected = {c: "met" for c in row.get("controls", [])}
        expected.update({c: "weak" for c in row.get("weak", [])})
        matches = engine.match_text(row["text"], _heading(row.get("section")))
        by_control = defaultdict(list)
        for m in matches:
            by_control[m.control].append(m)
        predicted = {}
        why: dict[str, str] = {}
        params: dict[str, float] = {}
        for cid, ms in by_control.items():
            finding = judge(library.controls[cid], ms, playbook, entries.get(cid))
            predicted[cid] = finding.status.value
            why[cid] = "; ".join(finding.reasons) + f" <{finding.rule}>"
            params.update(finding.params)
        for cid in set(expected) | set(predicted):
            if cid not in library.controls:
                continue
            exp = expected.get(cid, "missing")
            got = predicted.get(cid, "missing")
            exp_det = exp in ("met", "weak")
            got_det = got in ("met", "weak")
            if exp_det and got_det:
                tp[cid] += 1
            elif got_det:
                fp[cid] += 1
            elif exp_det:
                fn[cid] += 1
            pairs[cid] += 1
            confusion[(exp, got)] += 1
            if exp == got:
                agree[cid] += 1
            elif verbose in (cid, "all"):
                errors[cid].append(
                    f"  [{row['id']}] expected {exp}, got {got} ({why.get(cid, '')}): {row['text'][:220]}"
                )
        if "notification_hours" in row.get("params", {}):
            notif_total += 1
            if params.get("notification_hours") == row["params"]["notification_hours"]:
                notif_exact += 1
    per_control = {}
    for cid in library.controls:
        t, f, n = tp[cid], fp[cid], fn[cid]
        p = t / (t + f) if t + f else None
        r = t / (t + n) if t + n else None
        f1 = 2 * p * r / (p + r) if p and r else None
        per_control[cid] = {
            "tp": t, "fp": f, "fn": n, "precision": p, "recall": r, "f1": f1,
            "agreement": agree[cid] / pairs[cid] if pairs[cid] else None, "pairs": pairs[cid],
        }  # fmt: skip
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    total = {
        "clauses": len(clauses),
        "precision": T / (T + F) if T + F else 0.0,
        "recall": T / (T + N) if T + N else 0.0,
        "agreement": sum(agree.values()) / sum(pairs.values()) if pairs else 0.0,
        "notification_exact": f"{notif_exact}/{notif_total}",
        "confusion": dict(sorted(confusion.items())),
    }
    return {"total": total, "per_control": per_control, "errors": errors}


def document_level(labels: Path, corpus: Path, verbose: bool = False) -> dict:
    """Whole-pipeline statuses per corpus document against ``labels/documents-*.json``."""
    from checker.api import ContractChecker

    checker = ContractChecker()
    playbook = expand_playbook(EXAMPLE_PLAYBOOK, checker.library)
    expected_docs: dict[str, dict] = {}
    for path in sorted(labels.glob("documents-*.json")):
        expected_docs.update(json.loads(path.read_text(encoding="utf-8"))["documents"])
    rows = []
    agree = total = tp = fp = fn = 0
    notes: list[str] = []
    for name, exp in sorted(expected_docs.items()):
        read = checker.read_file(corpus / name)
        assessment = checker.assess([read], playbook)
        got = {f.control: f.status.value for f in assessment.findings}
        want = {c: "met" for c in exp.get("satisfied", [])}
        want.update({c: "weak" for c in exp.get("weak", [])})
        want.update({c: "missing" for c in exp.get("missing", [])})
        same = 0
        for cid, w in want.items():
            g = got.get(cid, "missing")
            same += w == g
            if w in ("met", "weak") and g in ("met", "weak"):
                tp += 1
            elif g in ("met", "weak"):
                fp += 1
            elif w in ("met", "weak"):
                fn += 1
            if verbose and w != g:
                notes.append(f"  {name}: {cid} expected {w}, got {g}")
        agree += same
        total += len(want)
        hours = next(
            (
                f.params.get("notification_hours")
                for f in assessment.findings
                if f.control == "incident_notification"
            ),
            None,
        )
        rows.append((name, same, len(want), exp.get("notification_hours"), hours))
    return {
        "rows": rows,
        "agreement": agree / total if total else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "notes": notes,
    }


def render_documents(result: dict) -> str:
    """The document-level figures as Markdown."""
    lines = [
        f"Whole pipeline (extract → segment → match → score, playbook `all`) on the 8 corpus documents: "
        f"status agreement **{result['agreement']:.3f}**, detection precision **{result['precision']:.3f}**, "
        f"recall **{result['recall']:.3f}**.",
        "",
        "| document | same status | notification_hours expected | found |",
        "|---|---|---|---|",
    ]
    for name, same, n, want, got in result["rows"]:
        lines.append(
            f"| {name} | {same}/{n} | {want if want is not None else '–'} | {got if got is not None else '–'} |"
        )
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def render(result: dict) -> str:
    """The clause-level figures as a Markdown section."""
    t = result["total"]
    lines = [
        f"Labelled clauses: {t['clauses']}. Detection (met or weak vs not addressed): precision "
        f"**{t['precision']:.3f}**, recall **{t['recall']:.3f}**; exact status agreement **{t['agreement']:.3f}**; "
        f"notification_hours exact: **{t['notification_exact']}**.",
        "",
        "Status confusion (expected → got: count): "
        + ", ".join(f"{e}→{g}: {n}" for (e, g), n in t["confusion"].items()),
        "",
        "| control | TP | FP | FN | precision | recall | F1 | status agreement (pairs) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cid, m in sorted(result["per_control"].items()):
        if not m["pairs"]:
            continue
        lines.append(
            f"| {cid} | {m['tp']} | {m['fp']} | {m['fn']} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | "
            f"{_fmt(m['f1'])} | {_fmt(m['agreement'])} ({m['pairs']}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the accuracy benchmark and print (or write) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--documents", action="store_true", help="also run the document-level comparison")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_LABELS.parent)
    parser.add_argument(
        "--verbose", metavar="CONTROL", help="list the disagreements for a control (or 'all')"
    )
    args = parser.parse_args(argv)
    result = clause_level(args.labels, args.verbose)
    md = render(result)
    print(md)
    for cid, errs in sorted(result["errors"].items()):
        print(f"\n{cid}:")
        print("\n".join(errs))
    doc_md = ""
    if args.documents:
        docs = document_level(args.labels, args.corpus, bool(args.verbose))
        doc_md = render_documents(docs)
        print("\n" + doc_md)
        print("\n".join(docs["notes"]))
    if args.write:
        body = "## Accuracy (development set)\n\n### Clause level\n\n" + md
        if doc_md:
            body += "\n\n### Document level\n\n" + doc_md
        write_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
