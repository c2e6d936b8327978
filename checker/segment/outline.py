"""Where the reader is in a contract's outline: the open numbered units and the headings above.

The outline is read in document order. Numbered units form a stack ("12" > "12.3" > "(a)" > "(i)"):
a decimal number is absolute ("12.4" closes "12.3" and its items), a Markdown-style "1." nests by
indentation or, when the extractor kept none, by how the numbering runs (a "1." after "2." opens
"2.1"), and an "(a)"-style item becomes a sibling of the open item of the same style or a child of the
innermost one. Headings form a second stack: headings the format marks carry its level; a heading that
belongs to a numbered unit ("5. Security", "5.2 Security Incidents.") closes with that unit.

A heading found by its looks alone (no number, no format level) is where a table or a schedule leaks into
the heading path, so it lasts only as long as the document's own structure says. The first thing of the
document, or the first thing after a keyword heading ("Annex II", "Clause 8"), is the title of that scope
and lasts as long as the scope. Any other one is local: it replaces the local heading before it, ends
with its table when a table is the first thing under it (a caption), and ends at the next numbered
heading when body text, or another such heading (rows of a table read as headings), came first under it:
"Order Details" above a table is not the parent of the "1. Definitions" that follows. A local heading
directly above numbered headings stays their parent.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.segment.labels import Label

__all__ = ["UNMARKED_LEVEL", "Outline"]

#: Level of a heading found by its looks alone, below any heading the format marks (1-6).
UNMARKED_LEVEL = 7

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_SUB_STYLES = frozenset({"num", "alpha", "ALPHA", "roman", "ROMAN"})


def _roman(value: str) -> int:
    total = 0
    digits = [_ROMAN_VALUES.get(c, 0) for c in value.lower()]
    for n, digit in enumerate(digits):
        total += -digit if n + 1 < len(digits) and digits[n + 1] > digit else digit
    return total


@dataclass(eq=False, slots=True)
class _Unit:
    style: str
    value: str
    full: str
    prefix: str
    indent: int
    tick: int
    rank: int = 9
    heading: bool = False


@dataclass(eq=False, slots=True)
class _Heading:
    title: str
    level: int | None
    owner: _Unit | None
    tick: int
    #: A heading found by its looks alone, other than a title: see the module docstring.
    local: bool = False
    #: What came first under a local heading: None (nothing yet), "table", "text", "sections", or "run"
    #: (another local heading: the two are rows of a table, or a list, rather than structure).
    first_body: str | None = None


class Outline:
    """The open numbered units and headings at the current point of one document."""

    def __init__(self) -> None:
        self._units: list[_Unit] = []
        self._headings: list[_Heading] = []
        self._tick = 0
        #: When the innermost scope (the document, an Annex or Schedule) opened.
        self._scope_tick = 0

    @property
    def section(self) -> str | None:
        """The full number of the innermost open unit ("12.3(a)"), or None outside any."""
        return self._units[-1].full if self._units else None

    @property
    def heading_path(self) -> list[str]:
        """The titles of the open headings, outermost first."""
        return [h.title for h in self._headings]

    @property
    def sub_item(self) -> bool:
        """Whether the innermost open unit is an "(a)"-style item rather than a numbered section."""
        return bool(self._units) and self._units[-1].style in _SUB_STYLES

    def _next_tick(self) -> int:
        self._tick += 1
        return self._tick

    def _close_units(self, keep: int) -> None:
        """Close every unit after the first ``keep``, and the headings that belong to them."""
        closed = self._units[keep:]
        if not closed:
            return
        del self._units[keep:]
        self._headings = [h for h in self._headings if h.owner is None or h.owner not in closed]

    def _open(self, label: Label, full: str, prefix: str, indent: int, heading: bool) -> None:
        unit = _Unit(label.style, label.value, full, prefix, indent, self._next_tick(), label.rank, heading)
        self._units.append(unit)

    def enter_labels(self, labels: list[Label], indent: int, heading: bool = False) -> None:
        """Open the units numbered by ``labels`` (a chain such as "(b)(1)" opens two)."""
        for label in labels:
            if label.style == "kw":
                self._enter_keyword(label, indent, heading)
            elif label.style == "dec" and "." in label.value:
                self._enter_decimal(label, indent, heading)
            elif label.style == "dec":
                self._enter_list_number(label, indent, heading)
            else:
                self._enter_item(label, indent, heading)

    def _enter_keyword(self, label: Label, indent: int, heading: bool) -> None:
        keep = len(self._units)
        while keep and not (self._units[keep - 1].style == "kw" and self._units[keep - 1].rank < label.rank):
            keep -= 1
        self._close_units(keep)
        self._open(label, label.value, "", indent, heading)

    def _enter_decimal(self, label: Label, indent: int, heading: bool) -> None:
        # Absolute: "12.3" keeps the open "12" and any keyword unit, and closes the rest.
        keep = len(self._units)
        while keep:
            unit = self._units[keep - 1]
            if unit.style == "kw" or (unit.style == "dec" and label.value.startswith(unit.full + ".")):
                break
            keep -= 1
        self._close_units(keep)
        self._open(label, label.value, label.value.rpartition(".")[0] + ".", indent, heading)

    def _enter_list_number(self, label: Label, indent: int, heading: bool) -> None:
        n = int(label.value)
        decimals = [(i, u) for i, u in enumerate(self._units) if u.style == "dec"]
        if not decimals and len(self._units) == 1 and self._units[0].style in ("ALPHA", "ROMAN"):
            # "B. Account Terms" then "1. Account Controls": section B.1.
            self._open_child((0, self._units[0]), label, n, indent, heading)
            return
        if not decimals:
            keep = len(self._units)
            while keep and self._units[keep - 1].style != "kw":
                keep -= 1
            self._close_units(keep)
            self._open(label, str(n), "", indent, heading)
            return
        same = [(i, u) for i, u in decimals if u.indent == indent]
        outer = [(i, u) for i, u in decimals if u.indent < indent]
        if not same and outer:
            self._open_child(outer[-1], label, n, indent, heading)
            return
        if not same:
            self._open_sibling(decimals[0], label, n, indent, heading)
            return
        # Same indentation: follow the numbering. The innermost unit continues unless an outer one
        # continues too and only it matches this line's kind (a heading under headings).
        inner = same[-1]
        followers = [(i, u) for i, u in reversed(same) if _last_number(u) + 1 == n]
        if followers:
            chosen = followers[0]
            for candidate in followers[1:]:
                if candidate[1].heading == heading and chosen[1].heading != heading:
                    chosen = candidate
                    break
            self._open_sibling(chosen, label, n, indent, heading)
        elif n == 1 and heading and not inner[1].heading and any(u.heading for _, u in same):
            # A heading that restarts at 1 after plain numbered paragraphs starts a new list, not "2.1.1".
            self._open_sibling(same[0], label, n, indent, heading)
        elif n == 1:
            self._open_child(inner, label, n, indent, heading)
        else:
            self._open_sibling(inner, label, n, indent, heading)

    def _open_child(self, parent: tuple[int, _Unit], label: Label, n: int, indent: int, head: bool) -> None:
        i, unit = parent
        self._close_units(i + 1)
        self._open(label, f"{unit.full}.{n}", unit.full + ".", indent, head)

    def _open_sibling(
        self, sibling: tuple[int, _Unit], label: Label, n: int, indent: int, head: bool
    ) -> None:
        i, unit = sibling
        self._close_units(i)
        self._open(label, f"{unit.prefix}{n}", unit.prefix, indent, head)

    def _enter_item(self, label: Label, indent: int, heading: bool) -> None:
        style = self._item_style(label)
        keep = len(self._units)
        for i in range(len(self._units) - 1, -1, -1):
            if self._units[i].style == style:
                keep = i
                break
        self._close_units(keep)
        parent = self._units[-1].full if self._units else ""
        shown = f"({label.value})" if label.paren or parent else label.value
        self._units.append(
            _Unit(style, label.value, parent + shown, parent, indent, self._next_tick(), heading=heading)
        )

    def _item_style(self, label: Label) -> str:
        """Decide whether an ambiguous "(i)", "(v)" or "(x)" is a letter or a roman numeral."""
        if not label.ambiguous:
            return label.style
        roman = "ROMAN" if label.style == "ALPHA" else "roman"
        items = [u for u in self._units if u.style in _SUB_STYLES]
        for unit in reversed(items):
            if unit.style == label.style and len(unit.value) == 1 and ord(unit.value) + 1 == ord(label.value):
                return label.style
            if unit.style == roman and _roman(unit.value) + 1 == _roman(label.value):
                return roman
        if label.value in "iI" or (label.value in "vxVX" and any(u.style == roman for u in items)):
            return roman
        return label.style

    def enter_heading(self, title: str, level: int | None, labelled: bool) -> None:
        """Open a heading: ``level`` from the format (1-6), :data:`UNMARKED_LEVEL`, or None.

        A labelled heading belongs to the unit its label just opened and closes with it. A marked
        heading closes the headings at its level or deeper and every unit opened since the heading it
        nests under; an unmarked one is the title of its scope or a local heading (module docstring).
        """
        owner = self._units[-1] if labelled and self._units else None
        keyword = owner is not None and owner.style == "kw"
        local = False
        first_body: str | None = None
        if level is not None and level < UNMARKED_LEVEL:
            # The format's levels decide how long a marked heading lasts, numbered or not.
            owner = None
            if not labelled:
                self.close_for_level(level)
        elif level == UNMARKED_LEVEL and not labelled:
            # The first thing in its scope is the scope's title; any later one is local, and replaces
            # the local heading just before it.
            local = self._tick != self._scope_tick
            before = self._headings[-1] if self._headings and self._headings[-1].local else None
            while local and self._headings and self._headings[-1].local:
                self._headings.pop()
            owner = self._units[-1] if self._units else None
            if (
                before is not None
                and before.first_body is None
                and not (before.title.isupper() and title.isupper())
            ):
                # Heading after heading with nothing between: rows of a table ("Item Details", "Duration
                # Term of the Agreement"), not a parent of the numbered sections to come. A title in
                # capitals broken over two lines is still one heading.
                first_body = "run"
        self._headings.append(_Heading(title, level, owner, self._next_tick(), local, first_body))
        if keyword:
            self._scope_tick = self._tick  # "Annex II", "Clause 8": the next heading is its title

    def note_body(self, table: bool) -> None:
        """Body text (a sentence, list item or table row) follows: a table captioned by a local heading
        ends, with its caption, at the first body that is not a table row."""
        kind = "table" if table else "text"
        if not table:
            self._headings = [h for h in self._headings if not (h.local and h.first_body == "table")]
        for heading in self._headings:
            if heading.local and heading.first_body is None:
                heading.first_body = kind
        self._next_tick()

    def close_local_headings(self) -> None:
        """A numbered heading follows: close the local headings outside any numbered section that body
        text has come after (they headed that body, not the numbered sections to come)."""
        for heading in self._headings:
            if heading.local and heading.first_body is None:
                heading.first_body = "sections"  # it heads numbered sections: they do not end it
        self._headings = [
            h for h in self._headings
            if not (h.local and h.first_body in ("table", "text", "run") and (h.owner is None or h.owner.style == "kw"))
        ]  # fmt: skip

    def close_for_level(self, level: int) -> None:
        """Close the headings at ``level`` or deeper and the units opened under them."""
        keep = len(self._headings)
        while keep:
            above = self._headings[keep - 1].level
            if above is not None and above < level:
                break
            keep -= 1
        since = self._headings[keep - 1].tick if keep else 0
        del self._headings[keep:]
        first = len(self._units)
        while first and self._units[first - 1].tick > since:
            first -= 1
        self._close_units(first)


def _last_number(unit: _Unit) -> int:
    last = unit.full.rpartition(".")[2]
    return int(last) if last.isdigit() else -1
