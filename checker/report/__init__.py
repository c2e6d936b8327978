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
from typing import IO, Final

from checker.errors import ReportError
from checker.models import Assessment, DocumentInfo, InputError
from checker.report.docx_report import annotate_docx
from checker.report.html_report import render_html, render_html_many
from checker.report.json_report import to_json
from checker.report.xlsx_report import write_xlsx

__all__ = ["FORMATS", "annotate_docx", "render_html", "report_bytes", "to_json", "write_report", "write_xlsx"]

FORMATS: Final = ("json", "xlsx", "html", "docx")

Source = Path | bytes


def _docx_target(assessment: Assessment, sources: Mapping[str, Source] | None) -> tuple[DocumentInfo, Source]:
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
) -> bytes:
    """The report in format ``fmt`` (json, xlsx, html or docx) as bytes (UTF-8 for the text formats).

    ``sources`` maps a document's path or name to its original file (path or bytes); only ``docx``
    needs it, and without it the document's own path is read. Inputs that failed (``errors``) appear in
    the json and xlsx reports. Raises :class:`~checker.errors.ReportError` for an unknown format, or
    for ``docx`` unless there is exactly one assessment with a DOCX source.
    """
    if fmt == "json":
        return to_json(assessments, errors).encode("utf-8")
    if fmt == "html":
        page = render_html(assessments[0]) if len(assessments) == 1 else render_html_many(assessments)
        return page.encode("utf-8")
    buf = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(assessments, buf, errors=errors)
    elif fmt == "docx":
        if len(assessments) != 1:
            raise ReportError(
                f"The docx format annotates one contract (or one bundle), but there are {len(assessments)}.",
                hint="Check one file (or use --bundle), or choose --format xlsx for several contracts.",
            )
        info, source = _docx_target(assessments[0], sources)
        annotate_docx(assessments[0], source, buf, document=info)
    else:
        raise ReportError(f"Unknown report format {fmt!r}.", hint=f"Choose one of: {', '.join(FORMATS)}.")
    return buf.getvalue()


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
    data = report_bytes(fmt, assessments, sources=sources, errors=errors)
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif isinstance(out, io.TextIOBase):
        if fmt not in ("json", "html"):
            raise ReportError(
                f"The {fmt} format is binary and cannot go to a text stream.", hint="Use --out PATH."
            )
        out.write(data.decode("utf-8"))
    else:
        out.write(data)  # type: ignore[arg-type]
