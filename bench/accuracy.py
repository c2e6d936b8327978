"""Accuracy on the labelled corpus, as users meet the tool: on publishers it was never tuned on.

One command (``python -m bench.accuracy [--json OUT] [--write]``) measures, side by side:

- **clausecheck** (the whole pipeline: extract → segment → match → score, playbook of every control at the
  library's acceptable thresholds), on the open part by grouped cross-validation (folds of publishers: what a
  system learns, it learns without the fold's publishers) and on the lockbox (learned from the whole open
  part, scored once, aggregate figures only);
- a checker that answers "missing" everywhere, and a keyword-list ("Ctrl-F") reviewer;
- the agreement of the two labelling passes (pass B read against pass A): the ceiling.

Clause level: each labelled unit × control; *detected* means met or weak. A match of the pipeline belongs to
the unit its clause overlaps most. Status agreement is over the pairs either side addresses; ``params_exact``
over every labelled parameter. Document level: each document × 44 controls, status equal.

The lockbox's text, units and errors are never printed: only its aggregate figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Protocol

from bench.corpus import DOCUMENTS
from bench.labelled import (
    LabelledDocument,
    compare,
    control_ids,
    corpus_figures,
    keyword_patterns,
    load_labelled,
    pass_labels,
)
from bench.markdown import write_section

FOLDS = 5
# Document kinds (sources.json ``kind``) in three families that write duties differently: requirements
# catalogues address an implementer ("You must", "Ensure"), government clauses flow down by formula,
# contracts bind named parties. The figures are broken down by family on the open part, and the lockbox's
# make-up is reported by family (its size only, no figure), so that a change's cross-validated effect can be
# read for the families the lockbox holds without anyone reading the lockbox.
FAMILIES: dict[str, tuple[str, ...]] = {
    "requirements": ("supplier_security_requirements", "industry_requirements", "policy"),
    "government": ("government_procurement",),
    "contract": (
        "msa",
        "dpa",
        "saas_terms",
        "ai_data_terms",
        "baa",
        "security_exhibit",
        "toms",
        "outsourcing_ict",
    ),
}
FLOOR = Path(__file__).with_name("accuracy_floor.json")
Prediction = tuple[dict[str, dict[str, str]], dict[str, dict[str, float]], dict[str, str]]
AllPredictions = tuple[dict[str, dict[str, str]], dict[str, dict[str, float]], dict[str, dict[str, str]]]


class System(Protocol):
    """What the evaluation needs of a checker."""

    name: str

    def fit(self, train: list[LabelledDocument]) -> None:
        """Learn from these documents only (a rule-only system learns nothing)."""

    def predict(self, doc: LabelledDocument) -> Prediction:
        """Unit statuses, unit parameters and document statuses for one document."""


class Clausecheck:
    """The shipped pipeline: the library's rules, and the detector learned from the training documents.

    ``fit`` trains a detector on the documents it is given (never on the fold it then predicts); with
    ``learn=False`` the rules read alone, as the matcher did before the detector.
    """

    name = "clausecheck"

    def __init__(self, learn: bool = True) -> None:
        from checker.api import ContractChecker
        from checker.library.loader import expand_playbook
        from checker.match.engine import Engine
        from checker.match.examples import EXAMPLE_PLAYBOOK

        self.checker = ContractChecker()
        self.playbook = expand_playbook(EXAMPLE_PLAYBOOK, self.checker.library)
        self.entries = {e.id: e for e in self.playbook.controls}
        self.rules = Engine(self.checker.library)
        self.engine = self.rules
        self.learn = learn
        self.name = "clausecheck" if learn else "rules_only"
        self._read: dict[str, Any] = {}
        self._samples: dict[str, Any] = {}

    def _document(self, doc: LabelledDocument) -> Any:
        if doc.file not in self._read:
            from checker.extract import extract_file

            document = extract_file(DOCUMENTS / doc.file)
            self._read[doc.file] = (document, self.checker.segmenter.segment(document))
        return self._read[doc.file]

    def fit(self, train: list[LabelledDocument]) -> None:
        """Train the detector on these documents' labelled clauses (rules alone if ``learn`` is off)."""
        if not self.learn:
            return
        from checker.detect.train import document_samples, fit
        from checker.match.engine import Engine

        samples = []
        for d in train:
            if d.file not in self._samples:
                document, clauses = self._document(d)
                units = [
                    {
                        "id": u.id,
                        "start": u.start,
                        "end": u.end,
                        "controls": [c for c, s in u.status.items() if s in ("met", "weak")],
                    }
                    for u in d.units
                ]
                self._samples[d.file] = document_samples(self.rules, document, clauses, units)
            samples.extend(self._samples[d.file])
        detector = fit(samples, sorted(self.checker.library.controls), library=self.checker.library)
        self.engine = Engine(self.checker.library, detector)

    def predict(self, doc: LabelledDocument) -> Prediction:
        """Run the pipeline on the document; judge each unit's matches as the scorer would."""
        from checker.api import ReadDocument
        from checker.score import judge

        document, clauses = self._document(doc)
        read = ReadDocument(document, clauses, self.engine.match_document(document, clauses))
        assessment = self.checker.assess([read], self.playbook)
        doc_status = {f.control: f.status.value for f in assessment.findings if f.status.value != "missing"}
        spans = {c.index: (c.start, c.end) for c in read.clauses}
        owner: dict[int, str] = {}
        for index, (s, e) in spans.items():
            best, best_overlap = None, 0
            for u in doc.units:
                overlap = min(e, u.end) - max(s, u.start)
                if overlap > best_overlap:
                    best, best_overlap = u.id, overlap
            if best:
                owner[index] = best
        grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for m in read.matches:
            if m.clause_index in owner:
                grouped[(owner[m.clause_index], m.control)].append(m)
        statuses: dict[str, dict[str, str]] = defaultdict(dict)
        params: dict[str, dict[str, float]] = defaultdict(dict)
        library = self.checker.library
        for (uid, cid), ms in grouped.items():
            finding = judge(library.controls[cid], ms, self.playbook, self.entries.get(cid))
            if finding.status.value != "missing":
                statuses[uid][cid] = finding.status.value
                params[uid].update(finding.params)
        return dict(statuses), dict(params), doc_status


class AlwaysMissing:
    """A checker that says "missing" to everything."""

    name = "missing"

    def fit(self, train: list[LabelledDocument]) -> None:
        """Nothing to learn."""

    def predict(self, doc: LabelledDocument) -> Prediction:
        """Nothing is ever found."""
        return {}, {}, {}


class KeywordReviewer:
    """A reviewer with a keyword list: every clause containing a control's word meets it."""

    name = "keywords"

    def __init__(self) -> None:
        self.patterns = keyword_patterns(Path(__file__).with_name("keyword_reviewer.yaml"))

    def fit(self, train: list[LabelledDocument]) -> None:
        """The list is fixed; nothing is learned."""

    def predict(self, doc: LabelledDocument) -> Prediction:
        """Met wherever a keyword occurs."""
        statuses = {}
        for u in doc.units:
            hits = {cid: "met" for cid, p in self.patterns.items() if p.search(u.text)}
            if hits:
                statuses[u.id] = hits
        doc_status = {cid: "met" for hits in statuses.values() for cid in hits}
        return statuses, {}, doc_status


def folds(docs: list[LabelledDocument], k: int = FOLDS) -> list[list[LabelledDocument]]:
    """Documents in k folds, every publisher group in exactly one (largest groups first into the lightest fold)."""
    size: defaultdict[str, int] = defaultdict(int)
    for d in docs:
        size[d.group] += len(d.units)
    ordered = sorted(size, key=lambda g: (-size[g], hashlib.sha256(g.encode()).hexdigest()))
    buckets: list[set[str]] = [set() for _ in range(k)]
    load = [0] * k
    for g in ordered:
        i = load.index(min(load))
        buckets[i].add(g)
        load[i] += size[g]
    return [[d for d in docs if d.group in b] for b in buckets if b]


def family(doc: LabelledDocument) -> str:
    """The family of a document's kind; an unknown kind is an error, so that no document drops out."""
    kind = str(doc.record.get("kind", ""))
    for name, kinds in FAMILIES.items():
        if kind in kinds:
            return name
    raise ValueError(f"{doc.file}: document kind {kind!r} belongs to no family in bench.accuracy.FAMILIES")


def make_up(docs: list[LabelledDocument]) -> dict[str, dict[str, int]]:
    """Documents, clauses and labelled positives (unit × control, met or weak) per family."""
    out = {name: {"documents": 0, "clauses": 0, "positives": 0} for name in FAMILIES}
    for d in docs:
        f = out[family(d)]
        f["documents"] += 1
        f["clauses"] += len(d.units)
        f["positives"] += sum(s in ("met", "weak") for u in d.units for s in u.status.values())
    return out


def by_family(docs: list[LabelledDocument], predictions: AllPredictions) -> dict[str, dict[str, Any]]:
    """The headline figures of each family's documents (families with no document left out)."""
    out = {}
    for name in FAMILIES:
        part = [d for d in docs if family(d) == name]
        if part:
            out[name] = headline(compare(part, *predictions))
    return out


def _predict_all(system: System, docs: list[LabelledDocument]) -> AllPredictions:
    units: dict[str, dict[str, str]] = {}
    params: dict[str, dict[str, float]] = {}
    documents: dict[str, dict[str, str]] = {}
    for d in docs:
        u, p, s = system.predict(d)
        units.update(u)
        params.update(p)
        documents[d.file] = s
    return units, params, documents


def cross_validated(system: System, docs: list[LabelledDocument]) -> dict[str, Any]:
    """Grouped cross-validation: fit without a fold's publishers, predict the fold, score all folds together."""
    units: dict[str, dict[str, str]] = {}
    params: dict[str, dict[str, float]] = {}
    documents: dict[str, dict[str, str]] = {}
    parts = folds(docs)
    for part in parts:
        held = {d.file for d in part}
        system.fit([d for d in docs if d.file not in held])
        u, p, s = _predict_all(system, part)
        units.update(u)
        params.update(p)
        documents.update(s)
    result = compare(docs, units, params, documents)
    result["folds"] = len(parts)
    result["per_family"] = by_family(docs, (units, params, documents))
    return result


def on_lockbox(
    system: System, open_docs: list[LabelledDocument], box: list[LabelledDocument]
) -> dict[str, Any]:
    """Fit on the whole open part, score the lockbox."""
    system.fit(open_docs)
    units, params, documents = _predict_all(system, box)
    return compare(box, units, params, documents)


def annotator_agreement(docs: list[LabelledDocument]) -> dict[str, Any]:
    """Pass B read as predictions against pass A as labels: the ceiling a checker is compared with."""
    a_units, a_params, a_docs = pass_labels("a", docs)
    b_units, b_params, b_docs = pass_labels("b", docs)
    as_labels = []
    for d in docs:
        units = [
            type(u)(
                u.id,
                u.document,
                u.publisher,
                u.text,
                u.heading,
                u.start,
                u.end,
                a_units.get(u.id, {}),
                a_params.get(u.id, {}),
            )
            for u in d.units
        ]
        as_labels.append(LabelledDocument(d.record, units, a_docs.get(d.file, {})))
    return compare(as_labels, b_units, b_params, b_docs)


HEADLINE = (
    "precision",
    "recall",
    "f1",
    "status_agreement",
    "params_exact",
    "documents_agreement",
    "documents_precision",
    "documents_recall",
)


def headline(fig: dict[str, Any]) -> dict[str, Any]:
    """The figures every table and the JSON show first."""
    return {k: fig.get(k) for k in HEADLINE}


def evaluate(with_lockbox: bool = True, systems: list[System] | None = None) -> dict[str, Any]:
    """Every figure of the issue, as one dict (the ``--json`` file)."""
    open_docs = load_labelled("open")
    box = load_labelled("lockbox") if with_lockbox else []
    systems = systems or [Clausecheck(), Clausecheck(learn=False), AlwaysMissing(), KeywordReviewer()]
    corpus = corpus_figures(open_docs + box)
    out: dict[str, Any] = {
        "corpus": {
            "documents": corpus["documents"],
            "publishers": corpus["publishers"],
            "clauses": corpus["clauses"],
            "clauses_addressing_a_control": corpus["clauses_addressing_a_control"],
            "open": {
                "documents": len(open_docs),
                "publishers": len({d.publisher for d in open_docs}),
                "clauses": sum(len(d.units) for d in open_docs),
            },
            "lockbox": {
                "documents": len(box),
                "publishers": len({d.publisher for d in box}),
                "clauses": sum(len(d.units) for d in box),
            },
            "per_control": corpus["per_control"],
            "families": {"open": make_up(open_docs), "lockbox": make_up(box)},
        },
        "baselines": {},
    }
    for system in systems:
        cv = cross_validated(system, open_docs)
        lock = on_lockbox(system, open_docs, box) if box else None
        if system.name == "clausecheck":
            out["cross_validated"] = {**headline(cv), "detail": cv}
            out["lockbox"] = {**headline(lock), "detail": lock} if lock else None
        else:
            out["baselines"][system.name] = {
                "cross_validated": headline(cv),
                "lockbox": headline(lock) if lock else None,
                "per_family": cv["per_family"],
            }
    agree_open = annotator_agreement(open_docs)
    agree_box = annotator_agreement(box) if box else None
    out["annotator_agreement"] = {
        "open": headline(agree_open),
        "lockbox": headline(agree_box) if agree_box else None,
        "open_per_control": {
            c: {k: f[k] for k in ("f1", "status_agreement", "positives")}
            for c, f in agree_open["per_control"].items()
        },
    }
    return out


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def render(result: dict[str, Any]) -> str:
    """The figures as the BENCHMARKS.md section."""
    c = result["corpus"]
    lines = [
        "## Accuracy on unseen publishers (labelled corpus)",
        "",
        f"Corpus (`clause_library/corpus/`): **{c['documents']} documents from {c['publishers']} publishers, "
        f"{c['clauses']} labelled clauses** ({c['clauses_addressing_a_control']} address a control). Open part: "
        f"{c['open']['documents']} documents, {c['open']['publishers']} publishers, {c['open']['clauses']} clauses. "
        f"Lockbox: {c['lockbox']['documents']} documents, {c['lockbox']['publishers']} publishers, "
        f"{c['lockbox']['clauses']} clauses (scored by script, aggregate figures only).",
        "",
        "Run: `python -m bench.accuracy --json OUT --write`. **clausecheck** is the shipped pipeline: the library's "
        "rules and the detector, which each fold trains on the other folds' publishers (the lockbox row: trained on "
        "the whole open part, as `make model` does). Clause level: every unit × control, *detected* = met "
        "or weak. Cross-validated: grouped by publisher group, "
        f"{result['cross_validated']['detail']['folds']} folds. Document level: every document × 44 controls; *documents agreement* is the same status, "
        "*documents precision / recall* whether the document addresses the control at all (met or weak), as the "
        "reader of one document's report meets it: of the controls it addresses, the share the report finds; of "
        "those the report finds, the share the labels name.",
        "",
        "| system | part | precision | recall | F1 | status agreement | params exact | documents agreement "
        "| documents precision | documents recall |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def row(name: str, part: str, fig: dict[str, Any] | None) -> None:
        if fig:
            lines.append(f"| {name} | {part} | " + " | ".join(_f(fig.get(k)) for k in HEADLINE) + " |")

    row("**clausecheck**", "cross-validated (open)", result["cross_validated"])
    row("**clausecheck**", "**lockbox**", result["lockbox"])
    for name, figs in result["baselines"].items():
        label = {
            "missing": '"missing" everywhere',
            "keywords": "keyword-list reviewer",
            "rules_only": "clausecheck rules alone (before the detector)",
        }.get(name, name)
        row(label, "open", figs["cross_validated"])
        row(label, "lockbox", figs["lockbox"])
    row("two labelling passes (B vs A)", "open", result["annotator_agreement"]["open"])
    row("two labelling passes (B vs A)", "lockbox", result["annotator_agreement"]["lockbox"])
    detail = result["cross_validated"]["detail"]
    lines += [
        "",
        "Status confusion, cross-validated (label → clausecheck: count): "
        + ", ".join(f"{k}: {v}" for k, v in detail["confusion"].items()),
        "",
        "### Per control (cross-validated on the open part; corpus positives over both parts)",
        "",
        "Controls with fewer than 15 labelled positives in the open part are *unmeasured*: their figures are shown "
        "but prove little.",
        "",
        "| control | corpus positives (publishers) | hard negatives | open positives | precision | recall | F1 | status agreement | passes F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for cid in control_ids():
        pc, cc = detail["per_control"][cid], c["per_control"][cid]
        ann = result["annotator_agreement"]["open_per_control"][cid]
        tag = "" if pc["measured"] else " (unmeasured)"
        lines.append(
            f"| {cid}{tag} | {cc['positives']} ({cc['publishers']}) | {cc['hard_negatives']} | {pc['positives']} | "
            f"{_f(pc['precision'])} | "
            f"{_f(pc['recall'])} | {_f(pc['f1'])} | {_f(pc['status_agreement'])} | {_f(ann['f1'])} |"
        )
    lines += _family_lines(result)
    lines += [
        "",
        "### Per publisher (cross-validated, open part)",
        "",
        "| publisher | positives | precision | recall | F1 | status agreement | params exact |",
        "|---|---|---|---|---|---|---|",
    ]
    for pub, f in detail["per_publisher"].items():
        lines.append(
            f"| {pub} | {f['positives']} | {_f(f['precision'])} | {_f(f['recall'])} | {_f(f['f1'])} | "
            f"{_f(f['status_agreement'])} | {_f(f['params_exact'])} |"
        )
    return "\n".join(lines)


def _family_lines(result: dict[str, Any]) -> list[str]:
    """Cross-validated figures per document family, beside the lockbox's make-up by family."""
    families = result["corpus"].get("families")
    per_family = result["cross_validated"]["detail"].get("per_family")
    if not families or not per_family:
        return []
    kinds = "; ".join(f"{name}: {', '.join(kinds)}" for name, kinds in FAMILIES.items())
    lines = [
        "",
        "### Per document family (cross-validated, open part)",
        "",
        f"Families of the sources' `kind` ({kinds}). The lockbox columns give its make-up only (no figure), so "
        "that a change's cross-validated effect can be read for the families the lockbox holds.",
        "",
        "| family | open documents | open positives | lockbox documents | lockbox positives | precision | recall "
        "| F1 | status agreement | params exact | documents agreement | documents precision | documents recall "
        "| keyword list F1 | rules alone F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = result["baselines"]
    for name in FAMILIES:
        fig = per_family.get(name)
        if not fig:
            continue
        o, b = families["open"][name], families["lockbox"][name]
        kw = base.get("keywords", {}).get("per_family", {}).get(name, {})
        ro = base.get("rules_only", {}).get("per_family", {}).get(name, {})
        lines.append(
            f"| {name} | {o['documents']} | {o['positives']} | {b['documents']} | {b['positives']} | "
            + " | ".join(_f(fig.get(k)) for k in HEADLINE)
            + f" | {_f(kw.get('f1'))} | {_f(ro.get('f1'))} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; print the aggregate figures; optionally write JSON and BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure to this JSON file")
    parser.add_argument("--write", action="store_true", help="update the section of BENCHMARKS.md")
    parser.add_argument("--no-lockbox", action="store_true", help="score the open part only")
    parser.add_argument(
        "--record-floor",
        action="store_true",
        help="record today's cross-validated F1 and status agreement as the CI guard's floor",
    )
    parser.add_argument(
        "--render", type=Path, metavar="JSON", help="only rewrite BENCHMARKS.md from a --json file"
    )
    args = parser.parse_args(argv)
    if args.render:
        write_section(render(json.loads(args.render.read_text(encoding="utf-8"))), "accuracy-corpus")
        return 0
    result = evaluate(with_lockbox=not args.no_lockbox)
    for part in ("cross_validated", "lockbox"):
        if result.get(part):
            print(f"clausecheck {part}: " + json.dumps(headline(result[part])))
    for name, fig in result["cross_validated"]["detail"]["per_family"].items():
        print(f"clausecheck cross_validated, {name}: " + json.dumps(fig))
    for name, figs in result["baselines"].items():
        print(f"{name}: " + json.dumps({k: v for k, v in figs.items() if k != "per_family"}))
    print(
        "annotator agreement: "
        + json.dumps({k: result["annotator_agreement"][k] for k in ("open", "lockbox")})
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.write:
        write_section(render(result), "accuracy-corpus")
    if args.record_floor:
        cv = result["cross_validated"]
        FLOOR.write_text(
            json.dumps(
                {"f1": round(cv["f1"], 4), "status_agreement": round(cv["status_agreement"], 4)}, indent=1
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
