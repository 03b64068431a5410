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
