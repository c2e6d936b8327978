"""The layout of a document's text: lines grouped into blocks, with their labels and heading cues.

Everything here looks at one block at a time and keeps no state; where a block sits in the contract's
outline is decided by :mod:`checker.segment.outline`. A block is a paragraph (usually one line, more
when a line was wrapped mid-sentence), a table row, a separator row, or a heading.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum

from checker.models import Document
from checker.segment.furniture import furniture_lines
from checker.segment.headings import find_inline_heading, looks_like_heading, reads_as_item
from checker.segment.labels import Label, read_labels

__all__ = ["Block", "BlockKind", "read_blocks"]


class BlockKind(StrEnum):
    """What a block of lines is."""

    TEXT = "text"
    HEADING = "heading"
    TABLE_ROW = "table_row"
    SEPARATOR = "separator"


@dataclass(slots=True)
class Block:
    """A paragraph, heading or table row: its span in the text and what its first line starts with."""

    kind: BlockKind
    start: int
    end: int
    indent: int
    body_start: int
    labels: list[Label] = field(default_factory=list)
    bullet: bool = False
    level: int | None = None
    inline_heading: tuple[int, int] | None = None


_BULLET = re.compile(r"[-*•◦▪‣·–][ \t]+")
_SEPARATOR = re.compile(r"[\s|:+=-]*-[\s|:+=-]*")
_CLOSING = frozenset("\"'”’)]*_ \t")


def _is_table_row(text: str, start: int, end: int) -> bool:
    return " | " in text[start:end] or (text[start] == "|" and "|" in text[start + 1 : end])


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the text before ``end`` closes a sentence (closing quotes and brackets aside)."""
    pos = end - 1
    while pos >= 0 and text[pos] in _CLOSING:
        pos -= 1
    return pos >= 0 and text[pos] in ".;:!?"


def _line_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, indent) of every non-blank line, stripped of surrounding whitespace; (-1,-1,-1) for
    a blank line, which always ends a paragraph."""
    spans = []
    pos = 0
    size = len(text)
    while pos <= size:
        newline = text.find("\n", pos)
        if newline < 0:
            newline = size
        start, end = pos, newline
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            spans.append((-1, -1, -1))
        else:
            indent = sum(4 if c == "\t" else 1 for c in text[pos:start])
            spans.append((start, end, indent))
        pos = newline + 1
    return spans


def _heading_level(doc: Document, starts: list[int], start: int, end: int) -> int | None:
    """The level of the format-marked heading that overlaps the line ``[start, end)``, if any."""
    i = bisect_right(starts, end - 1) - 1
    while i >= 0:
        h_start, h_end, level = doc.headings[i]
        if h_end > start:
            return level
        if h_start < start - 2000:
            break
        i -= 1
    return None


def read_blocks(doc: Document) -> list[Block]:
    """Group the lines of ``doc.text`` into blocks and read each block's labels and heading cues.

    Page furniture (:mod:`checker.segment.furniture`) is left out, and ends the paragraph it interrupts.
    """
    text = doc.text
    headings = sorted(doc.headings)
    if headings != doc.headings:
        doc = doc.model_copy(update={"headings": headings})
    starts = [h[0] for h in headings]
    blocks: list[Block] = []
    joinable = in_table = False
    spans = _line_spans(text)
    furniture = furniture_lines(doc, spans)
    for n, (start, end, indent) in enumerate(spans):
        if start < 0 or n in furniture:
            joinable = in_table = False
            continue
        level = _heading_level(doc, starts, start, end) if headings else None
        if _is_table_row(text, start, end):
            kind = BlockKind.SEPARATOR if _SEPARATOR.fullmatch(text, start, end) else BlockKind.TABLE_ROW
            blocks.append(Block(kind, start, end, indent, start))
            joinable, in_table = False, True
            continue
        bullet = _BULLET.match(text, start, end)
        body = bullet.end() if bullet else start
        labels, body = read_labels(text, body, end)
        if in_table and level is None and not labels:
            # A cell broken over lines (Markdown "<br/>", DOCX paragraphs in a cell): still the table.
            blocks.append(Block(BlockKind.TABLE_ROW, start, end, indent, body, bullet=bool(bullet)))
            continue
        in_table = False
        if joinable and level is None and not bullet and not labels:
            blocks[-1].end = end
            joinable = not _ends_sentence(text, end)
            continue
        block = Block(BlockKind.TEXT, start, end, indent, body, labels, bool(bullet), level)
        if level is not None or (not bullet and looks_like_heading(text[body:end], labels)):
            block.kind = BlockKind.HEADING
            joinable = False
        else:
            block.inline_heading = find_inline_heading(text, body, end, bool(labels))
            joinable = end - start >= 60 and not _ends_sentence(text, end)
        blocks.append(block)
    _schedule_items(text, blocks)
    return blocks


def _schedule_items(text: str, blocks: list[Block]) -> None:
    """Turn runs of verbless lines that read as items back into text: a schedule of measures.

    "Encryption of personal data at rest and in transit" above "Multi-factor authentication for
    administrative access" is a list of commitments, not two headings: a heading is followed by its
    body, not by a line of the same kind. A line counts when the format did not mark it, it has no
    number, and it reads as an item (three words or more, sentence case), in a run of two or more.
    """
    candidates = [
        b.kind is BlockKind.HEADING and b.level is None and not b.labels and reads_as_item(text[b.body_start : b.end])
        for b in blocks
    ]  # fmt: skip
    for n, block in enumerate(blocks):
        if candidates[n] and ((n > 0 and candidates[n - 1]) or (n + 1 < len(blocks) and candidates[n + 1])):
            block.kind = BlockKind.TEXT
