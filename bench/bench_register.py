"""Speed of the vendor register: recording assessments, adding SBOMs, and the incident view.

A portfolio of ``--vendors`` vendors is recorded (the four fixture contracts of ``fixtures/register``,
assessed once with the playbook ``all``, recorded under many vendor names: 44 findings each), each vendor
gets a generated CycloneDX JSON SBOM of ``--components`` components (every tenth vendor ships litellm
1.82.7), then ``register list`` and ``incident`` are timed (minimum of ``--runs`` runs: the machine is
shared, the minimum is the least disturbed figure).

Run: ``.venv/bin/python -m bench.bench_register [--vendors 200] [--components 300] [--db URL] [--write]``
(default: a SQLite file in a temporary directory); ``--write`` updates the Register section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from checker.api import ContractChecker
from checker.register import open_register, record_assessment
from checker.register.advisory import from_purl
from checker.register.incident import assess_incident
from checker.register.record import record_sbom
from checker.register.sbom import read_sbom_bytes
from checker.register.views import list_vendors

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "register"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- register:start -->", "<!-- register:end -->"


def sbom_bytes(vendor: int, components: int) -> bytes:
    """A valid CycloneDX 1.6 JSON SBOM; vendors 0, 10, 20 ... ship litellm 1.82.7."""
    parts = [
        {
            "type": "library",
            "bom-ref": f"c{i}",
            "name": f"package-{i}",
            "version": f"1.{i}.0",
            "purl": f"pkg:pypi/package-{i}@1.{i}.0",
        }
        for i in range(components - 1)
    ]
    version = "1.82.7" if vendor % 10 == 0 else "1.80.0"
    parts.append(
        {
            "type": "library",
            "bom-ref": "litellm",
            "name": "litellm",
            "version": version,
            "purl": f"pkg:pypi/litellm@{version}",
        }
    )
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": f"product-{vendor}", "bom-ref": "app"}},
        "components": parts,
    }
    return json.dumps(doc).encode()


def _best(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(vendors: int, components: int, runs: int, db: str | None) -> dict[str, float | str]:
    """Record, add SBOMs, list and query; returns the figures."""
    names = sorted(p.name for p in FIXTURES.glob("*.md"))
    assessments, errors = ContractChecker().check_paths([FIXTURES / n for n in names], "all")
    assert not errors
    with tempfile.TemporaryDirectory() as tmp:
        register = open_register(db or str(Path(tmp) / "bench.sqlite"))
        backend = register.engine.dialect.name
        started = time.perf_counter()
        for v in range(vendors):
            record_assessment(register, assessments[v % len(assessments)], f"vendor {v:05d}")
        record_s = time.perf_counter() - started
        # Two SBOMs (with and without the compromised version), each read and validated ``runs`` times;
        # every vendor stores one of the two.
        affected, clean = sbom_bytes(0, components), sbom_bytes(1, components)
        read_sbom_bytes(clean, "bom.json")  # warm-up: imports and the schema validator, built once
        parse_s = _best(runs, lambda: read_sbom_bytes(affected, "bom.json"))
        parsed = {0: read_sbom_bytes(affected, "bom.json"), 1: read_sbom_bytes(clean, "bom.json")}
        started = time.perf_counter()
        for v in range(vendors):
            record_sbom(register, f"vendor {v:05d}", parsed[0 if v % 10 == 0 else 1], "bom.json")
        store_s = time.perf_counter() - started
        list_s = _best(runs, lambda: list_vendors(register))
        package = from_purl("pkg:pypi/litellm", ["1.82.7", "1.82.8"])
        at = datetime(2026, 3, 24, 10, 39, tzinfo=UTC)
        report = assess_incident(register, [package], at)
        assert len(report.affected) == (vendors + 9) // 10
        incident_s = _best(runs, lambda: assess_incident(register, [package], at))
        register.close()
    return {
        "backend": backend, "vendors": vendors, "components": components,
        "record_per_s": vendors / record_s, "sbom_parse_ms": 1000 * parse_s,
        "sbom_store_ms": 1000 * store_s / vendors, "list_s": list_s, "incident_s": incident_s,
    }  # fmt: skip


def render(results: list[dict[str, float | str]], runs: int) -> str:
    """The Register section of BENCHMARKS.md, markers included."""
    rows = [
        f"| {r['backend']} | {r['vendors']:,} | {r['components']:,} | {r['record_per_s']:.0f} | {r['sbom_parse_ms']:.0f}"
        f" | {r['sbom_store_ms']:.0f} | {r['list_s']:.2f} | {r['incident_s']:.2f} |"
        for r in results
    ]
    return "\n".join(
        [
            START,
            "## Register",
            "",
            f"`python -m bench.bench_register` on {platform.python_implementation()} {platform.python_version()},"
            f" one process, shared 2-core machine (other engineers' jobs running); list and incident are the"
            f" minimum of {runs} runs, as is reading one SBOM (after a warm-up that builds the schema validator). Each vendor: one assessment (playbook all, 44 findings with evidence)"
            " and one CycloneDX JSON SBOM; every tenth vendor ships litellm 1.82.7. PostgreSQL: Debian's 15,"
            " local unix socket, fsync off (as in the tests).",
            "",
            "| backend | vendors | components/SBOM | assessments recorded/s | SBOM read+validate ms | SBOM store ms"
            " | `register list` s | `incident` s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            END,
        ]
    )


def write_section(section: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between the register markers in ``path`` (or add the section)."""
    current = path.read_text(encoding="utf-8")
    if START in current and END in current:
        before, _, rest = current.partition(START)
        _, _, after = rest.partition(END)
        current = before + section + after
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    """Run the benchmark on each ``--db`` (default SQLite) and print (``--write``: record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--components", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--db", action="append", help="a register URL to measure (repeatable; default SQLite)"
    )
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    results = [measure(args.vendors, args.components, args.runs, db) for db in args.db or [None]]
    section = render(results, args.runs)
    print(section)
    if args.write:
        write_section(section)


if __name__ == "__main__":
    main()
