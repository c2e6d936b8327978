"""Word accuracy of an OCR reading against the text it was rendered from.

Words are compared as sequences (difflib's longest matching blocks), after folding what typesetting and
OCR legitimately change: case is kept, but curly quotes and dashes become straight ones and hyphens
that split a word over a line are joined. Accuracy is the share of the reference's words that the reading
has, in order; a word read wrongly, dropped or split counts against it, and so does every extra word.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

__all__ = ["word_accuracy", "words"]

_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "|": "I"})
_WORD = re.compile(r"\S+")


def words(text: str) -> list[str]:
    """The words of ``text``, folded for comparison."""
    return _WORD.findall(text.translate(_FOLD))


def word_accuracy(reference: str, reading: str) -> float:
    """The share (0-1) of reference words read right, in order, less a penalty for extra words."""
    ref, got = words(reference), words(reading)
    if not ref:
        return 1.0 if not got else 0.0
    matcher = SequenceMatcher(None, ref, got, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    extra = max(0, len(got) - len(ref))
    return max(0.0, (matched - extra) / len(ref))
