"""``python -m checker_app.serve``: the engine is built before the server answers (issue 12: the first
visit waited for the matcher with a blank page). Figures are in the commit message, not asserted."""

from __future__ import annotations

import ast
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


def test_app_shows_its_spinner_before_it_imports_the_matcher() -> None:
    # A cold ``streamlit run app.py`` showed a blank page while the matcher was imported (issue 12): what
    # app.py imports before its first Streamlit call must not pull in spaCy or the engine, so the page
    # and its "Loading the clause library and the matcher…" spinner are drawn first.
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    modules = [n.module if isinstance(n, ast.ImportFrom) else n.names[0].name for n in top]
    assert "checker_app.engine" not in modules
    spinner = next(n for n in tree.body if isinstance(n, ast.With))
    assert "Loading the clause library" in ast.unparse(spinner.items[0])
    inside = [n.module for n in ast.walk(spinner) if isinstance(n, ast.ImportFrom)]
    assert "checker_app.engine" in inside
    probe = (
        "import sys; "
        + "; ".join(f"import {m}" for m in modules if m != "__future__")
        + "; print(sorted(m for m in ('spacy', 'checker.api', 'checker.match.engine') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
