"""Find the paragraph of a vendor's DOCX that a piece of evidence was quoted from.

Evidence text comes from the extracted document, which is not exactly what python-docx shows: list
numbers ("12.3 ") that Word renders from numbering definitions are in the evidence but not in the
paragraph, whitespace and quotes may differ, and a quote may run across two paragraphs. So the search is
on normalised text, first by containment (with and without a leading clause number), then by the largest
share of the quote's word trigrams a paragraph holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from docx.document import Document as DocxDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

__all__ = ["MIN_OVERLAP", "ParagraphIndex", "iter_paragraphs", "locate", "normalise"]

#: Share of the quote's word trigrams a paragraph must hold to count as its source.
MIN_OVERLAP = 0.5

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                         "\u2014": "-", "\u00a0": " ", "\u00ad": None})  # fmt: skip
_SPACE = re.compile(r"\s+")
_CLAUSE_NUMBER = re.compile(
    r"^(?:(?:article|section|clause)\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|\(?[a-z]{1,2}\)|\(?[ivxlc]{1,6}\))\s+"
)
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower case, straight quotes, plain dashes, single spaces."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().casefold()


def _paragraphs_in(container: DocxDocument | _Cell) -> Iterator[Paragraph]:
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        else:
            yield from _table_paragraphs(item)


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    seen: set[object] = set()  # holds the cell elements, so their lxml proxies stay the same objects
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if cell._tc not in seen:
                seen.add(cell._tc)
                yield from _paragraphs_in(cell)


def iter_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph of the body, including those in (nested) table cells, in document order."""
    return _paragraphs_in(doc)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text)
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


class ParagraphIndex:
    """Normalised paragraph texts, searched for quotes; word trigrams are computed once, when needed."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = [normalise(t) for t in texts]
        self._trigrams: list[set[tuple[str, ...]]] | None = None

    def locate(self, quote: str) -> int | None:
        """The index of the paragraph ``quote`` comes from, or None if no paragraph is close enough."""
        target = normalise(quote)
        if not target:
            return None
        stripped = _CLAUSE_NUMBER.sub("", target, count=1)
        for candidate in (target, stripped):
            if candidate:
                for i, text in enumerate(self.texts):
                    if candidate in text:
                        return i
        wanted = _trigrams(stripped or target)
        if not wanted:
            return None
        if self._trigrams is None:
            self._trigrams = [_trigrams(t) for t in self.texts]
        best, best_share = None, 0.0
        for i, grams in enumerate(self._trigrams):
            share = len(wanted & grams) / len(wanted)
            if share > best_share:
                best, best_share = i, share
        return best if best_share >= MIN_OVERLAP else None


def locate(paragraphs: Sequence[str], quote: str) -> int | None:
    """The index of the paragraph (of ``paragraphs``, raw texts) that ``quote`` comes from, or None."""
    return ParagraphIndex(paragraphs).locate(quote)
