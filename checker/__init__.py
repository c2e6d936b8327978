"""clausecheck: does a vendor contract bind the vendor to the security controls you need?

The pipeline is extract → segment → match → score → report; each stage is a module of this package and
the stages talk through the frozen pydantic models in :mod:`checker.models`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
