"""The Review page (run by app.py's navigation)."""

from checker_app.review_page import render

render()
