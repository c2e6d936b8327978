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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain

from checker.detect.features import clause_features, describe_feature
from checker.detect.model import Detector, Opinion
from checker.detect.neighbours import read_with_lead
from checker.library.loader import Library
from checker.library.schema import Control, Parameter
from checker.match.judge import Action, Explanation, Reading, Verdict, judge
from checker.match.obligation import ObligationReader
from checker.match.parameters import pick_quantity
from checker.match.phrases import compile_phrases, compile_regexes, fold, normalise
from checker.match.qualifiers import Qualifiers
from checker.match.quantities import Quantity
from checker.match.roles import Roles, read_roles
from checker.match.rules import CompiledControl, RuleHit, RuleIndex, compile_control, rule_hit, searches
from checker.match.structure import Predicate, Structure
from checker.match.vocabulary import with_party_words
from checker.models import SET_ASIDE, Clause, ClauseKind, Document, Match, Status
from checker.segment.headings import reads_as_title

__all__ = ["DocumentContext", "Engine", "sentence_clause"]

_LOWER_START = re.compile(r"^\s*(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?[a-z]")


@dataclass(frozen=True)
class DocumentContext:
    """What the matcher knows about the whole document when it reads one clause."""

    name: str
    reader: ObligationReader
    periods: dict[str, Quantity]
    schedule: bool = False
    roles: Roles = field(default_factory=Roles)


@dataclass(frozen=True)
class _Clause:
    """A clause prepared for matching: texts, lead-in, modals and numbers, computed once."""

    text: str  # folded (normalised, lower case) lead-in + clause
    original: str  # normalised, original case, same offsets
    lead: int  # length of the lead-in prepended to the clause text (0 if none)
    modals: list[tuple[int, int, str, str]]
    quantities: list[Quantity]
    non_evidence: str
    schedule: bool
    structure: Structure  # its limbs: subject, modal and span of each (checker.match.structure)
    guidance: bool = False  # text that explains a requirement (guidance, discussion, rationale)
    numbered: int = 0  # length of the requirement identifier opening the clause ("ISM-1755;"), 0 if none

    @cached_property
    def qualifiers(self) -> Qualifiers:
        """The body's weak-language hits, each pattern scanned once (:mod:`checker.match.qualifiers`)."""
        return Qualifiers(self.text[self.lead :])


@dataclass
class _Read:
    """One clause as the rules read it, with what the detector reuses: its folded text, the detector's
    names of the term groups it contains and its preparation (made once, by the first rule hit or detector
    proposal that needs it)."""

    clause: Clause
    lead: str
    found: list[Match]
    folded: str
    groups: list[str]
    prepared: _Clause | None


def sentence_clause(text: str, heading: str = "", document: str = "example") -> Clause:
    """One sentence as a clause of its own, under ``heading`` (a library example, a training sentence)."""
    return Clause(
        index=0,
        start=0,
        end=len(text),
        text=text,
        page=1,
        heading_path=[heading] if heading else [],
        document=document,
    )


class Engine:
    """The compiled library: build once, then :meth:`match_document` or :meth:`match_text`."""

    def __init__(self, library: Library, detector: Detector | None = None) -> None:
        self.library = library
        self.detector = detector
        lang = library.language
        self.language = lang
        self.reader = ObligationReader(lang)
        self.vocabulary = self.reader.words
        weak_lang = lang.get("weak", {})
        self._weak_messages = {k: v.get("message", k) for k, v in weak_lang.items()}
        weak_patterns = {
            k: compile_regexes(with_party_words(v.get("phrases", []), lang)) for k, v in weak_lang.items()
        }
        self._vague = weak_patterns.get("vague_timing", compile_regexes([]))
        self._schedule = compile_phrases(lang.get("schedule_headings", []))
        self._non_evidence_heading = compile_phrases(lang.get("non_evidence_headings", []))
        self._guidance_heading = compile_phrases(lang.get("guidance_headings", []))
        labels = "|".join(re.escape(w) for w in lang.get("guidance_labels", [])) or r"(?!x)x"
        # Matched at the clause body's start (``match(text, pos)``): a "^" would never match after a lead-in.
        self._guidance_label = re.compile(rf"\W*(?:{labels})\s*:", re.IGNORECASE)
        self._non_evidence = {
            kind: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)
            for kind, pats in lang.get("non_evidence_patterns", {}).items()
        }
        self._controls: list[CompiledControl] = []
        for control in library.controls.values():
            if control.status == "deprecated":
                continue
            self._controls.append(compile_control(control, weak_patterns))
        self._index = RuleIndex(self._controls)
        # The detector's name for each term group a clause can contain ("g:control:group"), per control.
        self._group_features = [
            {group: f"g:{c.control.id}:{group}" for group in c.groups} for c in self._controls
        ]
        self._group_names = [names.__getitem__ for names in self._group_features]

    @property
    def controls(self) -> list[Control]:
        """The controls this engine reads, in library order."""
        return [c.control for c in self._controls]

    # -- document level -------------------------------------------------------------------------

    def roles(self, doc: Document, vendor: str | None = None) -> Roles:
        """Who the vendor and the customer are in ``doc`` (``vendor``: the vendor party the user names)."""
        return read_roles(doc.text, self.language, vendor, doc.page_of)

    def context(self, doc: Document, roles: Roles | None = None) -> DocumentContext:
        """Party roles, defined periods and schedule status of a document."""
        roles = roles if roles is not None else self.roles(doc)
        schedule = bool(self._schedule.search(fold(doc.name.replace("_", " ").replace("-", " "))))
        reader = self.reader.with_names(roles.vendor, roles.customer, roles.unknown)
        return DocumentContext(doc.name, reader, self._periods(doc.text), schedule, roles)

    def match_document(
        self, doc: Document, clauses: Sequence[Clause], roles: Roles | None = None
    ) -> list[Match]:
        """Every match of every clause of ``doc`` against every control.

        ``roles`` are the document's parties (:meth:`roles`), read from the document when not given.
        The rules read each clause first; then, with a detector, every clause's features (its words, the
        library terms it contains, what the rules found) are scored at once: the detector sets aside the
        rules' matches it finds improbable and proposes the controls the rules did not find (:meth:`_detect`).
        """
        ctx, read = self._read_document(doc, clauses, roles)
        if self.detector is not None and read:
            return self._detect(read, ctx)
        return [m for r in read for m in r.found]

    def read_clauses(
        self, doc: Document, clauses: Sequence[Clause], roles: Roles | None = None
    ) -> tuple[DocumentContext, list[tuple[Clause, str, list[Match]]]]:
        """The rules' reading of every clause that can be evidence: (clause, its lead-in, its matches)."""
        ctx, read = self._read_document(doc, clauses, roles)
        return ctx, [(r.clause, r.lead, r.found) for r in read]

    def _read_document(
        self, doc: Document, clauses: Sequence[Clause], roles: Roles | None = None
    ) -> tuple[DocumentContext, list[_Read]]:
        ctx = self.context(doc, roles)
        read: list[_Read] = []
        lead_in: Clause | None = None
        for clause in clauses:
            if clause.kind == ClauseKind.HEADING:
                # A heading ends the list a lead-in introduced: items under a later heading do not
                # continue "... outside the European Union ... if:".
                lead_in = None
                continue
            continues = lead_in is not None and (
                _LOWER_START.match(clause.text) is not None or clause.kind == ClauseKind.LIST_ITEM
            )
            lead = lead_in.text if continues and lead_in else ""
            # A list item is read together with its lead-in ("Provider shall: (a) notify Customer ...").
            folded = fold(f"{lead} {clause.text}" if lead else clause.text)
            candidates = self._index.candidates(folded)
            verdicts, prepared = self._rules(clause, ctx, lead, folded, candidates)
            found = [m for _, m, _ in verdicts if m is not None]
            # The term groups are kept as the detector names them: one list a clause, not the index's sets
            # (a dict and a set per control, and the clause's words), which lived as long as the document
            # and were walked by every collection of the garbage collector.
            read.append(_Read(clause, lead, found, folded, self._group_hints(candidates), prepared))
            if not continues:
                # A clause ending in a colon introduces the items that follow it.
                lead_in = clause if clause.text.rstrip().endswith((":", "-", "—")) else None
        return ctx, read

    def detector_features(
        self,
        clause: Clause,
        lead: str,
        found: Sequence[Match],
        candidates: dict[int, set[str]] | None = None,
    ) -> set[str]:
        """What the detector reads of a clause: its words, the library terms in it, the rules' findings.

        ``candidates`` are the clause's term groups (:meth:`RuleIndex.candidates` of its folded text with
        its lead-in) when the caller has them already.
        """
        if candidates is None:
            candidates = self._index.candidates(fold(f"{lead} {clause.text}" if lead else clause.text))
        return self._features(clause, lead, found, self._group_hints(candidates))

    def _group_hints(self, candidates: dict[int, set[str]]) -> list[str]:
        """The detector's names of a clause's term groups ("g:control:group")."""
        # Each control's group names looked up in C: map(getter of control i, its groups) for every i.
        named = map(map, map(self._group_names.__getitem__, candidates), candidates.values())
        return list(chain.from_iterable(named))

    def _features(self, clause: Clause, lead: str, found: Sequence[Match], groups: list[str]) -> set[str]:
        """:meth:`detector_features` from the clause's term groups as :meth:`_group_hints` names them."""
        hints = [*groups, *(f"r:{m.control}:{m.status.value}" for m in found)]
        return clause_features(clause.text, clause.heading, lead, hints)

    def _detect(self, read: list[_Read], ctx: DocumentContext) -> list[Match]:
        """The rules' matches, with those the detector sets aside marked, and the detector's proposals.

        A rule's met or weak match for a control the detector gives less than its ``set_aside_below`` is
        kept, marked :data:`SET_ASIDE` with the reason, and is not evidence (the scorer says which clause it
        set aside); a conflict is never set aside. The detector proposes the controls it finds with at
        least its ``propose_at`` probability and the rules missed. It only proposes: who is bound, how
        firmly, the numbers and the weak language are read by the same analysis as a rule's match
        (:meth:`_judge`), from the clause's own verbs.
        """
        detector = self.detector
        assert detector is not None
        features = [self._features(r.clause, r.lead, r.found, r.groups) for r in read]
        opinion = detector.read(
            features, [read_with_lead(r.lead, r.clause.text, r.clause.heading) for r in read], in_order=True
        )
        probabilities = opinion.probabilities
        by_id = {c.control.id: c for c in self._controls}
        # A reason names a control by its catalogue code (shown beside every title), never by its id.
        titles = {cid: c.control.catalogue or c.control.title for cid, c in by_id.items()}
        # The rules' matches first (in clause order), then the detector's proposals.
        out = [self._set_aside(m, opinion, index, titles) for index, r in enumerate(read) for m in r.found]
        for index, (r, feats, row) in enumerate(zip(read, features, probabilities, strict=True)):
            clause = r.clause
            have = {m.control for m in r.found}
            for col in (row >= detector.propose_at).nonzero()[0]:
                cid = detector.controls[col]
                compiled = by_id.get(cid)
                if compiled is None or cid in have:
                    continue
                if r.prepared is None:
                    r.prepared = self._prepare(clause, ctx, r.lead, r.folded)
                prep = r.prepared
                why = detector.why(feats, cid)
                hit = RuleHit("detector", why or ["(no single word)"])
                match = self._judge(compiled, clause, prep, ctx, hit, _verb_positions(prep))
                if match is None or match.status == Status.CONFLICT:
                    continue
                like = detector.like(
                    read_with_lead(r.lead, clause.text, clause.heading), cid, nearest=opinion.nearest(index)
                )
                nearest = "; ".join(
                    [f"[{uid}, similarity {sim:.2f}] {text[:140]}" for uid, text, sim in like]
                    or [f"[{uid}] {text[:140]}" for uid, text in detector.nearest(feats, cid)]
                )
                reason = (
                    "detector",
                    f"proposed by the learned detector (probability {opinion.said(index, col)}); what weighed most: "
                    f"{', '.join(describe_feature(f, titles) for f in why) or '–'}; nearest labelled clauses: {nearest or '–'}",
                )
                out.append(
                    match.model_copy(
                        update={
                            "reasons": [reason[1], *match.reasons],
                            "reason_codes": [reason[0], *match.reason_codes],
                        }
                    )
                )
        return out

    def _set_aside(self, match: Match, opinion: Opinion, index: int, titles: dict[str, str]) -> Match:
        """The rule's match as it is, or marked :data:`SET_ASIDE` when the detector finds it improbable
        (``opinion``'s row ``index`` is the match's clause)."""
        detector = self.detector
        assert detector is not None
        row = opinion.probabilities[index]
        col = detector.column(match.control)
        if col is None or match.status == Status.CONFLICT or row[col] >= detector.set_aside_below:
            return match
        best = int(row.argmax())
        name = titles.get(detector.controls[best])  # by its code, never its id
        if name is not None and row[best] >= detector.propose_at:
            reads_as = f"it reads the clause as {name} ({row[best]:.2f})"
        else:
            reads_as = f"it finds no control probable in the clause (highest {row[best]:.2f})"
        reason = (
            f"set aside: the rules' words matched, but the learned detector gives this clause "
            f"{opinion.said(index, col)} for this control, under {detector.set_aside_below:.2f}; {reads_as}"
        )
        return match.model_copy(
            update={"reasons": [reason, *match.reasons], "reason_codes": [SET_ASIDE, *match.reason_codes]}
        )

    def match_text(self, text: str, heading: str = "", document: str = "example") -> list[Match]:
        """Matches for one sentence read on its own (library examples, the app's try-it box)."""
        clause = sentence_clause(text, heading, document)
        ctx = DocumentContext(document, self.reader, self._periods(text), False)
        return self._match_clause(clause, ctx, "")

    def _periods(self, text: str) -> dict[str, Quantity]:
        """Defined periods of ``text`` ('"Notice Period" means 48 hours'), read with the language's windows."""
        words = self.vocabulary
        return words.quantities.defined_periods(
            text, words.period_definition_reach, words.period_definition_start
        )

    # -- clause level ---------------------------------------------------------------------------

    def _prepare(self, clause: Clause, ctx: DocumentContext, lead: str, folded: str | None = None) -> _Clause:
        original = normalise(f"{lead} {clause.text}" if lead else clause.text)
        text = fold(original) if folded is None else folded
        lead_len = len(lead) + 1 if lead else 0
        heading = fold(" > ".join(clause.heading_path))
        non_evidence = ""
        if heading and self._non_evidence_heading.search(heading):
            non_evidence = "heading"
        elif reads_as_title(clause.text) and (not lead or reads_as_title(lead.rstrip(":-— "))):
            # A title ("Remarks: Data Encryption", "CYBER INCIDENT REPORTING (MAY 2024)") names a
            # subject; it binds no one (corpus LABELLING.md: headings are not evidence). A list item
            # completes its lead-in's sentence ("The Supplier shall provide: ... Penetration Testing"),
            # so it is a title only under a lead-in that is a label itself ("Applicability:").
            non_evidence = "title"
        else:
            body = original[lead_len:]
            for kind, pattern in self._non_evidence.items():
                if pattern.search(body):
                    non_evidence = kind
                    break
        schedule = ctx.schedule or bool(heading and self._schedule.search(heading))
        guidance = bool(heading and self._guidance_heading.search(heading)) or bool(
            self._guidance_label.match(original, lead_len)
        )
        quantities = self.vocabulary.quantities.find(text)
        for term, period in ctx.periods.items():
            for m in re.finditer(re.escape(term), text):
                quantities.append(replace(period, start=m.start(), end=m.end(), text=m.group(0)))
        quantities.sort(key=lambda q: q.start)
        modals = self.reader.modals(text)
        structure = self.reader.structure(text, modals)
        numbered = self.vocabulary.requirement_id.match(text, lead_len)
        return _Clause(
            text,
            original,
            lead_len,
            modals,
            quantities,
            non_evidence,
            schedule,
            structure,
            guidance,
            numbered.end() - lead_len if numbered else 0,
        )

    def _match_clause(self, clause: Clause, ctx: DocumentContext, lead: str) -> list[Match]:
        return [m for _, m, _ in self._read_clause(clause, ctx, lead) if m is not None]

    def _read_clause(
        self, clause: Clause, ctx: DocumentContext, lead: str
    ) -> list[tuple[str, Match | None, Verdict]]:
        """Every control whose rule the clause hits: its id, the finding (or ``None``) and the deciding verdict."""
        folded = fold(f"{lead} {clause.text}" if lead else clause.text)
        return self._rules(clause, ctx, lead, folded, self._index.candidates(folded))[0]

    def _rules(
        self,
        clause: Clause,
        ctx: DocumentContext,
        lead: str,
        folded: str,
        candidates: dict[int, set[str]],
    ) -> tuple[list[tuple[str, Match | None, Verdict]], _Clause | None]:
        """:meth:`_read_clause` on the clause's folded text and term groups; also its preparation, if made."""
        prepared: _Clause | None = None
        out: list[tuple[str, Match | None, Verdict]] = []
        searched = searches(candidates)  # with the clause's words: a group proven absent is not searched
        # Only controls with a term group in the clause can hit; in library order, as the index numbers them.
        for i in sorted(candidates):
            compiled, possible = self._controls[i], candidates[i]
            for rule in compiled.all_rules:  # a plain loop: a generator per control cost more than the test
                if rule <= possible:
                    break
            else:
                continue
            hit = rule_hit(compiled, folded, self.vocabulary, possible, searched)
            if hit is None:
                continue
            if prepared is None:
                prepared = self._prepare(clause, ctx, lead, folded)
            match, verdict = judge(self, Reading(compiled, clause, prepared, ctx, hit, None))
            out.append((compiled.control.id, match, verdict))
        return out, prepared

    def explain(self, text: str, heading: str = "") -> list[Explanation]:
        """For one clause read on its own: every control whose rule it hits, and the stage that decided.

        Unlike :meth:`match_text`, this also shows the hits that did *not* become a finding, and why
        (a definition, a duty of the customer, no verb that binds anyone ...).
        """
        clause = Clause(
            index=0, start=0, end=len(text), text=text, page=1,
            heading_path=[heading] if heading else [], document="example",
        )  # fmt: skip
        ctx = DocumentContext("example", self.reader, self._periods(text), False)
        return [
            Explanation(
                control=cid,
                stage=verdict.stage,
                status=match.status.value if match else "none",
                reason_codes=[code for code, _ in verdict.reasons],
                reasons=[msg for _, msg in verdict.reasons],
            )
            for cid, match, verdict in self._read_clause(clause, ctx, "")
        ]

    def _judge(
        self,
        compiled: CompiledControl,
        clause: Clause,
        prep: _Clause,
        ctx: DocumentContext,
        hit: RuleHit,
        actions: Sequence[Action] | None = None,
    ) -> Match | None:
        """The finding the stages of :mod:`checker.match.judge` make of one hit, or ``None``."""
        return judge(self, Reading(compiled, clause, prep, ctx, hit, actions))[0]

    def _parameters(
        self, compiled: CompiledControl, prep: _Clause, action_at: int
    ) -> tuple[dict[str, float], list[tuple[str, str]], bool]:
        """The numbers that belong to the control's duty, reasons about them, and whether one is firm."""
        control = compiled.control
        params: dict[str, float] = {}
        reasons: list[tuple[str, str]] = []
        firm = False
        taken: set[int] = set()
        unstated: list[Parameter] = []

        def continues(pred: Predicate) -> bool:
            # A later limb with a verb of its own is another duty ("and will restore the Service within
            # 4 hours"), unless it names this control again ("and shall review those access rights
            # every 3 months").
            return any(g.search(prep.text, pred.start, pred.end) for g in compiled.groups.values())

        for param in control.parameters:
            q = pick_quantity(
                param,
                prep.quantities,
                action_at,
                compiled.contexts.get(param.key),
                prep.structure,
                taken,
                self.vocabulary.number_link,
                continues,
            )
            if q is None:
                context = compiled.contexts.get(param.key)
                if param.required and (
                    not param.required_in_context or (context is not None and context.search(prep.text))
                ):
                    unstated.append(param)
                continue
            if param.key not in compiled.contexts:
                taken.add(q.start)
            params[f"{param.key}_{q.unit}"] = q.value
            firm = True
            days_for_hours = param.unit.value == "hours" and q.unit in ("days", "business_days")
            if days_for_hours and "days_not_hours" in control.weak_reasons:
                reasons.append(("days_not_hours", self._weak_messages.get("days_not_hours", "days")))
        vague = "vague_timing" in control.weak_reasons and self._vague.search(prep.text)
        if unstated and not firm and not vague:
            # A clause that states one of the control's numbers is firm; one that states none is not.
            msg = self._weak_messages.get("no_parameter", "no fixed {param}")
            reasons.append(("no_parameter", msg.format(param=unstated[0].key.replace("_", " "))))
        return params, reasons, firm


@dataclass(frozen=True)
class _Span:
    """An action position the detector supplies, read like a regex match (``start()``, ``end()``)."""

    at: int

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.at


def _verb_positions(prep: _Clause) -> list[_Span]:
    """Where the duties of a clause begin: after each modal of its body, or at its start (an imperative)."""
    spans = [_Span(end + 1) for start, end, _, _ in prep.modals if start >= prep.lead]
    return spans or [_Span(prep.lead)]
