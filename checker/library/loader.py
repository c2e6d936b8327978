"""Loading the clause library and playbooks from YAML, with errors that name the file and line.

The library is data: YAML parsed with ``yaml.safe_load`` (never executes anything) and validated by
:mod:`checker.library.schema`. Its version and a content hash of every file go into each report's
provenance, so an assessment can be tied to the exact rules that produced it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from checker.errors import LibraryError, PlaybookError
from checker.library.schema import Control, LanguageFile, Playbook, PlaybookControl

__all__ = [
    "DEFAULT_LIBRARY",
    "Library",
    "expand_playbook",
    "load_library",
    "load_playbook",
    "resolve_playbook",
]

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent.parent / "clause_library"


@dataclass(frozen=True)
class Library:
    """Every control, the shared language vocabulary, the shipped playbooks, version and hash."""

    root: Path
    version: str
    content_hash: str
    controls: dict[str, Control]
    language: dict[str, Any]
    playbooks: dict[str, Playbook] = field(default_factory=dict)

    def control(self, control_id: str) -> Control:
        """The control with this id; a :class:`LibraryError` names the unknown id."""
        try:
            return self.controls[control_id]
        except KeyError:
            raise LibraryError(
                f"unknown control {control_id!r}",
                hint="Run 'clausecheck library list' to see the control ids.",
            ) from None


def _line_of(text: str, loc: tuple[Any, ...], data: Any) -> int | None:
    """Best-effort line number of the key a pydantic error points to."""
    node = yaml.compose(text)
    for part in loc:
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            break
    return None if node is None else node.start_mark.line + 1


def _read_yaml(path: Path, error: type[LibraryError] | type[PlaybookError]) -> tuple[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}", path=str(path)) from None
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path}{line}: not valid YAML: {problem}", path=str(path)) from None


def _validate(
    path: Path, text: str, data: Any, model: Any, error: type[LibraryError] | type[PlaybookError]
) -> Any:
    if not isinstance(data, dict):
        raise error("expected a mapping of keys at the top level", path=str(path))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:5]:
            loc = tuple(err["loc"])
            line = _line_of(text, loc, data)
            where = f"line {line}, " if line else ""
            key = ".".join(str(p) for p in loc) or "(top level)"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling against the schema)"
            problems.append(f"{where}{key}: {msg}")
        raise error("; ".join(problems), path=str(path)) from None


def load_library(root: Path | str = DEFAULT_LIBRARY) -> Library:
    """Load and validate every control under ``root/controls`` and every shipped playbook."""
    root = Path(root)
    digest = hashlib.sha256()
    controls: dict[str, Control] = {}
    files = sorted((root / "controls").rglob("*.yaml"))
    if not files:
        raise LibraryError(f"no control files under {root / 'controls'}", path=str(root))
    for path in files:
        text, data = _read_yaml(path, LibraryError)
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + text.encode() + b"\0")
        control = _validate(path, text, data, Control, LibraryError)
        if control.id != path.stem:
            raise LibraryError(f"id {control.id!r} must equal the file name", path=str(path))
        if control.id in controls:
            raise LibraryError(f"duplicate control id {control.id!r}", path=str(path))
        controls[control.id] = control
    lang_text, language = _read_yaml(root / "language.yaml", LibraryError)
    if language is not None:
        _validate(root / "language.yaml", lang_text, language, LanguageFile, LibraryError)
    digest.update(b"language.yaml\0" + lang_text.encode())
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    playbooks: dict[str, Playbook] = {}
    for path in sorted((root / "playbooks").glob("*.yaml")):
        text, _ = _read_yaml(path, PlaybookError)
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + text.encode() + b"\0")
    library = Library(root, version, digest.hexdigest()[:16], controls, language or {})
    for path in sorted((root / "playbooks").glob("*.yaml")):
        playbook = load_playbook(path, library)
        playbooks[playbook.name] = playbook
    library.playbooks.update(playbooks)
    return library


def load_playbook(path: Path | str, library: Library) -> Playbook:
    """Load a playbook file and check that every control and threshold it names exists."""
    path = Path(path)
    text, data = _read_yaml(path, PlaybookError)
    playbook: Playbook = _validate(path, text, data, Playbook, PlaybookError)
    for i, entry in enumerate(playbook.controls):
        if entry.id not in library.controls:
            line = _line_of(text, ("controls", i), data)
            known = _closest(entry.id, library.controls)
            raise PlaybookError(f"line {line}: unknown control {entry.id!r}" + known, path=str(path))
        stems = {p.key for p in library.controls[entry.id].parameters}
        for key in entry.thresholds:
            if key not in stems:
                line = _line_of(text, ("controls", i, "thresholds", key), data)
                raise PlaybookError(
                    f"line {line}: control {entry.id!r} has no parameter {key!r}"
                    f" (it has: {', '.join(sorted(stems)) or 'none'})",
                    path=str(path),
                )
    return playbook


def _closest(name: str, known: dict[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def resolve_playbook(name_or_path: str, library: Library) -> Playbook:
    """A shipped playbook by name, ``all`` for every control, or a user's playbook file by path."""
    if name_or_path in library.playbooks:
        playbook = library.playbooks[name_or_path]
    elif name_or_path.endswith((".yaml", ".yml")) or Path(name_or_path).is_file():
        if not Path(name_or_path).is_file():
            raise PlaybookError(f"playbook file not found: {name_or_path}", path=name_or_path)
        playbook = load_playbook(name_or_path, library)
    else:
        known = ", ".join(sorted(library.playbooks))
        raise PlaybookError(
            f"unknown playbook {name_or_path!r}",
            hint=f"Use one of: {known}, or the path of a playbook YAML file.",
        )
    return expand_playbook(playbook, library)


def expand_playbook(playbook: Playbook, library: Library) -> Playbook:
    """The playbook with ``all_controls`` expanded to every non-deprecated control of the library."""
    if playbook.all_controls:
        chosen = {c.id for c in playbook.controls}
        extra = [
            PlaybookControl(id=cid)
            for cid, ctl in library.controls.items()
            if cid not in chosen and ctl.status != "deprecated"
        ]
        playbook = playbook.model_copy(update={"controls": [*playbook.controls, *extra]})
    return playbook
