"""clausecheck's review app: ``streamlit run app.py`` (or ``make run``).

Thin on purpose: page set-up and navigation only; the pages live in :mod:`checker_app`.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="clausecheck", page_icon="🔎", layout="wide", menu_items={})

pages = [
    st.Page("checker_app/pages/review.py", title="Review", icon="📄", default=True),
    st.Page("checker_app/pages/bulk.py", title="Bulk", icon="🗂️"),
    st.Page("checker_app/pages/library.py", title="Library", icon="📚"),
]
with st.sidebar:
    st.markdown("### 🔎 clausecheck")
    st.caption("Does the contract bind the vendor? Offline, private, with evidence.")
st.navigation(pages).run()
