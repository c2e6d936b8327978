"""The incident view: which vendors ship a compromised package, and what each contract gives us now.

For every vendor in the register: **affected** when one of its SBOMs holds an affected version, **unknown**
when it has no SBOM on file, otherwise **not affected**. For affected and unknown vendors, the duties
that now apply are read from the vendor's newest assessment (the reviewer's status where there is one):
the notice windows of the supply-chain compromise and incident notification controls become deadlines
(the time given plus the window), then cooperation, audit and termination rights and the SBOM duty;
and what the contract does not give us (no window, a weak window, no SBOM duty ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, func, or_, select

from checker.register.advisory import AffectedPackage
from checker.register.database import Register
from checker.register.deadlines import windows
from checker.register.sbom import Component
from checker.register.tables import ComponentRow, SbomRow, VendorRow
from checker.register.view_models import AssessmentView, EvidenceView, FindingView
from checker.register.views import latest_assessment

__all__ = ["Duty", "IncidentReport", "VendorExposure", "assess_incident", "parse_when"]

#: The controls whose windows become deadlines, most specific first.
DEADLINE_CONTROLS = ("supply_chain_compromise_notice", "incident_notification", "vulnerability_disclosure")
#: The other duties and rights that matter once a component is compromised.
RIGHT_CONTROLS = (
    "notification_content",
    "incident_cooperation",
    "audit_rights",
    "termination_for_security_breach",
    "sbom_disclosure",
)
_WHAT = {
    "supply_chain_compromise_notice": "notice of a compromised component or supplier",
    "incident_notification": "notice of a security incident",
    "vulnerability_disclosure": "notice of an exploited vulnerability",
    "notification_content": "what a notice must contain",
    "incident_cooperation": "cooperation in the investigation and remediation",
    "audit_rights": "a right to audit",
    "termination_for_security_breach": "a right to terminate for a security breach",
    "sbom_disclosure": "an SBOM",
}


class Duty(BaseModel):
    """What one control of the vendor's contract binds it to now (met or weak; the rest are gaps)."""

    model_config = ConfigDict(frozen=True)

    control: str
    title: str
    status: str
    window: str | None = None
    window_hours: float | None = None
    deadline: str | None = None
    reasons: list[str] = Field(default_factory=list)
    evidence: list[EvidenceView] = Field(default_factory=list)


class ExposedComponent(BaseModel):
    """A component of a vendor's SBOM that is the compromised package."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str | None
    purl: str | None
    sbom: str


class VendorExposure(BaseModel):
    """One vendor: exposure, the duties that apply, and the gaps."""

    model_config = ConfigDict(frozen=True)

    vendor: str
    exposure: str
    components: list[ExposedComponent] = Field(default_factory=list)
    sboms: list[str] = Field(default_factory=list)
    assessed: str | None = None
    playbook: str | None = None
    duties: list[Duty] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)


class IncidentReport(BaseModel):
    """The whole view: what was compromised, when, and every vendor sorted by exposure."""

    model_config = ConfigDict(frozen=True)

    packages: list[str]
    versions: list[str]
    sources: list[str]
    at: str
    notes: list[str] = Field(default_factory=list)
    affected: list[VendorExposure]
    unknown: list[VendorExposure]
    not_affected: list[VendorExposure]


def parse_when(text: str | None) -> datetime:
    """``--at``: an ISO-8601 time (``2026-03-24T10:39Z``); no zone means UTC. None means now."""
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    when = datetime.fromisoformat(text.strip())
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _duty(finding: FindingView, at: datetime) -> Duty:
    # Only notice windows become deadlines: an audit's 30-day notice or an SBOM's delivery days do not
    # run from the compromise.
    found = windows(finding.params) if finding.control in DEADLINE_CONTROLS else []
    window = found[0] if found else None
    deadline = window.deadline(at) if window else None
    return Duty(
        control=finding.control,
        title=finding.title,
        status=finding.status,
        window=window.describe() if window else None,
        # From the time given to the deadline: for business days this counts the weekend it spans.
        window_hours=(deadline - at).total_seconds() / 3600 if deadline else None,
        deadline=deadline.isoformat() if deadline else None,
        reasons=finding.reasons,
        evidence=finding.evidence,
    )


def _gaps(latest: AssessmentView | None) -> list[str]:
    if latest is None:
        return ["no assessment of this vendor's contract is on file: its duties are unknown"]
    gaps: list[str] = []
    for control in (*DEADLINE_CONTROLS[:2], *RIGHT_CONTROLS):
        f = latest.finding(control)
        what = _WHAT[control]
        if f is None:
            gaps.append(f"{what}: not assessed (playbook {latest.playbook} does not include {control})")
        elif f.status in ("missing", "conflict"):
            how = "expressly excluded by the contract" if f.status == "conflict" else "not in the contract"
            gaps.append(f"{what}: {how} ({control})")
        elif control in DEADLINE_CONTROLS and not windows(f.params):
            gaps.append(f"{what}: no window in hours or days ({control}, {f.status})")
        elif f.status == "weak":
            why = "; ".join(f.reasons[:2]) or "not firmly enough"
            gaps.append(f"{what}: weak ({why})")
    return gaps


def _candidates(package: AffectedPackage) -> ColumnElement[bool]:
    """A cheap, indexed pre-filter: the package's type, and a purl whose last path segment looks like its
    name (each of ``-``, ``_`` and ``.`` in the name matches any one character, as PEP 503 names vary)."""
    same_type = ComponentRow.purl_type == package.purl_type
    if not re.fullmatch(r"[a-z0-9._-]+", package.name.lower()):
        return same_type  # a name a purl percent-encodes: no pattern, the exact test sees every component
    name = re.sub(r"[-_.]", "_", package.name.lower())
    purl = func.lower(ComponentRow.purl)
    return and_(
        same_type,
        or_(purl.like(f"%/{name}@%"), purl.like(f"%/{name}"), purl.like(f"%/{name}?%")),
    )


def assess_incident(register: Register, packages: Sequence[AffectedPackage], at: datetime) -> IncidentReport:
    """Every vendor of the register against the compromised ``packages`` at time ``at``."""
    with register.session() as session:
        vendors = session.execute(select(VendorRow.id, VendorRow.name).order_by(VendorRow.name)).all()
        sboms = session.execute(select(SbomRow.id, SbomRow.vendor_id, SbomRow.file_name)).all()
        # Only the rows that may be the compromised packages are read; the exact test is the ecosystem's.
        components = session.execute(
            select(
                ComponentRow.sbom_id,
                ComponentRow.name,
                ComponentRow.version,
                ComponentRow.purl,
                ComponentRow.purl_type,
            ).where(or_(*(_candidates(p) for p in packages)))
        ).all()
    files = {sbom_id: file_name for sbom_id, _, file_name in sboms}
    by_sbom: dict[int, list[Component]] = {}
    for sbom_id, name, version, purl, purl_type in components:
        by_sbom.setdefault(sbom_id, []).append(Component(name, version, purl, purl_type))
    inventory = [
        (
            name,
            [(files[sbom_id], by_sbom.get(sbom_id, [])) for sbom_id, owner, _ in sboms if owner == vendor_id],
        )
        for vendor_id, name in vendors
    ]
    groups: dict[str, list[VendorExposure]] = {"affected": [], "unknown": [], "not_affected": []}
    for name, held in inventory:
        hits = [
            ExposedComponent(name=c.name, version=c.version, purl=c.purl, sbom=sbom)
            for sbom, parts in held
            for c in parts
            if any(p.affects(c) for p in packages)
        ]
        exposure = "affected" if hits else "unknown" if not held else "not_affected"
        entry = VendorExposure(vendor=name, exposure=exposure, components=hits, sboms=[s for s, _ in held])
        if exposure != "not_affected":
            latest = latest_assessment(register, name)
            duties = [
                _duty(f, at)
                for control in (*DEADLINE_CONTROLS, *RIGHT_CONTROLS)
                if latest is not None
                and (f := latest.finding(control)) is not None
                and f.status in ("met", "weak")
            ]
            entry = entry.model_copy(
                update={
                    "assessed": latest.created.isoformat() if latest else None,
                    "playbook": latest.playbook if latest else None,
                    "duties": duties,
                    "gaps": _gaps(latest),
                }
            )
        groups[exposure].append(entry)
    groups["affected"].sort(key=_earliest)
    notes = [n for p in packages for n in p.notes]
    notes.append(
        "Deadlines run from --at (the time given); business days skip Saturdays and Sundays, not public"
        " holidays. Read each window's trigger in its evidence (awareness, confirmation ...)."
    )
    return IncidentReport(
        packages=sorted({p.purl for p in packages}),
        versions=sorted({v for p in packages for v in p.versions}),
        sources=sorted({p.source for p in packages if p.source}),
        at=at.isoformat(),
        notes=notes,
        affected=groups["affected"],
        unknown=groups["unknown"],
        not_affected=groups["not_affected"],
    )


def _earliest(entry: VendorExposure) -> str:
    deadlines = [d.deadline for d in entry.duties if d.deadline]
    return min(deadlines) if deadlines else "9999"
