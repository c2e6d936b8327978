"""The vendor register on SQLite and on a real PostgreSQL: migrations, recording, reading, the review
trail, diffs, parallel writers and a writer killed half-way. Every test runs on both backends."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from checker.api import ContractChecker
from checker.models import Assessment, ReviewerOverride, Status
from checker.register import RegisterError, open_register, record_assessment, record_review
from checker.register.database import head_revision, register_url
from checker.register.diff import diff_vendor
from checker.register.views import list_vendors, vendor_detail

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "register"
REPO = FIXTURES.parent.parent


@pytest.fixture(scope="module")
def contracts() -> dict[str, Assessment]:
    """The project's fixture contracts assessed once with the playbook ``all``."""
    names = [
        "acme-security-exhibit-2025.md",
        "acme-security-exhibit-2026.md",
        "globex-dpa.md",
        "initech-msa.md",
    ]
    assessments, errors = ContractChecker().check_paths([FIXTURES / n for n in names], "all")
    assert not errors
    return dict(zip(names, assessments, strict=True))


def _count(register, table: str) -> int:
    with register.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_register_made_at_the_first_migration_upgrades_in_place(db_url, contracts):
    old = open_register(db_url, revision="0001")
    with old.engine.begin() as conn:
        tables = set(conn.dialect.get_table_names(conn))
        assert {"vendors", "assessments", "findings"} <= tables and "reviews" not in tables
        conn.execute(text("INSERT INTO vendors (name, created) VALUES ('Old Vendor', CURRENT_TIMESTAMP)"))
    old.close()

    register = open_register(db_url)  # upgrades to the newest schema
    with register.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
        assert {"reviews", "sboms", "components"} <= set(conn.dialect.get_table_names(conn))
    record_assessment(register, contracts["globex-dpa.md"], "Old Vendor")
    assert [v.vendor for v in list_vendors(register)] == ["Old Vendor"]
    assert list_vendors(register)[0].assessments == 1
    register.close()


def test_recording_keeps_provenance_findings_and_evidence_locations(db_url, contracts):
    register = open_register(db_url)
    a = contracts["acme-security-exhibit-2026.md"]
    first = record_assessment(register, a, "Acme Assist Ltd")
    again = record_assessment(register, a, "Acme Assist Ltd")
    assert first.created and not again.created and first.assessment_id == again.assessment_id

    detail = vendor_detail(register, "acme assist ltd")  # names are found case-insensitively
    assert detail.vendor == "Acme Assist Ltd"
    [doc] = detail.documents
    assert (doc.file_name, doc.kind, doc.version) == ("acme-security-exhibit-2026.md", "exhibit", 1)
    assert doc.sha256 == a.document.sha256
    latest = detail.latest
    assert latest is not None
    assert latest.library_hash == a.provenance.library_hash and latest.playbook == "all"
    assert len(latest.findings) == len(a.findings)
    notice = latest.finding("incident_notification")
    assert notice is not None and notice.status == "met" and notice.params == {"notification_hours": 24.0}
    ev = notice.evidence[0]
    assert len(notice.evidence) == len(
        a.findings[[f.control for f in a.findings].index("incident_notification")].evidence
    )
    source = (FIXTURES / "acme-security-exhibit-2026.md").read_text(encoding="utf-8")
    assert ev.text is not None and ev.text in source and ev.section == "1.1" and ev.page == 1
    assert _count(register, "assessments") == 1
    register.close()


def test_no_text_keeps_statuses_numbers_and_locations_only(db_url, contracts):
    register = open_register(db_url)
    record_assessment(register, contracts["initech-msa.md"], "Initech LLC", store_text=False)
    latest = vendor_detail(register, "Initech LLC").latest
    assert latest is not None
    notice = latest.finding("incident_notification")
    assert notice is not None and notice.params == {"notification_hours": 48.0}
    assert notice.evidence and all(e.text is None and e.end > e.start for e in notice.evidence)
    with register.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM evidence WHERE text IS NOT NULL")).scalar_one() == 0
    register.close()


def test_vendor_names_are_data_not_sql(db_url, contracts):
    register = open_register(db_url)
    name = "O'Brien & Sons'); DROP TABLE vendors;--"
    record_assessment(register, contracts["globex-dpa.md"], name)
    assert [v.vendor for v in list_vendors(register)] == [name]
    assert vendor_detail(register, name).vendor == name
    with pytest.raises(RegisterError, match="1 to 300 characters"):
        record_assessment(register, contracts["globex-dpa.md"], "x" * 301)
    register.close()


def test_the_review_trail_is_append_only_and_decides_the_status(db_url, contracts):
    register = open_register(db_url)

    def reviewed(override: ReviewerOverride) -> Assessment:
        a = contracts["initech-msa.md"]
        findings = [
            f.model_copy(update={"override": override}) if f.control == "incident_notification" else f
            for f in a.findings
        ]
        return a.model_copy(update={"findings": findings})

    accepted = ReviewerOverride(decision="accepted", reviewer="ana")
    record_assessment(register, reviewed(accepted), "Initech LLC")
    record_assessment(register, reviewed(accepted), "Initech LLC")  # the same decision again: not repeated
    record_review(
        register,
        "Initech LLC",
        "audit_rights",
        decision="overridden",
        status="weak",
        comment="side letter",
        reviewer="bo",
    )
    latest = vendor_detail(register, "Initech LLC").latest
    assert latest is not None
    audit = latest.finding("audit_rights")
    assert audit is not None and (audit.engine_status, audit.status) == ("conflict", "weak")
    assert [r.reviewer for r in latest.finding("incident_notification").reviews] == ["ana"]  # type: ignore[union-attr]
    for statement in ("UPDATE reviews SET comment = 'edited'", "DELETE FROM reviews"):
        with pytest.raises(DBAPIError, match="append-only"), register.engine.begin() as conn:
            conn.execute(text(statement))
    assert _count(register, "reviews") == 2
    # The app records the same assessment with a changed decision: appended to the trail, and it decides.
    changed = ReviewerOverride(
        decision="overridden", status=Status.WEAK, comment="48 h is too slow", reviewer="cy"
    )
    assert not record_assessment(register, reviewed(changed), "Initech LLC").created
    notice = vendor_detail(register, "Initech LLC").latest.finding("incident_notification")  # type: ignore[union-attr]
    assert notice is not None and [r.reviewer for r in notice.reviews] == ["ana", "cy"]
    assert (notice.engine_status, notice.status) == ("met", "weak")
    with pytest.raises(RegisterError, match="no assessed control"):
        record_review(
            register,
            "Initech LLC",
            "no_such_control",
            decision="accepted",
            status=None,
            comment="",
            reviewer="x",
        )
    register.close()


def test_diff_names_stronger_weaker_appeared_and_disappeared_with_both_sides(db_url, contracts):
    register = open_register(db_url)
    record_assessment(register, contracts["acme-security-exhibit-2025.md"], "Acme")
    with pytest.raises(RegisterError, match="only one version"):
        diff_vendor(register, "Acme")
    record_assessment(register, contracts["acme-security-exhibit-2026.md"], "Acme")
    diff = diff_vendor(register, "Acme")
    changes = {c.control: c for c in diff.changes}
    notice = changes["incident_notification"]  # weak 72 h after confirming → met 24 h after awareness
    assert (notice.change, notice.before, notice.after) == ("stronger", "weak", "met")
    assert notice.evidence_before[0].text and "seventy-two (72) hours" in notice.evidence_before[0].text
    assert notice.evidence_after[0].text and "twenty-four (24) hours" in notice.evidence_after[0].text
    assert changes["sbom_disclosure"].change == "appeared" and not changes["sbom_disclosure"].evidence_before
    assert changes["termination_for_security_breach"].change == "appeared"
    assert "audit_rights" not in changes  # the same clause in both versions

    # And backwards: the older document recorded last is the "newest" version.
    record_assessment(register, contracts["acme-security-exhibit-2025.md"], "Acme Rollback")
    record_assessment(register, contracts["acme-security-exhibit-2026.md"], "Acme Rollback")
    record_assessment(
        register,
        contracts["acme-security-exhibit-2025.md"].model_copy(
            update={
                "provenance": contracts["acme-security-exhibit-2025.md"].provenance.model_copy(
                    update={"playbook_hash": "x"}
                )
            }
        ),
        "Acme Rollback",
    )
    back = {c.control: c for c in diff_vendor(register, "Acme Rollback").changes}
    assert back["incident_notification"].change == "weaker"
    assert back["sbom_disclosure"].change == "disappeared"
    register.close()


_WRITER = textwrap.dedent(
    """
    import json, sys
    from checker.models import Assessment
    from checker.register import open_register, record_assessment
    url, source, prefix = sys.argv[1:4]
    register = open_register(url)
    for i, item in enumerate(json.load(open(source))):
        record_assessment(register, Assessment.model_validate(item["assessment"]), prefix + item["vendor"])
        print(i, flush=True)
    """
)


def _portfolio(tmp_path: Path, contracts: dict[str, Assessment], copies: int) -> Path:
    """Many vendors' assessments (each contract under several vendor names) as JSON for a writer process."""
    items = [
        {"vendor": f"{name.removesuffix('.md')} {n:02d}", "assessment": a.model_dump(mode="json")}
        for n in range(copies)
        for name, a in contracts.items()
    ]
    path = tmp_path / "portfolio.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _writer(url: str, source: Path, prefix: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, str(source), prefix],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_writers_at_once_lose_and_duplicate_nothing(db_url, contracts, tmp_path):
    source = _portfolio(tmp_path, contracts, copies=3)  # 12 vendor assessments
    open_register(db_url).close()
    writers = [_writer(db_url, source), _writer(db_url, source), _writer(db_url, source, prefix="B ")]
    for w in writers:
        _, err = w.communicate(timeout=240)
        assert w.returncode == 0, err
    register = open_register(db_url)
    vendors = list_vendors(register)
    assert len(vendors) == 24  # 12 names, and the same 12 with the prefix
    assert all(v.assessments == 1 for v in vendors)
    assert _count(register, "assessments") == 24
    assert _count(register, "findings") == 24 * len(contracts["globex-dpa.md"].findings)
    register.close()


def test_a_writer_killed_half_way_leaves_a_readable_register_that_the_next_run_completes(
    db_url, contracts, tmp_path
):
    source = _portfolio(tmp_path, contracts, copies=10)  # 40 vendor assessments
    open_register(db_url).close()
    writer = _writer(db_url, source)
    assert writer.stdout is not None
    for _ in range(3):
        writer.stdout.readline()
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=60)

    register = open_register(db_url)
    done = _count(register, "assessments")
    assert 3 <= done < 40
    per_assessment = len(contracts["globex-dpa.md"].findings)
    assert _count(register, "findings") == done * per_assessment  # no assessment half-recorded
    register.close()

    rerun = _writer(db_url, source)
    _, err = rerun.communicate(timeout=240)
    assert rerun.returncode == 0, err
    register = open_register(db_url)
    assert _count(register, "assessments") == 40
    assert _count(register, "findings") == 40 * per_assessment
    register.close()


def test_sqlite_register_is_private_and_found_through_the_environment(tmp_path, monkeypatch, contracts):
    path = tmp_path / "sub" / "reg.sqlite"
    monkeypatch.setenv("CLAUSECHECK_DB", str(path))
    register = open_register()
    record_assessment(register, contracts["globex-dpa.md"], "Globex")
    register.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in path.parent.glob("reg.sqlite*"))
    assert register_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("CLAUSECHECK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert register_url() == f"sqlite:///{tmp_path / 'xdg' / 'clausecheck' / 'register.sqlite'}"


def test_a_register_that_cannot_be_opened_is_a_clear_error(tmp_path):
    with pytest.raises(RegisterError, match="not supported"):
        open_register("mysql://x@y/z")
    with pytest.raises(RegisterError, match="cannot be opened"):
        open_register("postgresql://nobody@/nowhere?host=/nonexistent-socket-dir")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RegisterError, match="cannot be created"):
        open_register(str(blocker / "reg.sqlite"))


def test_the_tables_and_the_migrations_describe_the_same_schema(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from checker.register.tables import Base

    register = open_register(db_url)
    with register.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    register.close()
    assert differences == []
