"""From the visual lines of PDF pages to running text: page furniture out, wrapped lines joined.

Both PDF engines (PDFium and pdfplumber) produce :class:`RawLine` objects per page; this module decides
which lines are headers, footers and page numbers (:func:`find_furniture`) and how the remaining lines
join into paragraphs (:func:`assemble`): a new line starts at a paragraph gap, after a line that ends
short of the column's right edge, before a numbered item or a heading-like short line; otherwise the
visual lines of one paragraph are joined with a space, and "secu-" + "rity" becomes "security".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from checker.extract.builder import TextBuilder
from checker.models import Line

__all__ = ["PageLines", "RawLine", "assemble", "find_furniture"]


@dataclass(slots=True)
class RawLine:
    """One visual line as an engine reports it; ``bbox`` is (x0, top, x1, bottom) in points.

    ``glued`` marks the second half of a word the PDF itself hyphenated across lines (PDFium reports
    such a soft hyphen inside one text line); it always joins the previous line with no space.
    ``whole`` marks a line that is never joined with its neighbours (a table row).
    """

    text: str
    page: int
    bbox: tuple[float, float, float, float]
    glued: bool = False
    whole: bool = False


@dataclass(slots=True)
class PageLines:
    """The lines of one page in the engine's reading order, and the page's size in points."""

    number: int
    width: float
    height: float
    lines: list[RawLine] = field(default_factory=list)
    has_images: bool = False


_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—\[(]?\s*\d{1,4}\s*[-–—\])]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$", re.I
)
_DIGITS = re.compile(r"\d+")
_ENUMERATOR = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.?(?=\s)|\d{1,3}(?:\.\d{1,3})+|\(\s?[a-zA-Z0-9]{1,5}\s?\)|[a-zA-Z]{1,2}[.)](?=\s)"
    r"|[ivxlcIVXLC]{1,6}[.)](?=\s)|(?:article|section|clause|schedule|annex|appendix|exhibit|part)\s+[\dIVXA-Z]"
    r")",
    re.I,
)
_BULLET = re.compile(r"^[•●▪◦‣∙·■□➢–—*-]\s")
_TERMINAL = re.compile(r"(?:[.:;!?]|;\s*(?:and|or)|,\s*(?:and|or))[\"'”’)]*$")
_EDGE_BAND = 0.08  # top and bottom share of the page where headers and footers live (about 0.9 inch)
_EDGE_LINES = 3


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _edge_candidates(page: PageLines) -> list[RawLine]:
    ordered = sorted(page.lines, key=lambda ln: ln.bbox[1])
    top = [ln for ln in ordered[:_EDGE_LINES] if ln.bbox[1] < page.height * _EDGE_BAND]
    bottom = [ln for ln in ordered[-_EDGE_LINES:] if ln.bbox[3] > page.height * (1 - _EDGE_BAND)]
    return top + [ln for ln in bottom if ln not in top]


def find_furniture(pages: list[PageLines]) -> set[int]:
    """The ids (``id(line)``) of lines that are page furniture.

    A line is furniture when it sits among the top or bottom lines of its page, inside the page's edge
    band, and either looks like a page number ("3", "Page 3 of 10", "- 3 -") or repeats, digits
    ignored, at the edge of at least half of the pages (and at least two).
    """
    candidates = {page.number: _edge_candidates(page) for page in pages}
    pages_by_key: dict[str, set[int]] = defaultdict(set)
    for number, lines in candidates.items():
        for line in lines:
            pages_by_key[_furniture_key(line.text)].add(number)
    needed = max(2, (len(pages) + 1) // 2)
    furniture: set[int] = set()
    for page in pages:
        lines = candidates[page.number]
        for line in lines:
            text = line.text.strip()
            # A repeated line is furniture only where the page has body text besides the edges.
            repeated = len(pages_by_key[_furniture_key(text)]) >= needed and len(page.lines) > len(lines)
            if _PAGE_NUMBER.match(text) or repeated:
                furniture.add(id(line))
    return furniture


def _column_right(lines: list[RawLine]) -> dict[int, float]:
    """For each line, the right edge that the full lines of its column reach.

    The column of a line is every line that overlaps it horizontally (so the two columns of a two-column
    page stay apart, while a centred title is measured against the whole page); its edge is the k-th
    largest right end there, so that one overlong line does not move it.
    """
    spans = sorted({(line.bbox[0], line.bbox[2]) for line in lines})
    edge_of: dict[tuple[float, float], float] = {}
    result: dict[int, float] = {}
    for line in lines:
        key = (line.bbox[0], line.bbox[2])
        if key not in edge_of:
            edge_of[key] = _kth_largest([x1 for x0, x1 in spans if x0 < key[1] and key[0] < x1])
        result[id(line)] = edge_of[key]
    return result


def _kth_largest(values: list[float]) -> float:
    ordered = sorted(values, reverse=True)
    return ordered[min(max(2, len(ordered) // 5), len(ordered)) - 1] if ordered else 0.0


def _first_word_width(line: RawLine) -> float:
    words = line.text.split()
    if not words:
        return 0.0
    char_width = (line.bbox[2] - line.bbox[0]) / max(1, len(line.text))
    return char_width * (len(words[0]) + 1)


class _Joiner:
    """Decides, for each pair of consecutive body lines, whether the second starts a new line."""

    def __init__(self, page: PageLines, pitch: float) -> None:
        self.right = _column_right(page.lines)
        self.pitch = pitch
        self.page = page

    def _ends_short(self, prev: RawLine, cur: RawLine) -> bool:
        room = self.right.get(id(prev), prev.bbox[2]) - prev.bbox[2]
        return room > _first_word_width(cur) * 1.15 + 6

    def heading_like(self, line: RawLine) -> bool:
        """A short line that starts upper case or with a digit and does not end in punctuation."""
        text = line.text.strip()
        right = self.right.get(id(line), line.bbox[2])
        short = right - line.bbox[2] > 0.3 * max(1.0, right - line.bbox[0])
        return (
            short
            and len(text.split()) <= 10
            and not re.search(r"[.,;:]$", text)
            and (text[:1].isupper() or text[:1].isdigit())
        )

    def breaks(self, prev: RawLine, cur: RawLine) -> bool:
        """True when ``cur`` must start a new line of the text rather than continue ``prev``."""
        if cur.glued:
            return False
        if cur.whole or prev.whole:
            return True
        prev_text, cur_text = prev.text.strip(), cur.text.strip()
        terminal = bool(_TERMINAL.search(prev_text))
        if _BULLET.match(cur_text):
            return True
        if prev.page != cur.page or cur.bbox[1] < prev.bbox[1] - self.pitch / 2:
            # A new page or a jump back up (the next column): the paragraph runs on only if the
            # previous line was full and did not end a sentence.
            return terminal or self._ends_short(prev, cur) or self.heading_like(cur)
        if cur.bbox[1] - prev.bbox[1] > 1.3 * self.pitch:
            return True  # a paragraph gap
        if self._ends_short(prev, cur):
            return True
        if _ENUMERATOR.match(cur_text) and terminal:
            return True
        return terminal and self.heading_like(cur)


def _line_pitch(pages: list[PageLines]) -> float:
    steps = [
        b.bbox[1] - a.bbox[1]
        for page in pages
        for a, b in zip(page.lines, page.lines[1:], strict=False)
        if 0 < b.bbox[1] - a.bbox[1] < page.height / 4
    ]
    return median(steps) if steps else 14.0


_HYPHEN_END = re.compile(r"(?<=[A-Za-z])[-\u00ad]$")


def assemble(
    pages: list[PageLines], builder: TextBuilder, furniture: set[int]
) -> tuple[list[Line], list[str]]:
    """Write the body lines of ``pages`` into ``builder``; return the ``Line`` spans and furniture text."""
    pitch = _line_pitch(pages)
    out: list[Line] = []
    removed: dict[str, None] = {}
    prev: RawLine | None = None
    prev_joiner: _Joiner | None = None
    for index, page in enumerate(pages):
        body = [ln for ln in page.lines if id(ln) not in furniture]
        removed.update((" ".join(ln.text.split()), None) for ln in page.lines if id(ln) in furniture)
        joiner = _Joiner(PageLines(page.number, page.width, page.height, body), pitch)
        if index:
            # A paragraph runs on over the page break unless the first body line of the page breaks it.
            runs_on = bool(
                prev is not None
                and body
                and prev_joiner is not None
                and not (prev_joiner.breaks(prev, body[0]) or joiner.heading_like(body[0]))
            )
            if runs_on and prev is not None:
                _separate(builder, prev, body[0])  # before the page mark: the page starts at its first word
            builder.new_page(end_line=not runs_on)
        for i, line in enumerate(body):
            if i:
                if joiner.breaks(body[i - 1], line):
                    builder.end_line()
                else:
                    _separate(builder, body[i - 1], line)
            text = " ".join(line.text.split())
            nxt = body[i + 1] if i + 1 < len(body) else None
            if nxt is not None and _HYPHEN_END.search(text) and _joins_without_space(joiner, line, nxt):
                text = text[:-1]
            start, end = builder.write(text)
            out.append(Line(start=start, end=end, page=line.page, bbox=line.bbox))
            prev = line
        if body:
            prev_joiner = joiner
    builder.end_line()
    return out, list(removed)


def _joins_without_space(joiner: _Joiner, prev: RawLine, cur: RawLine) -> bool:
    """ "secu-" + "rity": the word continues in lower case on a line that joins this one."""
    return cur.text.strip()[:1].islower() and not joiner.breaks(prev, cur)


def _separate(builder: TextBuilder, prev: RawLine, cur: RawLine) -> None:
    """Write what goes between two joined visual lines: nothing inside a hyphenated word, else a space."""
    if cur.glued or (_HYPHEN_END.search(prev.text.strip()) and cur.text.strip()[:1].islower()):
        return
    builder.write(" ")
