"""Escaping for everything a contract (or an uploaded file name) puts on screen.

Contract text is untrusted: it may hold ``<script>``, event handlers, or Markdown that loads a remote
image (``![x](http://...)``) the moment it is rendered. So contract text reaches the page only through
plain-text elements (``st.text``, ``st.code``, dataframes) or through these helpers: :func:`escape_html`
for ``st.html`` (no Markdown processing there), :func:`escape_markdown` for the few Markdown elements
that show a file name or a message.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise

__all__ = ["escape_html", "escape_markdown", "highlight_spans"]

# Every character Markdown (CommonMark + GitHub extensions + Streamlit's :colour[] and $math$) gives a
# meaning to; '&' and ';' are left alone because html.escape has already turned '<' and '>' into
# entities that must survive.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$=^])")


def escape_html(text: str) -> str:
    """Text safe to put inside HTML: ``<``, ``>``, ``&`` and both quotes become entities."""
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """Text that Markdown shows literally: no HTML, links, images, emphasis or directives.

    Newlines are kept as spaces so a message cannot open a new block (a heading, a list, a table).
    """
    flat = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _merged(spans: list[tuple[int, int]], base: int, limit: int) -> list[tuple[int, int]]:
    clipped = sorted(
        (max(0, s - base), min(limit, e - base)) for s, e in spans if min(limit, e - base) > max(0, s - base)
    )
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def highlight_spans(
    text: str, spans: list[tuple[int, int]], *, base: int = 0, numbers: list[tuple[int, int]] | None = None
) -> str:
    """``text`` as escaped HTML with each span (offsets relative to ``base``) wrapped in ``<mark>``.

    ``numbers`` (same offsets) are the figures a finding turned on ("72 hours"); they are marked again,
    as ``<mark class="cc-num">``, inside the evidence. Spans are clipped and merged, so the markup is
    always well formed; the text itself is escaped piece by piece, never the markup.
    """
    limit = len(text)
    outer = _merged(spans, base, limit)
    inner = _merged(numbers or [], base, limit)
    cuts = sorted({0, limit, *(p for s in outer + inner for p in s)})
    out: list[str] = []
    opened = False  # one <mark> per evidence span, the numbers nested inside it
    for start, end in pairwise(cuts):
        inside = _inside(start, outer)
        if inside != opened:
            out.append("<mark>" if inside else "</mark>")
            opened = inside
        piece = escape_html(text[start:end])
        out.append(f'<mark class="cc-num">{piece}</mark>' if _inside(start, inner) else piece)
    if opened:
        out.append("</mark>")
    return "".join(out)
