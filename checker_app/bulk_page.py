"""Bulk: score a spreadsheet of vendors and the contracts it names (waiting for checker.batch)."""

from __future__ import annotations

import streamlit as st

__all__ = ["render"]


def render() -> None:
    """The Bulk page."""
    st.title("Bulk scoring")
    st.info("Coming soon.")
