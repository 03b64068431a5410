"""Read-only by construction, passwords never shown, failures are errors (exit 2), never clean audits."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import psycopg
import pytest
from livedb import pg_connect, pg_database, pg_url, prefixed_policies

from helpers import DEMO_POLICIES
from sharing_audit.live.audit import AuditOptions, AuditTrace, run_audit
from sharing_audit.live.model import LiveAuditError
from sharing_audit.live.session import open_session, vet_statement
from sharing_audit.live.url import URL_ENV, parse_database_url, redact_url
from sharing_audit.report import OutputFormat

SMALL_SQL = """
CREATE SCHEMA pars; CREATE SCHEMA federal_exports;
CREATE TABLE pars.persons (person_id int, full_name text, ssn text, person_role text);
CREATE VIEW federal_exports.v_hint AS SELECT p.full_name, right(p.ssn, 4) AS hint FROM pars.persons p WHERE p.person_role = 'arrestee';
ALTER TABLE pars.persons ENABLE ROW LEVEL SECURITY;
CREATE POLICY arrestees ON pars.persons FOR SELECT USING (person_role = 'arrestee');
"""


@pytest.fixture(scope="module")
def small(postgres: str) -> str:
    """A small database and a login role that has no privilege at all: the audit account."""
    pg_database(f"{postgres}_ro", SMALL_SQL)
    with pg_connect() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{postgres}_auditor"')
        conn.execute(f"CREATE ROLE \"{postgres}_auditor\" LOGIN PASSWORD 'Audit-Pw-{postgres}'")
    return postgres


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "  select n.nspname from pg_catalog.pg_namespace n",
        "SHOW VARIABLES LIKE 'x'",
        "SET SESSION TRANSACTION READ ONLY",
        "SET SESSION max_statement_time = 30",
        "PRAGMA query_only = ON",
        "PRAGMA query_only",
        "SELECT ';' AS semicolon_in_a_string",
    ],
)
def test_reads_pass_the_guard(sql: str) -> None:
    vet_statement(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET a = 1",
        "DELETE FROM t",
        "CREATE TABLE t (a int)",
        "DROP VIEW v",
        "ALTER TABLE t ADD COLUMN b int",
        "GRANT SELECT ON t TO r",
        "TRUNCATE t",
        "COPY t TO '/tmp/x'",
        "CALL p()",
        "DO $$ BEGIN END $$",
        "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
        "SET ROLE admin",
        "SET GLOBAL read_only = 0",
        "SET PASSWORD = 'x'",
        "PRAGMA writable_schema = ON",
        "PRAGMA query_only = OFF",
        "SELECT 1; DROP TABLE t",
        "/* SELECT */ DELETE FROM t",
        "",
    ],
)
def test_writes_are_refused_before_sending(sql: str) -> None:
    with pytest.raises(LiveAuditError, match="refused"):
        vet_statement(sql)


def test_audit_account_without_write_privilege_and_only_reads(small: str, tmp_path: Path) -> None:
    trace = AuditTrace()
    url = pg_url(f"{small}_ro", f"{small}_auditor", f"Audit-Pw-{small}")
    result = run_audit(AuditOptions(DEMO_POLICIES, url), trace)
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "federal_exports.v_hint", "hint") in {
        (f.rule_id, f.object, f.output_column) for f in result.findings if f.consumer == "ice"
    }
    # The non-owner account still read the view definition and the row policy.
    assert trace.snapshot is not None and [p.name for p in trace.snapshot.policies] == ["arrestees"]
    assert trace.statements and all(
        s.lstrip().upper().startswith("SELECT") for s in trace.statements
    )
    for statement in trace.statements:
        vet_statement(statement)


def test_session_is_read_only_on_the_server_too(small: str) -> None:
    url = parse_database_url(
        pg_url(f"{small}_ro")
    )  # the superuser: privileges cannot be why it fails
    with open_session(url, 5) as session:
        with pytest.raises(LiveAuditError, match="refused"):
            session.rows("CREATE TABLE pars.x (a int)")
        raw = session.conn.connection.driver_connection  # type: ignore[attr-defined]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            raw.execute("CREATE TABLE pars.x (a int)")


def test_password_never_in_output_logs_or_errors(
    small: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    password = f"Audit-Pw-{small}"
    url = pg_url(f"{small}_ro", f"{small}_auditor", password)
    caplog.set_level(logging.DEBUG)
    trace = AuditTrace()
    result = run_audit(AuditOptions(DEMO_POLICIES, url), trace)
    for fmt in OutputFormat:
        text = fmt.to_formatter().format(result)
        assert password not in text and redact_url(url) in text, fmt
    assert not any(password in s for s in trace.statements)
    with pytest.raises(LiveAuditError) as raised:
        run_audit(
            AuditOptions(
                DEMO_POLICIES, f"postgresql://{small}_auditor:{password}@127.0.0.1:1/{small}_ro"
            )
        )
    assert "cannot connect" in str(raised.value) and password not in str(raised.value)
    assert password not in caplog.text


def test_url_from_the_environment(small: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, pg_url(f"{small}_ro", f"{small}_auditor", "from-env"))
    result = run_audit(AuditOptions(DEMO_POLICIES))
    assert (
        result.extra_files[0].path == f"postgresql://{small}_auditor:***@127.0.0.1:5432/{small}_ro"
    )


def test_statement_timeout_is_an_error(small: str, tmp_path: Path) -> None:
    # Another session holds the view locked: reading its definition must wait, and time out.
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with psycopg.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname=f"{small}_ro"
        ) as conn:
            conn.execute("LOCK TABLE federal_exports.v_hint IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(LiveAuditError, match="timed out"):
            run_audit(
                AuditOptions(
                    prefixed_policies(tmp_path, small), pg_url(f"{small}_ro"), statement_timeout=1.0
                )
            )
    finally:
        release.set()
        holder.join()


def test_missing_schema_is_an_error(small: str) -> None:
    with pytest.raises(LiveAuditError, match="no schema nowhere"):
        run_audit(AuditOptions(DEMO_POLICIES, pg_url(f"{small}_ro"), schemas=("nowhere",)))
