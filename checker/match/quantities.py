"""Numbers contracts state: durations, frequencies and amounts, in every form they are written.

"twenty-four (24) hours", "72 hours", "two business days", "within one (1) calendar day", "48-hour",
"at least annually", "every twelve (12) months", "quarterly", "USD 5,000,000", "$5 million". Each
:class:`Quantity` keeps its offsets in the clause and its unit, so that the matcher can attach it to
the duty it belongs to (:mod:`checker.match.parameters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Quantity", "QuantityReader"]

# Digits as contracts write them: "72", "5,000,000", "1.5".
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# The units a parameter reads: a week is read as 7 days, a year as 12 months, a minute as 1/60 hour
# (unit, multiplier, divisor).
_CONVERT = {"weeks": ("days", 7, 1), "years": ("months", 12, 1), "minutes": ("hours", 1, 60)}


def _alternation(words: list[str]) -> str:
    return "|".join(words)


@dataclass(frozen=True)
class _Patterns:
    """The number patterns, compiled one way for any text and one way for lower-case ASCII text."""

    frequencies: list[tuple[re.Pattern[str], int]]
    any_frequency: re.Pattern[str]  # matches where any of ``frequencies`` does: one scan finds none
    duration: re.Pattern[str]
    amount: re.Pattern[str]


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and where it stands in the text (``defined_term``: read through a definition).

    ``cadence``: the number says how often, not how long ("annually", "every 31 days"). ``stated``: the
    unit as the text states it where the reader converted it ("years" of a value counted in months).
    """

    value: float
    unit: str  # hours | days | business_days | months | amount
    start: int
    end: int
    text: str
    defined_term: str = ""
    cadence: bool = False
    stated: str = ""


class QuantityReader:
    """Durations, frequencies and amounts, read with the words of the language file's ``quantities``.

    The number words, units, day kinds, frequencies, currencies and the words that define a period come
    from ``language.yaml`` (schema-checked by :class:`checker.library.schema.QuantityWords`); each pattern
    is compiled twice, for any text and for lower-case ASCII text.
    """

    def __init__(self, language: dict[str, Any]) -> None:
        words = language["quantities"]
        self.small: dict[str, float] = {str(k): float(v) for k, v in words["number_words"].items()}
        self.articles = frozenset(words["articles"])
        self.scale: dict[str, float] = {str(k): float(v) for k, v in words["scale_words"].items()}
        self.units: list[tuple[re.Pattern[str], str]] = [
            (re.compile(pattern, re.IGNORECASE), unit) for pattern, unit in words["units"]
        ]
        self.day_kinds: dict[str, str] = dict(words["day_kinds"])
        self.amount_scales: dict[str, float] = {str(k): float(v) for k, v in words["amount_scales"].items()}
        self.currency_marks = tuple(words["currency_marks"])
        self._unit_of: dict[str, str] = {}
        number = "|".join(sorted([*self.small, *self.scale], key=len, reverse=True))
        self._numwords = rf"(?:(?:{number})(?:[\s\-]+(?:and[\s\-]+)?(?:{number}))*)"
        unit = _alternation([pattern for pattern, _ in words["units"]])
        # The kind of day written between the words and the digits: "fourteen business (14) days".
        kinds = _alternation(list(self.day_kinds))
        self._duration = (
            rf"(?<![\w$€£.,])(?P<num>(?P<words>{self._numwords})(?:\s+(?P<kind>{kinds})(?=\s*\())?"
            rf"(?:\s*\(\s*(?P<paren>{_DIGITS})\s*\))?|(?P<digits>{_DIGITS}))"
            rf"[\s\-]*(?P<unit>(?:{unit}))(?:['’]s?)?(?!\w)"
        )
        self._frequencies: list[tuple[str, int]] = [
            (pattern, int(months)) for pattern, months in words["frequencies"]
        ]
        # "every" (or "once every") right before a duration makes it a cadence: "reviewed at least once
        # every 31 days".
        self.every = re.compile(rf"(?<!\w)(?:{_alternation(words['cadence_words'])})$", re.IGNORECASE)
        self._currency = rf"(?:{_alternation(words['currencies'])})"
        self._currency_words = _alternation(words["currency_words"])
        # The country a currency word may name first ("five million US dollars"), in either case: the
        # lower-case patterns are case-sensitive.
        countries = [c for country in words["currency_countries"] for c in (country, country.lower())]
        self._country = rf"(?:{_alternation(countries)})"
        self._scales = _alternation(list(self.amount_scales))
        self._spelled_scales = _alternation(words["spelled_amount_scales"])
        self.any_text = self._compile(lower=False)
        self.lower_ascii = self._compile(lower=True)
        defines = _alternation(words["period_defines"])
        openers = "".join(rf"{p}\s+|" for p in words["period_openers"]).rstrip("|")
        self.definition = re.compile(
            rf"[\"“]([^\"“”]{{2,60}})[\"”]\s+(?:{defines})\s+(?:{openers})?", re.IGNORECASE
        )

    def _compile(self, lower: bool) -> _Patterns:
        # On ASCII text that is already lower case, a case-sensitive lower-case pattern matches exactly
        # where the IGNORECASE one does (IGNORECASE's extra equivalences, such as "ſ" for "s" and "K"
        # (Kelvin) for "k", are outside ASCII), and about twice as fast: most clauses reach the matcher
        # folded.
        flags = 0 if lower else re.IGNORECASE
        currency = self._currency.lower() if lower else self._currency
        currency_words = self._currency_words.lower() if lower else self._currency_words
        frequencies = self._frequencies
        return _Patterns(
            frequencies=[(re.compile(rf"(?<!\w){p}(?!\w)", flags), v) for p, v in frequencies],
            any_frequency=re.compile(
                rf"(?<!\w)(?:{'|'.join(f'(?:{p})' for p, _ in frequencies)})(?!\w)", flags
            ),
            duration=re.compile(self._duration, flags),
            amount=re.compile(
                rf"(?<!\w)(?P<cur>{currency})\s*(?P<num>{_DIGITS})\s*(?P<scale>{self._scales})?(?!\w)"
                rf"|(?<![\w$€£.,])(?P<num2>{_DIGITS}|{self._numwords})\s*(?P<scale2>{self._spelled_scales})?\s*"
                rf"(?:{self._country}\s+)?(?P<cur2>{currency_words})(?!\w)",
                flags,
            ),
        )

    def parse_number(self, text: str) -> float | None:
        """The value of "72", "5,000,000", "twenty-four", "one hundred twenty", "a"; None if none."""
        text = text.strip().lower()
        if not text:
            return None
        if re.fullmatch(_DIGITS, text):
            return float(text.replace(",", ""))
        small, scale = self.small, self.scale
        total = 0.0
        current = 0.0
        seen = False
        words = [w for w in re.split(r"[\s\-]+", text) if w and w != "and"]
        for i, word in enumerate(words):
            if word in self.articles and i + 1 < len(words) and words[i + 1] in small:
                continue  # an article before a number: "a one-month period", "a few days"
            if word in small:
                current += small[word]
                seen = True
            elif word in scale:
                current = max(current, 1) * scale[word]
                if scale[word] >= 1000:
                    total += current
                    current = 0
                seen = True
            else:
                return None
        return total + current if seen else None

    def unit(self, raw: str) -> str:
        """The unit a written unit names ("business days" -> business_days); days when none says."""
        kept = self._unit_of.get(raw)
        if kept is None:
            kept = next((unit for pattern, unit in self.units if pattern.fullmatch(raw)), "days")
            self._unit_of[raw] = kept
        return kept

    def find(self, text: str, offset: int = 0) -> list[Quantity]:
        """Every duration, frequency and amount in ``text``, in order, with offsets + ``offset``."""
        patterns = self.lower_ascii if text.isascii() and text.islower() else self.any_text
        found: list[Quantity] = []
        # Most clauses state no frequency: one scan of the patterns together says so.
        stated = patterns.frequencies if patterns.any_frequency.search(text) else []
        for pattern, months in stated:
            for m in pattern.finditer(text):
                if any(q.start - offset <= m.start() < q.end - offset for q in found):
                    continue
                found.append(
                    Quantity(
                        float(months),
                        "months",
                        m.start() + offset,
                        m.end() + offset,
                        m.group(0),
                        cadence=True,
                    )
                )
        frequencies = list(found)
        parse_number = self.parse_number
        for m in patterns.duration.finditer(text):
            value = None
            if m.group("paren"):
                value = parse_number(m.group("paren"))
            elif m.group("digits"):
                value = parse_number(m.group("digits"))
            elif m.group("words"):
                value = parse_number(m.group("words"))
            if value is None or value == 0:
                continue
            unit = self.unit(m.group("unit"))
            if m.group("kind") and unit == "days":
                unit = self.day_kinds.get(m.group("kind").lower(), unit)
            written = ""
            if unit in _CONVERT:
                written = unit
                unit, multiplier, divisor = _CONVERT[unit]
                value = value * multiplier / divisor
            if any(q.start - offset < m.end() and m.start() < q.end - offset for q in frequencies):
                continue
            start = m.start("num") + (len(m.group("num")) - len(m.group("num").lstrip()))
            every = self.every.search(text, max(0, start - 16), start) is not None
            found.append(
                Quantity(
                    value,
                    unit,
                    start + offset,
                    m.end() + offset,
                    text[start : m.end()],
                    cadence=every,
                    stated=written,
                )
            )
        lower = patterns is self.lower_ascii
        # An amount names its currency ("$", "USD", "euros"); lower-case text without one states none.
        amounts = (
            ()
            if lower and not any(c in text for c in self.currency_marks)
            else patterns.amount.finditer(text)
        )
        for m in amounts:
            raw = m.group("num") or m.group("num2") or ""
            value = parse_number(raw)
            if value is None:
                continue
            scale = (m.group("scale") or m.group("scale2") or "").lower()
            value *= self.amount_scales.get(scale, 1)
            found.append(Quantity(value, "amount", m.start() + offset, m.end() + offset, m.group(0)))
        found.sort(key=lambda q: q.start)
        return found

    def defined_periods(self, text: str, reach: int, starts_within: int) -> dict[str, Quantity]:
        """Defined terms whose definition is a duration: '"Notice Period" means 48 hours' → term → 48 h.

        The duration is read in the ``reach`` characters after "means" and must start within the first
        ``starts_within`` of them (the language file's ``period_definition_reach`` and ``_start``).
        """
        periods: dict[str, Quantity] = {}
        for m in self.definition.finditer(text):
            rest = text[m.end() : m.end() + reach]
            quantities = [q for q in self.find(rest) if q.unit != "amount" and q.start < starts_within]
            if quantities:
                q = quantities[0]
                periods[m.group(1).strip().lower()] = replace(
                    q, start=0, end=0, defined_term=m.group(1).strip()
                )
        return periods
