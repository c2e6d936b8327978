"""End to end in a real browser: ``streamlit run app.py`` driven by Debian's Chromium through Playwright.

Upload the Common Paper DPA, find the incident-notification finding with its evidence ("72 hours"),
download the XLSX and read it back. Screenshots go to ``tests/artifacts/`` (git-ignored). Chromium is
never downloaded: ``make test`` installs Debian's package, and without it this test fails, loudly.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
DPA = ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 60_000
INCIDENT_TITLE = "Security incident notification within a fixed number of hours"
PROGRAM_TITLE = "Written information-security programme or security schedule the vendor must meet"
ROW_HEIGHT = 72  # the gap list's row height (checker_app/review_page.py)
HEADER_HEIGHT = 36  # the grid's header row (Streamlit's default); half a row either way still hits the row
expect.set_options(timeout=TIMEOUT_MS)  # the first run builds the matcher; a cold start takes seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with code {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.25)  # polling a server that is starting; there is nothing to wait on instead
    pytest.fail(f"streamlit did not answer /_stcore/health within {seconds:.0f} s:\n{log.read_text()}")


@contextlib.contextmanager
def _streamlit_app(log_name: str) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port (a cold server), killed at the end whatever happens."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = ARTIFACTS / log_name
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app for the module's tests."""
    with _streamlit_app("streamlit.log") as url:
        yield url


@pytest.fixture
def cold_server() -> Iterator[str]:
    """A server of its own that no browser has visited yet: the engine is not loaded."""
    with _streamlit_app("streamlit-cold.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with background networking off."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's Chromium is not installed at {CHROMIUM}; the browser tests need it."
            " Run `make chromium` (make test does it): apt-get install chromium."
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _choose_finding(page: Page, title: str) -> None:
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Finding to inspect")
    picker.click()
    page.keyboard.type(title)
    # The option list re-renders while it filters; Enter picks the (single) match once it is shown.
    expect(page.get_by_role("option").filter(has_text=title)).to_have_count(1)
    page.keyboard.press("Enter")


def test_a_cold_first_visit_shows_a_spinner_until_the_engine_is_loaded(cold_server: str, page: Page) -> None:
    # ``streamlit run app.py`` loads the matcher when the first visitor arrives (``make run`` loads it
    # before the server answers): that visitor sees a spinner saying so, never a blank page (issue 12).
    page.goto(cold_server)
    spinner = page.get_by_test_id("stSpinner").filter(has_text="Loading the clause library and the matcher")
    expect(spinner).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-cold-start.png"))
    expect(page.get_by_role("heading", name="Review a vendor contract")).to_be_visible()
    expect(page.get_by_test_id("stSpinner")).to_have_count(0)


def test_upload_dpa_shows_incident_notification_and_downloads_xlsx(server: str, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server)
    expect(page.get_by_role("heading", name="Review a vendor contract")).to_be_visible()
    expect(page.get_by_role("button", name="Load the sample contracts")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-start.png"))

    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Contract files")
    uploader.locator('input[type="file"]').first.set_input_files(str(DPA))
    expect(page.get_by_text("Contract score")).to_be_visible()

    _choose_finding(page, INCIDENT_TITLE)
    heading = page.get_by_role("heading", name=INCIDENT_TITLE)
    expect(heading).to_contain_text("Met")
    evidence = page.locator(".cc-source mark")
    expect(evidence.first).to_contain_text("72 hours")
    expect(page.get_by_text("notification: 72 hours", exact=True)).to_be_visible()  # found in the contract
    expect(
        page.get_by_text("Section 4.1 binds the vendor as a firm commitment")
    ).to_be_visible()  # met says why
    page.screenshot(path=str(ARTIFACTS / "browser-review.png"))
    evidence.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-evidence.png"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel workbook").click()
    download = download_info.value
    target = ARTIFACTS / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(target, read_only=True)
    try:  # a read-only workbook holds its file open until closed
        rows = [
            [str(v) for v in r if v is not None] for r in workbook["Findings"].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    incident = [r for r in rows if "incident_notification" in r]
    assert incident, rows[:3]
    assert any(cell.lower() == "met" for cell in incident[0]), incident[0]

    # Offline: the page fetched nothing from anywhere but the local server (no fonts, CDNs, telemetry).
    elsewhere = [
        u
        for u in requested
        if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"
    ]
    assert not elsewhere, elsewhere


def _score(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Contract score")
    found = re.search(r"(\d+) / 100", metric.inner_text())
    assert found, metric.inner_text()
    return found.group(1)


def test_override_changes_the_score_and_the_negotiation_pack_carries_it(
    server: str, page: Page, tmp_path: Path
) -> None:
    from negotiation_samples import build_vendor_msa

    msa = build_vendor_msa(tmp_path / "vendor-msa.docx")
    page.goto(server)
    page.get_by_test_id("stSidebar").get_by_label("Reviewer name", exact=True).fill("A. Counsel")
    page.keyboard.press("Enter")
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Contract files")
    uploader.locator('input[type="file"]').first.set_input_files(str(msa))
    expect(page.get_by_text("Contract score")).to_be_visible()
    before = _score(page)

    # Override a met finding to weak, with a comment: the headline follows the reviewer.
    _choose_finding(page, PROGRAM_TITLE)
    expect(page.get_by_role("heading", name=PROGRAM_TITLE)).to_contain_text("Met")
    # While the page reruns, Streamlit can show the old finding's radio beside the new one: wait until one is left.
    override = page.get_by_text("Override the status")
    expect(override).to_have_count(1)
    override.click()
    comment = "No annual review of the programme: ask for one."
    page.get_by_label("Comment (goes into every export)", exact=True).fill(comment)
    page.get_by_role("button", name="Save review").click()
    metric = page.get_by_test_id("stMetric").filter(has_text="Contract score")
    expect(metric).to_contain_text(f"the engine said {before}")
    after = _score(page)
    assert int(after) < int(before), (before, after)
    expect(page.get_by_role("heading", name=PROGRAM_TITLE)).to_contain_text("Weak")
    page.screenshot(path=str(ARTIFACTS / "browser-override.png"))

    # One download: the negotiation pack.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Negotiation pack (.zip)").click()
    target = ARTIFACTS / download_info.value.suggested_filename
    download_info.value.save_as(target)
    with zipfile.ZipFile(target) as pack:
        names = pack.namelist()
        redline = next(n for n in names if n.endswith("-redline.docx"))
        memo = next(n for n in names if n.endswith("-negotiation-memo.md"))
        with zipfile.ZipFile(io.BytesIO(pack.read(redline))) as docx_zip:
            body = docx_zip.read("word/document.xml").decode()
        memo_text = pack.read(memo).decode()
    assert any(n.endswith("-security-addendum.docx") for n in names)
    assert any(n.endswith("-review.json") for n in names)
    # Real tracked changes, signed by the reviewer.
    assert "<w:ins " in body and 'w:author="A. Counsel"' in body
    # The memo carries the override: the reviewer's decision, comment and what the engine said.
    assert comment in memo_text and "Overridden: Met → Weak by A. Counsel" in memo_text
    assert "the engine said Met" in memo_text


def test_clicking_a_gap_list_row_opens_its_finding(server: str, page: Page) -> None:
    page.goto(server)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Contract files")
    uploader.locator('input[type="file"]').first.set_input_files(str(DPA))
    expect(page.get_by_text("Contract score")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame")
    # The grid draws on a canvas; a hidden accessible table holds the rows on screen (the header first).
    rows = grid.locator("[role=row]")
    expect(rows.nth(4)).to_be_attached()
    # The grid's scroller lies over its canvas and takes the pointer events.
    surface = grid.locator(".dvn-scroller")
    for index in (3, 1):  # open one row's finding, then another's: each click opens its own
        cells = rows.nth(index).locator("[role=gridcell]").all_inner_texts()
        control = next(c.strip() for c in cells if re.match(r"[A-Z]{2}-\d\d ", c.strip()))
        # Click the row's Control cell, halfway down the row: below the header, rows are ROW_HEIGHT tall.
        surface.click(position={"x": 200, "y": HEADER_HEIGHT + (index - 1) * ROW_HEIGHT + ROW_HEIGHT / 2})
        expect(page.get_by_role("heading", name=control)).to_be_visible()
        # The picker below follows the click (its label carries the status after review).
        picker = page.get_by_role("combobox", name="Finding to inspect")
        expect(picker).to_have_value(re.compile(re.escape(control)))
    page.screenshot(path=str(ARTIFACTS / "browser-row-click.png"))
