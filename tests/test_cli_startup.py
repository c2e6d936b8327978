"""Start-up: ``--help`` and usage errors import none of the pipeline (issue 14).

Each case runs in a fresh interpreter, because this test process has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checker.cli.check_cmd import REPORT_FORMATS
from checker.cli.library_cmd import SCHEMA_KINDS

#: Packages that cost tens to hundreds of milliseconds to import; parsing a command line needs none.
HEAVY = (
    "spacy",
    "pydantic",
    "numpy",
    "pypdfium2",
    "pdfplumber",
    "docx",
    "openpyxl",
    "yaml",
    "checker.models",
)

_PROBE = """
import contextlib, io, json, sys
from checker.cli import main
err = io.StringIO()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "stderr": err.getvalue(), "modules": sorted(sys.modules)}))
"""


def _probe(*argv: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True, timeout=60
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--help"], 0),
        (["--version"], 0),
        (["check", "--help"], 0),
        (["batch", "--help"], 0),
        (["extract", "--help"], 0),
        (["library", "schema", "--help"], 0),
        (["check"], 2),  # no PATH
        (["check", "a.pdf", "--format", "pdf"], 2),
        (["batch", "s.xlsx"], 2),  # no --out
        (["library", "show"], 2),  # no ID
        (["nonsense"], 2),
    ],
)
def test_help_and_usage_errors_import_nothing_heavy(argv: list[str], code: int) -> None:
    result = _probe(*argv)
    assert result["code"] == code
    modules = set(result["modules"])  # type: ignore[arg-type]
    loaded = sorted(m for m in HEAVY if m in modules)
    assert loaded == [], f"{' '.join(argv)} imported {loaded}"
    if code == 2:
        assert "Traceback" not in str(result["stderr"])
        assert "error:" in str(result["stderr"])


def test_spelled_out_choices_agree_with_the_modules_that_own_them() -> None:
    from checker.library.json_schema import SCHEMA_KINDS as OWN_KINDS
    from checker.report import FORMATS

    assert REPORT_FORMATS == FORMATS
    assert SCHEMA_KINDS == OWN_KINDS


def test_limit_defaults_shown_in_help_are_the_enforced_ones() -> None:
    from checker.extract.limits import Limits as ExtractLimits
    from checker.isolate import IsolationLimits as WorkerLimits
    from checker.limits import IsolationLimits, Limits

    assert ExtractLimits is Limits and WorkerLimits is IsolationLimits
    out = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    assert f"(default {Limits().max_pages})" in out
