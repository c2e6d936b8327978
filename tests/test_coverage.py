"""Framework coverage: frameworks.yaml validation and the counts a report shows per framework section."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import LibraryError, PlaybookError
from checker.library.coverage import coverage, load_frameworks, provision_coverage
from checker.library.loader import Library, load_library
from checker.library.schema import Playbook

FRAMEWORKS = """\
frameworks:
  - id: art_x
    framework: TESTREG
    section: Art. 1
    title: A test framework section
    provisions:
      - {point: "(a)", title: "Audit", controls: [audit_rights]}
      - {point: "(b)", title: "Subcontracting", controls: [subprocessor_approval, subprocessor_flowdown]}
      - {point: "(c)", title: "Service levels", controls: []}
      - {point: "(d)", title: "Insurance", controls: [insurance]}
"""


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture()
def frameworks_file(tmp_path: Path) -> Path:
    path = tmp_path / "frameworks.yaml"
    path.write_text(FRAMEWORKS, encoding="utf-8")
    return path


def _playbook(*ids: str, frameworks: tuple[str, ...] = ("art_x",)) -> Playbook:
    return Playbook(
        name="t",
        title="test",
        description="A playbook for the coverage tests.",
        controls=list(ids),  # type: ignore[arg-type]
        frameworks=list(frameworks),
    )


def test_counts_required_and_met_provisions(library: Library, frameworks_file: Path) -> None:
    fws = load_frameworks(library, frameworks_file)
    playbook = _playbook("audit_rights", "subprocessor_approval", "subprocessor_flowdown")
    statuses = {"audit_rights": "met", "subprocessor_approval": "met", "subprocessor_flowdown": "weak"}
    [cov] = coverage(playbook, library, statuses, fws)
    assert (cov.framework, cov.provision) == ("TESTREG", "Art. 1")
    # (a) and (b) are required; (c) has no control; (d) is not in the playbook.
    assert cov.required == 2
    # (b) needs both of its required controls met.
    assert cov.met == 1
    assert cov.controls == ["audit_rights", "subprocessor_approval", "subprocessor_flowdown"]


def test_provision_states(library: Library, frameworks_file: Path) -> None:
    fws = load_frameworks(library, frameworks_file)
    playbook = _playbook("audit_rights", "subprocessor_flowdown")
    rows = provision_coverage(playbook, library, {"audit_rights": "met"}, fws)
    states = {r.point: r.state for r in rows}
    assert states == {"(a)": "met", "(b)": "not met", "(c)": "not covered", "(d)": "not required"}
    # Only the playbook's own controls of a provision decide it.
    assert next(r for r in rows if r.point == "(b)").controls == ["subprocessor_flowdown"]


def test_without_statuses_only_counts_what_is_required(library: Library, frameworks_file: Path) -> None:
    fws = load_frameworks(library, frameworks_file)
    [cov] = coverage(_playbook("insurance"), library, None, fws)
    assert (cov.required, cov.met) == (1, 0)


def test_optional_controls_do_not_count(library: Library, frameworks_file: Path) -> None:
    fws = load_frameworks(library, frameworks_file)
    playbook = Playbook(
        name="t",
        title="test",
        description="A playbook for the coverage tests.",
        controls=[{"id": "insurance", "required": False}, "audit_rights"],  # type: ignore[list-item]
        frameworks=["art_x"],
    )
    [cov] = coverage(playbook, library, {"insurance": "met", "audit_rights": "met"}, fws)
    assert (cov.required, cov.met, cov.controls) == (1, 1, ["audit_rights"])


def test_all_controls_playbook_requires_every_mapped_provision(
    library: Library, frameworks_file: Path
) -> None:
    fws = load_frameworks(library, frameworks_file)
    playbook = Playbook(
        name="all", title="all", description="Every control of the library.", all_controls=True, frameworks=[]
    )
    [cov] = coverage(playbook, library, {}, fws)
    assert (cov.required, cov.met) == (3, 0)


def test_unknown_framework_in_playbook_is_a_clear_error(library: Library, frameworks_file: Path) -> None:
    fws = load_frameworks(library, frameworks_file)
    with pytest.raises(PlaybookError, match=r"unknown framework\(s\) 'dora_typo'") as info:
        coverage(_playbook("audit_rights", frameworks=("dora_typo",)), library, None, fws)
    assert "art_x" in str(info.value)


def test_frameworks_file_rejects_unknown_keys_with_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "frameworks.yaml"
    path.write_text(FRAMEWORKS.replace("    title: A test", "    titel: A test"), encoding="utf-8")
    with pytest.raises(LibraryError, match=r"line 5, frameworks\.0\.titel: unknown key") as info:
        load_frameworks(library, path)
    assert str(path) in str(info.value)


def test_frameworks_file_rejects_unknown_control_with_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "frameworks.yaml"
    path.write_text(FRAMEWORKS.replace("[audit_rights]", "[audit_right]"), encoding="utf-8")
    with pytest.raises(LibraryError, match=r"line 7: art_x \(a\): unknown control 'audit_right'"):
        load_frameworks(library, path)


def test_shipped_frameworks_file_is_valid(library: Library) -> None:
    fws = load_frameworks(library)
    ids = {fw.id for fw in fws}
    assert {"dora_art30_2", "dora_art30_3", "nis2_ir_5_1_4", "gdpr_art28_3"} <= ids
    points = {fw.id: [p.point for p in fw.provisions] for fw in fws}
    assert points["dora_art30_2"] == [f"({c})" for c in "abcdefghi"]
    assert points["dora_art30_3"] == [f"({c})" for c in "abcdef"]
    assert points["nis2_ir_5_1_4"] == [f"({c})" for c in "abcdefgh"]
    assert points["gdpr_art28_3"] == [f"({c})" for c in "abcdefgh"]
