"""Audit of SQLite and DuckDB files: views, catalog reconciliation, drift; they have no grants."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import duckdb
import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.checks import sql_inputs_from_paths
from sharing_audit.engine import RunResult
from sharing_audit.live.audit import AuditOptions, AuditTrace, run_audit
from sharing_audit.live.model import LiveAuditError

PERSONS = (
    "person_id INTEGER, full_name TEXT, ssn TEXT, date_of_birth DATE, country_of_birth TEXT, home_address TEXT,"
    " phone TEXT, race TEXT, sex TEXT, person_role TEXT"
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codes(result: RunResult) -> list[tuple[str, str | None, bool]]:
    return sorted(
        (n.code, n.object, n.blocking) for n in result.notices if n.code != "waiver.unused"
    )


def test_sqlite_views_and_catalog_reconciliation(tmp_path: Path) -> None:
    path = tmp_path / "pars.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            f"CREATE TABLE persons ({PERSONS}, nickname TEXT);"
            "CREATE TABLE arrests (arrest_id INTEGER, person_id INTEGER, arrest_date DATE, offense_code TEXT);"
            "CREATE VIEW v_people AS SELECT p.person_id, p.full_name, p.nickname FROM persons p WHERE p.person_role = 'arrestee';"
            "CREATE VIEW v_all AS SELECT * FROM persons;"
        )
    before = digest(path)
    repo = write_file(
        tmp_path / "repo",
        "v_people.sql",
        "CREATE VIEW pars.v_people AS\nSELECT person_id, full_name, nickname FROM pars.persons WHERE person_role = 'arrestee';\n",
    )
    trace = AuditTrace()
    result = run_audit(
        AuditOptions(
            DEMO_POLICIES,
            f"sqlite:///{path}",
            schema_map=(("main", "pars"),),
            repo_inputs=tuple(sql_inputs_from_paths([repo], "sqlite", tmp_path)),
        ),
        trace,
    )
    assert result.errors == []
    assert {f.path.split("#")[1] for f in result.graph.files} == {"pars.v_people", "pars.v_all"}
    nick = result.graph.objects["pars.v_all"].column("nickname")
    assert nick is not None and {str(o.source) for o in nick} == {"pars.persons.nickname"}
    unclassified = [n for n in result.notices if n.code == "audit.unclassified_column"]
    assert [n.object for n in unclassified] == ["pars.persons"] and unclassified[0].blocking
    assert (
        "pars.persons.nickname is in the database but not in the policy catalog"
        in unclassified[0].message
    )
    missing = {n.message for n in result.notices if n.code == "audit.catalog_missing"}
    assert "pars.charges is in the policy catalog but not in the database" in missing
    assert (
        "pars.arrests.police_narrative is in the policy catalog but not in the database" in missing
    )
    # Drift: v_people as reviewed; v_all is only in the database.
    drift = {n.object: n.message for n in result.notices if n.code == "audit.drift"}
    assert set(drift) == {"pars.v_all"} and "in no repository SQL file" in drift["pars.v_all"]
    assert result.exit_code == 1
    assert trace.statements[:2] == ["PRAGMA query_only = ON", "PRAGMA query_only"]
    assert digest(path) == before


def test_sqlite_export_store_reaching_ice(tmp_path: Path) -> None:
    # A file whose only schema is the ICE delivery schema: its tables map to no system,
    # so what they hold is unclassified, and it reaches ICE.
    path = tmp_path / "exports.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE ice_extract (person_ref TEXT, id_hint TEXT); CREATE VIEW v_hints AS SELECT e.id_hint FROM ice_extract e;"
        )
    result = run_audit(
        AuditOptions(DEMO_POLICIES, f"sqlite:///{path}", schema_map=(("main", "federal_exports"),))
    )
    notices = {
        n.message.split(" ")[0]: n for n in result.notices if n.code == "audit.unclassified_column"
    }
    assert set(notices) == {
        "federal_exports.ice_extract.person_ref",
        "federal_exports.ice_extract.id_hint",
    }
    assert all(n.blocking and "it reaches ice" in n.message for n in notices.values())
    assert "federal_exports.v_hints" in notices["federal_exports.ice_extract.id_hint"].message
    assert result.exit_code == 1


def test_duckdb_schemas_views_and_select_star(tmp_path: Path) -> None:
    path = tmp_path / "city.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        f"CREATE SCHEMA pars; CREATE SCHEMA federal_exports; CREATE TABLE pars.persons ({PERSONS});"
        " CREATE VIEW federal_exports.v_roster AS SELECT p.full_name, right(p.ssn, 4) AS hint FROM pars.persons p WHERE p.person_role IN ('arrestee');"
        " CREATE VIEW federal_exports.v_all AS SELECT * FROM pars.persons;"
        " ALTER TABLE pars.persons ADD COLUMN birth_place TEXT;"
    )
    conn.close()
    before = digest(path)
    repo = write_file(
        tmp_path / "repo",
        "roster.sql",
        "CREATE VIEW federal_exports.v_roster AS\nSELECT p.full_name, RIGHT(p.ssn, 4) AS hint FROM pars.persons AS p WHERE p.person_role = 'arrestee';\n",
    )
    result = run_audit(
        AuditOptions(
            DEMO_POLICIES,
            f"duckdb:///{path}",
            repo_inputs=tuple(sql_inputs_from_paths([repo], "duckdb", tmp_path)),
        )
    )
    assert result.errors == []
    keys = {(f.rule_id, f.object, f.output_column) for f in result.findings if f.consumer == "ice"}
    assert ("phl-protected-classes-no-federal", "federal_exports.v_roster", "hint") in keys
    # DuckDB keeps "SELECT *" and binds it when queried: the new column is delivered.
    assert ("phl-pars-no-ice", "federal_exports.v_all", "birth_place") in keys
    assert ("audit.unclassified_column", "pars.persons", True) in codes(result)
    drift = [
        n
        for n in result.notices
        if n.code == "audit.drift" and n.object == "federal_exports.v_roster"
    ]
    assert (
        drift == []
    )  # IN ('arrestee') and = 'arrestee' are one filter; RIGHT and "right" one function
    assert digest(path) == before


def test_two_schemas_mapped_onto_one_name_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "two.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE SCHEMA a; CREATE SCHEMA b; CREATE TABLE a.persons (x INT); CREATE TABLE b.persons (x INT)"
    )
    conn.close()
    with pytest.raises(LiveAuditError, match=r"a.persons and b.persons both map to pars.persons"):
        run_audit(
            AuditOptions(
                DEMO_POLICIES, f"duckdb:///{path}", schema_map=(("a", "pars"), ("b", "pars"))
            )
        )
