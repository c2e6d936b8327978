"""Is the contract in English? The library reads English only, so say so rather than report "missing".

A stop-word profile is enough to tell a contract's language: legal prose is full of function words.
The check is deliberately lenient (a bilingual contract with an English half passes) and only runs on
documents long enough to judge.
"""

from __future__ import annotations

import re

from checker.errors import UnsupportedLanguageError
from checker.models import Document

__all__ = ["detect_language", "ensure_english"]

_STOPWORDS = {
    "English": "the of and to in or any by be for shall this with that such as on is will not",
    "German": "der die das und zu den von mit des ist im dem nicht ein eine auf für sich oder werden",
    "French": "le la les de des et du en un une est pour dans par au qui sur ne pas que",
    "Spanish": "el la los las de del y en un una que por con para se al es lo su no",
    "Italian": "il la le di del della e in un una che per con non sono al dei delle si",
    "Dutch": "de het een en van in op te dat is voor met zijn niet aan door of bij",
    "Portuguese": "o a os as de do da e em um uma que para com não por ao dos das se",
}
_PROFILES = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 150


def detect_language(text: str, sample: int = 20_000) -> tuple[str, float]:
    """The most likely language of ``text`` and the share of its words that are that language's stop words."""
    words = [w.lower() for w in _WORD.findall(text[:sample])]
    if not words:
        return "unknown", 0.0
    best, share = "unknown", 0.0
    for lang, profile in _PROFILES.items():
        hits = sum(1 for w in words if w in profile) / len(words)
        if hits > share:
            best, share = lang, hits
    return best, share


def ensure_english(doc: Document) -> None:
    """Raise :class:`UnsupportedLanguageError` when a document of some length is clearly not English."""
    words = _WORD.findall(doc.text[:20_000])
    if len(words) < MIN_WORDS:
        return
    lang, _ = detect_language(doc.text)
    if lang not in ("English", "unknown"):
        raise UnsupportedLanguageError(
            f"The contract appears to be in {lang}; the clause library reads English contracts only,"
            " so every control would wrongly show as missing.",
            hint="Use an English version or translation of the agreement.",
            path=doc.path,
        )
