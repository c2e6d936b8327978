"""Numbers contracts state: durations, frequencies and amounts, in every form they are written.

"twenty-four (24) hours", "72 hours", "two business days", "within one (1) calendar day", "48-hour",
"at least annually", "every twelve (12) months", "quarterly", "USD 5,000,000", "$5 million". Each
:class:`Quantity` keeps its offsets in the clause and its unit, so that the matcher can attach it to
the duty it belongs to (:mod:`checker.match.parameters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "defined_periods", "find_quantities", "parse_number"]

_SMALL = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "half": 0.5, "single": 1, "several": 0, "few": 0,
}  # fmt: skip
# "every" (or "once every") right before a duration makes it a cadence: "reviewed at least once every 31 days".
_EVERY = re.compile(r"(?<!\w)every\s+(?:other\s+)?$", re.IGNORECASE)
# "a" and "an" are one only alone or before a scale word ("a month", "a hundred"), never before a number.
_ARTICLES = frozenset({"a", "an"})
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = "|".join(sorted([*_SMALL, *_SCALE], key=len, reverse=True))
_NUMWORDS = rf"(?:(?:{_WORD})(?:[\s\-]+(?:and[\s\-]+)?(?:{_WORD}))*)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_UNIT_WORDS = {
    "hour": "hours", "hr": "hours", "h": "hours",
    "day": "days", "calendar day": "days",
    "business day": "business_days", "working day": "business_days", "banking day": "business_days",
    "week": "weeks", "month": "months", "year": "years", "minute": "minutes",
}  # fmt: skip
_UNIT = r"(?:calendar[\s\-]+days?|business[\s\-]+days?|working[\s\-]+days?|banking[\s\-]+days?|hours?|hrs?|days?|weeks?|months?|years?|minutes?|mins?|h(?=\b))"

# The kind of day written between the words and the digits: "fourteen business (14) days".
_DAY_KIND = r"calendar|business|working|banking"
_DURATION = (
    rf"(?<![\w$€£.,])(?P<num>(?P<words>{_NUMWORDS})(?:\s+(?P<kind>{_DAY_KIND})(?=\s*\())?"
    rf"(?:\s*\(\s*(?P<paren>{_DIGITS})\s*\))?|(?P<digits>{_DIGITS}))"
    rf"[\s\-]*(?P<unit>{_UNIT})(?:['’]s?)?(?!\w)"
)

_FREQUENCY = {
    r"(?:at least |no less than |not less than )?(?:once |twice )?(?:annually|yearly|per annum|a year|per year|each year|every year|an annual basis|annual)": 12,
    r"(?:semi-annually|semiannually|bi-annually|biannually|twice (?:a|per|each) year|every six months|half-yearly)": 6,
    r"(?:quarterly|every quarter|each quarter|once (?:a|per|each) quarter|every three months)": 3,
    r"(?:monthly|every month|each month|once (?:a|per) month)": 1,
    r"(?:biennially|every (?:two|2) years|every other year)": 24,
}  # fmt: skip
_CURRENCY = r"(?:US\s?\$|USD|EUR|GBP|€|£|\$)"
_CURRENCY_WORDS = r"dollars|euros|pounds|USD|EUR|GBP"
# The country a currency word may name first ("five million US dollars"), in either case: the lower-case
# patterns are case-sensitive.
_COUNTRY = r"(?:US|us|U\.S\.|u\.s\.|United States|united states|Canadian|canadian|Australian|australian)"
# A piece of every currency of the two above, in lower case ("us $" has "$"; "euros" has "eur").
_CURRENCY_MARKS = ("$", "€", "£", "usd", "eur", "gbp", "dollars", "pounds")


@dataclass(frozen=True)
class _Patterns:
    """The number patterns, compiled one way for any text and one way for lower-case ASCII text."""

    frequencies: list[tuple[re.Pattern[str], int]]
    any_frequency: re.Pattern[str]  # matches where any of ``frequencies`` does: one scan finds none
    duration: re.Pattern[str]
    amount: re.Pattern[str]


def _compile(lower: bool) -> _Patterns:
    # On ASCII text that is already lower case, a case-sensitive lower-case pattern matches exactly where
    # the IGNORECASE one does (IGNORECASE's extra equivalences, such as "ſ" for "s" and "K" (Kelvin) for
    # "k", are outside ASCII), and about twice as fast: most clauses reach the matcher folded.
    flags = 0 if lower else re.IGNORECASE
    currency = _CURRENCY.lower() if lower else _CURRENCY
    currency_words = _CURRENCY_WORDS.lower() if lower else _CURRENCY_WORDS
    return _Patterns(
        frequencies=[(re.compile(rf"(?<!\w){p}(?!\w)", flags), v) for p, v in _FREQUENCY.items()],
        any_frequency=re.compile(rf"(?<!\w)(?:{'|'.join(f'(?:{p})' for p in _FREQUENCY)})(?!\w)", flags),
        duration=re.compile(_DURATION, flags),
        amount=re.compile(
            rf"(?<!\w)(?P<cur>{currency})\s*(?P<num>{_DIGITS})\s*(?P<scale>million|m|mm|billion|bn|k|thousand)?(?!\w)"
            rf"|(?<![\w$€£.,])(?P<num2>{_DIGITS}|{_NUMWORDS})\s*(?P<scale2>million|billion|thousand)?\s*"
            rf"(?:{_COUNTRY}\s+)?(?P<cur2>{currency_words})(?!\w)",
            flags,
        ),
    )


_ANY_TEXT = _compile(lower=False)
_LOWER_ASCII = _compile(lower=True)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and where it stands in the text (``defined_term``: read through a definition).

    ``cadence``: the number says how often, not how long ("annually", "every 31 days").
    """

    value: float
    unit: str  # hours | days | business_days | months | amount
    start: int
    end: int
    text: str
    defined_term: str = ""
    cadence: bool = False


def parse_number(text: str) -> float | None:
    """The value of "72", "5,000,000", "twenty-four", "one hundred twenty", "a"; None if none."""
    text = text.strip().lower()
    if not text:
        return None
    if re.fullmatch(_DIGITS, text):
        return float(text.replace(",", ""))
    total = 0.0
    current = 0.0
    seen = False
    words = [w for w in re.split(r"[\s\-]+", text) if w and w != "and"]
    for i, word in enumerate(words):
        if word in _ARTICLES and i + 1 < len(words) and words[i + 1] in _SMALL:
            continue  # an article before a number: "a one-month period", "a few days"
        if word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word in _SCALE:
            current = max(current, 1) * _SCALE[word]
            if _SCALE[word] >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _normal_unit(raw: str) -> str:
    key = re.sub(r"[\s\-]+", " ", raw.lower()).rstrip("s")
    if key in ("hr", "h"):
        return "hours"
    if key in ("min", "minute"):
        return "minutes"
    return _UNIT_WORDS.get(key, _UNIT_WORDS.get(key.split()[-1], "days"))


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every duration, frequency and amount in ``text``, in order, with offsets + ``offset``."""
    patterns = _LOWER_ASCII if text.isascii() and text.islower() else _ANY_TEXT
    found: list[Quantity] = []
    # Most clauses state no frequency: one scan of the five patterns together says so.
    stated = patterns.frequencies if patterns.any_frequency.search(text) else []
    for pattern, months in stated:
        for m in pattern.finditer(text):
            if any(q.start - offset <= m.start() < q.end - offset for q in found):
                continue
            found.append(
                Quantity(
                    float(months), "months", m.start() + offset, m.end() + offset, m.group(0), cadence=True
                )
            )
    frequencies = list(found)
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
        unit = _normal_unit(m.group("unit"))
        if m.group("kind") and unit == "days":
            unit = _normal_unit(f"{m.group('kind')} day")
        if unit == "weeks":
            unit, value = "days", value * 7
        elif unit == "years":
            unit, value = "months", value * 12
        elif unit == "minutes":
            unit, value = "hours", value / 60
        if any(q.start - offset < m.end() and m.start() < q.end - offset for q in frequencies):
            continue
        start = m.start("num") + (len(m.group("num")) - len(m.group("num").lstrip()))
        every = _EVERY.search(text, max(0, start - 16), start) is not None
        found.append(
            Quantity(value, unit, start + offset, m.end() + offset, text[start : m.end()], cadence=every)
        )
    lower = patterns is _LOWER_ASCII
    # An amount names its currency ("$", "USD", "euros"); lower-case text without one states none.
    amounts = () if lower and not any(c in text for c in _CURRENCY_MARKS) else patterns.amount.finditer(text)
    for m in amounts:
        raw = m.group("num") or m.group("num2") or ""
        value = parse_number(raw)
        if value is None:
            continue
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        value *= {"million": 1e6, "m": 1e6, "mm": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3,
                  "thousand": 1e3}.get(scale, 1)  # fmt: skip
        found.append(Quantity(value, "amount", m.start() + offset, m.end() + offset, m.group(0)))
    found.sort(key=lambda q: q.start)
    return found


_DEFINITION = re.compile(
    r"[\"“]([^\"“”]{2,60})[\"”]\s+(?:means|shall mean|is|refers to)\s+(?:a period of\s+|the period of\s+)?",
    re.IGNORECASE,
)


def defined_periods(text: str, reach: int, starts_within: int) -> dict[str, Quantity]:
    """Defined terms whose definition is a duration: '"Notice Period" means 48 hours' → term → 48 h.

    The duration is read in the ``reach`` characters after "means" and must start within the first
    ``starts_within`` of them (the language file's ``period_definition_reach`` and ``_start``).
    """
    periods: dict[str, Quantity] = {}
    for m in _DEFINITION.finditer(text):
        rest = text[m.end() : m.end() + reach]
        quantities = [q for q in find_quantities(rest) if q.unit != "amount" and q.start < starts_within]
        if quantities:
            q = quantities[0]
            periods[m.group(1).strip().lower()] = Quantity(
                q.value, q.unit, 0, 0, q.text, defined_term=m.group(1).strip(), cadence=q.cadence
            )
    return periods
