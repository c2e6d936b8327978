"""Incident: a compromised package (a package URL and versions, or an uploaded OSV advisory) against
the register: affected vendors, vendors of unknown exposure, their duties with deadlines and evidence,
the gaps, and the report to download (JSON, XLSX, HTML)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from checker.errors import ClauseCheckError
from checker.register.advisory import AffectedPackage, from_purl, read_osv_bytes
from checker.register.incident import IncidentReport, VendorExposure, assess_incident, parse_when
from checker.register.incident_report import incident_html, incident_json, write_incident_xlsx
from checker_app.portfolio_page import open_chosen_register
from checker_app.safe_text import escape_markdown

__all__ = ["render"]


def _duties(entries: list[VendorExposure]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Vendor": e.vendor,
                "Ships": ", ".join(c.purl or c.name for c in e.components) or "no SBOM",
                "Control": d.control,
                "Status": d.status,
                "Window": d.window or "",
                "Deadline": d.deadline or "",
                "Where": f"{d.evidence[0].document} p{d.evidence[0].page} §{d.evidence[0].section or '-'}"
                if d.evidence
                else "",
                "Evidence": (d.evidence[0].text or "(text not stored)") if d.evidence else "",
            }
            for e in entries
            for d in e.duties
        ]
    )


def _gaps(entries: list[VendorExposure]) -> pd.DataFrame:
    return pd.DataFrame([{"Vendor": e.vendor, "Not in the contract": g} for e in entries for g in e.gaps])


def _xlsx(report: IncidentReport) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incident.xlsx"
        write_incident_xlsx(report, path)
        return path.read_bytes()


def _show(report: IncidentReport) -> None:
    st.subheader(f"Affected: {len(report.affected)}")
    if report.affected:
        st.dataframe(_duties(report.affected), hide_index=True, key="incident_affected")
    st.subheader(f"Unknown exposure (no SBOM): {len(report.unknown)}")
    if report.unknown:
        st.dataframe(_duties(report.unknown), hide_index=True, key="incident_unknown")
    gaps = _gaps([*report.affected, *report.unknown])
    if not gaps.empty:
        st.subheader("What the contracts do not give us")
        st.dataframe(gaps, hide_index=True, key="incident_gaps")
    st.caption("Not affected: " + escape_markdown(", ".join(e.vendor for e in report.not_affected) or "none"))
    for note in report.notes:
        st.caption(escape_markdown(note))
    a, b, c = st.columns(3)
    a.download_button(
        "JSON", incident_json(report), "incident.json", "application/json", key="incident_dl_json"
    )
    b.download_button("XLSX", io.BytesIO(_xlsx(report)), "incident.xlsx", key="incident_dl_xlsx")
    c.download_button("HTML", incident_html(report), "incident.html", "text/html", key="incident_dl_html")


def render() -> None:
    """The Incident page."""
    st.title("Incident")
    register = open_chosen_register()
    if register is None:
        return
    try:
        package = st.text_input("Package URL", value="pkg:pypi/litellm", key="incident_package")
        versions = st.text_input("Affected versions (comma-separated)", key="incident_versions")
        osv = st.file_uploader("or an OSV advisory (JSON)", type=["json"], key="incident_osv")
        at = st.text_input("Made known at (ISO 8601, UTC if no zone; empty: now)", key="incident_at")
        if not st.button("Who is exposed?", key="incident_run", type="primary"):
            return
        try:
            packages: list[AffectedPackage] = []
            if osv is not None:
                packages += read_osv_bytes(osv.getvalue(), osv.name)
            if versions.strip() or not packages:
                packages.append(from_purl(package, versions.split(",")))
            when = parse_when(at)
        except ValueError:
            st.error(escape_markdown(f"{at!r} is not an ISO-8601 time, e.g. 2026-03-24T10:39Z."))
            return
        except ClauseCheckError as exc:
            st.error(escape_markdown(str(exc)))
            return
        _show(assess_incident(register, packages, when))
    finally:
        register.close()
