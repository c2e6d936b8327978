"""The shipped playbooks, and the errors a reviewer gets for a mistyped playbook file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.errors import PlaybookError
from checker.library.coverage import load_frameworks
from checker.library.loader import Library, load_library, load_playbook, resolve_playbook

SHIPPED = ("baseline", "ai-data-vendor", "dora-ict", "nis2-supplier", "gdpr-processor", "all")

USER_PLAYBOOK = """\
name: my-review
title: My review
description: A reviewer's own selection of controls.
controls:
  - security_program
  - id: incident_notification
    severity: critical
    thresholds: {notification: 12}
  - audit_rights
"""


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-review.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_playbook_loads(library: Library, name: str) -> None:
    playbook = resolve_playbook(name, library)
    assert playbook.name == name
    assert playbook.controls, f"{name} selects no controls"
    ids = [c.id for c in playbook.controls]
    assert len(ids) == len(set(ids)), f"{name} lists a control twice"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_playbook_frameworks_exist(library: Library, name: str) -> None:
    known = {fw.id for fw in load_frameworks(library)}
    assert set(library.playbooks[name].frameworks) <= known


def test_all_selects_every_control(library: Library) -> None:
    playbook = resolve_playbook("all", library)
    expected = {cid for cid, c in library.controls.items() if c.status != "deprecated"}
    assert {c.id for c in playbook.controls} == expected


def test_ai_data_vendor_is_strict_and_complete(library: Library) -> None:
    playbook = library.playbooks["ai-data-vendor"]
    assert playbook.level == "strict"
    ids = {c.id for c in playbook.controls}
    families = {cid for cid, c in library.controls.items() if c.family in ("supply_chain", "ai_data")}
    assert families <= ids
    assert {"egress_monitoring", "secrets_management", "ci_credential_security"} <= ids
    assert {c.id for c in library.playbooks["baseline"].controls} <= ids
    notice = next(c for c in playbook.controls if c.id == "incident_notification")
    assert notice.thresholds == {"notification": 24}


def test_baseline_notice_is_72_hours(library: Library) -> None:
    notice = next(c for c in library.playbooks["baseline"].controls if c.id == "incident_notification")
    assert notice.thresholds == {"notification": 72}


def test_user_playbook_file_loads(library: Library, tmp_path: Path) -> None:
    playbook = resolve_playbook(str(_write(tmp_path, USER_PLAYBOOK)), library)
    assert [c.id for c in playbook.controls] == ["security_program", "incident_notification", "audit_rights"]


def test_typo_in_a_key_names_file_and_line(library: Library, tmp_path: Path) -> None:
    text = USER_PLAYBOOK.replace("    severity: critical", "    severty: critical")
    path = _write(tmp_path, text)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, library)
    message = str(info.value)
    assert str(path) in message
    assert f"line {_line_of(text, 'severty')}, controls.1.severty: unknown key" in message
    assert message.count(str(path)) == 1


def test_typo_in_a_top_level_key_names_file_and_line(library: Library, tmp_path: Path) -> None:
    text = USER_PLAYBOOK.replace("description:", "descripton:")
    path = _write(tmp_path, text)
    with pytest.raises(PlaybookError, match=re.escape(f"line {_line_of(text, 'descripton')}, descripton")):
        resolve_playbook(str(path), library)


def test_unknown_control_names_file_line_and_suggestion(library: Library, tmp_path: Path) -> None:
    text = USER_PLAYBOOK.replace("  - audit_rights", "  - audit_right")
    path = _write(tmp_path, text)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, library)
    message = str(info.value)
    assert message.startswith(f"{path}: line {_line_of(text, 'audit_right')}: unknown control 'audit_right'")
    assert "did you mean 'audit_rights'?" in message


def test_unknown_threshold_key_names_file_line_and_known_keys(library: Library, tmp_path: Path) -> None:
    text = USER_PLAYBOOK.replace("{notification: 12}", "{notification_hours: 12}")
    path = _write(tmp_path, text)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, library)
    message = str(info.value)
    assert message.startswith(f"{path}: line {_line_of(text, 'notification_hours')}:")
    assert "control 'incident_notification' has no parameter 'notification_hours'" in message
    assert "(it has: notification)" in message


def test_missing_playbook_file_is_a_clear_error(library: Library, tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="playbook file not found"):
        resolve_playbook(str(tmp_path / "nope.yaml"), library)


def test_unknown_playbook_name_lists_the_known_ones(library: Library) -> None:
    with pytest.raises(PlaybookError) as info:
        resolve_playbook("basline", library)
    assert "baseline" in str(info.value)
