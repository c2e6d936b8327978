"""OCR: scanned PDF pages and PNG/JPEG/TIFF files become the same Document a text PDF gives.

The scans are the project's own (``fixtures/scans/make_scans.py``): pages of ``fixtures/generated/
contract.pdf`` rendered at 300 dpi, turned sideways, photographed, and pasted into a mixed PDF. What the
OCR reads is compared with the text layer of the original, word by word.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.ocr_accuracy import word_accuracy
from checker.errors import NoTextLayerError, OcrUnavailableError, UnsupportedFormatError
from checker.extract import Limits, extract_bytes, extract_file
from checker.extract.ocr.layout import attach_labels, read_in_order
from checker.extract.ocr.settings import OcrSettings
from checker.extract.ocr.straighten import Straightening, deskew_angle, straighten
from checker.models import Document, DocumentFormat

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "fixtures" / "scans"
CONTRACT = ROOT / "fixtures" / "generated" / "contract.pdf"


@pytest.fixture(scope="module")
def original() -> Document:
    return extract_file(CONTRACT)


@pytest.fixture(scope="module")
def tiff() -> Document:
    return extract_file(SCANS / "contract-300dpi-clean.tif")


def _printed(page: int) -> str:
    """Every word printed on a page of the original, header and footer included, top to bottom."""
    with pdfplumber.open(CONTRACT) as pdf:
        return str(pdf.pages[page - 1].extract_text())


def _page_text(doc: Document, page: int) -> str:
    starts = [*doc.page_starts, len(doc.text)]
    return doc.text[starts[page - 1] : starts[page]]


def _text_page(lines: list[str], size: tuple[int, int] = (1275, 1650)) -> Image.Image:
    """A synthetic 150-dpi page: body text in a real TrueType font where Pillow has one."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=26)
    for i, line in enumerate(lines):
        draw.text((120, 150 + i * 40), line, fill=0, font=font)
    return image


# --- straightening: pure geometry -----------------------------------------------------------------------


@pytest.mark.parametrize("skew", [2.0, -2.0, 4.5, 0.0])
def test_deskew_finds_the_angle_a_page_was_fed_at(skew: float) -> None:
    page = _text_page(["The Processor shall notify the Controller within 48 hours of a breach."] * 25)
    tilted = page.rotate(skew, fillcolor=255, resample=Image.Resampling.BILINEAR)
    assert deskew_angle(tilted) == pytest.approx(-skew, abs=0.3)


def test_a_box_on_the_straightened_page_maps_back_onto_the_sideways_scan() -> None:
    # A page scanned sideways (turned 90° counter-clockwise): the box of a line on the upright page
    # is a tall, thin box on the scan, at the mirrored position.
    page = Image.new("L", (1700, 2200), 255)
    scan = page.transpose(Image.Transpose.ROTATE_90)  # 2200 × 1700
    _upright, how = straighten(scan, quarter=3)
    assert how == Straightening(2200, 1700, quarter=3, skew=0.0)
    assert how.to_original((150, 150, 1200, 180)) == (150, 500, 180, 1550)


def test_a_box_maps_back_through_a_small_skew() -> None:
    how = Straightening(1000, 1000, skew=2.0)
    x0, top, x1, bottom = how.to_original((100, 500, 900, 520))
    # Level on the straightened page, the line climbs 2° across the scan: its box is taller there.
    assert bottom - top == pytest.approx(20 + 800 * 0.0349, abs=2)
    assert x0 == pytest.approx(100, abs=20) and x1 == pytest.approx(900, abs=20)


# --- layout: words to lines ------------------------------------------------------------------------------


def test_a_label_read_alone_joins_the_line_it_numbers() -> None:
    lines = [
        ("1.", (100.0, 200.0, 130.0, 230.0)),
        ("Vendor shall notify Customer.", (200.0, 198.0, 900.0, 232.0)),
    ]
    assert attach_labels(lines, max_gap=225) == [
        ("1. Vendor shall notify Customer.", (100.0, 198.0, 900.0, 232.0))
    ]
    # Too far away (another column), or not a label: left alone.
    assert attach_labels(lines, max_gap=50) == lines
    words = [("Notice", (100.0, 200.0, 180.0, 230.0)), ("Vendor shall notify.", (200.0, 198.0, 900.0, 232.0))]
    assert attach_labels(words, max_gap=225) == words


def test_two_columns_are_read_one_after_the_other_under_a_title() -> None:
    title = [("Schedule", (100.0, 50.0, 400.0, 80.0)), ("3", (1100.0, 50.0, 1150.0, 80.0))]
    row1 = [("left-one", (100.0, 100.0, 1000.0, 130.0)), ("right-one", (1300.0, 100.0, 2300.0, 130.0))]
    row2 = [("left-two", (100.0, 140.0, 1000.0, 170.0)), ("right-two", (1300.0, 140.0, 2300.0, 170.0))]
    lines = read_in_order([title, row1, row2], gutter=(1050.0, 1250.0))
    assert [text for text, _box in lines] == ["Schedule 3", "left-one", "left-two", "right-one", "right-two"]
    assert lines[3][1] == (1300.0, 100.0, 2300.0, 130.0)


def test_a_two_column_page_read_by_ocr_keeps_its_columns_apart() -> None:
    two = ROOT / "fixtures" / "generated" / "two-column.pdf"
    printed = extract_file(two)
    scanned = extract_file(two, limits=Limits(ocr=OcrSettings(mode="force")))
    assert word_accuracy(printed.text, scanned.text) >= 0.98
    assert (
        "review those grants every ninety (90) days, and revoke them within one (1) business day"
        in scanned.text
    )


# --- image files ------------------------------------------------------------------------------------------


def test_a_png_page_reads_like_the_text_pdf_it_was_scanned_from(original: Document) -> None:
    doc = extract_file(SCANS / "contract-p1-300dpi-clean.png")
    assert doc.format is DocumentFormat.IMAGE and doc.pages == 1
    # One page alone has no repeated header to recognise, so the header and footer are in its text.
    assert word_accuracy(_printed(1), doc.text) >= 0.98
    assert "Vendor shall implement and maintain appropriate technical and organisational measures" in doc.text
    (page,) = doc.ocr_pages
    assert page.page == 1 and page.dpi == 300 and page.words > 100 and page.confidence > 85
    assert doc.ocr_confidence == page.confidence
    # The page is a US Letter page at 300 dpi: 612 × 792 points (PDFium rendered 3,301 rows: 792.24),
    # and every line box sits on it.
    assert doc.page_sizes == [pytest.approx((612.0, 792.0), abs=0.5)]
    assert doc.lines and all(
        0 <= ln.bbox[0] < ln.bbox[2] <= 612 and 0 <= ln.bbox[1] < ln.bbox[3] <= 792.24 for ln in doc.lines
    )


def test_line_boxes_of_a_scan_land_where_the_text_pdf_has_them(original: Document) -> None:
    doc = extract_file(SCANS / "contract-p1-300dpi-clean.png")
    phrase = "Vendor shall implement and maintain"
    scanned = doc.lines_between(doc.text.index(phrase), doc.text.index(phrase) + len(phrase))
    printed = original.lines_between(original.text.index(phrase), original.text.index(phrase) + len(phrase))
    assert scanned and printed
    for got, want in zip(scanned[0].bbox, printed[0].bbox, strict=True):
        assert got == pytest.approx(want, abs=4)  # points: a few pixels at 300 dpi


def test_a_multipage_tiff_is_one_document_with_a_page_map(original: Document, tiff: Document) -> None:
    assert tiff.pages == 3 and [p.page for p in tiff.ocr_pages] == [1, 2, 3]
    assert word_accuracy(original.text, tiff.text) >= 0.97
    # The running header and footer are recognised as furniture on a scan too.
    assert any("ACME Standard Terms" in f for f in tiff.furniture)
    clause = "within twenty-four (24) hours"
    assert tiff.page_of(tiff.text.index(clause)) == original.page_of(original.text.index(clause))


def test_a_page_scanned_sideways_is_turned_upright(original: Document) -> None:
    doc = extract_file(SCANS / "contract-p1-sideways.png")
    assert doc.ocr_pages[0].rotated in (90, 270)
    assert word_accuracy(_printed(1), doc.text) >= 0.95
    # Boxes are on the sideways scan as it is (1650 × 1275 px = 792 × 612 pt): lines are tall and thin.
    assert doc.page_sizes == [pytest.approx((792.0, 612.0), abs=0.5)]
    tall = [ln for ln in doc.lines if ln.bbox[3] - ln.bbox[1] > 3 * (ln.bbox[2] - ln.bbox[0])]
    assert len(tall) > len(doc.lines) / 2


def test_a_page_scanned_upside_down_is_turned_upright() -> None:
    buffer = io.BytesIO()
    with Image.open(SCANS / "contract-p1-300dpi-clean.png") as page:
        page.rotate(180).save(buffer, "PNG", dpi=(300, 300))
    doc = extract_bytes(buffer.getvalue(), "upside-down.png")
    assert doc.ocr_pages[0].rotated == 180
    assert word_accuracy(_printed(1), doc.text) >= 0.95


def test_a_scan_finer_than_the_dpi_cap_is_read_at_the_cap_and_boxed_at_its_own_size() -> None:
    buffer = io.BytesIO()
    with Image.open(SCANS / "contract-p1-300dpi-clean.png") as page:
        page.resize((page.width * 2, page.height * 2)).save(buffer, "PNG", dpi=(600, 600))
    doc = extract_bytes(buffer.getvalue(), "fine.png", limits=Limits(ocr=OcrSettings(max_dpi=400)))
    assert doc.ocr_pages[0].dpi == 400  # read at the cap, not at 600
    assert doc.page_sizes == [pytest.approx((612.0, 792.0), abs=0.5)]  # still a letter page
    assert "within twenty-four" not in doc.text and "AES-256" in doc.text


def test_a_noisy_page_fed_in_askew_is_straightened_and_read() -> None:
    # Two pages of the DPA at 200 dpi with sensor noise, specks and a 2° skew (make_scans.noisy_scan).
    doc = extract_file(SCANS / "dpa-200dpi-noisy.pdf")
    assert [p.skew for p in doc.ocr_pages] == [pytest.approx(-2.0, abs=0.3)] * 2
    assert all(p.dpi == 300 for p in doc.ocr_pages)  # rendered from the PDF at the OCR resolution
    original = extract_file(SCANS / "dpa-text.pdf")
    assert word_accuracy(original.text[: original.page_starts[2]], doc.text) >= 0.95


def test_a_photographed_page_is_read(original: Document) -> None:
    doc = extract_file(SCANS / "photo-contract-p1.jpg")
    assert doc.format is DocumentFormat.IMAGE
    assert word_accuracy(_printed(1), doc.text) >= 0.85
    assert "Security Incident" in doc.text


# --- PDFs -------------------------------------------------------------------------------------------------


def test_a_mixed_pdf_gets_ocr_only_on_its_page_without_text(original: Document) -> None:
    doc = extract_file(SCANS / "mixed-contract.pdf")
    assert [p.page for p in doc.ocr_pages] == [2]
    assert doc.pages == 3
    assert word_accuracy(original.text, doc.text) >= 0.97
    # Pages 1 and 3 come from the text layer: exactly as in the original.
    assert _page_text(doc, 1) == _page_text(original, 1)
    assert _page_text(doc, 3) == _page_text(original, 3)


def test_ocr_never_refuses_scans_as_before() -> None:
    never = Limits(ocr=OcrSettings(mode="never"))
    doc = extract_file(SCANS / "mixed-contract.pdf", limits=never)
    assert not doc.ocr_pages and any(
        "Page 2 holds only images" in w and "--ocr never" in w for w in doc.warnings
    )
    with pytest.raises(NoTextLayerError, match="no text layer: it looks scanned"):
        extract_file(SCANS / "scanned-dpa.pdf", limits=never)
    with pytest.raises(UnsupportedFormatError, match="OCR is off"):
        extract_file(SCANS / "contract-p1-300dpi-clean.png", limits=never)


def test_ocr_force_reads_every_page_even_with_a_text_layer(original: Document) -> None:
    doc = extract_file(CONTRACT, limits=Limits(ocr=OcrSettings(mode="force")))
    assert [p.page for p in doc.ocr_pages] == [1, 2, 3]
    assert word_accuracy(original.text, doc.text) >= 0.97


def test_a_pdf_whose_images_hold_no_text_is_still_refused_naming_its_pages() -> None:
    with pytest.raises(NoTextLayerError) as caught:
        extract_file(ROOT / "fixtures" / "generated" / "scanned.pdf")
    assert caught.value.pages == [1, 2]
    assert "OCR found no text on them" in caught.value.message


# --- confidence, time, language ---------------------------------------------------------------------------


def test_a_page_read_with_low_confidence_is_named_in_the_warnings() -> None:
    strict = Limits(ocr=OcrSettings(min_confidence=99.9))
    doc = extract_file(SCANS / "contract-p1-300dpi-clean.png", limits=strict)
    confidence = doc.ocr_pages[0].confidence
    assert f"Page 1 was read by OCR with {confidence:.0f}% confidence: check it by eye." in doc.warnings


def test_a_page_that_runs_out_of_time_is_named_and_the_rest_is_read(
    tiff: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page 2 gets a deadline that has already passed (as if its OCR had taken all its time); the real
    # reader then gives it up, and pages 1 and 3 are read as usual.
    import checker.extract.ocr.pages as pages

    real = pages.read_page_image

    def page_two_late(
        image: Image.Image, number: int, dpi: int, settings: OcrSettings, **kw: float
    ) -> object:
        return real(image, number, dpi, settings, deadline=1.0 if number == 2 else kw["deadline"])

    monkeypatch.setattr(pages, "read_page_image", page_two_late)
    doc = extract_file(SCANS / "contract-300dpi-clean.tif")
    assert [p.timed_out for p in doc.ocr_pages] == [False, True, False]
    assert doc.warnings[0].startswith("OCR of page 2 took longer than the per-page limit (60 s)")
    # (Page 1's last paragraph ran on into page 2; now it ends with page 1: only the spacing differs.)
    assert _page_text(doc, 1).strip() == _page_text(tiff, 1).strip()
    assert _page_text(doc, 3).strip() == _page_text(tiff, 3).strip()
    assert "twenty-four (24) hours" not in doc.text  # page 2's clause is missing, and said to be


def test_a_real_per_page_timeout_names_the_page_and_keeps_the_text_pages(original: Document) -> None:
    hurried = Limits(ocr=OcrSettings(page_timeout_s=0.001))  # no page can be read in a millisecond
    doc = extract_file(SCANS / "mixed-contract.pdf", limits=hurried)
    assert [(p.page, p.timed_out) for p in doc.ocr_pages] == [(2, True)]
    assert "OCR of page 2 took longer than the per-page limit (0.001 s)" in doc.warnings[0]
    assert _page_text(doc, 1).strip() == _page_text(original, 1).strip()
    assert "twenty-four (24) hours" not in doc.text


def test_timed_out_pages_are_named_in_the_warnings() -> None:
    from checker.extract.ocr.pages import ocr_notes
    from checker.models import OcrPage

    pages = [
        OcrPage(page=1, confidence=93.0, words=300, dpi=300),
        OcrPage(page=2, confidence=0.0, words=0, dpi=300, timed_out=True),
        OcrPage(page=3, confidence=61.0, words=250, dpi=300),
    ]
    notes = ocr_notes(pages, 80.0, 60.0)
    assert notes[0].startswith("OCR of page 2 took longer than the per-page limit (60 s)")
    assert notes[1] == "Page 3 was read by OCR with 61% confidence: check it by eye."
    assert len(notes) == 2


def test_a_language_that_is_not_installed_is_a_clear_error() -> None:
    wrong = Limits(ocr=OcrSettings(lang="xyz"))
    with pytest.raises(OcrUnavailableError, match=r"'xyz'.*not installed") as caught:
        extract_bytes((SCANS / "contract-p1-300dpi-clean.png").read_bytes(), "page.png", limits=wrong)
    assert "--ocr-lang" in caught.value.hint


def test_a_missing_tesseract_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(OcrUnavailableError, match="Tesseract is not installed") as caught:
        extract_file(SCANS / "contract-p1-300dpi-clean.png")
    assert "apt-get install tesseract-ocr" in caught.value.hint
