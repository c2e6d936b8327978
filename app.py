"""clausecheck's review app: ``streamlit run app.py`` (or ``make run``).

Thin on purpose: page set-up and navigation only; the pages live in :mod:`checker_app`.
"""

from __future__ import annotations

import streamlit as st

from checker_app.engine import warm_up
from checker_app.kept_choices import keep_choices
from checker_app.style import favicon

st.set_page_config(page_title="clausecheck", page_icon=favicon(), layout="wide", menu_items={})
keep_choices()
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
