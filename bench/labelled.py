"""The labelled corpus as data for evaluation, and the figures that compare a system with the labels.

A *unit* is one segment of a corpus document with its adjudicated label: ``{control: met|weak|conflict}``
(controls it does not address are left out) and its parameters. A *system* gives the same shape for each
unit and ``{control: status}`` for each document; :func:`compare` turns labels and predictions into the
figures of ``bench.accuracy``.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import LABELS, STATUSES, doc_id, load_sources, read_jsonl

CONTROL_IDS_FILE = Path(__file__).resolve().parent.parent / "clause_library" / "controls"
MIN_POSITIVES = 15  # a control with fewer labelled positives is reported as "unmeasured"


def control_ids() -> list[str]:
    """The 44 canonical control ids (from the library's file names)."""
    return sorted(p.stem for p in CONTROL_IDS_FILE.rglob("*.yaml"))


@dataclass
class Unit:
    """One labelled unit."""

    id: str
    document: str
    publisher: str
    text: str
    heading: str
    start: int
    end: int
    status: dict[str, str]
    params: dict[str, float]


@dataclass
class LabelledDocument:
    """One corpus document with its units and document label."""

    record: dict[str, Any]
    units: list[Unit]
    status: dict[str, str]
    params: dict[str, float] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """The document's file name under ``documents/``."""
        return str(self.record["file"])

    @property
    def publisher(self) -> str:
        """Who published it."""
        return str(self.record["publisher"])

    @property
    def group(self) -> str:
        """The unit held out together: the publisher and any publisher whose text it shares."""
        return str(self.record.get("group") or self.record["publisher"])


def _status_of(row: dict[str, Any]) -> dict[str, str]:
    out = {c: "met" for c in row.get("controls", row.get("met", []))}
    out.update({c: "weak" for c in row.get("weak", [])})
    out.update({c: "conflict" for c in row.get("conflict", [])})
    return out


def load_labelled(split: str | None, labels: Path = LABELS / "adjudicated") -> list[LabelledDocument]:
    """The adjudicated documents of one split ("open", "lockbox", or None for both)."""
    doc_labels = json.loads((labels / "documents.json").read_text(encoding="utf-8"))["documents"]
    out = []
    for record in load_sources():
        if split and record.get("split") != split:
            continue
        path = labels / f"{doc_id(record['file'])}.jsonl"
        if not path.exists() or record["file"] not in doc_labels:
            continue
        units = [
            Unit(
                id=r["id"],
                document=record["file"],
                publisher=record["publisher"],
                text=r["text"],
                heading=r.get("heading") or "",
                start=int(r.get("start", -1)),
                end=int(r.get("end", -1)),
                status=_status_of(r),
                params=dict(r.get("params") or {}),
            )
            for r in read_jsonl(path)
        ]
        out.append(LabelledDocument(record, units, _status_of(doc_labels[record["file"]])))
    return out


def pass_labels(
    name: str, docs: list[LabelledDocument]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """One labelling pass as predictions: unit statuses, unit parameters, document statuses."""
    statuses: dict[str, dict[str, str]] = {}
    params: dict[str, dict[str, float]] = {}
    documents: dict[str, dict[str, str]] = {}
    for d in docs:
        stem = doc_id(d.file)
        path = LABELS / f"pass-{name}" / f"{stem}.jsonl"
        for r in read_jsonl(path) if path.exists() else []:
            statuses[r["id"]] = _status_of(r)
            params[r["id"]] = dict(r.get("params") or {})
        doc_path = LABELS / f"pass-{name}" / f"{stem}.document.json"
        if doc_path.exists():
            documents[d.file] = _status_of(json.loads(doc_path.read_text(encoding="utf-8")))
    return statuses, params, documents


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f1}


@dataclass
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: int = 0
    pairs: int = 0
    params: int = 0
    params_exact: int = 0

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tp": self.tp, "fp": self.fp, "fn": self.fn, "positives": self.tp + self.fn}
        out.update(_prf(self.tp, self.fp, self.fn))
        out["status_agreement"] = self.agree / self.pairs if self.pairs else None
        out["params_exact"] = self.params_exact / self.params if self.params else None
        out["params_labelled"] = self.params
        return out


def _same(a: float, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def compare(
    docs: list[LabelledDocument],
    unit_pred: dict[str, dict[str, str]],
    param_pred: dict[str, dict[str, float]],
    doc_pred: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """Every figure of a system against the labels: overall, per control, per publisher, documents."""
    controls = control_ids()
    total = _Tally()
    per_control: defaultdict[str, _Tally] = defaultdict(_Tally)
    per_publisher: defaultdict[str, _Tally] = defaultdict(_Tally)
    confusion: Counter[str] = Counter()
    for d in docs:
        for u in d.units:
            got = unit_pred.get(u.id, {})
            for cid in set(u.status) | set(got):
                if cid not in controls:
                    continue
                want, have = u.status.get(cid, "none"), got.get(cid, "none")
                want_det, have_det = want in ("met", "weak"), have in ("met", "weak")
                for tally in (total, per_control[cid], per_publisher[u.publisher]):
                    tally.tp += want_det and have_det
                    tally.fp += have_det and not want_det
                    tally.fn += want_det and not have_det
                    tally.pairs += 1
                    tally.agree += want == have
                confusion[f"{want}->{have}"] += 1
            for key, value in u.params.items():
                hit = _same(value, param_pred.get(u.id, {}).get(key))
                for tally in (total, per_publisher[u.publisher]):
                    tally.params += 1
                    tally.params_exact += hit
    doc_pairs = doc_agree = 0
    doc_tally = _Tally()
    for d in docs:
        got = doc_pred.get(d.file, {})
        for cid in controls:
            want, have = d.status.get(cid, "missing"), got.get(cid, "missing")
            doc_pairs += 1
            doc_agree += want == have
            w, h = want in ("met", "weak"), have in ("met", "weak")
            doc_tally.tp += w and h
            doc_tally.fp += h and not w
            doc_tally.fn += w and not h
    out = total.figures()
    out["documents_agreement"] = doc_agree / doc_pairs if doc_pairs else None
    out["documents_detection"] = _prf(doc_tally.tp, doc_tally.fp, doc_tally.fn)
    # What a reader of one document's report meets: of the controls the document addresses (met or weak), the
    # share the report finds, and of those it reports, the share the labels name.
    out["documents_precision"] = out["documents_detection"]["precision"]
    out["documents_recall"] = out["documents_detection"]["recall"]
    out["confusion"] = dict(sorted(confusion.items()))
    out["per_control"] = {}
    for cid in controls:
        fig = per_control[cid].figures()
        fig["publishers"] = len(
            {u.publisher for d in docs for u in d.units if u.status.get(cid) in ("met", "weak")}
        )
        fig["measured"] = fig["positives"] >= MIN_POSITIVES
        out["per_control"][cid] = fig
    out["per_publisher"] = {p: t.figures() for p, t in sorted(per_publisher.items())}
    return out


def keyword_patterns(path: Path) -> dict[str, re.Pattern[str]]:
    """The keyword reviewer's list as one case-insensitive pattern per control."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {}
    for cid, words in data.items():
        parts = []
        for w in words:
            body = re.escape(w.rstrip("*")).replace(r"\ ", r"\s+").replace(r"\*", r"\w*")
            parts.append(body + (r"\w*" if w.endswith("*") else r"\b"))
        out[cid] = re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)
    return out


def corpus_figures(docs: list[LabelledDocument] | None = None) -> dict[str, Any]:
    """Documents, publishers, units, and positives, publishers and hard negatives per control."""
    docs = docs if docs is not None else load_labelled(None)
    patterns = keyword_patterns(Path(__file__).with_name("keyword_reviewer.yaml"))
    family = {p.stem: p.parent.name for p in CONTROL_IDS_FILE.rglob("*.yaml")}
    per_control = {}
    for cid in control_ids():
        pos = [u for d in docs for u in d.units if u.status.get(cid) in ("met", "weak")]
        # Hard negatives: units that do not address the control but use its words, or address another
        # control of its family (the neighbours a matcher confuses it with).
        hard = [
            u
            for d in docs
            for u in d.units
            if cid not in u.status
            and (
                (cid in patterns and patterns[cid].search(u.text))
                or any(family.get(other) == family[cid] for other in u.status)
            )
        ]
        per_control[cid] = {
            "positives": len(pos),
            "met": sum(u.status[cid] == "met" for u in pos),
            "weak": sum(u.status[cid] == "weak" for u in pos),
            "publishers": len({u.publisher for u in pos}),
            "hard_negatives": len(hard),
            "documents_addressing": sum(d.status.get(cid) in ("met", "weak") for d in docs),
        }
    return {
        "documents": len(docs),
        "publishers": len({d.publisher for d in docs}),
        "clauses": sum(len(d.units) for d in docs),
        "clauses_addressing_a_control": sum(
            1 for d in docs for u in d.units if set(u.status.values()) & set(STATUSES)
        ),
        "splits": dict(Counter(d.record.get("split") for d in docs)),
        "per_control": per_control,
    }
