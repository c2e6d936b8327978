"""Review: upload a vendor bundle, choose a playbook, and work through the findings.

Reading a bundle is the slow step, so its result is kept in the session under a digest of the files and
only redone when the files change; choosing another playbook only re-scores. Reviewer decisions are
kept per bundle, so they survive filtering, playbook changes and reruns.
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from checker.errors import ClauseCheckError
from checker.extract.ocr.settings import OCR_MODES, OcrSettings, is_language
from checker.library.loader import Library
from checker.library.schema import Playbook
from checker.models import Assessment, ReviewerOverride, Status
from checker.report.wording import effective_status
from checker.review import ReviewFileError, load_review, review_mismatches, review_of
from checker_app.bundle import (
    SAMPLE_BUNDLES,
    Bundle,
    FileOutcome,
    Upload,
    bundle_key,
    read_bundle,
    sample_uploads,
)
from checker_app.engine import get_checker
from checker_app.finding_detail import render_finding
from checker_app.findings_table import (
    TABLE_COLUMNS,
    family_label,
    filter_findings,
    finding_rows,
    frameworks_of,
    status_text,
)
from checker_app.playbooks import (
    load_uploaded_playbook,
    playbook_label,
    playbook_summary,
    shipped_playbook,
    shipped_playbooks,
)
from checker_app.register_record import record_reviewed
from checker_app.review_state import (
    EXPORTS,
    REVIEW_EXPORT,
    apply_overrides,
    available_exports,
    export_bytes,
    export_name,
    negotiation_pack,
)
from checker_app.safe_text import escape_markdown
from checker_app.style import inject_css
from checker_app.summary_view import render_summary

__all__ = ["current_review", "render"]

_STATE_BUNDLE = "review_bundle"
_STATE_ASSESSMENT = "review_assessment"
_STATE_OVERRIDES = "review_overrides"
_STATE_SAMPLE = "review_sample"
_STATE_PASSWORDS = "review_passwords"
_OCR_LABELS = {
    "auto": "Automatic: pages without text, and image files",
    "never": "Off: refuse scanned pages",
    "force": "Every PDF page (ignore the text layer)",
}
_STATE_LOADED = "review_loaded_digest"
# Tall rows: long control titles, reasons and quotes wrap onto three lines instead of being cut off.
_ROW_HEIGHT = 72
_STATE_PICKED = "review_table_picked"

_ACCEPTED_HELP = (
    "PDF, DOCX, TXT, Markdown, HTML, or scans (PNG, JPEG, TIFF; read with OCR); up to 50 MB each. Drop the MSA, DPA and security exhibit together:"
    " they are assessed as one bundle. Files stay on this machine."
)


def _uploads() -> list[Upload]:
    files = st.file_uploader(
        "Contract files (one vendor bundle)",
        accept_multiple_files=True,
        help=_ACCEPTED_HELP,
        key="review_upload",
    )
    if files:
        st.session_state.pop(_STATE_SAMPLE, None)
        return [Upload(f.name, f.getvalue()) for f in files]
    sample = st.session_state.get(_STATE_SAMPLE)
    return sample_uploads(sample) if sample in SAMPLE_BUNDLES else []


def _choose_playbook(library: Library) -> Playbook | None:
    names = shipped_playbooks(library)
    name = st.selectbox(
        "Playbook", names, format_func=lambda n: playbook_label(n, library), key="review_playbook"
    )
    st.caption(escape_markdown(playbook_summary(library.playbooks[name], library)))
    with st.expander("Use your own playbook (YAML)"):
        upload = st.file_uploader(
            "Playbook file",
            type=["yaml", "yml"],
            key="review_playbook_file",
            help="Overrides the choice above.",
        )
    if upload is None:
        return shipped_playbook(name, library)
    try:
        playbook = load_uploaded_playbook(upload.name, upload.getvalue(), library)
    except ClauseCheckError as exc:
        st.error(
            f"**The playbook cannot be used.** {escape_markdown(exc.message)} {escape_markdown(exc.hint)}"
        )
        return None
    st.success(
        f"Using your playbook **{escape_markdown(playbook.title)}** ({len(playbook.controls)} controls)."
    )
    return playbook


def _empty_state() -> None:
    st.info(
        "Upload a vendor's contract files above, or try the bundled sample contracts.",
        icon=":material/upload_file:",
    )
    col, button = st.columns([3, 1], vertical_alignment="bottom")
    label = col.selectbox("Sample contracts", list(SAMPLE_BUNDLES), key="review_sample_choice")
    if button.button("Load the sample contracts", type="primary", width="stretch"):
        st.session_state[_STATE_SAMPLE] = label
        st.rerun()


def _read_with_progress(
    uploads: list[Upload], passwords: dict[str, str], vendor: str, ocr: OcrSettings
) -> Bundle:
    checker = get_checker()
    total = len(uploads)
    with st.status(f"Reading {total} file{'s' if total != 1 else ''}…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def on_file(i: int, up: Upload) -> None:
            bar.progress(i / total, text=f"Reading {up.name} ({i + 1} of {total})")

        def on_done(i: int, outcome: FileOutcome) -> None:
            bar.progress((i + 1) / total, text=f"Read {i + 1} of {total}")
            mark = ":material/check_circle:" if outcome.read else ":material/error:"
            st.markdown(f"{mark} {escape_markdown(outcome.name)}")

        bundle = read_bundle(checker, uploads, on_file, on_done, passwords, vendor, ocr)
        failed = len(bundle.errors)
        label = f"Read {total - failed} of {total} files" + (
            f"; {failed} could not be read" if failed else ""
        )
        status.update(label=label, state="error" if failed == total else "complete", expanded=False)
    return bundle


def _passwords(uploads: list[Upload]) -> dict[str, str]:
    """Passwords the reviewer typed for encrypted files of this upload.

    Kept apart from the password widgets, which disappear once their file opens (and Streamlit then
    forgets their value); held in this session's memory only.
    """
    given: dict[str, str] = st.session_state.get(_STATE_PASSWORDS, {})
    return {up.name: given[up.name] for up in uploads if given.get(up.name)}


def _remember_password(name: str) -> None:
    st.session_state.setdefault(_STATE_PASSWORDS, {})[name] = st.session_state[f"review_password_{name}"]


def _ocr_choice() -> OcrSettings:
    """The reviewer's OCR choices (sidebar): whether scanned pages are read, and in which language."""
    mode = st.selectbox(
        "OCR for scanned pages",
        OCR_MODES,
        format_func=_OCR_LABELS.__getitem__,
        key="review_ocr_mode",
        help="Scanned PDF pages and PNG, JPEG or TIFF files are read with Tesseract on this machine.",
    )
    lang = st.text_input(
        "OCR language",
        value=OcrSettings().lang,
        key="review_ocr_lang",
        help="Tesseract language code(s), e.g. eng or eng+deu; installed with tesseract-ocr-LANG.",
    )
    lang = lang.strip() or OcrSettings().lang
    if not is_language(lang):
        st.error(
            f"**{escape_markdown(lang)}** is not a Tesseract language code (like eng or deu+eng); using eng."
        )
        lang = OcrSettings().lang
    return OcrSettings(mode=mode, lang=lang)


def _bundle(uploads: list[Upload], vendor: str, ocr: OcrSettings) -> Bundle:
    passwords = _passwords(uploads)
    key = bundle_key(uploads, passwords, vendor.strip(), ocr)
    cached: Bundle | None = st.session_state.get(_STATE_BUNDLE)
    if cached is None or cached.key != key:
        cached = _read_with_progress(uploads, passwords, vendor, ocr)
        st.session_state[_STATE_BUNDLE] = cached
    return cached


def _show_files(bundle: Bundle) -> None:
    for outcome in bundle.outcomes:
        name = escape_markdown(outcome.name)
        if outcome.error is not None:
            err = outcome.error
            st.error(
                f"**{name}** could not be assessed: {escape_markdown(err.message)} {escape_markdown(err.hint)}",
                icon=":material/error:",
            )
            if err.code == "encrypted":
                st.text_input(
                    f"Password for {outcome.name}",
                    type="password",
                    key=f"review_password_{outcome.name}",
                    on_change=_remember_password,
                    args=(outcome.name,),
                    help="Used to open the file in memory; kept only for this browser session.",
                )
            continue
        assert outcome.read is not None
        doc = outcome.read.document
        pages = f"{doc.pages} page{'s' if doc.pages != 1 else ''}, " if doc.format.value == "pdf" else ""
        st.caption(
            f":material/check_circle: **{name}** — {doc.format.value.upper()}, {pages}{len(outcome.read.clauses)} clauses"
        )
        sides = [
            f"{p.role}: **{escape_markdown(' / '.join(p.names))}** (p{p.page}, {escape_markdown(p.basis)})"
            for p in outcome.parties
        ]
        if sides:
            st.caption(":material/handshake: Parties — " + "; ".join(sides))
        for warning in outcome.warnings:
            st.warning(f"**{name}**: {escape_markdown(warning)}", icon=":material/warning:")


def _assessment(bundle: Bundle, playbook: Playbook) -> Assessment:
    key = (bundle.key, playbook.model_dump_json())
    cached = st.session_state.get(_STATE_ASSESSMENT)
    if cached is None or cached[0] != key:
        cached = (key, get_checker().assess(bundle.documents, playbook, errors=bundle.errors))
        st.session_state[_STATE_ASSESSMENT] = cached
    return cached[1]


def _overrides(bundle: Bundle) -> dict[str, ReviewerOverride]:
    by_bundle: dict[str, dict[str, ReviewerOverride]] = st.session_state.setdefault(_STATE_OVERRIDES, {})
    return by_bundle.setdefault(bundle.key, {})


def current_review() -> tuple[Assessment, Bundle] | None:
    """The reviewed assessment and its bundle as last shown (for exports and tests), if any."""
    cached = st.session_state.get(_STATE_ASSESSMENT)
    bundle: Bundle | None = st.session_state.get(_STATE_BUNDLE)
    if cached is None or bundle is None:
        return None
    return apply_overrides(cached[1], _overrides(bundle)), bundle


def _load_review(assessment: Assessment, overrides: dict[str, ReviewerOverride]) -> None:
    """Replace this bundle's decisions with a saved review's, once per uploaded file."""
    upload = st.session_state.get("review_load")
    if upload is None:
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        review = load_review(data, upload.name)
    except ReviewFileError as exc:
        st.error(
            f"**{escape_markdown(upload.name)}** cannot be loaded: {escape_markdown(exc.message)}"
            f" {escape_markdown(exc.hint)}",
            icon=":material/error:",
        )
        return
    known = {f.control for f in assessment.findings}
    if st.session_state.get(_STATE_LOADED) != digest:
        overrides.clear()
        overrides.update({c: d for c, d in review.decisions.items() if c in known})
        st.session_state[_STATE_LOADED] = digest
    applied = sum(1 for c in review.decisions if c in known)
    st.success(
        f"Loaded {applied} decision{'s' if applied != 1 else ''} from **{escape_markdown(upload.name)}**.",
        icon=":material/rate_review:",
    )
    for note in review_mismatches(review, assessment):
        st.warning(f"Note: {escape_markdown(note)}.", icon=":material/warning:")


def _save_review(reviewed: Assessment) -> None:
    with st.expander("Save or load the review", icon=":material/rate_review:"):
        st.caption(
            "Your decisions as a small JSON file, to resume later, share with a colleague, or reproduce on"
            " the command line: `clausecheck check FILES --playbook NAME --review REVIEW.json`."
        )
        left, right = st.columns(2, vertical_alignment="bottom")
        left.download_button(
            "Save review (.json)",
            data=review_of(reviewed).to_json(),
            file_name=export_name(reviewed, REVIEW_EXPORT),
            mime="application/json",
            key="review_save",
            icon=":material/save:",
            width="stretch",
        )
        right.file_uploader("Load a saved review", type=["json"], key="review_load")


def _negotiation_download(reviewed: Assessment, bundle: Bundle, reviewer: str) -> None:
    has_docx = any(d.document.format.value == "docx" for d in bundle.documents)
    st.download_button(
        "Negotiation pack (.zip)",
        data=partial(negotiation_pack, reviewed, bundle, reviewer),
        file_name=export_name(reviewed, EXPORTS[0]).rsplit(".", 1)[0] + "-negotiation-pack.zip",
        mime="application/zip",
        key="review_download_pack",
        icon=":material/handshake:",
        type="primary",
        help=("The vendor's DOCX with tracked changes and a comment on each, " if has_docx else "")
        + "a security addendum, a negotiation memo (DOCX, HTML, Markdown) and your review file, as one ZIP."
        + ("" if has_docx else " (A redline needs the vendor's DOCX; for PDF and text use the addendum.)"),
    )


def _downloads(reviewed: Assessment, bundle: Bundle) -> None:
    exports = available_exports(bundle)
    cols = st.columns(len(exports))
    for col, export in zip(cols, exports, strict=True):
        # Deferred: a report is built only when its button is clicked, not on every rerun of the page.
        col.download_button(
            export.label,
            data=partial(export_bytes, export.fmt, reviewed, bundle),
            file_name=export_name(reviewed, export),
            mime=export.mime,
            key=f"review_download_{export.fmt}",
            icon=":material/download:",
            width="stretch",
        )


def _filters(reviewed: Assessment, library: Library) -> dict[str, Any]:
    families = sorted({f.family for f in reviewed.findings})
    frameworks = sorted({fw for f in reviewed.findings for fw in frameworks_of(f.control, library)})
    a, b, c = st.columns(3)
    return {
        "statuses": a.multiselect(
            "Status", list(Status), format_func=status_text, key="review_filter_status", placeholder="All"
        ),
        "families": b.multiselect(
            "Family", families, format_func=family_label, key="review_filter_family", placeholder="All"
        ),
        "frameworks": c.multiselect(
            "Framework", frameworks, key="review_filter_framework", placeholder="All"
        ),
    }


def _findings_table(reviewed: Assessment, library: Library) -> list[str]:
    st.subheader("Findings")
    chosen = filter_findings(reviewed.findings, library, **_filters(reviewed, library))
    rows = finding_rows(chosen, library)
    st.caption(
        f"{len(rows)} of {len(reviewed.findings)} controls shown, most urgent first. Click a row to open"
        " the finding below."
    )
    event = st.dataframe(
        pd.DataFrame(rows, columns=TABLE_COLUMNS),
        hide_index=True,
        width="stretch",
        column_config={
            "Status": st.column_config.TextColumn(pinned=True),
            "Control": st.column_config.TextColumn(width="medium", pinned=True),
            # Reason and evidence both fit a laptop screen beside the pinned status and control.
            "Reason": st.column_config.TextColumn(width="medium"),
            "Evidence": st.column_config.TextColumn(width="large"),
            "Frameworks": None,
            "Engine status": None,
            "ID": None,
        },
        row_height=_ROW_HEIGHT,
        height=min(len(rows), 12) * _ROW_HEIGHT + 40,
        key="review_table",
        on_select="rerun",
        # A click anywhere in a row opens its finding: on its checkbox (a row) or on any of its cells.
        selection_mode=["single-row", "single-cell"],
    )
    selection = event.selection if event is not None else None
    picked = [*selection.rows, *(row for row, _ in selection.cells)] if selection is not None else []
    if picked and picked[0] < len(rows):
        control = rows[picked[0]]["ID"]
        # Only a new click moves the picker; the selection stays set on later reruns.
        if st.session_state.get(_STATE_PICKED) != control:
            st.session_state[_STATE_PICKED] = control
            st.session_state["review_control"] = control
    return [row["ID"] for row in rows]


def render() -> None:
    """The Review page."""
    inject_css()
    checker = get_checker()
    library = checker.library
    st.title("Review a vendor contract")
    st.caption(
        "For every control of the playbook: does the contract bind the vendor? Met, weak, conflict or missing,"
        " with the clause that decided it. Everything runs on this machine; nothing is sent anywhere."
    )
    with st.sidebar:
        reviewer = st.text_input("Reviewer name", key="review_reviewer", help="Recorded with your decisions.")
        ocr = _ocr_choice()
    up_col, pb_col = st.columns([3, 2], gap="large")
    with up_col:
        uploads = _uploads()
    with pb_col:
        playbook = _choose_playbook(library)
        vendor = st.text_input(
            "Vendor party",
            key="review_vendor_party",
            placeholder="e.g. Acme or Provider",
            help="The vendor as the contract names it. Leave empty to let the parties block and the"
            " definitions decide; an unknown or contradictory role is shown as a warning.",
        )
    if not uploads:
        _empty_state()
        return
    if st.session_state.get(_STATE_SAMPLE):
        st.caption(f"Showing the sample bundle: {escape_markdown(st.session_state[_STATE_SAMPLE])}.")
    bundle = _bundle(uploads, vendor, ocr)
    _show_files(bundle)
    if not bundle.documents or playbook is None:
        if not bundle.documents:
            st.warning(
                "None of the files could be read, so there is nothing to assess.", icon=":material/warning:"
            )
        return
    overrides = _overrides(bundle)
    engine_view = _assessment(bundle, playbook)
    _load_review(engine_view, overrides)
    reviewed = apply_overrides(engine_view, overrides, playbook, library)
    st.divider()
    head, _ = st.columns([3, 1])
    head.subheader(f"Against the {escape_markdown(playbook.title)} playbook")
    render_summary(reviewed)
    _negotiation_download(reviewed, bundle, reviewer)
    _downloads(reviewed, bundle)
    _save_review(reviewed)
    record_reviewed(reviewed)
    st.divider()
    shown_ids = _findings_table(reviewed, library)
    by_id = {f.control: f for f in reviewed.findings}
    options = shown_ids or [f.control for f in reviewed.findings]
    control = st.selectbox(
        "Finding to inspect",
        options,
        format_func=lambda cid: (
            f"{status_text(effective_status(by_id[cid]))} — {by_id[cid].catalogue} {by_id[cid].title}"
        ),
        key="review_control",
    )
    st.divider()
    render_finding(by_id[control], bundle, library, overrides, reviewer)
