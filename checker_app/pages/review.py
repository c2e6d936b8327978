"""The Review page (run by app.py's navigation)."""

from checker_app.page_guard import run_guarded
from checker_app.review_page import render

run_guarded(render)
