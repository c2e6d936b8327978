"""Choices a reviewer makes on a page that must survive a visit to another page.

Streamlit forgets the state of a widget that was not drawn in the last run, so a filter set on Review
was lost after a look at the Library. Writing each key back at the start of every run (from ``app.py``,
which runs whichever page is shown) keeps it. Light on purpose: ``app.py`` imports it before the matcher.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

__all__ = ["KEPT", "keep_choices"]

KEPT: Final = (
    "review_playbook",
    "review_filter_status",
    "review_filter_family",
    "review_filter_framework",
    "review_control",
    "review_reviewer",
    "bulk_pb",
    "library_pb",
)


def keep_choices() -> None:
    """Write every kept choice back to the session, so Streamlit does not drop it on another page."""
    for key in KEPT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
