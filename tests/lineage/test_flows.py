"""Value and predicate flows through every clause, transforms, and the ways an object is delivered.

Views are granted to ``usms_reader`` (a federal consumer with no allowlist of its own), so a
finding of ``phl-protected-classes-no-federal`` shows exactly which protected column reached
the consumer, through which column or clause.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import finding_keys, run_sql
from sharing_audit.engine import RunResult
from sharing_audit.findings import Finding
from sharing_audit.lineage.model import Origin

GRANT = "\nGRANT SELECT ON staging.v TO usms_reader;\n"
DENY = "phl-protected-classes-no-federal"


def check(tmp_path: Path, sql: str, dialect: str = "postgres") -> RunResult:
    result = run_sql(tmp_path, {"case.sql": sql}, dialect=dialect)
    assert result.errors == [], [(e.code, e.message) for e in result.errors]
    return result


def findings(result: RunResult, **want: Any) -> list[Finding]:
    """Findings whose attributes (``rule``, ``consumer``, ``column``, ``clause``, ``source``...) match."""
    out = []
    for f in result.findings:
        have = {
            "rule": f.rule_id,
            "consumer": f.consumer,
            "object": f.object,
            "column": f.output_column,
            "clause": f.clause,
            "source": f.sources[0],
            "flow": f.flow.value,
            "transform": f.transform.value,
        }
        if all(have[k] == v for k, v in want.items()):
            out.append(f)
    return out


def origins(result: RunResult, obj: str, column: str | None = None) -> set[Origin]:
    lineage = result.graph.objects[obj]
    if column is None:
        return set(lineage.predicates)
    found = lineage.column(column)
    assert found is not None, f"{obj} has no column {column}"
    return set(found)


def summary(items: set[Origin]) -> set[tuple[str, str, str, str]]:
    """``(source, flow, transform, clause)`` of each origin."""
    return {(str(o.source), o.flow.value, o.transform.value, o.clause) for o in items}


# -- predicate flows, clause by clause ------------------------------------------------------


PREDICATE_CASES = [
    pytest.param(
        "postgres",
        "SELECT i.inmate_id FROM lock_and_track.inmates i WHERE i.ssn IS NOT NULL",
        "WHERE",
        "lock_and_track.inmates.ssn",
        id="WHERE",
    ),
    pytest.param(
        "postgres",
        "SELECT i.inmate_id FROM lock_and_track.inmates i JOIN pars.persons p ON p.ssn = i.ssn AND p.person_role = 'arrestee'",
        "JOIN ON",
        "pars.persons.ssn",
        id="JOIN ON",
    ),
    pytest.param(
        "postgres",
        "SELECT i.facility, COUNT(*) AS n FROM lock_and_track.inmates i GROUP BY i.facility, i.home_address",
        "GROUP BY",
        "lock_and_track.inmates.home_address",
        id="GROUP BY",
    ),
    pytest.param(
        "postgres",
        "SELECT i.facility, COUNT(*) AS n FROM lock_and_track.inmates i GROUP BY i.facility HAVING MAX(i.home_address) IS NOT NULL",
        "HAVING",
        "lock_and_track.inmates.home_address",
        id="HAVING",
    ),
    pytest.param(
        "snowflake",
        "SELECT i.inmate_id FROM lock_and_track.inmates i QUALIFY ROW_NUMBER() OVER (PARTITION BY i.ssn ORDER BY i.inmate_id) = 1",
        "QUALIFY",
        "lock_and_track.inmates.ssn",
        id="QUALIFY",
    ),
    pytest.param(
        "postgres",
        "SELECT i.inmate_id FROM lock_and_track.inmates i ORDER BY i.home_address",
        "ORDER BY",
        "lock_and_track.inmates.home_address",
        id="ORDER BY",
    ),
    pytest.param(
        "postgres",
        "SELECT DISTINCT ON (i.ssn) i.inmate_id FROM lock_and_track.inmates i ORDER BY i.ssn, i.inmate_id",
        "DISTINCT ON",
        "lock_and_track.inmates.ssn",
        id="DISTINCT ON",
    ),
    pytest.param(
        "postgres",
        "SELECT i.inmate_id FROM lock_and_track.inmates i "
        "WHERE EXISTS (SELECT 1 FROM pars.persons p WHERE p.person_id = i.pid AND p.country_of_birth <> 'USA')",
        "WHERE",
        "pars.persons.country_of_birth",
        id="EXISTS",
    ),
    pytest.param(
        "postgres",
        "SELECT i.inmate_id FROM lock_and_track.inmates i "
        "WHERE i.pid IN (SELECT p.person_id FROM pars.persons p WHERE p.home_address LIKE '%Kensington%')",
        "WHERE",
        "pars.persons.home_address",
        id="IN subquery",
    ),
]


@pytest.mark.parametrize(("dialect", "query", "clause", "source"), PREDICATE_CASES)
def test_predicate_flow(tmp_path: Path, dialect: str, query: str, clause: str, source: str) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS {query};{GRANT}", dialect)
    hits = findings(result, rule=DENY, consumer="usms", clause=clause, source=source)
    assert hits, sorted(finding_keys(result))
    for f in hits:
        assert f.output_column is None and f.flow.value == "predicate"
        assert f.lineage_path[-1] == f"staging.v <{clause}>"
    # The protected column is never reported as an output value.
    assert not findings(result, rule=DENY, source=source, flow="value")


def test_predicate_only_column_is_not_an_output(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT i.inmate_id FROM lock_and_track.inmates i WHERE i.ssn IS NOT NULL;{GRANT}")
    assert result.graph.objects["staging.v"].column_names() == ("inmate_id",)
    assert summary(origins(result, "staging.v")) == {("lock_and_track.inmates.ssn", "predicate", "identity", "WHERE")}


def test_value_flow_of_select(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT i.inmate_id, i.ssn AS s FROM lock_and_track.inmates i;{GRANT}")
    (f,) = findings(result, rule=DENY)
    assert (f.output_column, f.clause, f.flow.value, f.transform.value) == ("s", "SELECT", "value", "identity")
    assert f.lineage_path == ("lock_and_track.inmates.ssn", "staging.v.s")


def test_case_condition_is_a_value_flow(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_id, CASE WHEN i.ssn IS NULL THEN 'no' ELSE 'yes' END AS has_ssn FROM lock_and_track.inmates i;"
    result = check(tmp_path, sql + GRANT)
    (f,) = findings(result, rule=DENY)
    assert (f.output_column, f.flow.value, f.transform.value) == ("has_ssn", "value", "transform")
    assert "case" in f.functions


def test_window_partition_by_carries_the_column_into_the_value(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_id, COUNT(*) OVER (PARTITION BY i.home_address) AS housemates FROM lock_and_track.inmates i;"
    result = check(tmp_path, sql + GRANT)
    (f,) = findings(result, rule=DENY, source="lock_and_track.inmates.home_address")
    assert (f.output_column, f.transform.value) == ("housemates", "transform")
    assert "over" in f.functions


def test_order_by_position_and_alias_are_predicates(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS SELECT i.inmate_id, i.home_address AS a FROM lock_and_track.inmates i ORDER BY 2;\n"
        "CREATE VIEW staging.w AS SELECT i.inmate_id, i.home_address AS a FROM lock_and_track.inmates i ORDER BY a;\n"
    )
    result = check(tmp_path, sql)
    for name in ("staging.v", "staging.w"):
        assert ("lock_and_track.inmates.home_address", "predicate", "identity", "ORDER BY") in summary(origins(result, name))


# -- transforms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "transform", "function"),
    [
        pytest.param("i.ssn", "identity", None, id="identity"),
        pytest.param("RIGHT(i.ssn, 4)", "transform", "right", id="RIGHT"),
        pytest.param("SUBSTRING(i.ssn FROM 6 FOR 4)", "transform", "substring", id="SUBSTRING"),
        pytest.param("MD5(i.ssn)", "transform", "md5", id="MD5"),
        pytest.param("CAST(i.ssn AS INTEGER)", "transform", "cast", id="CAST"),
        pytest.param("i.ssn::text", "transform", "cast", id="::cast"),
        pytest.param("'x-' || i.ssn", "transform", "||", id="concat"),
        pytest.param("COALESCE(i.ssn, 'none')", "transform", "coalesce", id="COALESCE"),
        pytest.param("JSON_BUILD_OBJECT('s', i.ssn)", "transform", "json_build_object", id="JSON_BUILD_OBJECT"),
        pytest.param("STRING_AGG(i.ssn, ',')", "aggregate", None, id="STRING_AGG"),
        pytest.param("COUNT(DISTINCT i.ssn)", "aggregate", "count", id="COUNT DISTINCT"),
        pytest.param("MAX(i.ssn)", "aggregate", "max", id="MAX"),
        pytest.param("UPPER(MD5(i.ssn))", "transform", "md5", id="nested"),
        pytest.param("row_to_json(i)", "transform", None, id="whole-row JSON"),
    ],
)
def test_transform(tmp_path: Path, expr: str, transform: str, function: str | None) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT {expr} AS out FROM lock_and_track.inmates i;{GRANT}")
    (f,) = findings(result, rule=DENY, source="lock_and_track.inmates.ssn")
    assert (f.output_column, f.flow.value, f.transform.value) == ("out", "value", transform)
    if function is not None:
        assert function in f.functions
    elif transform == "identity":
        assert f.functions == ()


def test_string_literal_is_not_data(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT 'ssn' AS label, i.inmate_id FROM lock_and_track.inmates i;{GRANT}")
    assert origins(result, "staging.v", "label") == set()
    assert finding_keys(result) == set()


def test_approved_redaction_clears_ssn(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT vault.tokenize(i.ssn) AS token FROM lock_and_track.inmates i;{GRANT}")
    assert finding_keys(result) == set()
    (origin,) = origins(result, "staging.v", "token")
    assert (str(origin.source), origin.transform.value, origin.masked_by) == ("lock_and_track.inmates.ssn", "masked", "tokenize")


def test_hash_of_a_token_stays_masked(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT MD5(vault.tokenize(i.ssn)) AS k FROM lock_and_track.inmates i;{GRANT}")
    assert finding_keys(result) == set()
    (origin,) = origins(result, "staging.v", "k")
    assert origin.transform.value == "masked"


def test_redaction_only_clears_its_classes(tmp_path: Path) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT vault.tokenize(i.home_address) AS t FROM lock_and_track.inmates i;{GRANT}")
    (f,) = findings(result, rule=DENY)
    assert (f.output_column, f.sources[0], f.transform.value) == ("t", "lock_and_track.inmates.home_address", "masked")


@pytest.mark.parametrize("call", ["tokenize(i.ssn)", "evil.tokenize(i.ssn)"])
def test_a_function_with_the_same_name_is_not_the_redaction(tmp_path: Path, call: str) -> None:
    result = check(tmp_path, f"CREATE VIEW staging.v AS SELECT {call} AS t FROM lock_and_track.inmates i;{GRANT}")
    (f,) = findings(result, rule=DENY)
    assert (f.output_column, f.transform.value) == ("t", "transform")


def test_redaction_does_not_clear_a_predicate_on_the_raw_column(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT vault.tokenize(i.ssn) AS t FROM lock_and_track.inmates i WHERE i.ssn LIKE '9%';"
    result = check(tmp_path, sql + GRANT)
    assert [(f.output_column, f.clause) for f in findings(result, rule=DENY)] == [(None, "WHERE")]


def test_aggregate_with_k_anonymity_is_exempt_only_where_the_rule_says(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW research_exports.v AS SELECT p.country_of_birth, COUNT(*) AS n FROM pars.persons p\n"
        "GROUP BY p.country_of_birth HAVING COUNT(*) >= 11;\n"
        "CREATE VIEW research_exports.w AS SELECT p.country_of_birth, COUNT(*) AS n FROM pars.persons p\n"
        "GROUP BY p.country_of_birth HAVING COUNT(*) >= 5;\n"
    )
    result = check(tmp_path, sql)
    assert result.graph.objects["research_exports.v"].aggregate_min_count == 11
    assert result.graph.objects["research_exports.w"].aggregate_min_count == 5
    assert not findings(result, rule="phl-research-aggregates-only", object="research_exports.v")
    assert findings(result, rule="phl-research-aggregates-only", object="research_exports.w", column="country_of_birth")


# -- set operations, CTEs, subqueries -------------------------------------------------------------


def test_union_where_one_branch_leaks(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW federal_exports.v AS\n"
        "SELECT i.inmate_name AS name FROM lock_and_track.inmates i\n"
        "UNION ALL\n"
        "SELECT p.full_name FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
    )
    result = check(tmp_path, sql)
    assert summary(origins(result, "federal_exports.v", "name")) == {
        ("lock_and_track.inmates.inmate_name", "value", "identity", "SELECT"),
        ("pars.persons.full_name", "value", "identity", "SELECT"),
    }
    (f,) = findings(result, rule="phl-pars-no-ice", column="name")
    assert f.sources == ("pars.persons.full_name",) and f.location.line == 4
    assert findings(result, rule="phl-pars-no-ice", clause="WHERE", source="pars.persons.person_role")
    assert not findings(result, rule="phl-lock-and-track-allowlist")


def test_union_of_allowed_columns_passes(tmp_path: Path) -> None:
    sql = "CREATE VIEW federal_exports.v AS SELECT i.inmate_name AS x FROM lock_and_track.inmates i UNION SELECT j.race FROM lock_and_track.inmates j;"
    result = check(tmp_path, sql)
    assert result.findings == [] and result.exit_code == 0


def test_recursive_cte(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "WITH RECURSIVE chain(inmate_id, hint, depth) AS (\n"
        "  SELECT i.inmate_id, i.inmate_name, 1 FROM lock_and_track.inmates i\n"
        "  UNION ALL\n"
        "  SELECT c.inmate_id, i2.ssn, c.depth + 1 FROM chain c JOIN lock_and_track.inmates i2 ON i2.inmate_id = c.inmate_id\n"
        "  WHERE c.depth < 3\n"
        ")\n"
        "SELECT c.inmate_id, c.hint FROM chain c;" + GRANT
    )
    result = check(tmp_path, sql)
    assert {str(o.source) for o in origins(result, "staging.v", "hint")} == {
        "lock_and_track.inmates.inmate_name",
        "lock_and_track.inmates.ssn",
    }
    (f,) = findings(result, rule=DENY, column="hint")
    assert f.sources == ("lock_and_track.inmates.ssn",)


def test_correlated_scalar_subquery(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT i.inmate_id,\n"
        "       (SELECT MAX(p.country_of_birth) FROM pars.persons p WHERE p.person_id = i.pid AND p.person_role = 'arrestee') AS cob\n"
        "FROM lock_and_track.inmates i;" + GRANT
    )
    result = check(tmp_path, sql)
    (f,) = findings(result, rule=DENY, column="cob")
    assert (f.sources[0], f.flow.value, f.transform.value) == ("pars.persons.country_of_birth", "value", "aggregate")
    assert f.location.line == 3
    # pars.persons rows reach the view, filtered to arrestees by the subquery.
    rows = {rs.table: rs.filters for rs in result.graph.objects["staging.v"].row_sources}
    assert rows["pars.persons"] == frozenset({("person_role", frozenset({"arrestee"}))})


def test_lateral_subquery(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT i.inmate_id, l.addr\n"
        "FROM lock_and_track.inmates i\n"
        "CROSS JOIN LATERAL (SELECT p.home_address AS addr FROM pars.persons p\n"
        "                    WHERE p.person_id = i.pid AND p.person_role = 'arrestee') l;" + GRANT
    )
    result = check(tmp_path, sql)
    (f,) = findings(result, rule=DENY, column="addr")
    assert (f.sources[0], f.transform.value) == ("pars.persons.home_address", "identity")
    assert ("lock_and_track.inmates.pid", "predicate", "identity", "WHERE") in summary(origins(result, "staging.v"))


def test_cte_and_derived_table_predicates_reach_the_view(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "WITH f AS (SELECT i.inmate_id FROM lock_and_track.inmates i WHERE i.immigration_status = 'undocumented')\n"
        "SELECT x.inmate_id FROM (SELECT f.inmate_id FROM f) x;" + GRANT
    )
    result = check(tmp_path, sql)
    assert findings(result, rule="phl-no-birth-country-targeting", consumer="usms", clause="WHERE", source="lock_and_track.inmates.immigration_status")


# -- stars ----------------------------------------------------------------------------------------


def test_select_star_expands_from_the_catalog(tmp_path: Path) -> None:
    result = check(tmp_path, "CREATE VIEW federal_exports.v AS SELECT * FROM lock_and_track.detainers;")
    assert result.graph.objects["federal_exports.v"].column_names() == (
        "detainer_id", "inmate_id", "issuing_agency", "detainer_type", "judicial_warrant", "received_date",
    )
    assert findings(result, rule="phl-immigration-status-review", consumer="ice", column="detainer_type", source="lock_and_track.detainers.detainer_type")


def test_qualified_star_expands_one_table(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW federal_exports.v AS\n"
        "SELECT d.detainer_id, i.* FROM lock_and_track.detainers d JOIN lock_and_track.inmates i ON i.inmate_id = d.inmate_id;"
    )
    result = check(tmp_path, sql)
    names = result.graph.objects["federal_exports.v"].column_names()
    assert names[0] == "detainer_id" and "ssn" in names and "issuing_agency" not in names
    (f,) = findings(result, rule=DENY, column="ssn")
    assert f.location.line == 2


def test_star_over_a_view(tmp_path: Path) -> None:
    files = {
        "a.sql": "CREATE VIEW staging.v_base AS SELECT i.inmate_id, RIGHT(i.ssn, 4) AS l4 FROM lock_and_track.inmates i;",
        "b.sql": "CREATE VIEW staging.v AS SELECT * FROM staging.v_base;" + GRANT,
    }
    result = run_sql(tmp_path, files)
    assert result.errors == []
    (f,) = findings(result, rule=DENY, column="l4")
    assert f.lineage_path == ("lock_and_track.inmates.ssn", "staging.v_base.l4", "staging.v.l4")
    assert f.transform.value == "transform"


# -- writing into delivered objects ---------------------------------------------------------------


def test_insert_into_federal_exports_select(tmp_path: Path) -> None:
    sql = "INSERT INTO federal_exports.ice_feed (inmate_name, ssn)\nSELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;"
    result = check(tmp_path, sql)
    assert result.graph.objects["federal_exports.ice_feed"].kind == "insert"
    assert findings(result, rule=DENY, consumer="ice", object="federal_exports.ice_feed", column="ssn", source="lock_and_track.inmates.ssn")


def test_insert_maps_columns_by_position(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE federal_exports.ice_feed (name text, ref text);\n"
        "INSERT INTO federal_exports.ice_feed (ref, name) SELECT i.ssn, i.inmate_name FROM lock_and_track.inmates i;"
    )
    result = check(tmp_path, sql)
    assert {str(o.source) for o in origins(result, "federal_exports.ice_feed", "ref")} == {"lock_and_track.inmates.ssn"}
    assert findings(result, rule=DENY, column="ref")


def test_create_table_as(tmp_path: Path) -> None:
    result = check(tmp_path, "CREATE TABLE federal_exports.t AS SELECT i.inmate_name, i.a_number FROM lock_and_track.inmates i;")
    assert result.graph.objects["federal_exports.t"].kind == "table"
    assert findings(result, rule="phl-immigration-status-review", consumer="ice", column="a_number", source="lock_and_track.inmates.a_number")


def test_materialized_view(tmp_path: Path) -> None:
    result = check(tmp_path, "CREATE MATERIALIZED VIEW federal_exports.mv AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;")
    assert result.graph.objects["federal_exports.mv"].kind == "materialized view"
    assert findings(result, rule="phl-release-date-no-ice", consumer="ice", column="release_date", source="lock_and_track.inmates.release_date")


# -- grants ---------------------------------------------------------------------------------------

VIEW3 = "CREATE VIEW staging.v AS SELECT i.inmate_id, i.facility, i.ssn FROM lock_and_track.inmates i;\n"


def test_column_grant_delivers_only_granted_columns(tmp_path: Path) -> None:
    result = check(tmp_path, VIEW3 + "GRANT SELECT (inmate_id, facility) ON staging.v TO usms_reader;")
    assert [(d.consumer, d.columns) for d in result.deliveries["staging.v"]] == [("usms", frozenset({"inmate_id", "facility"}))]
    assert result.findings == [] and result.exit_code == 0


def test_column_grant_of_a_protected_column(tmp_path: Path) -> None:
    result = check(tmp_path, VIEW3 + "GRANT SELECT (inmate_id, ssn) ON staging.v TO usms_reader;")
    assert finding_keys(result) == {(DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn")}


def test_column_grants_accumulate(tmp_path: Path) -> None:
    result = check(tmp_path, VIEW3 + "GRANT SELECT (inmate_id) ON staging.v TO usms_reader;\nGRANT SELECT (ssn) ON staging.v TO usms_reader;")
    assert finding_keys(result) == {(DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn")}


def test_column_grant_still_carries_row_predicates(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS SELECT i.inmate_id FROM lock_and_track.inmates i WHERE i.home_address LIKE '%Kensington%';\n"
        "GRANT SELECT (inmate_id) ON staging.v TO usms_reader;"
    )
    result = check(tmp_path, sql)
    assert finding_keys(result) == {(DENY, "usms", "staging.v <WHERE>", "lock_and_track.inmates.home_address")}


def test_grant_to_a_role_that_another_role_inherits(tmp_path: Path) -> None:
    # delivery.yaml: ice_ero_analyst (ICE) is a member of ice_reader.
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.v TO ice_reader;"
    result = check(tmp_path, sql)
    assert {d.consumer for d in result.deliveries["staging.v"]} == {"ice"}
    assert findings(result, rule="phl-release-date-no-ice", consumer="ice", column="release_date")


def test_grant_to_an_unmapped_role_that_ice_ero_analyst_joins_in_sql(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;\n"
        "GRANT SELECT ON staging.v TO analysts;\n"
        "GRANT analysts TO ice_ero_analyst;"
    )
    result = check(tmp_path, sql)
    (delivery,) = result.deliveries["staging.v"]
    assert delivery.consumer == "ice" and "ice_ero_analyst inherits analysts" in delivery.channel
    (f,) = findings(result, rule="phl-release-date-no-ice")
    assert (f.consumer, f.output_column) == ("ice", "release_date")


def test_grant_to_an_unmapped_role_delivers_nothing(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.v TO analysts;"
    result = check(tmp_path, sql)
    assert "staging.v" not in result.deliveries and result.findings == []


def test_revoked_role_membership(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;\n"
        "GRANT SELECT ON staging.v TO analysts;\n"
        "GRANT analysts TO ice_ero_analyst;\n"
        "REVOKE analysts FROM ice_ero_analyst;"
    )
    result = check(tmp_path, sql)
    assert result.findings == []


def test_grant_to_public_reaches_every_consumer(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.v TO PUBLIC;"
    result = check(tmp_path, sql)
    assert {d.consumer for d in result.deliveries["staging.v"]} == {c.id for c in result.policy.consumers}
    keys = finding_keys(result)
    for consumer in ("ice", "usms", "fbi"):
        assert (DENY, consumer, "staging.v.ssn", "lock_and_track.inmates.ssn") in keys
    assert ("phl-research-aggregates-only", "researchers", "staging.v.inmate_name", "lock_and_track.inmates.inmate_name") in keys


def test_grant_on_all_tables_in_schema(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON ALL TABLES IN SCHEMA staging TO usms_reader;"
    result = check(tmp_path, sql)
    assert finding_keys(result) == {(DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn")}


def test_default_privileges_cover_later_views(tmp_path: Path) -> None:
    sql = "ALTER DEFAULT PRIVILEGES IN SCHEMA staging GRANT SELECT ON TABLES TO usms_reader;\nCREATE VIEW staging.v AS SELECT i.ssn FROM lock_and_track.inmates i;"
    result = check(tmp_path, sql)
    assert finding_keys(result) == {(DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn")}


def test_intermediary_passes_data_on(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_id, i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.v TO dvic_etl;"
    result = check(tmp_path, sql)
    vias = {d.consumer: d.via for d in result.deliveries["staging.v"]}
    assert vias == {"dvic": (), "ice": ("dvic",), "fbi": ("dvic",)}
    assert {(f.consumer, f.output_column) for f in findings(result, rule=DENY)} == {("ice", "ssn"), ("fbi", "ssn")}


def test_deliver_to_directive_on_a_bare_query(tmp_path: Path) -> None:
    sql = "-- sharing-audit: deliver-to=ice name=exports.ice_extract\nSELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;"
    result = check(tmp_path, sql)
    assert list(result.graph.objects) == ["exports.ice_extract"]
    assert findings(result, rule="phl-release-date-no-ice", consumer="ice", object="exports.ice_extract", column="release_date")


def test_view_lineage_path_through_a_chain(tmp_path: Path) -> None:
    files = {
        "a.sql": "CREATE VIEW staging.v1 AS SELECT RIGHT(p.ssn, 4) AS l4, p.person_role FROM pars.persons p;",
        "b.sql": "CREATE VIEW staging.v2 AS SELECT v1.l4 AS hint, v1.person_role FROM staging.v1 v1 WHERE v1.person_role = 'arrestee';",
        "c.sql": "CREATE VIEW staging.v AS SELECT UPPER(v2.hint) AS h FROM staging.v2 v2;" + GRANT,
    }
    result = run_sql(tmp_path, files)
    assert result.errors == []
    (origin,) = origins(result, "staging.v", "h")
    assert origin.path == ("staging.v1.l4", "staging.v2.hint")
    assert origin.functions == ("right", "upper")
    (f,) = findings(result, rule=DENY, column="h")
    assert f.lineage_path == ("pars.persons.ssn", "staging.v1.l4", "staging.v2.hint", "staging.v.h")
    assert f.location.path == "c.sql"
    # The arrestee filter applied upstream is inherited: no row-restriction finding.
    assert not findings(result, rule="phl-pars-offenders-only")


def test_aggregate_exemption_counts_people_not_rows(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW research_exports.v AS\n"
        "SELECT p.full_name, p.ssn, p.country_of_birth, COUNT(*) AS arrests\n"
        "FROM pars.persons p JOIN pars.arrests a ON a.person_id = p.person_id\n"
        "GROUP BY p.full_name, p.ssn, p.country_of_birth\n"
        "HAVING COUNT(*) >= 11;\n"
    )
    result = check(tmp_path, sql)
    assert findings(result, rule="phl-research-aggregates-only", consumer="researchers", column="ssn", source="pars.persons.ssn")


def test_aggregate_exemption_does_not_cover_aggregated_values(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW research_exports.v AS\n"
        "SELECT p.race, COUNT(*) AS n, MAX(p.ssn) AS top_ssn FROM pars.persons p\n"
        "GROUP BY p.race HAVING COUNT(*) >= 11;\n"
    )
    result = check(tmp_path, sql)
    (f,) = findings(result, rule="phl-research-aggregates-only", column="top_ssn")
    assert (f.sources[0], f.transform.value) == ("pars.persons.ssn", "aggregate")


@pytest.mark.parametrize(
    "join",
    [
        "RIGHT JOIN",
        "FULL JOIN",
    ],
)
def test_on_filter_of_an_outer_join_does_not_restrict_the_preserved_side(tmp_path: Path, join: str) -> None:
    # Every pars.persons row (victims and witnesses too) survives a RIGHT or FULL join.
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT p.full_name, i.inmate_id\n"
        f"FROM lock_and_track.inmates i {join} pars.persons p ON p.person_id = i.pid AND p.person_role = 'arrestee';" + GRANT
    )
    result = check(tmp_path, sql)
    assert findings(result, rule="phl-pars-offenders-only", consumer="usms", clause="FROM", source="pars.persons.person_role")


def test_on_filter_of_a_left_join_restricts_the_joined_side(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT p.full_name, i.inmate_id\n"
        "FROM lock_and_track.inmates i LEFT JOIN pars.persons p ON p.person_id = i.pid AND p.person_role = 'arrestee';" + GRANT
    )
    result = check(tmp_path, sql)
    assert not findings(result, rule="phl-pars-offenders-only")
    rows = {rs.table: rs.filters for rs in result.graph.objects["staging.v"].row_sources}
    assert rows["pars.persons"] == frozenset({("person_role", frozenset({"arrestee"}))})


def test_on_filter_on_the_preserved_side_of_a_left_join_is_not_a_filter(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT p.full_name FROM pars.persons p LEFT JOIN lock_and_track.inmates i\n"
        "ON i.pid = p.person_id AND p.person_role = 'arrestee';" + GRANT
    )
    result = check(tmp_path, sql)
    assert findings(result, rule="phl-pars-offenders-only", consumer="usms", clause="FROM", source="pars.persons.person_role")


def test_column_revoke_does_not_cancel_a_table_grant(tmp_path: Path) -> None:
    sql = VIEW3 + "GRANT SELECT ON staging.v TO usms_reader;\nREVOKE SELECT (ssn) ON staging.v FROM usms_reader;"
    result = check(tmp_path, sql)
    assert finding_keys(result) == {(DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn")}


def test_column_revoke_narrows_a_column_grant(tmp_path: Path) -> None:
    sql = VIEW3 + "GRANT SELECT (inmate_id, ssn) ON staging.v TO usms_reader;\nREVOKE SELECT (ssn) ON staging.v FROM usms_reader;"
    result = check(tmp_path, sql)
    assert [(d.consumer, d.columns) for d in result.deliveries["staging.v"]] == [("usms", frozenset({"inmate_id"}))]
    assert result.findings == []


def test_revoke_from_one_role_keeps_public(tmp_path: Path) -> None:
    sql = VIEW3 + "GRANT SELECT ON staging.v TO PUBLIC;\nREVOKE SELECT ON staging.v FROM usms_reader;"
    result = check(tmp_path, sql)
    assert (DENY, "usms", "staging.v.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_deliver_to_an_unknown_consumer_fails_closed(tmp_path: Path) -> None:
    sql = "-- sharing-audit: deliver-to=ice_ero\nSELECT i.ssn FROM lock_and_track.inmates i;"
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.exit_code == 2
    (err,) = result.errors
    assert (err.path, err.line) == ("case.sql", 1) and "ice_ero" in err.message


@pytest.mark.parametrize(
    "from_clause",
    [
        "(lock_and_track.inmates i JOIN pars.persons p ON i.pid = p.person_id AND p.country_of_birth = 'MX')",
        "lock_and_track.movements m JOIN ((lock_and_track.inmates i JOIN pars.persons p"
        " ON i.pid = p.person_id AND p.country_of_birth = 'MX')) ON m.inmate_id = i.inmate_id",
    ],
)
def test_conditions_inside_a_parenthesised_join_are_predicates(tmp_path: Path, from_clause: str) -> None:
    # PostgreSQL stores every view's joins in this parenthesised form.
    sql = f"CREATE VIEW federal_exports.v AS\nSELECT i.inmate_name FROM {from_clause};\n"
    result = run_sql(tmp_path, {"v.sql": sql})
    assert not result.errors
    keys = finding_keys(result)
    assert ("phl-no-birth-country-targeting", "ice", "federal_exports.v <JOIN ON>", "pars.persons.country_of_birth") in keys
    assert ("phl-pars-no-ice", "ice", "federal_exports.v <JOIN ON>", "pars.persons.person_id") in keys
