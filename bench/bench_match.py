"""Speed of matching + scoring, and of the whole pipeline on a 30-page text PDF.

Matching and scoring are timed on the clauses of the corpus agreements (extracted and segmented once,
outside the timer), on one core, with the compiled engine built once. The whole pipeline (extract →
segment → match → score) is timed on a 30-page PDF generated from real agreement text with reportlab.

Run: ``.venv/bin/python -m bench.bench_match [--write]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.markdown import write_section
from checker.api import ContractChecker, document_info
from checker.extract import extract_file
from checker.library.loader import expand_playbook
from checker.match.examples import EXAMPLE_PLAYBOOK
from checker.score import assess

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
OUT = ROOT / "bench" / "out"


def _pdf_from_text(text: str, pages: int, path: Path) -> Path:
    """A text PDF of about ``pages`` pages from real agreement text (reportlab)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 30]
    story = []
    doc = SimpleDocTemplate(str(path), pagesize=letter)
    chars_per_page = 3200
    total = 0
    i = 0
    while total < pages * chars_per_page:
        p = paragraphs[i % len(paragraphs)]
        story.append(Paragraph(p.replace("&", "&amp;").replace("<", "&lt;"), style))
        total += len(p)
        i += 1
    doc.build(story)
    return path


def main(argv: list[str] | None = None) -> int:
    """Measure and print (or write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    checker = ContractChecker()
    playbook = expand_playbook(EXAMPLE_PLAYBOOK, checker.library)
    docs = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".md", ".txt", ".pdf"):
            doc = extract_file(path)
            docs.append((doc, checker.segmenter.segment(doc)))
    words = sum(len(c.text.split()) for _, clauses in docs for c in clauses)
    clauses_n = sum(len(clauses) for _, clauses in docs)
    timings = []
    for _ in range(args.runs):
        t0 = time.process_time()
        for doc, clauses in docs:
            matches = checker.engine.match_document(doc, clauses)
            assess([document_info(doc)], matches, playbook, checker.library)
        timings.append(time.process_time() - t0)
    best = min(timings)
    median = statistics.median(timings)

    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "contract-30-pages.pdf"
    if not pdf.exists():
        source = (CORPUS / "github-data-protection-agreement-2023-02.md").read_text(encoding="utf-8")
        _pdf_from_text(source, 30, pdf)
    pipeline = []
    pages = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        read = checker.read_file(pdf)
        checker.assess([read], playbook)
        pipeline.append(time.perf_counter() - t0)
        pages = read.document.pages
    lines = [
        f"Corpus clauses: {clauses_n:,} clauses, {words:,} words, {len(checker.library.controls)} controls "
        f"(playbook `all`), one core, CPU time over {args.runs} runs.",
        "",
        "| what | figure |",
        "|---|---|",
        f"| match + score, best run | {best:.3f} s = **{words / best:,.0f} words/s** ({clauses_n / best:,.0f} clauses/s) |",
        f"| match + score, median run | {median:.3f} s = {words / median:,.0f} words/s |",
        f"| whole pipeline, {pages}-page text PDF (extract → segment → match → score), median wall time | "
        f"**{statistics.median(pipeline):.3f} s** |",
    ]
    md = "\n".join(lines)
    print(md)
    if args.write:
        write_section("## Matching and scoring speed\n\n" + md, "match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
