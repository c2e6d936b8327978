"""Which number in a clause belongs to a control's parameter, and unit conversion for thresholds.

A clause may state several numbers for several duties ("notify within 24 hours and restore the
Service within 4 hours"); :func:`pick_quantity` takes the one that follows the control's action word,
stops at another duty's verb, and, where the parameter names context words ("critical", "known
exploited"), takes only a number shortly after one of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.library.schema import Parameter
from checker.match.quantities import Quantity
from checker.match.vocabulary import Vocabulary

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
    """Quantities in a unit the parameter reads (months read as days where the parameter is in days)."""
    units = {param.unit.value, *(u.value for u in param.accept_units)}
    if param.unit.value == "amount":
        return [q for q in quantities if q.unit == "amount"]
    out = []
    for q in quantities:
        if q.unit in units:
            out.append(q)
        elif q.unit == "months" and param.unit.value == "days":
            out.append(Quantity(round(q.value * 365 / 12), "days", q.start, q.end, q.text, q.defined_term))
    return out


def pick_quantity(
    param: Parameter,
    quantities: list[Quantity],
    action_at: int,
    context: re.Pattern[str] | None,
    text: str,
    taken: set[int],
    words: Vocabulary,
    modal_starts: Sequence[int] = (),
) -> Quantity | None:
    """The quantity that belongs to the duty at ``action_at``: a unit the parameter reads, nearest after.

    With ``context`` phrases, only a number shortly after one of them belongs to the parameter. The
    reaches are the language file's ``parameter_*_reach`` windows (``words``).
    """
    candidates = [q for q in readable_quantities(param, quantities) if q.start not in taken]
    if context is not None:
        near = []
        for q in candidates:
            window = text[max(0, q.start - words.parameter_context_reach) : q.start]
            last = None
            for last in context.finditer(window):  # noqa: B007
                pass
            if last is not None:
                near.append((len(window) - last.end(), q))
        return min(near, key=lambda x: x[0])[1] if near else None
    # A number after another duty's verb belongs to that duty: "notify promptly and restore within 4 hours".
    after = [
        q
        for q in candidates
        if q.start >= action_at
        and q.start - action_at < words.parameter_after_reach
        and not any(action_at < m_start < q.start for m_start in modal_starts)
    ]
    if after:
        return after[0]
    before = [
        q for q in candidates if q.end <= action_at and action_at - q.end < words.parameter_before_reach
    ]
    return before[-1] if before else None


def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; None when the units do not convert."""
    if unit == to:
        return value
    factor = _CONVERT.get((unit, to))
    return None if factor is None else value * factor
