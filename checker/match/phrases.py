"""Library phrases compiled to regular expressions.

A phrase is matched case-insensitively on word boundaries. A trailing ``*`` on a word matches any
ending (``notif*``), ``?`` stands for one optional letter (``endeavo?r``), and a hyphen or a space
inside a phrase matches a hyphen, a space or nothing ("multi-factor", "multi factor", "multifactor").
Regular-expression phrases (weak language, non-evidence patterns) are compiled as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

__all__ = [
    "compile_phrases",
    "compile_regexes",
    "fold",
    "normalise",
    "phrase_anchors",
    "phrase_pattern",
]

_LEADING = re.compile(r"^[\s\-]+")
_REPLACE = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("\u00a0", " "), ("–", "-"), ("—", "-"))


def normalise(text: str) -> str:
    """Text as the matcher reads it: straight quotes and dashes, same length as the input.

    Keeping the length lets every match offset be used on the original text unchanged.
    """
    # Every character it replaces is outside ASCII, and most clauses are ASCII (a flag CPython keeps);
    # otherwise one str.replace per character, each a scan in C, beats translate()'s lookup per character.
    if text.isascii():
        return text
    for old, new in _REPLACE:
        if old in text:
            text = text.replace(old, new)
    return text


def fold(text: str) -> str:
    """Normalised and lower-cased text of the same length, which compiled phrases search.

    Searching folded text with case-sensitive patterns is several times faster than IGNORECASE.
    """
    text = normalise(text)
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@cache
def phrase_pattern(phrase: str, bounded: bool = True) -> str:
    """The regular expression for one library phrase (lower case; search it on :func:`fold` text)."""
    parts: list[str] = []
    for word in re.split(r"[\s\-]+", phrase.strip().lower()):
        if not word:
            continue
        piece = ""
        for ch in word:
            if ch == "*":
                piece += r"[\w\-]*"
            elif ch == "?":
                piece += r"\w?"
            else:
                piece += re.escape(ch)
        parts.append(piece)
    body = r"[\s\-]*".join(parts) if len(parts) > 1 else (parts[0] if parts else "")
    # Whole words: no letter or digit may touch either end.
    return rf"(?<!\w){body}(?!\w)" if bounded else body


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of the phrases (longest first) in :func:`fold` text.

    The word-boundary assertions stand outside the alternation, so the regex engine rejects most
    positions at once: an order of magnitude faster than bounding each alternative. The same phrase
    list always gives the same pattern object, so a clause's search results can be shared by every
    control that uses the group.
    """
    return _compile_phrases(tuple(sorted(set(phrases), key=lambda p: (-len(p), p))))


@cache
def _compile_phrases(unique: tuple[str, ...]) -> re.Pattern[str]:
    if not unique:
        return re.compile(r"(?!x)x")
    grouped = _by_first_letter(unique)
    if grouped is None:
        body = "|".join(phrase_pattern(p, bounded=False) for p in unique)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)")
    return re.compile(rf"(?:{grouped})(?!\w)")


def _by_first_letter(unique: tuple[str, ...]) -> str | None:
    """The phrases' alternation with its alternatives gathered by their first character, each group
    written ``c(?<!\\w.)(?:rest|rest)``; None when a phrase does not begin with a plain character.

    It matches exactly what ``(?<!\\w)(?:p1|p2|...)`` matches, at the same place: alternatives that
    begin with different characters cannot match at the same position, so gathering them keeps the
    order in which those that can are tried, and ``(?<!\\w.)`` after the first character asks what
    ``(?<!\\w)`` asked before it. It is faster: every alternative now begins with a literal, so the
    regular-expression engine skips the positions where no phrase can begin without entering the
    pattern, and at a word's start it tries one group instead of every phrase.
    """
    groups: dict[str, list[str]] = {}
    for phrase in unique:
        first = _LEADING.sub("", phrase.strip().lower())[:1] or "*"  # as phrase_pattern splits words
        body = phrase_pattern(phrase, bounded=False)
        lead = re.escape(first)
        if first in "*?" or not body.startswith(lead):
            return None
        groups.setdefault(lead, []).append(body[len(lead) :])
    return "|".join(rf"{lead}(?<!\w.)(?:{'|'.join(rests)})" for lead, rests in groups.items())


def compile_regexes(patterns: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of the regular expressions on word boundaries."""
    unique = sorted(set(patterns), key=lambda p: (-len(p), p))
    if not unique:
        return re.compile(r"(?!x)x")
    body = "|".join(f"(?:{p})" for p in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def phrase_anchors(phrase: str) -> tuple[str, ...] | None:
    """The words a clause must contain for ``phrase`` to match it, or None if they cannot be told.

    One key per word, exact ("audit") or a prefix ("incident*"); a word with no usable literal (pure
    wildcard, punctuation) adds no key. The first word must give one, or the phrase is unfilterable.
    """
    keys = []
    for n, word in enumerate(re.split(r"[\s\-]+", phrase.strip().lower())):
        literal = re.split(r"[*?]", word)[0]
        if not literal or not literal.isalnum():
            if n == 0:
                return None
            continue
        keys.append(literal if literal == word else literal + "*")
    if not keys:
        return None
    if len(keys) > 1 and not keys[0].endswith("*"):
        # The words of a phrase may be written as one ("multi-factor" → "multifactor").
        keys[0] += "*"
    return tuple(keys)
