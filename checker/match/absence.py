"""Proof, from a clause's words alone, that none of a term group's phrases occurs in it.

The term index (:class:`checker.match.rules.RuleIndex`) lets a multi-word phrase whose first word starts a
longer word stand for its group, since the words may be written as one ("multifactor" for "multi-factor").
That keeps every group the clause could contain, and it names the groups the detector reads; but on the
corpus three searches in four of a group's pattern found nothing, nearly all of them for groups that only
such a first word let in ("personal" for "per customer", "notice" for "no right to audit"). A group's
:class:`Absence` says when no phrase of it can match, so that its pattern need not be searched:

* a one-word phrase: its word is not a word of the clause, or (``notif*``) no word starts with it;
* a phrase of several words whose first word is plain ("per customer", "no right to audit"): no word
  starts with the first two written as one ("percustomer"), and either the first is not a word of the
  clause or no word starts with the second ("customer"). A match begins where a word begins (the
  pattern's lookbehind): either nothing separates the first word from the second, or the first is a
  whole word and the second begins the next;
* a phrase of several words whose first word has a wildcard (``respond* to``): no word starts with it.

A group with any other phrase (one the index cannot anchor, or a stem longer than the index keeps) has no
Absence: its pattern is searched whenever the index lets it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_PREFIX", "Absence"]

MAX_PREFIX = 24  # the longest prefix key the term index records for a word
_WORDS = re.compile(r"[\s\-]+")  # as phrase_pattern and phrase_anchors split a phrase
_WILD = re.compile(r"[*?]")


@dataclass(frozen=True)
class Absence:
    """The words a clause must lack for none of a group's phrases to occur in it."""

    words: frozenset[str]  # one-word phrases' words: none may be a word of the clause
    stems: frozenset[str]  # prefix keys ("notif*"): no word of the clause may start with one
    glued: frozenset[str]  # plain first two words as one prefix key ("percustomer*"): none may start a word
    firsts: frozenset[str]  # plain first words of longer phrases ("per") ...
    seconds: dict[str, frozenset[str]]  # ... and, if one is a word, the prefix keys of its second words

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Absence | None:
        """The absence proof of a group's phrases, or None if one of them cannot be proven absent."""
        words: set[str] = set()
        stems: set[str] = set()
        glued: set[str] = set()
        seconds: dict[str, set[str]] = {}
        for phrase in phrases:
            parts = _WORDS.split(phrase.strip().lower())
            literal = _WILD.split(parts[0])[0]
            if not literal or not literal.isalnum() or len(literal) > MAX_PREFIX:
                return None
            if len(parts) == 1 and literal == parts[0]:
                words.add(literal)
                continue
            second = _WILD.split(parts[1])[0] if len(parts) > 1 else ""
            joined = literal + second
            if literal != parts[0] or not second.isalnum() or len(joined) > MAX_PREFIX:
                # A wildcard in the first word (or no usable second): no word may start with the first.
                stems.add(literal + "*")
                continue
            glued.add(joined + "*")
            seconds.setdefault(literal, set()).add(second + "*")
        return cls(
            frozenset(words),
            frozenset(stems),
            frozenset(glued),
            frozenset(seconds),
            {first: frozenset(keys) for first, keys in seconds.items()},
        )

    @property
    def keys(self) -> frozenset[str]:
        """The prefix keys the term index must record for each word of a clause for :meth:`holds`."""
        return self.stems | self.glued | frozenset(k for keys in self.seconds.values() for k in keys)

    def holds(self, tokens: set[str], prefixes: set[str]) -> bool:
        """Whether no phrase can occur in a clause of these words and word prefixes (as the index reads them).

        A plain first word that is a word of the clause may begin a phrase written apart ("per customer"):
        then its second word starts a word of the clause too.
        """
        if not (self.words.isdisjoint(tokens) and self.stems.isdisjoint(prefixes)):
            return False
        if not self.glued.isdisjoint(prefixes):
            return False
        seconds = self.seconds
        return all(seconds[first].isdisjoint(prefixes) for first in self.firsts & tokens)
