"""No egress: the whole pipeline runs with the network blocked at the socket level, and tries nothing.

``blocked_network`` replaces ``socket.socket.connect``/``connect_ex``, ``socket.create_connection``,
``socket.getaddrinfo`` and ``socket.gethostbyname`` with functions that record the attempt and raise. The
same guard goes into every child process (the batch engine's and the app's workers are spawned
interpreters) through a ``sitecustomize`` module on ``PYTHONPATH``; children record attempts in a file.
Any attempt, in this process or a child, fails the test. Local AF_UNIX sockets are not egress and pass.
"""

from __future__ import annotations

import json
import socket
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
HOSTILE = ROOT / "fixtures" / "hostile"
GENERATED = ROOT / "fixtures" / "generated"
DPA_MD = CORPUS / "commonpaper-data-processing-agreement.md"
DPA_PDF = CORPUS / "37signals-data-processing-addendum-2023-04.pdf"
FAR_TXT = CORPUS / "far-52.204-21-basic-safeguarding.txt"
CONTRACT_DOCX = GENERATED / "contract.docx"
CONTRACT_HTML = GENERATED / "contract.html"
EXTERNAL_DOCX = HOSTILE / "external-relationships.docx"

_GUARD = '''
"""Test guard (tests/test_no_egress.py): record and refuse every network connect and name lookup."""
import os, socket

_LOG = os.environ.get("CLAUSECHECK_EGRESS_LOG", "")


def _refuse(what):
    def blocked(*args, **kwargs):
        target = args[1:] if what.startswith("socket.") else args
        family = getattr(args[0], "family", None) if what.startswith("socket.") else None
        if family == getattr(socket, "AF_UNIX", object()):
            return _ORIGINAL[what](*args, **kwargs)
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {what} {target!r}\\n")
        raise OSError(f"network blocked by the test: {what}")
    return blocked


_ORIGINAL = {"socket.connect": socket.socket.connect, "socket.connect_ex": socket.socket.connect_ex}
if _LOG:
    socket.socket.connect = _refuse("socket.connect")
    socket.socket.connect_ex = _refuse("socket.connect_ex")
    socket.create_connection = _refuse("create_connection")
    socket.getaddrinfo = _refuse("getaddrinfo")
    socket.gethostbyname = _refuse("gethostbyname")
'''


@pytest.fixture
def blocked_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Block and record network use here and in every child process; fail if anything was attempted."""
    attempts: list[str] = []
    original = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex}

    def refuse(what: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            if what in original and getattr(args[0], "family", None) == socket.AF_UNIX:
                return original[what](*args, **kwargs)
            attempts.append(f"{what} {args[1:] if what in original else args!r}")
            raise OSError(f"network blocked by the test: {what}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    log = tmp_path / "egress.log"
    log.touch()
    monkeypatch.setenv("PYTHONPATH", str(guard))
    monkeypatch.setenv("CLAUSECHECK_EGRESS_LOG", str(log))
    yield attempts
    children = log.read_text(encoding="utf-8").splitlines()
    assert attempts == [] and children == [], f"network use: {attempts + children}"


def test_the_guard_catches_a_connection_here_and_in_a_child(blocked_network: list[str]) -> None:
    import subprocess

    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("example.invalid", 80))
    with pytest.raises(OSError, match="network blocked"):
        socket.getaddrinfo("example.invalid", 443)
    code = "import socket\ntry:\n    socket.socket().connect(('192.0.2.1', 80))\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    log = Path(__import__("os").environ["CLAUSECHECK_EGRESS_LOG"])
    assert "socket.connect" in log.read_text(encoding="utf-8")
    assert len(blocked_network) == 2
    blocked_network.clear()  # the attempts above were the point; the pipeline's are checked below
    log.write_text("", encoding="utf-8")


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("fmt", "paths"),
    [
        ("json", [DPA_MD, DPA_PDF, FAR_TXT, CONTRACT_HTML, EXTERNAL_DOCX]),
        ("table", [DPA_MD, CONTRACT_DOCX]),
        ("xlsx", [DPA_PDF, EXTERNAL_DOCX]),
        ("html", [DPA_MD, EXTERNAL_DOCX]),
        ("docx", [EXTERNAL_DOCX]),
        ("redline", [EXTERNAL_DOCX]),
        ("addendum", [DPA_PDF]),
        ("memo", [DPA_MD]),
    ],
)
def test_check_in_every_format_stays_offline(
    fmt: str,
    paths: list[Path],
    tmp_path: Path,
    blocked_network: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / f"report.{ {'redline': 'docx', 'addendum': 'docx', 'memo': 'html'}.get(fmt, fmt) }"
    args = ["check", *map(str, paths), "--format", fmt, "--out", str(out)]
    assert main(args) == 0, capsys.readouterr().err
    assert out.stat().st_size > 0


@pytest.mark.timeout(120)
def test_extract_and_bundle_stay_offline(
    blocked_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        DPA_MD,
        DPA_PDF,
        FAR_TXT,
        CONTRACT_HTML,
        CONTRACT_DOCX,
        EXTERNAL_DOCX,
        HOSTILE / "javascript-attachment.pdf",
    ]
    assert main(["extract", *map(str, files), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["documents"]) == len(files)
    assert main(["check", *map(str, files), "--bundle", "--format", "json"]) == 0


@pytest.mark.timeout(300)
def test_batch_with_worker_processes_stays_offline(
    blocked_network: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs.zip"
    with zipfile.ZipFile(docs, "w") as archive:
        for path in (DPA_MD, DPA_PDF, EXTERNAL_DOCX):
            archive.write(path, path.name)
    sheet = tmp_path / "vendors.csv"
    sheet.write_text(
        "Vendor,Contract file\nCommon Paper,commonpaper-data-processing-agreement.md\n"
        "37signals,37signals-data-processing-addendum-2023-04.pdf\nAcme,external-relationships.docx\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.xlsx"
    code = main(
        ["batch", str(sheet), "--docs", str(docs), "--out", str(out), "--jobs", "2", "--quiet", "--no-cache"]
    )
    assert code == 0, capsys.readouterr().err
    assert out.is_file()


@pytest.mark.timeout(180)
def test_an_app_session_stays_offline(blocked_network: list[str]) -> None:
    from streamlit.testing.v1 import AppTest

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the app package sits beside app.py
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    uploader = at.file_uploader(key="review_upload")
    uploader.upload(DPA_MD.name, DPA_MD.read_bytes(), "text/markdown")
    uploader.upload(EXTERNAL_DOCX.name, EXTERNAL_DOCX.read_bytes(), "application/octet-stream")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(m.value) for m in at.markdown) + " ".join(str(d.value) for d in at.dataframe)
    assert "commonpaper" in shown and "external" in shown and "Met" in shown  # both were assessed


def test_the_shipped_app_config_is_local_and_quiet() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.timeout(300)
def test_the_register_sboms_and_incident_stay_offline(
    blocked_network: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SBOM schema validation must use the bundled schemas (never fetch a $ref); the register is local."""
    register = ROOT / "fixtures" / "register"
    db = str(tmp_path / "register.sqlite")
    args = ["check", str(register / "acme-security-exhibit-2026.md"), "--vendor", "Acme", "--register"]
    assert main([*args, "--db", db, "--format", "json", "--out", str(tmp_path / "a.json")]) == 0
    for sbom in ("acme-cyclonedx.json", "globex-cyclonedx.xml", "initech-spdx.json"):
        assert main(["register", "add-sbom", "Acme", str(register / sbom), "--db", db]) == 0
    assert (
        main(["incident", "--osv", str(register / "litellm-osv.json"), "--db", db, "--format", "json"]) == 0
    )
    assert main(["register", "export", "--out", str(tmp_path / "r.xlsx"), "--db", db]) == 0
    capsys.readouterr()
