"""From the words Tesseract read to the lines of a page, in reading order.

Tesseract is run in single-column mode (``--psm 4``), which keeps a list label in a hanging indent on
the line it numbers; this module then does the two things that mode cannot:

- **columns**: a page whose text stands in two columns has a blank gutter down the middle
  (:func:`find_gutter`); every line is cut at the gutter, and the left column is read before the
  right one. Lines that cross the gutter (a title over both columns) stay whole, in their place.
- **labels**: a label Tesseract still read as a line of its own ("1." alone in the margin) joins the
  line that starts just right of it (:func:`attach_labels`).

Boxes are ``(x0, top, x1, bottom)`` in pixels of the page image.
"""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

__all__ = ["Box", "Word", "attach_labels", "find_gutter", "read_in_order"]

Box = tuple[float, float, float, float]
Word = tuple[str, Box]

_PROBE_DPI = 100
#: A single-column page's widest near-blank run across its middle measured 0.04 inch (short lines
#: ending at the same place); the narrowest real gutter we have, a two-column schedule's, 0.08 inch.
_GUTTER_INCHES = 0.06
#: A hanging indent is a tab or two; a gutter between columns is wider, and holds no label.
LABEL_GAP_INCHES = 0.75
#: A list label standing alone: "1.", "12.3", "(a)", "iv.", "b)".
_LABEL = re.compile(
    r"^(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[a-zA-Z]{1,2}[.)]|\(?[ivxlcIVXLC]{1,6}[.)]|\([a-z0-9]{1,4}\))$"
)


def find_gutter(image: Image.Image, dpi: int) -> tuple[float, float] | None:
    """The blank gutter between two text columns, as ``(x0, x1)`` in pixels of ``image``, or None.

    Measured on a 100-dpi copy: the pixel columns between 30% and 70% of the width are searched for the
    widest run that (almost) no text line crosses; a title across both columns may (up to 5% of the
    text rows).
    """
    scale = _PROBE_DPI / max(1, dpi)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    ink = np.asarray(image.convert("L").resize(size), dtype=np.uint8) < 160
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size < 10:
        return None
    band = ink[rows[0] : rows[-1] + 1]
    crossing = int(band.any(axis=1).sum())
    width = band.shape[1]
    lo, hi = int(width * 0.3), int(width * 0.7)
    blank = band.sum(axis=0)[lo:hi] <= 0.05 * crossing
    best, start = (0, 0), None
    for x, is_blank in enumerate([*blank, False]):
        if is_blank and start is None:
            start = x
        elif not is_blank and start is not None:
            best = max(best, (x - start, start))
            start = None
    length, first = best
    if length < _GUTTER_INCHES * _PROBE_DPI:
        return None
    return ((lo + first) / scale, (lo + first + length) / scale)


def _line(words: list[Word]) -> Word:
    boxes = [box for _text, box in words]
    return (
        " ".join(text for text, _box in words),
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ),
    )


def read_in_order(lines: list[list[Word]], gutter: tuple[float, float] | None) -> list[Word]:
    """The lines (each a list of words in reading order) as text lines; two columns read one by one."""
    if gutter is None:
        return [_line(words) for words in lines if words]
    g0, g1 = gutter
    out: list[Word] = []
    left: list[Word] = []
    right: list[Word] = []
    for words in lines:
        if any(box[0] < g1 and box[2] > g0 for _text, box in words):  # crosses the gutter: a whole line
            out.extend(left + right + [_line(words)])
            left, right = [], []
            continue
        west = [w for w in words if w[1][2] <= g0]
        east = [w for w in words if w[1][0] >= g1]
        if west:
            left.append(_line(west))
        if east:
            right.append(_line(east))
    return out + left + right


def attach_labels(lines: list[Word], max_gap: float) -> list[Word]:
    """Put list labels that stand alone back at the start of the line just right of them.

    A line that is only a label joins the line that starts within ``max_gap`` to its right at the same
    height; two real columns are far apart and hold more than labels, so they are never joined.
    """
    merged: dict[int, int] = {}  # label line → the line it numbers
    for i, (text, (_x0, top, x1, bottom)) in enumerate(lines):
        if not _LABEL.match(text):
            continue
        middle = (top + bottom) / 2
        right = [
            j
            for j, (_t, (bx0, btop, _bx1, bbottom)) in enumerate(lines)
            if j != i and j not in merged and btop <= middle <= bbottom and 0 <= bx0 - x1 <= max_gap
        ]
        if right:
            merged[i] = min(right, key=lambda j: lines[j][1][0])
    numbered = {body: label for label, body in merged.items()}
    out = []
    for j, line in enumerate(lines):
        if j in merged:
            continue
        out.append(_line([lines[numbered[j]], line]) if j in numbered else line)
    return out
