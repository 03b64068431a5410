"""Each supported dialect, in its own syntax: one view that passes and one that fails, together.

Then name handling: quoting, case, catalog prefixes and search paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import finding_keys, run_sql


@dataclass(frozen=True)
class DialectCase:
    dialect: str
    name: str
    sql: str
    expect: tuple[tuple[str, str, str, str], ...] = ()
    """Findings that must be present, as ``helpers.finding_keys`` tuples; empty for a passing case."""


CASES = [
    # -- postgres ---------------------------------------------------------------------------
    DialectCase(
        "postgres",
        "test_pass_roster",
        "CREATE VIEW federal_exports.v_lt AS\n"
        "SELECT initcap(i.inmate_name) AS inmate_name, i.race, i.self_reported_country::text AS country\n"
        "FROM lock_and_track.inmates i\n"
        "WHERE i.custody_status = ANY (ARRAY['in_custody']);\n",
    ),
    DialectCase(
        "postgres",
        "test_fail_cast_and_concat",
        "CREATE VIEW federal_exports.v_keys AS\n"
        "SELECT i.inmate_name, 'SSN-' || i.ssn::text AS ref\n"
        "FROM lock_and_track.inmates i;\n",
        (
            ("phl-protected-classes-no-federal", "ice", "federal_exports.v_keys.ref", "lock_and_track.inmates.ssn"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_keys.ref", "lock_and_track.inmates.ssn"),
        ),
    ),
    # -- tsql -------------------------------------------------------------------------------
    DialectCase(
        "tsql",
        "test_pass_brackets_and_isnull",
        "CREATE VIEW [federal_exports].[v_lt] AS\n"
        "SELECT TOP 100 i.[inmate_name], i.[race], ISNULL(i.[self_reported_country], 'unknown') AS [country]\n"
        "FROM [lt_prod].[dbo].[inmates] AS i WITH (NOLOCK)\n"
        "WHERE i.[custody_status] = 'in_custody';\n",
    ),
    DialectCase(
        "tsql",
        "test_fail_three_part_pars",
        "CREATE VIEW [federal_exports].[v_ice_ids] AS\n"
        "SELECT TOP 100 p.[full_name], RIGHT(p.[ssn], 4) AS [ssn_last4]\n"
        "FROM pars_prod.dbo.persons AS p WITH (NOLOCK)\n"
        "WHERE p.[person_role] = 'arrestee';\n",
        (
            ("phl-pars-no-ice", "ice", "federal_exports.v_ice_ids.ssn_last4", "pars.persons.ssn"),
            ("phl-pars-no-ice", "ice", "federal_exports.v_ice_ids.full_name", "pars.persons.full_name"),
            ("phl-protected-classes-no-federal", "ice", "federal_exports.v_ice_ids.ssn_last4", "pars.persons.ssn"),
        ),
    ),
    # -- mysql ------------------------------------------------------------------------------
    DialectCase(
        "mysql",
        "test_pass_backticks_and_ifnull",
        "CREATE VIEW `federal_exports`.`v_lt` AS\n"
        "SELECT i.`inmate_name`, i.`race`, IFNULL(i.`self_reported_country`, 'unknown') AS `country`\n"
        "FROM `lock_and_track`.`inmates` AS i\n"
        "WHERE i.`custody_status` = 'in_custody'\n"
        "LIMIT 500;\n",
    ),
    DialectCase(
        "mysql",
        "test_fail_date_format_release",
        "CREATE VIEW `federal_exports`.`v_lt_release` AS\n"
        "SELECT i.`inmate_name`, DATE_FORMAT(i.`release_date`, '%Y-%m-%d') AS `out_on`\n"
        "FROM `lock_and_track`.`inmates` AS i\n"
        "WHERE i.`custody_status` = 'in_custody';\n",
        (
            ("phl-release-date-no-ice", "ice", "federal_exports.v_lt_release.out_on", "lock_and_track.inmates.release_date"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_lt_release.out_on", "lock_and_track.inmates.release_date"),
        ),
    ),
    # -- oracle -----------------------------------------------------------------------------
    DialectCase(
        "oracle",
        "test_pass_nvl_and_concat",
        "CREATE OR REPLACE VIEW federal_exports.v_lt AS\n"
        "SELECT i.inmate_name || ' (' || i.race || ')' AS label,\n"
        "       NVL(i.self_reported_country, 'UNKNOWN') AS country\n"
        "FROM lock_and_track.inmates i\n"
        "WHERE i.custody_status = 'in_custody'\n"
        "FETCH FIRST 100 ROWS ONLY;\n",
    ),
    DialectCase(
        "oracle",
        "test_fail_nvl_address",
        "CREATE OR REPLACE VIEW federal_exports.v_addr AS\n"
        "SELECT i.inmate_name,\n"
        "       NVL(i.home_address, 'UNKNOWN') || ', PHILADELPHIA' AS addr,\n"
        "       DECODE(i.facility, 'CFCF', 1, 0) AS at_cfcf\n"
        "FROM lock_and_track.inmates i;\n",
        (
            ("phl-protected-classes-no-federal", "ice", "federal_exports.v_addr.addr", "lock_and_track.inmates.home_address"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_addr.at_cfcf", "lock_and_track.inmates.facility"),
        ),
    ),
    # -- duckdb -----------------------------------------------------------------------------
    DialectCase(
        "duckdb",
        "test_pass_qualify_on_allowed_key",
        "CREATE VIEW federal_exports.v_lt AS\n"
        "SELECT i.inmate_name, i.race, i.self_reported_country\n"
        "FROM lock_and_track.inmates i\n"
        "WHERE i.custody_status = 'in_custody'\n"
        "QUALIFY row_number() OVER (PARTITION BY i.inmate_id ORDER BY i.inmate_id) = 1;\n",
    ),
    DialectCase(
        "duckdb",
        "test_fail_qualify_latest_admission",
        "CREATE VIEW federal_exports.v_latest AS\n"
        "SELECT i.inmate_name, i.date_of_birth\n"
        "FROM lock_and_track.inmates i\n"
        "QUALIFY row_number() OVER (PARTITION BY i.pid ORDER BY i.admission_date DESC) = 1;\n",
        (
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_latest.date_of_birth", "lock_and_track.inmates.date_of_birth"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_latest <QUALIFY>", "lock_and_track.inmates.pid"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_latest <QUALIFY>", "lock_and_track.inmates.admission_date"),
        ),
    ),
    # -- snowflake --------------------------------------------------------------------------
    DialectCase(
        "snowflake",
        "test_pass_upper_case_and_qualify",
        "CREATE OR REPLACE SECURE VIEW FEDERAL_EXPORTS.V_LT AS\n"
        "SELECT I.INMATE_NAME, I.RACE, I.SELF_REPORTED_COUNTRY\n"
        "FROM LOCK_AND_TRACK.INMATES I\n"
        "WHERE I.CUSTODY_STATUS = 'in_custody'\n"
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY I.INMATE_ID ORDER BY I.INMATE_ID) = 1;\n",
    ),
    DialectCase(
        "snowflake",
        "test_fail_lateral_flatten_address",
        "CREATE OR REPLACE VIEW FEDERAL_EXPORTS.V_FLAT AS\n"
        "SELECT I.INMATE_NAME, F.VALUE AS ADDR_PART\n"
        "FROM LOCK_AND_TRACK.INMATES I,\n"
        "     LATERAL FLATTEN(INPUT => SPLIT(I.HOME_ADDRESS, ',')) F;\n",
        (("phl-protected-classes-no-federal", "ice", "federal_exports.v_flat.addr_part", "lock_and_track.inmates.home_address"),),
    ),
    DialectCase(
        "snowflake",
        "test_fail_qualify_a_number",
        "CREATE OR REPLACE VIEW FEDERAL_EXPORTS.V_LATEST AS\n"
        "SELECT I.INMATE_NAME, I.A_NUMBER\n"
        "FROM LOCK_AND_TRACK.INMATES I\n"
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY I.PID ORDER BY I.ADMISSION_DATE DESC) = 1;\n",
        (
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_latest.a_number", "lock_and_track.inmates.a_number"),
            ("phl-immigration-status-review", "ice", "federal_exports.v_latest.a_number", "lock_and_track.inmates.a_number"),
            ("phl-lock-and-track-allowlist", "ice", "federal_exports.v_latest <QUALIFY>", "lock_and_track.inmates.pid"),
        ),
    ),
    # -- bigquery ---------------------------------------------------------------------------
    DialectCase(
        "bigquery",
        "test_pass_backticked_path",
        "CREATE VIEW `federal_exports.v_lt` AS\n"
        "SELECT i.inmate_name, i.race, IFNULL(i.self_reported_country, 'unknown') AS country\n"
        "FROM `lock_and_track.inmates` AS i\n"
        "WHERE i.custody_status = 'in_custody';\n",
    ),
    DialectCase(
        "bigquery",
        "test_fail_unnest_address",
        "CREATE VIEW `federal_exports.v_addr_parts` AS\n"
        "SELECT i.inmate_name, part\n"
        "FROM `lock_and_track.inmates` AS i, UNNEST(SPLIT(i.home_address, ',')) AS part;\n",
        (("phl-protected-classes-no-federal", "ice", "federal_exports.v_addr_parts.part", "lock_and_track.inmates.home_address"),),
    ),
    # -- spark ------------------------------------------------------------------------------
    DialectCase(
        "spark",
        "test_pass_backticks",
        "CREATE VIEW `federal_exports`.`v_lt` AS\n"
        "SELECT i.`inmate_name`, i.`race`, nvl(i.`self_reported_country`, 'unknown') AS country\n"
        "FROM `lock_and_track`.`inmates` i\n"
        "WHERE i.`custody_status` = 'in_custody';\n",
    ),
    DialectCase(
        "spark",
        "test_fail_lateral_view_explode",
        "CREATE VIEW federal_exports.v_addr AS\n"
        "SELECT i.inmate_name, part\n"
        "FROM lock_and_track.inmates i\n"
        "LATERAL VIEW explode(split(i.home_address, ',')) t AS part;\n",
        (("phl-protected-classes-no-federal", "ice", "federal_exports.v_addr.part", "lock_and_track.inmates.home_address"),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.dialect}-{c.name}" for c in CASES])
def test_dialect_case(case: DialectCase, tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"case.sql": case.sql}, dialect=case.dialect)
    assert result.errors == [], [(e.code, e.message) for e in result.errors]
    assert result.files[0].dialect == case.dialect
    found = finding_keys(result)
    if case.name.startswith("test_pass"):
        assert found == set()
        assert result.exit_code == 0
    else:
        assert case.name.startswith("test_fail")
        missing = set(case.expect) - found
        assert not missing, f"missing {missing}; got {sorted(found)}"
        assert result.exit_code == 1


def test_every_dialect_has_pass_and_fail() -> None:
    for dialect in ("postgres", "tsql", "mysql", "oracle", "duckdb", "snowflake", "bigquery", "spark"):
        names = [c.name for c in CASES if c.dialect == dialect]
        assert any(n.startswith("test_pass") for n in names), dialect
        assert any(n.startswith("test_fail") for n in names), dialect


def test_dialect_directive_overrides_the_default(tmp_path: Path) -> None:
    sql = "-- sharing-audit: dialect=tsql\nCREATE VIEW [federal_exports].[v] AS SELECT i.[ssn] FROM [lt_prod].[dbo].[inmates] i;\n"
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="postgres")
    assert result.errors == []
    assert result.files[0].dialect == "tsql"
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.v.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


# -- T-SQL scripts ----------------------------------------------------------------------------


def test_tsql_statement_after_go_is_analysed(tmp_path: Path) -> None:
    sql = (
        "SET NOCOUNT ON;\nGO\n"
        "CREATE VIEW [federal_exports].[v_ssn] AS SELECT p.[ssn] FROM [pars_prod].[dbo].[persons] AS p;\nGO\n"
    )
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="tsql")
    assert ("phl-pars-no-ice", "ice", "federal_exports.v_ssn.ssn", "pars.persons.ssn") in finding_keys(result)


def test_tsql_grant_after_go(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v_addr AS SELECT i.[home_address] FROM [lt_prod].[dbo].[inmates] AS i;\nGO\n"
        "GRANT SELECT ON staging.v_addr TO usms_reader;\nGO\n"
    )
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="tsql")
    assert ("phl-protected-classes-no-federal", "usms", "staging.v_addr.home_address", "lock_and_track.inmates.home_address") in finding_keys(result)


def test_tsql_national_string_filter_is_provable(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v_people AS\n"
        "SELECT p.[person_id], p.[race] FROM [pars_prod].[dbo].[persons] AS p WHERE p.[person_role] = N'arrestee';\n"
        "GRANT SELECT ON staging.v_people TO usms_reader;\n"
    )
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="tsql")
    assert result.errors == []
    assert finding_keys(result, "row_restriction") == set()


def test_tsql_plain_string_filter_is_provable(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v_people AS\n"
        "SELECT p.[person_id], p.[race] FROM [pars_prod].[dbo].[persons] AS p WHERE p.[person_role] = 'arrestee';\n"
        "GRANT SELECT ON staging.v_people TO usms_reader;\n"
    )
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="tsql")
    assert result.errors == [] and finding_keys(result) == set()
    (rs,) = result.graph.objects["staging.v_people"].row_sources
    assert rs.filters == frozenset({("person_role", frozenset({"arrestee"}))})


def test_tsql_use_sets_the_schema_of_unqualified_names(tmp_path: Path) -> None:
    sql = "USE pars;\nCREATE VIEW federal_exports.v AS SELECT p.ssn FROM persons p WHERE p.person_role = 'arrestee';\n"
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="tsql")
    assert result.errors == []
    assert ("phl-pars-no-ice", "ice", "federal_exports.v.ssn", "pars.persons.ssn") in finding_keys(result)


def test_oracle_rownum_pseudo_column(tmp_path: Path) -> None:
    sql = "CREATE VIEW federal_exports.v_lt AS\nSELECT i.inmate_name FROM lock_and_track.inmates i WHERE ROWNUM <= 100;\n"
    result = run_sql(tmp_path, {"case.sql": sql}, dialect="oracle")
    assert result.errors == [], [(e.code, e.message) for e in result.errors]
    assert finding_keys(result) == set()


# -- names ------------------------------------------------------------------------------------

SSN_TO_ICE = ("phl-protected-classes-no-federal", "ice")


@pytest.mark.parametrize(
    ("dialect", "sql", "target"),
    [
        pytest.param(
            "postgres",
            'CREATE VIEW "federal_exports"."V_Hint" AS SELECT "P"."SSN" AS "Hint" FROM "PARS"."Persons" AS "P";',
            "federal_exports.v_hint.hint",
            id="quoted-mixed-case",
        ),
        pytest.param(
            "postgres",
            "CREATE VIEW FEDERAL_EXPORTS.V_HINT AS SELECT P.SSN AS HINT FROM PARS.PERSONS P;",
            "federal_exports.v_hint.hint",
            id="unquoted-upper-case",
        ),
        pytest.param(
            "snowflake",
            'CREATE VIEW "FEDERAL_EXPORTS"."V_HINT" AS SELECT "P"."SSN" AS "HINT" FROM "PARS"."PERSONS" AS "P";',
            "federal_exports.v_hint.hint",
            id="snowflake-quoted-upper",
        ),
        pytest.param(
            "postgres",
            "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM pars_prod.pars.persons p;",
            "federal_exports.v.ssn",
            id="declared-catalog-prefix",
        ),
        pytest.param(
            "postgres",
            "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM warehouse.pars.persons p;",
            "federal_exports.v.ssn",
            id="any-catalog-prefix",
        ),
        pytest.param(
            "tsql",
            "CREATE VIEW federal_exports.v AS SELECT p.[SSN] FROM [PARS_PROD].[DBO].[PERSONS] p;",
            "federal_exports.v.ssn",
            id="tsql-database-dbo",
        ),
        pytest.param(
            "postgres",
            "SET search_path TO pars, public;\nCREATE VIEW federal_exports.v AS SELECT p.ssn FROM persons p;",
            "federal_exports.v.ssn",
            id="search-path-two-schemas",
        ),
        pytest.param(
            "postgres",
            "-- sharing-audit: search-path=pars\nCREATE VIEW federal_exports.v AS SELECT p.ssn FROM persons p;",
            "federal_exports.v.ssn",
            id="search-path-directive",
        ),
        pytest.param(
            "postgres",
            "SET search_path = pars;\nCREATE VIEW federal_exports.v AS SELECT p.ssn FROM persons p;",
            "federal_exports.v.ssn",
            id="search-path-one-schema",
        ),
    ],
)
def test_names_resolve_to_the_catalog(tmp_path: Path, dialect: str, sql: str, target: str) -> None:
    result = run_sql(tmp_path, {"case.sql": sql}, dialect=dialect)
    assert result.errors == [], [(e.code, e.message) for e in result.errors]
    assert (*SSN_TO_ICE, target, "pars.persons.ssn") in finding_keys(result)


def test_quoted_column_position_is_its_start(tmp_path: Path) -> None:
    sql = 'CREATE VIEW "federal_exports"."v" AS SELECT "P"."SSN" FROM "PARS"."Persons" AS "P";'
    result = run_sql(tmp_path, {"case.sql": sql})
    (f,) = [f for f in result.findings if f.rule_id == "phl-protected-classes-no-federal"]
    assert (f.location.line, f.location.column) == (1, sql.index('"P"."SSN"') + 1)


@pytest.mark.parametrize(
    "statement",
    [
        "SET search_path = federal_exports;",
        "SET search_path TO federal_exports;",
        "SET search_path TO 'federal_exports';",
        "SET search_path TO federal_exports, public;",
        "SET SCHEMA 'federal_exports';",
    ],
)
def test_search_path_decides_where_an_unqualified_view_is_created(tmp_path: Path, statement: str) -> None:
    sql = f"{statement}\nCREATE VIEW v_lt AS SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;\n"
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.errors == []
    assert list(result.graph.objects) == ["federal_exports.v_lt"]
    assert (*SSN_TO_ICE, "federal_exports.v_lt.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_unqualified_view_without_search_path_goes_to_the_default_schema(tmp_path: Path) -> None:
    sql = "CREATE VIEW v_lt AS SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON v_lt TO usms_reader;\n"
    result = run_sql(tmp_path, {"case.sql": sql})
    assert list(result.graph.objects) == ["public.v_lt"]
    assert ("phl-protected-classes-no-federal", "usms", "public.v_lt.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_unqualified_table_without_search_path_fails_closed(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"case.sql": "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM persons p;"})
    assert [e.code for e in result.errors] == ["analysis.unresolved_table"]
    assert result.exit_code == 2


def test_view_name_case_differs_between_files_in_a_case_insensitive_dialect(tmp_path: Path) -> None:
    files = {
        "a.sql": 'CREATE VIEW [Staging].[V_Names] AS SELECT p.full_name AS nm FROM pars.persons p;',
        "b.sql": "CREATE VIEW federal_exports.v_out AS SELECT s.NM FROM STAGING.V_NAMES s;",
    }
    result = run_sql(tmp_path, files, dialect="tsql")
    assert result.errors == []
    assert ("phl-pars-no-ice", "ice", "federal_exports.v_out.nm", "pars.persons.full_name") in finding_keys(result)
    origins = result.graph.objects["federal_exports.v_out"].column("nm")
    assert origins is not None
    assert {o.path for o in origins} == {("staging.v_names.nm",)}


def test_quoted_view_name_is_another_object_where_quotes_keep_case(tmp_path: Path) -> None:
    # PostgreSQL folds STAGING.V_NAMES to staging.v_names, which is not "Staging"."V_Names".
    files = {
        "a.sql": 'CREATE VIEW "Staging"."V_Names" AS SELECT p.full_name AS nm FROM pars.persons p;',
        "b.sql": "CREATE VIEW federal_exports.v_out AS SELECT s.NM FROM STAGING.V_NAMES s;",
    }
    result = run_sql(tmp_path, files)
    assert [(e.code, e.path) for e in result.errors] == [("analysis.case_conflict", "b.sql")]
    assert result.exit_code == 2
