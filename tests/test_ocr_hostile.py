"""Hostile scans through ``clausecheck check`` (in its worker, under its limits): each refused, naming the limit.

The files are built by ``fixtures/hostile/hostile_scans.py`` into a temporary folder: a decompression-bomb
PNG, a TIFF whose header claims 100,000 × 100,000 pixels, and a PDF of 2,000 image-only pages. None of
them may be decoded or rendered: they are refused from their headers and page counts, quickly.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from checker.cli import main
from checker.errors import LimitExceededError
from checker.extract import Limits, extract_bytes
from checker.extract.ocr.settings import OcrSettings

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def _load() -> ModuleType:
    sys.path.insert(0, str(HOSTILE))  # hostile_scans imports its sibling pdfwriter
    try:
        spec = importlib.util.spec_from_file_location("hostile_scans", HOSTILE / "hostile_scans.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(HOSTILE))


hostile_scans = _load()

# file, the phrase of the message that names the limit, the option that raises it
REFUSED = {
    "bomb.png": (
        "The image is 900 megapixels, over the limit max_image_pixels (60 megapixels)",
        "--max-image-mp 900",
    ),
    "huge.tif": (
        "The image is 10,000 megapixels, over the limit max_image_pixels (60 megapixels)",
        "--max-image-mp",
    ),
    "image-pages.pdf": (
        "The document has 2,000 pages that need OCR (images without text), over the limit max_ocr_pages (100)",
        "--max-ocr-pages 2000",
    ),
}


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-scans")
    for name, make in hostile_scans.BUILDERS.items():
        (folder / name).write_bytes(make())
    return folder


@pytest.mark.timeout(240)
def test_check_refuses_every_hostile_scan_in_its_worker_naming_the_limit(
    scans: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(scans / name) for name in REFUSED]
    started = time.monotonic()
    code = main(["check", *paths, "--format", "json"])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    report = json.loads(out)
    assert report["assessments"] == []
    errors = {Path(e["path"]).name: e for e in report["errors"]}
    assert set(errors) == set(REFUSED)
    for name, (phrase, option) in REFUSED.items():
        assert errors[name]["code"] == "limit_exceeded"
        assert phrase in errors[name]["message"], errors[name]
        assert option in errors[name]["hint"]
        assert phrase in err  # named on stderr too
    # Refused from headers and page counts: nothing was decoded, rendered or read by OCR. (A worker's
    # start-up is most of this; a single OCR'd page of 1.6 gigapixels would take minutes, if it fitted.)
    assert elapsed < 200


def test_an_image_over_our_limit_but_under_pillows_own_is_refused_from_its_header() -> None:
    # 10,000 × 10,000 = 100 megapixels: Pillow would only warn; our limit (60) refuses it, naming its size.
    data = hostile_scans.make_bomb_png(10_000)
    with pytest.raises(LimitExceededError) as caught:
        extract_bytes(data, "page.png")
    assert caught.value.message.startswith("Page 1 is an image of 10,000 × 10,000 pixels (100 megapixels)")
    assert "max_image_pixels (60 megapixels)" in caught.value.message


def test_a_tiff_with_more_pages_than_the_ocr_limit_is_refused_before_reading_any() -> None:
    import io

    from PIL import Image

    frames = [Image.new("1", (50, 50), 1) for _ in range(6)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    few = Limits(ocr=OcrSettings(max_pages=5))
    with pytest.raises(LimitExceededError, match=r"6 pages that need OCR .* max_ocr_pages \(5\)"):
        extract_bytes(buffer.getvalue(), "pages.tif", limits=few)


def test_a_huge_pdf_page_is_rendered_within_the_pixel_limit() -> None:
    from checker.extract.ocr.pages import _pdf_dpi

    limits = Limits()
    assert _pdf_dpi(612, 792, limits, "x.pdf", 1) == 300  # a letter page: the asked resolution
    # A 40 × 40 inch page at 300 dpi would be 144 megapixels: it is rendered coarser to fit 60.
    assert _pdf_dpi(2880, 2880, limits, "x.pdf", 1) == 193
    # A 200 × 200 inch poster would need under 100 dpi to fit: refused, naming the limit.
    with pytest.raises(LimitExceededError, match="max_image_pixels"):
        _pdf_dpi(14400, 14400, limits, "x.pdf", 1)
