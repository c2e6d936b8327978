"""The Incident page (run by app.py's navigation)."""

from checker_app.incident_page import render

render()
