"""Property tests: the quantity parser and the matcher take any text without failing, and every offset
they report points at the text they quote. (The segmenter's own property test is in test_segment.py:
``test_any_text_gives_valid_clauses``.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.api import ContractChecker
from checker.library.loader import load_library
from checker.match.engine import Engine
from checker.match.quantities import QuantityReader

#: Pieces that make a random text look like a contract to the parsers, mixed with arbitrary unicode.
PIECES = [
    "Vendor shall notify Customer ",
    "within ",
    "no later than ",
    "twenty-four (24) hours",
    "seventy-two (72) hours",
    "two business days",
    "at least annually",
    "USD 5,000,000",
    "$5 million",
    "(a) ",
    "12.3 ",
    "Security Incident",
    " of becoming aware ",
    "not ",
    "may ",
    "shall not ",
    "encrypt Customer Data at rest using AES-256",
    "audit",
    '"Notice Period" means 48 hours. ',
    "within the Notice Period",
    ". ",
    "\n",
    "(",
    ")",
    "-",
    ",",
    "\u00a0",
    "\ufffe",
]
contract_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=30).map("".join)
find_quantities = QuantityReader(load_library().language).find
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=contract_text, offset=st.integers(0, 10_000))
@example(text="within twenty-four (24) hours", offset=0)
@example(text="(((((((((((((((((((((((((((((( 1 day", offset=3)
def test_quantities_never_fail_and_quote_their_slice(text: str, offset: int) -> None:
    for q in find_quantities(text, offset):
        assert offset <= q.start <= q.end <= offset + len(text)
        assert text[q.start - offset : q.end - offset] == q.text
        assert q.value >= 0 and q.unit in {"hours", "days", "business_days", "months", "amount"}


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Vendor shall notify Customer within twenty-four (24) hours.", 24, "hours"),
        ("no later than seventy-two (72) hours after discovery", 72, "hours"),
        ("within two business days", 2, "business_days"),
        ("within one (1) calendar day", 1, "days"),
        ("a 48-hour notice", 48, "hours"),
        ("Vendor shall test its controls at least annually.", 12, "months"),
        ("every twelve (12) months", 12, "months"),
        ("reviewed quarterly", 3, "months"),
        ("insurance of USD 5,000,000 per claim", 5_000_000, "amount"),
        ("coverage of $5 million", 5_000_000, "amount"),
        ("within 2 weeks", 14, "days"),
    ],
)
def test_known_forms_parse(text: str, value: float, unit: str) -> None:
    found = [(q.value, q.unit) for q in find_quantities(text)]
    assert (value, unit) in found, found


@pytest.fixture(scope="module")
def engine() -> Engine:
    return ContractChecker().engine


@SETTINGS
@given(text=contract_text)
@example(
    text="Vendor shall notify Customer within twenty-four (24) hours of becoming aware of a Security Incident."
)
@example(text="Vendor shall not notify Customer. Vendor may audit. (a) (b) ((((")
def test_matcher_never_raises_and_evidence_is_the_slice(engine: Engine, text: str) -> None:
    for match in engine.match_text(text):
        ev = match.evidence
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start : ev.end] == ev.text
        assert all(v >= 0 for v in match.params.values())


def test_matcher_reads_the_example_it_is_given(engine: Engine) -> None:
    text = (
        "Vendor shall notify Customer within twenty-four (24) hours of becoming aware of a Security Incident."
    )
    found = {m.control: m for m in engine.match_text(text)}
    assert found["incident_notification"].params.get("notification_hours") == 24
