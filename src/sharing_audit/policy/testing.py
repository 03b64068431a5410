"""``policy test``: run the test cases kept next to each rule.

SQL cases are ``*.test.sql`` files split at ``-- ruleid: RULE`` / ``-- ok: RULE`` markers.
Export cases are ``*.test.yaml`` files: a small CSV, the consumer (and optionally the source
table), and the findings expected, or none.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..catalog import Catalog
from ..delivery import compute_deliveries
from ..engine import evaluate
from ..lineage.graph import SqlInput, build_graph
from .model import Policy

_MARKER = re.compile(r"^[ \t]*--[ \t]*(?P<kind>ruleid|ok):[ \t]*(?P<rule>[\w.-]+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class CaseOutcome:
    """The result of one policy test case."""

    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class PolicyCase:
    """One annotated SQL snippet: it must (``ruleid``) or must not (``ok``) violate ``rule``."""

    name: str
    rule: str
    expect_violation: bool
    sql: str


def load_cases(path: Path, display: str) -> list[PolicyCase]:
    """Split a ``*.test.sql`` file at its markers; text before the first marker is a shared header."""
    text = path.read_text(encoding="utf-8")
    markers = list(_MARKER.finditer(text))
    header = text[: markers[0].start()] if markers else ""
    cases = []
    for i, m in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        line = text.count("\n", 0, m.start()) + 1
        cases.append(
            PolicyCase(
                name=f"{display}:{line} {m.group('kind')}: {m.group('rule')}",
                rule=m.group("rule"),
                expect_violation=m.group("kind") == "ruleid",
                sql=header + text[m.start() : end],
            )
        )
    return cases


def run_policy_tests(policy: Policy, root: Path, dialect: str = "postgres") -> list[CaseOutcome]:
    """Run every case in ``*.test.sql`` and ``*.test.yaml`` under ``root``."""
    catalog = Catalog(policy)
    approved = frozenset(r.function for r in policy.redactions)
    outcomes: list[CaseOutcome] = []
    for test_file in sorted(root.rglob("*.test.sql")):
        for case in load_cases(test_file, str(test_file)):
            outcomes.append(_run_case(case, policy, catalog, approved, dialect))
    for test_file in sorted(root.rglob("*.test.yaml")):
        outcomes.extend(_run_export_cases(test_file, policy))
    return outcomes


_EXPORT_CASES = {
    "type": "object",
    "properties": {
        "cases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "consumer": {"type": "string"},
                    "source": {"type": "string"},
                    "csv": {"type": "string"},
                    "expect": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"rule": {"type": "string"}, "column": {"type": "string"}},
                            "required": ["rule", "column"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["name", "consumer", "csv", "expect"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["cases"],
    "additionalProperties": False,
}


def _run_export_cases(path: Path, policy: Policy) -> list[CaseOutcome]:
    """Each case: scan its CSV as an export to its consumer; findings must equal ``expect``."""
    import jsonschema

    from ..errors import PolicyError
    from ..exports.detectors import DETECTORS
    from ..exports.evaluate import ExportTarget, evaluate_export
    from ..exports.model import ReadOptions
    from ..exports.scan import scan_file
    from ..policy.model import ConsumerId
    from ..yamlio import load_yaml

    doc = load_yaml(path, PolicyError)
    problems = list(jsonschema.Draft202012Validator(_EXPORT_CASES).iter_errors(doc))
    if problems:
        return [CaseOutcome(f"{path}", False, f"invalid test file: {problems[0].message}")]
    outcomes = []
    in_effect = list(policy.rules)
    for case in doc["cases"]:
        name = f"{path}: {case['name']}"
        source = tuple(case["source"].split(".")) if "source" in case else None
        target = ExportTarget("policy-test", ConsumerId(case["consumer"]), (source[0], source[1]) if source else None)
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "case.csv"
            csv_path.write_text(case["csv"], encoding="utf-8")
            scan = scan_file(csv_path, "case.csv", ReadOptions(format="csv"), list(DETECTORS.values()), salt=b"policy-test")
        if scan.error is not None:
            outcomes.append(CaseOutcome(name, False, f"not analysed: {scan.error.code}: {scan.error.message}"))
            continue
        outcome = evaluate_export(scan, target, policy, Catalog(policy), in_effect, list(DETECTORS.values()))
        got = {(f.rule_id, f.output_column or "") for f in outcome.findings}
        want = {(e["rule"], e["column"]) for e in case["expect"]}
        if got == want:
            outcomes.append(CaseOutcome(name, True))
        else:
            missing = ", ".join(f"{r} on {c}" for r, c in sorted(want - got)) or "none"
            extra = ", ".join(f"{r} on {c}" for r, c in sorted(got - want)) or "none"
            outcomes.append(CaseOutcome(name, False, f"missing: {missing}; unexpected: {extra}"))
    return outcomes


def _run_case(case: PolicyCase, policy: Policy, catalog: Catalog, approved: frozenset[str], dialect: str) -> CaseOutcome:
    rules = [r for r in policy.rules if r.id == case.rule]
    if not rules:
        return CaseOutcome(case.name, False, f"unknown rule {case.rule!r}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.sql"
        path.write_text(case.sql, encoding="utf-8")
        graph = build_graph([SqlInput(path, "case.sql", dialect)], catalog, approved_functions=approved)
    if graph.errors:
        first = graph.errors[0]
        return CaseOutcome(case.name, False, f"not analysed: {first.code}: {first.message}")
    deliveries, errors = compute_deliveries(graph, policy)
    if errors:
        return CaseOutcome(case.name, False, f"not analysed: {errors[0].message}")
    if not deliveries:
        return CaseOutcome(case.name, False, "the case delivers nothing to any consumer; add a grant or deliver-to")
    findings = evaluate(policy, catalog, graph, deliveries, rules)
    if case.expect_violation and not findings:
        return CaseOutcome(case.name, False, "expected a finding, got none")
    if not case.expect_violation and findings:
        return CaseOutcome(case.name, False, f"expected no finding, got: {findings[0].message}")
    return CaseOutcome(case.name, True)
