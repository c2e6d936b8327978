"""Framework coverage: which provisions of DORA, NIS2 or GDPR a playbook asks for, and which a contract meets.

``clause_library/frameworks.yaml`` lists, for each framework section the playbooks care about (DORA Art.
30(2), the NIS2 implementing regulation's Annex 5.1.4, GDPR Art. 28(3) ...), its provisions and the
controls that satisfy each. A provision counts as *required* by a playbook when the playbook requires at
least one of its controls, and as *met* when every control of it that the playbook requires is met; a
provision with no control is not covered by the library and is never counted, so a reviewer reads it by
hand (:func:`uncovered_provisions`). A report can then say "DORA Art. 30(2): 7 of 9 points required by
this playbook, 5 met".
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checker.errors import LibraryError, PlaybookError
from checker.library.loader import Library, _line_of, _read_yaml, _validate
from checker.library.schema import Playbook
from checker.models import FrameworkCoverage

__all__ = [
    "FrameworkProvisions",
    "FrameworksFile",
    "Provision",
    "ProvisionCoverage",
    "coverage",
    "load_frameworks",
    "provision_coverage",
    "uncovered_provisions",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provision(_Strict):
    """One point of a framework section and the controls that satisfy it (none: not covered)."""

    point: str = Field(min_length=1, description="The point as the text numbers it: '(a)', '32(1)(a)'.")
    title: str = Field(min_length=5, description="A short paraphrase, in our own words.")
    controls: list[str] = Field(default_factory=list)


class FrameworkProvisions(_Strict):
    """A framework section whose provisions a contract can be checked against."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    framework: str = Field(description="Short framework name as in control references: DORA, GDPR ...")
    section: str = Field(description="The section the provisions belong to: 'Art. 30(2)'.")
    title: str = Field(min_length=5)
    source: str = ""
    provisions: list[Provision] = Field(min_length=1)


class FrameworksFile(_Strict):
    """The whole of ``frameworks.yaml``."""

    frameworks: list[FrameworkProvisions] = Field(min_length=1)


class ProvisionCoverage(_Strict):
    """One provision read against a playbook and, when given, the contract's statuses."""

    framework_id: str
    framework: str
    section: str
    point: str
    title: str
    controls: list[str] = Field(description="The provision's controls that the playbook requires.")
    state: str = Field(description="met | not met | not required | not covered | not assessed")


def load_frameworks(library: Library, path: Path | str | None = None) -> list[FrameworkProvisions]:
    """Read and validate ``frameworks.yaml``; unknown keys, control ids or duplicate ids name the line."""
    path = Path(path) if path is not None else library.root / "frameworks.yaml"
    text, data = _read_yaml(path, LibraryError)
    parsed: FrameworksFile = _validate(path, text, data, FrameworksFile, LibraryError)
    seen: set[str] = set()
    for i, fw in enumerate(parsed.frameworks):
        if fw.id in seen:
            line = _line_of(text, ("frameworks", i, "id"), data)
            raise LibraryError(f"line {line}: duplicate framework id {fw.id!r}", path=str(path))
        seen.add(fw.id)
        for j, provision in enumerate(fw.provisions):
            for k, control_id in enumerate(provision.controls):
                if control_id not in library.controls:
                    line = _line_of(text, ("frameworks", i, "provisions", j, "controls", k), data)
                    raise LibraryError(
                        f"line {line}: {fw.id} {provision.point}: unknown control {control_id!r}",
                        hint="Use a control id from 'clausecheck library list'.",
                        path=str(path),
                    )
    return parsed.frameworks


def _required_controls(playbook: Playbook, library: Library) -> set[str]:
    chosen = {c.id for c in playbook.controls if c.required}
    if playbook.all_controls:
        listed = {c.id for c in playbook.controls}
        chosen |= {
            cid for cid, c in library.controls.items() if cid not in listed and c.status != "deprecated"
        }
    return chosen


def _selected(
    playbook: Playbook, frameworks: list[FrameworkProvisions], required: set[str]
) -> list[FrameworkProvisions]:
    """The playbook's frameworks, or, if it names none, every framework it requires a control of."""
    if not playbook.frameworks:
        return [fw for fw in frameworks if any(set(p.controls) & required for p in fw.provisions)]
    by_id = {fw.id: fw for fw in frameworks}
    unknown = [name for name in playbook.frameworks if name not in by_id]
    if unknown:
        raise PlaybookError(
            f"playbook {playbook.name!r} names unknown framework(s) {', '.join(map(repr, unknown))}",
            hint=f"Known frameworks: {', '.join(sorted(by_id))}.",
        )
    return [by_id[name] for name in playbook.frameworks]


def provision_coverage(
    playbook: Playbook,
    library: Library,
    statuses: dict[str, str] | None = None,
    frameworks: list[FrameworkProvisions] | None = None,
) -> list[ProvisionCoverage]:
    """Every provision of the playbook's frameworks, with the playbook's controls for it and its state."""
    frameworks = frameworks if frameworks is not None else load_frameworks(library)
    required = _required_controls(playbook, library)
    rows: list[ProvisionCoverage] = []
    for fw in _selected(playbook, frameworks, required):
        for provision in fw.provisions:
            controls = [c for c in provision.controls if c in required]
            if not provision.controls:
                state = "not covered"
            elif not controls:
                state = "not required"
            elif statuses is None:
                state = "not assessed"
            else:
                state = "met" if all(statuses.get(c) == "met" for c in controls) else "not met"
            rows.append(
                ProvisionCoverage(
                    framework_id=fw.id,
                    framework=fw.framework,
                    section=fw.section,
                    point=provision.point,
                    title=provision.title,
                    controls=controls,
                    state=state,
                )
            )
    return rows


def coverage(
    playbook: Playbook,
    library: Library,
    statuses: dict[str, str] | None = None,
    frameworks: list[FrameworkProvisions] | None = None,
) -> list[FrameworkCoverage]:
    """Per framework section: provisions the playbook requires, how many are met, and the controls used.

    ``statuses`` maps control ids to a finding status (met, weak, conflict, missing); without it only the
    required counts are filled in (``met`` is 0).
    """
    rows = provision_coverage(playbook, library, statuses, frameworks)
    out: list[FrameworkCoverage] = []
    order: list[str] = []
    for row in rows:
        if row.framework_id not in order:
            order.append(row.framework_id)
    for fw_id in order:
        mine = [r for r in rows if r.framework_id == fw_id]
        needed = [r for r in mine if r.state in ("met", "not met", "not assessed")]
        controls: list[str] = []
        for r in needed:
            controls.extend(c for c in r.controls if c not in controls)
        out.append(
            FrameworkCoverage(
                framework=mine[0].framework,
                provision=mine[0].section,
                required=len(needed),
                met=sum(r.state == "met" for r in needed),
                controls=controls,
            )
        )
    return out


def uncovered_provisions(library: Library) -> list[ProvisionCoverage]:
    """Provisions that no control of the library addresses: a reviewer must read these by hand."""
    return [
        ProvisionCoverage(
            framework_id=fw.id,
            framework=fw.framework,
            section=fw.section,
            point=p.point,
            title=p.title,
            controls=[],
            state="not covered",
        )
        for fw in load_frameworks(library)
        for p in fw.provisions
        if not p.controls
    ]
