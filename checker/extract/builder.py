"""Assemble a document's text line by line, keeping page starts and heading spans consistent.

Every format reader writes through a :class:`TextBuilder`, so ``Document.text`` is built in one place:
lines are separated by a single ``"\\n"``, a page starts at the first character written after
:meth:`TextBuilder.new_page`, and headings are recorded as ``(start, end, level)`` spans of the final text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.extract.limits import Limits, check_chars
from checker.models import Line, OcrPage

__all__ = ["Extracted", "TextBuilder"]


@dataclass
class Extracted:
    """What a format reader found; :func:`checker.extract.extract_bytes` turns it into a ``Document``."""

    text: str = ""
    page_starts: list[int] = field(default_factory=lambda: [0])
    headings: list[tuple[int, int, int]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    page_sizes: list[tuple[float, float]] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_tracked_changes: bool = False
    ocr_pages: list[OcrPage] = field(default_factory=list)

    @classmethod
    def from_builder(cls, builder: TextBuilder, **fields: object) -> Extracted:
        """The builder's text, page starts and headings, plus any other fields given."""
        text, page_starts = builder.finish()
        result = cls(text=text, page_starts=page_starts, headings=list(builder.headings))
        for key, value in fields.items():
            setattr(result, key, value)
        return result


class TextBuilder:
    """An append-only text buffer that knows where lines, pages and headings start."""

    def __init__(self, limits: Limits, path: str = "") -> None:
        self._parts: list[str] = []
        self._length = 0
        self._line_open = False
        self._pending_pages = 0
        self._limits = limits
        self._path = path
        self.page_starts: list[int] = [0]
        self.headings: list[tuple[int, int, int]] = []

    @property
    def length(self) -> int:
        """The number of characters written so far."""
        return self._length

    @property
    def line_open(self) -> bool:
        """True when the next write continues the current line."""
        return self._line_open

    @property
    def pending_pages(self) -> int:
        """Pages started with :meth:`new_page` that have no text yet."""
        return self._pending_pages

    def _put(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)
        check_chars(self._length, self._limits, self._path)

    def write(self, piece: str) -> tuple[int, int]:
        """Append ``piece`` to the current line (opening one if needed); return its span."""
        if not piece:
            return self._length, self._length
        if not self._line_open:
            if self._length:
                self._put("\n")
            self._line_open = True
        if self._pending_pages and piece.strip():
            # A page starts at its first visible character, not at a separating space.
            lead = len(piece) - len(piece.lstrip())
            self.page_starts.extend([self._length + lead] * self._pending_pages)
            self._pending_pages = 0
        start = self._length
        self._put(piece)
        return start, self._length

    def end_line(self) -> None:
        """Close the current line; the next write starts a new one."""
        self._line_open = False

    def add_line(self, text: str, heading_level: int | None = None) -> tuple[int, int]:
        """Write ``text`` as a line of its own; record it as a heading when ``heading_level`` is set."""
        self.end_line()
        span = self.write(text)
        self.end_line()
        if heading_level is not None and span[1] > span[0]:
            self.headings.append((span[0], span[1], heading_level))
        return span

    def new_page(self, *, end_line: bool = True) -> None:
        """Start a new page: it begins at the next character written (or at the end, if none is).

        With ``end_line=False`` the current line runs on into the new page (a paragraph that continues
        over a page break), so the page starts in the middle of a line.
        """
        # Pages without text start where the next text starts, so page_starts stays sorted.
        self._pending_pages += 1
        if end_line:
            self.end_line()

    def finish(self) -> tuple[str, list[int]]:
        """The text and page starts. A trailing empty page starts at the end of the text."""
        self.page_starts.extend([self._length] * self._pending_pages)
        self._pending_pages = 0
        return "".join(self._parts), self.page_starts
