"""Weak-language qualifiers in a clause's body, each pattern scanned once per clause.

A clause that hits several controls is judged once for each, and their weak reasons share patterns
("reasonable efforts", "where feasible"): about a quarter of the scans of a pass repeated a pattern on
the same clause. :class:`Qualifiers` keeps each pattern's hits for its clause; the judging stage
(:func:`checker.match.judge._weak_language`) then keeps those in the duty's own limb.
"""

from __future__ import annotations

import re

from checker.match.rules import negated_at
from checker.match.vocabulary import Vocabulary

__all__ = ["Qualifiers", "parentheticals"]

_PAREN = re.compile(r"[()]")


class Qualifiers:
    """The qualifier hits of one clause body (the folded clause without its lead-in)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._asides: list[tuple[int, int]] | None = None
        self._hits: dict[int, tuple[re.Match[str], ...]] = {}

    def hits(self, pattern: re.Pattern[str], vocabulary: Vocabulary) -> tuple[re.Match[str], ...]:
        """Every hit of ``pattern`` outside parenthetical asides and not negated by the text itself.

        Kept by the pattern's ``id`` (the compiled library holds every pattern as long as the engine
        lives; a pattern's own hash is worked out from its compiled code at every lookup).
        """
        key = id(pattern)
        found = self._hits.get(key)
        if found is None:
            body = self.body
            if self._asides is None:
                self._asides = parentheticals(body)
            asides = self._asides
            found = self._hits[key] = tuple(
                h
                for h in pattern.finditer(body)
                if not any(a < h.start() < b for a, b in asides)
                and not negated_at(body, h.start(), vocabulary)
            )
        return found


def parentheticals(text: str) -> list[tuple[int, int]]:
    """Spans of parenthetical asides; qualifiers inside them do not weaken the main obligation."""
    spans = []
    depth, start = 0, 0
    for paren in _PAREN.finditer(text):  # only the brackets, not every character
        i, ch = paren.start(), paren.group()
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and i - start > 4:
                spans.append((start, i))
    return spans
