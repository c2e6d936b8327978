"""The review app (Streamlit): upload a vendor bundle, see every control's status with its evidence.

``app.py`` only sets the page up and routes to the pages; each page is a module with a ``render()``
function (:mod:`.review_page`, :mod:`.bulk_page`, :mod:`.library_page`), run by a two-line script in
:mod:`checker_app.pages` so that Streamlit's navigation and ``AppTest.switch_page`` can address it.

What the pages share lives in small modules without Streamlit, so it can be tested directly:
:mod:`.safe_text` (escaping: every piece of contract text shown as HTML goes through it),
:mod:`.bundle` (reading uploads, one error per file), :mod:`.findings_table` (the gaps table and its
filters), :mod:`.evidence_view` (the highlighted clause and the PDF page), :mod:`.review_state`
(reviewer overrides and exports). Nothing under ``checker/`` imports Streamlit.
"""
