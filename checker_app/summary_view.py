"""The top of the results: contract score, counts per status, status by family, framework coverage."""

from __future__ import annotations

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from checker.models import Assessment, Status
from checker.report.wording import STATUS_LABELS, effective_status, format_score, status_counts
from checker_app.findings_table import STATUS_ICONS, family_label

__all__ = ["render_summary"]

# Colour supports the words, never replaces them: the legend and tooltips name every status.
_STATUS_COLOURS = {
    Status.MET: "#2e7d32",
    Status.WEAK: "#f0a202",
    Status.CONFLICT: "#8e24aa",
    Status.MISSING: "#c62828",
}


def _status_chart(assessment: Assessment) -> alt.Chart:
    counts = Counter((family_label(f.family), effective_status(f)) for f in assessment.findings)
    order = [Status.MET, Status.WEAK, Status.CONFLICT, Status.MISSING]
    data = pd.DataFrame(
        [
            {"Family": fam, "Status": STATUS_LABELS[st_], "Controls": n, "order": order.index(st_)}
            for (fam, st_), n in sorted(counts.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1])))
        ]
    )
    return (
        alt.Chart(data, title="Status by control family")
        .mark_bar()
        .encode(
            y=alt.Y("Family:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=220)),
            x=alt.X("Controls:Q", title="Controls", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "Status:N",
                scale=alt.Scale(
                    domain=[STATUS_LABELS[s] for s in order], range=[_STATUS_COLOURS[s] for s in order]
                ),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("order:Q"),
            tooltip=["Family", "Status", "Controls"],
        )
        .properties(height=alt.Step(26))
    )


def _coverage(assessment: Assessment) -> None:
    st.markdown("**Framework coverage**")
    if not assessment.coverage:
        st.caption("This playbook maps to no framework provisions.")
        return
    for cov in assessment.coverage:
        share = cov.met / cov.required if cov.required else 0.0
        label = f"{cov.framework} {cov.provision}: {cov.met} of {cov.required} required controls met"
        st.progress(min(1.0, share), text=label)


# What a missing count means, where the reviewer reads it (the README's "How far to trust it" has the figures).
_MISSING_HELP = (
    "No clause was found that binds the vendor to these controls. That is not proof of absence: on contracts "
    "from publishers it was never tuned on, the tool leaves a good share of the controls a contract does "
    "address missing (README, How far to trust it). Search the contract before asking the vendor; a missing "
    "finding names any clause that was considered and set aside."
)


def render_summary(assessment: Assessment) -> None:
    """Score, counts, chart and coverage for the reviewed assessment."""
    counts = status_counts(assessment.findings)
    engine = status_counts(assessment.findings, engine=True)
    reviewed = assessment.engine_score is not None
    cols = st.columns(5)
    explanation = (
        assessment.score_explanation
        or "Severity-weighted share of the playbook's controls: met counts fully, weak half."
    )
    cols[0].metric(
        "Contract score",
        f"{format_score(assessment.score)} / 100",
        delta=(
            f"the engine said {format_score(assessment.engine_score)}"
            if assessment.engine_score is not None
            else None
        ),
        delta_color="off",
        help=explanation,
    )
    for col, status in zip(cols[1:], [Status.MET, Status.WEAK, Status.CONFLICT, Status.MISSING], strict=True):
        said = f"the engine said {engine[status]}" if reviewed and engine[status] != counts[status] else None
        col.metric(
            f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}",
            counts[status],
            delta=said,
            delta_color="off",
            help=_MISSING_HELP if status == Status.MISSING else None,
        )
    left, right = st.columns([3, 2], gap="large")
    with left:
        if assessment.findings:
            st.altair_chart(_status_chart(assessment), width="stretch")
        else:  # an empty chart has no field types, and Altair refuses to build it
            st.caption("The playbook selects no control, so there is nothing to chart.")
    with right:
        _coverage(assessment)
