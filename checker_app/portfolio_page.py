"""Portfolio: every vendor of the register with its score, last review and status per control; filters
("vendors without a supply-chain compromise notice"); and each vendor's documents, newest findings,
history and contract diff.

Contract text reaches the page only through dataframes (plain text); names in Markdown are escaped.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from checker.errors import ClauseCheckError
from checker.register import Register, open_register
from checker.register.database import register_url
from checker.register.diff import diff_vendor
from checker.register.view_models import VendorSummary, status_counts
from checker.register.views import list_vendors, vendor_assessments, vendor_detail
from checker.report.wording import format_score
from checker_app.safe_text import escape_markdown

__all__ = ["open_chosen_register", "render", "vendors_matching"]

_ANY = "(any control)"


def open_chosen_register() -> Register | None:
    """The register named in the sidebar (default: ``$CLAUSECHECK_DB`` or the user's data directory)."""
    with st.sidebar:
        where = st.text_input(
            "Register",
            key="register_db",
            placeholder=register_url(),
            help="a SQLite file or a postgresql:// URL",
        )
    try:
        return open_register(where.strip() or None)
    except ClauseCheckError as exc:
        st.error(escape_markdown(str(exc)))
        return None


def vendors_matching(
    vendors: list[VendorSummary], control: str | None, statuses: list[str]
) -> list[VendorSummary]:
    """Vendors whose newest status for ``control`` is one of ``statuses`` (not assessed counts as missing)."""
    if not control or not statuses:
        return vendors
    return [v for v in vendors if v.statuses.get(control, "missing") in statuses]


def _score(score: float | None) -> int | None:
    """A score as every screen shows it (one rounding everywhere: :func:`format_score`)."""
    return None if score is None else int(format_score(score))


def _vendor_table(vendors: list[VendorSummary]) -> pd.DataFrame:
    rows = []
    for v in vendors:
        counts = status_counts(v.statuses.values())
        rows.append(
            {
                "Vendor": v.vendor,
                "Score": _score(v.score),
                "Playbook": v.playbook or "",
                "Last assessed": v.last_assessed.strftime("%Y-%m-%d %H:%M") if v.last_assessed else "",
                **{k.capitalize(): n for k, n in counts.items()},
                "SBOMs": v.sboms,
            }
        )
    return pd.DataFrame(rows)


def _vendor(register: Register, name: str) -> None:
    detail = vendor_detail(register, name)
    st.subheader(escape_markdown(detail.vendor))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "File": d.file_name,
                    "Kind": d.kind,
                    "Version": d.version,
                    "SHA-256": d.sha256,
                    "Effective": d.effective_date,
                }
                for d in detail.documents
            ]
        ),
        hide_index=True,
    )
    if detail.sboms:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "SBOM": s.file_name,
                        "Format": f"{s.format} {s.spec_version}",
                        "Subject": s.subject,
                        "Components": s.components,
                    }
                    for s in detail.sboms
                ]
            ),
            hide_index=True,
        )
    else:
        st.info("No SBOM on file: in an incident this vendor's exposure is unknown.")
    tab_findings, tab_history, tab_diff = st.tabs(["Newest findings", "History", "Diff"])
    with tab_findings:
        if detail.latest is None:
            st.info("No assessment recorded.")
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Control": f.control,
                            "Status": f.status,
                            "Engine": f.engine_status,
                            "Numbers": ", ".join(f"{k}={v:g}" for k, v in f.params.items()),
                            "Reasons": "; ".join(f.reasons),
                            "Where": "; ".join(
                                f"{e.document} p{e.page} §{e.section or '-'} [{e.start}:{e.end}]"
                                for e in f.evidence[:2]
                            ),
                            "Evidence": (f.evidence[0].text or "(text not stored)") if f.evidence else "",
                        }
                        for f in detail.latest.findings
                    ]
                ),
                hide_index=True,
                key="portfolio_findings",
            )
    with tab_history:
        _, assessments = vendor_assessments(register, name)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Assessment": a.id,
                        "When": a.created.strftime("%Y-%m-%d %H:%M"),
                        "Playbook": a.playbook,
                        "Score": _score(a.score),
                        "Documents": ", ".join(d.file_name for d in a.documents),
                        **a.counts(),
                    }
                    for a in assessments
                ]
            ),
            hide_index=True,
        )
        reviews = [r for a in assessments for f in a.findings for r in f.reviews]
        if reviews:
            st.dataframe(pd.DataFrame([r.model_dump() for r in reviews]), hide_index=True)
    with tab_diff:
        try:
            diff = diff_vendor(register, name)
        except ClauseCheckError as exc:
            st.info(escape_markdown(str(exc)))
            return
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Change": c.change,
                        "Control": c.control,
                        "What": c.reason,
                        "Before": (c.evidence_before[0].text or "") if c.evidence_before else "",
                        "After": (c.evidence_after[0].text or "") if c.evidence_after else "",
                    }
                    for c in diff.changes
                ]
            ),
            hide_index=True,
            key="portfolio_diff",
        )


def render() -> None:
    """The Portfolio page."""
    st.title("Portfolio")
    register = open_chosen_register()
    if register is None:
        return
    try:
        vendors = list_vendors(register)
        if not vendors:
            st.info(
                f"The register {escape_markdown(register.where)} holds no vendors yet: record assessments with"
                " `clausecheck check … --vendor NAME --register` or `clausecheck batch … --register`."
            )
            return
        controls = sorted({c for v in vendors for c in v.statuses})
        left, right = st.columns(2)
        control = left.selectbox("Filter by control", [_ANY, *controls], key="portfolio_control")
        statuses = right.multiselect(
            "with status",
            ["met", "weak", "conflict", "missing"],
            default=["missing", "conflict"],
            key="portfolio_status",
        )
        shown = vendors_matching(vendors, None if control == _ANY else control, statuses)
        st.caption(f"{len(shown)} of {len(vendors)} vendors")
        st.dataframe(_vendor_table(shown), hide_index=True, key="portfolio_vendors")
        name = st.selectbox("Vendor", [v.vendor for v in shown], key="portfolio_vendor")
        if name:
            _vendor(register, name)
    finally:
        register.close()
