"""The checker, built once per server process and shared by every session and page.

Building it loads and compiles the clause library and the segmenter (a couple of seconds); after that it
is read-only, so sharing it across sessions is safe.
"""

from __future__ import annotations

import streamlit as st

from checker.api import ContractChecker

__all__ = ["get_checker", "prebuild"]

# Filled once by ``checker_app.serve`` before the server starts (same process), so the first visitor
# finds the engine built; read only by get_checker. Empty under a plain ``streamlit run``.
_PREBUILT: list[ContractChecker] = []


def prebuild() -> ContractChecker:
    """Build the checker now, before any session asks for it (``python -m checker_app.serve``)."""
    if not _PREBUILT:
        _PREBUILT.append(ContractChecker())
    return _PREBUILT[0]


@st.cache_resource(show_spinner="Loading the clause library and the matcher…")
def get_checker() -> ContractChecker:
    """The one :class:`~checker.api.ContractChecker` of this server (the prebuilt one, if any)."""
    return _PREBUILT[0] if _PREBUILT else ContractChecker()
