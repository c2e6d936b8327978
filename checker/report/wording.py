"""How a finding reads in every report: status labels, parameters, thresholds, reasons, overrides.

Every format (XLSX, HTML, DOCX) says the same thing the same way, so the wording lives here once. The
functions return plain, *unescaped* text; each format escapes it for its own medium.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from checker.models import Assessment, Definition, DocumentInfo, Evidence, Finding, Status

__all__ = [
    "GAP_STATUSES",
    "STATUS_LABELS",
    "assessment_label",
    "bound_party",
    "bundle_documents",
    "defined_terms_label",
    "effective_status",
    "engine_said",
    "evidence_location",
    "format_params",
    "format_reasons",
    "format_score",
    "format_thresholds",
    "gap_reason",
    "is_gap",
    "open_gaps",
    "override_text",
    "params_words",
    "parties_text",
    "quantity_words",
    "reason_label",
    "status_counts",
    "status_reason",
    "threshold_words",
]

#: The status as a word a lawyer reads; never shown by colour alone.
STATUS_LABELS: dict[Status, str] = {
    Status.MET: "Met",
    Status.WEAK: "Weak",
    Status.CONFLICT: "Conflict",
    Status.MISSING: "Missing",
}

GAP_STATUSES = frozenset({Status.WEAK, Status.CONFLICT, Status.MISSING})

_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

# Reason codes the scorer may emit (checker.library.schema.WEAK_REASONS), read aloud. A reason that is
# not a known code is shown as written, so a scorer that emits sentences needs no change here.
_REASON_LABELS = {
    "vague_timing": "vague timing, no number of hours or days",
    "effort_qualifier": "effort qualifier (e.g. commercially reasonable efforts)",
    "permissive": "permissive wording (may, should, endeavour) instead of a binding duty",
    "discretion": "left to the vendor's discretion or policies",
    "late_trigger": "the clock starts late (at confirmation, not awareness)",
    "days_not_hours": "stated in days where the playbook requires hours",
    "over_threshold": "the number is above the playbook threshold",
    "no_parameter": "no number where the playbook requires one",
    "benchmark_only": "only a general benchmark (e.g. industry standard) with no specifics",
    "carve_out": "carve-outs exclude what matters",
    "on_request": "only on request, where it should be proactive",
    "cost_shift": "cost shifted to the customer",
    "website_notice": "notice by website update only",
    "general_only": "only a general statement, no specific commitment",
    "implied": "only implied by another commitment, never stated",
    "lone_proposal": "one clause only, proposed by the learned detector and matched by no rule",
}

_DIRECTION_SIGNS = {"max": "≤", "min": "≥"}


def reason_label(reason: str) -> str:
    """A reason code in words ("vague_timing" → "vague timing, ..."); other text is returned as is."""
    return _REASON_LABELS.get(reason, reason)


def format_reasons(reasons: Iterable[str], sep: str = "; ") -> str:
    """All reasons of a finding in words, joined by ``sep``."""
    return sep.join(reason_label(r) for r in reasons)


_DEFAULT_WHY = {
    Status.MISSING: "Nothing in the contract binds the vendor to this control.",
    Status.CONFLICT: "The contract negates or disclaims this control.",
    Status.WEAK: "The control is addressed, but not firmly enough.",
}


def gap_reason(finding: Finding) -> str:
    """Why a finding is a gap: its reasons in words, or what its status means when it names none.

    For an overridden finding the reviewer's comment comes first and the engine's reasons follow as
    what the engine said, so no report gives the engine's reason as if it were the decision.
    """
    engine = format_reasons(finding.reasons) or _DEFAULT_WHY.get(finding.status, "")
    ov = finding.override
    if ov is None or ov.decision != "overridden" or ov.status is None:
        return format_reasons(finding.reasons) or _DEFAULT_WHY.get(effective_status(finding), "")
    mine = ov.comment or _DEFAULT_WHY.get(
        ov.status, f"the reviewer found it {STATUS_LABELS[ov.status].lower()}."
    )
    said = f"{engine_said(finding)}" + (f": {engine}" if engine else "")
    return f"Reviewer: {mine.rstrip('.')}. ({said.rstrip('.')}.)"


_PARTY_WORDS = {
    "vendor": "binds the vendor",
    "assumed_vendor": "binds the vendor (read as the vendor's duty: the clause names no party)",
    "mutual": "binds both parties, so the vendor too",
    "customer": "puts the duty on the customer, not the vendor",
}
_MODALITY_WORDS = {
    "binding": "as a firm commitment (shall, will, must)",
    "descriptive": "as a present-tense statement of measures in a security schedule",
    "permissive": "only permissively (may, should, endeavour)",
    "prohibition": "as a prohibition",
    "none": "without a commitment",
}


def bound_party(finding: Finding) -> str:
    """Who the deciding clause binds, in words; a named party whose side no one decided is said to be so."""
    if finding.undecided_party:
        return (
            f"binds “{finding.undecided_party}”, whose side the document does not decide (read as the vendor's"
            " duty: check who it is, or name the vendor party)"
        )
    return _PARTY_WORDS.get(finding.party, "binds the vendor")


def status_reason(finding: Finding) -> str:
    """Why the finding has its status, met included: the clause, who it binds, how firmly, the numbers.

    For a gap this is :func:`gap_reason`; a met finding says which clause binds the vendor, how firmly,
    and the number it states against the playbook's limit.
    """
    if effective_status(finding) != Status.MET:
        return gap_reason(finding)
    ov = finding.override
    if ov is not None and ov.decision == "overridden":  # the reviewer found it met
        engine = format_reasons(finding.reasons) or _DEFAULT_WHY.get(finding.status, "")
        return (
            f"Reviewer: {(ov.comment or 'met').rstrip('.')}. ({engine_said(finding)}: {engine.rstrip('.')}.)"
        )
    ev = finding.evidence[0] if finding.evidence else None
    where = f"Section {ev.section}" if ev and ev.section else "The clause"
    party = bound_party(finding)
    firmly = _MODALITY_WORDS.get(finding.modality, "")
    parts = [f"{where} {party}" + (f" {firmly}" if firmly else "") + "."]
    if finding.params and finding.thresholds:
        parts.append(
            f"It states {params_words(finding.params)}; the playbook asks for {threshold_words(finding.thresholds)}."
        )
    elif finding.params:
        parts.append(f"It states {params_words(finding.params)}.")
    if finding.reasons:
        parts.append(f"Also noted: {format_reasons(finding.reasons)}.")
    return " ".join(parts)


def engine_said(finding: Finding) -> str:
    """What the engine decided, for showing beside a reviewer's override: "the engine said Met"."""
    return f"the engine said {STATUS_LABELS[finding.status]}"


def format_score(score: float) -> str:
    """The score as every screen and report shows it: a whole number, halves rounded up (48.5 → "49").

    Python's own formatting rounds halves to even ("48"), a spreadsheet's up ("49"): the same bundle
    showed 48 on Review and 49 on Bulk (issue 12). Everything rounds here.
    """
    return str(Decimal(str(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_params(params: dict[str, float]) -> str:
    """The numbers read from the contract: "notification_hours = 72"."""
    return "; ".join(f"{key} = {_number(value)}" for key, value in sorted(params.items()))


def format_thresholds(thresholds: dict[str, dict[str, float]]) -> str:
    """The playbook thresholds: "notification_hours ≤ 24".

    The scorer reports ``{"threshold": 24, "max": 1}`` (the limit, and its direction as a flag); a bare
    ``{"max": 24}`` is read as the limit itself, and any other bound is shown by name.
    """
    parts = []
    for key, bounds in sorted(thresholds.items()):
        if "threshold" in bounds:
            direction = next((d for d in _DIRECTION_SIGNS if d in bounds), "")
            parts.append(f"{key} {_DIRECTION_SIGNS.get(direction, '=')} {_number(bounds['threshold'])}")
            continue
        for bound, value in sorted(bounds.items()):
            parts.append(f"{key} {_DIRECTION_SIGNS.get(bound, bound)} {_number(value)}")
    return "; ".join(parts)


_UNITS = (
    ("business_days", "business day"),
    ("hours", "hour"),
    ("days", "day"),
    ("months", "month"),
    ("amount", ""),
)


def _split_key(key: str) -> tuple[str, str]:
    """ "notification_hours" → ("notification", "hour"); an amount has no unit."""
    for suffix, word in _UNITS:
        if key.endswith("_" + suffix):
            return key[: -len(suffix) - 1].replace("_", " "), word
    return key.replace("_", " "), ""


def quantity_words(value: float, unit: str) -> str:
    """A number with its unit as a lawyer writes it: "72 hours", "1 day", "7 days (168 hours)".

    ``unit`` is singular ("hour", "business day") or empty for an amount. Whole weeks of hours are also
    given in days, since that is how contracts state them.
    """
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"
    if not unit:
        return shown
    text = f"{shown} {unit}" + ("" if value == 1 else "s")
    if unit == "hour" and value >= 168 and value % 24 == 0:
        return f"{value / 24:g} days ({text})"
    return text


def params_words(params: dict[str, float]) -> str:
    """The numbers read from the contract in words: "notification: 72 hours"."""
    return "; ".join(f"{name}: {quantity_words(v, unit)}" for name, unit, v in _named(params))


def _named(params: dict[str, float]) -> list[tuple[str, str, float]]:
    return [(*_split_key(k), v) for k, v in sorted(params.items())]


def threshold_words(thresholds: dict[str, dict[str, float]]) -> str:
    """The playbook's thresholds in words: "notification: at most 72 hours" (scorer shape, see above)."""
    parts = []
    for key, bounds in sorted(thresholds.items()):
        name, unit = _split_key(key)
        if "threshold" in bounds:
            limit = bounds["threshold"]
            word = "at least" if "min" in bounds else "at most"
        else:
            word, limit = next(
                (("at most" if b == "max" else "at least", v) for b, v in bounds.items()), ("", 0.0)
            )
        parts.append(f"{name}: {word} {quantity_words(limit, unit)}")
    return "; ".join(parts)


def effective_status(finding: Finding) -> Status:
    """The status after a reviewer's override (an accepted finding keeps the engine's status)."""
    ov = finding.override
    if ov is not None and ov.decision == "overridden" and ov.status is not None:
        return ov.status
    return finding.status


def is_gap(finding: Finding) -> bool:
    """Whether the finding, as reviewed, still needs negotiation (weak, conflict or missing)."""
    return effective_status(finding) in GAP_STATUSES


def open_gaps(findings: Iterable[Finding]) -> list[Finding]:
    """The findings still open after review, most severe first (playbook order within a severity)."""
    return sorted((f for f in findings if is_gap(f)), key=lambda f: _SEVERITY_ORDER.get(f.severity, 9))


def override_text(finding: Finding) -> str:
    """The reviewer's decision in one line, or "" when nobody has reviewed the finding."""
    ov = finding.override
    if ov is None:
        return ""
    if ov.decision == "overridden" and ov.status is not None:
        head = f"Overridden: {STATUS_LABELS[finding.status]} → {STATUS_LABELS[ov.status]}"
    else:
        head = "Accepted" if ov.decision == "accepted" else "Overridden"
    who = f" by {ov.reviewer}" if ov.reviewer else ""
    when = f" on {ov.decided_at.replace('T', ' ').replace('+00:00', ' UTC')}" if ov.decided_at else ""
    tail = f": {ov.comment}" if ov.comment else ""
    return f"{head}{who}{when}{tail}"


def evidence_location(ev: Evidence) -> str:
    """Where a quote sits: "dpa.docx, section 12.3 (Security > Incidents), page 4" (and, for a scan,
    ", read by OCR with 94.5% confidence")."""
    parts = [ev.document] if ev.document else []
    if ev.section:
        parts.append(f"section {ev.section}" + (f" ({ev.heading})" if ev.heading else ""))
    elif ev.heading:
        parts.append(ev.heading)
    parts.append(f"page {ev.page}")
    if ev.ocr_confidence is not None:
        parts.append(f"read by OCR with {ev.ocr_confidence:g}% confidence")
    return ", ".join(parts)


def defined_terms_label(definition: Definition) -> str:
    """The defined names a definition gives, quoted: "Defined term “Provider”" or "Defined terms “A”, “B”"."""
    names = ", ".join(f"\u201c{t}\u201d" for t in definition.terms)
    return f"Defined term{'s' if len(definition.terms) > 1 else ''} {names}"


def status_counts(findings: Iterable[Finding], *, engine: bool = False) -> dict[Status, int]:
    """How many findings have each status after review (or the engine's, with ``engine``), zeros kept."""
    counts = Counter(f.status if engine else effective_status(f) for f in findings)
    return {status: counts.get(status, 0) for status in Status}


def _doc_label(info: DocumentInfo) -> str:
    return info.name or info.path


def bundle_documents(assessment: Assessment) -> list[DocumentInfo]:
    """Every document of the assessment, the main one first."""
    docs = list(assessment.documents)
    if assessment.document not in docs:
        docs.insert(0, assessment.document)
    return docs


def parties_text(info: DocumentInfo) -> str:
    """Who is the vendor and who the customer in a document, with where and why: one line per party."""
    return "\n".join(
        f"{p.role}: {' / '.join(p.names)} (page {p.page}, chars {p.start}–{p.end}; {p.basis})"
        for p in info.parties
    )


def assessment_label(assessment: Assessment) -> str:
    """The document name, or the bundle's names joined with " + "."""
    return " + ".join(_doc_label(d) for d in bundle_documents(assessment))
