"""The Bulk page (run by app.py's navigation)."""

from checker_app.bulk_page import render

render()
