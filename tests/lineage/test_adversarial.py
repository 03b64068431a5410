"""Regression cases from an adversarial review: each once passed a leak, or failed clean SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import finding_keys, run_sql

SSN = "phl-protected-classes-no-federal"

HIDDEN_OR_UNANALYSABLE = [
    ("postgres", "CREATE SCHEMA scratch CREATE VIEW federal_exports.f5 AS SELECT p.ssn FROM pars.persons p;", "analysis.unparsed"),
    ("tsql", "CREATE USER helper WITHOUT LOGIN\nCREATE VIEW federal_exports.f11 AS SELECT p.ssn FROM pars.persons p", "analysis.unparsed"),
    (
        "postgres",
        "CREATE TABLE federal_exports.f4 (a text);\nWITH w AS (INSERT INTO federal_exports.f4 (a) SELECT p.ssn FROM pars.persons p RETURNING 1) SELECT count(*) FROM w;",
        "analysis.unsupported_statement",
    ),
    ("mysql", "CREATE VIEW staging.u1 AS SELECT c.docket_number FROM courts.cases c /*!50000 , 1 AS hidden */;", "analysis.unsupported_statement"),
    ("tsql", "ALTER SCHEMA federal_exports TRANSFER staging.f12;", "analysis.unsupported_statement"),
]


@pytest.mark.parametrize(("dialect", "sql", "code"), HIDDEN_OR_UNANALYSABLE, ids=lambda v: v if v in ("postgres", "tsql", "mysql") else None)
def test_statement_that_may_hide_data_fails_closed(tmp_path: Path, dialect: str, sql: str, code: str) -> None:
    result = run_sql(tmp_path, {"a.sql": sql}, dialect=dialect)
    assert [e.code for e in result.errors] == [code]
    assert result.exit_code == 2


DELIVERIES = [
    ("postgres", "ALTER VIEW staging.x OWNER TO usms_reader;"),
    ("snowflake", "GRANT SELECT ON VIEW staging.x TO ROLE analyst; GRANT ROLE analyst TO ROLE usms_reader;"),
    ("tsql", "GRANT SELECT ON staging.x TO analyst; ALTER ROLE analyst ADD MEMBER usms_reader;"),
    ("postgres", "GRANT SELECT ON staging.x TO analyst; CREATE ROLE analyst ROLE usms_reader;"),
    ("postgres", "CREATE ROLE helper IN ROLE usms_reader; GRANT SELECT ON staging.x TO usms_reader;"),
    ("snowflake", "GRANT SELECT ON FUTURE VIEWS IN SCHEMA staging TO ROLE usms_reader;"),
    ("snowflake", "GRANT SELECT ON ALL VIEWS IN SCHEMA staging TO ROLE usms_reader;"),
    ("mysql", "GRANT SELECT ON staging.* TO 'usms_reader'@'%';"),
]


@pytest.mark.parametrize(("dialect", "grant"), DELIVERIES)
def test_every_way_of_granting_delivers(tmp_path: Path, dialect: str, grant: str) -> None:
    sql = f"CREATE VIEW staging.x AS SELECT i.ssn FROM lock_and_track.inmates i;\n{grant}\n"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect=dialect)
    assert result.errors == []
    assert (SSN, "usms", "staging.x.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_user_placeholder_in_search_path_is_skipped(tmp_path: Path) -> None:
    sql = 'SET search_path TO "$user", federal_exports;\nCREATE VIEW x AS SELECT i.ssn FROM lock_and_track.inmates i;\n'
    result = run_sql(tmp_path, {"a.sql": sql})
    assert (SSN, "ice", "federal_exports.x.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_comment_after_the_last_semicolon_is_fine(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"a.sql": "CREATE VIEW staging.u AS SELECT c.docket_number FROM courts.cases c;\n-- end of file\n"})
    assert result.errors == [] and result.exit_code == 0


LINEAGE_LEAKS = [
    (
        "recursive CTE moves a value between columns",
        "CREATE VIEW federal_exports.f1 AS WITH RECURSIVE r AS (\n"
        "  SELECT 1 AS n, i.inmate_name AS a, i.inmate_name AS b FROM lock_and_track.inmates i\n"
        "  UNION ALL\n"
        "  SELECT r.n + 1, r.b, CAST(i.release_date AS TEXT) FROM r JOIN lock_and_track.inmates i ON i.inmate_id = r.n WHERE r.n < 3\n"
        ") SELECT r.a FROM r;",
        ("phl-release-date-no-ice", "ice", "federal_exports.f1.a", "lock_and_track.inmates.release_date"),
    ),
    (
        "duplicate names in a UNION branch keep their positions",
        "CREATE VIEW federal_exports.f2 AS SELECT i.inmate_name AS a, i.race AS b FROM lock_and_track.inmates i\n"
        "UNION ALL SELECT CAST(i.release_date AS TEXT) AS z, i.race AS z FROM lock_and_track.inmates i;",
        ("phl-release-date-no-ice", "ice", "federal_exports.f2.a", "lock_and_track.inmates.release_date"),
    ),
    (
        "two outputs with one name both count",
        "CREATE VIEW federal_exports.f2b AS SELECT i.ssn AS race, i.race FROM lock_and_track.inmates i;",
        ("phl-protected-classes-no-federal", "ice", "federal_exports.f2b.race", "lock_and_track.inmates.ssn"),
    ),
    (
        "a table function fed by a scalar subquery",
        "CREATE VIEW federal_exports.f3 AS SELECT u.x FROM unnest((SELECT array_agg(p.ssn) FROM pars.persons p)) AS u(x);",
        ("phl-protected-classes-no-federal", "ice", "federal_exports.f3.x", "pars.persons.ssn"),
    ),
]


@pytest.mark.parametrize(("title", "sql", "expected"), LINEAGE_LEAKS, ids=[c[0] for c in LINEAGE_LEAKS])
def test_lineage_leak_is_found(tmp_path: Path, title: str, sql: str, expected: tuple[str, str, str, str]) -> None:
    result = run_sql(tmp_path, {"a.sql": sql})
    assert result.errors == []
    assert expected in finding_keys(result)


STAR_IN_EXPRESSION = [
    ("snowflake", "CREATE VIEW federal_exports.o AS SELECT OBJECT_CONSTRUCT(*) AS doc FROM lock_and_track.inmates i;", "doc"),
    ("snowflake", "CREATE VIEW federal_exports.h AS SELECT HASH(*) AS doc FROM lock_and_track.inmates i;", "doc"),
    ("spark", "CREATE VIEW federal_exports.s AS SELECT to_json(struct(*)) AS doc FROM lock_and_track.inmates i;", "doc"),
]


@pytest.mark.parametrize(("dialect", "sql", "column"), STAR_IN_EXPRESSION)
def test_star_inside_an_expression_carries_every_column(tmp_path: Path, dialect: str, sql: str, column: str) -> None:
    result = run_sql(tmp_path, {"a.sql": sql}, dialect=dialect)
    assert result.errors == []
    obj = next(iter(result.graph.objects.values()))
    assert (SSN, "ice", f"{obj.name}.{column}", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_duckdb_columns_pattern_fails_closed(tmp_path: Path) -> None:
    sql = "CREATE VIEW federal_exports.c AS SELECT COLUMNS('s.*') FROM lock_and_track.inmates i;"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect="duckdb")
    assert [e.code for e in result.errors] == ["analysis.unexpanded_star"]


def test_schema_grant_under_a_qualified_system_name(tmp_path: Path) -> None:
    sql = "GRANT SELECT ON ALL TABLES IN SCHEMA pars_prod.pars TO ROLE ice_reader;"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect="snowflake")
    assert result.errors == []
    assert ("phl-pars-no-ice", "ice", "pars.persons.ssn", "pars.persons.ssn") in finding_keys(result)


def test_using_join_predicate_points_at_the_join(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.u AS\n"
        "SELECT m.movement_type\n"
        "FROM lock_and_track.movements m\n"
        "JOIN lock_and_track.inmates i USING (inmate_id);\n"
        "GRANT SELECT ON staging.u TO ice_reader;\n"
    )
    result = run_sql(tmp_path, {"a.sql": sql})
    joins = [f for f in result.findings if f.clause == "JOIN ON" and f.rule_id == "phl-lock-and-track-allowlist"]
    assert joins and {f.location.line for f in joins} == {4}


CLIENT_SCRIPTS = [
    ("oracle", "SET DEFINE OFF\nCREATE OR REPLACE VIEW federal_exports.v_o AS\nSELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i\n/\n", "federal_exports.v_o.ssn"),
    ("tsql", "SET NOCOUNT ON\nSELECT i.inmate_name, i.ssn INTO federal_exports.t_b FROM lt_prod.dbo.inmates i\n", "federal_exports.t_b.ssn"),
    (
        "tsql",
        "IF OBJECT_ID('federal_exports.v_t','V') IS NOT NULL DROP VIEW federal_exports.v_t;\nGO\n"
        "CREATE VIEW federal_exports.v_t AS SELECT i.ssn FROM lt_prod.dbo.inmates i;\nGO\nPRINT 'done';\n",
        "federal_exports.v_t.ssn",
    ),
]


@pytest.mark.parametrize(("dialect", "sql", "target"), CLIENT_SCRIPTS)
def test_client_script_lines_do_not_hide_statements(tmp_path: Path, dialect: str, sql: str, target: str) -> None:
    result = run_sql(tmp_path, {"a.sql": sql}, dialect=dialect)
    assert result.errors == []
    assert any(k[2] == target and k[0] == SSN for k in finding_keys(result))


def test_set_without_semicolon_before_a_statement_fails_closed(tmp_path: Path) -> None:
    sql = "SET x = 1\nCREATE VIEW federal_exports.v AS SELECT i.ssn FROM lock_and_track.inmates i;\n"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect="snowflake")
    assert [e.code for e in result.errors] == ["analysis.unparsed"]


def test_oracle_update_with_set_on_its_own_line_still_parses(tmp_path: Path) -> None:
    sql = "CREATE TABLE federal_exports.t_u (id NUMBER, a VARCHAR2(20));\nUPDATE federal_exports.t_u\nSET a = 'x';\n"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect="oracle")
    assert result.errors == []


MORE_DELIVERIES = [
    ("tsql", "GRANT SELECT ON SCHEMA::staging TO usms_reader;"),
    ("tsql", "GRANT SELECT TO usms_reader;"),
    ("mysql", "GRANT SELECT ON *.* TO 'usms_reader'@'%';"),
    ("postgres", "GRANT SELECT ON staging.x TO usms_reader; REVOKE GRANT OPTION FOR SELECT ON staging.x FROM usms_reader;"),
    ("oracle", "GRANT SELECT ANY TABLE TO usms_reader;"),
    ("postgres", "GRANT pg_read_all_data TO usms_reader;"),
    ("tsql", "ALTER ROLE db_datareader ADD MEMBER usms_reader;"),
]


@pytest.mark.parametrize(("dialect", "grant"), MORE_DELIVERIES)
def test_broad_grants_deliver(tmp_path: Path, dialect: str, grant: str) -> None:
    sql = f"CREATE VIEW staging.x AS SELECT i.ssn FROM lock_and_track.inmates i;\n{grant}\n"
    result = run_sql(tmp_path, {"a.sql": sql}, dialect=dialect)
    assert result.errors == []
    assert (SSN, "usms", "staging.x.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


LEFT_JOIN_MID = (
    "CREATE VIEW staging.v_mid AS\n"
    "SELECT i.inmate_name, i.race, m.last_move FROM lock_and_track.inmates i\n"
    "LEFT JOIN (SELECT mv.inmate_id, MAX(mv.movement_date) AS last_move\n"
    "           FROM lock_and_track.movements mv GROUP BY mv.inmate_id) m ON m.inmate_id = i.inmate_id;\n"
)


def test_left_join_side_unused_downstream_is_not_a_filter(tmp_path: Path) -> None:
    sql = LEFT_JOIN_MID + "CREATE VIEW federal_exports.v_out AS SELECT r.inmate_name, r.race FROM staging.v_mid r;\n"
    result = run_sql(tmp_path, {"a.sql": sql})
    assert result.errors == [] and result.findings == []


def test_left_join_side_used_downstream_carries_its_join_condition(tmp_path: Path) -> None:
    sql = LEFT_JOIN_MID + "CREATE VIEW federal_exports.v_out2 AS SELECT r.inmate_name, r.last_move FROM staging.v_mid r;\n"
    keys = finding_keys(run_sql(tmp_path, {"a.sql": sql}))
    allow = "phl-lock-and-track-allowlist"
    assert (allow, "ice", "federal_exports.v_out2.last_move", "lock_and_track.movements.inmate_id") in keys
    assert (allow, "ice", "federal_exports.v_out2.last_move", "lock_and_track.movements.movement_date") in keys


def test_left_join_on_condition_on_the_kept_side_counts_where_used(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.l AS SELECT p.person_id, a.arrest_id FROM pars.persons p\n"
        "LEFT JOIN pars.arrests a ON a.person_id = p.person_id AND p.country_of_birth = 'X'\n"
        "WHERE p.person_role = 'arrestee';\nGRANT SELECT ON staging.l TO usms_reader;\n"
    )
    keys = finding_keys(run_sql(tmp_path, {"a.sql": sql}))
    assert ("phl-no-birth-country-targeting", "usms", "staging.l.arrest_id", "pars.persons.country_of_birth") in keys


def test_spark_global_temp_views_resolve(tmp_path: Path) -> None:
    sql = (
        "CREATE OR REPLACE GLOBAL TEMPORARY VIEW gtv AS SELECT i.ssn FROM lock_and_track.inmates i;\n"
        "CREATE VIEW federal_exports.g AS SELECT g.ssn FROM global_temp.gtv g;\n"
    )
    result = run_sql(tmp_path, {"a.sql": sql}, dialect="spark")
    assert result.errors == []
    assert (SSN, "ice", "federal_exports.g.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)
