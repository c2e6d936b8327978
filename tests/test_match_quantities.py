"""Durations, frequencies and amounts as contracts write them (checker.match.quantities)."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker.library.loader import load_library
from checker.match.quantities import QuantityReader

LANGUAGE = load_library().language
WINDOWS = LANGUAGE["reading"]["windows"]
# The shipped language file's number words, units, frequencies and currencies.
READER = QuantityReader(LANGUAGE)
find_quantities, parse_number, defined_periods = READER.find, READER.parse_number, READER.defined_periods


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("within twenty-four (24) hours of becoming aware", 24, "hours"),
        ("no later than 72 hours after", 72, "hours"),
        ("within two business days", 2, "business_days"),
        ("within one (1) calendar day", 1, "days"),
        ("no later than 5 days", 5, "days"),
        ("ten (10) working days", 10, "business_days"),
        ("on no less than fourteen business (14) days from the date", 14, "business_days"),
        ("within five calendar (5) days", 5, "days"),
        ("a 48-hour window", 48, "hours"),
        ("within 24h", 24, "hours"),
        ("one hundred twenty (120) days", 120, "days"),
        ("within one week", 7, "days"),
        ("for a period of two (2) years", 24, "months"),
        ("at least annually", 12, "months"),
        ("once per year", 12, "months"),
        ("quarterly", 3, "months"),
        ("semi-annually", 6, "months"),
        ("USD 5,000,000 per claim", 5_000_000, "amount"),
        ("$5 million in the aggregate", 5_000_000, "amount"),
        ("no less than five million euros", 5_000_000, "amount"),
        ("policy limits of at least five million US dollars in coverage", 5_000_000, "amount"),
        ("not less than 2,000,000 U.S. dollars", 2_000_000, "amount"),
        ("two million united states dollars", 2_000_000, "amount"),
    ],
)
def test_known_forms(text: str, value: float, unit: str) -> None:
    found = find_quantities(text)
    assert found, text
    q = found[0]
    assert (q.value, q.unit) == (value, unit)
    assert text[q.start : q.end] == q.text


def test_a_number_after_its_intro_words_is_found_with_its_offsets() -> None:
    # The intro word itself ("no later than") was kept on the quantity but no decision read it: gone.
    text = "notify Customer no later than 72 hours after discovery"
    q = find_quantities(text)[0]
    assert (q.value, q.unit, text[q.start : q.end]) == (72, "hours", "72 hours")


@pytest.mark.parametrize(
    "text",
    ["Section 12.3 applies", "the 2 parties", "ISO/IEC 27001:2022", "version 1.2", "than the Agreement"],
)
def test_numbers_that_are_not_durations(text: str) -> None:
    assert [q for q in find_quantities(text) if q.unit != "amount"] == []


def test_offsets_are_shifted() -> None:
    q = find_quantities("within 5 days", offset=100)[0]
    assert (q.start, q.end) == (107, 113)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("seventy-two", 72),
        ("one hundred twenty", 120),
        ("5,000,000", 5_000_000),
        ("twelve", 12),
        ("nonsense", None),
    ],
)
def test_parse_number(words: str, value: float | None) -> None:
    assert parse_number(words) == value


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Open corpus (Datica auditing policy): "a one-month period" was read as two months ("a" + "one").
        ("retained locally for a one-month period", [(1, "months")]),
        ("for an eighteen-month term", [(18, "months")]),
        ("a two (2) week period", [(14, "days")]),
        ("within a few days", []),
        # Alone or before a scale word, the article is the number one.
        ("within a month", [(1, "months")]),
        ("a hundred days", [(100, "days")]),
    ],
)
def test_an_article_before_a_number_word_is_no_number(text: str, found: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in find_quantities(text)] == found


def test_defined_period_is_resolved() -> None:
    reach, start = WINDOWS["period_definition_reach"], WINDOWS["period_definition_start"]
    periods = defined_periods(
        '"Notice Period" means forty-eight (48) hours after discovery of an incident.', reach, start
    )
    assert periods["notice period"].value == 48
    assert periods["notice period"].unit == "hours"


def test_a_defined_period_is_read_within_the_language_files_windows() -> None:
    text = '"Notice Period" means for any incident affecting production systems 48 hours after discovery.'
    assert text.index("48") - text.index("means") - len("means ") > WINDOWS["period_definition_start"]
    assert defined_periods(text, WINDOWS["period_definition_reach"], WINDOWS["period_definition_start"]) == {}
    wider = defined_periods(text, WINDOWS["period_definition_reach"], 60)
    assert wider["notice period"].value == 48


# Pieces in mixed case, so that a text and its lower-case form take the two ways find_quantities reads
# (lower-case ASCII text with case-sensitive patterns, any other text with IGNORECASE ones).
CASED_PIECES = [
    "Within ",
    "TWENTY-FOUR (24) HOURS",
    "72 Hours",
    "Two Business Days",
    "at least Annually",
    "QUARTERLY",
    "Every Six Months",
    "USD 5,000,000",
    "US$ 3",
    "Eur 40K",
    "five million Euros",
    "GBP 12",
    "$5 Million",
    "300 Dollars",
    "Five Million US Dollars",
    "a Year",
    "48-Hour",
    "24H",
    "One (1) Calendar Day",
    "(a) ",
    ", ",
    ". ",
    "no ",
    "cost ",
]


@given(
    text=st.lists(
        st.one_of(st.sampled_from(CASED_PIECES), st.text(alphabet=string.printable, max_size=12)), max_size=20
    ).map("".join)
)
@settings(max_examples=300, deadline=None)
@example(text="Liability shall not exceed USD 1,000,000 or Five Million Euros, reviewed ANNUALLY")
def test_case_does_not_change_what_is_found(text: str) -> None:
    def found(t: str) -> list[tuple[float, str, int, int]]:
        return [(q.value, q.unit, q.start, q.end) for q in find_quantities(t)]

    assert found(text) == found(text.lower())
