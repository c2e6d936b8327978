"""clausecheck's review app: ``make run`` (``python -m checker_app.serve``: the engine is built before
the server answers). ``streamlit run app.py`` works too; the first visitor then waits for the engine,
under a spinner.

Thin on purpose: page set-up and navigation only; the pages live in :mod:`checker_app`.
"""

from __future__ import annotations

import streamlit as st

from checker_app.kept_choices import keep_choices
from checker_app.style import favicon

st.set_page_config(page_title="clausecheck", page_icon=favicon(), layout="wide", menu_items={})
keep_choices()
# The matcher (spaCy, the detector, the library) is imported here, under a spinner, and not at the top:
# on a cold ``streamlit run app.py`` its import alone left the first visitor a blank page for seconds
# (issue 12). Under ``make run`` it is already imported and built, and no spinner shows.
with st.spinner("Loading the clause library and the matcher…", show_time=True):
    from checker_app import bulk_page, library_page, review_page  # noqa: F401  (imported once, here)
    from checker_app.engine import warm_up

    warm_up()  # the engine is ready before the first upload

pages = [
    st.Page("checker_app/pages/review.py", title="Review", icon=":material/fact_check:", default=True),
    st.Page("checker_app/pages/bulk.py", title="Bulk", icon=":material/table_view:"),
    st.Page("checker_app/pages/library.py", title="Library", icon=":material/menu_book:"),
    st.Page("checker_app/pages/portfolio.py", title="Portfolio", icon=":material/inventory_2:"),
    st.Page("checker_app/pages/incident.py", title="Incident", icon=":material/crisis_alert:"),
]
with st.sidebar:
    st.markdown("### :material/policy: clausecheck")
    st.caption("Does the contract bind the vendor? Offline, private, with evidence.")
st.navigation(pages).run()
