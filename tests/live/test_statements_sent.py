"""What the audit sends, as the servers themselves recorded it: reads only, never DDL or DML.

The tool's own guard (``vet_statement``) and its trace could both be wrong in the same way,
so these tests read the statements from the other side: PostgreSQL's statement log
(``log_statement = all`` set on the audit role) and MariaDB's general query log. The audit
accounts hold no write privilege, which each test also proves by trying a write as them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pymysql
import pytest
import sqlglot
from livedb import MARIA, PG, maria_connect, maria_run, pg_connect, pg_database, pg_url
from sqlglot import exp

from helpers import DEMO_POLICIES
from sharing_audit.live.audit import AuditOptions, run_audit

#: Statement kinds an audit may send; anything else found in a server's log fails the test.
READ_KINDS = re.compile(
    r"^\s*(SELECT|WITH|SHOW|BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE"
    # Session settings only: never SET ROLE, SET SESSION AUTHORIZATION or SET GLOBAL.
    r"|SET\s+(?:NAMES|AUTOCOMMIT|SESSION\s+(?:TRANSACTION|CHARACTERISTICS|max_statement_time)|TRANSACTION|statement_timeout|lock_timeout|default_transaction_read_only))\b",
    re.IGNORECASE,
)
WRITE_NODES = (
    exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Grant, exp.Revoke,
    exp.TruncateTable, exp.Copy, exp.Command, exp.Into, exp.Lock,
)
PG_LOGS = sorted(Path("/var/log/postgresql").glob("postgresql-*-main.log"))

SETUP = """
CREATE SCHEMA pars; CREATE SCHEMA federal_exports;
CREATE TABLE pars.persons (person_id int, full_name text, ssn text, person_role text);
INSERT INTO pars.persons VALUES (1, 'A B', '078-05-1120', 'arrestee');
CREATE VIEW federal_exports.v_hint AS SELECT p.full_name, right(p.ssn, 4) AS hint FROM pars.persons p;
"""


def assert_reads_only(statements: list[str], dialect: str) -> None:
    assert statements, "the server recorded no statement from the audit account"
    for statement in statements:
        assert READ_KINDS.match(statement), statement[:200]
        if re.match(r"^\s*(SELECT|WITH)\b", statement, re.IGNORECASE):
            for tree in sqlglot.parse(statement, read=dialect):
                assert tree is not None
                assert not any(isinstance(node, WRITE_NODES) for node in tree.walk()), statement[:200]
                assert not re.search(r"\b(set_config|nextval|setval|pg_terminate_backend|pg_cancel_backend|lo_import)\s*\(", statement, re.IGNORECASE)


def _pg_statements(log: str, user: str, database: str) -> list[str]:
    """Statements logged for ``user@database`` (simple and extended protocol, multi-line)."""
    out: list[str] = []
    current: list[str] | None = None
    entry = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    mine = re.compile(rf"{re.escape(user)}@{re.escape(database)} LOG:  (?:statement|execute [^:]*): (.*)$")
    for line in log.splitlines():
        if entry.match(line):
            if current is not None:
                out.append("\n".join(current))
                current = None
            found = mine.search(line)
            if found:
                current = [found.group(1)]
        elif current is not None and line.startswith("\t"):
            current.append(line[1:])
    if current is not None:
        out.append("\n".join(current))
    return out


@pytest.fixture
def pg_auditor(postgres: str) -> Iterator[tuple[str, str, str]]:
    database, user, password = f"{postgres}_cap", f"{postgres}_cap_auditor", f"Cap-Pw-{postgres}"
    pg_database(database, SETUP)
    with pg_connect() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{user}"')
        conn.execute(f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'")
        conn.execute(f"ALTER ROLE \"{user}\" SET log_statement = 'all'")
    yield database, user, password
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'DROP ROLE IF EXISTS "{user}"')


def test_postgres_log_shows_only_reads(pg_auditor: tuple[str, str, str]) -> None:
    database, user, password = pg_auditor
    if not PG_LOGS:
        pytest.fail("the PostgreSQL server log (/var/log/postgresql/postgresql-*-main.log) is needed to capture statements")
    log_path = PG_LOGS[-1]
    start = log_path.stat().st_size

    # The account cannot write: the server says so, not the tool.
    with psycopg.connect(host=PG["host"], port=PG["port"], dbname=database, user=user, password=password, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO pars.persons VALUES (2, 'C D', '219-09-9999', 'victim')")

    result = run_audit(AuditOptions(DEMO_POLICIES, pg_url(database, user, password)))
    assert result.errors == []
    assert any(f.object == "federal_exports.v_hint" and f.output_column == "hint" for f in result.findings)

    with log_path.open(encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        statements = _pg_statements(fh.read(), user, database)
    # The failed INSERT above is ours, sent before the audit; everything after it is the tool's.
    ours = [s for s in statements if s.startswith("INSERT INTO pars.persons VALUES (2")]
    assert len(ours) == 1
    assert_reads_only(statements[statements.index(ours[0]) + 1 :], "postgres")
    # The protected value in the table never appears in what the tool sent.
    assert not any("078-05-1120" in s for s in statements)


@pytest.fixture
def maria_auditor(mariadb: str) -> Iterator[tuple[str, str, str, str]]:
    pars, exports, user, password = f"{mariadb}_cap_pars", f"{mariadb}_cap_fe", f"{mariadb}_cap_auditor", f"Cap-Pw-{mariadb}"
    maria_run(
        [
            *(f"DROP DATABASE IF EXISTS `{d}`" for d in (pars, exports)),
            *(f"CREATE DATABASE `{d}`" for d in (pars, exports)),
            f"CREATE TABLE `{pars}`.persons (person_id int, full_name text, ssn text, person_role varchar(20))",
            f"INSERT INTO `{pars}`.persons VALUES (1, 'A B', '078-05-1120', 'arrestee')",
            f"CREATE VIEW `{exports}`.v_hint AS SELECT p.full_name, right(p.ssn, 4) AS hint FROM `{pars}`.persons p",
            f"DROP USER IF EXISTS `{user}`@'%'",
            f"CREATE USER `{user}`@'%' IDENTIFIED BY '{password}'",
            # The documented audit account (docs/live-audit.md): reads of the privilege tables
            # and of the audited databases' definitions; no write privilege anywhere.
            *(f"GRANT SELECT, SHOW VIEW ON `{d}`.* TO `{user}`@'%'" for d in (pars, exports)),
            *(f"GRANT SELECT ON mysql.{t} TO `{user}`@'%'" for t in ("user", "db", "tables_priv", "columns_priv", "roles_mapping")),
        ]
    )
    conn = maria_connect()
    with conn.cursor() as cur:
        cur.execute("SELECT @@global.general_log, @@global.log_output")
        general_log, log_output = cur.fetchone()
        cur.execute("SET GLOBAL log_output = 'TABLE'")
        cur.execute("SET GLOBAL general_log = 1")
    try:
        yield pars, exports, user, password
    finally:
        with conn.cursor() as cur:
            cur.execute(f"SET GLOBAL general_log = {int(general_log)}")
            cur.execute("SET GLOBAL log_output = %s", (log_output,))
        conn.close()
        maria_run([f"DROP DATABASE IF EXISTS `{pars}`", f"DROP DATABASE IF EXISTS `{exports}`", f"DROP USER IF EXISTS `{user}`@'%'"])


def test_mariadb_general_log_shows_only_reads(maria_auditor: tuple[str, str, str, str]) -> None:
    pars, exports, user, password = maria_auditor
    probe = pymysql.connect(host=MARIA["host"], port=MARIA["port"], user=user, password=password, database=pars, autocommit=True)
    try:
        with probe.cursor() as cur, pytest.raises(pymysql.err.OperationalError, match="denied"):
            cur.execute("INSERT INTO persons VALUES (2, 'C D', '219-09-9999', 'victim')")
    finally:
        probe.close()

    url = f"mariadb://{user}:{password}@{MARIA['host']}:{MARIA['port']}/{pars}"
    mapping = ((pars, "pars"), (exports, "federal_exports"))
    result = run_audit(AuditOptions(DEMO_POLICIES, url, schemas=(pars, exports), schema_map=mapping))
    assert result.errors == []
    assert any(f.object == "federal_exports.v_hint" and f.output_column == "hint" for f in result.findings)

    conn = maria_connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                "WHERE user_host LIKE %s AND command_type IN ('Query', 'Prepare', 'Execute') ORDER BY event_time",
                (f"{user}[{user}]%",),
            )
            statements = [row[0] for row in cur.fetchall()]
    finally:
        conn.close()
    ours = [s for s in statements if s.startswith("INSERT INTO persons VALUES (2")]
    assert len(ours) == 1
    assert_reads_only(statements[statements.index(ours[0]) + 1 :], "mysql")
    assert not any("078-05-1120" in s for s in statements)
