"""The review app, headless with Streamlit's AppTest: upload, findings, filters, overrides, bad input,
escaping, and the Library and Bulk pages."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from checker.models import Status

ROOT = Path(__file__).resolve().parent.parent
# The app package sits beside app.py (Streamlit puts that folder on sys.path); so do we, for the tests.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.bundle import Bundle  # noqa: E402
from checker_app.review_state import apply_overrides, export_bytes  # noqa: E402

APP = str(ROOT / "app.py")
CORPUS = ROOT / "fixtures" / "corpus"
DPA = CORPUS / "commonpaper-data-processing-agreement.md"
XSS = ROOT / "fixtures" / "xss"


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = at.file_uploader(key="review_upload")
    for name, data in files:
        uploader.upload(name, data, "application/octet-stream")
    return at.run()


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _markdown_values(at: AppTest) -> list[str]:
    """Every string the browser renders as Markdown."""
    values = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return values + [e.value for e in at.error] + [w.value for w in at.warning]


# The only tags the app itself writes into st.html; anything else came from a contract.
_OWN_TAG = re.compile(r"</?(div|mark|ul|li|dl|dt|dd|p|style)\b[^<>]*>")


def _foreign_tags(html: str) -> list[str]:
    return re.findall(r"<[^<>]*>", _OWN_TAG.sub("", html))


@pytest.fixture(scope="module")
def dpa_app() -> AppTest:
    at = _upload(_app(), (DPA.name, DPA.read_bytes()))
    _no_exception(at)
    return at


def test_empty_start_offers_the_sample_contracts() -> None:
    at = _app()
    _no_exception(at)
    assert any(b.label == "Load the sample contracts" for b in at.button)
    next(b for b in at.button if b.label == "Load the sample contracts").click().run()
    _no_exception(at)
    assert at.metric[0].label == "Contract score"
    assert any("Showing the sample bundle" in c.value for c in at.caption)
    # The missing count says what missing means: not proof of absence.
    missing = next(m for m in at.metric if "Missing" in m.label)
    assert "not proof of absence" in missing.proto.help
    assert not next(m for m in at.metric if "Met" in m.label).proto.help


def test_dpa_incident_notification_is_met_with_72_hours_and_its_evidence(dpa_app: AppTest) -> None:
    at = dpa_app
    at.selectbox(key="review_control").set_value("incident_notification").run()
    _no_exception(at)
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "Met" in heading and "ncident" in heading
    html = "\n".join(h.value for h in at.html)
    assert "<mark>" in html and "72 hours" in html.split("<mark>", 1)[1]
    assert "notification: 72 hours" in html  # found in the contract
    assert "notification: at most 72 hours" in html  # the threshold applied, in words
    assert '<mark class="cc-num">72 hours</mark>' in html  # the number marked inside the evidence
    # Met says why too, and no engineer words reach the screen (issue 12).
    assert "binds the vendor" in html and "firm commitment" in html
    assert "incident_notification.rules" not in html and "Rule that fired" not in html
    # The defined term the evidence uses, with the contract's own definition beside it.
    assert (
        "Defined term “Security Incident” · commonpaper-data-processing-agreement.md, section 11.15" in html
    )
    assert "means a Personal Data Breach as defined in Article 4 of the GDPR" in html
    assert at.code and at.code[0].value  # fallback language to copy
    table = at.dataframe[0].value
    row = table[table["ID"] == "incident_notification"]
    assert list(row["Status"]) == ["✔ Met"]
    assert list(row["Found"]) == ["notification: 72 hours"]


def test_status_filter_narrows_the_table(dpa_app: AppTest) -> None:
    at = dpa_app
    everything = len(at.dataframe[0].value)
    at.multiselect(key="review_filter_status").set_value([Status.MET]).run()
    met_only = at.dataframe[0].value
    assert 0 < len(met_only) < everything
    assert set(met_only["Status"]) == {"✔ Met"}
    at.multiselect(key="review_filter_status").set_value([]).run()
    families = at.multiselect(key="review_filter_family")
    families.set_value([families.options[0]]).run()
    assert 0 < len(at.dataframe[0].value) < everything
    at.multiselect(key="review_filter_family").set_value([]).run()
    assert len(at.dataframe[0].value) == everything


def _reviewed_json(at: AppTest) -> dict[str, object]:
    bundle: Bundle = at.session_state["review_bundle"]
    assessment = at.session_state["review_assessment"][1]
    overrides = at.session_state["review_overrides"].get(bundle.key, {})
    return json.loads(export_bytes("json", apply_overrides(assessment, overrides), bundle))


def _finding(report: dict[str, object], control: str) -> dict[str, object]:
    assessments = report.get("assessments", [report])
    for a in assessments:  # type: ignore[union-attr]
        for f in a["findings"]:
            if f["control"] == control:
                return f
    raise AssertionError(control)


def test_override_changes_the_exported_json() -> None:
    at = _upload(_app(), (DPA.name, DPA.read_bytes()))
    at.sidebar.text_input(key="review_reviewer").input("A. Reviewer").run()
    before = _finding(_reviewed_json(at), "incident_notification")
    assert before["override"] is None
    at.selectbox(key="review_control").set_value("incident_notification").run()
    at.radio(key="review_decision_incident_notification").set_value("overridden")
    at.selectbox(key="review_status_incident_notification").set_value(Status.WEAK)
    at.text_area(key="review_comment_incident_notification").input("72 h is too slow for us.")
    next(b for b in at.button if b.label == "Save review").click().run()
    _no_exception(at)
    after = _finding(_reviewed_json(at), "incident_notification")
    assert after["status"] == "met"
    decided_at = after["override"].pop("decided_at")  # type: ignore[union-attr]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", decided_at)
    assert after["override"] == {
        "decision": "overridden",
        "status": "weak",
        "comment": "72 h is too slow for us.",
        "reviewer": "A. Reviewer",
    }
    # The headline follows the reviewer: the score dropped, and the engine's is shown beside it.
    assert at.metric[0].value != at.metric[0].delta and "the engine said" in (at.metric[0].delta or "")
    table = at.dataframe[0].value
    assert "Overridden: Met → Weak" in " ".join(table["Review"])


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("scan.pdf", b"", "The file is empty"),
        ("notes.pdf", b"Vendor shall notify Customer within 72 hours.", "holds no PDF data"),
    ],
)
def test_a_bad_file_shows_its_message_and_the_good_file_is_assessed(
    name: str, data: bytes, expected: str
) -> None:
    at = _upload(_app(), (name, data), (DPA.name, DPA.read_bytes()))
    _no_exception(at)
    errors = [e.value for e in at.error]
    assert any(name.replace(".", "\\.") in e and expected in e for e in errors), errors
    assert at.metric[0].label == "Contract score"
    assert any(DPA.name.replace("-", "\\-").replace(".", "\\.") in c.value for c in at.caption)


@pytest.mark.parametrize("fixture", ["contract-with-script.md", "contract-with-script.txt"])
def test_contract_markup_is_shown_as_text_never_rendered(fixture: str) -> None:
    at = _upload(_app(), (fixture, (XSS / fixture).read_bytes()))
    _no_exception(at)
    for control in ("encryption_in_transit", "incident_notification", "audit_rights"):
        at.selectbox(key="review_control").set_value(control).run()
        _no_exception(at)
        for value in _markdown_values(at):
            lowered = value.lower()
            assert "<script" not in lowered and "<img" not in lowered
            assert "](http" not in lowered and "](javascript" not in lowered
        for element in at.html:
            assert not _foreign_tags(element.value), element.value
    if fixture.endswith(".txt"):  # the .txt keeps the markup as text: it must arrive escaped
        at.selectbox(key="review_control").set_value("encryption_in_transit").run()
        html = "\n".join(h.value for h in at.html)
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_library_page_lists_every_control() -> None:
    at = _app()
    at.switch_page("checker_app/pages/library.py").run()
    _no_exception(at)
    from checker_app.engine import get_checker

    library = get_checker().library
    titles = [e.label for e in at.expander]
    assert len(titles) == len(library.controls)
    for control in library.controls.values():
        assert any(control.title in t for t in titles), control.id
    at.text_input(key="library_search").input("72 hours").run()
    assert 0 < len(at.expander) < len(library.controls)


def test_bulk_page_scores_rows_and_reports_row_errors() -> None:
    at = _app()
    at.switch_page("checker_app/pages/bulk.py").run()
    _no_exception(at)
    sheet = f"Vendor,Contract file\nCommon Paper,{DPA.name}\nMissing Inc,no-such-contract.pdf\n".encode()
    at.file_uploader(key="bulk_sheet").upload("vendors.csv", sheet, "text/csv").run()
    at.file_uploader(key="bulk_docs").upload(DPA.name, DPA.read_bytes(), "text/markdown").run()
    at.button(key="bulk_run").click().run(timeout=180)
    _no_exception(at)
    table = at.dataframe[0].value
    assert table["Result"].iloc[0] == "✔ Scored"
    # A failed row says why in its own Result cell, and shows no score rather than "None" (issue 12).
    assert (
        table["Result"].iloc[1].startswith("✖ Not scored: ") and "no-such-contract" in table["Result"].iloc[1]
    )
    assert "no-such-contract.pdf" in table["Errors"].iloc[1]
    assert table["Score"].isna().iloc[1]
    workbook: bytes = at.session_state["bulk_result"][1]
    ws = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)["Results"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("Vendor", "Contract file") and len(rows) == 3


def test_uploaded_playbook_is_used_and_an_invalid_one_names_its_line() -> None:
    at = _upload(_app(), (DPA.name, DPA.read_bytes()))
    head = (
        "name: mine\ntitle: Incident only\ndescription: Just the incident window, at 24 hours.\ncontrols:\n"
    )
    good = head + "  - id: incident_notification\n    thresholds: {notification: 24}\n"
    at.file_uploader(key="review_playbook_file").upload(
        "mine.yaml", good.encode(), "application/x-yaml"
    ).run()
    _no_exception(at)
    assert len(at.dataframe[0].value) == 1
    assert list(at.dataframe[0].value["Status"]) == ["⚠ Weak"]  # 72 hours is over a 24-hour threshold
    bad = head + "  - incident_notification\n  - incident_notificaton\n"
    at.file_uploader(key="review_playbook_file").upload("mine.yaml", bad.encode(), "application/x-yaml").run()
    _no_exception(at)
    [error] = [e.value for e in at.error]
    assert "mine\\.yaml" in error and "line 6" in error and "incident\\_notificaton" in error


def test_an_encrypted_pdf_asks_for_its_password_and_then_opens() -> None:
    pdf = ROOT / "fixtures" / "generated" / "encrypted-user-password.pdf"
    at = _upload(_app(), (pdf.name, pdf.read_bytes()), (DPA.name, DPA.read_bytes()))
    _no_exception(at)
    assert any("encrypted" in e.value for e in at.error)
    at.text_input(key=f"review_password_{pdf.name}").input("secret").run()
    _no_exception(at)
    assert not at.error
    names = " ".join(c.value for c in at.caption)
    assert "encrypted\\-user\\-password\\.pdf" in names
    at.run()  # the password is remembered once its widget has gone
    assert not at.error


def test_a_partly_scanned_pdf_is_read_by_ocr_and_its_evidence_says_so() -> None:
    mixed = ROOT / "fixtures" / "scans" / "mixed-contract.pdf"  # page 2 is only an image
    at = AppTest.from_file(APP, default_timeout=240).run()  # one page of OCR on a shared machine
    assert at.sidebar.selectbox(key="review_ocr_mode").value == "auto"
    at = _upload(at, (mixed.name, mixed.read_bytes()))
    _no_exception(at)
    at.selectbox(key="review_control").set_value("incident_notification").run()
    _no_exception(at)
    html = "\n".join(h.value for h in at.html)
    assert "page 2 of 3" in html and "read by OCR with" in html  # the clause is on the scanned page
    assert "twenty-four (24) hours" in html
    assert any("Page 2 as scanned, evidence boxed" in e.label for e in at.expander)
    # OCR off: the scanned page is not read, and the file's note says so.
    at.sidebar.selectbox(key="review_ocr_mode").set_value("never").run()
    _no_exception(at)
    notes = " ".join(_markdown_values(at))
    assert "only images and no text layer" in notes and "OCR is needed" in notes


def test_bulk_page_passes_its_ocr_choice_to_the_workers() -> None:
    scan = ROOT / "fixtures" / "scans" / "contract-p1-300dpi-clean.png"
    at = _app()
    at.switch_page("checker_app/pages/bulk.py").run()
    _no_exception(at)
    sheet = f"Vendor,Contract file\nAcme,{scan.name}\n".encode()
    at.file_uploader(key="bulk_sheet").upload("vendors.csv", sheet, "text/csv").run()
    at.file_uploader(key="bulk_docs").upload(scan.name, scan.read_bytes(), "image/png").run()
    assert at.selectbox(key="bulk_ocr_mode").value == "auto"
    at.selectbox(key="bulk_ocr_mode").set_value("never").run()
    at.button(key="bulk_run").click().run(timeout=180)
    _no_exception(at)
    table = at.dataframe[0].value
    # A failed row says why in its Result (issue 12) and in its Errors column.
    [result] = list(table["Result"])
    assert result.startswith("✖ Not scored: ") and "OCR is off" in result
    assert "OCR is off" in table["Errors"].iloc[0]
