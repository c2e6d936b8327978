"""Bulk scoring speed: a generated portfolio scored from a spreadsheet, at ``--jobs 1`` and ``--jobs 2``.

Two portfolios are generated (seeded) into ``bench/out/batch/`` (git-ignored): a *mixed* one of PDF and
DOCX agreements of 5–60 pages, and a *pdf20* one of 20-page text PDFs (the target: ≥ 300 documents a
minute). Every agreement differs (vendor name, notification window, which security clauses it has), so
no two share a hash and nothing is deduplicated. Each measurement runs ``run_batch`` in a fresh
subprocess with the cache off, so the parent's peak RSS is its own; a worker's peak RSS is the largest
``ru_maxrss`` the workers report. The resumed run scores with the cache on, then runs again with
``resume=True`` and times the second run.

Run: ``.venv/bin/python bench/bench_batch.py [--count 200] [--no-write]``; ``--count 1000`` is the full
size. It updates the Batch section of BENCHMARKS.md between its markers. A spot check, before and after a
change: ``.venv/bin/python bench/bench_batch.py --portfolio pdf20 --count 40 --jobs 2`` scores one
portfolio once and prints its figures (``--measure SHEET`` does the same for any sheet, in this process).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "batch"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- batch:start -->", "<!-- batch:end -->"
LINES_PER_PAGE = 46

_SECURITY = [
    "{v} shall notify Customer in writing within {h} hours of becoming aware of any Security Incident.",
    "{v} shall encrypt Customer Data at rest using AES-256 and in transit using TLS 1.2 or higher.",
    "{v} shall require multi-factor authentication for all administrative access to production systems.",
    "{v} shall maintain a written information security program that meets ISO/IEC 27001.",
    "Customer may audit {v}'s compliance with this Agreement once a year on thirty (30) days' notice.",
    "{v} shall delete or return all Customer Data within thirty (30) days after termination.",
    "{v} will use commercially reasonable efforts to remediate critical vulnerabilities promptly.",
    "{v} shall carry out background checks on personnel with access to Customer Data, where permitted by law.",
    "{v} shall not engage any new subprocessor without giving Customer thirty (30) days' prior notice.",
    "{v} shall keep backups of Customer Data and test restoring them at least once every quarter.",
]
_FILLER = [
    "Fees are payable within thirty (30) days of the date of each invoice, in the currency of the Order Form.",
    "Each party shall comply with all laws and regulations that apply to it in performing this Agreement.",
    "This Agreement is governed by the laws of the State of New York, without regard to conflict of laws rules.",
    "Neither party may assign this Agreement without the other party's prior written consent.",
    "Any notice under this Agreement must be in writing and delivered to the address on the Order Form.",
    "The Services are provided as described in the Documentation, as updated from time to time.",
    "Each party retains all right, title and interest in and to its own Confidential Information.",
    "Neither party is liable for any failure caused by events beyond its reasonable control.",
]
_TOPICS = [
    "Services",
    "Fees",
    "Security",
    "Data Protection",
    "Confidentiality",
    "Term",
    "Liability",
    "General",
]


def _lines(rng: random.Random, vendor: str, pages: int) -> list[str]:
    """About ``pages`` pages of numbered sections, with the security clauses this vendor offers."""
    hours = rng.choice([24, 48, 72, 96])
    security = [s.format(v="Supplier", h=hours) for s in _SECURITY if rng.random() < 0.7]
    lines = ["MASTER SERVICES AGREEMENT", f'between Customer and {vendor} ("Supplier")', ""]
    article = 0
    while len(lines) < pages * LINES_PER_PAGE:
        article += 1
        topic = _TOPICS[article % len(_TOPICS)]
        lines.append(f"{article}. {topic.upper()}")
        for section in range(1, rng.randint(5, 9)):
            pool = security if topic in ("Security", "Data Protection") and security else _FILLER
            sentence = rng.choice(pool)
            lines.append(f"{article}.{section} {sentence} {rng.choice(_FILLER)}")
    return lines[: pages * LINES_PER_PAGE]


def _write_pdf(path: Path, lines: list[str], pages: int) -> None:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    wrapped = [part for line in lines for part in simpleSplit(line, "Helvetica", 9, 500) or [""]]
    for page in range(pages):
        c.setFont("Helvetica", 9)
        for n, part in enumerate(wrapped[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]):
            c.drawString(56, 740.0 - 15 * n, part)
        c.showPage()
    c.save()


def _write_docx(path: Path, lines: list[str], pages: int) -> None:
    import docx

    per_page = LINES_PER_PAGE // 2  # a paragraph (a section) wraps to about two lines
    doc = docx.Document()
    for i, line in enumerate(lines[: pages * per_page]):
        if i and i % per_page == 0:
            doc.add_page_break()
        doc.add_paragraph(line)
    doc.save(str(path))


def make_portfolio(kind: str, count: int) -> Path:
    """Generate (once) ``count`` agreements and the sheet that names them; return the sheet's path."""
    from openpyxl import Workbook

    folder = OUT / kind
    folder.mkdir(parents=True, exist_ok=True)
    sheet = folder / f"portfolio-{count}.xlsx"
    if sheet.exists():
        return sheet
    rng = random.Random(f"{kind}-batch")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Vendors")
    ws.append(["Vendor", "Agreement type", "Contract file", "Owner"])
    for i in range(count):
        vendor = f"Vendor {i:04d} Ltd"
        pdf = kind == "pdf20" or rng.random() < 0.6
        pages = 20 if kind == "pdf20" else rng.randint(5, 60)
        name = f"{kind}-{i:04d}.{'pdf' if pdf else 'docx'}"
        path = folder / name
        if not path.exists():
            lines = _lines(random.Random(f"{kind}-{i}"), vendor, pages)
            (_write_pdf if pdf else _write_docx)(path, lines, pages)
        ws.append([vendor, "MSA", name, "Procurement"])
    wb.save(sheet)
    return sheet


def measure(sheet: Path, jobs: int, cache: Path | None, resume: bool) -> dict[str, float]:
    """Score ``sheet`` in this process (called in a fresh subprocess) and report time and memory."""
    from checker.batch import BatchOptions, open_docs, read_sheet, run_batch

    started = time.perf_counter()
    outcome = run_batch(read_sheet(sheet), open_docs(sheet.parent, sheet), BatchOptions(
        workers=jobs, cache_dir=cache, resume=resume))  # fmt: skip
    seconds = time.perf_counter() - started
    results = outcome.results.values()
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "parent_cpu_s": own.ru_utime + own.ru_stime,
        # Reported by the workers: forked from the fork server, they are not this process's children.
        "worker_cpu_s": sum(r.cpu_seconds for r in results),
        "documents": len(outcome.rows),
        "failed": outcome.failed_rows,
        "seconds": seconds,
        "per_minute": len(outcome.rows) / seconds * 60,
        "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": max((r.worker_maxrss_kb for r in results), default=0) / 1024,
        "cache_hits": outcome.cache_hits,
        "pages": sum(r.assessment.document.pages for r in results if r.assessment),
    }


def _run(sheet: Path, jobs: int, cache: Path | None = None, resume: bool = False) -> dict[str, float]:
    args = [sys.executable, __file__, "--measure", str(sheet), "--jobs", str(jobs)]
    args += ["--cache", str(cache)] if cache else []
    args += ["--resume"] if resume else []
    done = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _section(rows: list[tuple[str, int, dict[str, float]]], count: int, resumed: dict[str, float]) -> str:
    head = (
        "## Batch\n\n"
        f"`python bench/bench_batch.py --count {count}` on CPython {platform.python_version()}, shared 2-core"
        " machine (other engineers' jobs ran at the same time, so wall-clock figures are noisy and"
        " conservative; *worker CPU s/document* is the steadier figure)."
        + (
            f" {count} agreements per portfolio, not the full 1,000, to spare the shared CPU."
            if count < 1000
            else ""
        )
        + " Each run scores"
        " a sheet naming every agreement with `run_batch` (playbook baseline, cache off), in a fresh process;"
        " the time includes starting the fork server the workers are forked from (it builds the checker once). *Worker CPU* is the CPU the workers report for their documents.\n\n"
        "| portfolio | documents | pages | jobs | seconds | documents/min | worker CPU s/document |"
        " documents/min per idle core | parent CPU s | parent peak RSS MB | worker peak RSS MB |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {kind} | {r['documents']:,.0f} | {r['pages']:,.0f} | {jobs} | {r['seconds']:.1f} | {r['per_minute']:,.0f}"
        f" | {r['worker_cpu_s'] / r['documents']:.3f} | {60 * r['documents'] / r['worker_cpu_s']:,.0f}"
        f" | {r['parent_cpu_s']:.1f} | {r['parent_mb']:.0f} | {r['worker_mb']:.0f} |\n"
        for kind, jobs, r in rows
    )
    tail = (
        f"\nResumed run (pdf20, every document already in the cache): {resumed['seconds']:.2f} s for"
        f" {resumed['documents']:,.0f} documents ({resumed['cache_hits']:,.0f} cache hits, no worker started)."
        " *mixed* is PDF (60 %) and DOCX agreements of 5–60 pages; *pdf20* is 20-page text PDFs.\n"
    )
    return head + body + tail


def _write(text: str) -> None:
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = f"{START}\n{text}{END}"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        current = before + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    BENCHMARKS.write_text(current, encoding="utf-8")


def main() -> None:
    """Generate, measure, print, and (unless ``--no-write``) update BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="agreements per portfolio (full size: 1000)")
    parser.add_argument(
        "--no-write", action="store_true", help="print the table only; BENCHMARKS.md is left as it is"
    )
    parser.add_argument(
        "--portfolio",
        choices=("pdf20", "mixed"),
        help="spot check: generate (once) this portfolio of --count agreements, score it once at --jobs in a "
        "fresh process and print its figures as JSON (documents/min, worker CPU, peak RSS); writes nothing",
    )
    parser.add_argument(
        "--measure",
        type=Path,
        metavar="SHEET",
        help="score SHEET (a spreadsheet naming the agreements) once at --jobs in this process and print its "
        "figures as JSON; writes nothing (what each row of the table runs in a fresh process)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="workers for --portfolio and --measure (the table runs 1 and 2)"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="with --measure: score with the result cache in DIR (off by default)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --measure and --cache: resume, as the table's resumed run does",
    )
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.jobs, args.cache, args.resume)))
        return
    if args.portfolio:
        print(json.dumps(_run(make_portfolio(args.portfolio, args.count), args.jobs)))
        return
    rows = []
    for kind in ("pdf20", "mixed"):
        sheet = make_portfolio(kind, args.count)
        for jobs in (1, 2):
            result = _run(sheet, jobs)
            print(kind, jobs, result, flush=True)
            rows.append((kind, jobs, result))
    cache = OUT / "cache"
    sheet = make_portfolio("pdf20", args.count)
    _run(sheet, 2, cache)
    resumed = _run(sheet, 2, cache, resume=True)
    print("resumed", resumed)
    text = _section(rows, args.count, resumed)
    print(text)
    if not args.no_write:
        _write(text)


if __name__ == "__main__":
    main()
