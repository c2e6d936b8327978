"""Which defined terms a finding's evidence uses, each with the clause of the contract that defines it.

A clause means what its defined terms mean: "Provider shall notify Customer of any Security Incident
within the Notice Period" turns on who "Provider" is, what a "Security Incident" covers and how long the
"Notice Period" is. The names come from the roles reader (:attr:`checker.match.roles.Roles.defined`:
the parties block, "(“Acme”)" and "“X” means ..." definitions), the defining text from the segmenter's
clause that holds the definition, so a reviewer reads the definition whole, with its section and page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from checker.match.roles import DefinedName
from checker.models import Clause, Definition, Document, Evidence

__all__ = ["DocumentTerms"]


class DocumentTerms:
    """The defined names of one document, ready to find in any evidence quoted from it."""

    def __init__(self, document: Document, clauses: Sequence[Clause], defined: Iterable[DefinedName]):
        self._doc = document
        self.document = document.name
        self._clauses = sorted(clauses, key=lambda c: c.start)
        self._starts = [c.start for c in self._clauses]
        self._where: dict[str, DefinedName] = {}
        for d in defined:
            for name in d.names:
                if len(name.strip()) > 1:
                    self._where.setdefault(name.strip(), d)  # the first definition of a name is its own
        names = sorted(self._where, key=len, reverse=True)  # longest first: "Customer Personal Data"
        self._pattern = (
            # A plural use is a use of the term: "Subprocessors" of "Subprocessor".
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?:e?s)?(?!\w)")
            if names
            else None
        )

    def _clause_at(self, offset: int) -> Clause | None:
        pos = bisect_right(self._starts, offset) - 1
        if pos >= 0 and self._clauses[pos].start <= offset < self._clauses[pos].end:
            return self._clauses[pos]
        return None

    def used_in(self, evidence: Iterable[Evidence]) -> list[Definition]:
        """The definitions of the terms this document's ``evidence`` uses, in order of first use.

        A definition that is itself part of the evidence is not repeated; terms defined in one clause
        ("Acme (“Provider”) and Globex (“Customer”)") share one entry.
        """
        if self._pattern is None:
            return []
        by_clause: dict[tuple[int, int], tuple[list[str], Clause | None]] = {}
        for ev in evidence:
            if ev.document != self.document:
                continue
            for m in self._pattern.finditer(ev.text):
                defined = self._where[m.group(1)]
                clause = self._clause_at(defined.start)
                lo, hi = (clause.start, clause.end) if clause else (defined.start, defined.end)
                if lo < ev.end and hi > ev.start:
                    continue  # the evidence is the definition itself
                terms, _ = by_clause.setdefault((lo, hi), ([], clause))
                if m.group(1) not in terms:
                    terms.append(m.group(1))
        out = []
        for (lo, hi), (terms, clause) in by_clause.items():
            out.append(
                Definition(
                    terms=terms,
                    text=clause.text if clause else self._doc.text[lo:hi],
                    document=self.document,
                    page=clause.page if clause else self._doc.page_of(lo),
                    start=lo,
                    end=hi,
                    section=clause.section if clause else None,
                )
            )
        return out
