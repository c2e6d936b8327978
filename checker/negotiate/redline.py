"""The redline: the vendor's own DOCX with our changes as real Word tracked changes, each with a comment.

For every open point whose clause is found in the file, one revision by ``author`` at one time:

- a number over the playbook's threshold is replaced in place ("seventy-two (72) hours" becomes a
  ``w:del`` of those words and a ``w:ins`` of "twenty-four (24) hours"), when it sits in one run;
- otherwise the fallback clause is inserted as a new paragraph right after the weak clause.

Points with no clause in this file (missing controls, or evidence from another file of the bundle) go
into a new, inserted section at the end, "Additional Security Obligations", one numbered clause each.
Every revision carries a Word comment: the reviewer's decision if any, why, and what the playbook asks.
No other paragraph is touched: the XML of every paragraph we do not change is left as it was.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from checker.models import Assessment, DocumentInfo
from checker.negotiate.drafting import number_words
from checker.negotiate.points import NegotiationPoint, negotiation_points
from checker.report.cells import clean_text
from checker.report.docx_locate import ParagraphIndex, iter_paragraphs
from checker.report.docx_report import INITIALS
from checker.report.wording import evidence_location, params_words, threshold_words

__all__ = ["SECTION_HEADING", "RedlineResult", "write_redline"]

SECTION_HEADING = "Additional Security Obligations"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_QUANTITY = re.compile(
    r"(?:(?P<words>[a-z]+(?:[- ][a-z]+)?) \()?(?P<num>\d+(?:\.\d+)?)\)?\s+(?P<unit>business days?|hours?|days?|months?)\b",
    re.IGNORECASE,
)


@dataclass
class RedlineResult:
    """What the redline did, per control: "replaced", "inserted after", or "added in the new section"."""

    changes: dict[str, str] = field(default_factory=dict)
    revisions: int = 0


@dataclass
class _Revisions:
    author: str
    date: str
    next_id: int

    def mark(self, tag: str) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element


def _text(value: str) -> str:
    return clean_text(value, limit=100_000)


def _run(text: str, rpr: Any | None, *, deleted: bool = False) -> Any:
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = OxmlElement("w:delText" if deleted else "w:t")
    r.append(t)
    t.text = text
    t.set(_XML_SPACE, "preserve")
    return r


def _comment(doc: DocxDocument, run: Any, paragraph: Any, lines: Sequence[str], author: str) -> None:
    parent = Paragraph(paragraph, doc._body)
    comment = doc.add_comment([Run(run, parent)], text=_text(lines[0]), author=author, initials=INITIALS)
    for line in lines[1:]:
        comment.add_paragraph(_text(line))


def _comment_lines(point: NegotiationPoint, what: str) -> list[str]:
    f = point.finding
    lines = [
        f"{what} {f.catalogue} {f.title} (severity {f.severity}; {point.status_text}).".replace("  ", " ")
    ]
    if point.review:
        lines.append(f"Reviewer: {point.review}")
    lines.append(f"Why: {point.reason}")
    limits = threshold_words(f.thresholds)
    if limits:
        lines.append(f"Playbook: {limits}." + (f" Found: {params_words(f.params)}." if f.params else ""))
    return lines


def _new_paragraph(after: Any, template: Any | None, text: str, rev: _Revisions) -> tuple[Any, Any]:
    """A wholly inserted paragraph (its content and its mark) placed right after ``after``."""
    p = OxmlElement("w:p")
    ppr = copy.deepcopy(template.find(qn("w:pPr"))) if template is not None else None
    if ppr is None:
        ppr = OxmlElement("w:pPr")
    for old in ppr.findall(qn("w:numPr")) + ppr.findall(qn("w:rPr")) + ppr.findall(qn("w:sectPr")):
        ppr.remove(old)
    mark = OxmlElement("w:rPr")
    ppr.append(mark)
    mark.append(rev.mark("w:ins"))
    p.append(ppr)
    ins = rev.mark("w:ins")
    first_run = template.find(qn("w:r")) if template is not None else None
    run = _run(text, first_run.find(qn("w:rPr")) if first_run is not None else None)
    ins.append(run)
    p.append(ins)
    after.addnext(p)
    return p, run


def _replace_number(paragraph: Paragraph, point: NegotiationPoint, rev: _Revisions) -> tuple[Any, Any] | None:
    """Replace the over-threshold number in place, when it lies inside a single plain run."""
    f = point.finding
    if "over_threshold" not in f.reason_codes or not f.thresholds:
        return None
    key, bounds = next(iter(sorted(f.thresholds.items())))
    wanted = bounds.get("threshold")
    stem = key.rsplit("_", 1)[0] if not key.endswith("_business_days") else key[: -len("_business_days")]
    found = {v for k, v in f.params.items() if k.startswith(stem + "_")}
    unit = key[len(stem) + 1 :].replace("_", " ").rstrip("s")
    if wanted is None or not found:
        return None
    for r in paragraph._p.findall(qn("w:r")):
        texts = r.findall(qn("w:t"))
        if len(texts) != 1 or len(r) != len(texts) + (1 if r.find(qn("w:rPr")) is not None else 0):
            continue
        text = texts[0].text or ""
        m = next((m for m in _QUANTITY.finditer(text) if float(m["num"]) in found), None)
        if m is None:
            continue
        spelled = m["words"] is not None
        shown = f"{wanted:g}"
        plural = "" if wanted == 1 else "s"
        new = f"{_number_words(wanted)} ({shown}) {unit}{plural}" if spelled else f"{shown} {unit}{plural}"
        rpr = r.find(qn("w:rPr"))
        texts[0].text = text[: m.start()]
        texts[0].set(_XML_SPACE, "preserve")
        deletion = rev.mark("w:del")
        deletion.append(_run(m.group(0), rpr, deleted=True))
        insertion = rev.mark("w:ins")
        new_run = _run(new, rpr)
        insertion.append(new_run)
        tail = _run(text[m.end() :], rpr)
        r.addnext(deletion)
        deletion.addnext(insertion)
        insertion.addnext(tail)
        return paragraph._p, new_run
    return None


def _number_words(value: float) -> str:
    return number_words(int(value)) if float(value).is_integer() else f"{value:g}"


def _body_end(doc: DocxDocument) -> Any:
    body = doc.element.body
    last = body[-1] if len(body) else None
    if last is not None and last.tag == qn("w:sectPr"):
        return last.getprevious() if last.getprevious() is not None else last
    return last


def _heading_template(doc: DocxDocument) -> Any | None:
    for p in doc.paragraphs:
        style = p.style.name if p.style is not None else ""
        if style.startswith("Heading") and p.text.strip():
            return p._p
    return None


def write_redline(
    assessment: Assessment,
    doc: DocxDocument,
    out: str | Path | BinaryIO,
    *,
    document: DocumentInfo | None = None,
    author: str = "clausecheck",
    when: datetime | None = None,
) -> RedlineResult:
    """Write the vendor's DOCX (already opened) with every open point as a tracked change and comment."""
    info = document or assessment.document
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rev = _Revisions(author, stamp, next_id=_max_id(doc) + 1)
    paragraphs = list(iter_paragraphs(doc))
    index = ParagraphIndex([p.text for p in paragraphs])
    single = len({info.path, *(d.path for d in assessment.documents)}) == 1
    result = RedlineResult()
    leftover: list[NegotiationPoint] = []
    placed_after: dict[int, Any] = {}
    for point in negotiation_points(assessment):
        where = None
        for ev in point.finding.evidence:
            if single or ev.document in {info.name, info.path}:
                where = index.locate(ev.text)
                if where is not None:
                    break
        if where is None:
            leftover.append(point)
            continue
        target = paragraphs[where]
        replaced = _replace_number(target, point, rev)
        if replaced is not None:
            _comment(doc, replaced[1], replaced[0], _comment_lines(point, "Replaced the number:"), author)
            result.changes[point.finding.control] = (
                f"replaced in {evidence_location(point.finding.evidence[0])}"
            )
            result.revisions += 2
            continue
        anchor = placed_after.get(where, target._p)
        p, run = _new_paragraph(anchor, target._p, f"{point.fallback}", rev)
        placed_after[where] = p
        _comment(doc, run, p, _comment_lines(point, "Inserted our fallback clause for:"), author)
        result.changes[point.finding.control] = "inserted after the weak clause"
        result.revisions += 1
    if leftover:
        anchor = _body_end(doc)
        heading, _ = _new_paragraph(anchor, _heading_template(doc), SECTION_HEADING, rev)
        result.revisions += 1
        anchor = heading
        for n, point in enumerate(leftover, start=1):
            anchor, run = _new_paragraph(anchor, None, f"{n}. {point.fallback}", rev)
            _comment(doc, run, anchor, _comment_lines(point, "Added a clause for:"), author)
            result.changes[point.finding.control] = "added in the new section"
            result.revisions += 1
    doc.save(str(out) if isinstance(out, str | Path) else out)
    return result


def _max_id(doc: DocxDocument) -> int:
    ids = [int(v) for v in doc.element.body.xpath(".//w:ins/@w:id | .//w:del/@w:id") if str(v).isdigit()]
    return max(ids, default=0) + 1000
