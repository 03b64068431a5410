"""Fail closed: every input the tool cannot analyse is an ``analysis.*`` error for that file.

Each case runs next to a good file (``good.sql``) whose finding must still be reported, so
one broken file never hides the rest of the run, and the run always exits 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import finding_keys, load_sql_fixture_pairs, run_sql
from sharing_audit.engine import EXIT_ERROR, RunResult
from sharing_audit.lineage.parse import MAX_SQL_BYTES

AS_OF = dt.date(2026, 11, 25)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lineage"

GOOD_SQL = "CREATE VIEW federal_exports.v_good AS\nSELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;\n"
GOOD_FINDING = (
    "phl-protected-classes-no-federal",
    "ice",
    "federal_exports.v_good.ssn",
    "lock_and_track.inmates.ssn",
)


def run_files(tmp_path: Path, files: dict[str, str | bytes], dialect: str = "postgres") -> RunResult:
    """Like ``helpers.run_sql``, but a file may be given as raw bytes; ``good.sql`` is added."""
    return run_sql(tmp_path, {"good.sql": GOOD_SQL, **files}, dialect=dialect, as_of=AS_OF)


def errors_of(result: RunResult, path: str) -> list[tuple[str, int | None]]:
    """``(code, line)`` of every error of the file shown as ``path``."""
    (status,) = [f for f in result.files if f.path == path]
    return [(e.code, e.line) for e in status.errors]


def assert_fail_closed(result: RunResult, path: str, code: str, line: int | None) -> None:
    """``path`` failed with ``code`` (at ``line``, if given), the run exits 2, good.sql was analysed."""
    (status,) = [f for f in result.files if f.path == path]
    assert status.status == "error"
    assert {e.code for e in status.errors} == {code}, [(e.code, e.message) for e in status.errors]
    if line is not None:
        assert [e.line for e in status.errors if e.code == code][0] == line
    assert any(e.code == code for e in result.errors)
    assert result.exit_code == EXIT_ERROR == 2
    good = next(f for f in result.files if f.path == "good.sql")
    assert good.status == "ok" and good.objects == ["federal_exports.v_good"]
    assert GOOD_FINDING in finding_keys(result)


# -- SQL that does not parse or names unknown things ---------------------------------------


def test_unparsed_sql_points_at_the_line(tmp_path: Path) -> None:
    sql = "-- staging\nCREATE VIEW staging.x AS\nSELECT p.race\nFROM pars.persons p\nWHERE (p.race = ;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    assert_fail_closed(result, "bad.sql", "analysis.unparsed", 5)
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert err.column == 15


def test_unknown_table(tmp_path: Path) -> None:
    sql = "-- header\nCREATE VIEW staging.v AS\nSELECT p.person_id\nFROM pars.nope p;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    assert_fail_closed(result, "bad.sql", "analysis.unresolved_table", 4)
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert "pars.nope" in err.message and err.object == "staging.v"


def test_unknown_column(tmp_path: Path) -> None:
    sql = "-- header\nCREATE VIEW staging.v_bad AS SELECT p.person_id, p.nope FROM pars.persons p;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    assert_fail_closed(result, "bad.sql", "analysis.unresolved_column", 2)
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert "nope" in err.message and err.object == "staging.v_bad"


def test_unknown_column_line_is_the_column_line(tmp_path: Path) -> None:
    sql = "-- c\n\nCREATE VIEW staging.v_bad AS\nSELECT p.person_id,\n       p.nope\nFROM pars.persons p;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    assert errors_of(result, "bad.sql") == [("analysis.unresolved_column", 5)]


def test_ambiguous_unqualified_column_over_two_tables(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS\n"
        "SELECT person_id\n"
        "FROM pars.persons p JOIN pars.arrests a ON a.person_id = p.person_id;\n"
    )
    result = run_files(tmp_path, {"bad.sql": sql})
    assert_fail_closed(result, "bad.sql", "analysis.ambiguous_column", 2)


def test_unexpandable_star(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.s AS\nSELECT * FROM pars.persons p, unnest(ARRAY[p.ssn]) AS u;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    assert_fail_closed(result, "bad.sql", "analysis.unexpanded_star", 2)
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert err.column == 8


def test_grant_on_unknown_object(tmp_path: Path) -> None:
    sql = "-- grants\nGRANT SELECT ON staging.nope TO ice_reader;\n"
    result = run_files(tmp_path, {"grants.sql": sql})
    assert_fail_closed(result, "grants.sql", "analysis.unresolved_table", 2)
    (err,) = [e for e in result.errors if e.path == "grants.sql"]
    assert "staging.nope" in err.message


def test_create_function_is_not_analysed(tmp_path: Path) -> None:
    sql = "-- f\nCREATE FUNCTION staging.f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n"
    result = run_files(tmp_path, {"func.sql": sql})
    assert_fail_closed(result, "func.sql", "analysis.unsupported_statement", 2)
    (err,) = [e for e in result.errors if e.path == "func.sql"]
    assert "FUNCTION" in err.message


# -- dynamic SQL ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("dialect", "statement"),
    [
        pytest.param("postgres", "EXECUTE ice_plan(1);", id="postgres-execute"),
        pytest.param("postgres", "PREPARE ice_plan AS SELECT 1;", id="postgres-prepare"),
        pytest.param("postgres", "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;", id="postgres-do"),
        pytest.param("postgres", "CALL refresh_ice_feed();", id="postgres-call"),
        pytest.param("snowflake", "EXECUTE IMMEDIATE 'SELECT 1';", id="snowflake-execute-immediate"),
        pytest.param("mysql", "PREPARE s FROM 'SELECT ssn FROM pars.persons';", id="mysql-prepare"),
        pytest.param("tsql", "EXEC ('SELECT ssn FROM pars.persons');", id="tsql-exec"),
        pytest.param("tsql", "EXECUTE dbo.refresh_ice_feed;", id="tsql-execute-proc"),
        pytest.param("tsql", "EXEC sp_executesql N'SELECT ssn FROM pars.persons';", id="tsql-sp_executesql"),
    ],
)
def test_dynamic_sql(tmp_path: Path, dialect: str, statement: str) -> None:
    sql = f"-- refresh\nSELECT 1 AS x;\n\n{statement}\n"
    result = run_files(tmp_path, {"dyn.sql": sql}, dialect=dialect)
    assert_fail_closed(result, "dyn.sql", "analysis.dynamic_sql", 4)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT t.ssn FROM dblink('dbname=pars', 'SELECT ssn FROM pars.persons') AS t(ssn text)",
        "SELECT query_to_xml('SELECT ssn FROM pars.persons', true, false, '') AS dump",
    ],
    ids=["dblink", "query_to_xml"],
)
def test_sql_in_a_string_argument_is_dynamic_sql(tmp_path: Path, query: str) -> None:
    result = run_files(tmp_path, {"dyn.sql": f"CREATE VIEW federal_exports.v AS\n{query};\n"})
    assert_fail_closed(result, "dyn.sql", "analysis.dynamic_sql", 2)


def test_prepare_with_parameter_reports_its_own_line(tmp_path: Path) -> None:
    sql = "PREPARE ice_plan(int) AS SELECT p.ssn FROM pars.persons p WHERE p.person_id = $1;\n"
    result = run_files(tmp_path, {"dyn.sql": sql})
    assert errors_of(result, "dyn.sql") == [("analysis.dynamic_sql", 1)]


# -- the view graph -------------------------------------------------------------------------


def test_view_that_selects_from_itself(tmp_path: Path) -> None:
    sql = "-- loop\nCREATE VIEW staging.v_self AS SELECT s.race FROM staging.v_self s;\n"
    result = run_files(tmp_path, {"self.sql": sql})
    assert_fail_closed(result, "self.sql", "analysis.cyclic_view", 2)
    assert "staging.v_self" not in result.graph.objects


def test_view_that_selects_from_itself_is_one_error(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"self.sql": "CREATE VIEW staging.v_self AS SELECT s.race FROM staging.v_self s;\n"})
    assert errors_of(result, "self.sql") == [("analysis.cyclic_view", 1)]


def test_three_view_cycle_across_files(tmp_path: Path) -> None:
    files = {
        "a.sql": "CREATE VIEW staging.v_a AS SELECT b.x FROM staging.v_b b;\n",
        "b.sql": "-- b\nCREATE VIEW staging.v_b AS SELECT c.x FROM staging.v_c c;\n",
        "c.sql": "-- c\n\nCREATE VIEW staging.v_c AS SELECT a.x FROM staging.v_a a;\n",
    }
    result = run_files(tmp_path, files)
    for path, line in (("a.sql", 1), ("b.sql", 2), ("c.sql", 3)):
        assert_fail_closed(result, path, "analysis.cyclic_view", line)
    assert {e.object for e in result.errors} == {"staging.v_a", "staging.v_b", "staging.v_c"}


def test_view_behind_a_cycle_reports_upstream_error(tmp_path: Path) -> None:
    files = {
        "a.sql": "CREATE VIEW staging.v_a AS SELECT b.x FROM staging.v_b b;\n",
        "b.sql": "CREATE VIEW staging.v_b AS SELECT a.x FROM staging.v_a a;\n",
        "d.sql": "-- d\nCREATE VIEW federal_exports.v_d AS SELECT a.x FROM staging.v_a a;\n",
    }
    result = run_files(tmp_path, files)
    assert_fail_closed(result, "d.sql", "analysis.upstream_error", 2)
    (err,) = [e for e in result.errors if e.path == "d.sql"]
    assert "staging.v_a" in err.message and err.object == "federal_exports.v_d"


def test_view_downstream_of_a_broken_view(tmp_path: Path) -> None:
    files = {
        "a_bad.sql": "CREATE VIEW staging.v_bad AS SELECT p.nope FROM pars.persons p;\n",
        "b_down.sql": "-- reads the broken view\nCREATE VIEW federal_exports.v_down AS SELECT b.nope FROM staging.v_bad b;\n",
    }
    result = run_files(tmp_path, files)
    assert_fail_closed(result, "a_bad.sql", "analysis.unresolved_column", 1)
    assert_fail_closed(result, "b_down.sql", "analysis.upstream_error", 2)
    (err,) = [e for e in result.errors if e.path == "b_down.sql"]
    assert "staging.v_bad" in err.message
    # Nothing about the downstream view is reported as clean or as a finding.
    assert "federal_exports.v_down" not in result.graph.objects
    assert not [f for f in result.findings if f.object == "federal_exports.v_down"]


def test_same_view_defined_in_two_files(tmp_path: Path) -> None:
    files = {
        "a.sql": "CREATE VIEW staging.v_dup AS SELECT p.race FROM pars.persons p;\n",
        "b.sql": "-- second copy\nCREATE VIEW staging.v_dup AS SELECT i.race FROM lock_and_track.inmates i;\n",
        "c.sql": "CREATE VIEW federal_exports.v_x AS SELECT d.race FROM staging.v_dup d;\n",
    }
    result = run_files(tmp_path, files)
    assert_fail_closed(result, "a.sql", "analysis.duplicate_object", 1)
    assert_fail_closed(result, "b.sql", "analysis.duplicate_object", 2)
    assert_fail_closed(result, "c.sql", "analysis.upstream_error", 1)
    assert {e.object for e in result.errors} == {"staging.v_dup", "federal_exports.v_x"}


def test_create_or_replace_in_one_file_is_not_a_duplicate(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW staging.v AS SELECT i.race FROM lock_and_track.inmates i;\n"
        "CREATE OR REPLACE VIEW staging.v AS SELECT i.ssn FROM lock_and_track.inmates i;\n"
        "GRANT SELECT ON staging.v TO usms_reader;\n"
    )
    result = run_files(tmp_path, {"v.sql": sql})
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "usms", "staging.v.ssn", "lock_and_track.inmates.ssn") in finding_keys(result)


# -- files that are not SQL text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line"),
    [
        pytest.param(b"SELECT 1;\n" * (1_048_576), None, id="10MB"),
        pytest.param(b"SELECT 1;\n\x00\x01\x02binary", None, id="binary"),
        pytest.param("SELECT 1;\n-- caf\xe9\n".encode("latin-1"), 2, id="non-utf8"),
    ],
)
def test_unreadable_file(tmp_path: Path, body: bytes, line: int | None) -> None:
    result = run_files(tmp_path, {"dump.sql": body})
    assert_fail_closed(result, "dump.sql", "analysis.unreadable", line)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    # A valid view padded past the limit: never analysed, so never reported clean.
    view = b"CREATE VIEW federal_exports.v_big AS SELECT p.ssn FROM pars.persons p;\n"
    body = view + b"-- padding\n" * (10 * 1024 * 1024 // 11)
    assert len(body) > 10_000_000 > MAX_SQL_BYTES
    result = run_files(tmp_path, {"big.sql": body})
    assert_fail_closed(result, "big.sql", "analysis.unreadable", None)
    (err,) = [e for e in result.errors if e.code == "analysis.unreadable"]
    assert str(MAX_SQL_BYTES) in err.message
    assert "federal_exports.v_big" not in result.graph.objects


@pytest.mark.parametrize(
    "body",
    [b"SELECT 1;\n\x00", "SELECT 'caf\xe9';\n".encode("latin-1"), b"SELECT 1;\n" * 600_000],
    ids=["binary", "non-utf8", "oversized"],
)
def test_unreadable_error_names_the_display_path(tmp_path: Path, body: bytes) -> None:
    result = run_files(tmp_path, {"sub/dump.sql": body})
    (err,) = [e for e in result.errors if e.code == "analysis.unreadable"]
    assert err.path == "sub/dump.sql"


def test_empty_file(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"empty.sql": ""})
    assert_fail_closed(result, "empty.sql", "analysis.empty", None)


def test_whitespace_only_file(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"blank.sql": "  \n\t\n"})
    assert_fail_closed(result, "blank.sql", "analysis.empty", None)


def test_comment_only_file(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"notes.sql": "-- CREATE VIEW federal_exports.v AS SELECT ...\n-- (moved)\n"})
    assert_fail_closed(result, "notes.sql", "analysis.empty", None)


def test_unknown_dialect_directive(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"odd.sql": "-- sharing-audit: dialect=klingon\nSELECT 1;\n"})
    assert_fail_closed(result, "odd.sql", "analysis.unknown_dialect", None)
    (err,) = [e for e in result.errors if e.path == "odd.sql"]
    assert "klingon" in err.message


def test_tokenizer_error_does_not_quote_sql_literals(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"bad.sql": "SELECT 'unterminated 123-45-6789 FROM pars.persons;\n"})
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert err.code == "analysis.unparsed"
    assert "123-45-6789" not in err.message


def test_parse_error_does_not_quote_sql_literals(tmp_path: Path) -> None:
    sql = "CREATE VIEW staging.x AS SELECT p.person_id FROM pars.persons p WHERE p.ssn IN ('123-45-6789' ;\n"
    result = run_files(tmp_path, {"bad.sql": sql})
    (err,) = [e for e in result.errors if e.path == "bad.sql"]
    assert err.code == "analysis.unparsed" and err.line == 1
    assert "123-45-6789" not in err.message


# -- golden file: inputs that must raise ------------------------------------------------------

INVALID = load_sql_fixture_pairs(FIXTURES / "__invalid.sql")
def test_invalid_fixture_file_is_well_formed() -> None:
    titles = [fx.title for fx in INVALID]
    assert len(titles) >= 20 and "?" not in titles
    assert len(set(titles)) == len(titles), "titles must be unique"
    assert all(fx.expected.startswith("analysis.") for fx in INVALID)


@pytest.mark.parametrize("fixture", INVALID, ids=[fx.title for fx in INVALID])
def test_invalid_input_fails_closed(fixture, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_sql(tmp_path, {"case.sql": fixture.sql}, dialect=fixture.dialect)
    assert [e.code for e in result.errors] == fixture.expected.splitlines(), [(e.code, e.message) for e in result.errors]
    assert result.exit_code == 2
    assert [f.status for f in result.files] == ["error"]
