"""SQL written to slip protected data past the gate, each case with the finding it must produce.

Every case delivers to ICE through the ``federal_exports`` schema (or a grant) and is read the
way counsel would: the SSN, home address, release date or immigration status leaves, whatever
the SQL does to it on the way. A case whose SQL cannot be analysed must fail closed (exit 2)
instead; those are listed separately, with the error code that says why.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from helpers import DEMO_POLICIES, finding_keys, run_sql

INMATES = "lock_and_track.inmates i"
SSN = ("phl-protected-classes-no-federal", "lock_and_track.inmates.ssn")
ADDRESS = ("phl-protected-classes-no-federal", "lock_and_track.inmates.home_address")


@dataclass(frozen=True)
class Evasion:
    title: str
    sql: str
    column: str
    """The delivered column (``object.column``) or clause (``object <WHERE>``) the finding is on."""
    leak: tuple[str, str] = SSN
    """``(rule, source column)`` of the expected finding."""
    dialect: str = "postgres"


def view(body: str, name: str = "e") -> str:
    return f"CREATE VIEW federal_exports.{name} AS {body};"


EVASIONS = [
    # A harmless name does not make the column harmless.
    Evasion("alias that looks harmless", view(f"SELECT i.ssn AS case_ref FROM {INMATES}"), "e.case_ref"),
    Evasion("alias in a derived table", view(f"SELECT d.ref FROM (SELECT i.ssn AS ref FROM {INMATES}) d"), "e.ref"),
    # Expressions that rebuild the field.
    Evasion(
        "SUBSTRING pieces concatenated",
        view(f"SELECT SUBSTRING(i.ssn, 1, 3) || '-' || SUBSTRING(i.ssn FROM 5 FOR 2) || '-' || RIGHT(i.ssn, 4) AS ref FROM {INMATES}"),
        "e.ref",
    ),
    Evasion("last four only", view(f"SELECT RIGHT(i.ssn, 4) AS last4 FROM {INMATES}"), "e.last4"),
    Evasion("LPAD of a cast", view(f"SELECT LPAD(CAST(i.ssn AS TEXT), 11, '0') AS ref FROM {INMATES}"), "e.ref"),
    Evasion(
        "arithmetic on a numeric SSN",
        view(f"SELECT CAST(REPLACE(i.ssn, '-', '') AS BIGINT) * 7 + 3 AS ref FROM {INMATES}"),
        "e.ref",
    ),
    Evasion("REVERSE(REVERSE(x))", view(f"SELECT REVERSE(REVERSE(i.ssn)) AS ref FROM {INMATES}"), "e.ref"),
    Evasion("hash of the value", view(f"SELECT MD5(i.ssn) AS token FROM {INMATES}"), "e.token"),
    Evasion(
        "T-SQL string pieces",
        "CREATE VIEW federal_exports.e AS SELECT LEFT(i.ssn, 3) + STUFF(RIGHT(i.ssn, 7), 1, 0, '') AS ref FROM lock_and_track.inmates i;",
        "e.ref",
        dialect="tsql",
    ),
    # Packing into containers and string aggregation.
    Evasion("JSON object", view(f"SELECT json_build_object('k', i.ssn) AS doc FROM {INMATES}"), "e.doc"),
    Evasion("JSON aggregate", view(f"SELECT i.facility, jsonb_agg(i.ssn) AS doc FROM {INMATES} GROUP BY i.facility"), "e.doc"),
    Evasion(
        "STRUCT",
        "CREATE VIEW federal_exports.e AS SELECT STRUCT(i.inmate_name AS n, i.ssn AS s) AS doc FROM lock_and_track.inmates i;",
        "e.doc",
        dialect="bigquery",
    ),
    Evasion("ARRAY", view(f"SELECT ARRAY[i.inmate_name, i.ssn] AS doc FROM {INMATES}"), "e.doc"),
    Evasion(
        "XML element",
        view(f"SELECT xmlelement(name person, xmlattributes(i.inmate_name AS n), i.home_address) AS doc FROM {INMATES}"),
        "e.doc",
        leak=ADDRESS,
    ),
    Evasion("XML forest", view(f"SELECT xmlforest(i.inmate_name, i.home_address) AS doc FROM {INMATES}"), "e.doc", leak=ADDRESS),
    Evasion("string_agg", view(f"SELECT i.facility, string_agg(i.ssn, ',') AS doc FROM {INMATES} GROUP BY i.facility"), "e.doc"),
    Evasion(
        "GROUP_CONCAT",
        "CREATE VIEW federal_exports.e AS SELECT i.facility, GROUP_CONCAT(i.ssn SEPARATOR ',') AS doc "
        "FROM lock_and_track.inmates i GROUP BY i.facility;",
        "e.doc",
        dialect="mysql",
    ),
    Evasion(
        "LISTAGG",
        "CREATE VIEW federal_exports.e AS SELECT i.facility, LISTAGG(i.ssn, ',') AS doc FROM lock_and_track.inmates i GROUP BY i.facility;",
        "e.doc",
        dialect="snowflake",
    ),
    # Set operations: one leaking branch is enough.
    Evasion(
        "UNION where only the last branch leaks",
        view(f"SELECT i.inmate_name AS v FROM {INMATES} UNION SELECT i.race FROM {INMATES} UNION ALL SELECT i.home_address FROM {INMATES}"),
        "e.v",
        leak=ADDRESS,
    ),
    # Indicators computed from the field.
    Evasion(
        "CASE WHEN indicator of a release date",
        view(f"SELECT i.inmate_name, CASE WHEN i.release_date < CURRENT_DATE + 7 THEN 1 ELSE 0 END AS releasing_soon FROM {INMATES}"),
        "e.releasing_soon",
        leak=("phl-release-date-no-ice", "lock_and_track.inmates.release_date"),
    ),
    Evasion(
        "CASE WHEN indicator of an SSN pattern",
        view(f"SELECT i.inmate_name, CASE WHEN i.ssn LIKE '9%' THEN 'Y' END AS flag FROM {INMATES}"),
        "e.flag",
    ),
    Evasion("IS NULL indicator", view(f"SELECT i.inmate_name, (i.ssn IS NOT NULL) AS has_ssn FROM {INMATES}"), "e.has_ssn"),
    # Subqueries.
    Evasion(
        "scalar subquery",
        view(f"SELECT i.inmate_name, (SELECT MAX(x.home_address) FROM lock_and_track.inmates x) AS v FROM {INMATES}"),
        "e.v",
        leak=ADDRESS,
    ),
    Evasion(
        "correlated subquery",
        view(f"SELECT i.inmate_name, (SELECT x.ssn FROM lock_and_track.inmates x WHERE x.inmate_id = i.inmate_id) AS v FROM {INMATES}"),
        "e.v",
    ),
    Evasion(
        "correlated EXISTS choosing the rows",
        view(
            f"SELECT i.inmate_name FROM {INMATES} WHERE EXISTS (SELECT 1 FROM lock_and_track.detainers d "
            "WHERE d.inmate_id = i.inmate_id AND d.detainer_type = 'ICE')"
        ),
        "e <WHERE>",
        leak=("phl-no-birth-country-targeting", "lock_and_track.detainers.detainer_type"),
    ),
    # Lateral joins and table functions.
    Evasion("LATERAL subquery", view(f"SELECT i.inmate_name, l.s FROM {INMATES} CROSS JOIN LATERAL (SELECT i.ssn AS s) l"), "e.s"),
    Evasion(
        "table function over a packed value",
        view(f"SELECT i.inmate_name, kv.value AS v FROM {INMATES} CROSS JOIN LATERAL json_each_text(json_build_object('a', i.home_address)) kv"),
        "e.v",
        leak=ADDRESS,
    ),
    Evasion("UNNEST of an array", view(f"SELECT i.inmate_name, u.v FROM {INMATES} CROSS JOIN unnest(ARRAY[i.ssn, i.race]) AS u(v)"), "e.v"),
    Evasion(
        "T-SQL CROSS APPLY",
        "CREATE VIEW federal_exports.e AS SELECT i.inmate_name, a.s FROM lock_and_track.inmates i "
        "CROSS APPLY (SELECT i.ssn AS s) a;",
        "e.s",
        dialect="tsql",
    ),
    # Windows.
    Evasion("window PARTITION BY the SSN", view(f"SELECT i.inmate_name, COUNT(*) OVER (PARTITION BY i.ssn) AS n FROM {INMATES}"), "e.n"),
    Evasion(
        "window PARTITION BY immigration status",
        view(f"SELECT i.inmate_name, ROW_NUMBER() OVER (PARTITION BY i.immigration_status ORDER BY i.inmate_id) AS n FROM {INMATES}"),
        "e.n",
        leak=("phl-immigration-status-review", "lock_and_track.inmates.immigration_status"),
    ),
    # Recursive CTEs move values between columns across iterations.
    Evasion(
        "recursive CTE",
        "CREATE VIEW federal_exports.e AS WITH RECURSIVE r AS ("
        "SELECT 1 AS n, i.inmate_name AS a, i.inmate_name AS b FROM lock_and_track.inmates i "
        "UNION ALL SELECT r.n + 1, r.b, i.ssn FROM r JOIN lock_and_track.inmates i ON i.inmate_id = r.n WHERE r.n < 3"
        ") SELECT r.a FROM r;",
        "e.a",
    ),
    # A view that shadows a catalog table's name: its definition, not the catalog, says what it holds.
    Evasion(
        "view shadowing a catalog table",
        "CREATE VIEW courts.cases AS SELECT p.ssn AS docket_number FROM pars.persons p;\n"
        + view("SELECT c.docket_number FROM courts.cases c"),
        "e.docket_number",
        leak=("phl-protected-classes-no-federal", "pars.persons.ssn"),
    ),
    Evasion(
        "view shadowing a catalog table through search_path",
        "CREATE VIEW public.cases AS SELECT p.ssn AS docket_number FROM pars.persons p;\n"
        "SET search_path TO public, courts;\n" + view("SELECT c.docket_number FROM cases c"),
        "e.docket_number",
        leak=("phl-protected-classes-no-federal", "pars.persons.ssn"),
    ),
    # Delivery by grant rather than by schema.
    Evasion(
        "grant to a role that ICE's role is a member of",
        "CREATE VIEW staging.x AS SELECT i.ssn AS ref FROM lock_and_track.inmates i;\n"
        "GRANT SELECT ON staging.x TO helper;\nGRANT helper TO ice_reader;",
        "staging.x.ref",
    ),
]


@pytest.mark.parametrize("case", EVASIONS, ids=[c.title for c in EVASIONS])
def test_evasion_is_found(tmp_path: Path, case: Evasion) -> None:
    result = run_sql(tmp_path, {"case.sql": case.sql}, dialect=case.dialect)
    assert result.errors == []
    rule, source = case.leak
    target = case.column if case.column.startswith("staging.") else f"federal_exports.{case.column}"
    assert (rule, "ice", target, source) in finding_keys(result)
    assert result.exit_code == 1


@dataclass(frozen=True)
class Refusal:
    title: str
    sql: str
    code: str
    dialect: str = "postgres"


REFUSALS = [
    # Quoted names that differ only in case are different objects where quotes keep case.
    Refusal(
        "two views differing only in quoted case",
        'CREATE VIEW staging."Feed" AS SELECT i.ssn AS ref FROM lock_and_track.inmates i;\n'
        "CREATE VIEW staging.feed AS SELECT i.race AS ref FROM lock_and_track.inmates i;\n"
        + view('SELECT f.ref FROM staging."Feed" f'),
        "analysis.case_conflict",
    ),
    Refusal(
        "a reference differing only in quoted case from the view it reads",
        "CREATE VIEW staging.feed AS SELECT i.race AS ref FROM lock_and_track.inmates i;\n" + view('SELECT f.ref FROM staging."FEED" f'),
        "analysis.case_conflict",
    ),
    Refusal(
        "Snowflake: a quoted lower-case name is not the unquoted one",
        "CREATE VIEW staging.feed AS SELECT i.race AS ref FROM lock_and_track.inmates i;\n"
        "CREATE VIEW federal_exports.e AS SELECT f.ref FROM staging.\"feed\" f;",
        "analysis.case_conflict",
        dialect="snowflake",
    ),
    # Unicode homoglyphs: a name that imitates another is refused wherever it appears.
    Refusal("homoglyph column", view("SELECT i.\u0455sn FROM lock_and_track.inmates i"), "analysis.confusable_identifier"),
    Refusal(
        "homoglyph role in a grant",
        "CREATE VIEW staging.x AS SELECT i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.x TO ice_re\u0430der;",
        "analysis.confusable_identifier",
    ),
    Refusal(
        "homoglyph schema",
        "CREATE VIEW f\u0435deral_exports.x AS SELECT i.ssn FROM lock_and_track.inmates i;",
        "analysis.confusable_identifier",
    ),
    Refusal(
        "homoglyph in a quoted view name",
        'CREATE VIEW staging."f\u0435ed" AS SELECT i.ssn FROM lock_and_track.inmates i;',
        "analysis.confusable_identifier",
    ),
    Refusal("full-width letters", view("SELECT i.\uff53\uff53\uff4e FROM lock_and_track.inmates i"), "analysis.confusable_identifier"),
    Refusal(
        "whole-script Cyrillic imitation",
        view("SELECT i.inmate_name AS \u0455\u0441\u043e\u0440\u0435 FROM lock_and_track.inmates i"),
        "analysis.confusable_identifier",
    ),
    # A table gaining a column the catalog does not know: `SELECT *` would hand it over unseen.
    Refusal(
        "ALTER TABLE ADD COLUMN on a catalog table under SELECT *",
        "ALTER TABLE lock_and_track.movements ADD COLUMN home_address TEXT;\n" + view("SELECT * FROM lock_and_track.movements m"),
        "analysis.unclassified_column",
    ),
]




def test_names_in_other_scripts_are_ordinary_identifiers(tmp_path: Path) -> None:
    # Accented Latin and wholly non-Latin aliases are not imitations and analyse normally.
    sql = view("SELECT i.inmate_name AS d\u00e9tenu, i.race AS \u0438\u043c\u044f FROM lock_and_track.inmates i")
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.errors == [] and result.exit_code == 0


def test_comments_and_string_literals_naming_protected_columns_are_not_findings(tmp_path: Path) -> None:
    sql = (
        "-- i.ssn and i.home_address stay out of this view\n"
        "CREATE VIEW federal_exports.e AS SELECT i.inmate_name /* , i.ssn */, 'ssn' AS note,\n"
        "  'i.home_address' AS n2, i.race FROM lock_and_track.inmates i WHERE i.race <> 'country_of_birth';"
    )
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.errors == []
    assert result.findings == []
    assert result.exit_code == 0


def test_select_star_reports_a_protected_column_once_the_catalog_gains_it(tmp_path: Path) -> None:
    sql = {"case.sql": view("SELECT * FROM lock_and_track.movements m")}
    before = run_sql(tmp_path / "before", sql)
    assert before.errors == []
    assert not any(f.rule_id == "phl-protected-classes-no-federal" for f in before.findings)

    # The source system adds a destination address; the catalog records it.
    policies = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, policies)
    catalog = policies / "catalog" / "lock_and_track.yaml"
    doc = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    tables = doc["systems"][0]["tables"]
    movements = next(t for t in tables if t["name"] == "movements")
    movements["columns"].append({"name": "destination_address", "class": "home_address"})
    catalog.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    after = run_sql(tmp_path / "after", sql, policies=policies)
    assert after.errors == []
    assert (
        "phl-protected-classes-no-federal",
        "ice",
        "federal_exports.e.destination_address",
        "lock_and_track.movements.destination_address",
    ) in finding_keys(after)


def test_a_column_added_by_ddl_but_never_read_is_no_error(tmp_path: Path) -> None:
    # Precision: only objects that read the unclassified column are refused.
    sql = (
        "CREATE TABLE lock_and_track.movements (movement_id int, inmate_id int, movement_type text,"
        " movement_date date, facility text, created_at timestamp);\n"
        "ALTER TABLE lock_and_track.movements ADD COLUMN home_address TEXT;\n"
        + view("SELECT m.movement_id, m.facility FROM lock_and_track.movements m")
    )
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.errors == []


def test_every_object_reading_an_added_column_is_refused(tmp_path: Path) -> None:
    sql = (
        "ALTER TABLE lock_and_track.movements ADD COLUMN home_address TEXT;\n"
        "CREATE VIEW staging.s AS SELECT m.movement_id FROM lock_and_track.movements m WHERE m.home_address LIKE '%Broad%';\n"
        + view("SELECT s.movement_id FROM staging.s s")
    )
    result = run_sql(tmp_path, {"case.sql": sql})
    assert [(e.code, e.object) for e in result.errors] == [
        ("analysis.unclassified_column", "staging.s"),
        ("analysis.upstream_error", "federal_exports.e"),
    ]


MORE_REFUSALS = [
    Refusal(
        "schema parts differing only in quoted case",
        'CREATE VIEW "Federal_exports".feed AS SELECT i.ssn AS ref FROM lock_and_track.inmates i;\n'
        "CREATE VIEW federal_exports.feed AS SELECT i.race AS ref FROM lock_and_track.inmates i;",
        "analysis.case_conflict",
    ),
    Refusal(
        "a zero-width space in a role name",
        'CREATE VIEW staging.x AS SELECT i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.x TO "ice_reader\u200b";',
        "analysis.confusable_identifier",
    ),
    Refusal(
        "a soft hyphen in a schema name",
        'CREATE VIEW "federal\u00ad_exports".x AS SELECT i.ssn FROM lock_and_track.inmates i;',
        "analysis.confusable_identifier",
    ),
    Refusal(
        "MySQL account name with a homoglyph",
        "CREATE VIEW staging.x AS SELECT i.ssn FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.x TO 'ice_re\u0430der'@'%';",
        "analysis.confusable_identifier",
        dialect="mysql",
    ),
    Refusal(
        "ALTER TABLE ... ADD on a table nothing defines",
        "ALTER TABLE staging.ext ADD COLUMN note TEXT;\n" + view("SELECT * FROM staging.ext"),
        "analysis.unresolved_table",
    ),
    Refusal(
        "Oracle ALTER TABLE ... ADD (a, b) under SELECT *",
        "ALTER TABLE lock_and_track.movements ADD (home_address VARCHAR2(200), note VARCHAR2(10));\n"
        "CREATE VIEW federal_exports.e AS SELECT * FROM lock_and_track.movements m;",
        "analysis.unclassified_column",
        dialect="oracle",
    ),
    Refusal(
        "Spark ALTER TABLE ... ADD COLUMNS under SELECT *",
        "ALTER TABLE lock_and_track.movements ADD COLUMNS (home_address STRING);\n"
        "CREATE VIEW federal_exports.e AS SELECT * FROM lock_and_track.movements m;",
        "analysis.unclassified_column",
        dialect="spark",
    ),
    Refusal(
        "MySQL ALTER TABLE ... ADD (a, b), read as raw text",
        "ALTER TABLE lock_and_track.movements ADD (home_address TEXT, note TEXT);",
        "analysis.unsupported_statement",
        dialect="mysql",
    ),
]



@pytest.mark.parametrize("case", REFUSALS + MORE_REFUSALS, ids=[c.title for c in REFUSALS + MORE_REFUSALS])
def test_unanalysable_evasion_fails_closed(tmp_path: Path, case: Refusal) -> None:
    result = run_sql(tmp_path, {"case.sql": case.sql}, dialect=case.dialect)
    assert case.code in {e.code for e in result.errors}
    assert result.exit_code == 2


@pytest.mark.parametrize("dialect", ["tsql", "mysql"])
def test_alter_view_as_redefines_the_view(tmp_path: Path, dialect: str) -> None:
    sql = (
        "CREATE VIEW federal_exports.e AS SELECT i.inmate_name AS n FROM lock_and_track.inmates i;\n"
        "ALTER VIEW federal_exports.e AS SELECT i.ssn AS n FROM lock_and_track.inmates i;"
    )
    result = run_sql(tmp_path, {"case.sql": sql}, dialect=dialect)
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.e.n", "lock_and_track.inmates.ssn") in finding_keys(result)


@pytest.mark.parametrize(
    "name",
    ["user_\u540d\u524d", "\u9867\u5ba2_id", "\u0438\u043c\u044f_id", "\u0430\u0434\u0440\u0435\u0441", "\uff29\uff24_\u540d\u524d"],
)
def test_names_mixing_latin_with_non_confusable_scripts_pass(tmp_path: Path, name: str) -> None:
    result = run_sql(tmp_path, {"case.sql": view(f'SELECT i.race AS "{name}" FROM lock_and_track.inmates i')})
    assert result.errors == [] and result.exit_code == 0


def test_ddl_quirks_that_are_not_columns_or_full_lists(tmp_path: Path) -> None:
    files = {
        # T-SQL inline INDEX clause is not a column of a catalog table.
        "a.sql": "CREATE TABLE lock_and_track.movements (movement_id int, inmate_id int, movement_type varchar(9),"
        " movement_date date, facility varchar(9), INDEX ix NONCLUSTERED (inmate_id));\n"
        "CREATE VIEW staging.m AS SELECT * FROM lock_and_track.movements;",
        # A table from a query, then an added column and an INSERT without a column list.
        "b.sql": "CREATE TABLE staging.t AS SELECT c.docket_number FROM courts.cases c;\n"
        "ALTER TABLE staging.t ADD note varchar(9);\nINSERT INTO staging.t SELECT c.docket_number, 'x' FROM courts.cases c;",
    }
    result = run_sql(tmp_path, files, dialect="tsql")
    assert result.errors == []


GRANT_FORMS = [
    ("postgres", "GRANT SELECT ON staging.x TO usms_reader GRANTED BY postgres;"),
    ("postgres", "GRANT SELECT ON ALL TABLES IN SCHEMA staging TO usms_reader GRANTED BY CURRENT_USER;"),
    ("tsql", "GRANT SELECT ON staging.x TO usms_reader AS dbo;"),
    ("tsql", "GRANT CONTROL ON staging.x TO usms_reader;"),
    ("tsql", "GRANT CONTROL ON SCHEMA::staging TO usms_reader;"),
    ("tsql", "GRANT CONTROL TO usms_reader;"),
    ("oracle", "GRANT READ ANY TABLE TO usms_reader;"),
    ("snowflake", "GRANT OWNERSHIP ON VIEW staging.x TO ROLE usms_reader;"),
]


@pytest.mark.parametrize(("dialect", "grant"), GRANT_FORMS)
def test_grant_forms_that_deliver(tmp_path: Path, dialect: str, grant: str) -> None:
    sql = "CREATE VIEW staging.x AS SELECT i.ssn AS ref FROM lock_and_track.inmates i;\n" + grant
    result = run_sql(tmp_path, {"case.sql": sql}, dialect=dialect)
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "usms", "staging.x.ref", "lock_and_track.inmates.ssn") in finding_keys(result)


UNMODELLED = [
    ("snowflake", "CREATE TABLE staging.m CLONE pars.persons;"),
    ("postgres", "CREATE TABLE federal_exports.t PARTITION OF pars.persons DEFAULT;"),
    ("postgres", "ALTER TABLE pars.persons ATTACH PARTITION federal_exports.t DEFAULT;"),
    ("postgres", "SELECT set_config('search_path', 'federal_exports', false);"),
    ("duckdb", "CREATE VIEW staging.x AS SELECT i.inmate_name AS a FROM lock_and_track.inmates i UNION ALL BY NAME SELECT i.ssn AS a FROM lock_and_track.inmates i;"),
    ("bigquery", "CREATE VIEW staging.x AS SELECT i.inmate_name AS a FROM lock_and_track.inmates i UNION ALL CORRESPONDING SELECT i.ssn AS a FROM lock_and_track.inmates i;"),
    ("duckdb", "CREATE VIEW federal_exports.e AS SELECT #2 AS n FROM (SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i);"),
    ("postgres", "CREATE TABLE staging.t (id int, a text);\nINSERT INTO staging.t (id, a) SELECT c.person_id, c.case_status FROM courts.cases c ON CONFLICT (id) DO UPDATE SET a = (SELECT max(p.ssn) FROM pars.persons p);"),
    ("postgres", "CREATE TABLE federal_exports.t (id int, a text);\nINSERT INTO federal_exports.t (id, a) VALUES (1, (SELECT max(i.ssn) FROM lock_and_track.inmates i));"),
]


@pytest.mark.parametrize(("dialect", "sql"), UNMODELLED)
def test_data_movement_the_lineage_does_not_model_fails_closed(tmp_path: Path, dialect: str, sql: str) -> None:
    result = run_sql(tmp_path, {"case.sql": sql}, dialect=dialect)
    assert "analysis.unsupported_statement" in {e.code for e in result.errors}
    assert result.exit_code == 2


def test_insert_without_a_column_list_fills_columns_by_position(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE staging.feed AS SELECT i.race AS ref FROM lock_and_track.inmates i;\n"
        "INSERT INTO staging.feed SELECT i.ssn FROM lock_and_track.inmates i;\n"
        + view("SELECT f.ref FROM staging.feed f")
    )
    result = run_sql(tmp_path, {"case.sql": sql})
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.e.ref", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_columns_added_by_one_build_do_not_leak_into_the_shared_catalog(tmp_path: Path) -> None:
    # One Catalog serves several builds (policy tests, live audits): the column an ALTER adds
    # is registered for that build only.
    from sharing_audit.catalog import Catalog, ColumnKey
    from sharing_audit.lineage.graph import SqlInput, build_graph
    from sharing_audit.policy.loader import load_policies

    catalog = Catalog(load_policies(DEMO_POLICIES))
    path = tmp_path / "a.sql"
    path.write_text(
        "ALTER TABLE lock_and_track.movements ADD COLUMN home_address TEXT;\n" + view("SELECT m.home_address FROM lock_and_track.movements m"),
        encoding="utf-8",
    )
    graph = build_graph([SqlInput(path, "a.sql", "postgres")], catalog)
    assert [e.code for status in graph.files for e in status.errors] == ["analysis.unclassified_column"]
    assert catalog.column(ColumnKey("lock_and_track", "movements", "home_address")) is None
