"""``clausecheck extract PATH...``: show how clausecheck reads contracts, clause by clause.

Each file is extracted and segmented; the output lists every clause with its section number, heading
path, page and offsets, so a reviewer can see what the matcher will see. A file that cannot be read is
reported (on stderr and in the JSON ``errors``) and the others are still printed; the exit code is then
1 (DESIGN.md section 4).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from checker.cli import EXIT_INPUT_ERROR, EXIT_OK
from checker.cli.limit_options import add_ocr_options, ocr_settings
from checker.errors import ClauseCheckError

if TYPE_CHECKING:  # the pipeline is imported when the command runs, so --help and usage errors stay fast
    from checker.models import Clause, Document

__all__ = ["document_json", "register", "render_text"]


def register(sub: Any) -> None:
    """Add the ``extract`` sub-command."""
    p = sub.add_parser(
        "extract", help="print the clauses clausecheck reads from contracts", description=__doc__
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="contract files (PDF, DOCX, TXT, MD, HTML)")
    p.add_argument("--format", choices=("text", "json"), default="text", dest="fmt")
    p.add_argument("--password", help="password for encrypted PDFs")
    add_ocr_options(p)
    p.set_defaults(handler=run)


def document_json(doc: Document, clauses: list[Clause]) -> dict[str, Any]:
    """One document and its clauses as plain data for the JSON output."""
    return {
        "path": doc.path,
        "name": doc.name,
        "sha256": doc.sha256,
        "format": doc.format.value,
        "pages": doc.pages,
        "has_tracked_changes": doc.has_tracked_changes,
        "warnings": list(doc.warnings),
        "ocr_confidence": doc.ocr_confidence,
        "ocr_pages": [p.model_dump(mode="json") for p in doc.ocr_pages],
        "furniture": list(doc.furniture),
        "clauses": [
            {
                "index": c.index,
                "section": c.section,
                "heading": c.heading,
                "page": c.page,
                "start": c.start,
                "end": c.end,
                "kind": c.kind.value,
                "text": c.text,
            }
            for c in clauses
        ],
    }


def render_text(doc: Document, clauses: list[Clause]) -> str:
    """A readable listing: a header line per document, then ``p3 §12.3 [Security > Incidents] text``."""
    facts = [doc.format.value, f"{doc.pages} page{'s' if doc.pages != 1 else ''}", f"{len(clauses)} clauses"]
    if doc.has_tracked_changes:
        facts.append("tracked changes accepted")
    if doc.ocr_pages:
        read = len(doc.ocr_pages)
        facts.append(f"{read} page{'s' if read != 1 else ''} read by OCR, {doc.ocr_confidence:g}% confidence")
    lines = [f"== {doc.path} ({', '.join(facts)})"]
    lines.extend(f"   warning: {w}" for w in doc.warnings)
    for c in clauses:
        where = [f"p{c.page}"]
        if c.section:
            where.append(f"§{c.section}")
        if c.heading_path:
            where.append(f"[{c.heading}]")
        if c.kind.value != "sentence":
            where.append(f"({c.kind.value})")
        text = " ".join(c.text.split())
        lines.append(f"{' '.join(where)} {text}")
    return "\n".join(lines)


class _InternalError(ClauseCheckError):
    """An unexpected failure while reading one file: a bug, reported like any other input error."""

    code = "internal_error"

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message, hint="Please report this with the file if you can share it.", path=path)


def _report(errors: list[dict[str, str]], exc: ClauseCheckError) -> None:
    print(f"clausecheck: {exc}", file=sys.stderr)
    errors.append({"path": exc.path, "code": exc.code, "message": exc.message, "hint": exc.hint})


def run(args: argparse.Namespace) -> int:
    """Extract and segment every path; print them; 1 if any could not be read."""
    from checker.extract import Limits, extract_file
    from checker.segment import Segmenter

    segmenter = Segmenter()
    limits = Limits(ocr=ocr_settings(args))
    documents: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for path in args.paths:
        try:
            doc = extract_file(path, password=args.password, limits=limits)
            clauses = segmenter.segment(doc)
        except ClauseCheckError as exc:
            exc.path = exc.path or path
            _report(errors, exc)
            continue
        except Exception as exc:  # a bug must not hide the other files' output behind a traceback
            _report(
                errors,
                _InternalError(f"clausecheck failed on this file ({type(exc).__name__}: {exc}).", path=path),
            )
            continue
        if args.fmt == "json":
            documents.append(document_json(doc, clauses))
        else:
            print(render_text(doc, clauses), end="\n\n", flush=True)
    if args.fmt == "json":
        json.dump({"documents": documents, "errors": errors}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_INPUT_ERROR if errors else EXIT_OK
