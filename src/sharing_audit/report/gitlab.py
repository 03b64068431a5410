"""GitLab Code Quality JSON: findings in the merge request's code-quality widget."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..engine import RunResult
from .interface import Formatter

_SEVERITY = {"violation": "critical", "review": "info", "waived": "info", "suppressed": "info", "baselined": "minor"}


class GitLabFormatter(Formatter):
    """One issue per finding (critical for violations), analysis errors as blockers."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        issues: list[dict[str, Any]] = []
        for f in result.findings:
            issues.append(
                {
                    "description": f"[{f.status}] {f.message}",
                    "check_name": f.rule_id,
                    "fingerprint": f.fingerprint,
                    "severity": _SEVERITY[f.status],
                    "location": {"path": f.location.path, "lines": {"begin": max(1, f.location.line)}},
                }
            )
        for e in result.errors:
            issues.append(
                {
                    "description": f"Not analysed ({e.code}): {e.message}",
                    "check_name": e.code,
                    "fingerprint": hashlib.sha256(f"{e.code}:{e.path}:{e.object or ''}".encode()).hexdigest()[:32],
                    "severity": "blocker",
                    "location": {"path": e.path, "lines": {"begin": max(1, e.line or 1)}},
                }
            )
        return json.dumps(issues, indent=2) + "\n"
