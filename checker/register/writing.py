"""Writing to the register: one transaction per change, tried again when a parallel writer wins a race;
and a vendor found by the name a user gives (which reading the register needs too).

Every write (an assessment, a reviewer's decision, an SBOM) is one transaction, so a process killed
half-way leaves the register as it was. Two batch runs writing into one register at once may insert the
same vendor or document first; the loser reads it on the next try.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from checker.register.database import Register, RegisterError
from checker.register.tables import VendorRow

__all__ = ["find_vendor", "in_transaction", "known_vendor", "now", "vendor_row"]

_T = TypeVar("_T")
_RETRIES = 8


def now() -> datetime:
    """The time a row is recorded (UTC)."""
    return datetime.now(UTC)


def in_transaction(register: Register, work: Callable[[Session], _T]) -> _T:
    """Run ``work`` in one transaction, again when a parallel writer won a race for the same rows."""
    last = ""
    for attempt in range(_RETRIES):
        try:
            with register.session() as session, session.begin():
                return work(session)
        except IntegrityError as exc:
            # Another process inserted the same vendor/document/assessment first: read it on the next try.
            last = str(exc.orig)
        except OperationalError as exc:
            if "locked" not in str(exc) and "deadlock" not in str(exc):
                raise RegisterError(f"The register {register.where} cannot be written: {exc.orig}.") from None
            last = str(exc.orig)
            time.sleep(0.2 * (attempt + 1))
        except SQLAlchemyError as exc:  # e.g. the server went away, or refused a value
            raise RegisterError(f"The register {register.where} cannot be written: {exc}.") from None
    raise RegisterError(
        f"The register {register.where} could not be written after {_RETRIES} tries: {last.splitlines()[0]}."
        " Nothing was recorded for this assessment."
    )


def find_vendor(session: Session, name: str) -> VendorRow | None:
    """A vendor by exact name, else by case-insensitive name."""
    vendor = session.scalar(select(VendorRow).where(VendorRow.name == name))
    if vendor is None:
        vendor = session.scalar(select(VendorRow).where(func.lower(VendorRow.name) == name.lower()))
    return vendor


def known_vendor(session: Session, name: str) -> VendorRow:
    """The vendor :func:`find_vendor` finds, or a :class:`RegisterError` that says how to see the names."""
    vendor = find_vendor(session, name)
    if vendor is None:
        raise RegisterError(f"No vendor {name!r} in the register.", hint="See `clausecheck register list`.")
    return vendor


def vendor_row(session: Session, name: str) -> VendorRow:
    """The vendor called exactly ``name``, created when the register does not have it yet."""
    vendor = session.scalar(select(VendorRow).where(VendorRow.name == name))
    if vendor is None:
        vendor = VendorRow(name=name, created=now())
        session.add(vendor)
        session.flush()
    return vendor
