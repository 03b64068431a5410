"""Audit of a MariaDB 10.11 server set up like the demo jurisdiction (no row-level security there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from livedb import PREFIX, maria_run, maria_url, prefixed_policies

from helpers import write_file
from sharing_audit.checks import sql_inputs_from_paths
from sharing_audit.engine import RunResult
from sharing_audit.live.audit import AuditOptions, run_audit
from sharing_audit.live.model import LiveAuditError

#: Known name → database (MariaDB databases are server-wide, so they carry the run's prefix).
SCHEMAS = {
    "pars": "pars",
    "lock_and_track": "lt",
    "staging": "stg",
    "federal_exports": "fe",
    "interchange": "ic",
    "open_data": "od",
}


def db(known: str) -> str:
    return f"{PREFIX}_{SCHEMAS[known]}"


def setup_statements(p: str) -> list[str]:
    pars, lt, stg, fe, ic, od = (db(k) for k in SCHEMAS)
    roles = ("warrant_sync", "ice_ero_analyst", "ice_reader", "usms_reader", "fbi_cjis")
    return [
        *(f"DROP DATABASE IF EXISTS `{db(k)}`" for k in SCHEMAS),
        *(f"CREATE DATABASE `{db(k)}`" for k in SCHEMAS),
        *(f"DROP ROLE IF EXISTS {p}_{r}" for r in roles),
        *(f"CREATE ROLE {p}_{r}" for r in roles),
        f"CREATE TABLE {pars}.persons (person_id int, full_name text, ssn text, date_of_birth date, country_of_birth text,"
        " home_address text, phone text, race text, sex text, person_role varchar(20))",
        f"CREATE TABLE {pars}.arrests (arrest_id int, person_id int, arrest_date date, arresting_district text,"
        " offense_code text, incident_block text, police_narrative text)",
        f"CREATE TABLE {pars}.charges (charge_id int, arrest_id int, statute text, charge_grade text, docket_number text)",
        f"CREATE TABLE {lt}.inmates (inmate_id int, pid int, inmate_name text, race text, self_reported_country text,"
        " date_of_birth date, ssn text, a_number text, immigration_status text, home_address text, facility text,"
        " custody_status varchar(20), admission_date date, release_date date)",
        # (3) a column added upstream, then SELECT * views (re)deployed: MariaDB stores them expanded.
        f"ALTER TABLE {pars}.persons ADD COLUMN birth_place text",
        f"CREATE VIEW {stg}.v_persons_all AS SELECT * FROM {pars}.persons",
        f"CREATE VIEW {fe}.v_ice_people AS SELECT * FROM {stg}.v_persons_all WHERE person_role = 'arrestee'",
        # (1) a federal role reaches PARS through a role granted to it.
        f"CREATE VIEW {ic}.v_warrant_sync AS SELECT a.arrest_id, a.offense_code, p.full_name"
        f" FROM {pars}.arrests a JOIN {pars}.persons p ON p.person_id = a.person_id WHERE p.person_role = 'arrestee'",
        f"GRANT SELECT ON {ic}.v_warrant_sync TO {p}_warrant_sync",
        f"GRANT {p}_warrant_sync TO {p}_ice_ero_analyst",
        # (2) drift: hand-edited view, and one deployed as reviewed.
        f"CREATE VIEW {fe}.v_ice_roster AS SELECT i.inmate_name, i.race, i.release_date FROM {lt}.inmates i WHERE i.custody_status = 'in_custody'",
        f"CREATE VIEW {fe}.v_lt_roster AS SELECT i.inmate_name, i.race, i.self_reported_country FROM {lt}.inmates i"
        " WHERE i.custody_status IN ('in_custody', 'on_hold') AND i.inmate_id BETWEEN 1 AND 100000",
        f"GRANT SELECT ON {fe}.v_lt_roster TO {p}_ice_reader",
        f"GRANT SELECT ON {fe}.v_lt_roster TO {p}_usms_reader",
        # (4) PUBLIC (MariaDB 10.11+).
        f"CREATE VIEW {od}.v_origin_census AS SELECT p.country_of_birth, p.race FROM {pars}.persons p WHERE p.person_role = 'arrestee'",
        f"GRANT SELECT ON {od}.v_origin_census TO PUBLIC",
        # Column and database-wide grants.
        f"GRANT SELECT (person_id, full_name, sex) ON {pars}.persons TO {p}_fbi_cjis",
        f"GRANT SELECT ON `{ic}`.* TO {p}_usms_reader",
        # MariaDB keeps the grants of a dropped table.
        f"CREATE TABLE {fe}.gone (a int)",
        f"GRANT SELECT ON {fe}.gone TO {p}_ice_reader",
        f"DROP TABLE {fe}.gone",
    ]


REPO = {
    "staging.sql": "CREATE VIEW staging.v_persons_all AS SELECT * FROM pars.persons;\n",
    "ice_people.sql": "CREATE VIEW federal_exports.v_ice_people AS SELECT * FROM staging.v_persons_all WHERE person_role = 'arrestee';\n",
    "ice_roster.sql": "CREATE VIEW federal_exports.v_ice_roster AS\nSELECT i.inmate_name, i.race FROM lock_and_track.inmates i WHERE i.custody_status = 'in_custody';\n",
    "lt_roster.sql": (
        "CREATE VIEW federal_exports.v_lt_roster AS\nSELECT inmate_name, race, self_reported_country FROM lock_and_track.inmates\n"
        "WHERE custody_status IN ('in_custody', 'on_hold') AND inmate_id BETWEEN 1 AND 100000;\n"
        "GRANT SELECT ON federal_exports.v_lt_roster TO {p}_ice_reader;\n"
    ),
}


@pytest.fixture(scope="module")
def city(mariadb: str, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    tmp = tmp_path_factory.mktemp("maria")
    maria_run(setup_statements(mariadb))
    for name, sql in REPO.items():
        write_file(tmp / "repo", name, sql.format(p=mariadb))
    options = AuditOptions(
        prefixed_policies(tmp, mariadb),
        maria_url(),
        repo_inputs=tuple(sql_inputs_from_paths([tmp / "repo"], "mysql", tmp)),
        schemas=tuple(db(k) for k in SCHEMAS),
        schema_map=tuple((db(k), k) for k in SCHEMAS),
    )
    return run_audit(options)


def findings(result: RunResult, rule: str, consumer: str, obj: str) -> list:
    return [
        f
        for f in result.findings
        if f.rule_id == rule and f.consumer == consumer and f.object == obj
    ]


def drift(result: RunResult, obj: str) -> list[str]:
    return [n.message for n in result.notices if n.code == "audit.drift" and n.object == obj]


def test_fully_analysed_and_failing(city: RunResult) -> None:
    assert city.errors == [] and city.exit_code == 1


def test_federal_role_reaches_pars_through_a_granted_role(city: RunResult) -> None:
    found = findings(city, "phl-pars-no-ice", "ice", "interchange.v_warrant_sync")
    assert {f.output_column for f in found} >= {"arrest_id", "offense_code", "full_name"}
    assert all(
        f"{PREFIX}_ice_ero_analyst inherits {PREFIX}_warrant_sync" in f.delivery for f in found
    )


def test_drift_against_expanded_view_text(city: RunResult) -> None:
    (message,) = drift(city, "federal_exports.v_ice_roster")
    assert (
        "output columns (inmate_name, race, release_date) instead of (inmate_name, race)" in message
    )
    for same in (
        "federal_exports.v_lt_roster",
        "staging.v_persons_all",
        "federal_exports.v_ice_people",
    ):
        assert not [m for m in drift(city, same) if "differs" in m], same
    assert drift(city, "interchange.v_warrant_sync") == [
        "view interchange.v_warrant_sync exists in the database but in no repository SQL file"
    ]
    assert [m for m in drift(city, "federal_exports.v_lt_roster") if m.startswith("SELECT on")] == [
        f"SELECT on federal_exports.v_lt_roster to {PREFIX}_usms_reader: granted on every column in the database, not granted in the repository"
    ]


def test_column_added_upstream_flows_through_select_star(city: RunResult) -> None:
    (notice,) = [n for n in city.notices if n.code == "audit.unclassified_column"]
    assert (
        notice.blocking
        and "pars.persons.birth_place" in notice.message
        and "federal_exports.v_ice_people" in notice.message
    )
    assert [
        f
        for f in findings(city, "phl-pars-no-ice", "ice", "federal_exports.v_ice_people")
        if f.sources == ("pars.persons.birth_place",)
    ]


def test_grant_to_public(city: RunResult) -> None:
    found = findings(city, "phl-protected-classes-no-federal", "usms", "open_data.v_origin_census")
    assert found and "to PUBLIC" in found[0].delivery


def test_column_and_database_grants(city: RunResult) -> None:
    # No row-level security in MariaDB: the FBI's column grant on persons gives victims' rows too.
    (rows,) = findings(city, "phl-pars-offenders-only", "fbi", "pars.persons")
    assert "GRANT SELECT (full_name, person_id, sex) ON pars.persons" in rows.delivery
    usms = findings(city, "phl-protected-classes-no-federal", "usms", "open_data.v_origin_census")
    assert usms
    assert any(
        f"database privilege on {db('interchange')}.*" in d.channel
        for d in city.deliveries["interchange.v_warrant_sync"]
        if d.consumer == "usms"
    )


def test_grant_on_a_dropped_table_is_shown(city: RunResult) -> None:
    (notice,) = [n for n in city.notices if n.code == "audit.grant_without_object"]
    assert (
        notice.object == "federal_exports.gone"
        and f"granted to {PREFIX}_ice_reader" in notice.message
    )


def test_account_without_privilege_tables_is_an_error(mariadb: str, tmp_path: Path) -> None:
    maria_run(
        [
            f"DROP USER IF EXISTS '{mariadb}_nopriv'@'%'",
            f"CREATE USER '{mariadb}_nopriv'@'%' IDENTIFIED BY 'Pw-{mariadb}'",
        ]
    )
    url = f"mariadb://{mariadb}_nopriv:Pw-{mariadb}@127.0.0.1:3306/"
    with pytest.raises(LiveAuditError) as raised:
        run_audit(AuditOptions(prefixed_policies(tmp_path, mariadb), url))
    text = str(raised.value)
    assert "permission denied" in text and f"Pw-{mariadb}" not in text and "***" in text
