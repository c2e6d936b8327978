"""``checker.sbom_check``: a real CycloneDX SBOM of the runtime lock passes; a tampered one fails."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.sbom_check import canonical, main, read_lock

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
CYCLONEDX = Path(sys.executable).parent / "cyclonedx-py"


@pytest.fixture(scope="module")
def real_sbom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The SBOM ``make sbom`` writes, generated once for this module."""
    if not CYCLONEDX.exists():
        pytest.skip("cyclonedx-py is a dev dependency; run in the dev environment")
    out = tmp_path_factory.mktemp("sbom") / "sbom.cdx.json"
    subprocess.run(
        [str(CYCLONEDX), "requirements", str(LOCK), "--output-reproducible", "--of", "JSON", "-o", str(out)],
        check=True,
        capture_output=True,
        env={"PYTHONWARNINGS": "ignore::UserWarning", "PATH": ""},
        timeout=240,
    )
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def check(tmp_path: Path, sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Write ``sbom`` and run the checker against the real lock."""
    path = tmp_path / "sbom.cdx.json"
    path.write_text(json.dumps(sbom))
    code = main([str(LOCK), str(path)])
    return code, capsys.readouterr().out


def component(sbom: dict[str, Any], name: str) -> dict[str, Any]:
    """The component of ``sbom`` named ``name``."""
    found: dict[str, Any] = next(c for c in sbom["components"] if canonical(c["name"]) == name)
    return found


def test_lock_parser_reads_every_pin_with_hashes() -> None:
    pins, unpinned = read_lock(LOCK)
    assert unpinned == []
    assert len(pins) == LOCK.read_text().count("==")
    assert all(pin.hashes for pin in pins.values())
    assert pins["pydantic"].version and all(len(h) == 64 for h in pins["pydantic"].hashes)


def test_real_sbom_matches_the_lock(
    tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(tmp_path, real_sbom, capsys)
    pins, _ = read_lock(LOCK)
    assert code == 0, out
    assert f"lists all {len(pins)} packages" in out and f"({len(pins)} with matching hashes)" in out


def test_missing_component(
    tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = copy.deepcopy(real_sbom)
    sbom["components"] = [c for c in sbom["components"] if canonical(c["name"]) != "pyyaml"]
    code, out = check(tmp_path, sbom, capsys)
    assert code == 1 and "missing from SBOM: pyyaml==" in out and "1 problem(s)" in out


def test_changed_version(
    tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = copy.deepcopy(real_sbom)
    component(sbom, "pydantic").update(version="1.0.0", purl="pkg:pypi/pydantic@1.0.0")
    code, out = check(tmp_path, sbom, capsys)
    assert code == 1 and "version differs: pydantic is" in out and "1.0.0 in the SBOM" in out


def test_purl_disagreeing_with_version(
    tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = copy.deepcopy(real_sbom)
    component(sbom, "pydantic")["purl"] = "pkg:pypi/pydantic@0.1"
    code, out = check(tmp_path, sbom, capsys)
    assert code == 1 and "purl says pydantic@0.1" in out


def test_changed_hash(tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    sbom = copy.deepcopy(real_sbom)
    for ref in component(sbom, "spacy")["externalReferences"]:  # the same hashes, once per index URL
        ref["hashes"][0]["content"] = "0" * 64
    code, out = check(tmp_path, sbom, capsys)
    assert code == 1 and "hashes differ: spacy==" in out and "(1 only in the SBOM, 1 only in the lock)" in out


def test_extra_component(
    tmp_path: Path, real_sbom: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = copy.deepcopy(real_sbom)
    sbom["components"].append({"type": "library", "name": "evil-pkg", "version": "6.6.6"})
    code, out = check(tmp_path, sbom, capsys)
    assert code == 1 and "not in the lock: evil-pkg==6.6.6" in out


def test_unreadable_or_foreign_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "spdx.json").write_text(json.dumps({"spdxVersion": "SPDX-2.3"}))
    assert main([str(LOCK), str(tmp_path / "bad.json")]) == 2
    assert main([str(LOCK), str(tmp_path / "spdx.json")]) == 2
    assert main([str(LOCK), str(tmp_path / "absent.json")]) == 2
    assert main([str(LOCK)]) == 2
    err = capsys.readouterr().err
    assert "not a CycloneDX JSON document" in err and "usage:" in err


def test_small_lock_with_options_continuations_and_extras(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "--extra-index-url file:///opt/x\n"
        "Foo_Bar[extra]==1.2 \\\n    --hash=sha256:" + "a" * 64 + "  # a comment\n"
        "    # via something\n"
        "baz>=2\n"
    )
    pins, unpinned = read_lock(lock)
    assert list(pins) == ["foo-bar"] and pins["foo-bar"].hashes == {"a" * 64} and unpinned == ["baz>=2"]
    sbom = {
        "bomFormat": "CycloneDX",
        "components": [{"name": "foo.bar", "version": "1.2", "purl": "pkg:pypi/foo-bar@1.2"}],
    }
    (tmp_path / "s.json").write_text(json.dumps(sbom))
    assert main([str(lock), str(tmp_path / "s.json")]) == 1
    assert "not pinned with ==: baz>=2" in capsys.readouterr().out
