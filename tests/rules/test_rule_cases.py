"""Every rule kind's passing and failing cases, from tests/cases/<kind>.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import RuleCase, load_rule_cases, run_sql
from sharing_audit.rules import RULE_KINDS

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"
ALL_CASES = [case for path in sorted(CASES_DIR.glob("*.yaml")) for case in load_rule_cases(path)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "rule_case" in metafunc.fixturenames:
        metafunc.parametrize("rule_case", ALL_CASES, ids=[f"{c.kind}_{c.name}" for c in ALL_CASES])


def _matches(finding, expected: dict) -> bool:  # type: ignore[no-untyped-def]
    checks = {
        "rule": finding.rule_id,
        "consumer": finding.consumer,
        "object": finding.object,
        "column": finding.output_column,
        "clause": finding.clause,
        "source": finding.sources[0],
        "flow": finding.flow.value,
        "transform": finding.transform.value,
        "line": finding.location.line,
    }
    return all(checks[key] == value for key, value in expected.items())


def test_rule_case(rule_case: RuleCase, tmp_path: Path) -> None:
    result = run_sql(tmp_path, rule_case.files, dialect=rule_case.dialect)
    assert [e.code for e in result.errors] == rule_case.errors, [(e.code, e.message) for e in result.errors]
    if rule_case.kind in RULE_KINDS:
        findings = [f for f in result.findings if f.rule_kind == rule_case.kind]
    else:
        findings = list(result.findings)
    unmatched = [e for e in rule_case.expect if not any(_matches(f, e) for f in findings)]
    assert not unmatched, f"expected findings missing: {unmatched}; got {[f.message for f in findings]}"
    unexpected = [f for f in findings if not any(_matches(f, e) for e in rule_case.expect)]
    assert not unexpected, f"unexpected findings: {[f.message for f in unexpected]}"
    if rule_case.name.startswith("test_fail"):
        assert findings or rule_case.errors, "a failing case must produce a finding or an error"
    else:
        assert rule_case.name.startswith("test_pass"), rule_case.name
        assert not rule_case.expect


def test_every_rule_kind_has_pass_and_fail_cases() -> None:
    for kind in RULE_KINDS:
        names = [c.name for c in ALL_CASES if c.kind == kind]
        assert any(n.startswith("test_pass") for n in names), f"{kind} has no passing case"
        assert any(n.startswith("test_fail") for n in names), f"{kind} has no failing case"
