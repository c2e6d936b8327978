"""The review in the app: the headline follows the reviewer, a review is saved and loaded again, and the
negotiation pack is one ZIP (AppTest, headless)."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from negotiation_samples import build_vendor_msa
from streamlit.testing.v1 import AppTest

from checker.models import Assessment, Status

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.bundle import Bundle  # noqa: E402
from checker_app.review_state import negotiation_pack  # noqa: E402

APP = str(ROOT / "app.py")
CONTROL = "security_program"


def _healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def msa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vendor_msa(tmp_path_factory.mktemp("app") / "vendor-msa.docx")


def _open(msa: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="review_upload").upload(msa.name, msa.read_bytes(), "application/octet-stream").run()
    _healthy(at)
    return at


def _metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_override_moves_the_headline_and_the_pack_and_a_saved_review_loads_again(msa: Path) -> None:
    at = _open(msa)
    score_before, delta = _metrics(at)["Contract score"]
    assert not delta  # nothing reviewed: no "engine said"
    met_before = int(_metrics(at)["✔ Met"][0])
    at.sidebar.text_input(key="review_reviewer").input("A. Counsel").run()
    at.selectbox(key="review_control").set_value(CONTROL).run()
    assert at.selectbox(key="review_control").format_func(CONTROL).startswith("✔ Met")
    at.radio(key=f"review_decision_{CONTROL}").set_value("overridden")
    at.selectbox(key=f"review_status_{CONTROL}").set_value(Status.MISSING)
    at.text_area(key=f"review_comment_{CONTROL}").input("Struck from the signed copy.")
    next(b for b in at.button if b.label == "Save review").click().run()
    _healthy(at)
    metrics = _metrics(at)
    assert metrics["Contract score"][0] != score_before
    assert metrics["Contract score"][1] == f"the engine said {score_before.split(' ')[0]}"
    assert (
        int(metrics["✔ Met"][0]) == met_before - 1 and metrics["✔ Met"][1] == f"the engine said {met_before}"
    )
    # The picker label follows the review too.
    assert at.selectbox(key="review_control").format_func(CONTROL).startswith("○ Missing")

    reviewed, bundle = _current(at)
    with zipfile.ZipFile(io.BytesIO(negotiation_pack(reviewed, bundle, "A. Counsel"))) as pack:
        names = pack.namelist()
        memo = pack.read(next(n for n in names if n.endswith("memo.md"))).decode()
        saved = pack.read(next(n for n in names if n.endswith("-review.json")))
    assert sum(n.endswith("-redline.docx") for n in names) == 1
    assert "Struck from the signed copy." in memo and "the engine said Met" in memo
    assert json.loads(saved)["decisions"][CONTROL]["reviewer"] == "A. Counsel"

    # A new session: upload the same contract and the saved review; the decisions and score come back.
    again = _open(msa)
    again.file_uploader(key="review_load").upload("review.json", saved, "application/json").run()
    _healthy(again)
    assert any("Loaded 1 decision" in s.value for s in again.success)
    assert _metrics(again)["Contract score"] == metrics["Contract score"]
    again.selectbox(key="review_control").set_value(CONTROL).run()
    assert any("Struck from the signed copy." in i.value for i in again.info)


def _current(at: AppTest) -> tuple[Assessment, Bundle]:
    """The reviewed assessment and bundle of the AppTest session (what the download buttons export)."""
    from checker.review import apply_review

    bundle = at.session_state["review_bundle"]
    assessment = at.session_state["review_assessment"][1]
    overrides = at.session_state["review_overrides"][bundle.key]
    return apply_review(assessment, overrides), bundle


def test_a_bad_review_file_is_a_clear_error(msa: Path) -> None:
    at = _open(msa)
    at.file_uploader(key="review_load").upload("review.json", b"{}", "application/json").run()
    _healthy(at)
    [error] = [e.value for e in at.error]
    assert "review\\.json" in error and "not a clausecheck review" in error
    assert at.metric[0].label == "Contract score"


def test_filters_and_playbook_are_kept_across_a_visit_to_another_page(msa: Path) -> None:
    at = _open(msa)
    at.selectbox(key="review_playbook").set_value("ai-data-vendor").run()
    at.multiselect(key="review_filter_status").set_value([Status.WEAK]).run()
    shown = len(at.dataframe[0].value)
    at.switch_page("checker_app/pages/library.py").run()
    _healthy(at)
    at.switch_page("checker_app/pages/review.py").run()
    at.file_uploader(key="review_upload").upload(msa.name, msa.read_bytes(), "application/octet-stream").run()
    _healthy(at)
    assert at.selectbox(key="review_playbook").value == "ai-data-vendor"
    assert at.multiselect(key="review_filter_status").value == [Status.WEAK]
    assert len(at.dataframe[0].value) == shown


def test_the_vendor_party_field_decides_who_the_vendor_is() -> None:
    # "Company shall notify Contractor": the parties block makes the Company the customer, so nothing
    # binds the vendor to notice; named in the "Vendor party" field, the Company is the vendor.
    contract = (
        '# Master Services Agreement\n\nThis Agreement is made between Globex Bank plc (the "Company") and'
        ' Acme Cloud Ltd (the "Contractor").\n\n## 1. Security\n\n1.1 Company shall notify Contractor of any'
        " Security Incident within 24 hours.\n"
    )
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="review_upload").upload("msa.md", contract.encode(), "text/markdown").run()
    _healthy(at)

    def notice() -> str:
        assessment = at.session_state["review_assessment"][1]
        return next(f.status.value for f in assessment.findings if f.control == "incident_notification")

    assert notice() == "missing"
    at.text_input(key="review_vendor_party").input("Globex").run()
    _healthy(at)
    assert notice() == "met"
