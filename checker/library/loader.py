"""Loading the clause library and playbooks from YAML, with errors that name the file and line.

The library is data: YAML parsed with ``yaml.safe_load`` (never executes anything) and validated by
:mod:`checker.library.schema`. Its version and a content hash of every file go into each report's
provenance, so an assessment can be tied to the exact rules that produced it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from checker.errors import LibraryError, PlaybookError
from checker.library.cache import LibraryCache
from checker.library.schema import Control, LanguageFile, Playbook, PlaybookControl

__all__ = [
    "DEFAULT_LIBRARY",
    "Library",
    "expand_playbook",
    "library_hash",
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


def _read_text(path: Path, error: type[LibraryError] | type[PlaybookError]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}", path=str(path)) from None


def _parse_yaml(path: Path, text: str, error: type[LibraryError] | type[PlaybookError]) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path}{line}: not valid YAML: {problem}", path=str(path)) from None


def _read_yaml(path: Path, error: type[LibraryError] | type[PlaybookError]) -> tuple[str, Any]:
    text = _read_text(path, error)
    return text, _parse_yaml(path, text, error)


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


def load_library(root: Path | str = DEFAULT_LIBRARY, *, cache: LibraryCache | bool = True) -> Library:
    """Load and validate every control under ``root/controls`` and every shipped playbook.

    The files are always read and hashed; their parsed and validated content comes from ``cache`` (by
    default the user's :class:`~checker.library.cache.LibraryCache`) when it holds this content hash,
    and is stored there otherwise. ``cache=False`` parses every file.
    """
    root = Path(root)
    store = LibraryCache.default() if cache is True else cache or None
    files = _read_files(root)
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    content_hash = files.content_hash
    cached = store.read(content_hash) if store else None
    if cached is not None:
        library = _from_cache(root, version, content_hash, cached)
        if library is not None:
            return library
    controls: dict[str, Control] = {}
    for path, text in files.controls.items():
        data = _parse_yaml(path, text, LibraryError)
        control = _validate(path, text, data, Control, LibraryError)
        if control.id != path.stem:
            raise LibraryError(f"id {control.id!r} must equal the file name", path=str(path))
        if control.id in controls:
            raise LibraryError(f"duplicate control id {control.id!r}", path=str(path))
        controls[control.id] = control
    language = _parse_yaml(root / "language.yaml", files.language, LibraryError)
    if language is not None:
        _validate(root / "language.yaml", files.language, language, LanguageFile, LibraryError)
    library = Library(root, version, content_hash, controls, language or {})
    for path in files.playbooks:
        playbook = load_playbook(path, library)
        library.playbooks[playbook.name] = playbook
    payload = _to_cache(library) if store else None
    if store and payload is not None:
        store.write(content_hash, payload)
    return library


@dataclass(frozen=True)
class _Files:
    """The text of every file of a library and their content hash."""

    controls: dict[Path, str]
    language: str
    playbooks: dict[Path, str]
    content_hash: str


def _read_files(root: Path) -> _Files:
    files = sorted((root / "controls").rglob("*.yaml"))
    if not files:
        raise LibraryError(f"no control files under {root / 'controls'}", path=str(root))
    controls = {path: _read_text(path, LibraryError) for path in files}
    language = _read_text(root / "language.yaml", LibraryError)
    playbooks = {
        path: _read_text(path, PlaybookError) for path in sorted((root / "playbooks").glob("*.yaml"))
    }
    digest = hashlib.sha256()
    for path, text in controls.items():
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + text.encode() + b"\0")
    digest.update(b"language.yaml\0" + language.encode())
    for path, text in playbooks.items():
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + text.encode() + b"\0")
    return _Files(controls, language, playbooks, digest.hexdigest()[:16])


def library_hash(root: Path | str = DEFAULT_LIBRARY) -> str:
    """The content hash of the library in ``root`` (as :attr:`Library.content_hash`), without parsing it."""
    return _read_files(Path(root)).content_hash


def _to_cache(library: Library) -> dict[str, Any] | None:
    """The library's validated content as JSON data, or None if it would not read back the same."""
    payload = {
        "controls": [c.model_dump(mode="json") for c in library.controls.values()],
        "language": library.language,
        "playbooks": [p.model_dump(mode="json") for p in library.playbooks.values()],
    }
    try:
        payload = json.loads(json.dumps(payload, ensure_ascii=False))
    except (TypeError, ValueError):  # YAML can hold what JSON cannot (dates, non-string keys)
        return None
    again = _from_cache(library.root, library.version, library.content_hash, payload)
    return payload if again == library else None


def _from_cache(root: Path, version: str, content_hash: str, data: dict[str, Any]) -> Library | None:
    """The library from cached data, validated again by the same models; None if it does not validate."""
    try:
        controls = [Control.model_validate(c) for c in data["controls"]]
        playbooks = [Playbook.model_validate(p) for p in data["playbooks"]]
        language = data["language"]
    except (KeyError, TypeError, ValidationError):
        return None
    if not isinstance(language, dict):
        return None
    return Library(
        root,
        version,
        content_hash,
        {c.id: c for c in controls},
        language,
        {p.name: p for p in playbooks},
    )


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
