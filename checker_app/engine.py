"""The checker, built once per server process and shared by every session and page.

Building it loads and compiles the clause library and the segmenter (a couple of seconds); after that it
is read-only, so sharing it across sessions is safe.
"""

from __future__ import annotations

import streamlit as st

from checker.api import ContractChecker

__all__ = ["get_checker"]


@st.cache_resource(show_spinner="Loading the clause library and the matcher…")
def get_checker() -> ContractChecker:
    """The one :class:`~checker.api.ContractChecker` of this server."""
    return ContractChecker()
