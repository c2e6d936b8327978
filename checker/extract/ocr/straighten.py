"""Straighten a page image before OCR: a quarter turn for pages scanned sideways or upside down, and a
small rotation for pages fed in at an angle.

The skew is found by the projection-profile method: text lines make the row sums of a binarised page
peaky when the page is level, so the angle whose rotation maximises the variance of the row sums is the
skew. Quarter turns are Tesseract's own orientation detection (OSD). :class:`Straightening` maps boxes
found on the straightened image back onto the page as it was scanned, so evidence is boxed where it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = ["Straightening", "deskew_angle", "straighten"]

#: Skews beyond this many degrees are not searched: a page that crooked is a photo, not a feed error.
MAX_SKEW = 6.0
_WORK_WIDTH = 900  # the skew is searched on a copy this wide: fast, and precise to about 0.1°


@dataclass(frozen=True)
class Straightening:
    """What was done to a page image: ``quarter`` turns counter-clockwise, then ``skew`` degrees."""

    width: int
    height: int
    quarter: int = 0
    skew: float = 0.0

    def to_original(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box ``(x0, top, x1, bottom)`` on the straightened image, as a box on the original one."""
        x0, y0, x1, y1 = box
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        turned_w, turned_h = (self.height, self.width) if self.quarter % 2 else (self.width, self.height)
        if self.skew:
            corners = [_rotate(x, y, turned_w / 2, turned_h / 2, self.skew) for x, y in corners]
        for _ in range(self.quarter % 4):
            # Undo one counter-clockwise quarter turn of an image that was (w, h) before it.
            corners = [(turned_h - y, x) for x, y in corners]
            turned_w, turned_h = turned_h, turned_w
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return (
            max(0.0, min(xs)),
            max(0.0, min(ys)),
            min(float(self.width), max(xs)),
            min(float(self.height), max(ys)),
        )


def _rotate(x: float, y: float, cx: float, cy: float, degrees: float) -> tuple[float, float]:
    """The point of the unrotated image that PIL's ``rotate(degrees)`` moved to ``(x, y)``."""
    # PIL rotates counter-clockwise on screen (y down): output (x, y) samples the input at the point
    # turned clockwise by ``degrees`` about the centre, which is this.
    a = math.radians(degrees)
    dx, dy = x - cx, y - cy
    return (cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a))


def _profile_score(ink: np.ndarray) -> float:
    rows = ink.sum(axis=1, dtype=np.float64)
    return float(np.var(np.diff(rows)))


def deskew_angle(gray: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that levels the text lines of a grayscale page."""
    scale = min(1.0, _WORK_WIDTH / max(1, gray.width))
    small = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))))
    pixels = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(pixels.mean()) - 30) if pixels.size else 128
    ink_image = Image.fromarray(((pixels < threshold) * 255).astype(np.uint8))
    if not np.asarray(ink_image).any():
        return 0.0

    def score(angle: float) -> float:
        turned = ink_image.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        return _profile_score(np.asarray(turned) > 0)

    coarse = max((a / 2 for a in range(int(-MAX_SKEW * 2), int(MAX_SKEW * 2) + 1)), key=score)
    fine = max((coarse + a / 10 for a in range(-5, 6)), key=score)
    return round(fine, 1)


def straighten(gray: Image.Image, quarter: int = 0) -> tuple[Image.Image, Straightening]:
    """Turn ``gray`` by ``quarter`` counter-clockwise quarter turns, then level its text lines."""
    turned = gray
    if quarter % 4:
        turned = gray.transpose(
            {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}[
                quarter % 4
            ]
        )
    angle = deskew_angle(turned)
    if abs(angle) >= 0.3:
        turned = turned.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    else:
        angle = 0.0
    return turned, Straightening(gray.width, gray.height, quarter % 4, angle)
