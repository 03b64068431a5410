"""Server re-spellings undone (``clean``), canonical forms for drift, and URL redaction; no server needed."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot.schema import MappingSchema

from sharing_audit.live.normalise import canonical, clean, differences, nested_joins
from sharing_audit.live.url import parse_database_url, redact_url, scrub, secrets_of

SCHEMA = MappingSchema(
    {
        "pars": {
            "persons": {
                "person_id": "INT",
                "full_name": "TEXT",
                "ssn": "TEXT",
                "person_role": "TEXT",
                "dob": "DATE",
            }
        },
        "pars2": {"arrests": {"arrest_id": "INT", "person_id": "INT"}},
    }
)


def cleaned(sql: str, dialect: str = "postgres") -> str:
    return clean(sqlglot.parse_one(sql, read=dialect)).sql("postgres")


def same(a: str, b: str, dialect_a: str = "postgres", dialect_b: str = "postgres") -> bool:
    ca = canonical(clean(sqlglot.parse_one(a, read=dialect_a)), SCHEMA, dialect_a)
    cb = canonical(clean(sqlglot.parse_one(b, read=dialect_b)), SCHEMA, dialect_b)
    return not differences(ca, cb)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            "SELECT 1 FROM t p WHERE (p.r)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])",
            "SELECT 1 FROM t AS p WHERE p.r IN ('a', 'b')",
        ),
        (
            "SELECT 1 FROM t p WHERE p.r <> ALL (ARRAY['victim'::text, 'witness'::text])",
            "SELECT 1 FROM t AS p WHERE NOT p.r IN ('victim', 'witness')",
        ),
        (
            "SELECT 1 FROM t p WHERE ((p.r)::text = 'arrestee'::text)",
            "SELECT 1 FROM t AS p WHERE (p.r = 'arrestee')",
        ),
        (
            'SELECT "right"((p.ssn)::text, 4) AS h FROM t p',
            "SELECT RIGHT(p.ssn, 4) AS h FROM t AS p",
        ),
        # A cast that changes the value (to a number, a date) stays.
        (
            "SELECT (p.x)::integer AS n FROM t p WHERE p.d >= '2024-01-01'::date",
            "SELECT CAST((p.x) AS INT) AS n FROM t AS p WHERE p.d >= CAST('2024-01-01' AS DATE)",
        ),
        (
            "SELECT a.x FROM ((s.a a JOIN s.b b ON ((b.id = a.id))) JOIN s.c c ON ((c.id = b.id)))",
            "SELECT a.x FROM s.a AS a JOIN s.b AS b ON ((b.id = a.id)) JOIN s.c AS c ON ((c.id = b.id))",
        ),
    ],
)
def test_postgres_respellings_are_undone(stored: str, expected: str) -> None:
    assert cleaned(stored) == expected


def test_mariadb_charset_introducers_are_dropped() -> None:
    assert (
        cleaned(
            "select `p`.`a` AS `a` from `s`.`t` `p` where `p`.`r` = _utf8mb4'arrestee'", "mysql"
        )
        == 'SELECT "p"."a" AS "a" FROM "s"."t" AS "p" WHERE "p"."r" = \'arrestee\''
    )


def test_a_right_nested_join_group_is_reported() -> None:
    assert nested_joins(
        clean(
            sqlglot.parse_one(
                "SELECT 1 FROM a LEFT JOIN (b JOIN c ON c.k = b.k) ON b.k = a.k", read="postgres"
            )
        )
    )
    assert not nested_joins(
        clean(
            sqlglot.parse_one(
                "SELECT 1 FROM (SELECT 1 AS k) s JOIN a ON a.k = s.k", read="postgres"
            )
        )
    )


@pytest.mark.parametrize(
    ("deployed", "reviewed"),
    [
        (
            "SELECT persons.person_id, persons.full_name, persons.ssn, persons.person_role, persons.dob FROM pars.persons",
            "SELECT * FROM pars.persons",
        ),
        (
            "SELECT p.person_id FROM pars.persons p WHERE ((p.dob >= '2000-01-01'::date) AND (p.dob <= '2001-01-01'::date))",
            "select person_id from pars.persons where dob between date '2000-01-01' and date '2001-01-01'",
        ),
        (
            "SELECT p.person_id FROM pars.persons p WHERE (p.person_role = 'arrestee'::text)",
            "SELECT p.person_id FROM pars.persons AS p WHERE p.person_role IN ('arrestee')",
        ),
        (
            "SELECT p.person_id FROM pars.persons p WHERE p.ssn IS NOT NULL AND p.person_role = 'x'",
            "SELECT p.person_id FROM pars.persons p WHERE p.person_role = 'x' AND (p.ssn IS NOT NULL)",
        ),
        ("SELECT q.person_id FROM pars.persons q", "SELECT person_id FROM pars.persons"),
        (
            "SELECT p.full_name FROM (pars.persons p JOIN pars2.arrests a ON ((a.person_id = p.person_id)))",
            "SELECT p.full_name FROM pars.persons p JOIN pars2.arrests a ON a.person_id = p.person_id",
        ),
    ],
)
def test_equivalent_spellings_do_not_drift(deployed: str, reviewed: str) -> None:
    assert same(deployed, reviewed)


def test_mariadb_expanded_text_matches_the_reviewed_star() -> None:
    stored = (
        "select `pars`.`persons`.`person_id` AS `person_id`,`pars`.`persons`.`full_name` AS `full_name`,`pars`.`persons`.`ssn` AS `ssn`,"
        "`pars`.`persons`.`person_role` AS `person_role`,`pars`.`persons`.`dob` AS `dob` from `pars`.`persons`"
    )
    assert same(stored, "SELECT * FROM pars.persons", "mysql", "mysql")


@pytest.mark.parametrize(
    ("deployed", "reviewed", "expected"),
    [
        (
            "SELECT p.person_id, p.ssn FROM pars.persons p",
            "SELECT p.person_id FROM pars.persons p",
            ["output columns (person_id, ssn) instead of (person_id)"],
        ),
        (
            "SELECT RIGHT(p.ssn, 4) AS h FROM pars.persons p",
            "SELECT p.ssn AS h FROM pars.persons p",
            ["how output column(s) h are computed"],
        ),
        (
            "SELECT p.person_id FROM pars.persons p",
            "SELECT p.person_id FROM pars.persons p WHERE p.person_role = 'arrestee'",
            ["WHERE"],
        ),
        (
            "SELECT p.person_id FROM pars.persons p WHERE p.person_role IN ('arrestee', 'witness')",
            "SELECT p.person_id FROM pars.persons p WHERE p.person_role = 'arrestee'",
            ["WHERE"],
        ),
    ],
)
def test_differences_name_clauses_never_sql(
    deployed: str, reviewed: str, expected: list[str]
) -> None:
    a = canonical(clean(sqlglot.parse_one(deployed, read="postgres")), SCHEMA, "postgres")
    b = canonical(clean(sqlglot.parse_one(reviewed, read="postgres")), SCHEMA, "postgres")
    found = differences(a, b)
    assert found == expected
    assert not any("arrestee" in d or "witness" in d for d in found)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://audit:s3cret@db:5432/prod", "postgresql://audit:***@db:5432/prod"),
        ("postgresql://audit:p@ss/w0rd@db/prod", "postgresql://audit:***@db/prod"),
        ("mysql+pymysql://root:@127.0.0.1/test", "mysql+pymysql://root:***@127.0.0.1/test"),
        ("mariadb://root@127.0.0.1:3306/test", "mariadb://root@127.0.0.1:3306/test"),
        (
            "postgresql://db/prod?sslmode=require&password=x&sslkey=/k",
            "postgresql://db/prod?sslmode=require&password=***&sslkey=***",
        ),
        ("sqlite:////var/lib/city.db", "sqlite:////var/lib/city.db"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    for secret in secrets_of(url):
        assert secret not in redact_url(url)
        assert secret not in scrub(f"failed with {secret} here", url)


def test_schemes_and_drivers() -> None:
    assert parse_database_url("postgres://u@h/d").driver_url == "postgresql+psycopg://u@h/d"
    assert (
        parse_database_url("postgresql+psycopg2://u@h/d").driver_url
        == "postgresql+psycopg2://u@h/d"
    )
    assert parse_database_url("mariadb+pymysql://u@h/d").driver_url == "mysql+pymysql://u@h/d"
    assert parse_database_url("duckdb:////data/x.duckdb").dialect == "duckdb"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # A "?" in the password used to end the search for the user info: it was shown whole.
        ("postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p@ss?x@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require"),
        ("postgresql://u:p/w@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db"),
    ],
)
def test_redact_url_with_unencoded_question_marks_and_slashes(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    (password,) = secrets_of(url)
    assert password not in redact_url(url)
    assert scrub(f"login failed for {password}", url) == "login failed for ***"
