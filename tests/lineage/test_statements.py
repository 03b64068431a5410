"""Statements that move data into an object besides CREATE VIEW: SELECT INTO, UPDATE, MERGE."""

from __future__ import annotations

from pathlib import Path

from helpers import finding_keys, run_sql


def test_tsql_select_into_a_federal_table(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"a.sql": "SELECT p.ssn AS s INTO federal_exports.t_into FROM pars_prod.dbo.persons p;"}, dialect="tsql")
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.t_into.s", "pars.persons.ssn") in finding_keys(result)


def test_update_from_carries_the_set_value_and_where(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE federal_exports.t_up (id int, a text);\n"
        "UPDATE federal_exports.t_up AS x SET a = RIGHT(p.ssn, 4) FROM pars.persons p WHERE p.person_id = x.id;\n"
    )
    result = run_sql(tmp_path, {"a.sql": sql})
    keys = finding_keys(result)
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.t_up.a", "pars.persons.ssn") in keys
    assert ("phl-pars-no-ice", "ice", "federal_exports.t_up <WHERE>", "pars.persons.person_id") in keys


def test_merge_update_and_insert_actions(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE federal_exports.t_m (id int, a text);\n"
        "MERGE INTO federal_exports.t_m t USING lock_and_track.inmates i ON t.id = i.inmate_id\n"
        "WHEN MATCHED THEN UPDATE SET a = i.home_address\n"
        "WHEN NOT MATCHED THEN INSERT (id, a) VALUES (i.inmate_id, i.race);\n"
    )
    result = run_sql(tmp_path, {"a.sql": sql})
    assert result.errors == []
    lineage = result.graph.objects["federal_exports.t_m"]
    assert {str(o.source) for o in lineage.column("a") or ()} == {
        "lock_and_track.inmates.home_address",
        "lock_and_track.inmates.race",
    }
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.t_m.a", "lock_and_track.inmates.home_address") in finding_keys(result)


def test_insert_that_reads_its_own_target(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE federal_exports.t_s (id int, a text);\n"
        "INSERT INTO federal_exports.t_s SELECT i.inmate_id, i.ssn FROM lock_and_track.inmates i\n"
        "WHERE i.inmate_id NOT IN (SELECT s.id FROM federal_exports.t_s s);\n"
    )
    result = run_sql(tmp_path, {"a.sql": sql})
    assert result.errors == []
    assert ("phl-protected-classes-no-federal", "ice", "federal_exports.t_s.a", "lock_and_track.inmates.ssn") in finding_keys(result)


def test_delete_and_truncate_move_no_data(tmp_path: Path) -> None:
    sql = "DELETE FROM federal_exports.t WHERE 1 = 1;\nTRUNCATE TABLE federal_exports.t;\nCREATE VIEW staging.ok AS SELECT h.courtroom FROM courts.hearings h;\n"
    result = run_sql(tmp_path, {"a.sql": sql})
    assert result.errors == [] and result.findings == []
    assert result.exit_code == 0
