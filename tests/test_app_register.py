"""The app's Portfolio and Incident pages over a real register (headless, Streamlit's AppTest), with the
register written by `clausecheck check --vendor NAME --register`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
FIXTURES = ROOT / "fixtures" / "register"


@pytest.fixture(scope="module")
def register_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("app-register") / "register.sqlite")
    for vendor, files in [
        ("Acme Assist Ltd", ["acme-security-exhibit-2025.md"]),
        ("Acme Assist Ltd", ["acme-security-exhibit-2026.md"]),
        ("Globex Corporation", ["globex-dpa.md"]),
        ("Initech LLC", ["initech-msa.md"]),
    ]:
        argv = [
            "check",
            *(str(FIXTURES / f) for f in files),
            "--bundle",
            "--playbook",
            "all",
            "--no-isolation",
        ]
        assert (
            main(
                [
                    *argv,
                    "--vendor",
                    vendor,
                    "--register",
                    "--db",
                    db,
                    "--format",
                    "json",
                    "--out",
                    str(Path(db).parent / "x.json"),
                ]
            )
            == 0
        )
    assert (
        main(["register", "add-sbom", "Acme Assist Ltd", str(FIXTURES / "acme-cyclonedx.json"), "--db", db])
        == 0
    )
    assert (
        main(
            ["register", "add-sbom", "Globex Corporation", str(FIXTURES / "globex-cyclonedx.xml"), "--db", db]
        )
        == 0
    )
    return db


def _table(at: AppTest, column: str):
    """The first table on the page with ``column`` (dataframes carry no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _page(db: str, page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CLAUSECHECK_DB", db)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_portfolio_lists_filters_and_diffs_vendors(register_db, monkeypatch):
    at = _page(register_db, "checker_app/pages/portfolio.py", monkeypatch)
    vendors = _table(at, "Last assessed")
    assert list(vendors["Vendor"]) == ["Acme Assist Ltd", "Globex Corporation", "Initech LLC"]
    # "Vendors without a supply-chain compromise notice": Globex's DPA has none; Acme and Initech are weak.
    at.selectbox(key="portfolio_control").select("supply_chain_compromise_notice").run()
    assert list(_table(at, "Last assessed")["Vendor"]) == ["Globex Corporation"]
    at.selectbox(key="portfolio_control").select("(any control)").run()
    at.selectbox(key="portfolio_vendor").select("Acme Assist Ltd").run()
    assert not at.exception
    findings = _table(at, "Engine")
    row = findings[findings["Control"] == "incident_notification"].iloc[0]
    assert row["Status"] == "met" and "twenty-four (24) hours" in row["Evidence"]
    diff = _table(at, "Change")
    changes = dict(zip(diff["Control"], diff["Change"], strict=True))
    assert changes["incident_notification"] == "stronger" and changes["sbom_disclosure"] == "appeared"


def test_incident_page_names_the_exposed_vendor_with_its_deadline(register_db, monkeypatch):
    at = _page(register_db, "checker_app/pages/incident.py", monkeypatch)
    at.text_input(key="incident_versions").input("1.82.7,1.82.8")
    at.text_input(key="incident_at").input("2026-03-24T10:39Z")
    at.button(key="incident_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    affected, unknown = (d.value for d in at.dataframe[:2])
    assert set(affected["Vendor"]) == {"Acme Assist Ltd"}
    notice = affected[affected["Control"] == "supply_chain_compromise_notice"].iloc[0]
    assert notice["Deadline"] == "2026-03-26T10:39:00+00:00" and "business days" in notice["Evidence"]
    assert set(unknown["Vendor"]) == {"Initech LLC"}

    at.text_input(key="incident_at").input("next tuesday")
    at.button(key="incident_run").click().run()
    assert any("not an ISO" in e.value and "8601 time" in e.value for e in at.error)


def test_review_and_bulk_pages_record_into_the_register(tmp_path, monkeypatch):
    from checker.register import open_register
    from checker.register.views import list_vendors, vendor_detail

    db = str(tmp_path / "app.sqlite")
    monkeypatch.setenv("CLAUSECHECK_DB", str(tmp_path / "not-this-one.sqlite"))
    exhibit = FIXTURES / "acme-security-exhibit-2026.md"
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="review_upload").upload(exhibit.name, exhibit.read_bytes(), "text/markdown")
    at.run()
    at.text_input(key="review_register_vendor").input("Acme Assist Ltd")
    at.text_input(key="review_register_db").input(db).run()
    at.button(key="review_register_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 new assessments" in s.value for s in at.success)

    at.switch_page("checker_app/pages/bulk.py").run()
    sheet = b"Vendor,Contract file\nGlobex Corporation,globex-dpa.md\n"
    at.file_uploader(key="bulk_sheet").upload("vendors.csv", sheet, "text/csv").run()
    dpa = FIXTURES / "globex-dpa.md"
    at.file_uploader(key="bulk_docs").upload(dpa.name, dpa.read_bytes(), "text/markdown").run()
    at.button(key="bulk_run").click().run(timeout=180)
    at.text_input(key="bulk_register_db").input(db).run()
    at.button(key="bulk_register_save").click().run()
    assert not at.exception, [e.value for e in at.exception]

    register = open_register(db)
    assert [v.vendor for v in list_vendors(register)] == ["Acme Assist Ltd", "Globex Corporation"]
    latest = vendor_detail(register, "Acme Assist Ltd").latest
    assert latest is not None and latest.finding("termination_for_security_breach").status == "met"  # type: ignore[union-attr]
    register.close()
    assert not (tmp_path / "not-this-one.sqlite").exists()
