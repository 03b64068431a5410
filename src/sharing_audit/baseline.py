"""Baselines: accept the findings known today, fail only on new ones, list the fixed ones.

A baseline records findings by fingerprint, which hashes what a finding is about (rule,
consumer, object, column, sources, flow) and not where it sits, so it survives line moves and
reformatting. It stores no SQL and no data values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import UsageError
from .findings import Finding

BASELINE_VERSION = 1


@dataclass(frozen=True)
class BaselineEntry:
    """One recorded finding: its fingerprint and enough words to recognise it when fixed."""

    fingerprint: str
    rule: str
    consumer: str
    object: str
    column: str | None


@dataclass(frozen=True)
class BaselineDiff:
    """How this run compares with the baseline."""

    path: str
    new: tuple[str, ...]
    """Fingerprints of findings not in the baseline (these fail the run)."""
    fixed: tuple[BaselineEntry, ...]
    """Baseline entries no finding matches any more."""
    unchanged: tuple[str, ...]


def write_baseline(path: Path, findings: list[Finding]) -> int:
    """Record every current finding (waived and review ones too); returns how many.

    Raises:
        UsageError: the file cannot be written.
    """
    entries = sorted(
        {f.fingerprint: _entry(f) for f in findings}.values(),
        key=lambda e: (e.rule, e.consumer, e.object, e.column or ""),
    )
    doc = {"sharing_audit_baseline": BASELINE_VERSION, "findings": [e.__dict__ for e in entries]}
    try:
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror}") from None
    return len(entries)


def load_baseline(path: Path) -> list[BaselineEntry]:
    """Read a baseline written by ``--write-baseline``.

    Raises:
        UsageError: missing, unreadable or not a baseline file.
    """
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror}") from None
    except ValueError:
        raise UsageError(f"{path} is not a baseline file (invalid JSON)") from None
    if not isinstance(doc, dict) or doc.get("sharing_audit_baseline") != BASELINE_VERSION or not isinstance(doc.get("findings"), list):
        raise UsageError(f"{path} is not a sharing-audit baseline (version {BASELINE_VERSION})")
    try:
        return [BaselineEntry(str(e["fingerprint"]), str(e["rule"]), str(e["consumer"]), str(e["object"]), e.get("column")) for e in doc["findings"]]
    except (KeyError, TypeError):
        raise UsageError(f"{path}: a baseline entry lacks fingerprint, rule, consumer or object") from None


def apply_baseline(path: Path, findings: list[Finding]) -> tuple[list[Finding], BaselineDiff]:
    """Mark findings already in the baseline; list new and fixed ones."""
    entries = load_baseline(path)
    known = {e.fingerprint: e for e in entries}
    current = {f.fingerprint for f in findings}
    out = [replace(f, baselined=True) if f.fingerprint in known else f for f in findings]
    diff = BaselineDiff(
        path=str(path),
        new=tuple(sorted({f.fingerprint for f in findings if f.fingerprint not in known})),
        fixed=tuple(e for e in entries if e.fingerprint not in current),
        unchanged=tuple(sorted(current & known.keys())),
    )
    return out, diff


def _entry(f: Finding) -> BaselineEntry:
    return BaselineEntry(f.fingerprint, f.rule_id, f.consumer, f.object, f.output_column)
