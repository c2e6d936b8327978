"""Every speed figure of issue 14 beside its floor or target, in one table from one run.

Inputs are generated once into ``bench/out/`` (git-ignored): text PDFs of 10, 30, 100 and 300 pages
(:func:`bench.bench_extract.make_contract`), the 25-page agreement of :mod:`bench.bench_match`, and a
20-document portfolio of 20-page PDFs (:func:`bench.bench_batch.make_portfolio`). Every measurement
runs in a fresh process, ``--runs`` times: the table shows the fastest run (other engineers share this
machine's two cores, so the minimum is the figure least disturbed by them) and the largest peak RSS,
read with ``wait4`` (for the CLI, the largest single process among the command and the children it
waited for; a worker forked by the fork server reports its own peak through the batch figures).

Run: ``make bench`` (``python -m bench``) or ``.venv/bin/python -m bench.bench_speed [--runs 3]
[--no-write]``; it prints the table and updates the Speed section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.markdown import write_section
from bench.speed_profile import child_check_timeline, child_match_profile, profile_tables

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
OUT = ROOT / "bench" / "out"
CLI = str(Path(sys.executable).with_name("clausecheck"))
EXTRACT_SIZES = (10, 100, 300)


# --- what runs in a fresh process -----------------------------------------------------------------


def _pdfium_floor(path: str) -> int:
    """Bare PDFium: every page's text with ``get_text_range()``, nothing else (the extraction floor)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    for page in pdf:
        text = page.get_textpage()
        text.get_text_range()
        text.close()
        page.close()
    pages = len(pdf)
    pdf.close()
    return pages


def _pdfplumber(path: str) -> int:
    """pdfplumber's ``extract_text()`` on every page."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def _ours(path: str) -> int:
    """clausecheck's extraction (PDFium engine): text, page map, line boxes, furniture."""
    from checker.extract import extract_file

    return extract_file(path).pages


def _child_extract(engine: str, path: str) -> dict[str, float]:
    """One extraction, timed after its imports."""
    import importlib

    importlib.import_module(
        {"floor": "pypdfium2", "pdfplumber": "pdfplumber", "ours": "checker.extract"}[engine]
    )
    run: Callable[[str], int] = {"floor": _pdfium_floor, "pdfplumber": _pdfplumber, "ours": _ours}[engine]
    started, cpu = time.perf_counter(), time.process_time()
    pages = run(path)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "units": pages}


def _corpus_clauses() -> tuple[object, list[tuple[object, list[object]]], int]:
    from checker.api import ContractChecker
    from checker.extract import extract_file

    checker = ContractChecker()
    docs = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".md", ".txt", ".pdf"):
            doc = extract_file(path)
            docs.append((doc, checker.segmenter.segment(doc)))
    words = sum(len(c.text.split()) for _, clauses in docs for c in clauses)
    return checker, docs, words  # type: ignore[return-value]


def _keyword_patterns(library: object) -> list[re.Pattern[str]]:
    """Per control, one compiled alternation of the literal words of its term phrases (lower case)."""
    patterns = []
    for control in library.controls.values():  # type: ignore[attr-defined]
        words = {
            re.split(r"[*?]", phrase.lower())[0].strip()
            for group in (control.match.terms | control.match.conflict_terms).values()
            for phrase in group
        }
        body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
        if body:
            patterns.append(re.compile(rf"\b(?:{body})"))  # searched on lower-cased text
    return patterns


def _child_match(repeats: str) -> dict[str, float]:
    """Match + score every corpus clause (playbook ``all``), and the keyword-scan floor on the same clauses."""
    from checker.api import ContractChecker, document_info
    from checker.library.loader import expand_playbook
    from checker.match.examples import EXAMPLE_PLAYBOOK
    from checker.score import assess

    checker, docs, words = _corpus_clauses()
    assert isinstance(checker, ContractChecker)
    playbook = expand_playbook(EXAMPLE_PLAYBOOK, checker.library)
    patterns = _keyword_patterns(checker.library)
    texts = [c.text for _, clauses in docs for c in clauses]  # type: ignore[attr-defined]
    ours, floor = [], []
    for _ in range(int(repeats)):
        started = time.process_time()
        for doc, clauses in docs:
            matches = checker.engine.match_document(doc, clauses)  # type: ignore[arg-type]
            assess([document_info(doc)], matches, playbook, checker.library)  # type: ignore[arg-type]
        ours.append(time.process_time() - started)
        started = time.process_time()
        hits = sum(1 for text in texts for low in (text.lower(),) for p in patterns if p.search(low))
        floor.append(time.process_time() - started)
    best = min(ours)  # CPU time already: one core, nothing else in this process
    return {"seconds": best, "cpu": best, "floor_seconds": min(floor), "units": words, "hits": hits}


def _child_startup() -> dict[str, float]:
    """What a worker's start costs where there is no fork server: imports (spaCy alone), then the build."""
    cpu = time.process_time()
    started = time.perf_counter()
    import spacy  # noqa: F401

    spacy_s = time.perf_counter() - started
    import checker.api  # noqa: F401

    imports_s = time.perf_counter() - started
    from checker.library.loader import load_library

    started = time.perf_counter()
    library = load_library()
    library_s = time.perf_counter() - started
    from checker.detect import shipped_detector
    from checker.match.engine import Engine
    from checker.segment import Segmenter

    started = time.perf_counter()
    Engine(library, shipped_detector(library.root))
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    Segmenter()
    segmenter_s = time.perf_counter() - started
    total = imports_s + library_s + engine_s + segmenter_s
    return {"seconds": total, "cpu": time.process_time() - cpu, "spacy": spacy_s, "imports": imports_s, "library": library_s,
            "engine": engine_s, "segmenter": segmenter_s}  # fmt: skip


def _child_pipeline(path: str, upload: str) -> dict[str, float]:
    """Extract → segment → match → score one PDF with a checker built beforehand (as the app holds one)."""
    from checker.api import ContractChecker

    checker = ContractChecker()
    data = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    read = checker.read_bytes(data, Path(path).name) if upload == "upload" else checker.read_file(path)
    checker.assess([read], "baseline")
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "units": read.document.pages,
    }


#: Children whose figure is CPU time on one core.
ONE_CORE = frozenset({"match", "match_profile"})
CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "match_profile": child_match_profile,
    "check_timeline": child_check_timeline,
    "extract": _child_extract,
    "match": _child_match,
    "pipeline": _child_pipeline,
    "startup": _child_startup,
}


# --- the parent: fresh processes, time and peak memory --------------------------------------------


@dataclass
class Run:
    """The fastest of several runs (wall and CPU, each its own minimum) and the largest peak RSS."""

    seconds: float
    cpu_s: float
    peak_mb: float
    figures: dict[str, Any]


# Forks and execs the command, then writes its wall time, the CPU time (user + system) of the command and
# of every process it started, the largest peak RSS (KiB) among them, and its exit code. The launcher is a
# child subreaper, so a process the command leaves behind (the fork server, which outlives the command by
# a moment and is the parent of the worker) is reparented to it and reaped here: its CPU and memory count
# too, though the wall time stops when the command exits, as a user waits for it. A process's ru_maxrss
# keeps the high-water mark of the image it exec'd from, so the command is started from this small
# launcher rather than from the benchmark process (which holds hundreds of MB).
_LAUNCHER = """
import ctypes, os, resource, signal, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    out = os.open(sys.argv[2], os.O_WRONLY)
    os.dup2(out, 1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.execv(sys.argv[3], sys.argv[3:])
_, status, _ = os.wait4(pid, 0)
wall = time.perf_counter() - started
signal.alarm(60)  # whatever is left must end soon after the command
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _wait(argv: list[str], capture: bool) -> tuple[float, float, float, str]:
    """Run ``argv``; its wall time, the CPU s of its process tree, the largest peak RSS in MB among them and
    its stdout (when ``capture``)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures, out = Path(tmp) / "figures", Path(tmp) / "out"
        out.touch()
        target = str(out) if capture else os.devnull
        subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, str(figures), target, *argv], check=True, cwd=ROOT
        )
        wall, cpu, peak_kb, code = figures.read_text().split()
        if int(code) not in (0, 1):
            raise RuntimeError(f"{' '.join(argv)} exited with {code}")
        return float(wall), float(cpu), int(peak_kb) / 1024, out.read_text()


def measure_child(runs: int, kind: str, *args: str) -> Run:
    """A measurement made inside a fresh Python process (its own timer), ``runs`` times."""
    results = []
    for _ in range(runs):
        _, _, peak, out = _wait(
            [sys.executable, "-m", "bench.bench_speed", "--child", kind, *args], capture=True
        )
        results.append((json.loads(out.strip().splitlines()[-1]), peak))
    best = min(results, key=lambda r: r[0]["seconds"])[0]
    cpu = min(r["cpu"] for r, _ in results)
    return Run(best["seconds"], cpu, max(p for _, p in results), best)


def measure_command(runs: int, argv: list[str]) -> Run:
    """A command's wall time (fastest of ``runs``) and peak RSS, as a user waits for it."""
    results = [_wait(argv, capture=False) for _ in range(runs)]
    return Run(min(r[0] for r in results), min(r[1] for r in results), max(r[2] for r in results), {})


# --- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    what: str
    figure: str
    beside: str = ""
    ratio: str = ""
    target: str = ""
    peak_mb: float | None = None
    cpu_s: float | None = None

    def cells(self) -> list[str]:
        peak = f"{self.peak_mb:,.0f}" if self.peak_mb is not None else ""
        cpu = f"{self.cpu_s:.3f}" if self.cpu_s is not None else ""
        return [self.what, self.figure, cpu, self.beside, self.ratio, self.target, peak]


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _inputs() -> dict[str, Path]:
    from bench.bench_extract import make_contract
    from bench.bench_match import _pdf_from_text

    OUT.mkdir(parents=True, exist_ok=True)
    paths = {f"pdf{n}": make_contract(n) for n in EXTRACT_SIZES}
    agreement = OUT / "contract-30-pages.pdf"  # bench_match's 25-page agreement (real DPA text)
    if not agreement.exists():
        text = (CORPUS / "github-data-protection-agreement-2023-02.md").read_text(encoding="utf-8")
        _pdf_from_text(text, 30, agreement)
    paths["agreement"] = agreement
    upload = OUT / "agreement-30-pages.pdf"  # the same real text, at 30 pages
    if not upload.exists():
        text = (CORPUS / "github-data-protection-agreement-2023-02.md").read_text(encoding="utf-8")
        _pdf_from_text(text, 36, upload)
    paths["upload"] = upload
    return paths


#: What ``--only`` may select: the groups of rows, in table order.
PARTS = ("help", "extract", "match", "pipeline", "check", "startup", "batch")


def collect(runs: int, parts: Sequence[str] = PARTS) -> tuple[list[Row], dict[str, dict[str, Any]]]:
    """Measure ``parts`` (every part by default); the rows of the table, and the profiles of the misses."""
    from bench.bench_batch import _run as run_batch_bench
    from bench.bench_batch import make_portfolio

    paths = _inputs()
    rows: list[Row] = []
    profiles: dict[str, dict[str, Any]] = {}

    help_run = measure_command(max(runs, 5), [CLI, "--help"]) if "help" in parts else None
    rows += (
        []
        if help_run is None
        else [
            Row(
                "`clausecheck --help`",
                f"{help_run.seconds:.3f} s",
                target=f"≤ 0.2 s: {_verdict(help_run.seconds <= 0.2)}",
                peak_mb=help_run.peak_mb,
                cpu_s=help_run.cpu_s,
            )
        ]
    )

    for pages in EXTRACT_SIZES if "extract" in parts else ():
        path = str(paths[f"pdf{pages}"])
        ours = measure_child(runs, "extract", "ours", path)
        floor = measure_child(runs, "extract", "floor", path)
        plumber = measure_child(1, "extract", "pdfplumber", path)
        cli = measure_command(runs, [CLI, "extract", path, "--format", "json"])
        rate = pages / ours.seconds
        plumber_rate = pages / plumber.seconds
        floor_rate = pages / floor.seconds
        cli_rate = pages / cli.seconds
        rows += [
            Row(f"extraction in-process, {pages} pages", f"{rate:,.0f} pages/s", f"pdfplumber {plumber_rate:,.1f} pages/s",
                f"{rate / plumber_rate:,.0f}× pdfplumber", f"≥ 30×: {_verdict(rate / plumber_rate >= 30)}", ours.peak_mb, ours.cpu_s),
            Row("", "", f"bare pypdfium2 `get_text_range()` {floor_rate:,.0f} pages/s", f"{floor_rate / rate:.1f}× slower than the floor",
                f"≤ 3×: {_verdict(floor_rate / rate <= 3)}", floor.peak_mb, floor.cpu_s),
            Row(f"extraction via CLI (`extract --format json`, incl. start-up and segmenting), {pages} pages",
                f"{cli_rate:,.0f} pages/s ({cli.seconds:.2f} s)", "pdfplumber in-process", f"{cli_rate / plumber_rate:,.0f}× pdfplumber",
                f"≥ 20× (300 pages): {_verdict(cli_rate / plumber_rate >= 20)}" if pages == 300 else "", cli.peak_mb, cli.cpu_s),
            Row(f"pdfplumber `extract_text()`, {pages} pages", f"{plumber_rate:,.1f} pages/s ({plumber.seconds:.1f} s, one run)", peak_mb=plumber.peak_mb, cpu_s=plumber.cpu_s),
        ]  # fmt: skip

    if "match" in parts:
        match = measure_child(1, "match", str(runs))
        words = match.figures["units"]
        ours_wps = words / match.seconds
        floor_wps = words / match.figures["floor_seconds"]
        rows.append(
            Row(f"match + score, corpus clauses ({words:,.0f} words, every control), one core", f"{ours_wps:,.0f} words/s",
                f"keyword scan (one compiled regex per control) {floor_wps:,.0f} words/s", f"{floor_wps / ours_wps:.1f}× slower than the floor",
                f"≥ 100,000 words/s: {_verdict(ours_wps >= 100_000)}; ≤ 10×: {_verdict(floor_wps / ours_wps <= 10)}", match.peak_mb, match.cpu_s)
        )  # fmt: skip

        profiles["match"] = measure_child(1, "match_profile").figures

    if "pipeline" in parts:
        agreement = measure_child(runs, "pipeline", str(paths["agreement"]), "file")
        rows.append(Row(f"{agreement.figures['units']:.0f}-page agreement end to end in-process (extract → score, checker built)",
                        f"{agreement.seconds:.3f} s", peak_mb=agreement.peak_mb, cpu_s=agreement.cpu_s))  # fmt: skip
        app = measure_child(runs, "pipeline", str(paths["upload"]), "upload")
        rows.append(Row(f"app path: {app.figures['units']:.0f}-page upload → findings (engine warm from server start)",
                        f"{app.seconds:.3f} s", target=f"≤ 1 s: {_verdict(app.seconds <= 1.0)}", peak_mb=app.peak_mb, cpu_s=app.cpu_s))  # fmt: skip

    if "check" in parts:
        ten = str(paths["pdf10"])
        isolated = measure_command(runs, [CLI, "check", ten, "--format", "json"])
        inline = measure_command(runs, [CLI, "check", ten, "--format", "json", "--no-isolation"])
        rows += [
            Row("CLI `check` one 10-page PDF, isolated (worker forked from the warm fork server)", f"{isolated.seconds:.2f} s",
                target=f"≤ 1.0 s: {_verdict(isolated.seconds <= 1.0)}", peak_mb=isolated.peak_mb, cpu_s=isolated.cpu_s),
            Row("CLI `check` one 10-page PDF, `--no-isolation`", f"{inline.seconds:.2f} s", ratio=f"isolation costs {isolated.seconds - inline.seconds:+.2f} s", peak_mb=inline.peak_mb, cpu_s=inline.cpu_s),
        ]  # fmt: skip
        profiles["check"] = measure_child(runs, "check_timeline", ten).figures

    if "startup" in parts:
        start = measure_child(runs, "startup")
        g = start.figures
        rows.append(
            Row("… where a worker's start goes without the fork server (the CLI's critical path)",
                f"{g['seconds']:.2f} s: imports {g['imports']:.2f} s (spaCy {g['spacy']:.2f} s), library {g['library']:.3f} s"
                f" (cache), matcher {g['engine']:.2f} s, segmenter {g['segmenter']:.2f} s", peak_mb=start.peak_mb, cpu_s=start.cpu_s)
        )  # fmt: skip

    if "batch" in parts:
        sheet = make_portfolio("pdf20", 20)
        for jobs in (1, 2):
            batch = run_batch_bench(sheet, jobs)
            rows.append(Row(f"batch, 20 agreements of 20 pages, `--jobs {jobs}` (incl. start-up)", f"{batch['per_minute']:,.0f} documents/min",
                            f"{batch['seconds']:.1f} s", peak_mb=max(batch["parent_mb"], batch["worker_mb"]),
                            cpu_s=batch["parent_cpu_s"] + batch["worker_cpu_s"],
                            ratio=f"parent {batch['parent_mb']:.0f} MB, each worker {batch['worker_mb']:.0f} MB"))  # fmt: skip
    return rows, profiles


def render(rows: list[Row], runs: int, profiles: dict[str, dict[str, Any]] | None = None) -> str:
    """The Speed section of BENCHMARKS.md."""
    head = ["what", "figure", "CPU s", "beside", "ratio", "target", "peak RSS MB"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "## Speed against floors and targets (issue 14)",
        "",
        f"`make bench` (`python -m bench.bench_speed --runs {runs}`) on {platform.python_implementation()}"
        f" {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores shared with other jobs:"
        f" fastest of {runs} fresh processes per figure (pdfplumber: one run), largest peak RSS (`wait4`)."
        " Match + score is CPU time on one core. The library cache was warm (a first run builds it once)."
        f" Load average when the table was written: {load} (1, 5, 15 min).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---:" if i in (1, 2) else "---" for i in range(len(head))) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    missed = [row.what for row in rows if "not met" in row.target]
    lines += ["", "Targets not met in this run: " + ("; ".join(missed) if missed else "none") + "."]
    lines += _render_profiles(profiles or {})
    return "\n".join(lines)


def _render_profiles(profiles: dict[str, dict[str, Any]]) -> list[str]:
    """The profiles of the two big misses (:mod:`bench.speed_profile`), as markdown below the table."""
    lines: list[str] = []
    check = profiles.get("check")
    if check:
        lines += [
            "",
            "### Where `clausecheck check` (isolated, one 10-page PDF) spends its time",
            "",
            "The CLI's steps with a clock between them (`bench/speed_profile.py`), fastest of the runs;"
            f" {check['seconds']:.2f} s in all. The worker's document took {check['worker_cpu']:.3f} s of CPU.",
            "",
            "| step | seconds | at |",
            "|---|---:|---:|",
        ]
        lines += [f"| {s['step']} | {s['seconds']:.3f} | {s['at']:.3f} |" for s in check["steps"]]
    match = profiles.get("match")
    if match:
        total = match["seconds"]
        lines += [
            "",
            "### Where match + score spends its time",
            "",
            f"One pass over the corpus clauses ({match['words']:,.0f} words, playbook `all`) with a timer around"
            f" each stage (exclusive CPU time; {total:.3f} s in all, {match['words'] / total:,.0f} words/s"
            " with the timers on):",
            "",
            *profile_tables(match, top=12),
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, and update BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=PARTS,
        help="measure these parts (a partial table is not written)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind in ONE_CORE:
            # Before NumPy loads: one BLAS thread, as in the workers and in bench_match. CPU time counts
            # every thread, and OpenBLAS's second thread spins, so two threads inflated "one core".
            assert "numpy" not in sys.modules
            os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"
        print(json.dumps(CHILDREN[kind](*rest)))
        return 0
    rows, profiles = collect(args.runs, args.only)
    table = render(rows, args.runs, profiles)
    print(table)
    if not args.no_write and tuple(args.only) == PARTS:
        write_section(table, "speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
