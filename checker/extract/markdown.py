"""Markdown → lines of plain text: markup stripped, headings marked, list items on lines of their own.

A small block parser, not a full CommonMark renderer; it aims at what agreements published as Markdown
contain: ``#`` headings, nested numbered lists, pipe tables, inline HTML (``<span class=...>``, ``<br/>``,
``<ol>`` blocks), emphasis and links. Deliberate choices, for the segmenter's sake:

* numbered items nested in numbered items are labelled by their path: "2." then "2.1", "2.2", as the
  agreements themselves cite them ("Section 2.1"); bullets become "•";
* a line that starts with an enumerator ("a.", "(b)", "(iv)") starts a new line even where CommonMark
  would fold it into the paragraph above;
* a pipe-table row becomes one line, cells joined by " | "; a ``<br>`` inside a cell breaks the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.extract.builder import TextBuilder
from checker.extract.html import html_lines

__all__ = ["write_markdown"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")
_ENUMERATOR = re.compile(
    r"^\s*(?:\(?[a-zA-Z]\)|\([ivxlcIVXLC]{1,6}\)|\(\d{1,3}\)|[a-zA-Z][.)]\s|[ivxlc]{1,6}\.\s)"
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{0,}:?\s*)*\|?\s*$")
_HTML_BLOCK = re.compile(
    r"^ {0,3}</?(?:p|div|ol|ul|li|h[1-6]|table|thead|tbody|tr|td|th|blockquote|pre|section|details|dl|dt|dd|hr)"
    r"(?:\s|/?>|$)|^ {0,3}<!--",
    re.I,
)
_ALERT = re.compile(r"^\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
_BULLET = re.compile(r"^[-*+]\s+")
_FRONT_MATTER = re.compile(r"\A---\n(?:[\w-]+:.*\n|\s+.*\n)*?---\n")

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"!\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])"), r"\1"),
]


def _inline(text: str) -> list[str]:
    """Markdown inline markup and inline HTML stripped; entities decoded; ``<br>`` splits lines."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return [_BULLET.sub("• ", line) for line, _ in html_lines(text, keep_unknown_tags=True)]


@dataclass
class _Item:
    indent: int
    number: str | None  # None for a bullet


class _Writer:
    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder
        self.paragraph: list[str] = []
        self.heading_level: int | None = None
        self.items: list[_Item] = []

    def flush(self) -> None:
        if self.paragraph:
            lines = _inline(" ".join(self.paragraph))
            for i, line in enumerate(lines):
                self.builder.add_line(line, self.heading_level if i == 0 else None)
        self.paragraph = []
        self.heading_level = None

    def heading(self, text: str, level: int) -> None:
        self.flush()
        self.paragraph, self.heading_level = [text], level
        self.flush()

    def item(self, indent: int, marker: str, rest: str) -> None:
        self.flush()
        while self.items and self.items[-1].indent > indent:
            self.items.pop()
        if self.items and self.items[-1].indent == indent:
            self.items.pop()
        number = marker[:-1] if marker[:-1].isdigit() else None
        self.items.append(_Item(indent, number))
        path: list[str] = []
        for item in reversed(self.items):  # the run of numbered ancestors directly above this item
            if item.number is None:
                break
            path.insert(0, item.number)
        label = "•" if number is None else (f"{path[0]}." if len(path) == 1 else ".".join(path))
        self.paragraph = [label, rest]

    def html_block(self, block: list[str]) -> None:
        self.flush()
        markup = "\n".join(block)
        for pattern, repl in _INLINE:
            markup = pattern.sub(repl, markup)
        for line, level in html_lines(markup, keep_unknown_tags=True):
            self.builder.add_line(line, level)

    def table(self, rows: list[str]) -> None:
        self.flush()
        for row in rows:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]
            for line in _inline(" | ".join(c for c in cells if c)):
                self.builder.add_line(line)


def write_markdown(source: str, builder: TextBuilder) -> None:
    """Write the text of Markdown ``source`` into ``builder`` (headings recorded)."""
    source = _FRONT_MATTER.sub("", source, count=1)
    lines = source.split("\n")
    writer = _Writer(builder)
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            writer.flush()
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(fence.group(1)):
                builder.add_line(" ".join(lines[i].split()))
                i += 1
        elif not line.strip():
            writer.flush()
        elif _HTML_BLOCK.match(line):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            writer.html_block(block)
            continue
        elif (atx := _ATX.match(line)) is not None:
            writer.items.clear()
            writer.heading(atx.group(2) or "", len(atx.group(1)))
        elif writer.paragraph and writer.heading_level is None and _SETEXT.match(line) and not writer.items:
            text = " ".join(writer.paragraph)
            writer.paragraph = []
            writer.heading(text, 1 if line.strip().startswith("=") else 2)
        elif _RULE.match(line):
            writer.flush()
        elif "|" in line and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            rows = [line]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(lines[i])
                i += 1
            writer.table(rows)
            continue
        elif (item := _ITEM.match(line)) is not None:
            writer.item(len(item.group(1).expandtabs(4)), item.group(2), item.group(3))
        else:
            text = line.strip()
            if i and not lines[i - 1].strip() and not line[:1].isspace():
                writer.items.clear()  # an unindented paragraph after a blank line ends any list
            if text.startswith(">"):
                text = _ALERT.sub("", text.lstrip("> ").strip())  # GitHub's "> [!NOTE]" call-outs
                if not text:
                    i += 1
                    continue
            if _ENUMERATOR.match(text):
                writer.flush()
            writer.paragraph.append(text)
        i += 1
    writer.flush()
