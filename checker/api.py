"""The public API: files in, assessments out. The CLI, the batch engine and the app all use this.

:class:`ContractChecker` holds what is expensive to build (the library, the compiled matcher, the
spaCy segmenter) and runs the pipeline extract → segment → match → score. Build it once and reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.detect import shipped_detector
from checker.errors import ClauseCheckError
from checker.extract import Limits, extract_bytes, extract_file
from checker.language import ensure_english
from checker.library.coverage import FrameworkProvisions, coverage, load_frameworks
from checker.library.loader import DEFAULT_LIBRARY, Library, load_library, resolve_playbook
from checker.library.schema import Playbook
from checker.match.engine import Engine
from checker.match.roles import Roles, contract_parties
from checker.match.terms import DocumentTerms, definitions_used
from checker.models import Assessment, Clause, Document, DocumentInfo, InputError, Match
from checker.negotiate.drafting import draft
from checker.score import assess
from checker.segment import Segmenter

__all__ = ["ContractChecker", "ReadDocument", "document_info", "input_error"]


@dataclass(frozen=True)
class ReadDocument:
    """A document with its clauses and matches: everything the app shows beside a finding.

    ``roles`` are its parties as read (which is the vendor, and why); None where they were not read.
    """

    document: Document
    clauses: list[Clause]
    matches: list[Match]
    roles: Roles | None = None


def document_info(doc: Document, roles: Roles | None = None) -> DocumentInfo:
    """The summary of a document that goes into an assessment, with its parties and any role notes."""
    return DocumentInfo(
        path=doc.path,
        name=doc.name,
        sha256=doc.sha256,
        format=doc.format.value,
        pages=doc.pages,
        has_tracked_changes=doc.has_tracked_changes,
        warnings=[*doc.warnings, *(roles.notes if roles else ())],
        parties=list(roles.parties) if roles else [],
        ocr_confidence=doc.ocr_confidence,
        ocr_pages=list(doc.ocr_pages),
    )


def input_error(path: str, exc: ClauseCheckError) -> InputError:
    """A failed input as data for reports and error rows."""
    return InputError(path=path, code=exc.code, message=exc.message, hint=exc.hint)


def _mark_ocr(doc: Document, matches: list[Match]) -> list[Match]:
    """Evidence read by OCR carries its page's OCR confidence, so every finding built on it says so."""
    if not doc.ocr_pages:
        return matches
    marked = []
    for match in matches:
        page = doc.ocr_page(match.evidence.page)
        if page is not None:
            evidence = match.evidence.model_copy(update={"ocr_confidence": page.confidence})
            match = match.model_copy(update={"evidence": evidence})
        marked.append(match)
    return marked


class ContractChecker:
    """The whole pipeline with its compiled parts, built once."""

    def __init__(self, library: Library | Path | str | None = None) -> None:
        if library is None or isinstance(library, Path | str):
            library = load_library(library or DEFAULT_LIBRARY)
        self.library = library
        self.engine = Engine(library, shipped_detector(library.root))
        self.segmenter = Segmenter()
        self._frameworks: list[FrameworkProvisions] | None = None

    def frameworks(self) -> list[FrameworkProvisions]:
        """The library's framework provisions (``frameworks.yaml``), read and validated on first use.

        Every assessment's coverage reads them; parsing the YAML again for each document cost about as
        much as segmenting a 25-page contract.
        """
        if self._frameworks is None:
            self._frameworks = load_frameworks(self.library)
        return self._frameworks

    def playbook(self, name_or_path: str | Playbook) -> Playbook:
        """A shipped playbook by name, ``all``, or a user's playbook file by path."""
        if isinstance(name_or_path, Playbook):
            return name_or_path
        return resolve_playbook(name_or_path, self.library)

    def read(self, doc: Document, *, vendor: str | None = None) -> ReadDocument:
        """Segment and match one extracted document; ``vendor`` names the vendor party as the contract does."""
        ensure_english(doc)
        clauses = self.segmenter.segment(doc)
        roles = self.engine.roles(doc, vendor)
        matches = _mark_ocr(doc, self.engine.match_document(doc, clauses, roles))
        return ReadDocument(doc, clauses, matches, roles)

    def read_file(
        self,
        path: str | Path,
        *,
        password: str | None = None,
        limits: Limits | None = None,
        vendor: str | None = None,
    ) -> ReadDocument:
        """Extract, segment and match a file."""
        return self.read(extract_file(path, password=password, limits=limits), vendor=vendor)

    def read_bytes(
        self,
        data: bytes,
        name: str,
        *,
        password: str | None = None,
        limits: Limits | None = None,
        vendor: str | None = None,
    ) -> ReadDocument:
        """Extract, segment and match an uploaded file."""
        return self.read(extract_bytes(data, name, password=password, limits=limits), vendor=vendor)

    def assess(
        self,
        documents: Sequence[ReadDocument],
        playbook: str | Playbook,
        *,
        errors: Sequence[InputError] = (),
    ) -> Assessment:
        """One assessment of the documents taken together (a vendor bundle, or a single document)."""
        chosen = self.playbook(playbook)
        matches = [m for d in documents for m in d.matches]
        infos = [document_info(d.document, d.roles) for d in documents]
        scored = assess(infos, matches, chosen, self.library, errors)
        statuses = {f.control: f.status.value for f in scored.findings}
        parties = contract_parties(
            [d.document.text for d in documents], self.library.language, [d.roles for d in documents]
        )
        terms = [self._terms(d) for d in documents]
        findings = [
            f.model_copy(
                update={
                    "fallback": draft(
                        f.fallback,
                        parties,
                        control=self.library.controls.get(f.control),
                        level=chosen.level,
                        thresholds=f.thresholds,
                    ),
                    "definitions": definitions_used(f.evidence, terms),
                }
            )
            for f in scored.findings
        ]
        return scored.model_copy(
            update={
                "coverage": coverage(chosen, self.library, statuses, self.frameworks()),
                "parties": parties,
                "findings": findings,
            }
        )

    def _terms(self, read: ReadDocument) -> DocumentTerms:
        """The document's defined names (read with its roles) with the clauses that define them."""
        roles = read.roles if read.roles is not None else self.engine.roles(read.document)
        return DocumentTerms(read.document, read.clauses, roles.defined)

    def check_paths(
        self,
        paths: Sequence[str | Path],
        playbook: str | Playbook,
        *,
        bundle: bool = False,
        password: str | None = None,
        limits: Limits | None = None,
        vendor: str | None = None,
    ) -> tuple[list[Assessment], list[InputError]]:
        """Assess files one by one (or as one bundle); unreadable files become errors, never exceptions.

        ``vendor`` names the vendor party as the contracts do ("Acme", "Provider").
        """
        chosen = self.playbook(playbook)
        read: list[ReadDocument] = []
        errors: list[InputError] = []
        for path in paths:
            try:
                read.append(self.read_file(path, password=password, limits=limits, vendor=vendor))
            except ClauseCheckError as exc:
                errors.append(input_error(str(path), exc))
        if bundle:
            return ([self.assess(read, chosen, errors=errors)] if read else []), errors
        return [self.assess([d], chosen) for d in read], errors
