"""The layout of a document's text: lines grouped into blocks, numbering labels and heading cues.

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
from checker.segment.sentences import FINAL_IF_CAPITAL, NEVER_FINAL

__all__ = ["Block", "BlockKind", "Label", "read_blocks", "read_labels"]


class BlockKind(StrEnum):
    """What a block of lines is."""

    TEXT = "text"
    HEADING = "heading"
    TABLE_ROW = "table_row"
    SEPARATOR = "separator"


@dataclass(frozen=True, slots=True)
class Label:
    """A numbering label: "12.3", "(a)", "iv.", "Article 5".

    ``style`` is ``kw`` (a keyword such as Article or Annex), ``dec`` (12, 12.3), ``num`` ((1), 1)),
    ``alpha``/``ALPHA`` (a, A), or ``roman``/``ROMAN`` (iv, IV). A single letter that is also a roman
    numeral ("i", "v", "x") is ``alpha`` with ``ambiguous`` set; the outline decides which it is.
    """

    style: str
    value: str
    start: int
    end: int
    paren: bool = False
    ambiguous: bool = False
    rank: int = 0


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


_KEYWORD = re.compile(
    r"(?P<kw>(?i:article|section|clause|schedule|annex|appendix|exhibit|part|attachment)\b|§)[ \t]*"
    r"(?P<num>(?>\d{1,3}(?:\.\d{1,3})*)|[IVXLC]{1,7}|[A-Z])(?![\w(])\.?"
)
_KEYWORD_TAIL = re.compile(r"[ \t]*(?:[.:–—-][ \t]*)?(?=$|[A-Z0-9“\"‘'(\[])")
#: Rank of a keyword in the outline: a schedule holds articles, an article holds clauses.
_KEYWORD_RANK = {"schedule": 0, "annex": 0, "appendix": 0, "exhibit": 0, "attachment": 0, "part": 1}
_KEYWORD_RANK |= {"article": 1, "clause": 2}
_DECIMAL = re.compile(r"(?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<end>\.(?!\d)|\))?(?=[ \t]|$)")
_PAREN = re.compile(r"\((?P<v>\d{1,3}|[a-z]{1,2}|[A-Z]{1,2}|[ivxlcdm]{2,7}|[IVXLCDM]{2,7})\)")
_DOTTED = re.compile(r"(?P<v>[a-z]|[A-Z]|[ivxlcdm]{2,7}|[IVXLCDM]{2,7})[.)](?=[ \t]|$)")
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_BULLET = re.compile(r"[-*•◦▪‣·–][ \t]+")
_SPACE = re.compile(r"[ \t\u00a0]*")
_SEPARATOR = re.compile(r"[\s|:+=-]*-[\s|:+=-]*")

#: Words a heading does not contain: a line with one of these is a sentence, however short.
VERBS = frozenset(
    [
        "shall",
        "will",
        "must",
        "may",
        "might",
        "should",
        "can",
        "cannot",
        "could",
        "would",
        "agrees",
        "agree",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "does",
        "do",
        "means",
        "include",
        "includes",
    ]
)
#: Words a Title Cased heading leaves in lower case.
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "via",
        "per",
        "vs",
        "nor",
        "but",
        "under",
        "upon",
        "its",
        "their",
    ]
)
_TERMINAL = ".;:,!?"
_INLINE_HEADING = re.compile(
    r"(?:\*\*|__)?(?P<title>[A-Z0-9“\"][^.;:!?\n*_]{0,90}?)(?:\*\*|__)?\.(?:\*\*|__)?[ \t\u00a0]+"
    r"(?=[A-Z0-9(“\"'‘\[])"
)
_WORD_STRIP = "()[]“”\"'‘’.,:;*_"
_ABBREVIATIONS = NEVER_FINAL | FINAL_IF_CAPITAL
_CLOSING = frozenset("\"'”’)]*_ \t")


def _label_for(value: str, start: int, end: int, paren: bool) -> Label:
    if value.isdigit():
        return Label("num", value, start, end, paren)
    upper = value.isupper()
    lower = value.lower()
    if len(value) > 1 and _ROMAN.fullmatch(lower):
        return Label("ROMAN" if upper else "roman", value, start, end, paren)
    ambiguous = len(value) == 1 and lower in "ivxlcdm"
    return Label("ALPHA" if upper else "alpha", value, start, end, paren, ambiguous)


def read_labels(text: str, pos: int, end: int) -> tuple[list[Label], int]:
    """The numbering labels at ``text[pos:end]``'s start, and where the text after them begins.

    Accepts "12.3", "12.", "Article 5", "ARTICLE V –", "§ 4", "(a)", "(b)(1)(i)", "a.", "iv)", "A.";
    "Section 7.2" and "§ 7.2" are read as the decimal 7.2.
    """
    labels: list[Label] = []
    match = _KEYWORD.match(text, pos, end)
    if match and (match.group("kw")[0].isupper() or match.group("kw") == "§"):
        tail = _KEYWORD_TAIL.match(text, match.end(), end)
        if tail:
            keyword, num = match.group("kw"), match.group("num")
            if keyword == "§" or (keyword.lower() == "section" and num[0].isdigit()):
                labels.append(Label("dec", num, match.start(), match.end()))
            else:
                rank = _KEYWORD_RANK.get(keyword.lower(), 2)
                name = keyword.capitalize() if keyword.lower() != "section" else "Section"
                labels.append(Label("kw", f"{name} {num}", match.start(), match.end(), rank=rank))
            return labels, tail.end()
    match = _DECIMAL.match(text, pos, end)
    if match:
        after = _SPACE.match(text, match.end(), end)
        after_end = after.end() if after else match.end()
        nxt = text[after_end] if after_end < end else ""
        # "1.5 times the fees" is a quantity, "2.2.2 have sole responsibility" an item.
        if match.group("end") or (nxt and not nxt.islower()) or match.group("num").count(".") >= 2:
            labels.append(Label("dec", match.group("num"), match.start(), match.end()))
            pos = after_end
    while pos < end:
        match = _PAREN.match(text, pos, end)
        paren = True
        if not match and not labels:
            match = _DOTTED.match(text, pos, end)
            paren = False
        if not match:
            break
        after = _SPACE.match(text, match.end(), end)
        after_end = after.end() if after else match.end()
        if after_end == match.end() and after_end < end and text[after_end] != "(":
            break
        labels.append(_label_for(match.group("v"), match.start(), match.end(), paren))
        pos = after_end
        if not paren:
            break
    return labels, pos


def _words(text: str) -> list[str]:
    return [w.strip(_WORD_STRIP) for w in text.split() if w.strip(_WORD_STRIP)]


def _title_case(words: list[str]) -> bool:
    for n, word in enumerate(words):
        letter = next((c for c in word if c.isalnum()), "")
        if letter and letter.islower() and (n == 0 or word.lower() not in SMALL_WORDS):
            return False
    return True


def looks_like_heading(title: str, labels: list[Label]) -> bool:
    """Whether a whole line (``title`` is its text after the labels) reads as a heading.

    A heading is short, starts with a capital, has no verb of obligation or being, and has no sentence
    punctuation at its end, unless it is in capitals ("DEFINITIONS.") or a Title Cased run closed by a
    full stop ("Security Incidents."). Under an "(a)"-style label only Title Case or capitals count.
    """
    if len(title) > 160:
        return False
    title = title.strip().strip("*_").strip()
    if not title:
        return bool(labels) and labels[-1].style == "kw"
    words = _words(title)
    if len(title) > 120 or not words or len(words) > 14:
        return False
    first = next((c for c in title if c.isalnum()), "")
    if not first or first.islower() or any(w.lower() in VERBS for w in words):
        return False
    if not labels and (": " in title or (title[0] == "(" and title[-1] == ")")):
        return False  # a form field ("Name: Acme Inc.") or an aside ("(Last updated May 2023)")
    letters = [c for c in title if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return True
    title_case = _title_case(words)
    if title[-1] in _TERMINAL:
        return title[-1] == "." and title_case and len(words) <= 8 and title.count(".") == 1
    if words[-1].lower() in SMALL_WORDS:
        return False
    sub_item = bool(labels) and labels[-1].style not in ("dec", "kw")
    return title_case or not sub_item


def find_inline_heading(text: str, pos: int, end: int, labelled: bool) -> tuple[int, int] | None:
    """The span of a run heading a paragraph ("Security Incidents." in "5.2 Security Incidents. ...").

    After a label: a Title Cased run of at most 10 words, or a plain one of at most 6 words and no
    commas ("Safeguarding requirements and procedures."). Without a label only a Title Cased run of at
    most 6 words counts (a bold lead-in whose markup the extractor removed).
    """
    match = _INLINE_HEADING.match(text, pos, end)
    if not match:
        return None
    title = match.group("title").strip()
    words = _words(title)
    if not words or any(w.lower() in VERBS for w in words):
        return None
    if words[-1].lower() + "." in _ABBREVIATIONS or not any(c.isalpha() for c in title):
        return None
    if _title_case(words):
        if len(words) > (10 if labelled else 6):
            return None
    elif not labelled or len(words) > 6 or "," in title:
        return None
    return pos, match.end()


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
    """Group the lines of ``doc.text`` into blocks and read each block's labels and heading cues."""
    text = doc.text
    headings = sorted(doc.headings)
    if headings != doc.headings:
        doc = doc.model_copy(update={"headings": headings})
    starts = [h[0] for h in headings]
    blocks: list[Block] = []
    joinable = in_table = False
    for start, end, indent in _line_spans(text):
        if start < 0:
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
    return blocks
