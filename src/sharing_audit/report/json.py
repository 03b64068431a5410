"""JSON report, schema version 1 (documented in README, "JSON output")."""

from __future__ import annotations

import json
from typing import Any

from ..engine import RunResult
from ..findings import FileEvidence, Finding
from .interface import TOOL_NAME, Formatter, summary_counts

SCHEMA_VERSION = "1.0"


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding as a JSON-ready mapping."""
    return {
        "fingerprint": f.fingerprint,
        "rule": f.rule_id,
        "rule_kind": f.rule_kind,
        "severity": f.severity.value,
        "status": f.status,
        "waiver": f.waived_by,
        "consumer": f.consumer,
        "consumer_name": f.consumer_name,
        "object": f.object,
        "output_column": f.output_column,
        "sources": list(f.sources),
        "source_class": f.source_class,
        "lineage_path": list(f.lineage_path),
        "flow": f.flow.value,
        "transform": f.transform.value,
        "clause": f.clause,
        "functions": list(f.functions),
        "location": {"path": f.location.path, "line": f.location.line, "column": f.location.column},
        "message": f.message,
        "summary": f.summary,
        "authority": {
            "title": f.authority.title,
            "citation": f.authority.citation,
            "url": f.authority.url,
            "illustrative": f.authority.illustrative,
        },
        "delivery": f.delivery,
        "other_paths": f.extra_paths,
        "evidence": _evidence(f.evidence) if f.evidence else None,
        "suppressed_by": f.suppressed_by,
    }


def _evidence(ev: FileEvidence) -> dict[str, Any]:
    return {
        "kind": ev.kind,
        "position": ev.position,
        "header_match": ev.header_match,
        "detector": ev.detector,
        "confidence": ev.confidence,
        "rows": ev.rows,
        "non_null": ev.non_null,
        "matches": ev.matches,
        "rate": round(ev.rate, 6),
        "first_rows": list(ev.first_rows),
        "value_hash": ev.value_hash,
        "note": ev.note,
        "sampled": ev.sampled,
    }


def result_dict(result: RunResult) -> dict[str, Any]:
    """The whole run as a JSON-ready mapping."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "run": {
            "started": result.started.isoformat(),
            "finished": result.finished.isoformat(),
            "as_of": result.as_of.isoformat(),
            "run_by": result.run_by,
            "exit_code": result.exit_code,
            "summary": summary_counts(result),
        },
        "policy": {
            "name": result.policy.name,
            "version": result.policy.version,
            "sha256": result.policy.digest,
            "files": list(result.policy.files),
            "rules_in_effect": [r.id for r in result.rules_in_effect],
        },
        "files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "dialect": f.dialect,
                "status": f.status,
                "objects": f.objects,
                "errors": [
                    {"code": e.code, "message": e.message, "line": e.line, "column": e.column, "object": e.object}
                    for e in f.errors
                ],
            }
            for f in result.files
        ],
        "deliveries": {
            name: sorted({d.consumer for d in items}) for name, items in sorted(result.deliveries.items())
        },
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [
            {"code": e.code, "message": e.message, "path": e.path, "line": e.line, "column": e.column, "object": e.object}
            for e in result.errors
        ],
        "baseline": None
        if result.baseline is None
        else {
            "path": result.baseline.path,
            "new": list(result.baseline.new),
            "fixed": [e.__dict__ for e in result.baseline.fixed],
            "unchanged": list(result.baseline.unchanged),
        },
        "notices": [
            {"code": n.code, "message": n.message, "object": n.object, "path": n.path, "blocking": n.blocking}
            for n in result.notices
        ],
        "exports": [
            {
                "path": x.path,
                "check": x.check,
                "consumer": x.consumer,
                "format": x.format,
                "compression": x.compression,
                "rows": x.rows,
                "sampled": x.sampled,
                "aggregate_min_count": x.aggregate_min_count,
                "columns": [
                    {
                        "name": c.name,
                        "position": c.position,
                        "non_null": c.non_null,
                        "role": c.role,
                        "header_match": c.header_match,
                        "classes": list(c.classes),
                        "sources": list(c.sources),
                        "detectors": [{"detector": d, "confidence": conf} for d, conf in c.detectors],
                    }
                    for c in x.columns
                ],
            }
            for x in result.exports
        ],
    }


class JsonFormatter(Formatter):
    """Machine-readable report; lists every file with ok/error so "clean" and "not analysed" differ."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        return json.dumps(result_dict(result), indent=2, sort_keys=False) + "\n"
