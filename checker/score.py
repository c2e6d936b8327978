"""Scoring: matches + playbook → one :class:`~checker.models.Finding` per control, and a contract score.

Pure and deterministic. Where a status is decided, it is decided here:

- a match whose numbers break the playbook's threshold is weakened (``over_threshold``);
- per control, the best match wins (met, then weak); a control that only an express negation
  addresses is a **conflict**; one that is both bound and negated is at best **weak**, with both
  sides as evidence, so a reviewer resolves which prevails;
- no match is **missing**; nor is a control that only one clause addresses when no rule of the control
  matched it and only the learned detector proposed it (``lone_proposal``): the finding names the clause;
- a control another control's finding only implies stays missing, and names the clause (``implied``).

The contract score is the severity-weighted share of credit (met 1, weak 0.5, conflict and missing 0).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from checker import __version__
from checker.library.loader import Library
from checker.library.schema import Control, Parameter, Playbook, PlaybookControl
from checker.match.parameters import convert
from checker.models import (
    SET_ASIDE,
    Assessment,
    DocumentInfo,
    Evidence,
    Finding,
    FrameworkCoverage,
    InputError,
    Match,
    Provenance,
    Status,
)

__all__ = [
    "SEVERITY_WEIGHT",
    "STATUS_CREDIT",
    "apply_thresholds",
    "assess",
    "contract_score",
    "judge",
    "threshold_for",
]

SEVERITY_WEIGHT = {"critical": 10.0, "high": 6.0, "medium": 3.0, "low": 1.0}
STATUS_CREDIT = {Status.MET: 1.0, Status.WEAK: 0.5, Status.CONFLICT: 0.0, Status.MISSING: 0.0}
MAX_EVIDENCE = 5
# The reason code of a finding left missing because its only evidence was one clause the learned detector
# proposed and no rule of the control matched.
LONE_PROPOSAL = "lone_proposal"


def threshold_for(param: Parameter, playbook: Playbook, entry: PlaybookControl | None) -> float | None:
    """The threshold a playbook applies to a parameter, in the parameter's unit."""
    if entry is not None and param.key in entry.thresholds:
        return entry.thresholds[param.key]
    if playbook.level == "strict":
        return param.strict if param.strict is not None else param.acceptable
    return param.acceptable if param.acceptable is not None else param.strict


def _param_of(control: Control, key: str) -> tuple[Parameter, str] | None:
    for param in control.parameters:
        if key.startswith(param.key + "_"):
            return param, key[len(param.key) + 1 :]
    return None


def apply_thresholds(
    match: Match, control: Control, playbook: Playbook, entry: PlaybookControl | None
) -> Match:
    """The match, weakened where a number it states breaks the playbook's threshold."""
    if match.status == Status.CONFLICT or not match.params:
        return match
    reasons = list(match.reasons)
    codes = list(match.reason_codes)
    for key, value in match.params.items():
        found = _param_of(control, key)
        if found is None:
            continue
        param, unit = found
        limit = threshold_for(param, playbook, entry)
        if limit is None:
            continue
        in_unit = convert(value, unit, param.unit.value)
        if in_unit is None:
            continue
        broken = in_unit > limit if param.direction == "max" else in_unit < limit
        if broken:
            word = "above" if param.direction == "max" else "below"
            shown = f"{value:g} {unit.replace('_', ' ')}"
            reasons.append(
                f"{shown} is {word} the playbook threshold of {limit:g} {param.unit.value.replace('_', ' ')}"
            )
            codes.append("over_threshold")
    if len(reasons) == len(match.reasons):
        return match
    return match.model_copy(update={"status": Status.WEAK, "reasons": reasons, "reason_codes": codes})


# How far a weak reason suggests the clause is not really the duty (higher = less representative).
_REASON_PENALTY = {"no_commitment": 4, "partial": 3, "no_parameter": 3, "customer_right": 2, "permissive": 2}


def _rank(match: Match) -> tuple[int, int, int, int, int]:
    """Best evidence first: met, then the weak clause that comes closest to the duty itself; among equals,
    a clause that states the control's number (the finding reports it)."""
    order = {Status.MET: 0, Status.WEAK: 1, Status.CONFLICT: 2}
    penalty = sum(_REASON_PENALTY.get(code, 1) for code in match.reason_codes)
    unnamed = 1 if match.party == "assumed_vendor" else 0
    return (order.get(match.status, 3), penalty, 0 if match.params else 1, unnamed, match.clause_index)


def _numbers_from_rules(judged: list[Match]) -> list[Match]:
    """The numbers are the rules': where the best evidence is a clause the detector proposed with a number
    ("any Security Incident ... within 24 hours" for a supply-chain notice), and the control's own rules
    found a clause with a number ("any compromise of a third-party component ... within two business
    days"), the rules' clause is the finding's evidence and its number the finding's."""
    if not judged or judged[0].rule != "detector" or not judged[0].params:
        return judged
    ruled = next(
        (m for m in judged if m.rule != "detector" and m.params and m.status != Status.CONFLICT), None
    )
    if ruled is None:
        return judged
    return [ruled, *(m for m in judged if m is not ruled)]


def judge(
    control: Control,
    matches: Sequence[Match],
    playbook: Playbook,
    entry: PlaybookControl | None = None,
) -> Finding:
    """The finding for one control from all its matches in a document or bundle.

    A match the detector set aside (:data:`~checker.models.SET_ASIDE`) is not evidence; where nothing else
    is, the missing finding names the clauses set aside and why.
    """
    evidence = [m for m in matches if SET_ASIDE not in m.reason_codes]
    judged = _numbers_from_rules(
        sorted((apply_thresholds(m, control, playbook, entry) for m in evidence), key=_rank)
    )
    severity = (entry.severity.value if entry and entry.severity else None) or control.severity.value
    level = playbook.level
    fallback = control.fallback.strict if level == "strict" else control.fallback.acceptable
    thresholds: dict[str, dict[str, float]] = {}
    for param in control.parameters:
        limit = threshold_for(param, playbook, entry)
        if limit is not None:
            thresholds[param.report_key] = {
                "threshold": limit,
                "max" if param.direction == "max" else "min": 1,
            }
    references = [f"{r.framework} {r.section}" for r in control.references]
    base = {
        "control": control.id,
        "title": control.title,
        "catalogue": control.catalogue,
        "family": control.family,
        "severity": severity,
        "thresholds": thresholds,
        "fallback": fallback,
        "references": references,
    }
    if not judged:
        set_aside = [m for m in matches if SET_ASIDE in m.reason_codes]
        return Finding(
            **base,
            status=Status.MISSING,
            reasons=[
                "nothing in the contract binds the vendor to this",
                *(_set_aside_reason(m) for m in set_aside[:MAX_EVIDENCE]),
            ],
            reason_codes=[SET_ASIDE] if set_aside else [],
        )
    conflicts = [m for m in judged if m.status == Status.CONFLICT]
    best = judged[0]
    if best.status == Status.CONFLICT:
        return Finding(
            **base,
            status=Status.CONFLICT,
            evidence=_evidence(judged),
            reasons=list(best.reasons),
            reason_codes=list(best.reason_codes),
            rule=best.rule,
            party=best.party,
            undecided_party=best.undecided_party,
            modality=best.modality,
        )
    reasons = list(best.reasons)
    codes = list(best.reason_codes)
    evidence = [best, *conflicts, *(m for m in judged if m is not best and m.status != Status.CONFLICT)]
    if conflicts:
        # The contract both binds and excludes: never report it as plainly met; show both sides.
        other = conflicts[0].evidence
        reasons.append(
            f"another clause ({other.document} {_where(other)}) appears to exclude it: resolve which prevails"
        )
        codes.append("inconsistent")
    return Finding(
        **base,
        status=Status.WEAK if conflicts else best.status,
        evidence=_evidence(evidence),
        params=dict(best.params),
        reasons=reasons,
        reason_codes=codes,
        rule=best.rule,
        party=best.party,
        undecided_party=best.undecided_party,
        modality=best.modality,
    )


def _where(evidence: Evidence) -> str:
    """Where a clause is in its document, as a reason names it: its section, or its page."""
    return f"§{evidence.section}" if evidence.section else f"page {evidence.page}"


def _quoted(ev: Evidence) -> str:
    """A clause as a reason names it: its document, where it is, and its text (clipped to 120 characters)."""
    text = ev.text if len(ev.text) <= 120 else ev.text[:117] + "..."
    return f"{ev.document} {_where(ev)} (“{text}”)"


def _set_aside_reason(match: Match) -> str:
    """Where a clause the detector set aside is, what it says, and why it was set aside."""
    return f"{_quoted(match.evidence)}: {match.reasons[0]}"


def _implied(
    finding: Finding,
    control: Control,
    by_control: dict[str, list[Match]],
    playbook: Playbook,
    library: Library,
) -> Finding:
    """A missing control that another control's finding addresses implicitly stays missing, and says so.

    A use limitation ("only to provide the Services") implies a no-training commitment at most; it binds
    the vendor to nothing the control asks for expressly (corpus LABELLING.md rule 8), so the finding is
    missing, code ``implied``, and its reason names the clause that implies it, for the reviewer to weigh.
    """
    for other_id in control.implied_by:
        other = library.controls.get(other_id)
        if other is None or not by_control.get(other_id):
            continue
        basis = judge(other, by_control[other_id], playbook)
        if basis.status in (Status.MET, Status.WEAK) and basis.evidence:
            return finding.model_copy(
                update={
                    # The other control by its code, as the reviewer knows it, never by its id.
                    "reasons": [
                        *finding.reasons,
                        f"only implied by {other.title.lower()} ({other.catalogue or other.title}):"
                        f" {_quoted(basis.evidence[0])}; no express commitment",
                    ],
                    "reason_codes": ["implied", *finding.reason_codes],
                    "rule": f"{control.id}.implied_by[{other_id}]",
                }
            )
    return finding


def _lone_proposal(
    finding: Finding, control: Control, matches: Sequence[Match], playbook: Playbook, entry: PlaybookControl
) -> Finding:
    """A finding whose only evidence is one clause the detector proposed, missing and naming that clause.

    The detector proposes a clause no rule of the control matched when it reads like the labelled clauses
    of the control. One such clause alone is not enough to say that the document addresses the control
    (on the open corpus, cross-validated, more of these findings were wrong than right); two clauses, or a
    rule's match beside it, are. A conflict is kept as it is.
    """
    if any(m.status == Status.CONFLICT for m in matches):
        return finding
    evidence = [m for m in matches if SET_ASIDE not in m.reason_codes]
    if not evidence or any(m.rule != "detector" for m in evidence):
        return finding
    if len({(m.document, m.clause_index) for m in evidence}) > 1:
        return finding
    proposal = evidence[0]
    blank = judge(control, [], playbook, entry)
    return blank.model_copy(
        update={
            "reasons": [
                *blank.reasons,
                f"one clause only, which no rule of this control matched: {_quoted(proposal.evidence)}"
                f" was {proposal.reasons[0]}",
            ],
            "reason_codes": [LONE_PROPOSAL, *blank.reason_codes],
        }
    )


def _unstated_duty(finding: Finding, control: Control, matches: Sequence[Match]) -> Finding:
    """A met finding of a control of two duties, weak when no met clause states the number one of them needs.

    A parameter that is ``required_in_context`` belongs to one of the control's duties (the notice of
    exploited vulnerabilities within hours, beside a disclosure process): a clause of the other duty is met
    on its own, but the document meets the control only if some clause also binds the vendor firmly (met) to
    that number: a hedged "we aim to tell you within 72 hours" does not.
    """
    firm = [m for m in matches if SET_ASIDE not in m.reason_codes and m.status == Status.MET]
    for param in control.parameters:
        if not param.required_in_context:
            continue
        if any(key.startswith(f"{param.key}_") for m in firm for key in m.params):
            continue
        what = param.key.replace("_", " ")
        hedged = any(
            key.startswith(f"{param.key}_")
            for m in matches
            if SET_ASIDE not in m.reason_codes
            for key in m.params
        )
        return finding.model_copy(
            update={
                "status": Status.WEAK,
                "reasons": [
                    f"no clause binds the vendor firmly to the {what} that one of this control's duties"
                    " needs (a clause that states it is weak); the clauses found meet its other duty only"
                    if hedged
                    else f"no clause states the {what} that one of this control's duties needs; the clauses"
                    " found meet its other duty only",
                    *finding.reasons,
                ],
                "reason_codes": ["no_parameter", *finding.reason_codes],
            }
        )
    return finding


def _evidence(matches: Iterable[Match]) -> list[Evidence]:
    seen: set[tuple[str, int, int]] = set()
    out: list[Evidence] = []
    for m in matches:
        key = (m.evidence.document, m.evidence.start, m.evidence.end)
        if key not in seen:
            seen.add(key)
            out.append(m.evidence)
        if len(out) >= MAX_EVIDENCE:
            break
    return out


def contract_score(
    findings: Sequence[Finding], statuses: Sequence[Status] | None = None
) -> tuple[float, str]:
    """The severity-weighted score (one decimal) and its explanation.

    ``statuses`` gives each finding's status in order (the reviewer's, after review); by default the
    engine's own.
    """
    shown = list(statuses) if statuses is not None else [f.status for f in findings]
    total = sum(SEVERITY_WEIGHT.get(f.severity, 1.0) for f in findings)
    if not total:
        return 0.0, "no controls in the playbook"
    got = sum(
        SEVERITY_WEIGHT.get(f.severity, 1.0) * STATUS_CREDIT[s] for f, s in zip(findings, shown, strict=True)
    )
    counts: defaultdict[str, int] = defaultdict(int)
    for s in shown:
        counts[s.value] += 1
    score = round(100.0 * got / total, 1)
    explanation = (
        f"{got:g} of {total:g} severity-weighted points (met 1, weak 0.5, conflict and missing 0; "
        f"weights critical 10, high 6, medium 3, low 1): "
        + ", ".join(f"{counts[s.value]} {s.value}" for s in Status)
    )
    return score, explanation


def playbook_hash(playbook: Playbook) -> str:
    """A short content hash of the playbook as applied."""
    return hashlib.sha256(playbook.model_dump_json().encode()).hexdigest()[:16]


def assess(
    documents: Sequence[DocumentInfo],
    matches: Sequence[Match],
    playbook: Playbook,
    library: Library,
    errors: Sequence[InputError] = (),
    coverage: Sequence[FrameworkCoverage] = (),
) -> Assessment:
    """One assessment of a document or bundle: a finding per playbook control, score and provenance."""
    if not documents:
        raise ValueError("an assessment needs at least one document")
    by_control: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        by_control[m.control].append(m)
    findings = []
    for entry in playbook.controls:
        control = library.controls.get(entry.id)
        if control is None:
            raise ValueError(f"playbook {playbook.name!r} names unknown control {entry.id!r}")
        finding = judge(control, by_control.get(entry.id, []), playbook, entry)
        if finding.status in (Status.MET, Status.WEAK):
            finding = _lone_proposal(finding, control, by_control[entry.id], playbook, entry)
        if finding.status == Status.MISSING and control.implied_by:
            finding = _implied(finding, control, by_control, playbook, library)
        if finding.status == Status.MET:
            finding = _unstated_duty(finding, control, by_control.get(entry.id, []))
        findings.append(finding)
    score, explanation = contract_score(findings)
    provenance = Provenance(
        tool_version=__version__,
        library_version=library.version,
        library_hash=library.content_hash,
        playbook=playbook.name,
        playbook_hash=playbook_hash(playbook),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return Assessment(
        document=documents[0],
        documents=list(documents),
        playbook=playbook.name,
        score=score,
        score_explanation=explanation,
        findings=findings,
        coverage=list(coverage),
        errors=list(errors),
        provenance=provenance,
    )
