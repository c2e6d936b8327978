"""Which columns of the input sheet name the vendor, its party in the contract, the file and pasted text.

Detected from the header ("Vendor", "Supplier name", "Contract file", "Security clause text", ...); the
user can name a column explicitly by its header, its letter (``C``) or its 1-based number. Other columns
(agreement type, owner, renewal date) are not needed to score and are given back unchanged. A "Vendor
party" column names the vendor as the contract does ("Provider", "Acme"), as ``--vendor`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string

from checker.errors import ClauseCheckError

__all__ = ["ColumnError", "Columns", "detect_columns"]


class ColumnError(ClauseCheckError):
    """The sheet's columns cannot be told apart, or an explicit column does not exist (a usage error)."""

    code = "bad_column"


@dataclass(frozen=True)
class Columns:
    """0-based indexes of the columns the batch reads; ``None`` where the sheet has no such column."""

    vendor: int | None
    file: int | None
    text: int | None
    vendor_party: int | None = None


# Words that identify each role, strongest first. A header is compared word by word after normalising.
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    # Before "vendor", whose words it contains: "Vendor party" is this column, not the vendor's name.
    "vendor_party": ("vendor party", "vendor party name", "party as named", "contract party", "vendor role"),
    "text": ("clause text", "contract text", "security clause", "pasted text", "text", "clause", "clauses"),
    "file": ("contract file", "file name", "filename", "file", "path", "document", "documents", "contract"),
    "vendor": ("vendor", "supplier", "company", "provider", "counterparty", "third party", "partner"),
}
# Headers that contain a role word but are about something else ("Contract owner", "Renewal date").
_NOT_ROLE = ("owner", "date", "type", "status", "value", "id", "number", "count", "email", "contact")


def _norm(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def _score(header: str, words: tuple[str, ...]) -> int:
    norm = _norm(header)
    padded = f" {norm} "
    for rank, word in enumerate(words):
        if norm == word:
            return 1000 - rank
        if f" {word} " in padded and not any(f" {x} " in padded for x in _NOT_ROLE):
            return 500 - rank
    return 0


def _explicit(spec: str, headers: tuple[str, ...], option: str) -> int:
    wanted = _norm(spec)
    for i, header in enumerate(headers):
        if _norm(header) == wanted:
            return i
    if spec.isdigit() and 1 <= int(spec) <= len(headers):
        return int(spec) - 1
    if re.fullmatch(r"[A-Za-z]{1,3}", spec):
        index = column_index_from_string(spec.upper()) - 1
        if index < len(headers):
            return index
    raise ColumnError(
        f"{option} {spec!r} matches no column of the sheet.",
        hint="Give a header, a column letter or a 1-based number; the headers are: " + ", ".join(headers),
    )


def detect_columns(
    headers: tuple[str, ...],
    *,
    vendor: str | None = None,
    file: str | None = None,
    text: str | None = None,
    vendor_party: str | None = None,
) -> Columns:
    """Find the vendor, vendor party, file and text columns; explicit choices win over detection."""
    chosen: dict[str, int | None] = {}
    taken: set[int] = set()
    explicit = {"vendor": vendor, "file": file, "text": text, "vendor_party": vendor_party}
    for role, spec in explicit.items():
        if spec:
            index = _explicit(spec, headers, f"--{role.replace('_', '-')}-col")
            chosen[role] = index
            taken.add(index)
    for role, words in _ROLE_WORDS.items():
        if role in chosen:
            continue
        scores = [(_score(h, words), -i, i) for i, h in enumerate(headers) if i not in taken]
        best = max(scores, default=(0, 0, 0))
        chosen[role] = best[2] if best[0] else None
        if chosen[role] is not None:
            taken.add(best[2])
    if chosen["file"] is None and chosen["text"] is None:
        raise ColumnError(
            "No column names a contract file or holds clause text.",
            hint="Name the columns with --file-col and/or --text-col (a header, letter or number); the"
            " headers are: " + ", ".join(headers),
        )
    return Columns(
        vendor=chosen["vendor"], file=chosen["file"], text=chosen["text"], vendor_party=chosen["vendor_party"]
    )
