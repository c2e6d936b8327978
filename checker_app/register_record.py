"""Recording from the Review and Bulk pages into the vendor register: one expander each, so that the
pages themselves only call :func:`record_reviewed` or :func:`record_outcome`."""

from __future__ import annotations

import streamlit as st

from checker.batch import BatchOutcome
from checker.errors import ClauseCheckError
from checker.models import Assessment
from checker.register import open_register, record_assessment
from checker.register.database import register_url
from checker.register.record import scored_rows
from checker_app.safe_text import escape_markdown

__all__ = ["record_outcome", "record_reviewed"]


def _record(pairs: list[tuple[str, Assessment]], where: str, no_text: bool) -> None:
    try:
        register = open_register(where.strip() or None)
        try:
            done = [record_assessment(register, a, vendor, store_text=not no_text) for vendor, a in pairs]
        finally:
            register.close()
    except ClauseCheckError as exc:
        st.error(escape_markdown(str(exc)))
        return
    new = sum(r.created for r in done)
    st.success(
        escape_markdown(
            f"Recorded in {register.where}: {new} new assessments, {len(done) - new} already there"
            " (changed reviewer decisions are appended to their trail)."
        )
    )


def _location(prefix: str) -> tuple[str, bool]:
    where = st.text_input("Register", key=f"{prefix}_register_db", placeholder=register_url())
    no_text = st.checkbox("Without contract text", key=f"{prefix}_register_no_text")
    return where, no_text


def record_reviewed(reviewed: Assessment) -> None:
    """The Review page's assessment, with the reviewer's decisions, recorded under a vendor name."""
    with st.expander("Record in the vendor register", icon=":material/inventory_2:"):
        vendor = st.text_input("Vendor", key="review_register_vendor")
        where, no_text = _location("review")
        if st.button("Record", key="review_register_save", disabled=not vendor.strip()):
            _record([(vendor, reviewed)], where, no_text)


def record_outcome(outcome: BatchOutcome) -> None:
    """Every scored row of a Bulk run recorded under its vendor column's name."""
    pairs, _ = scored_rows(outcome)
    with st.expander("Record in the vendor register", icon=":material/inventory_2:"):
        st.caption(f"{len(pairs)} scored vendor rows (rows without a vendor name are left out).")
        where, no_text = _location("bulk")
        if st.button("Record", key="bulk_register_save", disabled=not pairs):
            _record(pairs, where, no_text)
