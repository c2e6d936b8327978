"""Reading a vendor's SBOM: CycloneDX (JSON or XML) and SPDX JSON, validated, into package URLs.

Every SBOM is hostile input until proven otherwise: it is refused when it is over :data:`MAX_SBOM_BYTES`,
not UTF-8, nested absurdly deep, carries a DTD or entities (XML), fails its format's schema, or names
no components. Each format is read by its own ecosystem's library (cyclonedx-python-lib, spdx-tools) and
every package URL by packageurl-python, so what we match incidents on is what those tools understand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_xml
from packageurl import PackageURL

from checker.errors import ClauseCheckError

__all__ = [
    "MAX_SBOM_BYTES",
    "Component",
    "ParsedSbom",
    "SbomError",
    "parse_purl",
    "read_sbom",
    "read_sbom_bytes",
]

MAX_SBOM_BYTES = 50 * 1024 * 1024
#: JSON deeper than this is an attack, not an SBOM (real ones nest components a few levels).
MAX_DEPTH = 64
MAX_COMPONENTS = 200_000
_HINT = "Ask the vendor for a CycloneDX (JSON or XML) or SPDX 2.x JSON SBOM."


class SbomError(ClauseCheckError):
    """The SBOM cannot be used: wrong format, invalid against its schema, too large or hostile."""

    code = "sbom_invalid"


@dataclass(frozen=True)
class Component:
    """One component: its package URL (canonical form) where the SBOM gives one, name and version."""

    name: str
    version: str | None
    purl: str | None
    purl_type: str | None


@dataclass(frozen=True)
class ParsedSbom:
    """A validated SBOM: format, spec version, what it describes, its components and digest."""

    format: str
    spec_version: str
    subject: str
    components: list[Component]
    sha256: str


def parse_purl(text: str) -> PackageURL:
    """A package URL, or an :class:`SbomError` saying what is wrong with it."""
    try:
        return PackageURL.from_string(text)
    except ValueError as exc:
        raise SbomError(f"{text!r} is not a package URL: {exc}.", hint="Write it as pkg:TYPE/NAME.") from None


def _component(name: str, version: str | None, purl: str | None) -> Component:
    if purl:
        try:
            parsed = PackageURL.from_string(purl)
        except ValueError:
            return Component(name, version, None, None)
        return Component(name or parsed.name, version or parsed.version, parsed.to_string(), parsed.type)
    return Component(name, version, None, None)


def _depth(data: bytes) -> int:
    """Nesting depth of JSON text, counted without parsing (a deep document would blow the parser's stack)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _load_json(data: bytes) -> dict[str, Any]:
    if _depth(data) > MAX_DEPTH:
        raise SbomError(f"The JSON is nested more than {MAX_DEPTH} levels deep; it is refused.", hint=_HINT)
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SbomError(f"The file is not valid JSON: {exc}.", hint=_HINT) from None
    if not isinstance(loaded, dict):
        raise SbomError("The JSON is not an object, so not an SBOM.", hint=_HINT)
    return loaded


def _cyclonedx_version(raw: Any) -> Any:
    from cyclonedx.schema import SchemaVersion

    try:
        return SchemaVersion.from_version(str(raw))
    except (ValueError, KeyError):
        raise SbomError(f"CycloneDX version {raw!r} is not one we can validate.", hint=_HINT) from None


def _cyclonedx_components(bom: Any) -> tuple[str, list[Component]]:
    meta = bom.metadata.component
    subject = f"{meta.name} {meta.version or ''}".strip() if meta is not None else ""
    found = [_component(c.name, c.version, c.purl.to_string() if c.purl else None) for c in bom.components]
    # Nested components (a component's own parts) count as shipped as well.
    stack = list(bom.components)
    while stack:
        current = stack.pop()
        for child in current.components:
            found.append(
                _component(child.name, child.version, child.purl.to_string() if child.purl else None)
            )
            stack.append(child)
    return subject, found


@lru_cache(maxsize=16)
def _validator(kind: Any, version: Any) -> Any:
    """A schema validator, built once per format and version (compiling the schema is most of its cost)."""
    return kind(version)


def _read_cyclonedx_json(doc: dict[str, Any], data: bytes) -> tuple[str, str, list[Component]]:
    from cyclonedx.model.bom import Bom
    from cyclonedx.validation.json import JsonStrictValidator

    version = _cyclonedx_version(doc.get("specVersion"))
    error = _validator(JsonStrictValidator, version).validate_str(data.decode("utf-8-sig"))
    if error is not None:
        raise SbomError(f"The CycloneDX JSON does not follow schema {version.to_version()}: {_short(error)}.")
    try:
        bom = Bom.from_json(doc)  # type: ignore[attr-defined]
    except Exception as exc:  # the library raises many kinds on input it validated but cannot map
        raise SbomError(f"The CycloneDX JSON cannot be read: {_short(exc)}.", hint=_HINT) from None
    subject, components = _cyclonedx_components(bom)
    return version.to_version(), subject, components


def _read_cyclonedx_xml(data: bytes) -> tuple[str, str, list[Component]]:
    from cyclonedx.model.bom import Bom
    from cyclonedx.validation.xml import XmlValidator

    try:
        root = safe_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SbomError("The XML declares a DTD or entities; it is refused as hostile.", hint=_HINT) from None
    except Exception as exc:  # ParseError
        raise SbomError(f"The file is not well-formed XML: {_short(exc)}.", hint=_HINT) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith("http://cyclonedx.org/schema/bom/") or not root.tag.endswith("}bom"):
        raise SbomError("The XML is not a CycloneDX BOM (no cyclonedx.org <bom> root).", hint=_HINT)
    version = _cyclonedx_version(namespace.rsplit("/", 1)[-1])
    error = _validator(XmlValidator, version).validate_str(data.decode("utf-8-sig"))
    if error is not None:
        raise SbomError(f"The CycloneDX XML does not follow schema {version.to_version()}: {_short(error)}.")
    try:
        bom = Bom.from_xml(root)  # type: ignore[attr-defined]
    except Exception as exc:  # as above
        raise SbomError(f"The CycloneDX XML cannot be read: {_short(exc)}.", hint=_HINT) from None
    subject, components = _cyclonedx_components(bom)
    return version.to_version(), subject, components


def _read_spdx_json(doc: dict[str, Any]) -> tuple[str, str, list[Component]]:
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    try:
        document = JsonLikeDictParser().parse(doc)
    except SPDXParsingError as exc:
        raise SbomError(f"The SPDX JSON cannot be read: {_short(exc.get_messages())}.", hint=_HINT) from None
    problems = validate_full_spdx_document(document)
    if problems:
        raise SbomError(f"The SPDX JSON is not valid SPDX: {_short(problems[0].validation_message)}.")
    components = []
    for package in document.packages:
        purls = [ref.locator for ref in package.external_references if ref.reference_type.lower() == "purl"]
        components.append(_component(package.name, package.version, purls[0] if purls else None))
    return document.creation_info.spdx_version.removeprefix("SPDX-"), document.creation_info.name, components


def _short(detail: object) -> str:
    text = " ".join(str(detail).split())
    return text if len(text) <= 200 else text[:197] + "..."


def read_sbom_bytes(data: bytes, name: str) -> ParsedSbom:
    """Validate and read an SBOM given as bytes; ``name`` is only used to guess JSON from XML."""
    if len(data) > MAX_SBOM_BYTES:
        raise SbomError(
            f"The SBOM is {len(data) / 1e6:.0f} MB, over the {MAX_SBOM_BYTES // 2**20} MB limit.",
            hint="Split it per product, or ask the vendor for the product you use.",
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        fmt = "CycloneDX XML"
        spec, subject, components = _read_cyclonedx_xml(data)
    elif head == b"{":
        doc = _load_json(data)
        if doc.get("bomFormat") == "CycloneDX":
            fmt = "CycloneDX JSON"
            spec, subject, components = _read_cyclonedx_json(doc, data)
        elif "spdxVersion" in doc:
            fmt = "SPDX JSON"
            spec, subject, components = _read_spdx_json(doc)
        else:
            raise SbomError("The JSON is neither CycloneDX (bomFormat) nor SPDX (spdxVersion).", hint=_HINT)
    else:
        raise SbomError(f"{name} is neither JSON nor XML.", hint=_HINT)
    if not components:
        raise SbomError("The SBOM lists no components, so it cannot show what the vendor ships.", hint=_HINT)
    if len(components) > MAX_COMPONENTS:
        raise SbomError(f"The SBOM lists over {MAX_COMPONENTS:,} components; it is refused.", hint=_HINT)
    return ParsedSbom(fmt, spec, subject, components, hashlib.sha256(data).hexdigest())


def read_sbom(path: str | Path) -> ParsedSbom:
    """Validate and read the SBOM file at ``path``; see :func:`read_sbom_bytes`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SBOM_BYTES:
            raise SbomError(
                f"The SBOM is {size / 1e6:.0f} MB, over the {MAX_SBOM_BYTES // 2**20} MB limit.",
                hint="Split it per product, or ask the vendor for the product you use.",
                path=str(path),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SbomError(f"The SBOM cannot be read: {exc.strerror}.", path=str(path)) from None
    try:
        return read_sbom_bytes(data, path.name)
    except SbomError as exc:
        exc.path = str(path)
        raise
