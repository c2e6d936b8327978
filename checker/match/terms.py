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
from collections.abc import Iterable, Iterator, Sequence

from checker.match.roles import DefinedName
from checker.models import Clause, Definition, Document, Evidence

__all__ = ["DocumentTerms", "definitions_used"]


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

    def defines(self, name: str) -> bool:
        """Whether this document defines ``name``."""
        return name in self._where

    def uses(self, ev: Evidence) -> Iterator[tuple[str, tuple[int, int], Clause | None]]:
        """The names this document defines that ``ev`` uses: (name, the defining span, its clause).

        The span is the clause that holds the definition (or the defining words, outside any clause);
        a definition that is itself the evidence is not given.
        """
        if self._pattern is None:
            return
        for m in self._pattern.finditer(ev.text):
            defined = self._where[m.group(1)]
            clause = self._clause_at(defined.start)
            lo, hi = (clause.start, clause.end) if clause else (defined.start, defined.end)
            if ev.document == self.document and lo < ev.end and hi > ev.start:
                continue  # the evidence is the definition itself
            yield m.group(1), (lo, hi), clause

    def definition(self, terms: list[str], span: tuple[int, int], clause: Clause | None) -> Definition:
        """The definition of ``terms`` at ``span`` (see :meth:`uses`), as a finding carries it."""
        lo, hi = span
        page = clause.page if clause else self._doc.page_of(lo)
        ocr = self._doc.ocr_page(page)
        return Definition(
            terms=terms,
            text=clause.text if clause else self._doc.text[lo:hi],
            document=self.document,
            page=page,
            start=lo,
            end=hi,
            section=clause.section if clause else None,
            heading=clause.heading if clause else "",
            clause_index=clause.index if clause else None,
            ocr_confidence=ocr.confidence if ocr else None,
        )


def definitions_used(evidence: Iterable[Evidence], bundle: Sequence[DocumentTerms]) -> list[Definition]:
    """The definitions of the defined terms the ``evidence`` uses, in order of first use.

    A term is read through the evidence's own document's definition; a term that document does not
    define, through the definition of another document of the bundle (a DPA using the MSA's
    "Customer Data"). Terms defined in one clause ("Acme (“Provider”) and Globex (“Customer”)") share
    one entry.
    """
    by_name = {t.document: t for t in bundle}
    found: dict[tuple[str, int, int], tuple[list[str], DocumentTerms, Clause | None]] = {}
    for ev in evidence:
        own = by_name.get(ev.document)
        sources = ([own] if own is not None else []) + [t for t in bundle if t is not own]
        for source in sources:
            for name, (lo, hi), clause in source.uses(ev):
                if source is not own and own is not None and own.defines(name):
                    continue  # the evidence's own document defines it
                terms, _, _ = found.setdefault((source.document, lo, hi), ([], source, clause))
                if name not in terms:
                    terms.append(name)
    return [
        source.definition(terms, (lo, hi), clause) for (_, lo, hi), (terms, source, clause) in found.items()
    ]
