"""The ``Formatter`` base and helpers every format shares."""

from __future__ import annotations

import abc

from ..engine import RunResult
from ..findings import FileEvidence, Finding

TOOL_NAME = "sharing-audit"
TOOL_URI = "https://example.invalid/sharing-audit"
"""NOTE: no public home yet; SARIF requires a URI, so use a reserved, non-resolving one."""


class Formatter(abc.ABC):
    """Renders a run result as text."""

    @abc.abstractmethod
    def format(self, result: RunResult) -> str:
        """Return the whole report."""


def summary_counts(result: RunResult) -> dict[str, int]:
    """Counts for the one-line summary and report headers."""
    return {
        "files": len(result.files),
        "files_ok": sum(1 for f in result.files if f.status == "ok"),
        "files_error": sum(1 for f in result.files if f.status == "error"),
        "objects": len(result.graph.objects) + len(result.exports),
        "rules": len(result.rules_in_effect),
        "violations": sum(1 for f in result.findings if f.status == "violation"),
        "review": sum(1 for f in result.findings if f.status == "review"),
        "waived": sum(1 for f in result.findings if f.status == "waived"),
        "suppressed": sum(1 for f in result.findings if f.status == "suppressed"),
        "baselined": sum(1 for f in result.findings if f.status == "baselined"),
        "notices": len(result.notices),
        "errors": len(result.errors),
    }


def summary_line(result: RunResult) -> str:
    """One line for stderr: what was checked and what was found."""
    c = summary_counts(result)
    verdict = {0: "clean", 1: "violations found", 2: "NOT fully analysed"}[result.exit_code]
    known = "".join(f", {c[k]} {k}" for k in ("suppressed", "baselined") if c[k])
    return (
        f"sharing-audit: {verdict}: {c['violations']} violation(s), {c['review']} for review, "
        f"{c['waived']} waived{known}, {c['errors']} analysis error(s); "
        f"{c['files_ok']}/{c['files']} files analysed, {c['objects']} objects, {c['rules']} rules"
    )


def lineage_text(finding: Finding) -> str:
    """The lineage path as ``a → b → c``."""
    return " → ".join(finding.lineage_path)


def evidence_text(ev: FileEvidence) -> str:
    """How an export column was found, in one line: counts and row numbers, never values."""
    parts = [f"column #{ev.position}"]
    if ev.header_match:
        parts.append(f"name matched ({ev.header_match})")
    if ev.detector:
        rows = ", ".join(map(str, ev.first_rows))
        parts.append(f"{ev.detector}: {ev.matches}/{ev.non_null} values ({ev.rate:.1%}), rows {rows}")
        if ev.value_hash:
            parts.append(f"value hash {ev.value_hash}")
    if ev.sampled:
        parts.append(f"sample of {ev.rows} rows")
    return "; ".join(parts)


def authority_text(finding: Finding) -> str:
    """The rule's authority in one line, flagged when illustrative."""
    a = finding.authority
    text = a.title + (f", {a.citation}" if a.citation else "")
    if a.illustrative:
        text += " (illustrative: no verified text)"
    return text


def by_consumer_and_rule(findings: list[Finding]) -> dict[str, dict[str, list[Finding]]]:
    """Findings grouped by consumer, then rule, in stable order."""
    out: dict[str, dict[str, list[Finding]]] = {}
    for f in findings:
        out.setdefault(f.consumer, {}).setdefault(f.rule_id, []).append(f)
    return out

