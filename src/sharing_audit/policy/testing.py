"""``policy test``: run the ``-- ruleid:`` / ``-- ok:`` cases kept next to each rule."""

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
    """Run every case in ``*.test.sql`` under ``root``."""
    catalog = Catalog(policy)
    approved = frozenset(r.function for r in policy.redactions)
    outcomes: list[CaseOutcome] = []
    for test_file in sorted(root.rglob("*.test.sql")):
        for case in load_cases(test_file, str(test_file)):
            outcomes.append(_run_case(case, policy, catalog, approved, dialect))
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
