"""Hostile shapes end in a clear result within bounded time: deep nesting, very long view chains."""

from __future__ import annotations

from pathlib import Path

from helpers import finding_keys, run_sql


def test_thousands_of_nested_parentheses_is_a_clear_error(tmp_path: Path) -> None:
    n = 5000
    sql = "CREATE VIEW federal_exports.v AS SELECT " + "(" * n + "i.race" + ")" * n + " AS r FROM lock_and_track.inmates i;\n"
    result = run_sql(tmp_path, {"deep.sql": sql})
    assert [e.code for e in result.errors] == ["analysis.too_complex"]
    assert result.exit_code == 2


def test_a_view_chain_three_thousand_deep_still_carries_the_field(tmp_path: Path) -> None:
    lines = ["CREATE VIEW staging.v0 AS SELECT RIGHT(p.ssn, 4) AS hint FROM pars.persons p WHERE p.person_role = 'arrestee';"]
    lines += [f"CREATE VIEW staging.v{k} AS SELECT hint FROM staging.v{k - 1};" for k in range(1, 3000)]
    lines.append("CREATE VIEW partner_exports.v_fbi AS SELECT hint FROM staging.v2999;")
    sql = "-- sharing-audit: deliver-to=fbi\n" + "\n".join(lines) + "\n"
    result = run_sql(tmp_path, {"chain.sql": sql})
    assert not result.errors
    keys = finding_keys(result)
    assert ("phl-protected-classes-no-federal", "fbi", "partner_exports.v_fbi.hint", "pars.persons.ssn") in keys
    finding = next(f for f in result.findings if f.object == "partner_exports.v_fbi")
    assert len(finding.lineage_path) == 3002  # the source, 3,000 staging views, the export
