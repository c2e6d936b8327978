"""The Bulk page (run by app.py's navigation)."""

import streamlit as st

from checker_app.page_guard import run_guarded

# The first visit imports the matcher and spaCy (several seconds): show that, not a blank page.
with st.spinner("Starting the checker: loading the clause library and the matcher…", show_time=True):
    from checker_app.bulk_page import render

run_guarded(render)
