"""SBOMs in: the three formats read by their own libraries, and bad, oversized or hostile files refused
with a clear error (the CLI exits 1 with one line, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.register.sbom import MAX_SBOM_BYTES, SbomError, read_sbom, read_sbom_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "register"


@pytest.mark.parametrize(
    ("name", "fmt", "spec", "subject", "purls"),
    [
        (
            "acme-cyclonedx.json",
            "CycloneDX JSON",
            "1.6",
            "acme-assist 4.2.0",
            {"pkg:pypi/litellm@1.82.7", "pkg:pypi/requests@2.32.3", "pkg:npm/left-pad@1.3.0"},
        ),
        (
            "globex-cyclonedx.xml",
            "CycloneDX XML",
            "1.5",
            "globex-gateway 2.0.1",
            {"pkg:pypi/litellm@1.82.6", "pkg:pypi/numpy@2.1.0"},
        ),
        # The SPDX file writes the name in capitals: packageurl-python's canonical PyPI form is lower case.
        (
            "initech-spdx.json",
            "SPDX JSON",
            "2.3",
            "initech-pipeline-3.1",
            {"pkg:pypi/litellm@1.82.8", "pkg:deb/debian/openssl@3.0.13"},
        ),
    ],
)
def test_each_format_is_read_with_its_components(name, fmt, spec, subject, purls):
    sbom = read_sbom(FIXTURES / name)
    assert (sbom.format, sbom.spec_version, sbom.subject) == (fmt, spec, subject)
    assert {c.purl for c in sbom.components} == purls


def _cyclonedx(**changes: object) -> bytes:
    doc = json.loads((FIXTURES / "acme-cyclonedx.json").read_text(encoding="utf-8"))
    doc.update(changes)
    return json.dumps(doc).encode()


BAD = [
    (
        "entity.xml",
        b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "xx">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5">&x;</bom>',
        "DTD or entities",
    ),
    (
        "external.xml",
        b'<?xml version="1.0"?><!DOCTYPE bom SYSTEM "http://example.invalid/x.dtd"><bom/>',
        "DTD or entities",
    ),
    ("deep.json", b"{" + b'"a":[' * 5000 + b"]" * 5000 + b"}", "nested more than"),
    (
        "bad-type.json",
        _cyclonedx(components=[{"type": "spaceship", "name": "x"}]),
        "does not follow schema 1.6",
    ),
    ("no-components.json", _cyclonedx(components=[]), "lists no components"),
    ("future.json", _cyclonedx(specVersion="9.9"), "not one we can validate"),
    ("other.json", b'{"hello": "world"}', "neither CycloneDX"),
    ("list.json", b"[1, 2]", "neither JSON nor XML"),
    ("broken.json", b'{"bomFormat": "CycloneDX", ', "not valid JSON"),
    ("latin1.json", b'{"bomFormat": "CycloneDX", "x": "\xe9"}', "not valid JSON"),
    ("not-cdx.xml", b"<html><body>hi</body></html>", "not a CycloneDX BOM"),
    ("spdx.json", b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}', "SPDX JSON"),
    ("binary.bin", b"\x00\x01PK\x03\x04", "neither JSON nor XML"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_and_hostile_sboms_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(SbomError, match=message):
        read_sbom_bytes(data, name)


def test_an_oversized_sbom_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:  # sparse: the size check must come before reading
        fh.truncate(MAX_SBOM_BYTES + 1)
    with pytest.raises(SbomError, match="over the 50 MB limit"):
        read_sbom(big)


def test_the_cli_refuses_a_hostile_sbom_with_one_line_and_exit_1(tmp_path, capsys):
    hostile = tmp_path / "bomb.xml"
    hostile.write_bytes(BAD[0][1])
    code = main(["register", "add-sbom", "Acme", str(hostile), "--db", str(tmp_path / "r.sqlite")])
    err = capsys.readouterr().err
    assert code == 1
    assert "DTD or entities" in err and "bomb.xml" in err and "Traceback" not in err
    code = main(
        [
            "register",
            "add-sbom",
            "Nobody",
            str(FIXTURES / "acme-cyclonedx.json"),
            "--db",
            str(tmp_path / "r.sqlite"),
        ]
    )
    assert code == 1 and "No vendor 'Nobody'" in capsys.readouterr().err
