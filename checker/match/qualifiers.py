"""Weak-language qualifiers in a clause's body, each pattern scanned once per clause.

A clause that hits several controls is judged once for each, and their weak reasons share patterns
("reasonable efforts", "where feasible"): about a quarter of the scans of a pass repeated a pattern on
the same clause. :class:`Qualifiers` keeps each pattern's hits for its clause; the judging stage
(:func:`checker.match.judge._weak_language`) then keeps those in the duty's own limb.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.match.rules import negated_at
from checker.match.vocabulary import Vocabulary

__all__ = ["Qualifiers", "parentheticals"]

_PAREN = re.compile(r"[()]")


class Qualifiers:
    """The qualifier hits of one clause body (the folded clause without its lead-in)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._asides: list[tuple[int, int]] | None = None
        self._scans: dict[int, _Scan] = {}
        self._negated: dict[int, bool] = {}

    def hits(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """The hits of ``pattern`` outside parenthetical asides, in text order.

        The body is scanned only as far as a reader has asked, and once for every reader: the scans are
        kept by the pattern's ``id`` (the compiled library holds every pattern as long as the engine lives;
        a pattern's own hash is worked out from its compiled code at every lookup).
        """
        scan = self._scans.get(id(pattern))
        if scan is None:
            if self._asides is None:
                self._asides = parentheticals(self.body)
            scan = self._scans[id(pattern)] = _Scan(pattern.finditer(self.body), self._asides)
        return scan.read()

    def negated(self, pos: int, vocabulary: Vocabulary) -> bool:
        """Whether the text itself negates the qualifier at ``pos`` ("at no additional cost")."""
        found = self._negated.get(pos)
        if found is None:
            found = self._negated[pos] = negated_at(self.body, pos, vocabulary)
        return found


class _Scan:
    """One pattern's scan of a body: the hits found so far, and the scan to go on with."""

    def __init__(self, scan: Iterator[re.Match[str]], asides: list[tuple[int, int]]) -> None:
        self.found: list[re.Match[str]] = []
        self.rest: Iterator[re.Match[str]] | None = scan
        self.asides = asides

    def read(self) -> Iterator[re.Match[str]]:
        i = 0
        while True:
            if i < len(self.found):  # found already, by this reader or another reader of the same scan
                yield self.found[i]
                i += 1
                continue
            if self.rest is None:
                return
            h = next(self.rest, None)
            if h is None:
                self.rest = None
            elif not any(a < h.start() < b for a, b in self.asides):
                self.found.append(h)


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
