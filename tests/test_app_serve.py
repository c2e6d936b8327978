"""``python -m checker_app.serve``: the engine is built before the server answers (issue 12: the first
visit waited for the matcher with a blank page). Figures are in the commit message, not asserted."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app import engine  # noqa: E402


def test_get_checker_returns_the_prebuilt_engine() -> None:
    engine.get_checker.clear()  # another test in this process may have built one already
    built = engine.prebuild()
    assert engine.prebuild() is built  # built once
    assert engine.get_checker() is built


def test_serve_builds_the_engine_before_the_server_listens(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-m", "checker_app.serve", "--server.headless", "true", "--server.port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    if resp.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)  # the server is starting; nothing to wait on instead
        else:
            raise AssertionError(log.read_text())
        text = log.read_text()
        assert "clausecheck: engine ready in" in text
        # Bound to the loopback interface, as the shipped config says.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
