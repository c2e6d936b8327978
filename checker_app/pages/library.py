"""The Library page (run by app.py's navigation)."""

from checker_app.library_page import render

render()
