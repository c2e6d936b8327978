"""HTML → lines of text, with the stdlib :mod:`html.parser` (nothing is executed, nothing is fetched).

Block elements start new lines; h1–h6 become headings; list items get their visible labels ("1.",
"(a)", "(i)", "•"; alphabetic and roman list types are written in the bracketed legal style, "(a)",
since that is how contracts cite them); a table row becomes one line with its cells joined by " | ";
``<br>`` breaks the line (outside tables). Scripts, styles, the head, templates, navigation and
elements marked ``hidden`` or ``display:none`` are left out: a reader never sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from checker.extract.docx_numbering import format_number

__all__ = ["html_lines"]

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "ul",
        "caption",
    ]
)
_SKIP = frozenset(
    [
        "script",
        "style",
        "head",
        "template",
        "noscript",
        "nav",
        "svg",
        "math",
        "iframe",
        "object",
        "select",
        "button",
    ]
)
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "img",
        "input",
        "textarea",
    ]
)
_KNOWN = _BLOCK | _SKIP | _INLINE | {"br", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title"}
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.I)
_STYLE_TO_TYPE = {
    "decimal": "1",
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-alpha": "A",
    "upper-latin": "A",
    "lower-roman": "i",
    "upper-roman": "I",
}


@dataclass
class _List:
    ordered: bool
    kind: str = "1"
    count: int = 0


class _HtmlText(HTMLParser):
    def __init__(self, *, keep_unknown_tags: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_unknown = keep_unknown_tags
        self.lines: list[tuple[str, int | None]] = []
        self.buffer: list[str] = []
        self.heading: int | None = None
        self.lists: list[_List] = []
        self.cells: list[list[str]] | None = None  # inside a table row
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.pre = 0

    # -- output ---------------------------------------------------------------------------------
    def _target(self) -> list[str]:
        return self.cells[-1] if self.cells else self.buffer

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        if text:
            self.lines.append((text, self.heading))

    def end_row(self) -> None:
        if self.cells is not None:
            texts = [" ".join("".join(cell).split()) for cell in self.cells]
            self.cells = None
            row = " | ".join(t for t in texts if t)
            if row:
                self.flush()
                self.lines.append((row, None))

    # -- events ---------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if self.skip_tag is not None:
            self.skip_depth += tag == self.skip_tag
            return
        hidden = "hidden" in attr or re.search(r"display\s*:\s*none", attr.get("style") or "", re.I)
        if (tag in _SKIP or hidden) and tag not in _VOID:
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag not in _KNOWN:
            raw = self.get_starttag_text() or ""
            if self.keep_unknown and (raw != raw.lower() or " " in raw.strip("<>/ ")):
                self._target().append(raw)  # "<Customer Name>" in Markdown is a placeholder, not a tag
            return
        if tag == "br":
            if self.cells is not None:
                self._target().append(" ")
            else:
                self.flush()
        elif tag == "tr":
            self.end_row()
            self.flush()
            self.cells = []
        elif tag in ("td", "th"):
            if self.cells is None:
                self.flush()
                self.cells = []
            self.cells.append([])
        elif self.cells is not None:
            self._target().append(" ")  # a block inside a cell: keep the row on one line
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.flush()
            self.heading = int(tag[1])
        elif tag in ("ol", "ul"):
            self.flush()
            kind = attr.get("type") or ""
            style = _LIST_STYLE.search(attr.get("style") or "")
            if style:
                kind = _STYLE_TO_TYPE.get(style.group(1).lower(), kind)
            start = attr.get("start") or "1"
            self.lists.append(_List(tag == "ol", kind or "1", int(start) - 1 if start.isdigit() else 0))
        elif tag == "li":
            self.flush()
            self.buffer.append(self._label(attr.get("value")) + " ")
        elif tag in _BLOCK:
            self.flush()
            self.pre += tag == "pre"

    def _label(self, value: str | None) -> str:
        if not self.lists or not self.lists[-1].ordered:
            return "•"
        current = self.lists[-1]
        current.count = int(value) if value and value.isdigit() else current.count + 1
        if current.kind in ("a", "A", "i", "I"):
            fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}[current.kind]
            return f"({format_number(current.count, fmt)})"
        return f"{current.count}."

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth <= 0:
                    self.skip_tag = None
            return
        if tag not in _KNOWN:
            return
        if tag in ("tr", "table"):
            self.end_row()
        elif tag in ("td", "th"):
            pass
        elif self.cells is not None:
            self._target().append(" ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.flush()
            self.heading = None
        elif tag in ("ol", "ul"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCK:
            self.flush()
            self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data: str) -> None:
        if self.skip_tag is not None:
            return
        if self.pre and self.cells is None and "\n" in data:
            first, *rest = data.split("\n")
            self.buffer.append(first)
            for piece in rest:
                self.flush()
                self.buffer.append(piece)
            return
        self._target().append(data)

    def close(self) -> None:
        super().close()
        self.end_row()
        self.flush()


def html_lines(markup: str, *, keep_unknown_tags: bool = False) -> list[tuple[str, int | None]]:
    """The visible text of ``markup`` as (line, heading level or None) pairs, in document order."""
    parser = _HtmlText(keep_unknown_tags=keep_unknown_tags)
    parser.feed(markup)
    parser.close()
    return parser.lines
