"""`clausecheck check --vendor NAME --register` and the `register` sub-commands as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.cli import main
from checker.report.wording import format_score

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "register"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Acme's 2025 exhibit, then its 2026 exhibit (with an effective date), recorded by `check`."""
    path = str(tmp_path_factory.mktemp("cli-register") / "register.sqlite")
    for name, extra in [
        ("acme-security-exhibit-2025.md", []),
        ("acme-security-exhibit-2026.md", ["--effective-date", "2026-01-01"]),
    ]:
        argv = ["check", str(FIXTURES / name), "--playbook", "all", "--no-isolation", "--format", "json"]
        assert (
            main(
                [
                    *argv,
                    "--out",
                    str(Path(path).with_suffix(".json")),
                    "--vendor",
                    "Acme Assist Ltd",
                    "--register",
                    "--db",
                    path,
                    *extra,
                ]
            )
            == 0
        )
    return path


def test_show_list_and_history(db, capsys):
    assert main(["register", "show", "Acme Assist Ltd", "--db", db, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(d["file_name"], d["version"], d["effective_date"]) for d in shown["documents"]] == [
        ("acme-security-exhibit-2025.md", 1, None),
        ("acme-security-exhibit-2026.md", 2, "2026-01-01"),
    ]
    assert {f["control"]: f["status"] for f in shown["latest"]["findings"]}["sbom_disclosure"] == "met"
    assert main(["register", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "Acme Assist Ltd" in listed
    # The score as on every screen: whole, halves up (issue 12: one rounding everywhere).
    score = format_score(shown["latest"]["score"])
    assert re.search(rf"Acme Assist Ltd\s+{score}\s", listed), listed
    assert main(["register", "history", "Acme Assist Ltd", "--db", db]) == 0
    history = capsys.readouterr().out
    assert (
        "acme-security-exhibit-2025.md (exhibit v1)" in history
        and "acme-security-exhibit-2026.md (exhibit v2)" in history
    )


def test_diff_and_review(db, capsys):
    assert main(["register", "diff", "Acme Assist Ltd", "--db", db]) == 0
    diff = capsys.readouterr().out
    assert "STRONGER    incident_notification" in diff and "APPEARED    sbom_disclosure" in diff
    assert "before: [acme-security-exhibit-2025.md p1 §1.1" in diff
    argv = ["register", "review", "Acme Assist Ltd", "supply_chain_compromise_notice", "--db", db]
    assert main([*argv, "--decision", "overridden", "--reviewer", "ana"]) == 2  # an override needs --status
    assert (
        main(
            [
                *argv,
                "--decision",
                "overridden",
                "--status",
                "met",
                "--reviewer",
                "ana",
                "--comment",
                "2 bd is fine",
            ]
        )
        == 0
    )
    assert main(["register", "history", "Acme Assist Ltd", "--db", db]) == 0
    assert "ana: supply_chain_compromise_notice overridden → met  2 bd is fine" in capsys.readouterr().out


def test_user_errors_are_one_line_and_an_exit_code(db, tmp_path, capsys):
    argv = ["check", str(FIXTURES / "globex-dpa.md"), "--no-isolation", "--register", "--db", db]
    assert main(argv) == 2
    assert "--register needs --vendor NAME" in capsys.readouterr().err
    assert main(["register", "show", "Nobody", "--db", db]) == 1
    assert "No vendor 'Nobody' in the register" in capsys.readouterr().err
    assert main(["register", "export", "--out", str(tmp_path / "x.csv"), "--db", db]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--vendor", "X", "--effective-date", "31/12/2026"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err
