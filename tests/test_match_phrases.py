"""Library phrases compiled to one pattern per group (checker.match.phrases).

A group's phrases are gathered by first character for speed; whatever the phrases, the compiled pattern
must match exactly where the plain alternation of the phrases does, in the same order of preference.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker.match.phrases import compile_phrases, phrase_pattern

WORDS = [
    "not",
    "notify",
    "notif*",
    "no",
    "data",
    "data*",
    "breach",
    "multi-factor",
    "mfa",
    "n?tice",
    "*ware",
    "x",
]
TEXT_PIECES = [
    "not notify", "notification", "no data", "data-breach", "databreach", "multifactor", "multi factor",
    "multi-factor", "MFA", "notice", "ntice", "malware", "xx", "x", " ", "-", ",", ".", "\n", "é", "_",
]  # fmt: skip


def _plain(phrases: list[str]) -> re.Pattern[str]:
    """The phrases as one alternation, longest first, each bounded on both sides: what they mean."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<!\w)(?:" + "|".join(phrase_pattern(p, bounded=False) for p in unique) + r")(?!\w)")


@given(
    phrases=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8
    ),
    text=st.lists(st.sampled_from(TEXT_PIECES), max_size=25).map("".join),
    start=st.integers(0, 40),
)
@settings(max_examples=400, deadline=None)
@example(phrases=["not notify", "notif*", "no"], text="we do not notify; notification, no", start=0)
@example(phrases=["data breach", "data*"], text="a data-breach, databreach", start=3)
@example(phrases=["data", "data breach", "not", "not notify"], text="a data-breach: not notify", start=0)
def test_compiled_phrases_match_where_the_phrases_do(phrases: list[str], text: str, start: int) -> None:
    text = text.lower()
    compiled, plain = compile_phrases(phrases), _plain(phrases)
    assert [(m.span(), m.group(0)) for m in compiled.finditer(text, start)] == [
        (m.span(), m.group(0)) for m in plain.finditer(text, start)
    ]


def test_a_phrase_starting_with_a_wildcard_keeps_the_plain_alternation() -> None:
    pattern = compile_phrases(["*ware", "malware scan"])
    assert pattern.pattern.startswith(r"(?<!\w)")
    assert [m.group(0) for m in pattern.finditer("malware scan, firmware")] == ["malware scan", "firmware"]
