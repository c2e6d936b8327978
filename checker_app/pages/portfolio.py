"""The Portfolio page (run by app.py's navigation)."""

from checker_app.portfolio_page import render

render()
