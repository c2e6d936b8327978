"""Lint the clause library: problems a schema cannot see, one line each, with file and line.

Like semgrep-rules' rule linters, this reads every control and playbook file on its own, so one broken
file does not hide the problems of the others, and reports everything it finds in one pass. Each check
is a small function over parsed data; the thresholds it applies are the constants below.

Errors make ``clausecheck library lint`` exit 1: invalid files, duplicate ids, contradictory or missing
examples, references without a section, fallback language too short to send, playbooks naming controls
that do not exist. Warnings point at things a reviewer should look at: action phrases shared between
controls, near-duplicate examples, deprecated controls still in a playbook.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from checker.library.schema import Control, ControlStatus, Playbook

__all__ = [
    "EXAMPLE_MINIMUMS",
    "LintProblem",
    "lint_library",
]

Level = Literal["error", "warning"]

#: Fewest examples of each kind a control must carry (deprecated controls are exempt).
EXAMPLE_MINIMUMS = {"met": 6, "weak": 4, "conflict": 2, "negative": 6}
#: Two examples of the same kind this alike add little: token-set Jaccard or difflib ratio.
SIMILAR_JACCARD = 0.8
SIMILAR_RATIO = 0.9
#: Fallback language shorter than this many words is not a clause a lawyer can send.
FALLBACK_MIN_WORDS = 15
_BINDING = re.compile(r"\b(shall|will|must|agrees?|undertakes?|is required to)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class LintProblem:
    """One problem: where it is, how bad, a stable code and a message a reviewer can act on."""

    path: Path
    line: int
    level: Level
    code: str
    message: str

    def format(self, base: Path | None = None) -> str:
        """``path:line: level [code] message``, the path relative to ``base`` where it can be."""
        path = self.path
        if base is not None and path.is_relative_to(base):
            path = path.relative_to(base)
        where = f"{path}:{self.line}" if self.line else str(path)
        return f"{where}: {self.level} [{self.code}] {self.message}"


@dataclass
class _File:
    """A parsed YAML file: its data and node tree, for line numbers."""

    path: Path
    data: Any
    node: yaml.Node | None

    def line(self, *loc: str | int) -> int:
        """Line (1-based) of the deepest key or item along ``loc`` that exists; 0 if the file is empty."""
        node = self.node
        if node is None:
            return 0
        line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    break
                # A key's line, not its value's: a block list starts on the line after its key.
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


class _Report:
    """Collects problems for one lint run."""

    def __init__(self) -> None:
        self.problems: list[LintProblem] = []

    def add(self, file: _File | Path, loc: tuple[str | int, ...], level: Level, code: str, msg: str) -> None:
        if isinstance(file, _File):
            self.problems.append(LintProblem(file.path, file.line(*loc), level, code, msg))
        else:
            self.problems.append(LintProblem(file, 0, level, code, msg))


def lint_library(root: Path | str) -> list[LintProblem]:
    """Every problem in the library at ``root`` (controls, playbooks, shared files), sorted by file."""
    root = Path(root)
    report = _Report()
    for name in ("VERSION", "language.yaml"):
        if not (root / name).is_file():
            report.add(root / name, (), "error", "missing-file", f"the library needs a {name} file")
    if (root / "language.yaml").is_file():
        language = _parse(root / "language.yaml", report)
        if language is not None and not isinstance(language.data, dict | None):
            report.add(language, (), "error", "schema", "language.yaml must be a mapping of keys")
    files = sorted((root / "controls").rglob("*.yaml"))
    if not files:
        report.add(root / "controls", (), "error", "missing-file", "no control files under controls/")
    controls: dict[str, tuple[_File, Control]] = {}
    for path in files:
        parsed = _parse(path, report)
        control = _validate(parsed, Control, report) if parsed else None
        if parsed is None or control is None:
            continue
        _check_identity(parsed, control, controls, report)
        _check_control(parsed, control, report)
    _check_action_terms(controls, report)
    for path in sorted((root / "playbooks").glob("*.y*ml")):
        parsed = _parse(path, report)
        playbook = _validate(parsed, Playbook, report) if parsed else None
        if parsed is not None and playbook is not None:
            _check_playbook(parsed, playbook, {cid: c for cid, (_, c) in controls.items()}, report)
    return sorted(report.problems)


# --- reading -------------------------------------------------------------------------------------


def _parse(path: Path, report: _Report) -> _File | None:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except OSError as exc:
        report.add(path, (), "error", "unreadable", f"cannot read the file: {exc.strerror}")
        return None
    except UnicodeDecodeError:
        report.add(path, (), "error", "unreadable", "the file is not UTF-8 text")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        report.problems.append(
            LintProblem(path, mark.line + 1 if mark else 0, "error", "yaml", f"not valid YAML: {problem}")
        )
        return None
    parsed = _File(path, data, node)
    for key_node in _duplicate_keys(node):
        report.problems.append(
            LintProblem(
                path,
                key_node.start_mark.line + 1,
                "error",
                "duplicate-key",
                f"key {key_node.value!r} appears twice in one mapping; YAML keeps only the last",
            )
        )
    return parsed


def _duplicate_keys(node: yaml.Node | None) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key
                seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


def _validate(parsed: _File, model: type[Control] | type[Playbook], report: _Report) -> Any:
    if not isinstance(parsed.data, dict):
        report.add(parsed, (), "error", "schema", "expected a mapping of keys at the top level")
        return None
    try:
        return model.model_validate(parsed.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(p) for p in loc) or "(top level)"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling against the schema)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            report.add(parsed, loc, "error", "schema", f"{key}: {msg}")
        return None


# --- controls ------------------------------------------------------------------------------------


_CATALOGUE = re.compile(r"[A-Z]{2}-\d{2}")


def _check_identity(
    parsed: _File, control: Control, controls: dict[str, tuple[_File, Control]], report: _Report
) -> None:
    if control.id != parsed.path.stem:
        report.add(parsed, ("id",), "error", "id-filename", f"id {control.id!r} must equal the file name")
    if parsed.path.parent.name != control.family:
        report.add(
            parsed,
            ("family",),
            "warning",
            "family-folder",
            f"family {control.family!r} but the file is in folder {parsed.path.parent.name!r}",
        )
    if not _CATALOGUE.fullmatch(control.catalogue):
        report.add(
            parsed,
            ("catalogue",),
            "error",
            "catalogue-code",
            f"catalogue code {control.catalogue!r} must be one code like SC-01 (shown beside the title)",
        )
    clash = next((f.path for f, c in controls.values() if c.catalogue == control.catalogue), None)
    if clash is not None and control.catalogue:
        report.add(
            parsed,
            ("catalogue",),
            "error",
            "duplicate-catalogue",
            f"catalogue code {control.catalogue!r} is also used by {clash}",
        )
    if control.id in controls:
        first = controls[control.id][0].path
        report.add(
            parsed, ("id",), "error", "duplicate-id", f"control id {control.id!r} is also used by {first}"
        )
    else:
        controls[control.id] = (parsed, control)


def _check_control(parsed: _File, control: Control, report: _Report) -> None:
    for check in (_check_references, _check_fallback, _check_terms, _check_examples):
        check(parsed, control, report)


def _check_references(parsed: _File, control: Control, report: _Report) -> None:
    for i, ref in enumerate(control.references):
        if not ref.section.strip():
            msg = f"reference to {ref.framework} names no article or section"
            report.add(parsed, ("references", i), "error", "reference-section", msg)
        if ref.certainty != "high" and not ref.note.strip():
            report.add(
                parsed,
                ("references", i),
                "warning",
                "reference-note",
                f"{ref.framework} {ref.section}: certainty {ref.certainty.value} needs a note saying why",
            )


def _check_fallback(parsed: _File, control: Control, report: _Report) -> None:
    for level in ("strict", "acceptable"):
        text = getattr(control.fallback, level).strip()
        words = len(text.split())
        if words < FALLBACK_MIN_WORDS:
            report.add(
                parsed,
                ("fallback", level),
                "error",
                "fallback-short",
                f"fallback.{level} has {words} words; a clause to send needs at least {FALLBACK_MIN_WORDS}",
            )
        elif not _BINDING.search(text) and control.match.customer_right == "none":
            # A customer right ("Customer may terminate ...") binds by granting, not by "shall".
            report.add(
                parsed,
                ("fallback", level),
                "warning",
                "fallback-not-binding",
                f"fallback.{level} has no binding verb (shall, will, must, agrees)",
            )
    if _norm(control.fallback.strict) == _norm(control.fallback.acceptable):
        msg = "fallback.strict and fallback.acceptable are the same text"
        report.add(parsed, ("fallback",), "warning", "fallback-same", msg)


def _check_terms(parsed: _File, control: Control, report: _Report) -> None:
    rules = [*control.match.rules, *control.match.conflict, *getattr(control.match, "weak_rules", [])]
    used = {g for rule in rules for g in rule}
    used.add(control.match.action)
    used.update(control.match.defining)  # a group that decides met from weak is in use
    for kind in ("terms", "conflict_terms"):
        for group, phrases in getattr(control.match, kind).items():
            loc = ("match", kind, group)
            if group not in used:
                report.add(
                    parsed,
                    loc,
                    "warning",
                    "term-unused",
                    f"term group {group!r} is in no rule, not the action and not defining",
                )
            seen: set[str] = set()
            for phrase in phrases:
                key = phrase.strip().lower()
                if not key or key == "*":
                    report.add(
                        parsed, loc, "error", "term-empty", f"term group {group!r} has an empty phrase"
                    )
                elif key in seen:
                    msg = f"term group {group!r} lists {phrase!r} twice"
                    report.add(parsed, loc, "warning", "term-duplicate", msg)
                seen.add(key)


def _check_examples(parsed: _File, control: Control, report: _Report) -> None:
    deprecated = control.status == ControlStatus.DEPRECATED
    param_keys = {f"{p.key}_{u.value}" for p in control.parameters for u in [p.unit, *p.accept_units]}
    first_seen: dict[str, tuple[str, int]] = {}
    for kind, minimum in EXAMPLE_MINIMUMS.items():
        examples = getattr(control.examples, kind)
        if len(examples) < minimum:
            report.add(
                parsed,
                ("examples", kind) if examples else ("examples",),
                "warning" if deprecated else "error",
                "example-count",
                f"{len(examples)} {kind} example(s); at least {minimum} are needed",
            )
        tokens = [_tokens(e.text) for e in examples]
        for i, example in enumerate(examples):
            loc = ("examples", kind, i)
            norm = " ".join(tokens[i])
            if norm in first_seen:
                other_kind, j = first_seen[norm]
                same = other_kind == kind
                report.add(
                    parsed,
                    loc,
                    "error",
                    "example-duplicate" if same else "example-contradiction",
                    f"{kind}[{i}] repeats {other_kind}[{j}]"
                    + ("" if same else f": one sentence cannot be both {other_kind} and {kind}"),
                )
            else:
                first_seen[norm] = (kind, i)
            if kind == "weak":
                _check_weak_reason(parsed, control, i, example.reason, report)
            unknown = sorted(set(example.params) - param_keys)
            if unknown:
                report.add(
                    parsed,
                    (*loc, "params"),
                    "error",
                    "example-param",
                    f"{kind}[{i}] sets {', '.join(unknown)}; the control reports "
                    f"{', '.join(sorted(param_keys)) or 'no parameters'}",
                )
        for (i, a), (j, b) in combinations(enumerate(tokens), 2):
            if a != b and _similar(a, b):
                report.add(
                    parsed,
                    ("examples", kind, j),
                    "warning",
                    "example-similar",
                    f"{kind}[{j}] is nearly the same sentence as {kind}[{i}]; vary the wording",
                )


def _check_weak_reason(parsed: _File, control: Control, i: int, reason: str | None, report: _Report) -> None:
    loc = ("examples", "weak", i)
    if not reason:
        report.add(parsed, loc, "error", "weak-reason", f"weak[{i}] has no reason (one of the weak_reasons)")
    elif reason not in control.weak_reasons:
        report.add(
            parsed,
            (*loc, "reason"),
            "error",
            "weak-reason",
            f"weak[{i}] reason {reason!r} is not in this control's weak_reasons",
        )


def _check_action_terms(controls: dict[str, tuple[_File, Control]], report: _Report) -> None:
    """Flag action phrases shared between controls; identical match rules are an error."""
    owners: dict[str, set[str]] = defaultdict(set)
    signatures: dict[frozenset[frozenset[frozenset[str]]], str] = {}
    for cid, (_, control) in controls.items():
        match = control.match
        for phrase in match.terms[match.action]:
            owners[phrase.strip().lower()].add(cid)
        signature = frozenset(
            frozenset(frozenset(p.strip().lower() for p in match.terms[g]) for g in rule)
            for rule in match.rules
        )
        parsed = controls[cid][0]
        if signature in signatures:
            other = signatures[signature]
            msg = f"match rules find exactly what {other!r} finds; the two controls cannot be told apart"
            report.add(parsed, ("match", "rules"), "error", "identical-rules", msg)
        else:
            signatures[signature] = cid
    for cid, (parsed, control) in controls.items():
        shared: dict[str, list[str]] = defaultdict(list)
        for phrase in control.match.terms[control.match.action]:
            for other in sorted(owners[phrase.strip().lower()] - {cid}):
                shared[other].append(phrase)
        if shared:
            detail = "; ".join(
                f"{other} ({', '.join(map(repr, ps))})" for other, ps in sorted(shared.items())
            )
            report.add(
                parsed,
                ("match", "terms", control.match.action),
                "warning",
                "shared-action-term",
                f"action group {control.match.action!r} shares phrases with {detail}",
            )


# --- playbooks -----------------------------------------------------------------------------------


def _check_playbook(parsed: _File, playbook: Playbook, controls: dict[str, Control], report: _Report) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(playbook.controls):
        loc = ("controls", i)
        if entry.id in seen:
            report.add(parsed, loc, "error", "playbook-duplicate", f"control {entry.id!r} is listed twice")
        seen.add(entry.id)
        control = controls.get(entry.id)
        if control is None:
            close = difflib.get_close_matches(entry.id, list(controls), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            report.add(
                parsed, loc, "error", "playbook-unknown-control", f"unknown control {entry.id!r}{hint}"
            )
            continue
        if control.status == ControlStatus.DEPRECATED:
            msg = f"control {entry.id!r} is deprecated; replace or drop it"
            report.add(parsed, loc, "warning", "playbook-deprecated", msg)
        stems = {p.key for p in control.parameters}
        for key in entry.thresholds:
            if key not in stems:
                report.add(
                    parsed,
                    (*loc, "thresholds", key),
                    "error",
                    "playbook-threshold",
                    f"control {entry.id!r} has no parameter {key!r}"
                    f" (it has: {', '.join(sorted(stems)) or 'none'})",
                )


# --- text ----------------------------------------------------------------------------------------


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


def _norm(text: str) -> str:
    return " ".join(_tokens(text))


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    sa, sb = set(a), set(b)
    if sa and sb and len(sa & sb) / len(sa | sb) >= SIMILAR_JACCARD:
        return True
    matcher = difflib.SequenceMatcher(None, " ".join(a), " ".join(b), autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR_RATIO
        and matcher.quick_ratio() >= SIMILAR_RATIO
        and (matcher.ratio() >= SIMILAR_RATIO)
    )
