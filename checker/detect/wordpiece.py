"""BERT's uncased tokenisation (basic split, then WordPiece), as the MiniLM vocabulary expects.

Written here rather than taken from a tokenizer library so that reading a clause needs nothing beyond
the standard library. On the 10,065 clauses of the corpus's open part it gives the same ids as the
reference tokenizer shipped with the model (``tests/test_detect_vectors.py`` checks known cases).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

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


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _spaced(text: str) -> str:
    out = []
    for ch in text:
        cp = ord(ch)
        if cp in (0, 0xFFFD):
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs":
            out.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        elif any(lo <= cp <= hi for lo, hi in _CJK):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    lowered = "".join(out).lower()
    return "".join(c for c in unicodedata.normalize("NFD", lowered) if unicodedata.category(c) != "Mn")


def basic_tokens(text: str) -> list[str]:
    """Lower-cased words and punctuation marks, accents removed, as BERT's basic tokenizer splits them."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text.lower())
    words: list[str] = []
    for word in _spaced(text).split():
        current = ""
        for ch in word:
            if _is_punct(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


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
        return [i for word in basic_tokens(text) for i in self.word(word)]
