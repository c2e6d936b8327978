"""The Bulk page (run by app.py's navigation)."""

from checker_app.bulk_page import render
from checker_app.page_guard import run_guarded

run_guarded(render)
