"""The matcher: every clause read against every control of the library.

:class:`Engine` compiles the library once (term groups, weak language, modality, parties) and then
reads clauses. For each clause that addresses a control (all term groups of one of its rules hit) it
decides who is bound and how firmly (:mod:`checker.match.obligation`), which numbers belong to the
duty (:mod:`checker.match.quantities`), and what makes it weak or a conflict. The result is a
:class:`~checker.models.Match` per clause and control, with the rule, the words and the reasons that
decided it, so that a reviewer can check every call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.library.loader import Library
from checker.library.schema import Control, Parameter
from checker.match.obligation import ObligationReader, defined_party_names
from checker.match.phrases import compile_phrases, compile_regexes, normalise
from checker.match.quantities import Quantity, defined_periods, find_quantities
from checker.models import Clause, ClauseKind, Document, Evidence, Match, Status

__all__ = ["DocumentContext", "Engine"]

# Units a parameter may be read in, and the factor that converts them to the parameter's own unit.
_CONVERT: dict[tuple[str, str], float] = {
    ("days", "hours"): 24.0,
    ("business_days", "hours"): 24.0,
    ("hours", "days"): 1 / 24,
    ("business_days", "days"): 7 / 5,
    ("days", "business_days"): 5 / 7,
    ("months", "days"): 30.0,
    ("days", "months"): 1 / 30,
}
_FEASIBILITY = re.compile(r"\b(?:when|where|if|to the extent) (?:feasible|practicable|possible)\b", re.I)
_ONLY = re.compile(r"\b(?:only|solely|exclusively|strictly)\b", re.I)
# The action belongs to the customer when the vendor only helps with it:
# "Provider will assist Customer in meeting Customer's obligations to notify ...".
_CUSTOMER_DUTY = re.compile(
    r"\b(?:customer|controller|client|data exporter|you)(?:'s|s'|r)?\s+(?:own\s+)?(?:legal\s+|regulatory\s+)?"
    r"(?:obligations?|duty|duties|compliance|responsibilit(?:y|ies))\b"
    r"|\b(?:assist\w*|help\w*|enabl\w*|allow\w*|permit\w*|support\w*)\s+(?:the\s+)?"
    r"(?:customer|controller|client|data exporter|you)\s+(?:in\s+|to\s+|with\s+)?(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_LOWER_START = re.compile(r"^\s*(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?[a-z]")


@dataclass(frozen=True)
class _Compiled:
    control: Control
    groups: dict[str, re.Pattern[str]]
    conflict_groups: dict[str, re.Pattern[str]]
    exclude: re.Pattern[str] | None
    weak: dict[str, re.Pattern[str]]


@dataclass(frozen=True)
class DocumentContext:
    """What the matcher knows about the whole document when it reads one clause."""

    name: str
    reader: ObligationReader
    periods: dict[str, Quantity]
    schedule: bool = False


@dataclass(frozen=True)
class _Clause:
    """A clause prepared for matching: normalised text, lead-in, modals and numbers computed once."""

    text: str
    lead: int  # length of the lead-in prepended to the clause text (0 if none)
    heading: str
    modals: list[tuple[int, int, str, str]]
    quantities: list[Quantity]
    non_evidence: str
    schedule: bool


class Engine:
    """The compiled library: build once, then :meth:`match_document` or :meth:`match_text`."""

    def __init__(self, library: Library) -> None:
        self.library = library
        lang = library.language
        self.language = lang
        self.reader = ObligationReader(lang)
        weak_lang = lang.get("weak", {})
        self._weak_messages = {k: v.get("message", k) for k, v in weak_lang.items()}
        weak_patterns = {k: compile_regexes(v.get("phrases", [])) for k, v in weak_lang.items()}
        self._schedule = compile_phrases(lang.get("schedule_headings", []))
        self._non_evidence_heading = compile_phrases(lang.get("non_evidence_headings", []))
        self._non_evidence = {
            kind: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)
            for kind, pats in lang.get("non_evidence_patterns", {}).items()
        }
        self._controls: list[_Compiled] = []
        for control in library.controls.values():
            if control.status == "deprecated":
                continue
            spec = control.match
            self._controls.append(
                _Compiled(
                    control=control,
                    groups={k: compile_phrases(v) for k, v in spec.terms.items()},
                    conflict_groups={
                        k: compile_phrases(v) for k, v in {**spec.terms, **spec.conflict_terms}.items()
                    },
                    exclude=compile_phrases(spec.exclude) if spec.exclude else None,
                    weak={r: weak_patterns[r] for r in control.weak_reasons if r in weak_patterns},
                )
            )

    # -- document level -------------------------------------------------------------------------

    def context(self, doc: Document) -> DocumentContext:
        """Party names, defined periods and schedule status of a document."""
        vendor, customer = defined_party_names(doc.text, self.language)
        schedule = bool(self._schedule.search(doc.name.replace("_", " ").replace("-", " ")))
        return DocumentContext(
            doc.name, self.reader.with_names(vendor, customer), defined_periods(doc.text), schedule
        )

    def match_document(self, doc: Document, clauses: Sequence[Clause]) -> list[Match]:
        """Every match of every clause of ``doc`` against every control."""
        ctx = self.context(doc)
        matches: list[Match] = []
        previous: Clause | None = None
        for clause in clauses:
            if clause.kind != ClauseKind.HEADING:
                lead = ""
                if (
                    previous is not None
                    and previous.text.rstrip().endswith((":", "-", "—"))
                    and _LOWER_START.match(clause.text)
                ):
                    lead = previous.text
                matches.extend(self._match_clause(clause, ctx, lead))
            continues_lead = (
                previous is not None
                and _LOWER_START.match(clause.text)
                and previous.text.rstrip().endswith(":")
            )
            if clause.kind != ClauseKind.HEADING and not continues_lead:
                previous = clause
        return matches

    def match_text(self, text: str, heading: str = "", document: str = "example") -> list[Match]:
        """Matches for one sentence read on its own (library examples, the app's try-it box)."""
        clause = Clause(
            index=0,
            start=0,
            end=len(text),
            text=text,
            page=1,
            heading_path=[heading] if heading else [],
            document=document,
        )
        ctx = DocumentContext(document, self.reader, defined_periods(text), False)
        return self._match_clause(clause, ctx, "")

    # -- clause level ---------------------------------------------------------------------------

    def _prepare(self, clause: Clause, ctx: DocumentContext, lead: str) -> _Clause:
        text = normalise(f"{lead} {clause.text}" if lead else clause.text)
        lead_len = len(lead) + 1 if lead else 0
        heading = normalise(" > ".join(clause.heading_path))
        non_evidence = ""
        if heading and self._non_evidence_heading.search(heading):
            non_evidence = "heading"
        else:
            body = text[lead_len:]
            for kind, pattern in self._non_evidence.items():
                if pattern.search(body):
                    non_evidence = kind
                    break
        schedule = ctx.schedule or bool(heading and self._schedule.search(heading))
        quantities = find_quantities(text)
        for term, period in ctx.periods.items():
            for m in re.finditer(re.escape(term), text, re.IGNORECASE):
                before = text[max(0, m.start() - 12) : m.start()].lower()
                if "means" in text[m.end() : m.end() + 12].lower():
                    continue
                quantities.append(
                    Quantity(period.value, period.unit, m.start(), m.end(), m.group(0),
                             "within" if "within" in before or "the" in before else "", period.defined_term)
                )  # fmt: skip
        quantities.sort(key=lambda q: q.start)
        return _Clause(text, lead_len, heading, self.reader.modals(text), quantities, non_evidence, schedule)

    def _match_clause(self, clause: Clause, ctx: DocumentContext, lead: str) -> list[Match]:
        prepared: _Clause | None = None
        out: list[Match] = []
        norm = normalise(clause.text)
        for compiled in self._controls:
            hit = self._rule_hit(compiled, norm)
            if hit is None:
                continue
            if prepared is None:
                prepared = self._prepare(clause, ctx, lead)
            match = self._judge(compiled, clause, prepared, ctx, hit)
            if match is not None:
                out.append(match)
        return out

    @staticmethod
    def _rule_hit(compiled: _Compiled, text: str) -> tuple[int, list[str]] | None:
        """(rule index, matched words) of the first rule whose groups all hit."""
        spec = compiled.control.match
        cache: dict[str, re.Match[str] | None] = {}
        for i, rule in enumerate(spec.rules):
            words = []
            positions = []
            for group in rule:
                if group not in cache:
                    cache[group] = compiled.groups[group].search(text)
                m = cache[group]
                if m is None:
                    break
                words.append(m.group(0))
                positions.append(m.start())
            else:
                if spec.near and positions:
                    span = text[min(positions) : max(positions)]
                    if len(span.split()) > spec.near:
                        continue
                if compiled.exclude is not None and compiled.exclude.search(text):
                    return None
                return i, words
        return None

    def _judge(
        self,
        compiled: _Compiled,
        clause: Clause,
        prep: _Clause,
        ctx: DocumentContext,
        hit: tuple[int, list[str]],
    ) -> Match | None:
        control = compiled.control
        spec = control.match
        text = prep.text
        body = text[prep.lead :]
        rule_name = f"{control.id}.rules[{hit[0]}]"
        terms = hit[1]

        def make(status: Status, rule: str, reasons: list[tuple[str, str]], party: str = "", modality: str = "",
                 params: dict[str, float] | None = None) -> Match:  # fmt: skip
            return Match(
                control=control.id,
                clause_index=clause.index,
                document=clause.document,
                status=status,
                evidence=Evidence(
                    text=clause.text,
                    document=clause.document,
                    page=clause.page,
                    start=clause.start,
                    end=clause.end,
                    section=clause.section,
                    heading=clause.heading,
                    clause_index=clause.index,
                ),
                rule=rule,
                terms=terms,
                party=party,
                modality=modality,
                params=params or {},
                reasons=[msg for _, msg in reasons],
                reason_codes=[code for code, _ in reasons],
            )

        if prep.non_evidence in ("heading", "definition"):
            return None
        # Express negation or disclaimer named by the control.
        for i, rule in enumerate(spec.conflict):
            found = [compiled.conflict_groups[g].search(body) for g in rule]
            if all(found):
                words = [m.group(0) for m in found if m]
                return make(Status.CONFLICT, f"{control.id}.conflict[{i}]",
                            [("express_exclusion", f"expressly excluded: '{' … '.join(words)}'")])  # fmt: skip
        if prep.non_evidence:
            return None

        action = compiled.groups[spec.action]
        action_hits = [m for m in action.finditer(text) if m.start() >= prep.lead] or list(
            action.finditer(text)
        )
        if not action_hits:
            return None
        readings = [(m, ctx.reader.read(text, m.start(), prep.modals)) for m in action_hits]
        # Prefer the occurrence a vendor-side modal governs.
        rank = {"vendor": 0, "mutual": 1, "assumed_vendor": 2, "customer": 3}
        strength = {
            "binding": 0,
            "prohibition": 1,
            "negated": 2,
            "permissive": 3,
            "descriptive": 4,
            "none": 5,
        }
        act, ob = min(readings, key=lambda r: (rank.get(r[1].party, 4), strength.get(r[1].modality, 6)))

        if ob.modal_start >= 0 and ob.modal_start < act.start():
            gap = text[ob.modal_start + len(ob.modal_text) : act.start()]
            if _CUSTOMER_DUTY.search(gap) and not compiled.groups[spec.action].search(gap):
                return None
        reasons: list[tuple[str, str]] = []
        modality = ob.modality
        party = ob.party
        if party == "customer":
            if spec.customer_right != "none" and modality in ("permissive", "binding", "descriptive", "none"):
                reasons = []
                if spec.customer_right == "weak":
                    reasons = [("customer_right", "a right of the customer, not a vendor duty")]
                status = Status.MET if not reasons else Status.WEAK
                return make(status, rule_name + " (customer right)", reasons, party, modality)
            if spec.customer_right != "none" and modality in ("prohibition", "negated"):
                return make(Status.CONFLICT, rule_name,
                            [("excluded_right", f"the customer's right is excluded: '{ob.modal_text}'")],
                            party, modality)  # fmt: skip
            return None
        if modality == "negated":
            return make(Status.CONFLICT, rule_name, [("negated", f"the duty is denied: '{ob.modal_text}'")],
                        party, modality)  # fmt: skip
        if modality == "prohibition":
            if spec.satisfy_by_prohibition:
                modality = "binding"
            elif 0 <= act.start() - (ob.modal_start + len(ob.modal_text)) < 25:
                return make(Status.CONFLICT, rule_name, [("negated", f"the vendor refuses it: '{ob.modal_text}'")],
                            party, modality)  # fmt: skip
            else:
                modality = "none"
        if modality == "permissive":
            if spec.satisfy_by_prohibition and _ONLY.search(text[ob.modal_start : act.end() + 200]):
                modality = "binding"
            else:
                msg = self._weak_messages.get("permissive", "permissive {match}").format(match=ob.modal_text)
                reasons.append(("permissive", msg))
        if modality == "none" and not prep.schedule:
            # No verb binds anyone to the action: a mention, a heading-like line, a cross-reference.
            return None
        if modality == "descriptive" and not prep.schedule:
            if ob.party == "assumed_vendor" and not ob.party_text:
                return None
            reasons.append(
                ("no_commitment", "stated as a description, not a commitment (no shall/will/must)")
            )

        params, param_reasons, firm_number = self._parameters(control, prep, act.start())
        reasons.extend(param_reasons)
        asides = _parentheticals(body)
        for reason, pattern in compiled.weak.items():
            m = next((h for h in pattern.finditer(body) if not _inside(h.start(), asides)), None)
            if m is None:
                continue
            if firm_number and reason == "vague_timing":
                continue
            if firm_number and reason == "effort_qualifier" and _FEASIBILITY.fullmatch(m.group(0)):
                continue
            reasons.append((reason, self._weak_messages.get(reason, reason).format(match=m.group(0))))
        status = Status.WEAK if reasons else Status.MET
        return make(status, rule_name, reasons, party, modality, params)

    def _parameters(
        self, control: Control, prep: _Clause, action_at: int
    ) -> tuple[dict[str, float], list[tuple[str, str]], bool]:
        """The numbers that belong to the control's duty, reasons about them, and whether one is firm."""
        params: dict[str, float] = {}
        reasons: list[tuple[str, str]] = []
        firm = False
        for param in control.parameters:
            q = _pick(param, prep.quantities, action_at)
            if q is None:
                if param.required:
                    has_vague = any(
                        k in ("vague_timing",) and p.search(prep.text)
                        for k, p in ((r, self._weak_regex(r)) for r in control.weak_reasons)
                    )
                    if not has_vague:
                        msg = self._weak_messages.get("no_parameter", "no fixed {param}")
                        reasons.append(("no_parameter", msg.format(param=param.key.replace("_", " "))))
                continue
            key = f"{param.key}_{q.unit}"
            params[key] = q.value
            firm = True
            days_for_hours = param.unit.value == "hours" and q.unit in ("days", "business_days")
            if days_for_hours and "days_not_hours" in control.weak_reasons:
                reasons.append(("days_not_hours", self._weak_messages.get("days_not_hours", "days")))
            if q.defined_term:
                params.setdefault(f"{param.key}_{q.unit}", q.value)
        return params, reasons, firm

    def _weak_regex(self, reason: str) -> re.Pattern[str]:
        phrases = self.language.get("weak", {}).get(reason, {}).get("phrases", [])
        return compile_regexes(phrases)

    @property
    def controls(self) -> list[Control]:
        """The controls this engine reads, in library order."""
        return [c.control for c in self._controls]

    def controls_for(self, ids: Iterable[str]) -> list[Control]:
        """The compiled controls among ``ids``."""
        wanted = set(ids)
        return [c.control for c in self._controls if c.control.id in wanted]


def _parentheticals(text: str) -> list[tuple[int, int]]:
    """Spans of parenthetical asides; qualifiers inside them do not weaken the main obligation."""
    spans = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and i - start > 4:
                spans.append((start, i))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _pick(param: Parameter, quantities: list[Quantity], action_at: int) -> Quantity | None:
    """The quantity that belongs to the duty at ``action_at``: a unit the parameter reads, nearest after."""
    units = {param.unit.value, *(u.value for u in param.accept_units)}
    if param.unit.value == "amount":
        candidates = [q for q in quantities if q.unit == "amount"]
    else:
        candidates = []
        for q in quantities:
            if q.unit in units:
                candidates.append(q)
            elif q.unit == "months" and param.unit.value == "days":
                days = round(q.value * 365 / 12)
                candidates.append(Quantity(days, "days", q.start, q.end, q.text, q.intro, q.defined_term))
    if not candidates:
        return None
    after = [q for q in candidates if q.start >= action_at and q.start - action_at < 260]
    if after:
        return after[0]
    before = [q for q in candidates if q.end <= action_at and action_at - q.end < 160]
    return before[-1] if before else None


def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; None when the units do not convert."""
    if unit == to:
        return value
    factor = _CONVERT.get((unit, to))
    return None if factor is None else value * factor
