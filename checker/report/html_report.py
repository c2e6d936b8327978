"""The printable HTML report: one self-contained page a lawyer can read, file, or print to PDF.

Self-contained means inline CSS, system fonts, no images, no scripts and no external references; a
Content-Security-Policy forbids anything else should a browser ever be tricked into trying. Every piece of
text that comes from a contract, a playbook or a reviewer goes through :func:`html.escape`. Status is
always a word in a chip, never colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from checker.models import Assessment, Definition, Evidence, Finding, Status
from checker.report.html_style import REPORT_CSS
from checker.report.wording import (
    STATUS_LABELS,
    assessment_label,
    bundle_documents,
    defined_terms_label,
    effective_status,
    engine_said,
    evidence_location,
    format_score,
    gap_reason,
    open_gaps,
    override_text,
    params_words,
    reason_label,
    status_counts,
    status_reason,
    threshold_words,
)

__all__ = ["render_html", "render_html_many"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"
_STATUS_MARKS = {Status.MET: "✓", Status.WEAK: "!", Status.CONFLICT: "✗", Status.MISSING: "∅"}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _titled(f: Finding) -> str:
    """The control as a reader names it: its catalogue code and title ("IN-01 Security incident ...")."""
    return f"{f.catalogue} {f.title}".strip()


def _chip(status: Status) -> str:
    return f'<span class="chip chip-{status.value}">{_STATUS_MARKS[status]} {STATUS_LABELS[status]}</span>'


def _status_cell(finding: Finding) -> str:
    shown = effective_status(finding)
    chip = _chip(shown)
    if shown != finding.status:
        chip += f' <span class="meta">({_e(engine_said(finding))})</span>'
    return chip


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: frozenset[int] = frozenset()
) -> str:
    """A table of already-escaped cells; columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(a: Assessment) -> str:
    counts = status_counts(a.findings)
    overridden = sum(1 for f in a.findings if f.override is not None)
    doc_rows = [
        [
            _e(d.name or d.path),
            _e(d.format),
            _e(d.pages),
            f"<code>{_e(d.sha256[:16])}…</code>",
            "yes (accepted view)" if d.has_tracked_changes else "no",
        ]
        for d in bundle_documents(a)
    ]
    parts = [
        '<section class="summary">',
        "<h2>Summary</h2>",
        f'<p class="score">{_e(format_score(a.score))}<span class="meta"> / 100</span></p>',
        (
            f'<p class="meta">After review. The engine said {_e(format_score(a.engine_score))} / 100: '
            + _e(", ".join(f"{n} {s.value}" for s, n in status_counts(a.findings, engine=True).items()))
            + ".</p>"
        )
        if a.engine_score is not None
        else "",
        f'<p class="meta">{_e(a.score_explanation)}</p>' if a.score_explanation else "",
        _table(
            ["Status", "Controls"],
            ([_chip(s), _e(counts[s])] for s in Status),
            numeric=frozenset({1}),
        ),
        f'<p class="meta">{overridden} finding(s) reviewed by a person.</p>' if overridden else "",
        "<h3>Documents</h3>",
        _table(["Document", "Format", "Pages", "SHA-256", "Tracked changes"], doc_rows),
    ]
    party_rows = [
        [_e(d.name or d.path), _e(p.role), _e(" / ".join(p.names)), _e(p.basis), _e(p.page), _e(p.text)]
        for d in bundle_documents(a)
        for p in d.parties
    ]
    if party_rows:
        parts.append("<h3>Parties</h3>")
        parts.append(_table(["Document", "Role", "Called", "Why", "Page", "Defined in"], party_rows))
    notes = [f"<li>{_e(d.name or d.path)}: {_e(w)}</li>" for d in bundle_documents(a) for w in d.warnings]
    if notes:
        parts.append('<h3>Notes</h3><ul class="notes">' + "".join(notes) + "</ul>")
    if a.errors:
        rows = ([_e(err.path), _e(err.code), _e(err.message), _e(err.hint)] for err in a.errors)
        parts.append("<h3>Inputs that could not be read</h3>")
        parts.append(_table(["File", "Code", "Problem", "What to do"], rows))
    parts.append("</section>")
    return "".join(parts)


def _coverage(a: Assessment) -> str:
    if not a.coverage:
        return ""
    rows = (
        [_e(c.framework), _e(c.provision), _e(f"{c.met} of {c.required}"), _e(", ".join(c.controls))]
        for c in a.coverage
    )
    return (
        '<section class="coverage"><h2>Framework coverage</h2>'
        + _table(["Framework", "Provision", "Met", "Controls"], rows)
        + "</section>"
    )


def _gaps(a: Assessment, anchor: str) -> str:
    gaps = open_gaps(a.findings)
    if not gaps:
        return '<section class="gaps"><h2>Gaps</h2><p class="empty">None: every control is met.</p></section>'
    rows = (
        [
            f'<a href="#{anchor}{_e(f.control)}">{_e(_titled(f))}</a>',
            f'<span class="severity">{_e(f.severity)}</span>',
            _status_cell(f),
            _e(gap_reason(f)),
            _e(override_text(f)),
        ]
        for f in gaps
    )
    return (
        '<section class="gaps page"><h2>Gaps</h2>'
        + _table(["Control", "Severity", "Status", "Why", "Reviewer"], rows)
        + "</section>"
    )


def _quote(ev: Evidence) -> str:
    return f'<blockquote>{_e(ev.text)}<span class="cite">— {_e(evidence_location(ev))}</span></blockquote>'


def _definition(d: Definition) -> str:
    return (
        f'<blockquote class="definition"><b>{_e(defined_terms_label(d))}</b>: {_e(d.text)}'
        f'<span class="cite">— {_e(evidence_location(d))}</span></blockquote>'
    )


def _finding(f: Finding, anchor: str) -> str:
    items: list[tuple[str, str]] = []
    params, thresholds = params_words(f.params), threshold_words(f.thresholds)
    if params or thresholds:
        items.append(("Found in the contract", _e(params or "no number")))
        items.append(("Playbook threshold", _e(thresholds or "none")))
    if f.reasons and effective_status(f) is not Status.MET:
        reasons = "".join(f"<li>{_e(reason_label(r))}</li>" for r in f.reasons)
        items.append(("Why", f"<ul>{reasons}</ul>"))
    else:  # met says why too: the clause, who it binds, how firmly, the number
        items.append(("Why", _e(status_reason(f))))
    if f.evidence:
        items.append(("Evidence", "".join(_quote(ev) for ev in f.evidence)))
    if f.definitions:
        items.append(("Defined terms", "".join(_definition(d) for d in f.definitions)))
    elif f.status is Status.MISSING:
        items.append(("Evidence", '<span class="empty">No clause binds the vendor to this control.</span>'))
    if f.fallback and f.status is not Status.MET:
        items.append(("Proposed language", f'<blockquote class="fallback">{_e(f.fallback)}</blockquote>'))
    if f.override is not None:
        items.append(("Reviewer", f'<div class="override">{_e(override_text(f))}</div>'))
    if f.references:
        items.append(("References", _e("; ".join(f.references))))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items)
    status = effective_status(f).value
    return (
        f'<article class="finding status-{status}" id="{anchor}{_e(f.control)}">'
        f"<h3>{_e(_titled(f))}</h3>"
        f'<p>{_status_cell(f)} <span class="severity">severity: {_e(f.severity)}</span>'
        f' <span class="meta">· {_e(f.family)}</span></p>'
        f"<dl>{dl}</dl></article>"
    )


def _provenance(a: Assessment) -> str:
    p = a.provenance
    rows = [
        ["Playbook", f"{_e(p.playbook)} <code>{_e(p.playbook_hash)}</code>"],
        ["Clause library", f"{_e(p.library_version)} <code>{_e(p.library_hash)}</code>"],
        ["clausecheck", _e(p.tool_version)],
        ["Created", _e(p.created)],
        ["Report schema", _e(a.schema_version)],
    ]
    rows += [
        [f"Document {_e(d.name or d.path)}", f"SHA-256 <code>{_e(d.sha256)}</code>"]
        for d in bundle_documents(a)
    ]
    return '<section class="provenance"><h2>Provenance</h2>' + _table(["", ""], rows) + "</section>"


def _assessment_body(a: Assessment, anchor: str = "control-") -> str:
    """One assessment's sections; ``anchor`` prefixes the ids of its controls (unique per page)."""
    label = assessment_label(a)
    return (
        '<main class="assessment">'
        f"<header><h1>Security clause review: {_e(label)}</h1>"
        f'<p class="meta">Playbook {_e(a.playbook)} · {_e(a.provenance.created)} · clausecheck '
        f"{_e(a.provenance.tool_version)}</p></header>"
        + _summary(a)
        + _coverage(a)
        + _gaps(a, anchor)
        + '<section class="controls page"><h2>Controls</h2>'
        + "".join(_finding(f, anchor) for f in a.findings)
        + "</section>"
        + _provenance(a)
        + "</main>"
    )


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title)}</title><style>{REPORT_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def render_html(assessment: Assessment) -> str:
    """One assessment as a self-contained, printable HTML page."""
    return _page(f"clausecheck: {assessment_label(assessment)}", _assessment_body(assessment))


def render_html_many(assessments: Sequence[Assessment]) -> str:
    """Several assessments in one page, each starting on a new printed page."""
    title = "clausecheck: " + (
        assessment_label(assessments[0]) if len(assessments) == 1 else f"{len(assessments)} contracts"
    )
    bodies = (_assessment_body(a, f"a{i}-control-") for i, a in enumerate(assessments, start=1))
    return _page(title, "".join(bodies))
