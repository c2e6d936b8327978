"""Which number in a clause belongs to a control's parameter, and unit conversion for thresholds.

A clause may state several numbers for several duties ("notify within 24 hours and restore the
Service within 4 hours"); :func:`pick_quantity` takes the one in the limb of the control's action word
(:mod:`checker.match.structure`), never one in another duty's limb, and, where the parameter names
context words ("critical", "known exploited", "every"), only the one such a word names in its own limb
(after it, "within 15 days for" it, or, where the parameter allows, before it in the sentence). A
minimum (a retention or notice period) never takes a cadence ("every 31 days", "annually").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from checker.library.schema import Parameter
from checker.match.quantities import Quantity
from checker.match.structure import Predicate, Structure

__all__ = ["convert", "pick_quantity", "readable_quantities"]

# Units a parameter may be read in, and the factor that converts them to the parameter's own unit.
_CONVERT: dict[tuple[str, str], float] = {
    ("days", "hours"): 24.0,
    ("business_days", "hours"): 24.0,
    ("hours", "days"): 1 / 24,
    ("business_days", "days"): 7 / 5,
    ("days", "business_days"): 5 / 7,
    ("months", "days"): 365 / 12,
    ("days", "months"): 12 / 365,
}


def readable_quantities(param: Parameter, quantities: list[Quantity]) -> list[Quantity]:
    """Quantities in a unit the parameter reads (months read as days where the parameter is in days).

    A parameter reports a number in the unit the text states it in when it reads that unit ("12 months"
    stays months where months are accepted), else in its own unit: years, which the quantity reader
    counts in months, are no unit a parameter reads, so "two (2) years" of a parameter in days is 730
    days (corpus LABELLING.md: "as the text states it in the key's unit").
    """
    units = {param.unit.value, *(u.value for u in param.accept_units)}
    if param.unit.value == "amount":
        return [q for q in quantities if q.unit == "amount"]
    out = []
    for q in quantities:
        in_years = q.unit == "months" and q.stated == "years"
        if q.unit in units and not (in_years and param.unit.value == "days"):
            out.append(q)
        elif q.unit == "months" and param.unit.value == "days":
            out.append(replace(q, value=round(q.value * 365 / 12), unit="days"))
    return out


def pick_quantity(
    param: Parameter,
    quantities: list[Quantity],
    action_at: int,
    context: re.Pattern[str] | None,
    structure: Structure,
    taken: set[int],
    link: re.Pattern[str],
    continues: Callable[[Predicate], bool] = lambda pred: False,
) -> Quantity | None:
    """The quantity that belongs to the duty at ``action_at``: a unit the parameter reads, in the duty's limb.

    A number belongs to the duty whose predicate holds it: after the action in its own limb, else in a
    following limb with no verb of its own ("notify Customer: (i) within 24 hours") or one that
    ``continues`` the duty (it names the control's terms again), else before the action in its own
    limb or in an earlier limb of the sentence that continues it ("Customer may object within 14 days,
    in which case Provider shall not ..."). "Notify within 24 hours and retain logs for 90 days": the
    90 days are another limb's. With ``context`` phrases, only a number one of them names belongs to the
    parameter (:func:`_in_context`; ``link`` is what may stand between a number and its phrase:
    "for", "of any"). A parameter whose direction is ``min`` never takes a cadence.
    """
    # A minimum (a retention, a notice period, a cover) is a length, never a cadence ("reviewed at least
    # once every 31 days" is no retention period).
    minimum = param.direction == "min"
    candidates = [
        q
        for q in readable_quantities(param, quantities)
        if q.start not in taken and not (minimum and q.cadence)
    ]
    if context is not None:
        return _in_context(candidates, context, structure, link, param.context_before)
    own = structure.index(action_at)
    pred = structure.predicates[own]
    # A defined term may hold the action itself ('"Rapidly report" means within 72 hours': "rapidly
    # report cyber incidents"): its number is the duty's as much as one after the action.
    after = [q for q in candidates if q.end > action_at and pred.start <= q.start < pred.end]
    if after:
        return after[0]
    for follower in _followers(structure, own, continues):
        inside = [q for q in candidates if follower.start <= q.start < follower.end]
        if inside:
            return inside[0]
    before = [q for q in candidates if pred.start <= q.start and q.end <= action_at]
    if before:
        return before[-1]
    for earlier in _leaders(structure, own, continues):
        inside = [q for q in candidates if earlier.start <= q.start < earlier.end]
        if inside:
            return inside[-1]
    return None


def _followers(structure: Structure, own: int, continues: Callable[[Predicate], bool]) -> list[Predicate]:
    """The limbs after predicate ``own`` that carry on its duty, up to the first that does not."""
    out = []
    for pred in structure.predicates[own + 1 :]:
        if pred.opener == "sentence" or pred.condition:
            break
        if not (pred.strong is None and not pred.verb) and not continues(pred):
            break
        out.append(pred)
    return out


def _leaders(structure: Structure, own: int, continues: Callable[[Predicate], bool]) -> list[Predicate]:
    """The limbs before predicate ``own`` in its sentence that name the duty too, nearest first."""
    out = []
    for i in range(own, 0, -1):
        if structure.predicates[i].opener == "sentence":
            break
        pred = structure.predicates[i - 1]
        if not pred.condition and continues(pred):
            out.append(pred)
    return out


# Limb openers a number does not reach across to a context phrase after it: a sentence end, ";" or ":", a
# list item ("(Completed within 1-4 weeks ...): • The notification will include ...").
_BREAKS = frozenset({"sentence", "stop", "list"})


def _in_context(
    candidates: list[Quantity],
    context: re.Pattern[str],
    structure: Structure,
    link: re.Pattern[str],
    before: bool = False,
) -> Quantity | None:
    """The number a context phrase names, in its own limb.

    First a number followed by "for" (or "of", "on" ...) and the phrase: "within 15 days for critical
    vulnerabilities and within 30 days for high vulnerabilities" gives critical 15, high 30. Else the
    number closest after a context phrase in its own limb, or after a label ending in ":" ("Critical:
    3 days"). Else, for a parameter whose phrase may follow its number (``before``), the number closest
    before the phrase, with no sentence end, ";", ":" or list item between them and not in a condition
    ("If Supplier cannot fix it within sixty days, Supplier will inform ..."): "Within thirty (30) days
    after the incident is resolved, Vendor shall deliver a root cause analysis".
    """
    text = structure.text
    for q in candidates:
        gap = link.match(text, q.end)
        if gap is not None and structure.index(gap.end()) == structure.index(q.start):
            m = context.match(text, gap.end())
            if m is not None and not text.startswith("-", m.end()):
                return q
    near = []
    for q in candidates:
        i = structure.index(q.start)
        start = structure.predicates[i].start
        if i > 0 and structure.predicates[i].opener == "stop" and text[start] == ":":
            start = structure.predicates[i - 1].start  # "Critical: 3 days"
        last = None
        for m in context.finditer(text, start, q.start):
            if not text.startswith("-", m.end()):  # "on-site" is no "on"
                last = m
        if last is not None:
            near.append((q.start - last.end(), q))
    if near or not before:
        return min(near, key=lambda x: x[0])[1] if near else None
    for m in context.finditer(text):
        if text.startswith("-", m.end()):
            continue
        ahead = [q for q in candidates if q.end <= m.start()]
        if not ahead:
            continue
        q = ahead[-1]
        own = structure.predicates[structure.index(q.start)]
        cut = any(p.opener in _BREAKS and q.end < p.start <= m.start() for p in structure.predicates)
        if not cut and not own.condition:
            return q
    return None


def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; None when the units do not convert."""
    if unit == to:
        return value
    factor = _CONVERT.get((unit, to))
    return None if factor is None else value * factor
