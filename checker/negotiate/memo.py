"""The negotiation memo: the open points grouped by severity, for the lawyer who negotiates.

Each point says what to ask for, why, the evidence (or that the contract is silent) and where it is, the
fallback clause, and the reviewer's decision when there is one. One outline, three renderings: DOCX
(:func:`memo_docx`), self-contained HTML (:func:`memo_html`, escaped, no scripts, no external
references) and Markdown (:func:`memo_markdown`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from typing import Final

import docx

from checker.models import Assessment
from checker.negotiate.points import NegotiationPoint, negotiation_points
from checker.report.cells import clean_text
from checker.report.wording import assessment_label, format_score

__all__ = ["MEMO_FORMATS", "memo_bytes", "memo_docx", "memo_html", "memo_markdown"]

MEMO_FORMATS: Final = ("docx", "html", "md")
_SEVERITIES: Final = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class _Outline:
    title: str
    facts: list[str]
    groups: list[tuple[str, list[NegotiationPoint]]]


def _outline(a: Assessment) -> _Outline:
    points = negotiation_points(a)
    score = f"{format_score(a.score)} / 100" + (
        f" after review (the engine said {format_score(a.engine_score)})"
        if a.engine_score is not None
        else ""
    )
    reviewers = sorted({f.override.reviewer for f in a.findings if f.override and f.override.reviewer})
    facts = [
        f"Contract: {assessment_label(a)}",
        f"Parties: {a.parties.customer} (us) and {a.parties.vendor} (the vendor)",
        f"Playbook: {a.playbook}; score {score}",
        f"Open points: {len(points)} of {len(a.findings)} controls",
    ]
    if reviewers:
        facts.append("Reviewed by: " + ", ".join(reviewers))
    groups = []
    for severity in _SEVERITIES:
        mine = [p for p in points if p.finding.severity == severity]
        if mine:
            groups.append((severity.capitalize(), mine))
    others = [p for p in points if p.finding.severity not in _SEVERITIES]
    if others:
        groups.append(("Other", others))
    return _Outline(f"Negotiation memo: {assessment_label(a)}", facts, groups)


def _titled(p: NegotiationPoint) -> str:
    return f"{p.finding.catalogue} {p.finding.title}".strip()


def _fields(p: NegotiationPoint) -> list[tuple[str, str]]:
    rows = [("Status", p.status_text), ("Ask", p.ask), ("Why", p.reason)]
    rows.append(("Evidence", f"\u201c{p.evidence}\u201d ({p.where})" if p.where else p.evidence))
    rows += [("Definition", d) for d in p.definitions]
    rows.append(("Fallback", p.fallback or "(no model clause in the library)"))
    if p.review:
        rows.append(("Reviewer", p.review))
    return rows


def memo_markdown(a: Assessment) -> str:
    """The memo as Markdown (contract text is quoted as is: a Markdown file is not rendered by us)."""
    o = _outline(a)
    out = [f"# {o.title}", "", *(f"- {fact}" for fact in o.facts), ""]
    if not o.groups:
        out += ["Every control of the playbook is met: nothing to negotiate.", ""]
    for name, points in o.groups:
        out += [f"## {name} ({len(points)})", ""]
        for p in points:
            out += [f"### {p.number}. {_titled(p)}", ""]
            out += [f"- **{k}:** {' '.join(v.split())}" for k, v in _fields(p)]
            out.append("")
    return "\n".join(out)


_CSS = (
    "body{font:15px/1.5 Georgia,serif;max-width:50rem;margin:2rem auto;color:#1b1f24}"
    "h1,h2,h3{font-family:Helvetica,Arial,sans-serif}dt{font-weight:bold;margin-top:.4rem}dd{margin-left:1rem}"
)


def memo_html(a: Assessment) -> str:
    """The memo as one self-contained HTML page; every value is escaped."""
    o = _outline(a)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(o.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(o.title)}</h1><ul>",
        *(f"<li>{escape(fact)}</li>" for fact in o.facts),
        "</ul>",
    ]
    if not o.groups:
        parts.append("<p>Every control of the playbook is met: nothing to negotiate.</p>")
    for name, points in o.groups:
        parts.append(f"<h2>{escape(name)} ({len(points)})</h2>")
        for p in points:
            parts.append(f"<h3>{p.number}. {escape(_titled(p))}</h3><dl>")
            parts += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in _fields(p)]
            parts.append("</dl>")
    parts.append("</body></html>\n")
    return "".join(parts)


def memo_docx(a: Assessment) -> bytes:
    """The memo as a DOCX."""
    o = _outline(a)
    doc = docx.Document()
    doc.core_properties.title = o.title
    doc.core_properties.author = "clausecheck"
    doc.add_heading(clean_text(o.title, limit=2000), level=0)
    for fact in o.facts:
        doc.add_paragraph(clean_text(fact, limit=2000), style="List Bullet")
    if not o.groups:
        doc.add_paragraph("Every control of the playbook is met: nothing to negotiate.")
    for name, points in o.groups:
        doc.add_heading(f"{name} ({len(points)})", level=1)
        for p in points:
            doc.add_heading(clean_text(f"{p.number}. {_titled(p)}", limit=2000), level=2)
            for k, v in _fields(p):
                para = doc.add_paragraph()
                para.add_run(f"{k}: ").bold = True
                para.add_run(clean_text(v, limit=100_000))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def memo_bytes(a: Assessment, fmt: str) -> bytes:
    """The memo in ``fmt`` (docx, html or md)."""
    if fmt == "docx":
        return memo_docx(a)
    if fmt == "html":
        return memo_html(a).encode("utf-8")
    if fmt == "md":
        return memo_markdown(a).encode("utf-8")
    raise ValueError(f"unknown memo format {fmt!r}")
