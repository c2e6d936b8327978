"""Running headers, footers, page numbers and markings left in a document's text: never clauses.

The PDF reader sets aside what it finds at the page edges, and a DOCX keeps its headers and footers
apart, but text files with form feeds, documents converted from PDF, and PDFs whose footers sit
outside the edge band still carry them inline. :func:`furniture_lines` finds them line by line:

- a page number: "Page 3", "Page 3 of 12", "- 3 -", "3 of 12", "3/12"; a bare "3" or "iv" only at
  the top or bottom of a page, or where the document has three or more such lines;
- a marking on a line of its own: "Confidential", "Proprietary and Confidential", "Internal use
  only", "Draft", "© 2024 Acme Inc. All rights reserved.";
- a running line: the same line, digits aside, at the top or bottom of at least half of the pages
  (and at least two); or, with a furniture word in it ("Confidential", "Proprietary", "Page 3",
  "Doc ID", "©", "All rights reserved") and no verb, three times or more anywhere.

Numbered lines are never furniture, and table rows (cells joined with " | ") only with a furniture word.
"""

from __future__ import annotations

import re
from collections import defaultdict

from checker.models import Document
from checker.segment.headings import VERBS
from checker.segment.labels import read_labels

__all__ = ["furniture_lines"]

_PAGE_WORD = re.compile(r"(?:page|pg\.?|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.I)
_PAGE_DECORATED = re.compile(r"[-–—]\s*\d{1,4}\s*[-–—]|\[\s*\d{1,4}\s*\]|\d{1,4}\s*(?:of|/)\s*\d{1,4}", re.I)
_PAGE_BARE = re.compile(r"\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", re.I)
_MARKING = re.compile(
    r"(?:(?:strictly|highly|company|commercial(?:ly)?[- ]in[- ])?\s*confidential"
    r"(?:\s*(?:and|&)\s*proprietary)?|proprietary\s*(?:and|&)\s*confidential|(?:for\s+)?internal\s+use\s+only"
    r"|draft|confidential\s*[-–—:]\s*do\s+not\s+(?:distribute|copy|disclose))",
    re.I,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4}", re.I)
_CUE = re.compile(
    r"\b(?:confidential|proprietary|copyright|all\s+rights\s+reserved|page\s+\d|doc(?:ument)?\s*(?:id|no|number)\b)|©",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_DECORATION = " \t*_-–—|.:"
_MAX_CHARS = 160
_EDGE = 2  # lines at the top and at the bottom of a page where headers and footers sit


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _words(text: str) -> list[str]:
    return [w.strip("()[]“”\"'‘’.,:;*_").lower() for w in text.split()]


def _edges(doc: Document, spans: list[tuple[int, int, int]]) -> set[int]:
    """Indices of the lines at the top and bottom of each page (none for a one-page text)."""
    if doc.pages < 2:
        return set()
    by_page: dict[int, list[int]] = defaultdict(list)
    for n, (start, _end, _indent) in enumerate(spans):
        if start >= 0:
            by_page[doc.page_of(start)].append(n)
    return {n for numbers in by_page.values() for n in numbers[:_EDGE] + numbers[-_EDGE:]}


def furniture_lines(doc: Document, spans: list[tuple[int, int, int]]) -> set[int]:
    """The indices into ``spans`` (``(start, end, indent)`` per line, ``start < 0`` for a blank line)
    of the lines that are page furniture; see the module docstring."""
    text = doc.text
    candidates: list[tuple[int, int, int]] = []  # (index into spans, start, end)
    for n, (start, end, _indent) in enumerate(spans):
        # A table row is content unless it carries a furniture word ("ACME | Confidential | Page 2").
        if (
            start >= 0
            and end - start <= _MAX_CHARS
            and ("|" not in text[start:end] or _CUE.search(text, start, end))
        ):
            candidates.append((n, start, end))
    if not candidates:
        return set()
    edges = _edges(doc, spans)
    found: set[int] = set()
    bare: list[int] = []
    numbers = 0
    keyed: dict[str, list[int]] = defaultdict(list)
    for n, start, end in candidates:
        line = text[start:end].strip(_DECORATION)
        if not line:
            continue
        if (
            _PAGE_DECORATED.fullmatch(text, start, end)
            or _PAGE_WORD.fullmatch(line)
            or _MARKING.fullmatch(line)
        ):
            found.add(n)
        elif _PAGE_BARE.fullmatch(line):
            bare.append(n)
            numbers += line.isdigit()
        elif _COPYRIGHT.match(line) and len(line.split()) <= 15 and not VERBS.intersection(_words(line)):
            found.add(n)
        elif (n in edges or _CUE.search(line)) and not read_labels(text, start, end)[0]:
            keyed[_key(line)].append(n)
    found.update(n for n in bare if n in edges or (numbers >= 3 and text[spans[n][0]].isdigit()))
    needed = max(2, (doc.pages + 1) // 2)
    for key, lines in keyed.items():
        at_edges = [n for n in lines if n in edges]
        if len(at_edges) >= needed:
            found.update(at_edges)
        cued = [n for n in lines if _CUE.search(text, spans[n][0], spans[n][1])]
        if len(cued) >= 3 and len(key.split()) <= 15 and not VERBS.intersection(_words(key)):
            found.update(cued)
    return found
