"""Library: browse the controls, the playbooks and the framework provisions they map to.

Everything shown here is the clause library's own YAML (reviewed data, not contract text); it is still
shown through plain-text elements or escaped Markdown so that a stray character cannot change the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import pandas as pd
import streamlit as st

from checker.library.loader import Library, expand_playbook
from checker.library.schema import Control, Playbook
from checker.score import threshold_for
from checker_app.engine import get_checker
from checker_app.findings_table import family_label
from checker_app.playbooks import playbook_label, shipped_playbooks
from checker_app.safe_text import escape_markdown

__all__ = ["matching_controls", "render"]


def matching_controls(library: Library, families: Collection[str], query: str) -> list[Control]:
    """Controls in the chosen families (all if none) whose id, title, description or references contain
    every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    found = []
    for control in library.controls.values():
        if families and control.family not in families:
            continue
        haystack = " ".join(
            [control.id, control.title, control.catalogue, control.description, control.rationale]
            + [f"{r.framework} {r.section} {r.requirement}" for r in control.references]
        ).lower()
        if all(w in haystack for w in words):
            found.append(control)
    return sorted(found, key=lambda c: (c.family, c.catalogue or c.id))


def _parameters(control: Control) -> None:
    if not control.parameters:
        return
    st.markdown("**Parameters and thresholds**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Parameter": p.report_key,
                    "Unit": p.unit.value.replace("_", " "),
                    "Better is": "lower (at most)" if p.direction == "max" else "higher (at least)",
                    "Strict": p.strict,
                    "Acceptable": p.acceptable,
                    "Basis": p.basis + (f": {p.basis_note}" if p.basis_note else ""),
                    "Number required": "yes" if p.required else "no",
                }
                for p in control.parameters
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _examples(control: Control) -> None:
    ex = control.examples
    groups = [("Met", ex.met), ("Weak", ex.weak), ("Conflict", ex.conflict), ("Not evidence", ex.negative)]
    rows = [{"Reads as": label, "Example": e.text} for label, items in groups for e in items]
    st.markdown("**Examples** (the library's tests: each must be read this way)")
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"Example": st.column_config.TextColumn(width="large")},
    )


def _control(control: Control) -> None:
    code = f"{control.catalogue} · " if control.catalogue else ""
    title = f"{code}{control.title} — {control.severity.value}"
    with st.expander(title):
        st.caption(f"`{control.id}` · {family_label(control.family)} · {control.status.value}")
        st.markdown(escape_markdown(control.description))
        st.markdown(f"**Why it matters.** {escape_markdown(control.rationale)}")
        st.markdown("**References**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Framework": r.framework,
                        "Provision": r.section,
                        "Requires": r.requirement,
                        "Sets": r.parameter or "",
                        "Certainty": r.certainty.value,
                    }
                    for r in control.references
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={"Requires": st.column_config.TextColumn(width="large")},
        )
        _parameters(control)
        if control.weak_reasons:
            st.caption(
                "Weak when: " + escape_markdown(", ".join(r.replace("_", " ") for r in control.weak_reasons))
            )
        _examples(control)
        st.markdown("**Fallback language** (strict, then acceptable)")
        st.code(control.fallback.strict, language=None, wrap_lines=True)
        st.code(control.fallback.acceptable, language=None, wrap_lines=True)


def _controls_tab(library: Library) -> None:
    families = sorted({c.family for c in library.controls.values()})
    left, right = st.columns([1, 2])
    chosen = left.multiselect(
        "Family", families, format_func=family_label, key="library_family", placeholder="All families"
    )
    query = right.text_input(
        "Search controls", key="library_search", placeholder="e.g. 72 hours, DORA, audit"
    )
    controls = matching_controls(library, chosen, query)
    st.caption(f"{len(controls)} of {len(library.controls)} controls")
    for control in controls:
        _control(control)


def _playbook_rows(playbook: Playbook, library: Library) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for entry in playbook.controls:
        control = library.controls[entry.id]
        limits = []
        for param in control.parameters:
            value = threshold_for(param, playbook, entry)
            if value is not None:
                sign = "≤" if param.direction == "max" else "≥"
                limits.append(f"{param.key} {sign} {value:g} {param.unit.value.replace('_', ' ')}")
        rows.append(
            {
                "Control": control.title,
                "ID": control.id,
                "Family": family_label(control.family),
                "Severity": (entry.severity or control.severity).value,
                "Thresholds": "; ".join(limits),
                "Required": "yes" if entry.required else "optional",
            }
        )
    return rows


def _playbooks_tab(library: Library) -> None:
    name = st.selectbox(
        "Playbook",
        shipped_playbooks(library),
        format_func=lambda n: playbook_label(n, library),
        key="library_pb",
    )
    playbook = library.playbooks[name]
    expanded = expand_playbook(playbook, library)
    st.markdown(escape_markdown(playbook.description))
    frameworks = ", ".join(playbook.frameworks) or "none named"
    st.caption(
        f"Thresholds: **{playbook.level}** library values where the playbook sets none · frameworks: "
        f"{escape_markdown(frameworks)} · {len(expanded.controls)} controls"
    )
    st.dataframe(pd.DataFrame(_playbook_rows(expanded, library)), hide_index=True, width="stretch")


def _frameworks_tab(library: Library) -> None:
    by_provision: dict[tuple[str, str], list[str]] = defaultdict(list)
    for control in library.controls.values():
        for ref in control.references:
            by_provision[(ref.framework, ref.section)].append(control.title)
    frameworks = sorted({fw for fw, _ in by_provision})
    chosen = st.multiselect("Framework", frameworks, key="library_framework", placeholder="All frameworks")
    rows = [
        {"Framework": fw, "Provision": sec, "Controls": ", ".join(sorted(titles))}
        for (fw, sec), titles in sorted(by_provision.items())
        if not chosen or fw in chosen
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render() -> None:
    """The Library page."""
    library = get_checker().library
    st.title("Clause library")
    st.caption(
        f"Version {library.version} · {len(library.controls)} controls · {len(library.playbooks)} playbooks ·"
        f" content hash `{library.content_hash}`"
    )
    controls, playbooks, frameworks = st.tabs(["Controls", "Playbooks", "Frameworks"])
    with controls:
        _controls_tab(library)
    with playbooks:
        _playbooks_tab(library)
    with frameworks:
        _frameworks_tab(library)
