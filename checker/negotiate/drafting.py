"""Fallback language in the contract's own terms: its party names, and the playbook's numbers.

The library drafts its model clauses once, for "Supplier" and "Customer", at the library's own
thresholds ("within seventy-two (72) hours"). A clause sent back to a vendor must read as part of *their*
contract: "Provider shall notify Customer ... within forty-eight (48) hours" when the contract calls the
vendor "Provider" and the playbook asks for 48 hours. :func:`contract_parties` (from
:mod:`checker.match.roles`, the one reader of a contract's parties) gives the names a contract uses;
:func:`draft` rewrites a model clause with them and with the playbook's thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from checker.library.schema import Control
from checker.match.roles import contract_parties
from checker.models import LIBRARY_CUSTOMER, LIBRARY_VENDOR, PartyNames

__all__ = ["LIBRARY_CUSTOMER", "LIBRARY_VENDOR", "PartyNames", "contract_parties", "draft", "number_words"]

# Schedules the library's clauses cite, which the vendor's paper does not have: named by what they hold.
_LIBRARY_SCHEDULES: Final = (
    ("Schedule S (Information Security)", "the information security schedule to this Agreement"),
    ("Schedule P", "the list of Subprocessors attached to this Agreement"),
    ("Schedule S", "that schedule"),
)


_ONES: Final = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS: Final = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """A whole number from 0 to 999 in words, as contracts write it: 72 → "seventy-two"."""
    if not 0 <= n < 1000:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


_QUANTITY = re.compile(
    r"(?:(?P<words>[a-z]+(?:-[a-z]+)?) \()?(?P<num>\d+(?:\.\d+)?)\)? (?P<unit>business days?|hours?|days?|months?|years?)\b"
)


def _unit_words(unit: str, value: float) -> str:
    unit = unit.replace("_", " ").rstrip("s")
    return unit if value == 1 else unit + "s"


def _quantity_text(value: float, unit: str, spelled: bool) -> str:
    shown = f"{value:g}"
    if spelled and float(value).is_integer():
        return f"{number_words(int(value))} ({shown}) {_unit_words(unit, value)}"
    return f"{shown} {_unit_words(unit, value)}"


def _fill_thresholds(
    text: str, control: Control, level: str, thresholds: Mapping[str, Mapping[str, float]]
) -> str:
    for param in control.parameters:
        wanted = thresholds.get(param.report_key, {}).get("threshold")
        drafted = param.strict if level == "strict" else param.acceptable
        drafted = drafted if drafted is not None else (param.acceptable or param.strict)
        if wanted is None or drafted is None or wanted == drafted:
            continue
        unit = param.unit.value.replace("_", " ").rstrip("s")

        def swap(m: re.Match[str], drafted: float = drafted, wanted: float = wanted, unit: str = unit) -> str:
            if float(m["num"]) != drafted or m["unit"].rstrip("s") != unit:
                return m.group(0)
            return _quantity_text(wanted, unit, spelled=m["words"] is not None)

        text = _QUANTITY.sub(swap, text)
    return text


def draft(
    text: str,
    parties: PartyNames,
    *,
    control: Control | None = None,
    level: str = "acceptable",
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> str:
    """A library model clause in the contract's terms: its party names and the playbook's thresholds."""
    if control is not None and thresholds:
        text = _fill_thresholds(text, control, level, thresholds)
    for schedule, words in _LIBRARY_SCHEDULES:
        text = text.replace(schedule, words)
    swaps = {LIBRARY_VENDOR: parties.vendor, LIBRARY_CUSTOMER: parties.customer}
    if all(k == v for k, v in swaps.items()):
        return " ".join(text.split())
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in swaps) + r")\b")
    return " ".join(pattern.sub(lambda m: swaps[m.group(1)], text).split())
