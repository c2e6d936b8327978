"""One page image → its text lines with boxes and a confidence, read by Tesseract through pytesseract.

Tesseract runs as a child process of the worker (so under the worker's memory cap) with a deadline per
page: a page that takes longer is given up, named, and the rest of the document is still read. Words come
with their boxes and confidences (``image_to_data``); Tesseract's lines, cut at a column gutter and with
stray list labels put back (:mod:`~checker.extract.ocr.layout`), become the
:class:`~checker.extract.pdf_layout.RawLine` objects the PDF reader makes from a text layer, in PDF points
from the page's top-left corner, so everything downstream is the same for a scan.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from PIL import Image

from checker.errors import OcrUnavailableError
from checker.extract.ocr.layout import LABEL_GAP_INCHES, Word, attach_labels, find_gutter, read_in_order
from checker.extract.ocr.settings import OcrSettings
from checker.extract.ocr.straighten import Straightening, straighten
from checker.extract.pdf_layout import RawLine
from checker.models import OcrPage

__all__ = ["PageReading", "read_page_image"]

#: A first reading below this confidence, or with fewer words, asks Tesseract which way up the page is.
_DOUBTFUL_CONFIDENCE = 60.0
_DOUBTFUL_WORDS = 8
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
#: Page segmentation 4, one column line by line: list labels in a hanging indent stay on their line
#: (99.8% word accuracy on a DPA page, against 97.6% with 3, which reads the labels as a column of
#: their own). Two-column pages are cut at their gutter afterwards (checker.extract.ocr.layout).
_CONFIG = "--psm 4"


@dataclass
class PageReading:
    """The lines of a page read by OCR and how it went.

    Line boxes are in points on the *straightened* page (``width`` × ``height``), where lines run level
    and top to bottom as the layout analysis expects; ``scanned_box`` maps each of them to the box on the
    page as scanned, where the app draws it.
    """

    info: OcrPage
    width: float = 0.0
    height: float = 0.0
    lines: list[RawLine] = field(default_factory=list)
    scanned_box: dict[tuple[float, float, float, float], tuple[float, float, float, float]] = field(
        default_factory=dict
    )


@dataclass
class _Words:
    lines: list[Word]
    confidence: float
    words: int


# pytesseract is imported where Tesseract is called, never at module level: it imports pandas when that is
# installed (0.3 s), and every process that can read a document imports this module, scan or not.


def _tesseract_failure(exc: Exception, settings: OcrSettings) -> OcrUnavailableError | None:
    import pytesseract

    message = str(exc)
    if isinstance(exc, pytesseract.TesseractNotFoundError):
        return OcrUnavailableError(
            "This document needs OCR, but Tesseract is not installed.",
            hint="Install it (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng), or use --ocr never.",
        )
    if "Failed loading language" in message or "Error opening data file" in message:
        return OcrUnavailableError(
            f"This document needs OCR in '{settings.lang}', but that Tesseract language is not installed.",
            hint=f"Install it (apt-get install tesseract-ocr-{settings.lang.split('+')[0]}) or choose"
            " another with --ocr-lang (tesseract --list-langs shows those installed).",
        )
    return None


def _run(call: object, *args: object, deadline: float, settings: OcrSettings, **kw: object) -> object:
    """Call a pytesseract function with what is left of the page's time; None when time ran out."""
    import pytesseract

    left = deadline - time.monotonic()
    if left <= 0:
        return None
    # Tesseract's OpenMP threads cost twice the CPU for the same page on a busy machine (measured: 2.3 s
    # against 1.0 s of CPU per page); parallelism comes from the worker processes instead. A user who
    # wants threads sets OMP_THREAD_LIMIT themselves.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return call(*args, timeout=max(1, int(left + 0.999)), **kw)  # type: ignore[operator]
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError) as exc:
        failure = _tesseract_failure(exc, settings)
        if failure is not None:
            raise failure from None
        raise
    except RuntimeError as exc:  # after TesseractError, which is one: pytesseract's timeout is a plain one
        if "timeout" in str(exc).lower():
            return None
        raise


def _words(image: Image.Image, settings: OcrSettings, deadline: float, dpi: int) -> _Words | None:
    import pytesseract

    data = _run(
        pytesseract.image_to_data,
        image,
        lang=settings.lang,
        config=_CONFIG,
        output_type=pytesseract.Output.DICT,
        deadline=deadline,
        settings=settings,
    )
    if data is None:
        return None
    assert isinstance(data, dict)
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    weighted = chars = 0.0
    for i, raw in enumerate(data["text"]):
        text, confidence = raw.strip(), float(data["conf"][i])
        if not text or confidence < 0:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        box = (left, top, left + float(data["width"][i]), top + float(data["height"][i]))
        grouped.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(
            (text, box)
        )
        weighted += confidence * len(text)
        chars += len(text)
    lines = read_in_order(list(grouped.values()), find_gutter(image, dpi))
    lines = attach_labels(lines, max_gap=dpi * LABEL_GAP_INCHES)
    words = sum(len(v) for v in grouped.values())
    return _Words(lines, round(weighted / chars, 1) if chars else 0.0, words)


def _quarter_turns(image: Image.Image, settings: OcrSettings, deadline: float) -> int:
    """Counter-clockwise quarter turns that put the page upright, by Tesseract's OSD (0 when unsure)."""
    import pytesseract

    try:
        osd = _run(pytesseract.image_to_osd, image, config="--psm 0", deadline=deadline, settings=settings)
    except pytesseract.TesseractError:
        return 0  # too few characters to tell: leave the page as it is
    match = _ROTATE.search(str(osd or ""))
    # OSD's "Rotate: 90" means turn the page 90° clockwise, i.e. three counter-clockwise quarter turns.
    return (4 - int(match.group(1)) // 90) % 4 if match else 0


def read_page_image(
    image: Image.Image, number: int, dpi: int, settings: OcrSettings, *, deadline: float | None = None
) -> PageReading:
    """Read one page image (scanned at ``dpi``) with Tesseract: lines in points, and an :class:`OcrPage`.

    A page that runs out of time (``settings.page_timeout_s``, or ``deadline``) comes back with no lines
    and ``timed_out`` set; a missing Tesseract or language raises :class:`OcrUnavailableError`.
    """
    deadline = deadline or time.monotonic() + settings.page_timeout_s
    gray = image.convert("L")
    level, how = straighten(gray)
    found = _words(level, settings, deadline, dpi)
    if found is not None and (found.confidence < _DOUBTFUL_CONFIDENCE or found.words < _DOUBTFUL_WORDS):
        quarter = _quarter_turns(level, settings, deadline)
        if quarter:
            turned, turned_how = straighten(gray, quarter)
            second = _words(turned, settings, deadline, dpi)
            if second is not None and second.confidence > found.confidence:
                found, how = second, turned_how
    points = 72.0 / dpi
    if found is None:
        info = OcrPage(page=number, confidence=0.0, words=0, dpi=dpi, timed_out=True)
        return PageReading(info, gray.width * points, gray.height * points)
    turned_w, turned_h = (how.height, how.width) if how.quarter % 2 else (how.width, how.height)
    reading = PageReading(_info(found, how, number, dpi), turned_w * points, turned_h * points)
    for text, box in found.lines:
        level_box = _points(box, points)
        reading.lines.append(RawLine(text, number, level_box))
        reading.scanned_box[level_box] = _points(how.to_original(box), points)
    return reading


def _points(box: tuple[float, float, float, float], points: float) -> tuple[float, float, float, float]:
    return (
        round(box[0] * points, 2),
        round(box[1] * points, 2),
        round(box[2] * points, 2),
        round(box[3] * points, 2),
    )


def _info(found: _Words, how: Straightening, number: int, dpi: int) -> OcrPage:
    return OcrPage(
        page=number,
        confidence=found.confidence,
        words=found.words,
        dpi=dpi,
        rotated=how.quarter * 90,
        skew=how.skew,
    )
