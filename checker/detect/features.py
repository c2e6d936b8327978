"""What the detector sees of a clause: its words and word pairs, its heading's words, its lead-in's words.

Features are strings, so that the weights a finding shows are words a reviewer can read ("background
checks", "h:personnel"). Numbers are reduced to a shape ("<n>") so that "24 hours" and "72 hours" are the
same evidence of a notification window.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from checker.match.phrases import fold

__all__ = ["clause_features", "describe_feature"]

_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*|\d+(?:[.,]\d+)*")
# Words too common to carry a control on their own; they still form word pairs ("shall not").
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "by",
        "with",
        "as",
        "at",
        "be",
        "is",
        "are",
        "any",
        "all",
        "its",
        "their",
        "this",
        "that",
        "such",
        "from",
    ]
)


def _words(text: str) -> list[str]:
    return ["<n>" if w[0].isdigit() else w for w in _WORD.findall(fold(text))]


def clause_features(text: str, heading: str = "", lead: str = "", hints: Iterable[str] = ()) -> set[str]:
    """The clause's features: words, adjacent word pairs, heading words (``h:``), lead-in words (``l:``).

    ``hints`` are added as they are: the matcher passes the library terms the clause contains
    (``g:control:group``) and what its rules found (``r:control:status``).
    """
    words = _words(text)
    out = {w for w in words if w not in _STOP}
    out.update(map(" ".join, itertools.pairwise(words)))  # "a b" for each adjacent pair, made in C
    if heading:
        out |= _heading_words(heading)
    if lead:
        out |= _marked_words("l:", lead)
    out.update(hints)
    return out


@lru_cache(maxsize=4096)
def _heading_words(heading: str) -> frozenset[str]:
    """The ``h:`` features of a heading path: the words of its last heading.

    Kept for the clauses that follow (1,562 headed clauses of the bench pass have 334 headings).
    """
    return _marked_words("h:", heading.split(" > ")[-1])


@lru_cache(maxsize=4096)
def _marked_words(mark: str, text: str) -> frozenset[str]:
    """``mark`` + each word of ``text`` that is not a stop word (a lead-in is shared by its list's items)."""
    return frozenset(f"{mark}{w}" for w in _words(text) if w not in _STOP)


def describe_feature(feature: str, titles: Mapping[str, str] | None = None) -> str:
    """A feature in words a reviewer reads: "'notify' (library words of incident_notification)".

    With ``titles`` (control id → its catalogue code), a control is named as the reviewer knows it:
    "'notify' (library words of IN-01)".
    """
    kind, _, rest = feature.partition(":")

    def named(control: str) -> str:
        return titles[control] if titles and control in titles else control

    if kind == "g" and rest:
        control, _, group = rest.partition(":")
        return f"'{group.replace('_', ' ')}' (library words of {named(control)})"
    if kind == "r" and rest:
        control, _, status = rest.partition(":")
        return f"the rules read {named(control)} as {status}"
    if kind == "h" and rest:
        return f"'{rest}' in the heading"
    if kind == "l" and rest:
        return f"'{rest}' in the lead-in"
    return f"'{feature}'"
