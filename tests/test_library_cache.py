"""The library cache (checker.library.cache): current entries are used, stale and tampered ones rebuilt."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from checker.api import ContractChecker
from checker.library import cache as cache_module
from checker.library import loader
from checker.library.cache import LibraryCache
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.report.json_report import to_json

CP_DPA = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "corpus"
    / "commonpaper-data-processing-agreement.md"
)


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """The shipped controls, language and playbooks in a folder the test may change."""
    root = tmp_path / "library"
    root.mkdir()
    for name in ("controls", "playbooks"):
        shutil.copytree(DEFAULT_LIBRARY / name, root / name)
    for name in ("language.yaml", "VERSION"):
        shutil.copy(DEFAULT_LIBRARY / name, root / name)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The YAML files the loader parses (a cache hit parses none)."""
    seen: list[Path] = []
    real = loader._parse_yaml

    def counting(path: Path, text: str, error: type) -> object:
        seen.append(path)
        return real(path, text, error)

    monkeypatch.setattr(loader, "_parse_yaml", counting)
    return seen


def _title_in_file(root: Path, control: str) -> Path:
    return next((root / "controls").rglob(f"{control}.yaml"))


def test_second_load_comes_from_the_cache_and_equals_a_load_from_the_files(
    tmp_path: Path, library_copy: Path, parses: list[Path]
) -> None:
    store = LibraryCache(tmp_path / "cache")
    first = load_library(library_copy, cache=store)
    assert len(parses) > 40  # every control, the language file and every playbook
    assert store.path(first.content_hash).is_file()
    parses.clear()
    second = load_library(library_copy, cache=store)
    assert parses == []
    assert second == first == load_library(library_copy, cache=False)
    assert second.playbooks.keys() == first.playbooks.keys() and second.language == first.language


def test_cache_files_are_private_to_the_user(tmp_path: Path, library_copy: Path) -> None:
    store = LibraryCache(tmp_path / "cache")
    library = load_library(library_copy, cache=store)
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0
    assert (tmp_path / "cache" / "key").stat().st_mode & 0o777 == 0o600
    assert store.path(library.content_hash).stat().st_mode & 0o077 == 0


def test_changed_library_is_loaded_from_its_files_and_cached_again(
    tmp_path: Path, library_copy: Path, parses: list[Path]
) -> None:
    store = LibraryCache(tmp_path / "cache")
    before = load_library(library_copy, cache=store)
    path = _title_in_file(library_copy, "incident_notification")
    text = path.read_text(encoding="utf-8")
    old_title = before.controls["incident_notification"].title
    path.write_text(text.replace(f"title: {old_title}", "title: Breach notice, retitled"), encoding="utf-8")
    parses.clear()
    after = load_library(library_copy, cache=store)
    assert after.content_hash != before.content_hash
    assert after.controls["incident_notification"].title == "Breach notice, retitled"
    assert parses  # read from the files, not from the old entry
    assert store.path(after.content_hash).is_file()
    parses.clear()
    assert load_library(library_copy, cache=store) == after and parses == []


def test_entry_from_another_tool_version_or_schema_is_stale_and_rebuilt(
    tmp_path: Path, library_copy: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LibraryCache(tmp_path / "cache")
    with monkeypatch.context() as patched:
        patched.setattr(cache_module, "_code_digest", lambda: "older-schema")
        library = load_library(library_copy, cache=store)
    entry = store.path(library.content_hash)
    assert b'"older-schema"' in entry.read_bytes()
    parses.clear()
    assert load_library(library_copy, cache=store) == library
    assert parses  # the stale entry was not used
    assert b'"older-schema"' not in entry.read_bytes()  # and it was replaced by a current one


def _tamper(entry: Path, old: str, new: str) -> None:
    mac, _, body = entry.read_bytes().partition(b"\n")
    assert old.encode() in body
    entry.write_bytes(mac + b"\n" + body.replace(old.encode(), new.encode()))


def test_tampered_entry_is_refused_and_rebuilt(
    tmp_path: Path, library_copy: Path, parses: list[Path]
) -> None:
    store = LibraryCache(tmp_path / "cache")
    library = load_library(library_copy, cache=store)
    title = library.controls["incident_notification"].title
    entry = store.path(library.content_hash)
    _tamper(entry, title, "Nothing to see here")
    parses.clear()
    again = load_library(library_copy, cache=store)
    assert again.controls["incident_notification"].title == title
    assert parses  # the tampered entry was not used
    assert b"Nothing to see here" not in entry.read_bytes()


def test_entry_signed_with_another_key_is_refused(
    tmp_path: Path, library_copy: Path, parses: list[Path]
) -> None:
    attacker = LibraryCache(tmp_path / "attacker")
    library = load_library(library_copy, cache=attacker)
    payload = json.loads(attacker.path(library.content_hash).read_bytes().partition(b"\n")[2])["library"]
    payload["controls"][0]["title"] = "Forged"
    attacker.write(library.content_hash, payload)  # a valid entry, but under the attacker's key
    victim = LibraryCache(tmp_path / "victim")
    victim.folder.mkdir(mode=0o700)
    load_library(library_copy, cache=victim)  # makes the victim's key
    shutil.copy(attacker.path(library.content_hash), victim.path(library.content_hash))
    parses.clear()
    loaded = load_library(library_copy, cache=victim)
    assert "Forged" not in {c.title for c in loaded.controls.values()}
    assert parses


def test_key_others_can_read_disables_the_cache(
    tmp_path: Path, library_copy: Path, parses: list[Path]
) -> None:
    store = LibraryCache(tmp_path / "cache")
    load_library(library_copy, cache=store)
    os.chmod(tmp_path / "cache" / "key", 0o644)
    parses.clear()
    load_library(library_copy, cache=store)
    assert parses  # a key anyone could read proves nothing: the files are parsed


def test_environment_chooses_or_turns_off_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_module.CACHE_ENV, str(tmp_path / "here"))
    default = LibraryCache.default()
    assert default is not None and default.folder == tmp_path / "here"
    monkeypatch.setenv(cache_module.CACHE_ENV, "off")
    assert LibraryCache.default() is None
    monkeypatch.delenv(cache_module.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = LibraryCache.default()
    assert default is not None and default.folder == tmp_path / "xdg" / "clausecheck"


def test_same_findings_from_the_cache_and_from_scratch(tmp_path: Path) -> None:
    store = LibraryCache(tmp_path / "cache")
    load_library(DEFAULT_LIBRARY, cache=store)
    cached = load_library(DEFAULT_LIBRARY, cache=store)
    scratch = load_library(DEFAULT_LIBRARY, cache=False)
    reports = []
    for library in (cached, scratch):
        checker = ContractChecker(library)
        assessment = checker.assess([checker.read_file(CP_DPA)], "all")
        report = json.loads(to_json([assessment]))
        del report["assessments"][0]["provenance"]["created"]  # the clock, not the library
        reports.append(report)
    assert reports[0] == reports[1]
    findings = reports[0]["assessments"][0]["findings"]
    assert {f["status"] for f in findings} >= {"met", "missing"}
