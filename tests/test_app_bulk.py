"""Bulk polish (issue 12): a template sheet with the column help, and the help on the page."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
from streamlit.testing.v1 import AppTest

from checker.batch import detect_columns, read_sheet_bytes

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.bulk_page import COLUMN_HELP, template_sheet  # noqa: E402


def test_the_template_is_a_sheet_the_batch_reads_with_every_column_found() -> None:
    data = template_sheet()
    sheet = read_sheet_bytes(data, "template.xlsx")
    found = detect_columns(sheet.headers)
    assert None not in (found.vendor, found.file, found.text)
    assert [sheet.headers[i] for i in (found.vendor, found.file, found.text)] == [n for n, _ in COLUMN_HELP]
    assert any(";" in str(r.get(found.file)) for r in sheet.rows)  # several files in one cell, shown
    wb = openpyxl.load_workbook(io.BytesIO(data))
    help_rows = list(wb["How to fill it in"].iter_rows(values_only=True))
    assert any("semicolon" in str(r[1]) for r in help_rows)


def test_the_bulk_page_shows_the_column_help_and_offers_the_template() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("checker_app/pages/bulk.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Contract file" in text and "semicolon" in text
    assert at.get("download_button")
