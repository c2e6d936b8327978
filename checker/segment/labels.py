"""Numbering labels at the start of a line or sentence: "12.3", "(a)", "iv.", "Article 5", "§ 4"."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Label", "read_labels"]


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
_SPACE = re.compile(r"[ \t\u00a0]*")


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
