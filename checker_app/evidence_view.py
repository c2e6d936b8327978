"""The source beside a finding: the evidence clause highlighted among its neighbours, and the page.

The clause view is HTML built only from escaped contract text (:func:`~checker_app.safe_text.
highlight_spans`); the page view is the PDF page rendered locally with pypdfium2 (or the scanned image
itself, for a PNG, JPEG or TIFF read by OCR) and the evidence's line boxes drawn on it with Pillow, so no
viewer component and no network are needed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageSequence

from checker.api import ReadDocument
from checker.match.quantities import QuantityReader
from checker.models import Clause, ClauseKind, Definition, Evidence
from checker.report.wording import defined_terms_label, evidence_location
from checker_app.safe_text import escape_html, highlight_spans

__all__ = [
    "PAGE_FORMATS",
    "ClauseContext",
    "clause_context",
    "context_html",
    "definitions_for",
    "definitions_html",
    "number_spans",
    "page_with_highlight",
]

#: The document formats whose pages can be shown as images with the evidence boxed.
PAGE_FORMATS = frozenset({"pdf", "image"})

#: How much text to show around evidence that no clause contains (should not happen, but offsets rule).
_FALLBACK_CHARS = 400

_HIGHLIGHT_FILL = (255, 213, 0, 96)
_HIGHLIGHT_EDGE = (191, 111, 0, 255)


@dataclass(frozen=True)
class ClauseContext:
    """The evidence clause and up to ``radius`` clauses on each side, in document order."""

    clauses: list[Clause]
    evidence_clause: Clause | None


def _evidence_position(clauses: list[Clause], ev: Evidence) -> int | None:
    if ev.clause_index is not None:
        for pos, clause in enumerate(clauses):
            if clause.index == ev.clause_index:
                return pos
    for pos, clause in enumerate(clauses):
        if clause.start <= ev.start < clause.end:
            return pos
    return None


def clause_context(read: ReadDocument, ev: Evidence, radius: int = 2) -> ClauseContext:
    """The clauses around the evidence (by ``Evidence.clause_index``, else by offset)."""
    pos = _evidence_position(read.clauses, ev)
    if pos is None:
        return ClauseContext([], None)
    lo, hi = max(0, pos - radius), min(len(read.clauses), pos + radius + 1)
    return ClauseContext(read.clauses[lo:hi], read.clauses[pos])


def _location(clause: Clause) -> str:
    parts = []
    if clause.section:
        parts.append(f"§ {clause.section}")
    if clause.heading:
        parts.append(clause.heading)
    parts.append(f"page {clause.page}")
    return " · ".join(parts)


def number_spans(
    read: ReadDocument, ev: Evidence, params: dict[str, float], quantities: QuantityReader
) -> list[tuple[int, int]]:
    """Where the numbers the finding turned on stand in the evidence (document offsets), read as the
    library that found them reads numbers (``quantities``: its language file's number words and units)."""
    if not params:
        return []
    wanted = set(params.values())
    quote = read.document.text[ev.start : ev.end]
    return [(ev.start + q.start, ev.start + q.end) for q in quantities.find(quote) if q.value in wanted]


def _uses(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?:e?s)?(?!\w)", text) is not None


def definitions_for(definitions: Sequence[Definition], ev: Evidence) -> list[Definition]:
    """The finding's definitions (:attr:`~checker.models.Finding.definitions`) of the terms ``ev`` uses.

    A finding may quote several clauses; beside each, the reviewer sees the definitions that clause
    turns on ("the Notice Period", "Security Incident", the parties' names), from its own document or,
    for a term it does not define, another document of the bundle.
    """
    used = [d for d in definitions if any(_uses(ev.text, t) for t in d.terms)]
    # A term the evidence's own document defines is read through that definition, not another's.
    own = {t for d in used if d.document == ev.document for t in d.terms}
    return [d for d in used if d.document == ev.document or not set(d.terms) <= own]


def definitions_html(definitions: Sequence[Definition]) -> str:
    """Each definition with the terms it defines and where it is, as escaped HTML."""
    return "".join(
        f'<div class="cc-define"><div class="cc-loc">{escape_html(defined_terms_label(d))} ·'
        f" {escape_html(evidence_location(d))}</div>"
        f'<div class="cc-text">{escape_html(d.text)}</div></div>'
        for d in definitions
    )


def context_html(
    read: ReadDocument,
    ev: Evidence,
    radius: int = 2,
    *,
    quantities: QuantityReader,
    params: dict[str, float] | None = None,
) -> str:
    """The evidence in context as HTML: every piece of contract text escaped, the evidence in ``<mark>``,
    and the numbers the finding turned on (``params``, read with ``quantities``) marked again inside it."""
    text = read.document.text
    span = [(ev.start, ev.end)]
    numbers = number_spans(read, ev, params or {}, quantities)
    ctx = clause_context(read, ev, radius)
    if ctx.evidence_clause is None:
        lo, hi = max(0, ev.start - _FALLBACK_CHARS), min(len(text), ev.end + _FALLBACK_CHARS)
        body = highlight_spans(text[lo:hi], span, base=lo, numbers=numbers)
        return f'<div class="cc-source"><div class="cc-clause cc-evidence">{body}</div></div>'
    blocks = []
    for clause in ctx.clauses:
        is_evidence = clause is ctx.evidence_clause or (clause.start < ev.end and clause.end > ev.start)
        classes = ["cc-clause"]
        if is_evidence:
            classes.append("cc-evidence")
        if clause.kind == ClauseKind.HEADING:
            classes.append("cc-heading")
        body = highlight_spans(text[clause.start : clause.end], span, base=clause.start, numbers=numbers)
        blocks.append(
            f'<div class="{" ".join(classes)}">'
            f'<div class="cc-loc">{escape_html(_location(clause))}</div>'
            f'<div class="cc-text">{body}</div></div>'
        )
    return '<div class="cc-source">' + "".join(blocks) + "</div>"


def _scan_page(data: bytes, read: ReadDocument, number: int, scale: float) -> Image.Image:
    """Page ``number`` of a scanned image file, sized like a PDF page of its size in points."""
    width, height = read.document.page_sizes[number - 1]
    with Image.open(io.BytesIO(data)) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index == number - 1:
                page = frame.convert("RGB")
                return page.resize((max(1, round(width * scale)), max(1, round(height * scale))))
    raise IndexError(f"the image has no page {number}")


def _pdf_page(pdf: bytes, number: int, scale: float) -> Image.Image:
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[number - 1]
        try:
            return page.render(scale=scale).to_pil()
        finally:
            page.close()
    finally:
        doc.close()


def page_with_highlight(source: bytes, read: ReadDocument, ev: Evidence, scale: float = 2.0) -> Image.Image:
    """The page of the evidence as an image, each line of the evidence boxed in yellow.

    ``source`` is the file's bytes: a PDF (rendered) or a scanned image (shown as scanned). Line boxes
    are in points from the top-left corner (``Line.bbox``; for a scan, at the scan's resolution), so
    they only need scaling.
    """
    if read.document.format.value == "image":
        image = _scan_page(source, read, ev.page, scale).convert("RGBA")
    else:
        image = _pdf_page(source, ev.page, scale).convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    pad = 2 * scale
    for line in read.document.lines_between(ev.start, ev.end):
        if line.page != ev.page:
            continue
        x0, top, x1, bottom = (v * scale for v in line.bbox)
        draw.rectangle((x0 - pad, top - pad, x1 + pad, bottom + pad), fill=_HIGHLIGHT_FILL)
        # A bar in the margin leads the eye to the evidence on a full page.
        draw.rectangle(
            (max(0, x0 - 6 * scale), top - pad, max(0, x0 - 4 * scale), bottom + pad), fill=_HIGHLIGHT_EDGE
        )
    return Image.alpha_composite(image, overlay).convert("RGB")
