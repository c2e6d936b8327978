"""The data passed between pipeline stages: frozen pydantic models.

extract → :class:`Document`; segment → :class:`Clause`; match → :class:`Match`; score → :class:`Finding`
and :class:`Assessment`. Offsets are always character offsets into ``Document.text`` (half-open
``[start, end)``), so any piece of evidence can be checked against the source text.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SET_ASIDE",
    "Assessment",
    "Clause",
    "ClauseKind",
    "Definition",
    "Document",
    "DocumentFormat",
    "DocumentInfo",
    "Evidence",
    "Finding",
    "FrameworkCoverage",
    "InputError",
    "Line",
    "Match",
    "OcrPage",
    "PartyNames",
    "PartyRole",
    "Provenance",
    "ReviewerOverride",
    "Status",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentFormat(StrEnum):
    """The source format a document was read from."""

    PDF = "pdf"
    DOCX = "docx"
    TXT = "txt"
    MD = "md"
    HTML = "html"
    IMAGE = "image"


class Line(_Frozen):
    """One visual line of a PDF page: its span in the text and its box in PDF points.

    The box is ``(x0, top, x1, bottom)`` measured from the top-left corner of the page, as pdfplumber
    does, so that a viewer can draw it directly.
    """

    start: int
    end: int
    page: int
    bbox: tuple[float, float, float, float]


class OcrPage(_Frozen):
    """How one page was read by OCR: Tesseract's mean word confidence and what was done to the image.

    ``confidence`` is the mean of Tesseract's word confidences (0-100), weighted by word length, so a
    page of long, well-read words is not dragged down by stray marks. ``rotated`` (0, 90, 180, 270) and
    ``skew`` are the degrees the page was turned counter-clockwise to straighten it before reading.
    ``timed_out`` marks a page that hit the per-page time limit: its text is missing.
    """

    page: int
    confidence: float
    words: int
    dpi: int
    rotated: int = 0
    skew: float = 0.0
    timed_out: bool = False


class Document(_Frozen):
    """A contract as text, with the page of every character and, for PDFs, line boxes.

    ``page_starts[i]`` is the offset at which page ``i + 1`` begins; the page of any character is found
    by bisection (:meth:`page_of`), which keeps the map small for long documents.
    """

    path: str
    name: str
    sha256: str
    format: DocumentFormat
    text: str
    pages: int = 1
    page_starts: list[int] = Field(default_factory=lambda: [0])
    page_sizes: list[tuple[float, float]] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)
    headings: list[tuple[int, int, int]] = Field(
        default_factory=list,
        description="Spans (start, end, level) the source format marks as headings (Markdown #, DOCX"
        " Heading styles, HTML h1-h6); a hint for the segmenter, level 1 outermost.",
    )
    furniture: list[str] = Field(
        default_factory=list, description="Headers, footers and page numbers kept out of the text."
    )
    has_tracked_changes: bool = False
    warnings: list[str] = Field(default_factory=list)
    ocr_pages: list[OcrPage] = Field(
        default_factory=list, description="The pages whose text was read by OCR, with its confidence."
    )

    @property
    def ocr_confidence(self) -> float | None:
        """The document's OCR confidence: the pages' confidences weighted by their words (None: no OCR)."""
        return ocr_confidence(self.ocr_pages)

    def ocr_page(self, page: int) -> OcrPage | None:
        """How ``page`` was read by OCR, or None when its text came from the file itself."""
        return next((p for p in self.ocr_pages if p.page == page), None)

    def page_of(self, offset: int) -> int:
        """The 1-based page number of the character at ``offset``."""
        return max(1, bisect_right(self.page_starts, offset))

    def lines_between(self, start: int, end: int) -> list[Line]:
        """The PDF lines that overlap the span ``[start, end)``."""
        return [ln for ln in self.lines if ln.start < end and ln.end > start]


def ocr_confidence(pages: list[OcrPage]) -> float | None:
    """The word-weighted mean confidence of OCR pages, rounded to 0.1 (None when no page was OCR'd)."""
    if not pages:
        return None
    words = sum(p.words for p in pages)
    if not words:
        return 0.0
    return round(sum(p.confidence * p.words for p in pages) / words, 1)


class ClauseKind(StrEnum):
    """What a segment of text is, which decides whether it can be evidence."""

    HEADING = "heading"
    SENTENCE = "sentence"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


class Clause(_Frozen):
    """One sentence-sized unit of a contract, with where it sits in the document's structure.

    ``section`` is the full number of the innermost numbered unit it belongs to ("12.3(a)"),
    ``heading_path`` the headings above it, outermost first (["Security", "Incidents"]).
    """

    index: int
    start: int
    end: int
    text: str
    page: int
    section: str | None = None
    heading_path: list[str] = Field(default_factory=list)
    kind: ClauseKind = ClauseKind.SENTENCE
    document: str = ""

    @property
    def heading(self) -> str:
        """The heading path joined for display: "Security > Incidents"."""
        return " > ".join(self.heading_path)


class Status(StrEnum):
    """The outcome for one control; see DESIGN.md section 2."""

    MET = "met"
    WEAK = "weak"
    CONFLICT = "conflict"
    MISSING = "missing"


class Evidence(_Frozen):
    """A span of source text that decided (or supports) a finding."""

    text: str
    document: str
    page: int
    start: int
    end: int
    section: str | None = None
    heading: str = ""
    clause_index: int | None = None
    ocr_confidence: float | None = Field(
        default=None,
        description="Set when the evidence was read by OCR from a scanned page: that page's confidence (0-100).",
    )


# The reason code of a rule's match that the learned detector set aside: the scorer does not count it as
# evidence, and a finding left missing says which clause was set aside and why.
SET_ASIDE = "set_aside"


class Match(_Frozen):
    """One clause read against one control: what it says and how firmly.

    ``status`` is the status this clause alone would give the control. ``rule`` names the library rule
    that fired and ``terms`` the words it matched, so a reviewer can see why the clause was picked. A match
    whose ``reason_codes`` open with :data:`SET_ASIDE` is not evidence.
    """

    control: str
    clause_index: int
    document: str
    status: Status
    evidence: Evidence
    rule: str
    terms: list[str] = Field(default_factory=list)
    party: str = ""
    undecided_party: str = Field(
        default="",
        description="The bound party as the clause names it ('Company') when the document does not say"
        " which side it is on: the clause is read as the vendor's duty, and the finding says so.",
    )
    modality: str = ""
    params: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    reason_codes: list[str] = Field(default_factory=list)


class Definition(Evidence):
    """Where the contract defines terms a finding's evidence uses: the defining clause, in full.

    A finding read through a defined term ("within the Notice Period", "any Security Incident",
    "Provider shall") means what the contract's definition says; the reviewer sees it beside the clause.
    """

    terms: list[str] = Field(description="The defined names the evidence uses that this clause defines.")


class ReviewerOverride(_Frozen):
    """A reviewer's decision on a finding, carried into every export."""

    decision: Literal["accepted", "overridden"]
    status: Status | None = None
    comment: str = ""
    reviewer: str = ""
    decided_at: str = Field(default="", description="When the reviewer decided (ISO-8601, UTC).")


class Finding(_Frozen):
    """The verdict for one control of the playbook."""

    control: str
    title: str
    catalogue: str = Field(
        default="", description="The control's catalogue code (SC-01), shown beside its title."
    )
    family: str
    severity: str
    status: Status
    evidence: list[Evidence] = Field(default_factory=list)
    params: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    reason_codes: list[str] = Field(default_factory=list)
    rule: str = ""
    party: str = Field(
        default="", description="Who the deciding clause binds: vendor, assumed_vendor, mutual, customer."
    )
    undecided_party: str = Field(
        default="",
        description="The bound party as the deciding clause names it ('Company') when the document does"
        " not say which side it is on (party is then assumed_vendor); empty otherwise.",
    )
    modality: str = Field(
        default="", description="How firmly: binding, descriptive, permissive, prohibition, none."
    )
    fallback: str = ""
    references: list[str] = Field(default_factory=list)
    definitions: list[Definition] = Field(
        default_factory=list,
        description="The contract's definitions of the defined terms the evidence uses, first used first.",
    )
    override: ReviewerOverride | None = None


class PartyRole(_Frozen):
    """A party of the document, the side it is on, and the text that decided it.

    ``names`` are what the contract calls it ("Acme Cloud Ltd." is introduced as "Provider"); ``role``
    is ``unknown`` where nothing decides it or two definitions disagree (a warning says which).
    """

    names: list[str]
    role: Literal["vendor", "customer", "unknown"]
    basis: str = Field(description="Why: the role word that names it, the user's choice, the other party.")
    text: str
    start: int
    end: int
    page: int = 1


class DocumentInfo(_Frozen):
    """What an assessment says about one input file."""

    path: str
    name: str
    sha256: str
    format: str
    pages: int
    has_tracked_changes: bool = False
    warnings: list[str] = Field(
        default_factory=list,
        description="What the reader noticed and set aside: tracked changes resolved, macros or scripts"
        " never run, pages without text, a misleading file extension, a party whose role is unknown.",
    )
    parties: list[PartyRole] = Field(
        default_factory=list,
        description="The parties the document defines and which is the vendor, with the text that says so.",
    )
    ocr_confidence: float | None = Field(
        default=None, description="The OCR confidence (0-100) of the document, when any page was OCR'd."
    )
    ocr_pages: list[OcrPage] = Field(default_factory=list)


class InputError(_Frozen):
    """An input that could not be assessed, with the error's code and message."""

    path: str
    code: str
    message: str
    hint: str = ""


class FrameworkCoverage(_Frozen):
    """How many of a framework's provisions required by the playbook the contract meets."""

    framework: str
    provision: str
    required: int
    met: int
    controls: list[str] = Field(default_factory=list)


#: The names the library's model clauses are drafted with.
LIBRARY_VENDOR = "Supplier"
LIBRARY_CUSTOMER = "Customer"


class PartyNames(_Frozen):
    """What a contract calls the vendor and the customer (the library's names when it says neither)."""

    vendor: str = LIBRARY_VENDOR
    customer: str = LIBRARY_CUSTOMER


class Provenance(_Frozen):
    """What produced an assessment, so it can be reproduced and audited."""

    tool_version: str
    library_version: str
    library_hash: str
    playbook: str
    playbook_hash: str
    created: str


class Assessment(_Frozen):
    """One document (or one vendor bundle) scored against one playbook."""

    schema_version: str = "1"
    document: DocumentInfo
    documents: list[DocumentInfo] = Field(default_factory=list)
    playbook: str
    score: float = Field(description="The contract score after review: the reviewer's statuses count.")
    score_explanation: str = ""
    engine_score: float | None = Field(
        default=None,
        description="The engine's own score before any reviewer decision; null when nothing was reviewed.",
    )
    findings: list[Finding]
    coverage: list[FrameworkCoverage] = Field(default_factory=list)
    errors: list[InputError] = Field(default_factory=list)
    parties: PartyNames = Field(
        default_factory=PartyNames,
        description="The names the contract uses for the vendor and the customer; fallback language uses them.",
    )
    provenance: Provenance
