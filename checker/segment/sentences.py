"""Sentence boundaries in legal prose: spaCy's rule-based sentencizer plus two repairs.

The sentencizer splits after every "." that is followed by a word, and keeps an opening bracket or
quote that follows a full stop with the sentence before it ("... Incident. (" + "a) The notice ...";
see ``reference/tech-facts.md``). :func:`repair_sentences` undoes both mistakes: no split after a
legal abbreviation ("Sec. 5", "Art. 28(3)", "No. 3"), and the opening bracket moves to the sentence it
opens. :func:`split_long` cuts an over-long sentence at the weakest-joined place it can find.
"""

from __future__ import annotations

import re

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["REPAIR_COMPONENT", "build_pipeline", "repair_sentences", "split_long"]

REPAIR_COMPONENT = "clausecheck_sentence_repair"

#: Abbreviations after which a sentence never ends (lower-cased, with their final full stop).
NEVER_FINAL = frozenset(
    {
        "e.g.", "i.e.", "cf.", "viz.", "sec.", "secs.", "no.", "nos.", "art.", "arts.", "para.", "paras.",
        "cl.", "sch.", "ch.", "pt.", "p.", "pp.", "vol.", "fig.", "ref.", "approx.", "incl.", "excl.",
        "v.", "vs.", "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "u.s.", "u.k.", "e.u.", "u.s.a.",
        "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
        "min.", "max.", "est.", "dept.", "govt.", "reg.", "regs.", "subs.", "subsec.", "et.", "seq.",
        "cal.", "civ.", "proc.", "stat.", "ann.", "bus.", "gov.", "fed.", "supp.", "admin.", "c.f.r.",
        "u.s.c.", "o.j.", "dir.", "rev.", "amend.", "ord.", "pub.", "l.",
    }
)  # fmt: skip

#: Abbreviations that end a sentence only when a capitalised word follows ("..., etc. The Vendor").
FINAL_IF_CAPITAL = frozenset(
    {"etc.", "inc.", "ltd.", "co.", "corp.", "llc.", "l.l.c.", "plc.", "llp.", "l.p.", "al.", "gmbh.", "s.a."}
)

_OPENERS = frozenset({"(", "[", "“", '"', "‘", "'", "«"})
_CLOSERS = frozenset({")", "]", "”", '"', "’", "'", "»"})


def _abbreviation_before(doc: Doc, i: int) -> str:
    """The abbreviation (lower-cased, with its full stop) that ends just before token ``i``, if any."""
    prev = doc[i - 1]
    if prev.text == "." and i >= 2 and not doc[i - 2].whitespace_:
        return doc[i - 2].text.lower() + "."
    if len(prev.text) > 1 and prev.text.endswith("."):
        return prev.text.lower()
    return ""


@Language.component(REPAIR_COMPONENT)
def repair_sentences(doc: Doc) -> Doc:
    """Undo the sentencizer's splits after abbreviations and move glued opening brackets forward."""
    # Visit only the sentence starts: a Python loop over every token would cost more than spaCy does.
    for i in numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist():
        if i == 0:
            continue
        token = doc[i]
        # The opening brackets the sentencizer left on the previous sentence, e.g. "(" of "(a)".
        first = i
        while first >= 2 and doc[first - 1].text in _OPENERS and doc[first - 2].whitespace_:
            first -= 1
        # A sentence does not start in lower case ("Cal. Civ. Code § 1798.100 et seq. and its ...").
        if first == i and token.text[:1].islower():
            token.is_sent_start = False
            continue
        # The full stop before the boundary, inside any closing brackets ("(Amendments etc.) (EU Exit)").
        stop = first
        while stop >= 2 and doc[stop - 1].text in _CLOSERS:
            stop -= 1
        abbreviation = _abbreviation_before(doc, stop)
        if abbreviation in NEVER_FINAL or (
            abbreviation in FINAL_IF_CAPITAL and (stop != first or not token.text[:1].isupper())
        ):
            token.is_sent_start = False
        elif first != i:
            token.is_sent_start = False
            doc[first].is_sent_start = True
    return doc


def build_pipeline() -> Language:
    """A blank English pipeline with the sentencizer and :func:`repair_sentences`; no trained model."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(REPAIR_COMPONENT)
    return nlp


# Where to cut an over-long sentence, best first: before an enumerator that follows a semicolon, after a
# semicolon, after a colon, after a comma, at any space.
_CUTS = (
    re.compile(r";\s*(?:and|or)?\s+(?=\((?:[a-z]{1,2}|[ivxlcdm]{1,6}|\d{1,3}|[A-Z])\)\s)"),
    re.compile(r";\s+"),
    re.compile(r":\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)


def split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``limit`` characters at the best places available.

    Pieces are never shorter than a third of ``limit`` unless no cut exists; a run with no cut point at
    all (one enormous "word") is cut hard at ``limit``. The pieces cover the span in order, with only
    whitespace between them.
    """
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        window_end = start + limit
        floor = start + limit // 3
        cut = -1
        for pattern in _CUTS:
            for match in pattern.finditer(text, floor, window_end):
                cut = match.end()
            if cut > floor:
                break
        if cut <= floor:
            cut = window_end
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
