"""Live-database audits: introspect what is deployed and granted, then run ``check``'s lineage and rules.

The names below load on first use, so that building the command line stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .audit import AuditOptions, AuditTrace, run_audit
    from .model import LiveAuditError
    from .url import redact_url

_HOMES = {
    "AuditOptions": "audit",
    "AuditTrace": "audit",
    "run_audit": "audit",
    "LiveAuditError": "model",
    "redact_url": "url",
}

__all__ = ["AuditOptions", "AuditTrace", "LiveAuditError", "redact_url", "run_audit"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
