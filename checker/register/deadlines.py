"""Notice windows read from a finding's parameters, and the deadlines they make from a start time.

A window is the number a finding carries under a key ending in ``_hours``, ``_business_days`` or
``_days`` (see the parameter keys in the clause library). Business days are counted as such: the same
time of day on the N-th following weekday, Saturdays and Sundays not counted. Public holidays differ by
country and contract and are not known to clausecheck, so a deadline over a holiday is early, never late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Window", "add_business_days", "windows"]

_UNITS = (("_business_days", "business days"), ("_hours", "hours"), ("_days", "days"))


@dataclass(frozen=True)
class Window:
    """A notice window: the parameter it came from, its number and unit."""

    key: str
    value: float
    unit: str

    def deadline(self, start: datetime) -> datetime:
        """When the window given at ``start`` closes."""
        if self.unit == "hours":
            return start + timedelta(hours=self.value)
        if self.unit == "days":
            return start + timedelta(days=self.value)
        return add_business_days(start, self.value)

    @property
    def hours(self) -> float | None:
        """The window in hours where it is fixed in hours or calendar days (business days vary)."""
        return self.value if self.unit == "hours" else self.value * 24 if self.unit == "days" else None

    def describe(self) -> str:
        """``72 hours``, ``2 business days``."""
        return f"{self.value:g} {self.unit}"


def add_business_days(start: datetime, days: float) -> datetime:
    """``start`` plus ``days`` weekdays (a fraction counts as that part of 24 hours on the last weekday)."""
    whole = int(days)
    current = start
    for _ in range(whole):
        current += timedelta(days=1)
        while current.weekday() >= 5:
            current += timedelta(days=1)
    fraction = days - whole
    if fraction:
        current += timedelta(hours=24 * fraction)
        while current.weekday() >= 5:
            current += timedelta(days=1)
    return current


def windows(params: dict[str, float]) -> list[Window]:
    """The time windows among a finding's parameters, shortest first (where comparable)."""
    found = []
    for key, value in params.items():
        for suffix, unit in _UNITS:
            if key.endswith(suffix):
                found.append(Window(key, value, unit))
                break
    return sorted(found, key=lambda w: w.hours if w.hours is not None else w.value * 24 + 48)
