"""Whether a line reads as a heading, and where a run-in heading ends ("5.2 Security Incidents. ...")."""

from __future__ import annotations

import re

from checker.segment.labels import Label
from checker.segment.sentences import FINAL_IF_CAPITAL, NEVER_FINAL

__all__ = [
    "SMALL_WORDS",
    "VERBS",
    "find_inline_heading",
    "looks_like_heading",
    "reads_as_item",
    "reads_as_title",
    "unbalanced_quote",
]

#: Words a heading does not contain: a line with one of these is a sentence, however short.
VERBS = frozenset(
    {
        "shall", "will", "must", "may", "might", "should", "can", "cannot", "could", "would", "agrees", "agree",
        "is", "are", "was", "were", "be", "been", "has", "have", "does", "do", "means", "include", "includes",
    }
)  # fmt: skip
#: Words a Title Cased heading leaves in lower case.
SMALL_WORDS = frozenset(
    {
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with",
        "via", "per", "vs", "nor", "but", "under", "upon", "its", "their",
    }
)  # fmt: skip
_TERMINAL = ".;:,!?"
_INLINE_HEADING = re.compile(
    r"(?:\*\*|__)?(?P<title>[A-Z0-9“\"][^.;:!?\n*_]{0,90}?)(?:\*\*|__)?\.(?:\*\*|__)?[ \t\u00a0]+"
    r"(?=[A-Z0-9(“\"'‘\[])"
)
_WORD_STRIP = "()[]“”\"'‘’.,:;*_"
_ABBREVIATIONS = NEVER_FINAL | FINAL_IF_CAPITAL


def _words(text: str) -> list[str]:
    return [w.strip(_WORD_STRIP) for w in text.split() if w.strip(_WORD_STRIP)]


def _title_case(words: list[str]) -> bool:
    for n, word in enumerate(words):
        letter = next((c for c in word if c.isalnum()), "")
        if letter and letter.islower() and (n == 0 or word.lower() not in SMALL_WORDS):
            return False
    return True


def looks_like_heading(title: str, labels: list[Label]) -> bool:
    """Whether a whole line (``title`` is its text after the labels) reads as a heading.

    A heading is short, starts with a capital, has no verb of obligation or being, and has no sentence
    punctuation at its end, unless it is in capitals ("DEFINITIONS.") or a Title Cased run closed by a
    full stop ("Security Incidents."). Under an "(a)"-style label only Title Case or capitals count.
    """
    if len(title) > 160:
        return False
    title = title.strip().strip("*_").strip()
    if not title:
        return bool(labels) and labels[-1].style == "kw"
    words = _words(title)
    if len(title) > 120 or not words or len(words) > 14:
        return False
    first = next((c for c in title if c.isalnum()), "")
    if not first or first.islower() or any(w.lower() in VERBS for w in words) or unbalanced_quote(title):
        return False
    if not labels and (": " in title or (title[0] == "(" and title[-1] == ")")):
        return False  # a form field ("Name: Acme Inc.") or an aside ("(Last updated May 2023)")
    letters = [c for c in title if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return True
    title_case = _title_case(words)
    if title[-1] in _TERMINAL:
        return title[-1] == "." and title_case and len(words) <= 8 and title.count(".") == 1
    if words[-1].lower() in SMALL_WORDS:
        return False
    sub_item = bool(labels) and labels[-1].style not in ("dec", "kw")
    return title_case or not sub_item


def reads_as_item(title: str) -> bool:
    """Whether a verbless line could be an item of a list or schedule rather than a heading.

    "Encryption of personal data at rest and in transit" reads as a measure: three words or more in
    sentence case. A heading in capitals or Title Case ("SECURITY MEASURES", "Access Control") does not.
    """
    title = title.strip().strip("*_").strip()
    words = _words(title)
    letters = [c for c in title if c.isalpha()]
    if len(words) < 3 or not letters or all(c.isupper() for c in letters):
        return False
    return not _title_case(words)


_PARENTHESES = re.compile(r"\([^()]*\)")
_LIST_END = re.compile(r"[;,]\s*(?:and|or|and/or)?\s*$", re.IGNORECASE)


def reads_as_title(text: str) -> bool:
    """Whether a clause's whole text is a title, not a sentence: a name for what follows.

    "SAFEGUARDING COVERED DEFENSE INFORMATION (MAY 2024)", "Title: Protect Encryption Keys", "Remarks:
    Data Retention and Deletion": at most 16 words outside parentheses, no verb of obligation or being,
    in capitals or Title Case (a "Label: value" field: both sides). A list item ("WebTrust for CAs;",
    "the Principle of Least Privilege; and") completes its lead-in's sentence, so it is never a title.
    """
    text = text.strip().strip("*_").strip()
    if not text or _LIST_END.search(text):
        return False
    bare = _PARENTHESES.sub(" ", text)
    words = _words(bare)
    if not words or len(words) > 16 or any(w.lower() in VERBS for w in words):
        return False
    letters = [c for c in bare if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(c.isupper() for c in letters):
        return True
    label, colon, value = bare.partition(": ")
    if colon and len(_words(label)) <= 3:
        return _title_case(_words(label)) and bool(_words(value)) and _title_case(_words(value))
    return _title_case(words)


def unbalanced_quote(title: str) -> bool:
    """A line that opens a quotation it does not close, or closes one it did not open: a piece of a
    defined term broken over lines in a table ('"Emergency' / 'Maintenance"'), never a heading."""
    return title.count('"') % 2 == 1 or title.count("“") != title.count("”")


def find_inline_heading(text: str, pos: int, end: int, labelled: bool) -> tuple[int, int] | None:
    """The span of a run heading a paragraph ("Security Incidents." in "5.2 Security Incidents. ...").

    After a label: a Title Cased run of at most 10 words, or a plain one of at most 6 words and no
    commas ("Safeguarding requirements and procedures."). Without a label only a Title Cased run of at
    most 6 words counts (a bold lead-in whose markup the extractor removed).
    """
    match = _INLINE_HEADING.match(text, pos, end)
    if not match:
        return None
    title = match.group("title").strip()
    words = _words(title)
    if not words or any(w.lower() in VERBS for w in words):
        return None
    if words[-1].lower() + "." in _ABBREVIATIONS or not any(c.isalpha() for c in title):
        return None
    if _title_case(words):
        if len(words) > (10 if labelled else 6):
            return None
    elif not labelled or len(words) > 6 or "," in title:
        return None
    return pos, match.end()
