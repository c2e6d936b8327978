"""The Library page (run by app.py's navigation)."""

from checker_app.library_page import render
from checker_app.page_guard import run_guarded

run_guarded(render)
