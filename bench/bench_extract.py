"""Speed and memory of PDF extraction on generated contracts of 10, 100 and 1,000 pages.

The contracts are text PDFs made with reportlab (numbered sections, wrapped paragraphs, a running header,
a footer and "Page n of N"), cached in ``bench/out/`` (git-ignored). Each measurement runs in a fresh
subprocess, so its peak RSS (``ru_maxrss``) belongs to that one extraction; the RSS after the imports is
reported too, so the growth with page count is visible. Times are the median of ``--runs`` runs for the
default engine (PDFium) and one run for pdfplumber, which is only measured up to 100 pages (it is about a
hundred times slower).

Run: ``.venv/bin/python bench/bench_extract.py [--runs 3] [--no-write]``; it updates the Extraction
section of BENCHMARKS.md between its markers (creating the file if needed).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- extract:start -->", "<!-- extract:end -->"
SIZES = (10, 100, 1000)
PLUMBER_SIZES = (10, 100)

_SENTENCES = [
    "Vendor shall notify Customer within twenty-four (24) hours of becoming aware of a Security Incident.",
    "Vendor shall encrypt Customer Data at rest with AES-256 and in transit with TLS 1.2 or higher.",
    "Customer may audit Vendor once a year on thirty (30) days' written notice, at Customer's own cost.",
    "Vendor shall maintain ISO/IEC 27001 certification and make its SOC 2 Type II report available.",
    "Each party shall comply with all laws and regulations that apply to it in performing this Agreement.",
    "Vendor will delete Customer Data within thirty (30) days after the end of the Subscription Period.",
]


def make_contract(pages: int) -> Path:
    """A text PDF of exactly ``pages`` pages (cached)."""
    path = OUT / f"contract-{pages}.pdf"
    if path.exists():
        return path
    from reportlab import rl_config
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(pages)
    width, height = LETTER
    c = canvas.Canvas(str(path), pagesize=LETTER)
    section = 0
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 50, "ACME CLOUD SERVICES - MASTER SERVICES AGREEMENT")
        c.drawRightString(width - 72, 50, f"Page {number} of {pages}")
        y = height - 90
        while y > 110:
            section += 1
            text = f"{section // 5 + 1}.{section % 5 + 1} " + " ".join(
                rng.choices(_SENTENCES, k=rng.randint(1, 4))
            )
            for line in simpleSplit(text, "Times-Roman", 11, width - 144):
                if y <= 100:
                    break
                c.setFont("Times-Roman", 11)
                c.drawString(72, y, line)
                y -= 14
            y -= 8
        c.showPage()
    c.save()
    return path


def _child(path: str, engine: str) -> None:
    """Run one extraction and print its figures as JSON (in a fresh process)."""
    import resource
    import time

    from checker.extract import extract_file

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    doc = extract_file(path, pdf_engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "pages": doc.pages, "chars": len(doc.text), "base": baseline, "peak": peak}
        )
    )


def measure(path: Path, engine: str, runs: int) -> dict[str, float]:
    """Median time and the largest peak RSS over ``runs`` fresh processes."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), engine],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout))
    seconds = statistics.median(r["seconds"] for r in results)
    return {
        "pages": results[0]["pages"],
        "chars": results[0]["chars"],
        "seconds": seconds,
        "pages_per_s": results[0]["pages"] / seconds,
        "base": max(r["base"] for r in results),
        "peak": max(r["peak"] for r in results),
    }


def render(rows: list[tuple[str, dict[str, float]]], runs: int) -> str:
    """The Extraction section of BENCHMARKS.md."""
    lines = [
        START,
        "## Extraction",
        "",
        f"`bench/bench_extract.py` on {platform.python_implementation()} {platform.python_version()},"
        f" {platform.machine()}; generated text PDFs (letter, ~45 lines a page, header, footer, page numbers)."
        f" Median of {runs} fresh processes for PDFium, one for pdfplumber. RSS is the process peak"
        ' (`ru_maxrss`); "after imports" is the peak before the extraction started.',
        "",
        "| pages | engine | seconds | pages/s | chars | peak RSS MB | after imports MB | growth MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, r in rows:
        lines.append(
            f"| {r['pages']:,.0f} | {engine} | {r['seconds']:.3f} | {r['pages_per_s']:,.0f} | {r['chars']:,.0f} |"
            f" {r['peak']:.0f} | {r['base']:.0f} | {r['peak'] - r['base']:.0f} |"
        )
    lines += [
        "",
        "What each engine costs: **pdfium** (default) reads text and line boxes through PDFium's text page;"
        ' the rest is Python work per line (furniture, joining). **pdfplumber** (`pdf_engine="pdfplumber"`)'
        " runs pdfminer's layout analysis on every character and searches each page for ruled tables, which it"
        " renders row by row (`cell | cell`); use it for table-heavy or oddly ordered PDFs, not by default."
        " Pages are read and closed one at a time; memory grows only with the text and line boxes kept.",
        END,
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Replace (or append) the Extraction section between its markers, leaving the rest alone."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")


def main() -> None:
    """Generate, measure, print, and update BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    rows: list[tuple[str, dict[str, float]]] = []
    for pages in SIZES:
        path = make_contract(pages)
        rows.append(("pdfium", measure(path, "pdfium", args.runs)))
        if pages in PLUMBER_SIZES:
            rows.append(("pdfplumber", measure(path, "pdfplumber", 1)))
    section = render(rows, args.runs)
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
