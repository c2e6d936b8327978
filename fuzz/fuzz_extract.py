"""Mutation fuzzer for extraction: ``.venv/bin/python -m fuzz.fuzz_extract --seconds 60``.

Seeds are the fixture files (generated, hostile and the small corpus files). Each round takes a seed and
mutates it (bit flips, interesting bytes, truncation, splicing with another seed, chunk deletion and
duplication, or, for DOCX/XLSX zips, the same on one zip member rewritten into a valid archive), then
feeds it to :func:`checker.extract.extract_bytes` under the name of the seed. A
:class:`~checker.errors.ClauseCheckError` is the expected answer to a bad file; any other exception is a
crash, and so is an input that takes longer than ``--hang`` seconds or kills the process (PDFium aborts
on some faults). Crashing inputs are saved to ``fuzz/crashes/`` with the traceback beside them.

The inputs run in a forked child under ``RLIMIT_AS`` (2 GiB), so a native abort loses no more than the
input that caused it: the parent saves that input (the child writes each one to ``.current`` first) and
forks a new child. Hypothesis drives the property tests; this is the coverage-blind, long-running
complement (atheris is not in the lock).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import resource
import signal
import sys
import time
import traceback
import zipfile
from pathlib import Path

from checker.errors import ClauseCheckError
from checker.extract import extract_bytes

ROOT = Path(__file__).resolve().parent.parent
SEED_DIRS = [ROOT / "fixtures" / "generated", ROOT / "fixtures" / "hostile", ROOT / "fixtures" / "corpus"]
SEED_SUFFIXES = {".pdf", ".docx", ".docm", ".doc", ".rtf", ".odt", ".txt", ".md", ".html"}
MAX_SEED_BYTES = 600_000
INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x25, 0x28, 0x29, 0x2F, 0x3C, 0x3E, 0x0A, 0x30, 0x39]
GIB = 1024**3


class Hang(Exception):
    """The input ran past the per-input time limit."""


def load_seeds() -> list[tuple[str, bytes]]:
    """(name, bytes) of every small fixture a contract reader might be given."""
    seeds = []
    for folder in SEED_DIRS:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in SEED_SUFFIXES and 0 < path.stat().st_size <= MAX_SEED_BYTES:
                seeds.append((path.name, path.read_bytes()))
    return seeds


def _flip(rng: random.Random, data: bytearray) -> None:
    for _ in range(rng.randint(1, 16)):
        pos = rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)


def _interesting(rng: random.Random, data: bytearray) -> None:
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.choice(INTERESTING)


def _chunk(rng: random.Random, data: bytearray) -> None:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 4096))
    if rng.random() < 0.5:
        del data[start:end]
    else:
        data[start:start] = data[start:end] * rng.randint(1, 8)


def mutate_bytes(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One to three byte-level mutations of ``data`` (``other`` is the splice partner)."""
    out = bytearray(data or b"\0")
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(5)
        if not out:
            out = bytearray(b"\0")
        if kind == 0:
            _flip(rng, out)
        elif kind == 1:
            _interesting(rng, out)
        elif kind == 2:
            out = out[: rng.randrange(len(out) + 1)]
        elif kind == 3:
            cut, cut_other = rng.randrange(len(out) + 1), rng.randrange(len(other) + 1)
            out = out[:cut] + other[cut_other:]
        else:
            _chunk(rng, out)
    return bytes(out)


def mutate_zip_member(rng: random.Random, data: bytes, other: bytes) -> bytes | None:
    """The archive rewritten with one member mutated (or dropped); None if ``data`` is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    if not members:
        return None
    target = rng.randrange(len(members))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, body) in enumerate(members):
            if index == target:
                if rng.random() < 0.1:
                    continue  # a missing part
                body = mutate_bytes(rng, body, other)
            archive.writestr(name, body)
    return out.getvalue()


def mutate(rng: random.Random, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A mutated input and the file name it is given under."""
    name, data = rng.choice(seeds)
    other = rng.choice(seeds)[1]
    if data.startswith(b"PK") and rng.random() < 0.6:
        zipped = mutate_zip_member(rng, data, other)
        if zipped is not None:
            return name, zipped
    return name, mutate_bytes(rng, data, other)


def save_crash(crashes: Path, name: str, data: bytes, report: str) -> Path:
    """Keep a crashing input (named by its hash) and the traceback that it caused."""
    crashes.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = crashes / f"{digest}-{name}"
    path.write_bytes(data)
    path.with_name(path.name + ".txt").write_text(report, encoding="utf-8")
    return path


def run_one(name: str, data: bytes, hang: float) -> str | None:
    """None when extraction ends as it should; else a report of the crash."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"no answer within {hang} s")

    signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, hang)
    try:
        extract_bytes(data, name)
    except ClauseCheckError:
        return None
    except Hang as exc:
        return f"HANG {name}: {exc}"
    except BaseException:  # any other exception is what we are looking for
        return f"CRASH {name}\n{traceback.format_exc()}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


def _child(deadline: float, seed: int, hang: float, crashes: Path) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, resource.RLIM_INFINITY))
    rng = random.Random(seed)
    seeds = load_seeds()
    current = crashes / ".current"
    runs = found = 0
    while time.monotonic() < deadline:
        name, data = mutate(rng, seeds)
        current.write_bytes(name.encode() + b"\n" + data)
        report = run_one(name, data, hang)
        runs += 1
        if report:
            found += 1
            path = save_crash(crashes, name, data, report)
            print(f"{report.splitlines()[-1]} -> {path.name}", file=sys.stderr)
    current.unlink(missing_ok=True)
    print(f"child {os.getpid()}: {runs} inputs, {found} crashes", file=sys.stderr)
    os._exit(0)


def fuzz(seconds: float, seed: int, hang: float, crashes: Path) -> int:
    """Fuzz for ``seconds``; return the number of processes that died (each one a saved crash)."""
    crashes.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    deaths = 0
    while time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:
            _child(deadline, seed + deaths, hang, crashes)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            continue
        deaths += 1
        current = crashes / ".current"
        if current.exists():
            name, _, data = current.read_bytes().partition(b"\n")
            why = (
                f"signal {os.WTERMSIG(status)}"
                if os.WIFSIGNALED(status)
                else f"exit {os.WEXITSTATUS(status)}"
            )
            path = save_crash(crashes, name.decode(), data, f"PROCESS DIED ({why}) {name.decode()}\n")
            print(f"process died ({why}) -> {path.name}", file=sys.stderr)
            current.unlink()
    return deaths


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--seconds``, ``--seed``, ``--hang`` and ``--crashes``."""
    parser = argparse.ArgumentParser(prog="python -m fuzz.fuzz_extract", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed (default: the clock)")
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before an input counts as a hang")
    parser.add_argument("--crashes", type=Path, default=ROOT / "fuzz" / "crashes", help="where crashes go")
    args = parser.parse_args(argv)
    print(f"fuzzing extract_bytes for {args.seconds:g} s, seed {args.seed}", file=sys.stderr)
    before = {p.name for p in args.crashes.glob("*")} if args.crashes.exists() else set()
    fuzz(args.seconds, args.seed, args.hang, args.crashes)
    new = sorted(p.name for p in args.crashes.glob("*.txt") if p.name not in before)
    print(f"{len(new)} new crashing inputs in {args.crashes}", file=sys.stderr)
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
