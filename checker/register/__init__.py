"""The vendor register: what each vendor's contracts bind it to, over time, and what it ships (SBOMs).

::

    register = open_register()          # --db PATH|URL, CLAUSECHECK_DB, or the user's data directory
    record_assessment(register, assessment, "Acme Ltd")

Storage is SQLAlchemy 2 with Alembic migrations (:mod:`~checker.register.database`), the tables are in
:mod:`~checker.register.tables`, recording in :mod:`~checker.register.record` (reviewer decisions in
:mod:`~checker.register.reviews`), reading in :mod:`~checker.register.views`.
"""

from __future__ import annotations

from checker.register.database import ENV_VAR, Register, RegisterError, default_location, open_register
from checker.register.record import Recorded, document_kind, record_assessment
from checker.register.reviews import record_review

__all__ = [
    "ENV_VAR",
    "Recorded",
    "Register",
    "RegisterError",
    "default_location",
    "document_kind",
    "open_register",
    "record_assessment",
    "record_review",
]
