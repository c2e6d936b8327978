"""Which pages need OCR, and reading them: PDF pages rendered with PDFium, image files page by page.

Every image is measured before it is decoded: a page over ``max_image_pixels`` (a decompression bomb, a
100,000 × 100,000 TIFF) is refused with the limit named, and a document with more pages needing OCR than
``max_pages`` is refused before any is read. Pages are rendered at ``dpi`` (never above ``max_dpi``, and
lower when a huge page would exceed the pixel limit), read one at a time, and let go at once.
"""

from __future__ import annotations

import io
import math
import re
import time
import warnings
from collections.abc import Iterator

import pypdfium2 as pdfium
from PIL import Image, ImageSequence, UnidentifiedImageError

from checker.errors import CorruptDocumentError, LimitExceededError
from checker.extract.builder import Extracted, TextBuilder
from checker.extract.limits import Limits, check_image_pixels, check_ocr_pages, check_pages, limit_hint
from checker.extract.ocr.tesseract import PageReading, read_page_image
from checker.extract.pdf_layout import PageLines, assemble, find_furniture
from checker.models import Line, OcrPage

__all__ = ["lay_out", "ocr_notes", "read_image_pages", "read_pdf_pages", "scanned_lines"]

#: Below this resolution Tesseract reads body text badly; a page that only fits the pixel limit lower
#: than this is refused rather than read into nonsense.
_MIN_DPI = 100
#: Scans that do not say their resolution are taken to be at this one (the usual scanner default).
_ASSUMED_DPI = 300


def read_pdf_pages(
    data: bytes, password: str | None, numbers: list[int], limits: Limits, path: str
) -> dict[int, PageReading]:
    """Render the PDF pages ``numbers`` (1-based) and read each with OCR."""
    settings = limits.ocr
    check_ocr_pages(len(numbers), limits, path)
    readings: dict[int, PageReading] = {}
    pdf = pdfium.PdfDocument(data, password=password)
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                dpi = _pdf_dpi(width, height, limits, path, number)
                started = time.monotonic()
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            finally:
                page.close()
            deadline = started + settings.page_timeout_s
            readings[number] = read_page_image(image, number, dpi, settings, deadline=deadline)
            del image
    finally:
        pdf.close()
    return readings


def _pdf_dpi(width: float, height: float, limits: Limits, path: str, number: int) -> int:
    """The resolution to render a page of ``width`` × ``height`` points at, within the pixel limit."""
    settings = limits.ocr
    dpi = min(settings.dpi, settings.max_dpi)
    square_inches = max(1e-6, (width / 72) * (height / 72))
    fitting = int(math.sqrt(settings.max_image_pixels / square_inches))
    if fitting < min(dpi, _MIN_DPI):
        check_image_pixels(int(width / 72 * dpi), int(height / 72 * dpi), limits, path, number)
    return min(dpi, fitting)


_BOMB_PIXELS = re.compile(r"Image size \((\d+) pixels\)")


def _open_image(data: bytes, limits: Limits, path: str) -> Image.Image:
    """Open an image lazily (header only); its size is checked against our limit before any decoding.

    Pillow refuses by itself images over twice its own bound (``DecompressionBombError``, raised from
    the header); that becomes the same limit error, naming ``max_image_pixels``.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit decides
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        found = _BOMB_PIXELS.search(str(exc))
        pixels = int(found.group(1)) if found else limits.ocr.max_image_pixels + 1
        raise LimitExceededError(
            f"The image is {pixels / 1e6:,.0f} megapixels, over the limit max_image_pixels"
            f" ({limits.ocr.max_image_pixels / 1e6:g} megapixels); it was not decoded (a decompression"
            " bomb looks like this).",
            hint=limit_hint("ocr.max_image_pixels", pixels),
            path=path,
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptDocumentError(
            f"The image cannot be read; it is damaged or truncated ({exc}).",
            hint="Scan or export the page again.",
            path=path,
        ) from None


def _image_dpi(image: Image.Image) -> int:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 70 <= value <= 2400 else _ASSUMED_DPI


def read_image_pages(data: bytes, limits: Limits, path: str) -> Iterator[tuple[PageLines, PageReading]]:
    """Read every page (frame) of a PNG, JPEG or TIFF with OCR; the page size is in points at its dpi."""
    image = _open_image(data, limits, path)
    with image:
        frames = getattr(image, "n_frames", 1)
        check_pages(frames, limits, path)
        check_ocr_pages(frames, limits, path)
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            number = index + 1
            check_image_pixels(frame.width, frame.height, limits, path, number)
            dpi = _image_dpi(frame)
            width, height = frame.width * 72 / dpi, frame.height * 72 / dpi
            started = time.monotonic()
            try:
                page = _at_most(frame, dpi, limits.ocr.max_dpi)
            except (OSError, ValueError, SyntaxError) as exc:
                raise CorruptDocumentError(
                    f"Page {number} of the image cannot be decoded; it is damaged or truncated ({exc}).",
                    hint="Scan or export the page again.",
                    path=path,
                ) from None
            read_dpi = min(dpi, limits.ocr.max_dpi)
            deadline = started + limits.ocr.page_timeout_s
            reading = read_page_image(page, number, read_dpi, limits.ocr, deadline=deadline)
            yield PageLines(number, width, height, [], has_images=True), reading


def _at_most(frame: Image.Image, dpi: int, max_dpi: int) -> Image.Image:
    """The frame decoded in grayscale, scaled down to ``max_dpi`` when it was scanned finer."""
    gray = frame.convert("L")
    if dpi <= max_dpi:
        return gray
    factor = max_dpi / dpi
    return gray.resize((max(1, round(gray.width * factor)), max(1, round(gray.height * factor))))


def lay_out(
    pages: list[PageLines],
    readings: dict[int, PageReading],
    limits: Limits,
    path: str,
    *,
    page_sizes: list[tuple[float, float]],
    warnings: list[str],
) -> Extracted:
    """The running text of ``pages``, some of them read by OCR (``readings``), as a reader's result.

    Lines are joined and page furniture set aside as for any PDF; the boxes of OCR'd lines are moved
    back onto the page as scanned; the OCR notes (pages out of time, pages of low confidence) come
    before ``warnings``.
    """
    ocr_pages = [r.info for r in readings.values()]
    notes = ocr_notes(ocr_pages, limits.ocr.min_confidence, limits.ocr.page_timeout_s)
    builder = TextBuilder(limits, path)
    lines, furniture = assemble(pages, builder, find_furniture(pages))
    return Extracted.from_builder(
        builder,
        lines=scanned_lines(lines, readings),
        furniture=furniture,
        page_sizes=page_sizes,
        warnings=[*notes, *warnings],
        ocr_pages=ocr_pages,
    )


def scanned_lines(lines: list[Line], readings: dict[int, PageReading]) -> list[Line]:
    """The document's lines with the boxes of OCR'd lines moved from the straightened page to the scan."""
    out = []
    for line in lines:
        reading = readings.get(line.page)
        box = reading.scanned_box.get(line.bbox) if reading else None
        out.append(line if box is None else line.model_copy(update={"bbox": box}))
    return out


def ocr_notes(pages: list[OcrPage], min_confidence: float, page_timeout_s: float) -> list[str]:
    """Warnings for the report: pages that timed out, pages with no text, pages read with low confidence."""
    notes = []
    late = [p.page for p in pages if p.timed_out]
    if late:
        listed = ", ".join(str(n) for n in late)
        notes.append(
            f"OCR of page{'s' if len(late) > 1 else ''} {listed} took longer than the per-page limit"
            f" ({page_timeout_s:g} s) and was stopped; that text is missing (raise --ocr-page-timeout)."
        )
    for p in pages:
        if p.timed_out:
            continue
        if not p.words:
            notes.append(f"Page {p.page} is an image in which OCR found no text: check it by eye.")
        elif p.confidence < min_confidence:
            notes.append(
                f"Page {p.page} was read by OCR with {p.confidence:.0f}% confidence: check it by eye."
            )
    return notes
