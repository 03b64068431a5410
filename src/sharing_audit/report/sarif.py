"""SARIF 2.1.0 report for code-scanning tools (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import json
from typing import Any

from ..engine import RunResult
from ..findings import Finding, Notice
from ..lineage.graph import AnalysisError
from ..policy.model import Rule, Severity
from .interface import TOOL_NAME, TOOL_URI, Formatter, authority_text, lineage_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.REVIEW: "note"}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    a = rule.authority
    help_text = f"{rule.summary}\nAuthority: {a.title}{', ' + a.citation if a.citation else ''}"
    if a.illustrative:
        help_text += " (illustrative)"
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title or rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description or rule.summary},
        "help": {"text": help_text, "markdown": help_text.replace("\n", "\n\n")},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"kind": rule.kind, "tags": ["privacy", "sanctuary-policy", rule.kind]},
    }
    if a.url:
        descriptor["helpUri"] = a.url
    return descriptor


def _analysis_descriptor(code: str) -> dict[str, Any]:
    text = f"Input could not be analysed ({code}); sharing-audit fails closed on it."
    return {
        "id": code,
        "name": code,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": "Fix the input or the catalog so that it can be analysed. Such inputs are never reported clean."},
        "defaultConfiguration": {"level": "error"},
    }


def _location(path: str, line: int | None, column: int | None) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, line or 1), "startColumn": max(1, column or 1)},
        }
    }


def _notice_descriptor(code: str) -> dict[str, Any]:
    return {
        "id": code,
        "name": code.replace(".", "_"),
        "shortDescription": {"text": f"Notice: {code}"},
        "help": {"text": "A notice is not a rule violation: drift, an unclassified column, an unused or expired waiver, a refused suppression. Blocking notices fail the run."},
        "defaultConfiguration": {"level": "warning"},
    }


def _notice_result(n: Notice, rule_index: int) -> dict[str, Any]:
    """A notice (drift, unclassified column, unused waiver...) as a result; blocking ones are errors."""
    item: dict[str, Any] = {
        "ruleId": n.code,
        "ruleIndex": rule_index,
        "level": "error" if n.blocking else "warning",
        "message": {"text": n.message},
        "partialFingerprints": {"sharingAudit/v1": f"{n.code}:{n.path or ''}:{n.object or ''}"},
    }
    if n.path:
        path, _, line = n.path.partition(":") if "://" not in n.path else (n.path, "", "")
        item["locations"] = [_location(path, int(line) if line.isdigit() else 1, 1)]
    elif n.object:
        item["locations"] = [{"logicalLocations": [{"fullyQualifiedName": n.object}]}]
    return item


def _finding_location(f: Finding) -> dict[str, Any]:
    """Where a finding is: a SQL line, or an export file and its column.

    A data file's lines are rows, and a row number would point at protected data.
    """
    if f.evidence is None:
        return _location(f.location.path, f.location.line, f.location.column)
    return {
        "physicalLocation": {"artifactLocation": {"uri": f.location.path, "uriBaseId": "%SRCROOT%"}},
        "logicalLocations": [{"name": f.output_column or "", "kind": "member", "fullyQualifiedName": f"{f.object}:{f.output_column}"}],
    }


class SarifFormatter(Formatter):
    """SARIF 2.1.0: every result has a physical location and partial fingerprints."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        rules = list(result.rules_in_effect)
        descriptors = [_rule_descriptor(r) for r in rules]
        index: dict[str, int] = {r.id: i for i, r in enumerate(rules)}
        results: list[dict[str, Any]] = []
        for f in result.findings:
            item: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": "note" if f.waived_by else _LEVELS[f.severity],
                "message": {"text": f"{f.message} Lineage: {lineage_text(f)}. Authority: {authority_text(f)}."},
                "locations": [_finding_location(f)],
                "partialFingerprints": {"sharingAudit/v1": f.fingerprint},
                "properties": {
                    "consumer": f.consumer,
                    "object": f.object,
                    "outputColumn": f.output_column,
                    "lineagePath": list(f.lineage_path),
                    "flow": f.flow.value,
                    "transform": f.transform.value,
                },
            }
            if f.evidence is not None:
                ev = f.evidence
                item["properties"]["evidence"] = {
                    "kind": ev.kind,
                    "column": ev.position,
                    "detector": ev.detector,
                    "matches": ev.matches,
                    "nonEmpty": ev.non_null,
                    "firstRows": list(ev.first_rows),
                    "valueHash": ev.value_hash,
                    "sampled": ev.sampled,
                }
            if f.waived_by:
                item["suppressions"] = [{"kind": "external", "justification": f"waiver {f.waived_by}"}]
            results.append(item)
        codes = sorted({e.code for e in result.errors})
        for code in codes:
            index[code] = len(descriptors)
            descriptors.append(_analysis_descriptor(code))
        for e in result.errors:
            results.append(self._error_result(e, index[e.code]))
        for code in sorted({n.code for n in result.notices} - set(index)):
            index[code] = len(descriptors)
            descriptors.append(_notice_descriptor(code))
        for n in result.notices:
            results.append(_notice_result(n, index[n.code]))
        doc = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": TOOL_NAME,
                            "version": result.tool_version,
                            "semanticVersion": result.tool_version,
                            "informationUri": TOOL_URI,
                            "rules": descriptors,
                        }
                    },
                    "artifacts": [
                        {"location": {"uri": f.path, "uriBaseId": "%SRCROOT%"}, "hashes": {"sha-256": f.sha256}}
                        for f in result.files
                    ],
                    "invocations": [
                        {
                            "executionSuccessful": not result.errors,
                            "exitCode": result.exit_code,
                            "startTimeUtc": result.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "endTimeUtc": result.finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        }
                    ],
                    "results": results,
                }
            ],
        }
        return json.dumps(doc, indent=2) + "\n"

    @staticmethod
    def _error_result(e: AnalysisError, rule_index: int) -> dict[str, Any]:
        return {
            "ruleId": e.code,
            "ruleIndex": rule_index,
            "level": "error",
            "message": {"text": e.message},
            "locations": [_location(e.path, e.line, e.column)],
            "partialFingerprints": {"sharingAudit/v1": f"{e.code}:{e.path}:{e.object or ''}"},
        }
