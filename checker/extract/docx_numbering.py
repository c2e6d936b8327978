"""Word list numbering, rebuilt from ``numbering.xml`` (python-docx does not render it).

A numbered paragraph names a list (``w:numId``) and a level (``w:ilvl``), directly or through its
style. The list points to an abstract definition whose levels give the start value, the number format
(decimal, lowerLetter, lowerRoman, ...) and the label template (``w:lvlText`` such as ``"%1.%2"``).
Counters are kept per abstract definition, as Word does: lists that share a definition continue each
other's numbering, and a ``w:startOverride`` restarts it the first time its list is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NumberingState", "W", "format_number"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = [
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
]  # fmt: skip


def _val(element: Any, tag: str) -> str | None:
    child = element.find(W + tag) if element is not None else None
    return None if child is None else child.get(W + "val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → "aa", 28 → "bb".
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in a ``w:numFmt`` format (unknown formats fall back to decimal)."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


def _parse_level(lvl: Any) -> Level:
    legal = lvl.find(W + "isLgl")
    return Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        restart=_int(_val(lvl, "lvlRestart"), -1) if lvl.find(W + "lvlRestart") is not None else None,
        legal=legal is not None and legal.get(W + "val", "true") not in ("0", "false"),
        suffix=_val(lvl, "suff") or "tab",
        style=_val(lvl, "pStyle"),
    )


@dataclass
class NumberingState:
    """The list definitions of one document and the running counters while it is read in order."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId → numbering style id
    nums: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    start_overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    level_overrides: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_nums: dict[str, str] = field(default_factory=dict)  # numbering style id → numId
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    @classmethod
    def from_xml(cls, numbering: Any, style_nums: dict[str, str]) -> NumberingState:
        """Read ``w:numbering`` (may be None); ``style_nums`` maps numbering styles to their numId."""
        state = cls(style_nums=style_nums)
        if numbering is None:
            return state
        for abstract in numbering.iterchildren(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId", "")
            state.abstracts[abstract_id] = {
                _int(lvl.get(W + "ilvl"), 0): _parse_level(lvl) for lvl in abstract.iterchildren(W + "lvl")
            }
            link = _val(abstract, "numStyleLink")
            if link:
                state.style_links[abstract_id] = link
        for num in numbering.iterchildren(W + "num"):
            num_id = num.get(W + "numId", "")
            state.nums[num_id] = _val(num, "abstractNumId") or ""
            for override in num.iterchildren(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                start = _val(override, "startOverride")
                if start is not None:
                    state.start_overrides.setdefault(num_id, {})[ilvl] = _int(start, 1)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    state.level_overrides.setdefault(num_id, {})[ilvl] = _parse_level(lvl)
        return state

    def _abstract_of(self, num_id: str, depth: int = 0) -> str | None:
        abstract_id = self.nums.get(num_id)
        link = self.style_links.get(abstract_id or "")
        if link and depth < 5 and link in self.style_nums:  # numStyleLink: the definition lives elsewhere
            return self._abstract_of(self.style_nums[link], depth + 1)
        return abstract_id if abstract_id in self.abstracts else None

    def levels(self, num_id: str) -> dict[int, Level]:
        """The levels of list ``num_id``, with its level overrides applied."""
        abstract_id = self._abstract_of(num_id)
        levels = dict(self.abstracts.get(abstract_id or "", {}))
        levels.update(self.level_overrides.get(num_id, {}))
        return levels

    def level_for_style(self, num_id: str, style_id: str) -> int:
        """The level a list gives to a paragraph style (``w:pStyle`` in a level), else 0."""
        for ilvl, level in self.levels(num_id).items():
            if level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """Advance the counter of (list, level) and return the rendered label and its suffix."""
        levels = self.levels(num_id)
        level = levels.get(ilvl)
        abstract_id = self._abstract_of(num_id)
        if level is None or abstract_id is None:
            return "", ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for lvl, start in self.start_overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [d for d in counters if d > ilvl]:
            restart_after = levels.get(deeper, Level()).restart
            if ilvl < (deeper if restart_after is None or restart_after < 0 else restart_after):
                del counters[deeper]
        if level.fmt == "bullet":
            return "•", " "

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            ref = levels.get(index, Level())
            value = counters.get(index, ref.start)
            return format_number(value, "decimal" if level.legal and ref.fmt != "none" else ref.fmt)

        text = _PLACEHOLDER.sub(render, level.text).strip()
        return text, "" if level.suffix == "nothing" else " "
