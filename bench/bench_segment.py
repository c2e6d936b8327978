"""Speed of the segmenter on a long generated contract.

The contract is generated (seeded, so every run segments the same text): articles with numbered
sections, run-in headings, "(a)"/"(i)" items on their own lines, inline enumerations, legal
abbreviations, security-measure tables and definitions, about 500 words a page. The figures are the
median of several runs of ``Segmenter.segment`` on one core, after one warm-up run (spaCy's vocabulary
starts cold).

Run: ``.venv/bin/python -m bench.bench_segment [--pages 1000] [--runs 3] [--write]``; ``--write``
updates the Segmentation section of BENCHMARKS.md between its markers.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from pathlib import Path

from checker.models import Document, DocumentFormat
from checker.segment import Segmenter

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- segment:start -->", "<!-- segment:end -->"

_TOPICS = ["Security", "Data Protection", "Audit Rights", "Subprocessors", "Incident Response", "Term"]
_SENTENCES = [
    "Vendor shall notify Customer within twenty-four (24) hours of becoming aware of a Security Incident.",
    "The notice shall describe the incident, e.g. the categories of data affected, i.e. Personal Data.",
    "Vendor shall maintain ISO/IEC 27001:2022 certification as set out in Section 9.1(b) of the Agreement.",
    "Processing is subject to Art. 28(3) GDPR and to Sec. 5 of the Order Form No. 3.",
    "Acme Inc. and its Affiliates shall comply with all applicable U.S. and EU laws, rules and regulations.",
    "Customer may audit Vendor once a year on thirty (30) days' written notice, at Customer's own cost.",
    "Vendor shall encrypt Customer Data at rest with AES-256 and in transit with TLS 1.2 or higher.",
    "Vendor will use commercially reasonable efforts to remediate critical vulnerabilities promptly.",
    "Vendor shall: (a) keep access logs for one year; (b) review them monthly; and (c) report anomalies.",
    "Nothing in this Section limits either party's rights under Applicable Data Protection Laws, etc.",
]
_ITEMS = [
    "restrict access to Customer Data to personnel who need it to perform the Services;",
    "require multi-factor authentication for all administrative access to production systems;",
    "retain backups for no longer than thirty (30) days after the end of the Subscription Period;",
    "test its incident response plan at least annually and share a summary on request.",
]


def generate_contract(pages: int, seed: int = 7) -> Document:
    """A contract of about ``pages`` pages, a page starting at the first line after every 500 words."""
    rng = random.Random(seed)
    out: list[str] = ["MASTER SERVICES AGREEMENT", ""]
    article = 0
    words = 0
    while words < pages * 500:
        article += 1
        out.append(f"ARTICLE {article} – {rng.choice(_TOPICS).upper()}")
        for section in range(1, rng.randint(4, 9)):
            head = rng.choice(_TOPICS)
            body = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(2, 6)))
            out.append(f"{article}.{section} {head}. {body}")
            if rng.random() < 0.4:
                out.extend(
                    f"({chr(97 + n)}) Vendor shall {rng.choice(_ITEMS)}" for n in range(rng.randint(2, 4))
                )
                out.append(f"(i) {rng.choice(_SENTENCES)}")
            if rng.random() < 0.1:
                out.append("Control | Measure")
                out.extend(f"{rng.choice(_TOPICS)} | {rng.choice(_SENTENCES)}" for _ in range(3))
            out.append("")
        words = sum(len(line.split()) for line in out)
    text = "\n".join(out)
    starts, pos, on_page = [0], 0, 0
    for line in out:
        pos += len(line) + 1
        on_page += len(line.split())
        if on_page >= 500 and pos < len(text):
            starts.append(pos)
            on_page = 0
    return Document(
        path="generated.txt", name="generated.txt", sha256="0" * 64, format=DocumentFormat.TXT, text=text,
        pages=len(starts), page_starts=starts,
    )  # fmt: skip


def measure(pages: int, runs: int) -> dict[str, float]:
    """Build time, and the median seconds, clauses/s and words/s of segmenting the generated contract."""
    doc = generate_contract(pages)
    started = time.perf_counter()
    segmenter = Segmenter()
    build = time.perf_counter() - started
    segmenter.segment(generate_contract(5, seed=1))  # warm spaCy's vocabulary
    wall, cpu = [], []
    clauses = 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        clauses = len(segmenter.segment(doc))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    seconds, cpu_seconds = statistics.median(wall), statistics.median(cpu)
    words = len(doc.text.split())
    return {
        "pages": doc.pages, "chars": len(doc.text), "words": words, "clauses": clauses, "build": build,
        "seconds": seconds, "clauses_per_s": clauses / seconds, "words_per_s": words / seconds,
        "cpu_words_per_s": words / cpu_seconds,
    }  # fmt: skip


def render(result: dict[str, float], pages: int, runs: int) -> str:
    """The Segmentation section of BENCHMARKS.md, markers included."""
    return "\n".join(
        [
            START,
            "## Segmentation",
            "",
            f"`python -m bench.bench_segment --pages {pages} --runs {runs}` on"
            f" {platform.python_implementation()} {platform.python_version()}, one process, median of {runs}"
            " runs after a warm-up; a generated contract (articles, numbered sections with run-in headings,"
            " (a)/(i) items, tables, legal abbreviations). Wall-clock on the shared 2-core machine; CPU words/s"
            " (process time) is steadier when other work competes for the cores.",
            "",
            "| pages | words | clauses | seconds | clauses/s | words/s | CPU words/s | `Segmenter()` build |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {result['pages']:,.0f} | {result['words']:,.0f} | {result['clauses']:,.0f} | {result['seconds']:.2f}"
            f" | {result['clauses_per_s']:,.0f} | {result['words_per_s']:,.0f} | {result['cpu_words_per_s']:,.0f}"
            f" | {result['build']:.2f} s |",
            END,
        ]
    )


def write_section(section: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between the segment markers in ``path`` (or add the section, or the file)."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in current and END in current:
        before, _, rest = current.partition(START)
        _, _, after = rest.partition(END)
        updated = before + section + after
    else:
        updated = current.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(updated, encoding="utf-8")


def main() -> None:
    """Run the benchmark and print (and with ``--write`` record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    result = measure(args.pages, args.runs)
    section = render(result, args.pages, args.runs)
    print(section)
    if args.write:
        write_section(section)


if __name__ == "__main__":
    main()
