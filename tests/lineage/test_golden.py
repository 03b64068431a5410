"""Golden lineage: each block of tests/fixtures/lineage/lineage.sql against its expect lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT, load_sql_fixture_pairs
from sharing_audit.catalog import Catalog
from sharing_audit.engine import load_policy_checked
from sharing_audit.lineage.graph import SqlInput, build_graph

FIXTURES = load_sql_fixture_pairs(ROOT / "tests" / "fixtures" / "lineage" / "lineage.sql")
POLICY, _ = load_policy_checked(ROOT / "policies")


def _lines(obj) -> set[str]:  # type: ignore[no-untyped-def]
    out = set()
    for name, origins in obj.columns:
        if not origins:
            out.add(f"{name} <- (none)")
        for o in origins:
            out.add(f"{name} <- {o.source} {o.flow.value} {o.transform.value}")
    for o in obj.predicates:
        out.add(f"<{o.clause}> <- {o.source} {o.flow.value} {o.transform.value}")
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.title for f in FIXTURES])
def test_golden_lineage(fixture, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "case.sql"
    path.write_text(fixture.sql, encoding="utf-8")
    approved = frozenset(r.function for r in POLICY.redactions)
    graph = build_graph([SqlInput(path, "case.sql", fixture.dialect)], Catalog(POLICY), approved_functions=approved)
    assert graph.errors == []
    (obj,) = graph.objects.values()
    assert _lines(obj) == set(fixture.expected.splitlines())
