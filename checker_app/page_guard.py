"""The app's last line of defence: an unexpected error becomes a plain message on the page it broke.

Streamlit's own error panel shows the exception and, on localhost, "Ask Google" and "Ask ChatGPT" links;
the shipped config turns both off (``showErrorDetails = "none"``, ``showErrorLinks = false``), and this
guard goes further: the page says what happened in words, keeps whatever it had drawn, and the details
go to the server's log only. Nothing about the contract leaves the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

import streamlit as st

__all__ = ["UNEXPECTED_ERROR", "run_guarded"]

_LOG = logging.getLogger("clausecheck.app")

UNEXPECTED_ERROR: Final = (
    "Something went wrong while showing this part of the page, and it stopped here. Your files and"
    " review are still in this session: change a choice or reload to try again. Nothing was sent"
    " anywhere; the technical details are in the server's log on this machine."
)


def run_guarded(render: Callable[[], None]) -> None:
    """Run a page; an unexpected exception is logged and shown as :data:`UNEXPECTED_ERROR`.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) derives from ``BaseException`` and passes
    through untouched.
    """
    try:
        render()
    except Exception:
        _LOG.exception("unexpected error while rendering a page")
        st.error(UNEXPECTED_ERROR, icon=":material/error:")
