"""The demo jurisdiction: the tool's findings equal the hand-written manifest, file by file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import yaml

from helpers import ROOT
from sharing_audit.checks import load_checks
from sharing_audit.engine import CheckOptions, RunResult, run_check

MANIFEST = yaml.safe_load((ROOT / "fixtures" / "expected" / "findings.yaml").read_text(encoding="utf-8"))
Key = tuple[str, str, str, str, str]


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> RunResult:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    request.addfinalizer(mp.undo)
    checks = load_checks(ROOT / "checks")
    inputs = tuple(i for c in checks for i in c.inputs(ROOT))
    return run_check(CheckOptions(ROOT / "policies", inputs, as_of=dt.date(2026, 11, 25)))


def _actual(result: RunResult) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = defaultdict(set)
    for f in result.findings:
        column = f.output_column if f.output_column is not None else f"<{f.clause}>"
        out[f.location.path].add((f.rule_id, f.consumer, f.object, column, f.sources[0]))
    return out


def _expected() -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = {}
    for entry in MANIFEST["files"]:
        out[entry["path"]] = {
            (e["rule"], e["consumer"], e["object"], e["column"], e["source"]) for e in entry["expect"]
        }
    return out


def test_demo_analyses_every_file(demo: RunResult) -> None:
    assert demo.errors == []
    assert all(f.status == "ok" for f in demo.files)
    assert demo.exit_code == 1
    assert len(demo.files) >= 40


def test_manifest_lists_every_demo_file(demo: RunResult) -> None:
    assert {f.path for f in demo.files} == set(_expected())


@pytest.mark.parametrize("path", sorted(_expected()))
def test_demo_file_findings_match_manifest(demo: RunResult, path: str) -> None:
    expected = _expected()[path]
    actual = _actual(demo).get(path, set())
    assert actual == expected, f"missing: {sorted(expected - actual)}; unexpected: {sorted(actual - expected)}"


def test_demo_covers_every_dialect_and_rule(demo: RunResult) -> None:
    dialects = {f.dialect for f in demo.files}
    assert {"postgres", "tsql", "mysql", "oracle", "duckdb", "snowflake", "bigquery", "spark"} <= dialects
    assert {f.rule_id for f in demo.findings} == {r.id for r in demo.policy.rules}
