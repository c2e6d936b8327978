"""Playbooks in the app: the shipped ones by name, or one the reviewer uploads as YAML.

An uploaded playbook is written to a temporary directory only for as long as the loader reads it (the
loader reads files, so its error messages can name the line), and the temporary path is replaced by
the uploaded file's name in any error, so the message points at the reviewer's own file.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from checker.errors import PlaybookError
from checker.library.loader import Library, expand_playbook, load_playbook
from checker.library.schema import Playbook
from checker.report.wording import quantity_words
from checker.score import threshold_for

__all__ = [
    "DEFAULT_PLAYBOOK",
    "load_uploaded_playbook",
    "playbook_label",
    "playbook_summary",
    "shipped_playbook",
    "shipped_playbooks",
]

DEFAULT_PLAYBOOK = "baseline"


def shipped_playbooks(library: Library) -> list[str]:
    """The shipped playbook names, the default first."""
    names = sorted(library.playbooks)
    return sorted(names, key=lambda n: n != DEFAULT_PLAYBOOK)


def shipped_playbook(name: str, library: Library) -> Playbook:
    """A shipped playbook ready to score with: ``all`` expanded to every control of the library.

    The library keeps ``all`` as written (``all_controls: true``, no control listed); scoring it
    unexpanded gave no finding at all, a 0/100 score and a chart with no data (issue 12).
    """
    return expand_playbook(library.playbooks[name], library)


def playbook_label(name: str, library: Library) -> str:
    """A playbook as the selector shows it: "Baseline vendor security · 26 controls"."""
    if name not in library.playbooks:
        return name
    return f"{library.playbooks[name].title} · {len(shipped_playbook(name, library).controls)} controls"


def playbook_summary(playbook: Playbook, library: Library, *, limit: int = 6) -> str:
    """What a playbook checks, in words: its description, how strict, and its main thresholds."""
    expanded = expand_playbook(playbook, library)
    limits: list[str] = []
    for entry in expanded.controls:
        control = library.controls.get(entry.id)
        if control is None:
            continue
        for param in control.parameters:
            value = threshold_for(param, expanded, entry)
            if value is not None and len(limits) < limit:
                sign = "at most" if param.direction == "max" else "at least"
                unit = param.unit.value.replace("_", " ").rstrip("s") if param.unit.value != "amount" else ""
                limits.append(f"{param.key.replace('_', ' ')}: {sign} {quantity_words(value, unit)}")
    level = "strict" if expanded.level == "strict" else "acceptable"
    text = f"{' '.join(playbook.description.split())} {len(expanded.controls)} controls at the library's {level} thresholds"
    return text + (" where the playbook sets none; for example " + "; ".join(limits) + "." if limits else ".")


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).lstrip(".") or "playbook"
    return stem if stem.endswith((".yaml", ".yml")) else stem + ".yaml"


def load_uploaded_playbook(name: str, data: bytes, library: Library) -> Playbook:
    """Validate an uploaded playbook YAML against the library; errors name the upload and the line."""
    with tempfile.TemporaryDirectory(prefix="clausecheck-playbook-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        try:
            return expand_playbook(load_playbook(path, library), library)
        except PlaybookError as exc:
            shown = Path(name).name
            message = exc.message.replace(str(path), shown)
            raise PlaybookError(
                message if shown in message else f"{shown}: {message}",
                hint=exc.hint or "Fix the playbook file and upload it again.",
                path=shown,
            ) from None
        except UnicodeDecodeError:
            raise PlaybookError(
                f"{Path(name).name}: the playbook is not UTF-8 text.",
                hint="Save the playbook as UTF-8 YAML and upload it again.",
                path=Path(name).name,
            ) from None
