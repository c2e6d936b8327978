"""``checker.library.lint``: each problem in a small library built in tmp_path is reported, with line."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.library.lint import LintProblem, lint_library

_CODES = itertools.count(1)


def base_control(cid: str = "incident_notification", family: str = "incident") -> dict[str, Any]:
    """A control that passes lint cleanly; tests copy it and break one thing."""
    return {
        "id": cid,
        "catalogue": f"TT-{next(_CODES) % 100:02d}",
        "title": "Security incident notification within hours",
        "family": family,
        "status": "stable",
        "severity": "critical",
        "description": "The vendor must tell the customer of a security incident within fixed hours.",
        "rationale": "The customer's own regulatory clocks start when it learns of the incident.",
        "references": [
            {
                "framework": "GDPR",
                "section": "Art. 33(2)",
                "requirement": "A processor notifies the controller.",
            },
            {
                "framework": "DORA",
                "section": "Art. 19(4)",
                "requirement": "Initial notification of a major ICT incident.",
                "certainty": "medium",
                "note": "Secondary sources disagree.",
            },
        ],
        "match": {
            "terms": {
                "notify": ["notif*", "inform*"],
                "incident": ["security incident*", "data breach*"],
            },
            "rules": [["notify", "incident"]],
            "action": "notify",
        },
        "parameters": [
            {"key": "notification", "unit": "hours", "accept_units": ["days"], "strict": 24, "acceptable": 72}
        ],
        "weak_reasons": ["vague_timing", "effort_qualifier", "permissive", "late_trigger"],
        "fallback": {
            "strict": "Supplier shall notify Customer in writing of any Security Incident affecting Customer "
            "Data within twenty-four (24) hours of becoming aware of it.",
            "acceptable": "Supplier shall notify Customer in writing of any Security Incident affecting "
            "Customer Data within seventy-two (72) hours after becoming aware of it.",
        },
        "examples": {
            "met": [
                {"text": "Supplier shall notify Customer of any Security Incident within 24 hours."},
                {"text": "The Processor will inform the Controller of a data breach no later than 48 hours."},
                {"text": "Vendor must provide written notice of a breach of security within 72 hours."},
                {"text": "Contractor agrees to report unauthorized access to Company within twelve hours."},
                {"text": "Written notice of an incident is given by Provider within thirty-six (36) hours."},
                {"text": "We will tell you about a security breach involving your data within a day."},
            ],
            "weak": [
                {"text": "Provider shall notify Customer without undue delay.", "reason": "vague_timing"},
                {
                    "text": "Vendor will use commercially reasonable efforts to warn us.",
                    "reason": "effort_qualifier",
                },
                {"text": "Supplier should inform Customer promptly of incidents.", "reason": "permissive"},
                {
                    "text": "Notice follows within 72 hours after Provider confirms it.",
                    "reason": "late_trigger",
                },
            ],
            "conflict": [
                "Provider has no obligation to notify Customer of any Security Incident.",
                "Vendor shall not be obligated to tell anyone about subcontractor breaches.",
            ],
            "negative": [
                "Customer will promptly notify Provider of fraudulent activity on its accounts.",
                '"Security Incident" means any unauthorized access to Customer Data.',
                "Provider will assist Customer with its own notices to supervisory authorities.",
                "Supplier shall give four hours' warning before a change of key personnel.",
                "Neither party shall be liable for indirect damages arising from a breach.",
                "Customer may terminate on thirty days' notice if Provider materially breaches it.",
            ],
        },
    }


def write_library(
    root: Path,
    controls: list[dict[str, Any]],
    playbooks: dict[str, dict[str, Any]] | None = None,
    paths: dict[int, str] | None = None,
) -> Path:
    """Write a clause library under ``root``: controls/<family>/<id>.yaml, language.yaml, VERSION, playbooks/.

    ``paths`` overrides the file path (relative to controls/) of the control at that index.
    """
    (root / "playbooks").mkdir(parents=True, exist_ok=True)
    (root / "VERSION").write_text("0.0.1\n")
    # The language file is schema-checked in every section: a library needs a real one.
    shipped = Path(__file__).resolve().parent.parent / "clause_library" / "language.yaml"
    (root / "language.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    for i, control in enumerate(controls):
        rel = (paths or {}).get(i, f"{control.get('family', 'incident')}/{control.get('id', 'x')}.yaml")
        path = root / "controls" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(control, sort_keys=False, allow_unicode=True))
    for name, playbook in (playbooks or {}).items():
        (root / "playbooks" / f"{name}.yaml").write_text(yaml.safe_dump(playbook, sort_keys=False))
    return root


def playbook(name: str, controls: list[Any]) -> dict[str, Any]:
    """A minimal playbook selecting ``controls``."""
    return {
        "name": name,
        "title": name.title(),
        "description": "A playbook for the lint tests.",
        "controls": controls,
    }


def other_control() -> dict[str, Any]:
    """A second clean control with its own vocabulary."""
    c = base_control("mfa", "access")
    c["title"] = "Multi-factor authentication for all access"
    c["match"] = {
        "terms": {"enforce": ["enforc*", "requir*"], "mfa": ["multi-factor", "two-factor", "mfa"]},
        "rules": [["enforce", "mfa"]],
        "action": "enforce",
    }
    c["parameters"] = []
    for kind in ("met", "weak"):
        for e in c["examples"][kind]:
            e.pop("params", None)
    return c


def problems(root: Path, code: str | None = None) -> list[LintProblem]:
    """Lint ``root`` and keep the problems with ``code``."""
    found = lint_library(root)
    return [p for p in found if code is None or p.code == code]


def file_line(path: Path, needle: str, after: str = "") -> int:
    """1-based line of the first line of ``path`` containing ``needle`` (below the line with ``after``)."""
    start = file_line(path, after) if after else 0
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if n > start and needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def test_clean_library_has_no_problems(tmp_path: Path) -> None:
    root = write_library(tmp_path, [base_control(), other_control()], {"base": playbook("base", ["mfa"])})
    assert problems(root) == []


def test_duplicate_ids_are_errors(tmp_path: Path) -> None:
    root = write_library(
        tmp_path,
        [base_control(), base_control()],
        paths={1: "incident/incident_notification_copy.yaml"},
    )
    dup = problems(root, "duplicate-id")
    assert len(dup) == 1 and dup[0].level == "error"
    assert dup[0].path.name == "incident_notification_copy.yaml"
    assert "incident/incident_notification.yaml" in dup[0].message
    assert dup[0].line == 1
    assert [p.path.name for p in problems(root, "id-filename")] == ["incident_notification_copy.yaml"]


def test_family_folder_mismatch_is_a_warning(tmp_path: Path) -> None:
    root = write_library(tmp_path, [base_control()], paths={0: "access/incident_notification.yaml"})
    (found,) = problems(root, "family-folder")
    assert found.level == "warning"


def test_shared_action_phrase_is_a_warning(tmp_path: Path) -> None:
    other = other_control()
    other["match"]["terms"]["enforce"].append("NOTIF*")
    root = write_library(tmp_path, [base_control(), other])
    shared = problems(root, "shared-action-term")
    assert {p.path.stem for p in shared} == {"incident_notification", "mfa"}
    assert all(p.level == "warning" and "'notif*'" in p.message.lower() for p in shared)
    assert problems(root, "identical-rules") == []


def test_identical_match_rules_are_an_error(tmp_path: Path) -> None:
    other = other_control()
    other["match"] = copy.deepcopy(base_control()["match"])
    other["match"]["terms"] = {"tell": ["inform*", "notif*"], "event": ["data breach*", "security incident*"]}
    other["match"]["rules"] = [["tell", "event"]]
    other["match"]["action"] = "tell"
    root = write_library(tmp_path, [base_control(), other])
    (found,) = problems(root, "identical-rules")
    # Reported once, on the second file read, naming the first.
    assert found.level == "error" and found.path.stem == "incident_notification" and "'mfa'" in found.message


def test_references_missing_or_without_section(tmp_path: Path) -> None:
    no_refs = base_control()
    no_refs["references"] = []
    no_section = other_control()
    no_section["references"][0]["section"] = "  "
    root = write_library(tmp_path, [no_refs, no_section])
    (schema,) = problems(root, "schema")
    assert schema.path.stem == "incident_notification" and "references" in schema.message
    assert schema.line == file_line(schema.path, "references:")
    (section,) = problems(root, "reference-section")
    assert section.path.stem == "mfa" and section.level == "error" and "GDPR" in section.message
    assert section.line == file_line(section.path, "- framework: GDPR")


def test_uncertain_reference_without_note_is_a_warning(tmp_path: Path) -> None:
    c = base_control()
    c["references"][1]["note"] = ""
    (found,) = problems(write_library(tmp_path, [c]), "reference-note")
    assert found.level == "warning" and "medium" in found.message


def test_short_or_empty_fallback(tmp_path: Path) -> None:
    short = base_control()
    short["fallback"]["acceptable"] = "Supplier shall notify Customer of incidents quickly, always."
    empty = other_control()
    empty["fallback"]["strict"] = ""
    root = write_library(tmp_path, [short, empty])
    (too_short,) = problems(root, "fallback-short")
    assert too_short.path.stem == "incident_notification" and "fallback.acceptable" in too_short.message
    assert too_short.line == file_line(too_short.path, "acceptable:", after="fallback:")
    (schema,) = problems(root, "schema")
    assert schema.path.stem == "mfa" and "fallback.strict" in schema.message


def test_fallback_without_binding_verb_is_a_warning(tmp_path: Path) -> None:
    c = base_control()
    c["fallback"]["acceptable"] = (
        "Supplier may, where it considers it appropriate, tell Customer about some Security Incidents "
        "affecting Customer Data at a time of its choosing."
    )
    (found,) = problems(write_library(tmp_path, [c]), "fallback-not-binding")
    assert found.level == "warning"


@pytest.mark.parametrize(("kind", "minimum"), [("met", 6), ("weak", 4), ("conflict", 2), ("negative", 6)])
def test_fewer_examples_than_the_minimum(tmp_path: Path, kind: str, minimum: int) -> None:
    c = base_control()
    c["examples"][kind] = c["examples"][kind][:1]
    (found,) = problems(write_library(tmp_path, [c]), "example-count")
    assert found.level == "error" and f"1 {kind} example(s); at least {minimum}" in found.message
    assert found.line == file_line(found.path, f"  {kind}:")


def test_deprecated_control_with_few_examples_only_warns(tmp_path: Path) -> None:
    c = base_control()
    c["status"] = "deprecated"
    c["examples"]["negative"] = c["examples"]["negative"][:2]
    (found,) = problems(write_library(tmp_path, [c]), "example-count")
    assert found.level == "warning"


def test_examples_too_similar_within_a_list(tmp_path: Path) -> None:
    c = base_control()
    c["examples"]["met"][5] = {
        "text": "Supplier shall notify the Customer of any Security Incident within 24 hours."
    }
    (found,) = problems(write_library(tmp_path, [c]), "example-similar")
    assert found.level == "warning" and "met[5]" in found.message and "met[0]" in found.message
    assert found.line == file_line(found.path, "notify the Customer of any")


def test_exact_duplicate_example_in_one_list(tmp_path: Path) -> None:
    c = base_control()
    c["examples"]["negative"][5] = c["examples"]["negative"][0].upper()
    (found,) = problems(write_library(tmp_path, [c]), "example-duplicate")
    assert found.level == "error" and "negative[5] repeats negative[0]" in found.message


def test_example_in_two_expectation_lists(tmp_path: Path) -> None:
    c = base_control()
    c["examples"]["negative"][5] = c["examples"]["met"][0]["text"]
    (found,) = problems(write_library(tmp_path, [c]), "example-contradiction")
    assert found.level == "error" and "negative[5] repeats met[0]" in found.message
    assert found.line == file_line(
        found.path, "- Supplier shall notify Customer of any Security Incident within 24"
    )


def test_weak_example_without_reason_or_with_unlisted_reason(tmp_path: Path) -> None:
    c = base_control()
    del c["examples"]["weak"][1]["reason"]
    c["examples"]["weak"][2]["reason"] = "cost_shift"
    found = problems(write_library(tmp_path, [c]), "weak-reason")
    assert [p.level for p in found] == ["error", "error"]
    assert "weak[1] has no reason" in found[0].message
    assert "'cost_shift' is not in this control's weak_reasons" in found[1].message


def test_example_params_must_name_a_parameter(tmp_path: Path) -> None:
    c = base_control()
    c["examples"]["met"][0]["params"] = {"notification_minutes": 5, "notification_days": 1}
    (found,) = problems(write_library(tmp_path, [c]), "example-param")
    assert "notification_minutes" in found.message and "notification_days" not in found.message.split(";")[0]


def test_playbook_unknown_and_deprecated_controls(tmp_path: Path) -> None:
    old = other_control()
    old["status"] = "deprecated"
    book = playbook("strict", ["incident_notificaton", "mfa", {"id": "incident_notification"}])
    book["controls"][2]["thresholds"] = {"notification": 24, "retention": 90}
    root = write_library(tmp_path, [base_control(), old], {"strict": book})
    (unknown,) = problems(root, "playbook-unknown-control")
    assert unknown.level == "error" and "did you mean 'incident_notification'" in unknown.message
    assert unknown.path.name == "strict.yaml" and unknown.line == file_line(
        unknown.path, "incident_notificaton"
    )
    (deprecated,) = problems(root, "playbook-deprecated")
    assert deprecated.level == "warning" and "'mfa'" in deprecated.message
    (threshold,) = problems(root, "playbook-threshold")
    assert "'retention'" in threshold.message and threshold.line == file_line(threshold.path, "retention")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    root = write_library(tmp_path, [base_control(), other_control()])
    path = root / "controls/access/mfa.yaml"
    lines = path.read_text().splitlines()
    lines[3] = "status: [stable"
    path.write_text("\n".join(lines) + "\n")
    found = problems(root, "yaml")
    assert len(found) == 1 and found[0].path == path and found[0].line >= 4
    # The broken file hides nothing else: the other control is still linted.
    assert not [p for p in problems(root) if p.path != path]


def test_unknown_key_and_duplicate_key(tmp_path: Path) -> None:
    c = base_control()
    c["severty"] = "high"
    root = write_library(tmp_path, [c])
    path = root / "controls/incident/incident_notification.yaml"
    path.write_text(path.read_text() + "title: Another title for the same control\n")
    (schema,) = problems(root, "schema")
    assert "severty: unknown key" in schema.message and schema.line == file_line(path, "severty")
    (dup,) = problems(root, "duplicate-key")
    assert (
        dup.level == "error" and "'title'" in dup.message and dup.line == len(path.read_text().splitlines())
    )


def test_format_is_path_line_level_code_message(tmp_path: Path) -> None:
    problem = LintProblem(tmp_path / "controls/a/b.yaml", 7, "error", "schema", "id: bad")
    assert problem.format(tmp_path) == "controls/a/b.yaml:7: error [schema] id: bad"
    assert problem.format(Path("/elsewhere")).endswith("b.yaml:7: error [schema] id: bad")


def test_catalogue_codes_are_one_code_each_and_unique(tmp_path: Path) -> None:
    # issue 12: AC-03 and ND-02 were used twice, three controls had none, one had two.
    first, second = base_control(), base_control("mfa", "access")
    second["catalogue"] = first["catalogue"] = "IN-01"
    third = base_control("log_retention", "incident")
    third["catalogue"] = "ND-03, AI-03"
    root = write_library(tmp_path, [first, second, third])
    [dup] = problems(root, "duplicate-catalogue")
    assert dup.level == "error" and "IN-01" in dup.message
    assert [p.path.stem for p in problems(root, "catalogue-code")] == ["log_retention"]


def test_the_shipped_library_has_unique_catalogue_codes() -> None:
    shipped = Path(__file__).resolve().parent.parent / "clause_library"
    assert not [p for p in lint_library(shipped) if p.code in ("duplicate-catalogue", "catalogue-code")]


def test_a_term_group_in_no_rule_is_a_warning_unless_it_is_defining(tmp_path: Path) -> None:
    control = base_control()
    control["match"]["terms"]["firm"] = ["within"]
    root = write_library(tmp_path, [control], paths={0: "incident/incident_notification.yaml"})
    (unused,) = problems(root, "term-unused")
    assert unused.level == "warning" and "'firm'" in unused.message
    control["match"]["defining"] = ["firm"]  # decides met from weak: in use
    root = write_library(tmp_path / "defining", [control], paths={0: "incident/incident_notification.yaml"})
    assert problems(root, "term-unused") == []
