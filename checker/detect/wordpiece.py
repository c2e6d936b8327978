"""BERT's uncased tokenisation (basic split, then WordPiece), as the MiniLM vocabulary expects.

Written here rather than taken from a tokenizer library so that reading a clause needs nothing beyond
the standard library. On the 10,065 clauses of the corpus's open part it gives the same ids as the
reference tokenizer shipped with the model (``tests/test_detect_vectors.py`` checks known cases).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

__all__ = ["WordPiece", "basic_tokens"]

# Plain ASCII text, the common case, splits by one pattern: runs of letters and digits, and each
# punctuation mark on its own.
_ASCII_TOKEN = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
_MAX_WORD = 100
_MAX_TABLE = 50_000


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


class _CharTable(dict[int, str | None]):
    """A ``str.translate`` table that works out each character's replacement the first time it is seen.

    Translating in C with a filled table replaces a Python loop over every character of every clause
    (``unicodedata.category`` per character): a clause with one curly quote no longer costs a Python call
    per character. The table only grows by the characters the documents contain.
    """

    def __init__(self, rule: Callable[[str], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, cp: int) -> str | None:
        replacement = self.rule(chr(cp))
        if len(self) < _MAX_TABLE:  # a document of every code point must not grow it without bound
            self[cp] = replacement
        return replacement


def _cleaned(ch: str) -> str | None:
    """Before lower-casing: no NUL, replacement or control/format characters; any space is " "; CJK spaced."""
    cp = ord(ch)
    if cp in (0, 0xFFFD):
        return None
    cat = unicodedata.category(ch)
    if ch in "\t\n\r" or cat == "Zs":
        return " "
    if cat in ("Cc", "Cf"):
        return None
    if any(lo <= cp <= hi for lo, hi in _CJK):
        return f" {ch} "
    return ch


def _split_marks(ch: str) -> str | None:
    """After NFD: accents (Mn) dropped, each punctuation mark a word of its own."""
    if unicodedata.category(ch) == "Mn":
        return None
    return f" {ch} " if _is_punct(ch) else ch


_CLEAN = _CharTable(_cleaned)
_SPLIT = _CharTable(_split_marks)

# The non-ASCII punctuation of most contracts (a third of the corpus clauses have one), kept if the
# Unicode database agrees: a punctuation mark without case or decomposition.
_MARKS = "".join(
    ch
    for ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u00a7\u2026"  # ‘ ’ “ ” – — § …
    if unicodedata.category(ch).startswith("P")
    and unicodedata.normalize("NFD", ch) == ch
    and ch.lower() == ch
    and _cleaned(ch) == ch
)
# Text of printable ASCII, tab, newline and carriage return (other control characters are removed, not
# split at) and those marks.
_PLAIN = re.compile(f"[\t\n\r -~{_MARKS}]*")
_PLAIN_TOKEN = re.compile(f"[a-z0-9]+|[!-/:-@\\[-`{{-~{_MARKS}]")


def basic_tokens(text: str) -> list[str]:
    """Lower-cased words and punctuation marks, accents removed, as BERT's basic tokenizer splits them."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text.lower())
    if _PLAIN.fullmatch(text):
        # Printable ASCII with curly quotes and dashes only: each of those a punctuation mark that
        # cleaning, lower-casing and NFD leave as it is, so the one pattern splits it as the steps below do.
        return _PLAIN_TOKEN.findall(text.lower())
    return _unicode_tokens(text)


def _unicode_tokens(text: str) -> list[str]:
    # Cleaning, lower-casing, NFD and accent stripping in BERT's order; spacing each punctuation mark
    # before one split gives the words and marks that splitting each word at its marks gives.
    lowered = text.translate(_CLEAN).lower()
    return unicodedata.normalize("NFD", lowered).translate(_SPLIT).split()


class WordPiece:
    """Greedy longest-match-first WordPiece over a fixed vocabulary (one token a line, as vocab.txt)."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.index = {token: i for i, token in enumerate(vocabulary)}
        self.unknown = self.index["[UNK]"]
        self._memo: dict[str, list[int]] = {}

    def word(self, word: str) -> list[int]:
        """The ids of one basic token: its longest known pieces, or the unknown token."""
        hit = self._memo.get(word)
        if hit is not None:
            return hit
        ids: list[int] = []
        start = 0
        if len(word) > _MAX_WORD:
            ids = [self.unknown]
        while start < len(word) and ids[-1:] != [self.unknown]:
            end, found = len(word), -1
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.index.get(piece, -1)
                if found >= 0:
                    break
                end -= 1
            if found < 0:
                ids = [self.unknown]
                break
            ids.append(found)
            start = end
        if len(self._memo) < 200_000:
            self._memo[word] = ids
        return ids

    def ids(self, text: str) -> list[int]:
        """Every piece id of ``text``, without the [CLS]/[SEP] markers."""
        memo, word = self._memo.get, self.word  # most words are known: no call for them
        return [i for w in basic_tokens(text) for i in (memo(w) or word(w))]
