"""The checker, built once per server process and shared by every session and page.

Building it loads and compiles the clause library and the segmenter (about a second with the library
cache); after that it is read-only, so sharing it across sessions is safe. :func:`warm_up` builds it and
starts the fork server of the Bulk page's workers when the first page is shown, before any upload.
"""

from __future__ import annotations

import streamlit as st

from checker.api import ContractChecker
from checker.isolate import prestart
from checker.isolate.pool import in_child_process

__all__ = ["get_checker", "prebuild", "warm_up"]

# Filled once by ``checker_app.serve`` before the server starts (same process), so the first visitor
# finds the engine built; read only by get_checker. Empty under a plain ``streamlit run``.
_PREBUILT: list[ContractChecker] = []


def prebuild() -> ContractChecker:
    """Build the checker now, before any session asks for it (``python -m checker_app.serve``)."""
    if not _PREBUILT:
        _PREBUILT.append(ContractChecker())
    return _PREBUILT[0]


@st.cache_resource(show_spinner=False)  # app.py shows the spinner around warm_up
def get_checker() -> ContractChecker:
    """The one :class:`~checker.api.ContractChecker` of this server (the prebuilt one, if any)."""
    return _PREBUILT[0] if _PREBUILT else ContractChecker()


@st.cache_resource(show_spinner=False)
def _workers_started() -> bool:
    prestart()  # the fork server builds its own checker, in its own process, while this one serves
    return True


def warm_up() -> None:
    """Build the checker and start the workers' fork server once per server process.

    A worker process runs the app's script again as its main module (multiprocessing does that for the
    script a process was started from); there it does nothing.
    """
    if in_child_process():
        return
    _workers_started()
    get_checker()
