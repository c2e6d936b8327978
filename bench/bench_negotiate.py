"""Speed of the negotiation pack: redline, addendum and memo for one reviewed contract.

A generated vendor DOCX (seeded: ``--sections`` numbered sections, each with a notice window over the
strict threshold, a weak encryption clause and clauses no point is about) is assessed once against the
strict ``ai-data-vendor`` playbook; then each format is built ``--runs`` times and the minimum is
reported (the machine is shared: the minimum is the least disturbed run). Assessment time is not
included: it is measured by ``bench.bench_match``.

Run: ``.venv/bin/python -m bench.bench_negotiate [--sections 50] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import docx

from checker.api import ContractChecker
from checker.report import report_bytes


def _vendor_docx(path: Path, sections: int) -> Path:
    doc = docx.Document()
    doc.add_paragraph("Master Services Agreement", style="Title")
    doc.add_paragraph(
        'This Agreement is made between Northwind Bank plc ("Customer") and Acme Ltd ("Provider").'
    )
    for n in range(1, sections + 1):
        doc.add_paragraph(f"{n}. Section {n}", style="Heading 1")
        doc.add_paragraph(f"{n}.1 Customer shall pay each invoice within thirty (30) days of receipt.")
        doc.add_paragraph(f"{n}.2 This Section {n} is governed by the laws of England and Wales.")
    doc.add_paragraph(
        f"{sections + 1}.1 Provider shall notify Customer in writing of any Security Incident within"
        " seventy-two (72) hours after becoming aware of it."
    )
    doc.add_paragraph(
        f"{sections + 1}.2 Provider will use commercially reasonable efforts to encrypt Customer Data."
    )
    doc.save(str(path))
    return path


def main() -> None:
    """Print the minimum time per format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    checker = ContractChecker()
    with TemporaryDirectory() as tmp:
        path = _vendor_docx(Path(tmp) / "vendor.docx", args.sections)
        [assessment], _ = checker.check_paths([path], "ai-data-vendor")
        source = {path.name: path.read_bytes()}
        paragraphs = len(docx.Document(io.BytesIO(source[path.name])).paragraphs)
        print(f"{paragraphs} paragraphs, {len(assessment.findings)} controls")
        cases = {
            "redline": lambda: report_bytes("redline", [assessment], sources=source),
            "addendum": lambda: report_bytes("addendum", [assessment]),
            "memo docx": lambda: report_bytes("memo", [assessment], memo_format="docx"),
            "memo html": lambda: report_bytes("memo", [assessment], memo_format="html"),
            "memo md": lambda: report_bytes("memo", [assessment], memo_format="md"),
        }
        for name, build in cases.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                build()
                times.append(time.perf_counter() - start)
            print(f"{name:10} min {min(times) * 1000:7.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
