"""Check that a CycloneDX SBOM describes exactly what a hash-pinned lock file installs.

``python -m checker.sbom_check requirements/lock.txt sbom.cdx.json`` exits 0 when every package pinned
in the lock appears in the SBOM with the same version (and the same hashes, where the SBOM records
hashes), and nothing else is listed; otherwise it prints one line per difference and exits 1. An SBOM
that silently drifts from the lock is worse than none: a customer would audit the wrong inventory.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Pin", "compare", "main", "read_lock", "read_sbom"]

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)")
_HASH = re.compile(r"--hash[=\s]sha256:([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Pin:
    """A package at one version, with the SHA-256 hashes of its distribution files."""

    name: str
    version: str
    hashes: frozenset[str] = field(default_factory=frozenset)


def canonical(name: str) -> str:
    """The PEP 503 normalised form of a package name (``Foo_Bar`` → ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _logical_lines(text: str) -> Iterator[str]:
    """Requirement lines with backslash continuations joined and comments dropped."""
    buffer = ""
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            yield buffer.strip()
        buffer = ""
    if buffer.strip():
        yield buffer.strip()


def read_lock(path: Path) -> tuple[dict[str, Pin], list[str]]:
    """Pinned packages of a pip requirements lock file, and lines that pin nothing exactly."""
    pins: dict[str, Pin] = {}
    unpinned: list[str] = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        if line.startswith("-"):
            continue  # options: --index-url, --find-links, -e ...
        match = _REQUIREMENT.match(line)
        if match is None:
            unpinned.append(line.split()[0])
            continue
        name, version = match.groups()
        pins[canonical(name)] = Pin(name, version, frozenset(h.lower() for h in _HASH.findall(line)))
    return pins, unpinned


def _components(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _components(item.get("components", []))


def _sha256s(component: dict[str, Any]) -> frozenset[str]:
    lists = [component.get("hashes", [])]
    lists += [ref.get("hashes", []) for ref in component.get("externalReferences", [])]
    return frozenset(
        h["content"].lower()
        for hashes in lists
        for h in hashes
        if h.get("alg") == "SHA-256" and "content" in h
    )


def read_sbom(path: Path) -> dict[str, Pin]:
    """Python packages listed as components of a CycloneDX JSON SBOM, by canonical name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
        raise ValueError(f"{path} is not a CycloneDX JSON document")
    found: dict[str, Pin] = {}
    for comp in _components(data.get("components", [])):
        purl = comp.get("purl", "")
        if (purl and not purl.startswith("pkg:pypi/")) or comp.get("type") == "machine-learning-model":
            continue
        name = comp.get("name", "")
        version = comp.get("version", "")
        if purl:  # the purl is what scanners match on; it must agree with name and version
            pname, _, pversion = purl[len("pkg:pypi/") :].split("?")[0].partition("@")
            if canonical(pname) != canonical(name) or (pversion and pversion != version):
                version = f"{version} (purl says {pname}@{pversion})"
        found[canonical(name)] = Pin(name, version, _sha256s(comp))
    return found


def compare(lock: dict[str, Pin], sbom: dict[str, Pin]) -> list[str]:
    """Every difference between the lock's pins and the SBOM's components, one message each."""
    problems: list[str] = []
    for key, pin in sorted(lock.items()):
        listed = sbom.get(key)
        if listed is None:
            problems.append(f"missing from SBOM: {pin.name}=={pin.version}")
        elif listed.version != pin.version:
            problems.append(
                f"version differs: {pin.name} is {pin.version} in the lock, {listed.version} in the SBOM"
            )
        elif listed.hashes and listed.hashes != pin.hashes:
            only_sbom = len(listed.hashes - pin.hashes)
            only_lock = len(pin.hashes - listed.hashes)
            problems.append(
                f"hashes differ: {pin.name}=={pin.version} ({only_sbom} only in the SBOM, {only_lock} only in the lock)"
            )
    for key, listed in sorted(sbom.items()):
        if key not in lock:
            problems.append(f"not in the lock: {listed.name}=={listed.version} is listed in the SBOM")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``LOCK SBOM``; exit 0 when they agree, 1 listing differences, 2 on unreadable input."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m checker.sbom_check LOCK SBOM", file=sys.stderr)
        return 2
    lock_path, sbom_path = map(Path, args)
    try:
        lock, unpinned = read_lock(lock_path)
        sbom = read_sbom(sbom_path)
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"sbom_check: {exc}", file=sys.stderr)
        return 2
    problems = [f"not pinned with ==: {name} in {lock_path}" for name in unpinned]
    problems += compare(lock, sbom)
    if not lock:
        problems.append(f"{lock_path} pins no packages")
    for problem in problems:
        print(f"sbom_check: {problem}")
    if problems:
        print(f"sbom_check: {sbom_path} does not match {lock_path}: {len(problems)} problem(s)")
        return 1
    hashed = sum(bool(sbom[k].hashes) for k in lock)
    print(
        f"sbom_check: {sbom_path} lists all {len(lock)} packages pinned in {lock_path}"
        f" at the same versions ({hashed} with matching hashes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
