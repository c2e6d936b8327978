"""The labelled corpus (``clause_library/corpus/``): sources, the lockbox split, units, passes, adjudication.

Commands (``python -m bench.corpus COMMAND``):

- ``sources``: merge the gatherers' source records into ``sources.json`` (sha256 checked against the file).
- ``split``: draw the lockbox publishers (deterministic; see :func:`lockbox_publishers`) and record them.
- ``units``: cut every document into units with the project's segmenter (no matcher) for labelling.
- ``controls``: write ``CONTROLS.md``, the 44 controls as the labellers read them.
- ``disputes``: compare pass A and pass B and write what the adjudicator must decide.
- ``adjudicate``: combine the passes and the adjudicator's decisions into ``labels/adjudicated/``.
- ``stats``: the corpus figures (documents, publishers, units, positives per control).

Nothing here prints lockbox text: a command that touches lockbox documents reports counts only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "clause_library" / "corpus"
DOCUMENTS = CORPUS / "documents"
UNITS = CORPUS / "units"
LABELS = CORPUS / "labels"
SOURCES = CORPUS / "sources.json"
INCOMING = CORPUS / "gathering"

# The lockbox draw: a publisher is in the lockbox when its salted hash falls under the threshold; the
# threshold starts at LOCKBOX_SHARE and rises only until the lockbox holds enough documents and publishers.
LOCKBOX_SALT = "clausecheck-lockbox-2026-12-05"
LOCKBOX_SHARE = 0.26
LOCKBOX_MIN_DOCUMENTS = 0.20
LOCKBOX_MIN_PUBLISHERS = 8

STATUSES = ("met", "weak", "conflict")
# One name per publisher: the gatherers wrote some publishers under more than one name.
PUBLISHER_ALIASES = {
    "OpenSSF (SLSA project)": "OpenSSF",
    "European Commission": "European Union",
    "European Parliament and Council of the European Union": "European Union",
}
SOURCE_KEYS = (
    "file",
    "publisher",
    "title",
    "kind",
    "format",
    "repository",
    "path",
    "commit",
    "url",
    "retrieved",
    "licence",
    "licence_evidence",
    "excerpt",
    "converted",
    "sha256",
    "chars",
)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-lines file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write records one per line, keys in the order given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def load_sources() -> list[dict[str, Any]]:
    """Every document record of ``sources.json``."""
    return list(json.loads(SOURCES.read_text(encoding="utf-8"))["documents"])


def doc_id(file_name: str) -> str:
    """A document's id: its file name without the extension."""
    return Path(file_name).stem


def publisher_draw(publisher: str) -> float:
    """Where a publisher falls in [0, 1) for the lockbox draw: fixed by its name and the salt."""
    digest = hashlib.sha256(f"{LOCKBOX_SALT}\0{publisher.strip().lower()}".encode()).hexdigest()
    return int(digest[:12], 16) / 16**12


OVERLAP_GROUPING = 0.2  # documents sharing this share of their 8-word sequences belong to one group


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def assign_groups(records: list[dict[str, Any]]) -> None:
    """Set each record's ``group``: its publisher, joined with any publisher whose text it shares.

    A document copied or adapted from another publisher's (terms built on the same template, a regulation
    quoted whole) would let the lockbox or a held-out fold see text it was trained on, so publishers whose
    documents share at least ``OVERLAP_GROUPING`` of their 8-word sequences are held out together.
    """
    parent = {r["publisher"]: r["publisher"] for r in records}

    def root(p: str) -> str:
        while parent[p] != p:
            p = parent[p]
        return p

    texts = [
        (r["publisher"], _shingles((DOCUMENTS / r["file"]).read_text(encoding="utf-8", errors="replace")))
        for r in records
        if r.get("format") != "pdf"
    ]
    for i, (pa, sa) in enumerate(texts):
        for pb, sb in texts[i + 1 :]:
            if pa != pb and sa and sb and len(sa & sb) / min(len(sa), len(sb)) >= OVERLAP_GROUPING:
                parent[root(pa)] = root(pb)
    members: dict[str, list[str]] = defaultdict(list)
    for p in parent:
        members[root(p)].append(p)
    for r in records:
        r["group"] = " + ".join(sorted(members[root(r["publisher"])]))


def lockbox_publishers(records: list[dict[str, Any]]) -> tuple[set[str], float]:
    """The publishers drawn into the lockbox, and the threshold that drew them.

    Nobody chooses: publishers are ordered by their salted hash and taken from the bottom until the
    threshold (at least ``LOCKBOX_SHARE``) covers 20% of the documents and 8 publishers.
    """
    per_publisher = Counter(r.get("group") or r["publisher"] for r in records)
    ordered = sorted(per_publisher, key=publisher_draw)
    chosen: set[str] = set()
    threshold = LOCKBOX_SHARE
    docs = 0
    for publisher in ordered:
        draw = publisher_draw(publisher)
        enough = docs >= LOCKBOX_MIN_DOCUMENTS * len(records) and len(chosen) >= LOCKBOX_MIN_PUBLISHERS
        if draw >= threshold and enough:
            break
        chosen.add(publisher)
        docs += per_publisher[publisher]
        threshold = max(threshold, draw)
    return chosen, threshold


def cmd_sources(_: argparse.Namespace) -> int:
    """Merge ``gathering/*/sources.jsonl`` into ``sources.json``, checking each file's hash."""
    existing = {r["file"]: r for r in load_sources()} if SOURCES.exists() else {}
    problems = []
    for path in sorted(INCOMING.glob("*/sources.jsonl")):
        for row in read_jsonl(path):
            target = DOCUMENTS / row["file"]
            if not target.exists():
                problems.append(f"{path.parent.name}: {row['file']} is not in documents/")
                continue
            data = target.read_bytes()
            record = {k: row.get(k) for k in SOURCE_KEYS}
            if record["publisher"] in PUBLISHER_ALIASES:
                record["publisher_detail"] = record["publisher"]
                record["publisher"] = PUBLISHER_ALIASES[record["publisher"]]
            record["sha256"] = hashlib.sha256(data).hexdigest()
            if row.get("sha256") and row["sha256"] != record["sha256"]:
                problems.append(f"{row['file']}: recorded sha256 differs from the file; the file's is kept")
            record["chars"] = len(data.decode("utf-8", "replace")) if record["format"] != "pdf" else None
            record["gathered_by"] = path.parent.name
            record["split"] = existing.get(row["file"], {}).get("split")
            existing[row["file"]] = record
    on_disk = {p.name for p in DOCUMENTS.iterdir() if p.is_file()}
    for name in sorted(on_disk - set(existing)):
        problems.append(f"{name} has no source record")
    records = [existing[k] for k in sorted(existing)]
    SOURCES.write_text(json.dumps({"documents": records}, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(records)} documents from {len({r['publisher'] for r in records})} publishers")
    print("\n".join(problems))
    return 0


def cmd_split(_: argparse.Namespace) -> int:
    """Record each document's split: the deterministic draw of :func:`lockbox_publishers`.

    The draw depends on publisher names only, so documents added later join their publisher's side and a
    new publisher is drawn like the others; a publisher moves only if the lockbox fell below its minimums.
    """
    records = load_sources()
    assign_groups(records)
    chosen, threshold = lockbox_publishers(records)
    moved = [
        r["file"]
        for r in records
        if r.get("split") and r["split"] != ("lockbox" if r["group"] in chosen else "open")
    ]
    for r in records:
        r["split"] = "lockbox" if r["group"] in chosen else "open"
    SOURCES.write_text(json.dumps({"documents": records}, indent=1, ensure_ascii=False) + "\n")
    box = [r for r in records if r["split"] == "lockbox"]
    print(
        f"lockbox threshold {threshold:.3f}: {len(box)} of {len(records)} documents, "
        f"{len({r['publisher'] for r in box})} of {len({r['publisher'] for r in records})} publishers"
    )
    if moved:
        print(f"{len(moved)} documents changed side (the lockbox had fallen below its minimums)")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    """Cut each document into units (segmenter only) under ``units/``."""
    from checker.extract import extract_file
    from checker.segment import Segmenter

    segmenter = Segmenter()
    total = 0
    for record in load_sources():
        name = record["file"]
        out = UNITS / f"{doc_id(name)}.jsonl"
        if out.exists() and not args.force:
            total += sum(1 for _ in out.open(encoding="utf-8"))
            continue
        doc = extract_file(DOCUMENTS / name)
        rows = []
        for c in segmenter.segment(doc):
            rows.append(
                {
                    "id": f"{doc_id(name)}:{c.index:04d}",
                    "document": name,
                    "kind": c.kind.value,
                    "section": c.section,
                    "heading": c.heading,
                    "page": c.page,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                }
            )
        write_jsonl(out, rows)
        total += len(rows)
        print(f"{name}: {len(rows)} units", file=sys.stderr)
    print(f"{total} units")
    return 0


def cmd_controls(_: argparse.Namespace) -> int:
    """Write ``CONTROLS.md``: id, family, title and description of each control, for the labellers."""
    from checker.library.loader import load_library

    library = load_library()
    lines = [
        "# The 44 controls, as the labellers read them",
        "",
        "Generated from `clause_library/controls/` by `python -m bench.corpus controls`.",
        "",
    ]
    for family in sorted({c.family for c in library.controls.values()}):
        lines.append(f"## {family}\n")
        for c in sorted(library.controls.values(), key=lambda c: c.id):
            if c.family == family:
                desc = " ".join(c.description.split())
                lines.append(f"- **`{c.id}`**: {c.title}. {desc}")
        lines.append("")
    (CORPUS / "CONTROLS.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


def unit_labels(path: Path) -> dict[str, dict[str, str]]:
    """``unit id -> {control: status}`` from a pass file."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    if not path.exists():
        return out
    for row in read_jsonl(path):
        for status in STATUSES:
            for cid in row.get(status, []):
                out[row["id"]][cid] = status
    return out


def unit_params(path: Path) -> dict[str, dict[str, float]]:
    """``unit id -> {param: value}`` from a pass file."""
    if not path.exists():
        return {}
    return {r["id"]: dict(r.get("params") or {}) for r in read_jsonl(path) if r.get("params")}


def document_label(path: Path) -> dict[str, str]:
    """``control -> status`` from a pass's document label."""
    if not path.exists():
        return {}
    row = json.loads(path.read_text(encoding="utf-8"))
    return {cid: status for status in STATUSES for cid in row.get(status, [])}


def cmd_disputes(_: argparse.Namespace) -> int:
    """Write ``labels/disputes/<document>.jsonl``: every unit × control (and parameter) the passes disagree on."""
    out_dir = LABELS / "disputes"
    counts: Counter[str] = Counter()
    for record in load_sources():
        d = doc_id(record["file"])
        a_path, b_path = LABELS / "pass-a" / f"{d}.jsonl", LABELS / "pass-b" / f"{d}.jsonl"
        if (
            not (LABELS / "pass-a" / f"{d}.document.json").exists()
            or not (LABELS / "pass-b" / f"{d}.document.json").exists()
        ):
            counts["documents not labelled by both passes"] += 1
            continue
        a, b = unit_labels(a_path), unit_labels(b_path)
        pa, pb = unit_params(a_path), unit_params(b_path)
        units = {u["id"]: u for u in read_jsonl(UNITS / f"{d}.jsonl")}
        rows = []
        for uid in sorted(set(a) | set(b) | set(pa) | set(pb)):
            if uid not in units:
                counts["labels naming an unknown unit"] += 1
                continue
            la, lb = a.get(uid, {}), b.get(uid, {})
            controls = sorted(c for c in set(la) | set(lb) if la.get(c) != lb.get(c))
            params = sorted(
                k
                for k in set(pa.get(uid, {})) | set(pb.get(uid, {}))
                if pa.get(uid, {}).get(k) != pb.get(uid, {}).get(k)
            )
            if controls or params:
                u = units[uid]
                rows.append(
                    {
                        "id": uid,
                        "section": u["section"],
                        "heading": u["heading"],
                        "text": u["text"],
                        "disputed": {c: {"a": la.get(c, "none"), "b": lb.get(c, "none")} for c in controls},
                        "params": {
                            k: {"a": pa.get(uid, {}).get(k), "b": pb.get(uid, {}).get(k)} for k in params
                        },
                    }
                )
                counts["disputed unit×control"] += len(controls)
                counts["disputed parameters"] += len(params)
        da = document_label(LABELS / "pass-a" / f"{d}.document.json")
        db = document_label(LABELS / "pass-b" / f"{d}.document.json")
        doc_disputes = {
            c: {"a": da.get(c, "missing"), "b": db.get(c, "missing")}
            for c in sorted(set(da) | set(db))
            if da.get(c) != db.get(c)
        }
        counts["disputed document×control"] += len(doc_disputes)
        rows.append({"document": record["file"], "disputed": doc_disputes})
        write_jsonl(out_dir / f"{d}.jsonl", rows)
    for k, v in counts.items():
        print(f"{k}: {v}")
    return 0


def _decided(pass_a: str, pass_b: str, decision: str | None) -> str:
    """One status from two passes and, where they differ, the adjudicator's decision."""
    if pass_a == pass_b:
        return pass_a
    return decision if decision is not None else "unresolved"


def document_status(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """A document's label from its units: the strongest status any unit gives a control (met over weak);
    conflict only where a unit negates it and none binds it; weak where one binds and another excludes it.
    """
    met = {c for r in rows for c in r["controls"]}
    weak = {c for r in rows for c in r["weak"]}
    conflict = {c for r in rows for c in r["conflict"]}
    status = {c: "conflict" for c in conflict}
    status.update({c: "weak" for c in weak})
    status.update({c: "met" for c in met})
    for c in conflict & (met | weak):
        status[c] = "weak"
    return {k: sorted(c for c, v in status.items() if v == k) for k in ("met", "weak", "conflict")}


def cmd_adjudicate(_: argparse.Namespace) -> int:
    """Write ``labels/adjudicated/``: agreed labels, and the adjudicator's decision where the passes differ.

    Decisions live in ``labels/decisions/<document>.jsonl``: ``{"id", "status": {control: met|weak|conflict|
    none}, "params": {key: value|null}, "notes"}`` per unit, and ``{"document", "status": {control: status}}``.
    """
    out_dir = LABELS / "adjudicated"
    documents: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    for record in load_sources():
        d = doc_id(record["file"])
        a_path, b_path = LABELS / "pass-a" / f"{d}.jsonl", LABELS / "pass-b" / f"{d}.jsonl"
        if not (LABELS / "pass-a" / f"{d}.document.json").exists():
            counts["documents without pass A"] += 1
            continue
        if not (LABELS / "pass-b" / f"{d}.document.json").exists():
            counts["documents without pass B"] += 1
            continue
        a, b = unit_labels(a_path), unit_labels(b_path)
        pa, pb = unit_params(a_path), unit_params(b_path)
        notes = defaultdict(list)
        for path, tag in ((a_path, "A"), (b_path, "B")):
            for row in read_jsonl(path) if path.exists() else []:
                if row.get("notes"):
                    notes[row["id"]].append(f"{tag}: {row['notes']}")
        decisions: dict[str, dict[str, Any]] = {}
        dec_path = LABELS / "decisions" / f"{d}.jsonl"
        for row in read_jsonl(dec_path) if dec_path.exists() else []:
            if "document" in row:  # document labels follow from the units (document_status)
                continue
            else:
                # Later lines (the consistency pass) refine earlier ones, control by control.
                merged = decisions.setdefault(row["id"], {"status": {}, "params": {}})
                merged["status"].update(row.get("status") or {})
                merged["params"].update(row.get("params") or {})
                if row.get("notes"):
                    notes[row["id"]].append(f"adjudication: {row['notes']}")
        rows = []
        for u in read_jsonl(UNITS / f"{d}.jsonl"):
            uid = u["id"]
            la, lb = a.get(uid, {}), b.get(uid, {})
            dec = decisions.get(uid, {})
            status = {}
            decided = dec.get("status", {})
            for cid in set(la) | set(lb) | set(decided):
                agreed = la.get(cid) == lb.get(cid)
                s = _decided(la.get(cid, "none"), lb.get(cid, "none"), decided.get(cid))
                if agreed and cid in decided and decided[cid] != s:
                    counts["agreed unit×control overruled by the adjudicator (rules 16 onwards)"] += 1
                    s = decided[cid]
                counts["unit×control agreed" if agreed else "unit×control adjudicated"] += 1
                if s == "unresolved":
                    counts["unit×control unresolved (kept as pass A)"] += 1
                    s = la.get(cid, "none")
                if s != "none":
                    status[cid] = s
            params: dict[str, Any] = {}
            qa, qb = pa.get(uid, {}), pb.get(uid, {})
            for key in set(qa) | set(qb) | set(dec.get("params", {})):
                if key in dec.get("params", {}):
                    if dec["params"][key] is not None:
                        params[key] = dec["params"][key]
                elif qa.get(key) == qb.get(key):
                    params[key] = qa[key]
                else:
                    counts["parameters unresolved (kept as pass A)"] += 1
                    if qa.get(key) is not None:
                        params[key] = qa[key]
            rows.append(
                {
                    "id": uid,
                    "document": record["file"],
                    "section": u["section"],
                    "heading": u["heading"],
                    "page": u["page"],
                    "kind": u["kind"],
                    "start": u["start"],
                    "end": u["end"],
                    "text": u["text"],
                    "controls": sorted(c for c, s in status.items() if s == "met"),
                    "weak": sorted(c for c, s in status.items() if s == "weak"),
                    "conflict": sorted(c for c, s in status.items() if s == "conflict"),
                    "params": params,
                    "notes": " | ".join(notes.get(uid, [])),
                }
            )
        write_jsonl(out_dir / f"{d}.jsonl", rows)
        # The document label follows from the adjudicated units (LABELLING.md, "A document label ..."), so
        # the two can never disagree; the passes' own document labels are kept for their agreement.
        documents[record["file"]] = document_status(rows)
        counts["documents adjudicated"] += 1
    (out_dir / "documents.json").write_text(
        json.dumps({"documents": documents}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for k, v in sorted(counts.items()):
        print(f"{k}: {v}")
    return 0


def cmd_stats(_: argparse.Namespace) -> int:
    """Print the corpus figures."""
    from bench.labelled import corpus_figures

    print(json.dumps(corpus_figures(), indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one corpus command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("sources").set_defaults(run=cmd_sources)
    sub.add_parser("split").set_defaults(run=cmd_split)
    p = sub.add_parser("units")
    p.add_argument("--force", action="store_true")
    p.set_defaults(run=cmd_units)
    sub.add_parser("controls").set_defaults(run=cmd_controls)
    sub.add_parser("disputes").set_defaults(run=cmd_disputes)
    sub.add_parser("adjudicate").set_defaults(run=cmd_adjudicate)
    sub.add_parser("stats").set_defaults(run=cmd_stats)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
