"""``register diff``: what changed between a vendor's newest contract documents and the previous ones.

Each control of the two assessments is compared by status (the reviewer's where there is one):
**appeared** (nothing bound the vendor before, something does now), **disappeared** (the reverse),
**stronger** / **weaker** (addressed both times, more or less firmly, or with a better or worse number),
and unchanged controls are left out. The evidence of both sides comes with every change.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.register.database import Register, RegisterError
from checker.register.view_models import AssessmentView, EvidenceView, FindingView
from checker.register.views import vendor_assessments

__all__ = ["ContractDiff", "ControlChange", "compare", "diff_vendor"]

Change = Literal["appeared", "disappeared", "stronger", "weaker"]

_PRESENT = {"met", "weak"}
#: Firmness within "present" (met over weak) and within "absent" (missing over an express conflict).
_RANK = {"met": 3, "weak": 2, "missing": 1, "conflict": 0}


class ControlChange(BaseModel):
    """One control whose standing changed, with the evidence before and after."""

    model_config = ConfigDict(frozen=True)

    control: str
    title: str
    change: Change
    before: str
    after: str
    params_before: dict[str, float] = Field(default_factory=dict)
    params_after: dict[str, float] = Field(default_factory=dict)
    reason: str
    evidence_before: list[EvidenceView] = Field(default_factory=list)
    evidence_after: list[EvidenceView] = Field(default_factory=list)


class ContractDiff(BaseModel):
    """The vendor's two assessments compared."""

    model_config = ConfigDict(frozen=True)

    vendor: str
    before: AssessmentView
    after: AssessmentView
    changes: list[ControlChange]


def _window_change(before: FindingView, after: FindingView) -> Change | None:
    """A shorter notice window, or any other time limit, is stronger: shared ``*_hours``/``*_days`` keys."""
    for key in sorted(set(before.params) & set(after.params)):
        if key.endswith(("_hours", "_days")) and before.params[key] != after.params[key]:
            return "stronger" if after.params[key] < before.params[key] else "weaker"
    return None


def _change(before: FindingView | None, after: FindingView | None) -> tuple[Change, str] | None:
    old = before.status if before else "missing"
    new = after.status if after else "missing"
    if old not in _PRESENT and new in _PRESENT:
        return "appeared", f"{old} → {new}"
    if old in _PRESENT and new not in _PRESENT:
        return "disappeared", f"{old} → {new}"
    if _RANK[new] != _RANK[old]:
        return ("stronger" if _RANK[new] > _RANK[old] else "weaker"), f"{old} → {new}"
    if before and after and (window := _window_change(before, after)):
        numbers = ", ".join(
            f"{k} {before.params[k]:g} → {after.params[k]:g}"
            for k in sorted(set(before.params) & set(after.params))
            if before.params[k] != after.params[k]
        )
        return window, f"{new}, {numbers}"
    return None


def compare(vendor: str, before: AssessmentView, after: AssessmentView) -> ContractDiff:
    """Compare two assessments of one vendor, control by control."""
    controls = [f.control for f in after.findings] + [
        f.control for f in before.findings if after.finding(f.control) is None
    ]
    changes: list[ControlChange] = []
    for control in controls:
        old, new = before.finding(control), after.finding(control)
        found = _change(old, new)
        if found is None:
            continue
        either = new or old
        assert either is not None
        changes.append(
            ControlChange(
                control=control,
                title=either.title,
                change=found[0],
                before=old.status if old else "missing",
                after=new.status if new else "missing",
                params_before=old.params if old else {},
                params_after=new.params if new else {},
                reason=found[1],
                evidence_before=old.evidence if old else [],
                evidence_after=new.evidence if new else [],
            )
        )
    return ContractDiff(vendor=vendor, before=before, after=after, changes=changes)


def diff_vendor(register: Register, name: str) -> ContractDiff:
    """The vendor's newest assessment against the newest one of other documents before it."""
    vendor, assessments = vendor_assessments(register, name)
    if not assessments:
        raise RegisterError(f"{vendor} has no assessment in the register.")
    after = assessments[-1]
    newest = {d.sha256 for d in after.documents}
    earlier = [a for a in assessments[:-1] if {d.sha256 for d in a.documents} != newest]
    if not earlier:
        raise RegisterError(
            f"{vendor} has only one version of its documents in the register: nothing to compare.",
            hint="Record the new contract version with `check ... --vendor NAME --register`.",
        )
    return compare(vendor, earlier[-1], after)
