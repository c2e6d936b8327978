"""From sheet rows to jobs: which documents each row names, which rows share a job, what is wrong.

A row names files (several separated by ``;`` or line breaks), pasted clause text, or both; everything a
row names is assessed together. With ``group_by_vendor`` all rows of one vendor form one bundle. Rows
that name the same documents share one job: the document is scored once and the later row says which
row it repeats. A row that names nothing, or a file that cannot be found, gets its error here, before
any work starts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from checker.batch.columns import Columns
from checker.batch.docs import DocRef, DocsLocator, MissingDocumentError, as_input_error
from checker.batch.sheet import InputSheet, SheetRow
from checker.errors import ClauseCheckError
from checker.models import InputError

__all__ = ["PlannedJob", "RowPlan", "plan_rows"]

_SPLIT = re.compile(r"[;\n\r]+")


@dataclass
class PlannedJob:
    """Documents assessed together, and the rows (indexes into the sheet's rows) that show the result."""

    key: int
    vendor: str
    docs: list[DocRef]
    rows: list[int] = field(default_factory=list)
    vendor_party: str = ""


@dataclass
class RowPlan:
    """What one row asks for: its job (None when it names nothing usable), errors and notes."""

    row: SheetRow
    vendor: str
    docs: list[DocRef] = field(default_factory=list)
    vendor_party: str = ""
    job: int | None = None
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _row_docs(row: SheetRow, columns: Columns, docs: DocsLocator, plan: RowPlan) -> None:
    for ref in _SPLIT.split(row.get(columns.file)):
        if not ref.strip():
            continue
        try:
            plan.docs.append(docs.locate(ref))
        except ClauseCheckError as exc:
            plan.errors.append(as_input_error(ref.strip(), exc))
    text = row.get(columns.text)
    if text:
        label = f"row {row.number} (pasted text)"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        name = f"row-{row.number}-pasted-text.txt"
        plan.docs.append(DocRef(label=label, name=name, identity=f"text:{digest}", text=text))
    if not plan.docs and not plan.errors:
        nothing = MissingDocumentError(
            "The row names no contract file and holds no clause text.",
            hint="Fill in the file column (a file in --docs) or paste the clause text.",
        )
        plan.errors.append(as_input_error(f"row {row.number}", nothing))


def plan_rows(
    sheet: InputSheet,
    columns: Columns,
    docs: DocsLocator,
    *,
    group_by_vendor: bool = False,
    vendor_party: str = "",
) -> tuple[list[RowPlan], list[PlannedJob]]:
    """Plan every row (in sheet order) and the jobs they need.

    A row's vendor party (its column, else ``vendor_party`` for every row) goes with its job: the same
    document read with another vendor party is another job.
    """
    plans: list[RowPlan] = []
    jobs: list[PlannedJob] = []
    by_identity: dict[tuple[str, ...], PlannedJob] = {}
    by_vendor: dict[str, PlannedJob] = {}
    first_row_of: dict[tuple[str, str], int] = {}  # (job group, document identity) → first row naming it
    for index, row in enumerate(sheet.rows):
        plan = RowPlan(row, vendor=row.get(columns.vendor))
        plan.vendor_party = row.get(columns.vendor_party).strip() or vendor_party
        plans.append(plan)
        _row_docs(row, columns, docs, plan)
        if not plan.docs:
            continue
        group = plan.vendor.casefold() if group_by_vendor and plan.vendor else f"row:{index}"
        if group_by_vendor and plan.vendor:
            job = by_vendor.get(group)
            if job is None:
                job = by_vendor[group] = PlannedJob(
                    len(jobs), plan.vendor, [], vendor_party=plan.vendor_party
                )
                jobs.append(job)
        else:
            identity = (*(d.identity for d in plan.docs), f"vendor party:{plan.vendor_party}")
            job = by_identity.get(identity)
            if job is not None:
                first = plans[job.rows[0]].row.number
                plan.notes.append(
                    f"Same document(s) as row {first}: scored once, the result is repeated here."
                )
            else:
                job = by_identity[identity] = PlannedJob(
                    len(jobs), plan.vendor, [], vendor_party=plan.vendor_party
                )
                jobs.append(job)
            group = f"job:{job.key}"
        for doc in plan.docs:
            seen = first_row_of.setdefault((group, doc.identity), row.number)
            if seen == row.number and doc.identity not in {d.identity for d in job.docs}:
                job.docs.append(doc)
            elif seen != row.number and group_by_vendor:
                plan.notes.append(
                    f"{doc.label} is already in this vendor's bundle from row {seen}; read once."
                )
        plan.job = job.key
        job.rows.append(index)
    return plans, jobs
