"""sharing-audit: prove that protected fields never reach the consumers a policy forbids."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    CatalogError,
    CheckError,
    LineageError,
    PolicyError,
    ScanError,
    SharingAuditError,
    UsageError,
)
from .findings import Finding, Location  # noqa: E402
from .policy.loader import load_policies  # noqa: E402

__all__ = [
    "CatalogError",
    "CheckError",
    "Finding",
    "LineageError",
    "Location",
    "PolicyError",
    "ScanError",
    "SharingAuditError",
    "UsageError",
    "__version__",
    "load_policies",
]
