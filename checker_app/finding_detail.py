"""One finding in full: the source text with the evidence marked, the PDF page, why, and what to ask for.

Contract text goes to the page only escaped (:mod:`checker_app.safe_text`) or as plain text. The
reviewer's decision is kept per control in ``st.session_state`` and applied to exports.
"""

from __future__ import annotations

import streamlit as st

from checker.library.loader import Library
from checker.match.quantities import QuantityReader
from checker.models import Evidence, Finding, ReviewerOverride, Status
from checker.report.wording import (
    effective_status,
    engine_said,
    override_text,
    reason_label,
    status_reason,
)
from checker_app.bundle import Bundle
from checker_app.evidence_view import (
    PAGE_FORMATS,
    context_html,
    definitions_for,
    definitions_html,
    page_with_highlight,
)
from checker_app.findings_table import family_label, format_found, format_limits, status_text
from checker_app.review_state import make_override
from checker_app.safe_text import escape_html, escape_markdown

__all__ = ["render_finding"]

_BOUND = {
    "vendor": "The vendor",
    "assumed_vendor": "The vendor (the clause names no party)",
    "mutual": "Both parties",
    "customer": "The customer, not the vendor",
}
_FIRMLY = {
    "binding": "A firm commitment (shall, will, must)",
    "descriptive": "A statement of measures in a security schedule",
    "permissive": "Permissive only (may, should)",
    "prohibition": "A prohibition",
    "none": "No commitment",
}

_DECISIONS = {"none": "Not reviewed", "accepted": "Accept the finding", "overridden": "Override the status"}


def _evidence_where(ev: Evidence, bundle: Bundle) -> str:
    read = bundle.document(ev.document)
    pages = f" of {read.document.pages}" if read else ""
    parts = [ev.document]
    if ev.section:
        parts.append(f"section {ev.section}")
    if ev.heading:
        parts.append(ev.heading)
    parts.append(f"page {ev.page}{pages}")
    if ev.ocr_confidence is not None:
        parts.append(f"read by OCR with {ev.ocr_confidence:g}% confidence: check it against the page")
    return " · ".join(parts)


def _render_source(finding: Finding, bundle: Bundle, library: Library) -> None:
    st.markdown("#### Source")
    if not finding.evidence:
        st.html(
            '<p class="cc-empty">No clause in the bundle addresses this control: nothing binds the vendor'
            " to it.</p>"
        )
        return
    index = 0
    if len(finding.evidence) > 1:
        index = st.radio(
            "Evidence",
            range(len(finding.evidence)),
            format_func=lambda i: f"{i + 1} of {len(finding.evidence)}",
            horizontal=True,
            key=f"review_evidence_{finding.control}",
            help="Every clause that addresses this control; the first decided the status.",
        )
    ev = finding.evidence[index]
    st.html(f'<div class="cc-where">{escape_html(_evidence_where(ev, bundle))}</div>')
    read = bundle.document(ev.document)
    if read is None:
        st.text(ev.text)
        return
    st.html(context_html(read, ev, params=finding.params, quantities=QuantityReader(library.language)))
    definitions = definitions_for(finding.definitions, ev)
    if definitions:
        st.html(definitions_html(definitions))
    source = bundle.source(ev.document)
    if read.document.format.value in PAGE_FORMATS and source is not None:
        shown = "as scanned" if ev.ocr_confidence is not None else "as printed"
        with st.expander(f"Page {ev.page} {shown}, evidence boxed", expanded=True):
            try:
                image = page_with_highlight(source, read, ev)
            except Exception as exc:  # a page that will not render must not hide the finding
                st.caption(f"The page could not be rendered ({escape_markdown(type(exc).__name__)}).")
            else:
                st.image(image, caption=f"{read.document.name}, page {ev.page}", width="stretch")


def _render_why(finding: Finding, library: Library) -> None:
    st.markdown("#### Why")
    st.html(f"<p>{escape_html(status_reason(finding))}</p>")
    detail = [reason_label(r) for r in finding.reasons if effective_status(finding) != Status.MET]
    if len(detail) > 1:
        st.html("<ul>" + "".join(f"<li>{escape_html(r)}</li>" for r in detail) + "</ul>")
    rows = {
        "Who is bound": (
            f"“{finding.undecided_party}”, whose side the document does not decide: read as the vendor"
            if finding.undecided_party
            else _BOUND.get(finding.party, "—")
        )
        if finding.evidence
        else "Nobody: no clause addresses it",
        "How firmly": _FIRMLY.get(finding.modality, "—") if finding.evidence else "—",
        "Found in the contract": format_found(finding.params) or "—",
        "The playbook asks for": format_limits(finding.thresholds) or "a binding commitment by the vendor",
    }
    st.html(
        '<dl class="cc-facts">'
        + "".join(f"<dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd>" for k, v in rows.items())
        + "</dl>"
    )
    control = library.controls.get(finding.control)
    if control is not None:
        refs = "; ".join(f"{r.framework} {r.section}" for r in control.references)
        st.caption(f"References: {escape_markdown(refs)}")
    if finding.fallback:
        st.markdown("#### Fallback language")
        st.caption("Model clause to send back to the vendor (copy with the button at the top right).")
        st.code(finding.fallback, language=None, wrap_lines=True)


def _render_review(finding: Finding, overrides: dict[str, ReviewerOverride], reviewer: str) -> None:
    st.markdown("#### Your review")
    current = overrides.get(finding.control)
    if current is not None:
        st.info(
            override_text(finding.model_copy(update={"override": current})), icon=":material/rate_review:"
        )
    key = finding.control
    with st.form(f"review_form_{key}", border=False):
        decision = st.radio(
            "Decision",
            list(_DECISIONS),
            format_func=_DECISIONS.__getitem__,
            index=list(_DECISIONS).index(current.decision) if current else 0,
            horizontal=True,
            key=f"review_decision_{key}",
        )
        others = [s for s in Status if s != finding.status]
        new_status = st.selectbox(
            "New status (when overriding)",
            others,
            format_func=status_text,
            index=others.index(current.status) if current and current.status in others else 0,
            key=f"review_status_{key}",
        )
        comment = st.text_area(
            "Comment (goes into every export)",
            value=current.comment if current else "",
            key=f"review_comment_{key}",
            placeholder="e.g. Covered by the security exhibit, clause 4.2, agreed on the call of 3 May.",
        )
        if st.form_submit_button("Save review", type="primary"):
            if decision == "none":
                overrides.pop(key, None)
            else:
                overrides[key] = make_override(decision, new_status, comment, reviewer, finding.status)
            st.rerun()


def render_finding(
    finding: Finding, bundle: Bundle, library: Library, overrides: dict[str, ReviewerOverride], reviewer: str
) -> None:
    """The detail panel for one finding."""
    shown = effective_status(finding)
    engine_note = f" ({engine_said(finding)})" if shown != finding.status else ""
    code = f"{finding.catalogue} " if finding.catalogue else ""
    st.markdown(f"### {status_text(shown)}{engine_note} — {escape_markdown(code + finding.title)}")
    st.caption(
        f"{family_label(finding.family)} · severity **{finding.severity}**"
        + (" · reviewed" if finding.control in overrides else "")
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        _render_source(finding, bundle, library)
    with right:
        _render_why(finding, library)
        _render_review(finding, overrides, reviewer)
