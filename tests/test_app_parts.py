"""The app's Streamlit-free parts: escaping, the evidence view, the PDF page, uploads, playbooks, filters."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from checker.api import ContractChecker
from checker.batch import MissingDocumentError
from checker.errors import PlaybookError
from checker.extract.ocr.settings import OcrSettings
from checker.models import Status

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the app package sits beside app.py, as Streamlit runs it
    sys.path.insert(0, str(ROOT))

from checker_app.bulk_inputs import UploadedDocs  # noqa: E402
from checker_app.bundle import Upload, read_bundle, sample_uploads  # noqa: E402
from checker_app.evidence_view import context_html, page_with_highlight  # noqa: E402
from checker_app.findings_table import filter_findings, finding_rows, format_found, format_limits  # noqa: E402
from checker_app.playbooks import load_uploaded_playbook  # noqa: E402
from checker_app.review_state import apply_overrides, available_exports, make_override  # noqa: E402
from checker_app.safe_text import escape_markdown, highlight_spans  # noqa: E402
from checker_app.summary_view import _status_chart  # noqa: E402

XSS_TXT = ROOT / "fixtures" / "xss" / "contract-with-script.txt"


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.mark.parametrize(
    ("text", "spans", "base", "expected"),
    [
        ("a <b> c", [(2, 5)], 0, "a <mark>&lt;b&gt;</mark> c"),
        ("xyz", [(10, 12)], 10, "<mark>xy</mark>z"),  # offsets relative to base
        ("abcdef", [(1, 3), (2, 5)], 0, "a<mark>bcde</mark>f"),  # overlapping spans merge
        ("abc", [(-5, 99)], 0, "<mark>abc</mark>"),  # clipped to the text
        ("abc", [(5, 9)], 0, "abc"),  # outside: nothing marked
        ("<script>", [], 0, "&lt;script&gt;"),
    ],
)
def test_highlight_spans_escapes_text_and_marks_spans(
    text: str, spans: list[tuple[int, int]], base: int, expected: str
) -> None:
    assert highlight_spans(text, spans, base=base) == expected


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://127.0.0.1:9/p.png)",
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "# heading\n- item",
        ":red[colour] $x^2$ **bold** `code`",
    ],
)
def test_escape_markdown_leaves_no_active_syntax(text: str) -> None:
    out = escape_markdown(text)
    assert "](" not in out and "<" not in out and "\n" not in out
    for ch in "[]()*`#:$!":
        assert ch not in out.replace("\\" + ch, "")


def test_context_html_escapes_contract_markup(checker: ContractChecker) -> None:
    read = checker.read_bytes(XSS_TXT.read_bytes(), XSS_TXT.name)
    a = checker.assess([read], "baseline")
    ev = next(f for f in a.findings if f.control == "encryption_in_transit").evidence[0]
    html = context_html(read, ev, quantities=checker.engine.vocabulary.quantities)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<mark>") == 1


def test_pdf_page_is_rendered_with_the_evidence_boxed(checker: ContractChecker) -> None:
    [upload] = sample_uploads("37signals Data Processing Addendum (PDF)")
    bundle = read_bundle(checker, [upload])
    [read] = bundle.documents
    a = checker.assess([read], "baseline")
    ev = next(e for f in a.findings for e in f.evidence)
    lines = [ln for ln in read.document.lines_between(ev.start, ev.end) if ln.page == ev.page]
    assert lines
    image = page_with_highlight(upload.data, read, ev, scale=1.0)
    width, height = read.document.page_sizes[ev.page - 1]
    assert image.size == (round(width), round(height))
    x0, top, x1, bottom = lines[0].bbox
    bar = image.getpixel((round(x0 - 5), round((top + bottom) / 2)))
    assert bar == (191, 111, 0)  # the margin bar beside the evidence
    r, _, b = image.getpixel((round((x0 + x1) / 2), round(top - 1)))  # type: ignore[misc]
    assert r > 230 and b < 200  # the yellow wash over white paper, just above the text


def test_one_bad_file_does_not_stop_the_bundle(checker: ContractChecker) -> None:
    good = (ROOT / "fixtures" / "corpus" / "commonpaper-ai-addendum.md").read_bytes()
    bundle = read_bundle(checker, [Upload("empty.pdf", b""), Upload("ai.md", good), Upload("ai.md", good)])
    assert [o.name for o in bundle.outcomes] == ["empty.pdf", "ai.md"]  # the duplicate is dropped
    assert [e.code for e in bundle.errors] == ["empty"]
    assert bundle.source("ai.md") == good and bundle.source("empty.pdf") is None


def test_uploaded_docs_find_loose_files_and_zip_members() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("contracts/b.md", b"Vendor shall encrypt data.")
    docs = UploadedDocs({"a.txt": b"text", "bundle.zip": buf.getvalue(), "broken.zip": b"PK not a zip"})
    assert docs.load(docs.locate("A.TXT")) == b"text"
    assert docs.load(docs.locate("b.md")) == b"Vendor shall encrypt data."
    assert docs.count == 2
    assert "broken.zip" in docs.errors
    with pytest.raises(MissingDocumentError, match=r"not among the uploaded files or in bundle\.zip"):
        docs.locate("c.pdf")


def test_uploaded_playbook_errors_name_the_file_and_line(checker: ContractChecker) -> None:
    bad = b"name: mine\ntitle: Mine\ndescription: A playbook of my own for testing.\ncontrols:\n  - no_such\n"
    with pytest.raises(PlaybookError) as info:
        load_uploaded_playbook("../x/mine.yaml", bad, checker.library)
    assert info.value.message.startswith("mine.yaml") and "line 5" in info.value.message
    assert "/tmp" not in info.value.message
    with pytest.raises(PlaybookError, match="not UTF-8"):
        load_uploaded_playbook("mine.yaml", b"\xff\xfe\x00bad", checker.library)
    good = bad.replace(b"no_such", b"incident_notification")
    assert [c.id for c in load_uploaded_playbook("mine.yml", good, checker.library).controls] == [
        "incident_notification"
    ]


def test_filters_overrides_and_rows(checker: ContractChecker) -> None:
    bundle = read_bundle(checker, sample_uploads("Common Paper DPA + Cloud Service Agreement"))
    a = checker.assess(bundle.documents, "baseline")
    lib = checker.library
    met = filter_findings(a.findings, lib, statuses=[Status.MET])
    assert met and all(f.status == Status.MET for f in met)
    gdpr = filter_findings(a.findings, lib, frameworks=["GDPR"])
    assert 0 < len(gdpr) < len(a.findings)
    reviewed = apply_overrides(
        a, {met[0].control: make_override("overridden", Status.MISSING, " no ", " me ")}
    )
    row = next(r for r in finding_rows(reviewed.findings, lib) if r["ID"] == met[0].control)
    assert row["Status"] == "○ Missing" and row["Engine status"] == "Met"
    decided = next(f for f in reviewed.findings if f.override).override
    assert decided is not None and decided.decided_at  # every decision is timed
    when = decided.decided_at.replace("T", " ").replace("+00:00", " UTC")
    assert row["Review"] == f"Overridden: Met → Missing by me on {when}: no"
    assert reviewed.engine_score == a.score and reviewed.score < a.score  # the score follows the review
    # So does the status chart: the reviewed finding is counted as missing, not met.
    data = _status_chart(reviewed).data
    missing_now = data[data["Status"] == "Missing"]["Controls"].sum()
    assert missing_now == sum(1 for f in a.findings if f.status is Status.MISSING) + 1
    assert [e.fmt for e in available_exports(bundle)] == ["xlsx", "html", "json"]  # no DOCX to annotate


def test_parameters_read_as_words() -> None:
    assert format_found({"notification_hours": 72.0, "notice_business_days": 10}) == (
        "notice: 10 business days; notification: 72 hours"
    )
    # In words, plural units only when plural, days where a week of hours was meant (issue 12).
    assert (
        format_limits({"notification_hours": {"threshold": 24.0, "max": 1.0}})
        == "notification: at most 24 hours"
    )
    assert (
        format_limits({"insurance_amount": {"threshold": 2e6, "min": 1.0}}) == "insurance: at least 2,000,000"
    )
    assert format_limits({"patch_days": {"threshold": 1.0, "max": 1.0}}) == "patch: at most 1 day"
    cooldown = {"release_cooldown_hours": {"threshold": 168.0, "min": 1.0}}
    assert format_limits(cooldown) == "release cooldown: at least 7 days (168 hours)"


def test_a_scanned_page_is_shown_as_scanned_with_the_ocr_evidence_boxed_on_its_ink(
    checker: ContractChecker,
) -> None:
    # The page was scanned sideways: OCR reads it upright, but the boxes must land on the scan as it is.
    scan = ROOT / "fixtures" / "scans" / "contract-p1-sideways.png"
    upload = Upload(scan.name, scan.read_bytes())
    [read] = read_bundle(checker, [upload]).documents
    a = checker.assess([read], "baseline")
    ev = next(f for f in a.findings if f.control == "encryption_at_rest").evidence[0]
    assert ev.ocr_confidence is not None and ev.ocr_confidence > 85
    [line, *_] = [ln for ln in read.document.lines_between(ev.start, ev.end) if ln.page == ev.page]
    image = page_with_highlight(upload.data, read, ev, scale=1.0)
    assert image.size == (792, 612)  # the sideways letter page, in points
    x0, top, x1, bottom = line.bbox
    assert bottom - top > 3 * (x1 - x0)  # a line of text on a sideways page is tall and thin
    inside = image.crop((round(x0), round(top), round(x1), round(bottom))).convert("L")
    assert inside.getextrema()[0] < 100  # the box covers printed ink, not blank paper


def test_the_ocr_choice_reaches_the_reader(checker: ContractChecker) -> None:
    scan = ROOT / "fixtures" / "scans" / "contract-p1-300dpi-clean.png"
    bundle = read_bundle(checker, [Upload(scan.name, scan.read_bytes())], ocr=OcrSettings(mode="never"))
    [error] = bundle.errors
    assert error.code == "unsupported_format" and "OCR is off" in error.message


def test_gap_list_rows_sort_by_severity_then_status_and_show_the_quote_with_its_section(
    checker: ContractChecker,
) -> None:
    bundle = read_bundle(checker, sample_uploads("Common Paper DPA + Cloud Service Agreement"))
    a = checker.assess(bundle.documents, "all")
    rows = finding_rows(a.findings, checker.library)
    severity = {"Critical": 0, "High": 1, "Medium": 2, "Low": 3}
    status = {"Conflict": 0, "Missing": 1, "Weak": 2, "Met": 3}
    keys = [(r["Status"].endswith("Met"), severity[r["Severity"]], status[r["Status"][2:]]) for r in rows]
    assert keys == sorted(keys) and not keys[0][0] and keys[-1][0]  # open points first, most severe first
    by_id = {f.control: f for f in a.findings}
    for row in rows:
        f = by_id[row["ID"]]
        if not f.evidence:
            assert row["Evidence"] == "— the contract is silent"
            continue
        ev = f.evidence[0]
        where = f"§ {ev.section}" if ev.section else f"page {ev.page}"
        assert row["Evidence"].startswith(f"{where}: “{' '.join(ev.text.split())[:40]}")
