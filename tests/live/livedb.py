"""Live-database helpers: real PostgreSQL and MariaDB servers, unique names, cleanup before and after.

The servers are required: a test that needs one FAILS (never skips) when it is unreachable.
Every object a run creates is named ``salive_<pid>_...``; at the start of a run, leftovers
of runs whose process is gone are dropped, so a crashed run can simply be repeated.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import psycopg
import pymysql
import pytest
import yaml

from helpers import DEMO_POLICIES

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}
MARIA = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": "", "database": "test"}
PREFIX = f"salive_{os.getpid()}"
_LEFTOVER = re.compile(r"^salive_(\d+)_")


def pg_url(database: str, user: str = "postgres", password: str | None = None) -> str:
    auth = f"{user}:{password}" if password else user
    return f"postgresql://{auth}@{PG['host']}:{PG['port']}/{database}"


def maria_url(user: str = "root", password: str | None = None) -> str:
    auth = f"{user}:{password}" if password else user
    return f"mariadb://{auth}@{MARIA['host']}:{MARIA['port']}/{MARIA['database']}"


def _stale(name: str) -> bool:
    """A name made by a run whose process no longer exists (or by this very run)."""
    match = _LEFTOVER.match(name)
    if not match:
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def pg_connect(dbname: str = "test") -> psycopg.Connection:
    try:
        return psycopg.connect(**{**PG, "dbname": dbname}, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {PG['host']}:{PG['port']} is required for the live-audit tests and is not reachable: {exc}"
        )


def maria_connect() -> pymysql.connections.Connection:
    try:
        return pymysql.connect(**MARIA, autocommit=True, connect_timeout=10)
    except pymysql.err.OperationalError as exc:
        pytest.fail(
            f"MariaDB at {MARIA['host']}:{MARIA['port']} is required for the live-audit tests and is not reachable: {exc}"
        )


def pg_cleanup(only_this_run: bool = False) -> None:
    with pg_connect() as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'salive\\_%'")
        ]
        for name in names:
            if name.startswith(PREFIX + "_") if only_this_run else _stale(name):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = [
            r[0]
            for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'salive\\_%'")
        ]
        for role in roles:
            if role.startswith(PREFIX + "_") if only_this_run else _stale(role):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def maria_cleanup(only_this_run: bool = False) -> None:
    conn = maria_connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'salive\\_%'"
            )
            for (name,) in cur.fetchall():
                if name.startswith(PREFIX + "_") if only_this_run else _stale(name):
                    cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            # MariaDB keeps the grants of dropped objects (to PUBLIC, say): remove those too.
            for table in ("tables_priv", "columns_priv", "db"):
                cur.execute(f"SELECT DISTINCT Db FROM mysql.{table} WHERE Db LIKE 'salive\\_%'")
                for (name,) in cur.fetchall():
                    if name.startswith(PREFIX + "_") if only_this_run else _stale(name):
                        cur.execute(f"DELETE FROM mysql.{table} WHERE Db = %s", (name,))
            cur.execute("FLUSH PRIVILEGES")
            cur.execute("SELECT User, Host, is_role FROM mysql.user WHERE User LIKE 'salive\\_%'")
            for user, host, is_role in cur.fetchall():
                if user.startswith(PREFIX + "_") if only_this_run else _stale(user):
                    cur.execute(
                        f"DROP ROLE IF EXISTS `{user}`"
                        if is_role == "Y"
                        else f"DROP USER IF EXISTS `{user}`@`{host}`"
                    )
    finally:
        conn.close()


def pg_database(name: str, setup_sql: str) -> None:
    """(Re)create database ``name`` and run ``setup_sql`` in it, statement by statement."""
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with pg_connect(name) as conn:
        conn.execute(setup_sql)


def pg_roles(*names: str, options: dict[str, str] | None = None) -> None:
    """Create cluster-wide roles, or reset the options of those that exist already."""
    with pg_connect() as conn:
        for name in names:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(f'{verb} ROLE "{name}" {(options or {}).get(name, "NOLOGIN INHERIT")}')


def maria_run(statements: list[str]) -> None:
    conn = maria_connect()
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


#: Roles the demo policy maps to consumers.
DEMO_ROLES = (
    "ice_reader",
    "ice_ero_analyst",
    "usms_reader",
    "fbi_cjis",
    "dvic_etl",
    "probation_reader",
    "da_reader",
    "research_reader",
    "opendata_publisher",
)


def prefixed_policies(tmp_path: Path, prefix: str) -> Path:
    """A copy of the demo policies whose delivery roles carry the run's prefix (roles are cluster-wide)."""
    target = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, target, ignore=shutil.ignore_patterns("*.test.sql"))
    path = target / "delivery.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for mapping in doc["delivery"]["roles"]:
        mapping["role"] = f"{prefix}_{mapping['role']}"
        if "member_of" in mapping:
            mapping["member_of"] = [f"{prefix}_{r}" for r in mapping["member_of"]]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return target
