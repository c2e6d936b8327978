"""Report: an :class:`~checker.models.Assessment` becomes what a lawyer files or sends.

One module per format, each a pure function of the assessments: :mod:`.json_report`,
:mod:`.xlsx_report`, :mod:`.html_report` and :mod:`.docx_report` (the vendor's own DOCX with Word
comments). :func:`write_report` and :func:`report_bytes` dispatch on the format name for the CLI
(``check --format ... --out PATH``) and the app (download buttons).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from checker.errors import ReportError
from checker.models import Assessment, DocumentInfo, InputError
from checker.report.json_report import to_json

if TYPE_CHECKING:
    from checker.report.docx_report import annotate_docx
    from checker.report.html_report import render_html
    from checker.report.xlsx_report import write_xlsx

__all__ = [
    "FORMATS",
    "NEGOTIATION_FORMATS",
    "annotate_docx",
    "memo_format_of",
    "render_html",
    "report_bytes",
    "to_json",
    "write_report",
    "write_xlsx",
]

FORMATS: Final = ("json", "xlsx", "html", "docx", "redline", "addendum", "memo")
#: The negotiation pack: one contract (or bundle) at a time.
NEGOTIATION_FORMATS: Final = ("redline", "addendum", "memo")

Source = Path | bytes

# The writers of the other formats are imported when a report in their format is made, so that printing
# JSON or the terminal table (whose wording lives in this package) does not import openpyxl and
# python-docx (0.3 s of every CLI check). Their names stay importable from here.
_WRITERS: Final = {
    "annotate_docx": "checker.report.docx_report",
    "open_docx": "checker.report.docx_report",
    "render_html": "checker.report.html_report",
    "render_html_many": "checker.report.html_report",
    "write_xlsx": "checker.report.xlsx_report",
}


def __getattr__(name: str) -> Any:
    if name not in _WRITERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WRITERS[name]), name)


def _docx_target(
    assessment: Assessment, sources: Mapping[str, Source] | None, fmt: str = "docx"
) -> tuple[DocumentInfo, Source]:
    """The DOCX of the assessment to annotate (the main document, else the bundle's first DOCX)."""
    docs = [assessment.document, *(d for d in assessment.documents if d != assessment.document)]
    for info in docs:
        if info.format != "docx":
            continue
        given = sources or {}
        source = given.get(info.path, given.get(info.name))
        if source is None and not sources and Path(info.path).is_file():
            source = Path(info.path)
        if source is not None:
            return info, source
    names = ", ".join(d.name or d.path for d in docs)
    if fmt == "redline":
        raise ReportError(
            f"The redline marks tracked changes in the vendor's own Word file, and there is none ({names}).",
            hint="For a PDF or text contract use --format addendum (a security addendum to attach), or give"
            " the original .docx file.",
            path=assessment.document.path,
        )
    raise ReportError(
        f"The docx format annotates the vendor's own Word file, and there is none to annotate ({names}).",
        hint="Use --format html or xlsx for PDF and text contracts, or give the original .docx file.",
        path=assessment.document.path,
    )


def report_bytes(
    fmt: str,
    assessments: Sequence[Assessment],
    *,
    sources: Mapping[str, Source] | None = None,
    errors: Sequence[InputError] = (),
    memo_format: str = "docx",
    author: str = "clausecheck",
) -> bytes:
    """The report in format ``fmt`` as bytes (UTF-8 for the text formats).

    ``redline``, ``addendum`` and ``memo`` (as ``memo_format``: docx, html or md) are the negotiation
    pack, for one assessment; ``author`` signs the redline's tracked changes and comments.

    ``sources`` maps a document's path or name to its original file (path or bytes); only ``docx``
    needs it, and without it the document's own path is read. Inputs that failed (``errors``) appear in
    the json and xlsx reports. Raises :class:`~checker.errors.ReportError` for an unknown format, or
    for ``docx`` unless there is exactly one assessment with a DOCX source.
    """
    if fmt == "json":
        return to_json(assessments, errors).encode("utf-8")
    if fmt == "html":
        from checker.report.html_report import render_html, render_html_many

        page = render_html(assessments[0]) if len(assessments) == 1 else render_html_many(assessments)
        return page.encode("utf-8")
    if fmt in NEGOTIATION_FORMATS:
        return _negotiation_bytes(fmt, assessments, sources, memo_format, author)
    buf = io.BytesIO()
    if fmt == "xlsx":
        from checker.report.xlsx_report import write_xlsx

        write_xlsx(assessments, buf, errors=errors)
    elif fmt == "docx":
        if len(assessments) != 1:
            raise ReportError(
                f"The docx format annotates one contract (or one bundle), but there are {len(assessments)}.",
                hint="Check one file (or use --bundle), or choose --format xlsx for several contracts.",
            )
        from checker.report.docx_report import annotate_docx

        info, source = _docx_target(assessments[0], sources)
        annotate_docx(assessments[0], source, buf, document=info)
    else:
        raise ReportError(f"Unknown report format {fmt!r}.", hint=f"Choose one of: {', '.join(FORMATS)}.")
    return buf.getvalue()


def _negotiation_bytes(
    fmt: str,
    assessments: Sequence[Assessment],
    sources: Mapping[str, Source] | None,
    memo_format: str,
    author: str,
) -> bytes:
    if len(assessments) != 1:
        raise ReportError(
            f"The {fmt} is written for one contract (or one bundle), but there are {len(assessments)}.",
            hint="Check one file, or use --bundle for a vendor's MSA, DPA and exhibits together.",
        )
    # Imported here: the negotiation modules use this package's wording, so they load after it.
    from checker.negotiate.addendum import write_addendum
    from checker.negotiate.memo import MEMO_FORMATS, memo_bytes
    from checker.negotiate.redline import write_redline
    from checker.report.docx_report import open_docx

    [assessment] = assessments
    if fmt == "memo":
        if memo_format not in MEMO_FORMATS:
            raise ReportError(
                f"The memo is written as DOCX, HTML or Markdown, not {memo_format!r}.",
                hint="Name the output X.docx, X.html or X.md.",
            )
        return memo_bytes(assessment, memo_format)
    buf = io.BytesIO()
    if fmt == "addendum":
        write_addendum(assessment, buf)
    else:
        info, source = _docx_target(assessment, sources, "redline")
        write_redline(assessment, open_docx(source if isinstance(source, bytes) else Path(source), info.path), buf,
                      document=info, author=author)  # fmt: skip
    return buf.getvalue()


def memo_format_of(out: str | Path) -> str:
    """The memo format an output path asks for by its extension (.docx, .html/.htm, .md/.markdown)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix)


def write_report(
    fmt: str,
    assessments: Sequence[Assessment],
    out: str | Path | IO[bytes] | IO[str],
    *,
    sources: Mapping[str, Source] | None = None,
    errors: Sequence[InputError] = (),
) -> None:
    """Write the report in format ``fmt`` to a path or stream (a text stream takes json and html only).

    Nothing is written when the report cannot be made, so a failed ``docx`` leaves no empty file.
    """
    memo_format = memo_format_of(out) if fmt == "memo" and isinstance(out, str | Path) else "md"
    data = report_bytes(fmt, assessments, sources=sources, errors=errors, memo_format=memo_format)
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif isinstance(out, io.TextIOBase):
        if fmt not in ("json", "html", "memo"):
            raise ReportError(
                f"The {fmt} format is binary and cannot go to a text stream.", hint="Use --out PATH."
            )
        out.write(data.decode("utf-8"))
    else:
        out.write(data)  # type: ignore[arg-type]
