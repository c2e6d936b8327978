"""How a clause that names a control becomes a finding: small named stages, each with its reason codes.

A rule's hit (or a detector's proposal) is read by :func:`judge`, which runs :data:`STAGES` in order on
one :class:`Reading`. Each stage looks at one question and either lets the reading go on (it may add a
reason, change the modality) or ends it with a :class:`Verdict`: a status, or no finding at all, and
always the stage's name. The trace of stages is what :meth:`checker.match.engine.Engine.explain` shows,
so that a reviewer can see why a clause that uses a control's words was *not* a finding too.

| stage | question | ends with |
|---|---|---|
| ``evidence`` | is the clause a heading, a title, a question, a definition or other non-evidence? | nothing |
| ``exclusion`` | does a conflict rule expressly exclude the control? | conflict ``express_exclusion`` |
| ``governing_verb`` | which action word, with which party and modal, governs the duty? | nothing (no action) |
| ``customer_duty`` | is the vendor only helping with the customer's own duty? | nothing |
| ``party`` | is it the customer's duty, or a right the customer holds? | nothing, or conflict ``excluded_right`` |
| ``modality`` | denied, refused, permitted, or a disclaimer? | conflict ``negated`` or nothing |
| ``commitment`` | does any verb bind anyone (imperative items, numbered requirements, schedules of measures, the named vendor's present tense)? | nothing |
| ``parameters`` | which numbers belong to the duty, against what the control needs? | – |
| ``weak_language`` | qualifiers in the duty's own limb, outside parentheses; guidance text | – |
| ``scope`` | does it address only part of the control (weak terms, none of its defining words)? | met, or weak with every reason |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from checker.match.obligation import Obligation
from checker.match.rules import CompiledControl, RuleHit
from checker.match.vocabulary import Vocabulary
from checker.models import Clause, Evidence, Match, Status

if TYPE_CHECKING:
    from checker.match.engine import DocumentContext, _Clause

__all__ = ["STAGES", "Action", "Explanation", "Reading", "Verdict", "Vocabulary", "judge"]

_IMPERATIVE = re.compile(r"^\s*(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?$")
_WORD = re.compile(r"[a-z]+")
_RANK_PARTY = {"vendor": 0, "mutual": 1, "assumed_vendor": 2, "customer": 3, "unresolved": 4}
_RANK_MODAL = {"binding": 0, "prohibition": 1, "negated": 2, "permissive": 3, "descriptive": 4, "none": 5}


class Action(Protocol):
    """Where an action word sits in the clause: a regex match, or a position the detector supplies."""

    def start(self) -> int: ...

    def end(self) -> int: ...


class Judge(Protocol):
    """What the stages need of the engine: the language file's messages and words, the parameter reader."""

    _weak_messages: dict[str, str]
    vocabulary: Vocabulary

    def _parameters(
        self, compiled: CompiledControl, prep: _Clause, action_at: int
    ) -> tuple[dict[str, float], list[tuple[str, str]], bool]: ...


@dataclass
class Reading:
    """One clause read against one control, as the stages fill it in."""

    compiled: CompiledControl
    clause: Clause
    prep: _Clause
    ctx: DocumentContext
    hit: RuleHit
    actions: Sequence[Action] | None
    reasons: list[tuple[str, str]] = field(default_factory=list)
    act: Action | None = None
    ob: Obligation | None = None
    modality: str = ""
    enables: bool = False
    right: bool = False
    disclaimer: bool = False
    params: dict[str, float] = field(default_factory=dict)
    firm: bool = False

    @property
    def text(self) -> str:
        """The folded lead-in and clause."""
        return self.prep.text


@dataclass(frozen=True)
class Verdict:
    """How a reading ended: a status (``None``: no finding), the stage that decided, and its reasons."""

    stage: str
    status: Status | None
    reasons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why one clause is or is not a finding of one control: the stage that decided, with its reasons."""

    control: str
    stage: str
    status: str  # met, weak, conflict, or "none" (the clause's words hit a rule, but it is no finding)
    reason_codes: list[str]
    reasons: list[str]


Stage = Callable[["Judge", Reading], Verdict | None]


def _evidence(engine: Judge, r: Reading) -> Verdict | None:
    kind = r.prep.non_evidence
    if kind in ("heading", "title", "definition", "question"):
        return Verdict("evidence", None, ((kind, f"the clause is a {kind}, not a commitment"),))
    return None


def _exclusion(engine: Judge, r: Reading) -> Verdict | None:
    if r.hit.conflict:
        why = ("express_exclusion", f"expressly excluded: '{' … '.join(r.hit.words)}'")
        return Verdict("exclusion", Status.CONFLICT, (why,))
    # A disclaimer may still expressly refuse the control ("Vendor does not vet ... and makes no
    # representation"), but it is never evidence that the control is met.
    r.disclaimer = r.prep.non_evidence == "disclaimer"
    if r.prep.non_evidence and not r.disclaimer:
        kind = r.prep.non_evidence
        return Verdict("exclusion", None, ((kind, f"the clause is {kind.replace('_', ' ')} text"),))
    return None


def _governing_verb(engine: Judge, r: Reading) -> Verdict | None:
    action = r.compiled.groups[r.compiled.control.match.action]
    text, prep = r.text, r.prep
    # The item's own words carry the action; the lead-in only gives the party and the verb. A detector
    # proposal names no action word: the clause's own verbs stand for it.
    hits: Sequence[Action] = (
        r.actions if r.actions is not None else [m for m in action.finditer(text) if m.start() >= prep.lead]
    )
    if not hits:
        return Verdict("governing_verb", None, (("no_action", "none of the control's action words"),))
    readings = [
        (m, r.ctx.reader.read(text, m.start(), prep.modals, prep.original, prep.structure)) for m in hits
    ]
    structure, words = prep.structure, {w for w in r.hit.words if w}

    def own_words(act: Action) -> int:
        # Of two limbs read alike, the duty is the one holding more of the rule's words: "(i) encrypt
        # Customer Data at rest ... and (ii) ... encrypt Customer Data in transit".
        limb = structure.at(act.start())
        return -sum(w in text[limb.start : limb.end] for w in words) if len(readings) > 1 else 0

    r.act, r.ob = min(
        readings,
        key=lambda x: (
            # An explicit party outranks a subject the reader could not resolve.
            _RANK_PARTY[
                "unresolved" if x[1].party == "assumed_vendor" and not x[1].party_text else x[1].party
            ],
            _RANK_MODAL.get(x[1].modality, 6),
            not (0 <= x[1].modal_start < x[0].start()),  # a modal before its action reads best
            own_words(x[0]),
        ),
    )
    r.modality = r.ob.modality
    return None


def _customer_duty(engine: Judge, r: Reading) -> Verdict | None:
    assert r.act is not None and r.ob is not None
    ob, text = r.ob, r.text
    if 0 <= ob.modal_start < r.act.start():
        gap = text[ob.modal_start + len(ob.modal_text) : r.act.start()]
        action = r.compiled.groups[r.compiled.control.match.action]
        if r.ctx.reader.customer_duty.search(gap) and not action.search(gap):
            return Verdict(
                "customer_duty", None, (("customer_duty", "the vendor assists the customer's own duty"),)
            )
        r.enables = r.ctx.reader.enables_customer.search(gap) is not None
    return None


def _party(engine: Judge, r: Reading) -> Verdict | None:
    assert r.act is not None and r.ob is not None
    spec, ob = r.compiled.control.match, r.ob
    r.right = spec.customer_right != "none" and (
        r.enables or (ob.party in ("customer", "mutual") and _is_right(ob, r.text, r.act, engine.vocabulary))
    )
    if r.enables and not r.right:
        r.reasons.append(("partial", "the vendor only enables the customer to do it"))
    if ob.party == "customer" and not r.right:
        if spec.customer_right == "met" and r.modality in ("prohibition", "negated"):
            excluded = f"the customer's right is excluded: '{ob.modal_text}'"
            return Verdict("party", Status.CONFLICT, (("excluded_right", excluded),))
        return Verdict("party", None, (("customer_duty", "a duty of the customer, not of the vendor"),))
    if r.right:
        if spec.customer_right == "weak":
            r.reasons.append(("customer_right", "a right of the customer, not a duty of the vendor"))
        r.modality = "binding"
    return None


def _modality(engine: Judge, r: Reading) -> Verdict | None:
    if r.right:
        return _disclaimer(r)
    assert r.act is not None and r.ob is not None
    spec, ob, text, act = r.compiled.control.match, r.ob, r.text, r.act
    if r.modality == "negated":
        return Verdict("modality", Status.CONFLICT, (("negated", f"the duty is denied: '{ob.modal_text}'"),))
    if r.modality == "prohibition":
        if not (spec.satisfy_by_prohibition or spec.limits_action):
            if ob.party == "assumed_vendor" and not ob.party_text:
                # "This information cannot be recovered": nobody refuses anything.
                return Verdict("modality", None, (("no_party", "a prohibition that binds no party"),))
            distance = act.start() - (ob.modal_start + len(ob.modal_text))
            words = engine.vocabulary
            # "will not delete Content that ...", "..., unless Customer instructs": a restrictive word
            # after the action in its limb or a proviso of it scopes the prohibition.
            scoped = words.restrictive.search(text, act.end(), _scope_end(r))
            if 0 <= distance < words.refusal_distance and not scoped:
                why = ("negated", f"the vendor refuses it: '{ob.modal_text}'")
                return Verdict("modality", Status.CONFLICT, (why,))
            # "Provider will not delete Content that ..." limits something else; not evidence.
            return Verdict("modality", None, (("limits_other", "the prohibition limits something else"),))
        r.modality = "binding"
    elif r.modality == "permissive":
        # "may ... only for": an exclusive word in the permission's limb (or a proviso of it) limits it.
        scoped_grant = ob.modal_text.startswith("may") and engine.vocabulary.exclusive.search(
            text, max(ob.modal_start, 0), _scope_end(r)
        )
        if (spec.satisfy_by_prohibition or spec.limits_action) and scoped_grant:
            r.modality = "binding"
        elif spec.limits_action and ob.modal_text.startswith(("may", "is entitled", "are entitled")):
            # "Provider may transfer / use / disclose ...": a permission to do what the control
            # limits, not a weak form of the limit (an express grant is a conflict rule's business).
            why = ("permission", "a permission to do what the control limits")
            return Verdict("modality", None, (why,))
        else:
            msg = engine._weak_messages.get("permissive", "permissive ({match})").format(match=ob.modal_text)
            r.reasons.append(("permissive", msg))
    return _disclaimer(r)


def _scope_end(r: Reading) -> int:
    """Where the action's limb and the provisos that follow it end (:meth:`Structure.scope`)."""
    assert r.act is not None
    structure = r.prep.structure
    return structure.scope(structure.index(r.act.start()))[-1].end


def _disclaimer(r: Reading) -> Verdict | None:
    if r.disclaimer:
        return Verdict(
            "modality", None, (("disclaimer", "a disclaimer is never evidence that a control is met"),)
        )
    return None


def _noun_at(text: str, start: int, words: Vocabulary) -> bool:
    """Whether the word at ``start`` ends as no verb's base form does ("encryption", "logs")."""
    m = _WORD.match(text, start)
    return m is not None and words.non_base_form.fullmatch(m.group(0)) is not None


def _commitment(engine: Judge, r: Reading) -> Verdict | None:
    assert r.act is not None and r.ob is not None
    prep = r.prep
    if (
        r.modality == "none"
        and _IMPERATIVE.match(r.text[prep.lead : r.act.start()]) is not None
        and not _noun_at(r.text, r.act.start(), engine.vocabulary)
    ):
        # A list item in the imperative ("Encrypt all Customer Data at rest."), as under a
        # "Contractor shall apply the following controls:" lead-in.
        r.modality = "binding"
    elif r.modality in ("none", "descriptive") and engine.vocabulary.imperative.match(r.text, prep.lead):
        # "Ensure third-party dependencies are maintained ...": the clause opens in the imperative, so
        # the later "are maintained" describes what the addressed reader must bring about.
        r.modality = "binding"
    # In a schedule of measures a present-tense or verbless line states a measure; guidance under a
    # requirement ("DISCUSSION: Encryption protects CUI ...") explains one, so it needs a verb that
    # binds (corpus LABELLING.md rule 27).
    schedule = prep.schedule and not prep.guidance
    if r.modality == "descriptive" and prep.numbered and not prep.guidance:
        # A numbered requirement of a catalogue ("ISM-1755; A vulnerability disclosure policy is
        # developed ...", "4.13 | Package manager verifies ...") states what the party implementing it
        # must do, whoever it names (corpus LABELLING.md rule 9).
        r.modality = "binding"
    if r.modality == "none" and not schedule:
        # No verb binds anyone to the action: a mention, a title, a cross-reference.
        return Verdict("commitment", None, (("no_commitment", "no verb binds anyone to it"),))
    if r.modality == "descriptive" and not schedule:
        if r.ob.party == "assumed_vendor" and not r.ob.party_text:
            return Verdict("commitment", None, (("no_party", "a description that names no party"),))
        pronouns = r.ctx.reader.language.get("parties", {}).get("vendor_pronouns", [])
        if r.ob.party == "vendor" and r.ob.party_text.strip().lower() not in pronouns:
            # The vendor, by the name the agreement gives it, states what it does ("Provider restricts
            # access ..."): in the operative part of an agreement the present tense binds like "will"
            # (corpus LABELLING.md rule 35). "We use ..." of online terms stays a description.
            r.modality = "binding"
            return None
        r.reasons.append(("no_commitment", "stated as a description, not a commitment (no shall/will/must)"))
    return None


def _parameters(engine: Judge, r: Reading) -> Verdict | None:
    assert r.act is not None and r.ob is not None
    r.params, param_reasons, r.firm = engine._parameters(r.compiled, r.prep, r.act.start())
    r.reasons.extend(param_reasons)
    return None


def _weak_language(engine: Judge, r: Reading) -> Verdict | None:
    assert r.act is not None
    if r.prep.guidance:
        # Guidance, discussion or rationale explains a requirement; even its "must" states none
        # (corpus LABELLING.md rules 27, 88).
        r.reasons.append(("guidance", engine._weak_messages.get("guidance", "guidance, not a requirement")))
    # A qualifier weakens only the limb it stands in (:mod:`checker.match.structure`): the duty's own
    # limb, the stem it continues ("shall use reasonable efforts to: (a) ..."), and verbless limbs after
    # it; not "(i) encrypt ... where feasible" for "(ii) notify ...".
    lead = r.prep.lead
    structure = r.prep.structure
    scope = [(p.start - lead, p.end - lead) for p in structure.scope(structure.index(r.act.start()))]
    qualifiers = r.prep.qualifiers
    for reason, pattern in r.compiled.weak.items():
        # Hits outside parenthetical asides (scanned once per clause), in the duty's limb, not negated.
        m = next(
            (
                h
                for h in qualifiers.hits(pattern)
                if _inside_any(h.start(), scope) and not qualifiers.negated(h.start(), engine.vocabulary)
            ),
            None,
        )
        if m is None:
            continue
        if r.firm and reason == "vague_timing":
            continue
        if (
            r.firm
            and reason == "effort_qualifier"
            and engine.vocabulary.feasibility.fullmatch(m.group(0).lower())
        ):
            continue
        r.reasons.append((reason, engine._weak_messages.get(reason, reason).format(match=m.group(0))))
    return None


def _scope(engine: Judge, r: Reading) -> Verdict | None:
    partial = r.hit.partial
    body = r.text[r.prep.lead :]
    if r.compiled.weak_terms is not None and (w := r.compiled.weak_terms.search(body)):
        partial = True
        r.hit.words.append(w.group(0))
    defining = r.compiled.control.match.defining
    if defining and not any(r.compiled.groups[g].search(r.text) for g in defining):
        # A clause the detector proposes by its meaning may lack what defines the control ("logs all
        # access" for privileged-access logging): it addresses the control only in part.
        partial = True
    if partial:
        r.reasons.append(("partial", "addresses only part of what the control requires"))
    return Verdict("scope", Status.WEAK if r.reasons else Status.MET, tuple(r.reasons))


#: The stages, in the order they read.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("evidence", _evidence),
    ("exclusion", _exclusion),
    ("governing_verb", _governing_verb),
    ("customer_duty", _customer_duty),
    ("party", _party),
    ("modality", _modality),
    ("commitment", _commitment),
    ("parameters", _parameters),
    ("weak_language", _weak_language),
    ("scope", _scope),
)


def judge(engine: Judge, reading: Reading) -> tuple[Match | None, Verdict]:
    """Run the stages on one reading: the finding (``None`` if there is none) and the verdict that decided."""
    for _, stage in STAGES:
        verdict = stage(engine, reading)
        if verdict is not None:
            break
    else:  # pragma: no cover - the last stage always decides
        raise AssertionError("no stage decided")
    if verdict.status is None:
        return None, verdict
    return _finding(reading, verdict), verdict


def _finding(r: Reading, verdict: Verdict) -> Match:
    clause, ob = r.clause, r.ob
    # A conflict ends the reading early: the reasons gathered before it (a partial "enables") do not count.
    reasons = list(verdict.reasons)
    return Match(
        control=r.compiled.control.id,
        clause_index=clause.index,
        document=clause.document,
        status=verdict.status,
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
        rule=r.hit.rule,
        terms=r.hit.words,
        party=ob.party if ob and verdict.stage != "exclusion" else "",
        undecided_party=r.ctx.reader.undecided(ob) if ob and verdict.stage != "exclusion" else "",
        modality=ob.modality if ob and verdict.stage != "exclusion" else "",
        params=r.params if verdict.stage == "scope" else {},
        reasons=[msg for _, msg in reasons],
        reason_codes=[code for code, _ in reasons],
    )


def _is_right(ob: Obligation, text: str, act: Action, words: Vocabulary) -> bool:
    """Whether the governing verb grants the party a right ("may audit", "shall have the right to audit")."""
    if ob.modality == "permissive" or words.possession.fullmatch(ob.modal_text):
        # "Customer may object", "Customer has 30 days ... to object".
        return True
    if ob.modality in ("binding", "descriptive") and 0 <= ob.modal_start < act.start():
        return bool(words.grants_right.search(text[ob.modal_start : act.start()]))
    return False


def _inside_any(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)
