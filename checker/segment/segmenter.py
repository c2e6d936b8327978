"""The segmenter: a :class:`~checker.models.Document` becomes a list of :class:`~checker.models.Clause`.

Three passes. :func:`~checker.segment.lines.read_blocks` reads the layout (paragraphs, headings, table
rows, numbering labels); spaCy splits the paragraphs that need it into sentences, all in one
``nlp.pipe`` run; then the blocks are walked in order, the :class:`~checker.segment.outline.Outline`
follows the numbering and headings, and every sentence, item, row and heading becomes a clause whose
offsets point into ``Document.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import pairwise

from spacy.attrs import IDX, SENT_START
from spacy.language import Language

from checker.models import Clause, ClauseKind, Document
from checker.segment.labels import read_labels
from checker.segment.lines import Block, BlockKind, read_blocks
from checker.segment.outline import UNMARKED_LEVEL, Outline
from checker.segment.sentences import build_pipeline, split_long

__all__ = ["MAX_CLAUSE_CHARS", "Segmenter", "segment"]

#: Clauses longer than this are cut (at sentence, then semicolon, colon, comma or space boundaries).
MAX_CLAUSE_CHARS = 1500
#: Longest text handed to spaCy in one piece; longer paragraphs are cut at whitespace first.
_PIPE_CHUNK = 100_000
_SENTENCE_END = re.compile(r"[.!?…]")
_LAST_STOP = re.compile(r"[\"'”’)\]* ]*$")
_HAS_WORD = re.compile(r"\w")
_TITLE_STRIP = " \t.:;–—-*_"


def _title(text: str, block: Block, end: int) -> str:
    """The heading text for the heading path: without its number, unless the number is all it has."""
    whole = text[block.body_start if block.bullet else block.start : end].strip(_TITLE_STRIP)
    if block.labels and block.labels[0].style == "kw":
        return whole
    rest = text[block.body_start : end].strip(_TITLE_STRIP)
    return rest or whole


def _one_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has no sentence-ending mark except at its very end (no spaCy needed)."""
    first = _SENTENCE_END.search(text, start, end)
    if first is None:
        return True
    return not _SENTENCE_END.search(text, first.end(), end) and bool(_LAST_STOP.match(text, first.end(), end))


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut ``[start, end)`` into pieces spaCy can take, at whitespace where possible."""
    while end - start > _PIPE_CHUNK:
        cut = text.rfind(" ", start + _PIPE_CHUNK // 2, start + _PIPE_CHUNK)
        cut = cut + 1 if cut > 0 else start + _PIPE_CHUNK
        yield start, cut
        start = cut
    yield start, end


class Segmenter:
    """Splits documents into clauses; build once (it holds a spaCy pipeline) and reuse.

    ``max_clause_chars`` bounds a clause's length: longer sentences and table rows are cut.
    """

    def __init__(self, max_clause_chars: int = MAX_CLAUSE_CHARS) -> None:
        self.nlp: Language = build_pipeline()
        self.max_clause_chars = max_clause_chars

    def _sentences(self, text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        """Sentence spans (absolute offsets) for each span of ``text``; one spaCy run for all of them."""
        result: list[list[tuple[int, int]]] = [[] for _ in spans]
        pending: list[tuple[int, int, int]] = []
        for n, (start, end) in enumerate(spans):
            if _one_sentence(text, start, end):
                result[n].append((start, end))
            else:
                pending.extend((n, a, b) for a, b in _chunks(text, start, end))
        pieces = (text[a:b] for _, a, b in pending)
        for (n, offset, end), parsed in zip(pending, self.nlp.pipe(pieces, batch_size=256), strict=True):
            # Sentence starts read as arrays: iterating ``doc.sents`` makes a Token per token.
            starts = parsed.to_array([SENT_START, IDX])
            bounds = [offset + int(idx) for flag, idx in starts[starts[:, 0] == 1].tolist()]
            if not bounds or bounds[0] != offset:
                bounds.insert(0, offset)
            bounds.append(end)
            result[n].extend(pairwise(bounds))
        return result

    def segment(self, doc: Document) -> list[Clause]:
        """The clauses of ``doc`` in reading order, each with its section, headings and page."""
        blocks = read_blocks(doc)
        needs_split = [
            b for b in blocks
            if b.kind is BlockKind.TEXT or (b.kind is BlockKind.TABLE_ROW and b.end - b.start > self.max_clause_chars)
        ]  # fmt: skip
        body_spans = [(b.inline_heading[1] if b.inline_heading else b.body_start, b.end) for b in needs_split]
        split = self._sentences(doc.text, body_spans)
        sentences = {id(b): spans for b, spans in zip(needs_split, split, strict=True)}
        walk = _Walk(doc, self.max_clause_chars)
        for block in blocks:
            if block.kind is BlockKind.TABLE_ROW:
                walk.outline.note_body(table=True)
                for start, end in sentences.get(id(block), [(block.body_start, block.end)]):
                    walk.emit(start, end, ClauseKind.TABLE_ROW, walk.outline.heading_path)
            elif block.kind is BlockKind.HEADING:
                walk.heading(block)
            elif block.kind is BlockKind.TEXT:
                walk.paragraph(block, sentences[id(block)])
        return walk.clauses


class _Walk:
    """One pass over one document's blocks: the outline so far and the clauses emitted so far."""

    def __init__(self, doc: Document, max_clause_chars: int) -> None:
        self.doc = doc
        self.text = doc.text
        self.max_clause_chars = max_clause_chars
        self.outline = Outline()
        self.clauses: list[Clause] = []

    def emit(self, start: int, end: int, kind: ClauseKind, path: list[str]) -> None:
        """Add the clause at ``[start, end)`` (trimmed of whitespace; cut if too long)."""
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if not _HAS_WORD.search(text, start, end):
            return
        pieces = [(start, end)]
        if end - start > self.max_clause_chars:
            pieces = split_long(text, start, end, self.max_clause_chars)
        for a, b in pieces:
            self.clauses.append(
                Clause(
                    index=len(self.clauses), start=a, end=b, text=text[a:b], page=self.doc.page_of(a),
                    section=self.outline.section, heading_path=path, kind=kind, document=self.doc.name,
                )
            )  # fmt: skip

    def heading(self, block: Block) -> None:
        """A line that is a heading: it opens its numbered unit, if any, and the heading itself."""
        if block.level is not None:
            self.outline.close_for_level(block.level)
        elif block.labels:
            self.outline.close_local_headings()
        self.outline.enter_labels(block.labels, block.indent, heading=True)
        title = _title(self.text, block, block.end)
        if not title:
            return
        self.emit(block.body_start if block.bullet else block.start, block.end, ClauseKind.HEADING,
                  self.outline.heading_path)  # fmt: skip
        level = block.level if block.level is not None else (None if block.labels else UNMARKED_LEVEL)
        self.outline.enter_heading(title, level, labelled=bool(block.labels))

    def paragraph(self, block: Block, sentences: list[tuple[int, int]]) -> None:
        """A paragraph or list item: its run-in heading, if any, then one clause per sentence."""
        text, outline = self.text, self.outline
        if block.labels and block.inline_heading:
            outline.close_local_headings()
        outline.note_body(table=False)
        outline.enter_labels(block.labels, block.indent)
        local_heading: list[str] = []
        if block.inline_heading:
            head_start = block.body_start if block.bullet or not block.labels else block.start
            self.emit(head_start, block.inline_heading[1], ClauseKind.HEADING, outline.heading_path)
            title = _title(text, block, block.inline_heading[1])
            if block.labels:
                outline.enter_heading(title, None, labelled=True)
            else:
                local_heading = [title]
        listed = block.bullet or outline.sub_item
        for start, end in sentences:
            while start < end and text[start].isspace():
                start += 1
            if text.startswith("(", start):  # "... Incident. (a) The notice shall ..." opens item (a)
                labels, after = read_labels(text, start, end)
                if labels:
                    outline.enter_labels(labels, block.indent)
                    start, listed = after, True
            kind = ClauseKind.LIST_ITEM if listed else ClauseKind.SENTENCE
            self.emit(start, end, kind, outline.heading_path + local_heading)


@cache
def _default_segmenter() -> Segmenter:
    return Segmenter()


def segment(doc: Document) -> list[Clause]:
    """Segment ``doc`` with a shared default :class:`Segmenter` (built on first use)."""
    return _default_segmenter().segment(doc)
