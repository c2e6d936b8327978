"""Every page of the app with every shipped playbook (issue 12: the ``all`` playbook crashed Review).

The crash showed 0/100 with every count at 0, then Streamlit's error panel with links to Google and
ChatGPT. Here each page runs with each playbook and must show its findings, counts and table without an
exception and without the app's own "something went wrong" message; the shipped config must keep error
details and external help links off.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.engine import get_checker  # noqa: E402
from checker_app.page_guard import UNEXPECTED_ERROR, run_guarded  # noqa: E402
from checker_app.playbooks import shipped_playbook, shipped_playbooks  # noqa: E402

APP = str(ROOT / "app.py")
DPA = ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"
PLAYBOOKS = shipped_playbooks(get_checker().library)


def _healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if UNEXPECTED_ERROR[:40] in e.value], [e.value for e in at.error]


def test_every_shipped_playbook_is_offered() -> None:
    assert "all" in PLAYBOOKS and "baseline" in PLAYBOOKS and len(PLAYBOOKS) >= 6


def test_review_page_with_every_playbook() -> None:
    library = get_checker().library
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="review_upload").upload(DPA.name, DPA.read_bytes(), "text/markdown").run()
    _healthy(at)
    for name in PLAYBOOKS:
        at.selectbox(key="review_playbook").set_value(name).run()
        _healthy(at)
        expected = len(shipped_playbook(name, library).controls)
        assert expected > 0, name
        metrics = {m.label: m.value for m in at.metric}
        counts = [int(v) for k, v in metrics.items() if k != "Contract score"]
        assert sum(counts) == expected, (name, metrics)
        assert len(at.dataframe[0].value) == expected, name
        assert at.get("vega_lite_chart"), name  # the status chart is drawn
        # The picker says what the playbook checks: its description, its size and its thresholds.
        first_words = " ".join(library.playbooks[name].description.split()[:3])
        summary = [c.value for c in at.caption if c.value.startswith(first_words)]
        assert summary and f"{expected} controls at the library's" in summary[0], (name, summary)
    # `all` really is every non-deprecated control: the crash scored it with none.
    every = [c for c in library.controls.values() if c.status != "deprecated"]
    at.selectbox(key="review_playbook").set_value("all").run()
    assert len(at.dataframe[0].value) == len(every)


def test_library_page_with_every_playbook() -> None:
    library = get_checker().library
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("checker_app/pages/library.py").run()
    _healthy(at)
    for name in PLAYBOOKS:
        at.selectbox(key="library_pb").set_value(name).run()
        _healthy(at)
        tables = [d.value for d in at.dataframe]
        assert any(len(t) == len(shipped_playbook(name, library).controls) for t in tables), name


def test_bulk_page_with_every_playbook_and_a_run_with_all() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("checker_app/pages/bulk.py").run()
    _healthy(at)
    for name in PLAYBOOKS:
        at.selectbox(key="bulk_pb").set_value(name).run()
        _healthy(at)
    sheet = f"Vendor,Contract file\nCommon Paper,{DPA.name}\n".encode()
    at.file_uploader(key="bulk_sheet").upload("vendors.csv", sheet, "text/csv").run()
    at.file_uploader(key="bulk_docs").upload(DPA.name, DPA.read_bytes(), "text/markdown").run()
    at.selectbox(key="bulk_pb").set_value("all").run()
    at.button(key="bulk_run").click().run(timeout=240)
    _healthy(at)
    table = at.dataframe[0].value
    assert list(table["Result"]) == ["✔ Scored"]
    assert table["Score"].iloc[0] > 0


def _broken_page() -> None:
    import streamlit as st

    from checker_app.page_guard import run_guarded

    def render() -> None:
        st.write("drawn before the failure")
        raise ValueError("Unable to determine data type for the field")

    run_guarded(render)


def test_an_unexpected_error_is_a_plain_message_with_no_details_or_links() -> None:
    assert run_guarded  # the guard the three page scripts use
    at = AppTest.from_function(_broken_page).run()
    assert not at.exception
    [error] = at.error
    assert error.value == UNEXPECTED_ERROR
    assert "data type" not in error.value and "http" not in error.value
    assert at.markdown[0].value == "drawn before the failure"


@pytest.mark.parametrize("page", ["review", "bulk", "library"])
def test_every_page_script_runs_inside_the_guard(page: str) -> None:
    source = (ROOT / "checker_app" / "pages" / f"{page}.py").read_text()
    assert "run_guarded(render)" in source


def test_shipped_config_turns_error_details_and_help_links_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showErrorLinks"] is False
    assert config["server"]["address"] == "127.0.0.1"
