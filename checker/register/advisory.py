"""What is compromised: a package and its affected versions or ranges, from the command line or OSV JSON.

Versions are compared by the ecosystem's own rules: PyPI with :mod:`packaging` (PEP 440, so ``1.82.7``
equals ``1.82.7.0``), SEMVER ranges and semver ecosystems (npm, cargo, ...) with ``semantic_version``.
An ecosystem we cannot order is matched on its exact listed versions only, and the advisory says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import semantic_version
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from checker.register.sbom import Component, SbomError, parse_purl

__all__ = ["AffectedPackage", "Range", "from_purl", "read_osv", "read_osv_bytes", "version_affected"]

MAX_OSV_BYTES = 5 * 1024 * 1024
#: OSV ecosystems as package-URL types.
_ECOSYSTEMS = {
    "pypi": "pypi",
    "npm": "npm",
    "maven": "maven",
    "go": "golang",
    "crates.io": "cargo",
    "rubygems": "gem",
    "nuget": "nuget",
    "packagist": "composer",
    "debian": "deb",
    "hex": "hex",
    "pub": "pub",
}
_SEMVER_TYPES = {"npm", "cargo", "golang", "hex", "pub", "nuget", "composer", "gem"}


@dataclass(frozen=True)
class Range:
    """An OSV range: affected from ``introduced`` up to (not including) ``fixed`` or through ``last_affected``."""

    kind: str
    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None


@dataclass(frozen=True)
class AffectedPackage:
    """A package (by package-URL type, namespace and name) and which of its versions are affected."""

    purl_type: str
    name: str
    namespace: str | None = None
    versions: tuple[str, ...] = ()
    ranges: tuple[Range, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def purl(self) -> str:
        """The package URL without a version: ``pkg:pypi/litellm``."""
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"pkg:{self.purl_type}/{ns}{self.name}"

    def same_package(self, component: Component) -> bool:
        """Whether ``component`` is this package (names compared as the ecosystem does)."""
        if component.purl is None or component.purl_type != self.purl_type:
            return False
        namespace, name = _purl_path(component.purl)
        return _norm(self.purl_type, name) == _norm(self.purl_type, self.name) and (
            namespace.lower() == (self.namespace or "").lower()
        )

    def affects(self, component: Component) -> bool:
        """Whether ``component`` is an affected version of this package (unknown version: assume yes)."""
        if not self.same_package(component):
            return False
        return component.version is None or version_affected(self, component.version)


def _purl_path(purl: str) -> tuple[str, str]:
    """Namespace and name of a canonical package URL (as stored), without parsing it in full: an SBOM
    of a large portfolio holds tens of thousands, and an incident reads them all."""
    path = purl.split("#", 1)[0].split("?", 1)[0]
    path = path.rsplit("@", 1)[0] if "@" in path else path  # a name's own "@" is percent-encoded
    segments = path.removeprefix("pkg:").split("/")[1:]
    return unquote("/".join(segments[:-1])), unquote(segments[-1] if segments else "")


def _norm(purl_type: str, name: str) -> str:
    return str(canonicalize_name(name)) if purl_type == "pypi" else name.lower()


def _order(purl_type: str, kind: str, version: str) -> Any:
    """A sortable version, or None when the ecosystem's rules cannot read it."""
    try:
        if purl_type == "pypi" and kind != "SEMVER":
            return Version(version)
        if kind == "SEMVER" or purl_type in _SEMVER_TYPES:
            return semantic_version.Version.coerce(version.removeprefix("v"))
    except (InvalidVersion, ValueError):
        return None
    return None


def version_affected(package: AffectedPackage, version: str) -> bool:
    """Whether ``version`` is listed as affected or falls in one of the package's ranges."""
    for listed in package.versions:
        a, b = _order(package.purl_type, "", listed), _order(package.purl_type, "", version)
        if listed == version or (a is not None and a == b):
            return True
    for r in package.ranges:
        current = _order(package.purl_type, r.kind, version)
        if current is None:
            continue
        low = _order(package.purl_type, r.kind, r.introduced) if r.introduced not in (None, "0") else None
        if r.introduced not in (None, "0") and (low is None or current < low):
            continue
        if r.fixed is not None:
            high = _order(package.purl_type, r.kind, r.fixed)
            if high is not None and current < high:
                return True
        elif r.last_affected is not None:
            last = _order(package.purl_type, r.kind, r.last_affected)
            if last is not None and current <= last:
                return True
        else:
            return True
    return False


def from_purl(purl: str, versions: list[str]) -> AffectedPackage:
    """The package named by ``--package PURL`` with the ``--versions`` given."""
    parsed = parse_purl(purl)
    listed = [v.strip() for v in versions if v.strip()]
    if parsed.version:
        listed.append(parsed.version)
    if not listed:
        raise SbomError(
            f"No affected versions for {purl}.", hint="Pass --versions V1,V2 or --osv ADVISORY.json."
        )
    return AffectedPackage(parsed.type, parsed.name, parsed.namespace, tuple(listed), source="command line")


def _ranges(raw: list[dict[str, Any]]) -> tuple[list[Range], list[str]]:
    ranges: list[Range] = []
    notes: list[str] = []
    for r in raw:
        kind = str(r.get("type", ""))
        if kind not in ("ECOSYSTEM", "SEMVER"):
            notes.append(f"a {kind} range is not compared (only ECOSYSTEM and SEMVER ranges are)")
            continue
        current: dict[str, str] = {}
        for event in r.get("events", []):
            if "introduced" in event and current:
                ranges.append(Range(kind, **current))
                current = {}
            current.update(
                {k: str(v) for k, v in event.items() if k in ("introduced", "fixed", "last_affected")}
            )
            if "fixed" in event or "last_affected" in event:
                ranges.append(Range(kind, **current))
                current = {}
        if current:
            ranges.append(Range(kind, **current))
    return ranges, notes


def read_osv(path: str | Path) -> list[AffectedPackage]:
    """The affected packages of an OSV advisory file (https://ossf.github.io/osv-schema/)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_OSV_BYTES:
            raise SbomError(
                f"The advisory is over {MAX_OSV_BYTES // 2**20} MB; it is refused.", path=str(path)
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SbomError(f"The advisory cannot be read: {exc.strerror}.", path=str(path)) from None
    return read_osv_bytes(data, str(path))


def read_osv_bytes(data: bytes, path: str) -> list[AffectedPackage]:
    """The affected packages of an OSV advisory given as bytes (an upload); ``path`` names it in messages."""
    if len(data) > MAX_OSV_BYTES:
        raise SbomError(f"The advisory is over {MAX_OSV_BYTES // 2**20} MB; it is refused.", path=path)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SbomError(f"The advisory is not valid JSON: {exc}.", path=path) from None
    affected = doc.get("affected") if isinstance(doc, dict) else None
    if not isinstance(affected, list) or not affected:
        raise SbomError(
            "The advisory has no 'affected' list, so it names no package.",
            hint="Give an OSV JSON advisory (https://ossf.github.io/osv-schema/).",
            path=str(path),
        )
    source = str(doc.get("id", Path(path).name))
    out: list[AffectedPackage] = []
    try:
        for entry in affected:
            package = entry.get("package", {})
            ranges, notes = _ranges(entry.get("ranges", []))
            versions = tuple(str(v) for v in entry.get("versions", []))
            if package.get("purl"):
                p = parse_purl(package["purl"])
                purl_type, namespace, name = p.type, p.namespace, p.name
            else:
                ecosystem = str(package.get("ecosystem", "")).split(":")[0].lower()
                if ecosystem not in _ECOSYSTEMS:
                    raise SbomError(
                        f"The advisory's ecosystem {package.get('ecosystem')!r} is not supported."
                    )
                purl_type, namespace, name = _ECOSYSTEMS[ecosystem], None, str(package["name"])
                if purl_type == "maven" and ":" in name:
                    namespace, name = name.split(":", 1)
            out.append(
                AffectedPackage(purl_type, name, namespace, versions, tuple(ranges), source, tuple(notes))
            )
    except (AttributeError, KeyError, TypeError) as exc:
        raise SbomError(f"The advisory's 'affected' entries are malformed ({exc}).", path=str(path)) from None
    return out
