"""The incident view: versions by the ecosystem's rules, business-day deadlines, and the whole story of
issue 13 run through the command line (batch a portfolio into the register, add two SBOMs, ask who is
exposed to litellm 1.82.7/1.82.8 and what they owe us)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checker.cli import main
from checker.register.advisory import AffectedPackage, Range, from_purl, read_osv, version_affected
from checker.register.deadlines import Window, add_business_days, windows
from checker.register.sbom import Component, SbomError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "register"


def _pypi(versions=(), ranges=()) -> AffectedPackage:
    return AffectedPackage("pypi", "litellm", None, tuple(versions), tuple(ranges))


@pytest.mark.parametrize(
    ("package", "version", "affected"),
    [
        (_pypi(["1.82.7", "1.82.8"]), "1.82.7", True),
        (_pypi(["1.82.7"]), "1.82.7.0", True),  # PEP 440: the same release
        (_pypi(["1.82.7"]), "1.82.70", False),
        (_pypi(ranges=[Range("ECOSYSTEM", "1.82.7", fixed="1.82.9")]), "1.82.8", True),
        (_pypi(ranges=[Range("ECOSYSTEM", "1.82.7", fixed="1.82.9")]), "1.82.9", False),
        (_pypi(ranges=[Range("ECOSYSTEM", "1.82.7", fixed="1.82.9")]), "1.82.10", False),  # not string order
        (
            _pypi(ranges=[Range("ECOSYSTEM", "1.82.7", fixed="1.82.9")]),
            "1.82.9rc1",
            True,
        ),  # pre-release before fix
        (_pypi(ranges=[Range("ECOSYSTEM", "0", last_affected="2.0")]), "2.0", True),
        (
            AffectedPackage("npm", "left-pad", None, (), (Range("SEMVER", "1.0.0", fixed="1.3.1"),)),
            "1.3.0",
            True,
        ),
        (
            AffectedPackage("npm", "left-pad", None, (), (Range("SEMVER", "1.0.0", fixed="1.3.1"),)),
            "1.10.0",
            False,
        ),
    ],
)
def test_versions_compare_by_the_ecosystems_rules(package, version, affected):
    assert version_affected(package, version) is affected


def test_package_names_compare_as_the_ecosystem_does():
    package = from_purl("pkg:pypi/LiteLLM", ["1.82.7"])
    assert package.affects(Component("x", "1.82.7", "pkg:pypi/lite-llm@1.82.7", "pypi")) is False
    assert package.affects(Component("litellm", "1.82.7", "pkg:pypi/litellm@1.82.7", "pypi"))
    assert not package.affects(Component("litellm", "1.82.7", "pkg:npm/litellm@1.82.7", "npm"))
    scoped = from_purl("pkg:npm/%40angular/core", ["1.0.0"])
    assert scoped.affects(Component("core", "1.0.0", "pkg:npm/%40angular/core@1.0.0", "npm"))
    assert not scoped.affects(Component("core", "1.0.0", "pkg:npm/core@1.0.0", "npm"))
    log4j = from_purl("pkg:maven/org.apache.logging.log4j/log4j-core", ["2.14.1"])
    jar = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar#sub/path"
    assert log4j.affects(Component("log4j-core", "2.14.1", jar, "maven"))
    with pytest.raises(SbomError, match="No affected versions"):
        from_purl("pkg:pypi/litellm", [""])
    with pytest.raises(SbomError, match="not a package URL"):
        from_purl("litellm", ["1"])


def test_business_days_skip_the_weekend():
    friday = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)
    assert add_business_days(friday, 1) == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # Monday
    assert add_business_days(friday, 2) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert Window("k", 72, "hours").deadline(friday) == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)
    assert [w.key for w in windows({"a_days": 1, "b_hours": 48, "c_business_days": 1})] == [
        "a_days",  # 24 hours
        "b_hours",  # 48 hours
        "c_business_days",  # a business day may span a weekend: counted as up to 72 hours
    ]


def test_an_osv_advisory_names_the_package_and_its_ranges(tmp_path):
    [package] = read_osv(FIXTURES / "litellm-osv.json")
    assert package.purl == "pkg:pypi/litellm" and package.source == "CLAUSECHECK-EXAMPLE-2026-0001"
    assert version_affected(package, "1.82.8") and not version_affected(package, "1.82.6")
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "X"}')
    with pytest.raises(SbomError, match="no 'affected' list"):
        read_osv(bad)


def test_the_whole_story_batch_sboms_incident(db_url, tmp_path, capsys):
    db = db_url  # a SQLite file, then a PostgreSQL database
    sheet = FIXTURES / "vendors.csv"
    assert (
        main(
            [
                "batch",
                str(sheet),
                "--out",
                str(tmp_path / "scored.xlsx"),
                "--playbook",
                "all",
                "--register",
                "--db",
                db,
                "--no-cache",
                "--quiet",
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    assert "3 assessments recorded" in capsys.readouterr().err
    assert (
        main(["register", "add-sbom", "Acme Assist Ltd", str(FIXTURES / "acme-cyclonedx.json"), "--db", db])
        == 0
    )
    assert (
        main(
            ["register", "add-sbom", "Globex Corporation", str(FIXTURES / "globex-cyclonedx.xml"), "--db", db]
        )
        == 0
    )
    capsys.readouterr()

    argv = [
        "incident",
        "--package",
        "pkg:pypi/litellm",
        "--versions",
        "1.82.7,1.82.8",
        "--at",
        "2026-03-24T10:39Z",
        "--db",
        db,
    ]
    assert main([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [v["vendor"] for v in report["affected"]] == ["Acme Assist Ltd"]
    assert [v["vendor"] for v in report["unknown"]] == ["Initech LLC"]  # no SBOM on file
    assert [v["vendor"] for v in report["not_affected"]] == ["Globex Corporation"]  # ships 1.82.6
    acme = report["affected"][0]
    assert [c["purl"] for c in acme["components"]] == ["pkg:pypi/litellm@1.82.7"]
    duties = {d["control"]: d for d in acme["duties"]}
    # Tuesday 10:39 UTC + two business days (§1.2 of the fixture) = Thursday 10:39.
    compromise = duties["supply_chain_compromise_notice"]
    assert compromise["deadline"] == "2026-03-26T10:39:00+00:00" and compromise["window_hours"] == 48
    assert (
        "two (2) business days" in compromise["evidence"][0]["text"]
        and compromise["evidence"][0]["section"] == "1.2"
    )
    notice = duties["incident_notification"]
    assert (notice["status"], notice["window_hours"], notice["deadline"]) == (
        "met",
        24,
        "2026-03-25T10:39:00+00:00",
    )
    assert {
        "incident_cooperation",
        "audit_rights",
        "termination_for_security_breach",
        "sbom_disclosure",
    } <= set(duties)
    assert (
        duties["audit_rights"]["deadline"] is None
    )  # an audit's notice period does not run from the compromise
    assert any("weak" in g for g in acme["gaps"])  # days where hours are required

    initech = report["unknown"][0]
    assert {d["control"]: d["deadline"] for d in initech["duties"]}[
        "incident_notification"
    ] == "2026-03-26T10:39:00+00:00"
    assert any("audit" in g and "expressly excluded" in g for g in initech["gaps"])
    assert any("SBOM" in g for g in initech["gaps"])

    # The OSV advisory gives the same answer; the other formats carry it too.
    assert (
        main(
            [
                "incident",
                "--osv",
                str(FIXTURES / "litellm-osv.json"),
                "--at",
                "2026-03-24T10:39Z",
                "--db",
                db,
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert [v["vendor"] for v in json.loads(capsys.readouterr().out)["affected"]] == ["Acme Assist Ltd"]
    assert main([*argv, "--format", "xlsx", "--out", str(tmp_path / "incident.xlsx")]) == 0
    rows = list(load_workbook(tmp_path / "incident.xlsx")["Duties"].iter_rows(values_only=True))
    assert rows[1][:4] == (
        "Acme Assist Ltd",
        "affected",
        "pkg:pypi/litellm@1.82.7",
        "supply_chain_compromise_notice",
    )
    assert main([*argv, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert "Acme Assist Ltd" in html and "<script" not in html and "2026-03-26T10:39:00+00:00" in html
    assert main([*argv, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert (
        "AFFECTED (1)" in table
        and "UNKNOWN (1)" in table
        and "by 2026-03-26T10:39:00+00:00 (2 business days)" in table
    )

    assert main(["register", "export", "--out", str(tmp_path / "register.xlsx"), "--db", db]) == 0
    workbook = load_workbook(tmp_path / "register.xlsx")
    assert [r[0] for r in workbook["Vendors"].iter_rows(min_row=2, values_only=True)] == [
        "Acme Assist Ltd",
        "Globex Corporation",
        "Initech LLC",
    ]
    assert len(list(workbook["SBOMs"].iter_rows(min_row=2))) == 2


def test_incident_usage_errors_exit_2(tmp_path, capsys):
    db = str(tmp_path / "r.sqlite")
    assert main(["incident", "--db", db]) == 2
    assert (
        main(["incident", "--package", "pkg:pypi/x", "--versions", "1", "--at", "yesterday", "--db", db]) == 2
    )
    assert "not an ISO-8601 time" in capsys.readouterr().err


def test_the_registers_prefilter_keeps_every_spelling_the_ecosystem_treats_as_one(db_url):
    from checker.register import open_register
    from checker.register.incident import assess_incident
    from checker.register.record import record_sbom
    from checker.register.sbom import read_sbom_bytes

    def sbom(*purls: str) -> bytes:
        parts = [
            {"type": "library", "bom-ref": p, "name": p.split("/")[-1].split("@")[0], "purl": p}
            for p in purls
        ]
        return json.dumps(
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": parts}
        ).encode()

    register = open_register(db_url)
    shipped = {
        "Dots": sbom("pkg:pypi/Zope.Interface@5.0"),
        "Scoped": sbom("pkg:npm/%40angular/core@1.0.0"),
        "Unrelated": sbom("pkg:pypi/zope-interfaces@5.0", "pkg:npm/core@1.0.0"),
    }
    for vendor, data in shipped.items():
        record_sbom(register, vendor, read_sbom_bytes(data, "bom.json"), "bom.json", create=True)
    packages = [
        from_purl("pkg:pypi/zope-interface", ["5.0"]),
        from_purl("pkg:npm/%40angular/core", ["1.0.0"]),
    ]
    report = assess_incident(register, packages, datetime(2026, 3, 24, tzinfo=UTC))
    register.close()
    assert [e.vendor for e in report.affected] == ["Dots", "Scoped"]
    assert [e.vendor for e in report.not_affected] == ["Unrelated"]
