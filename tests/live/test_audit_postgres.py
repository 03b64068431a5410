"""Audit of a PostgreSQL 15 database set up like the demo jurisdiction (issue 6, "Done when")."""

from __future__ import annotations

from pathlib import Path

import pytest
from livedb import PREFIX, pg_database, pg_roles, pg_url, prefixed_policies

from helpers import write_file
from sharing_audit.checks import sql_inputs_from_paths
from sharing_audit.engine import RunResult
from sharing_audit.live.audit import AuditOptions, AuditTrace, run_audit

ROLES = (
    "ice_reader",
    "ice_ero_analyst",
    "warrant_sync",
    "fbi_cjis",
    "usms_reader",
    "dvic_etl",
    "hub_sync",
    "etl",
)

#: The deployed database. {p} is the run's role prefix. Owned by the superuser unless said.
CITY_SQL = """
CREATE SCHEMA pars; CREATE SCHEMA lock_and_track; CREATE SCHEMA staging;
CREATE SCHEMA federal_exports; CREATE SCHEMA interchange; CREATE SCHEMA open_data; CREATE SCHEMA fbi_exports;

CREATE TABLE pars.persons (person_id int, full_name text, ssn text, date_of_birth date, country_of_birth text,
  home_address text, phone text, race text, sex text, person_role varchar(20));
CREATE TABLE pars.arrests (arrest_id int, person_id int, arrest_date date, arresting_district text, offense_code text,
  incident_block text, police_narrative text) PARTITION BY RANGE (arrest_date);
CREATE TABLE pars.arrests_2024 PARTITION OF pars.arrests FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- A grant on one partition: it is read as a view over the partitioned table.
GRANT SELECT ON pars.arrests_2024 TO {p}_usms_reader;
CREATE TABLE pars.charges (charge_id int, arrest_id int, statute text, charge_grade text, docket_number text);
CREATE TABLE lock_and_track.inmates (inmate_id int, pid int, inmate_name text, race text, self_reported_country text,
  date_of_birth date, ssn text, a_number text, immigration_status text, home_address text, facility text,
  custody_status varchar(20), admission_date date, release_date date);

-- (3) Upstream adds a column; the SELECT * views re-deployed after it carry it.
ALTER TABLE pars.persons ADD COLUMN birth_place text;
CREATE VIEW staging.v_persons_all AS SELECT * FROM pars.persons;
CREATE VIEW federal_exports.v_ice_people AS SELECT * FROM staging.v_persons_all WHERE person_role = 'arrestee';

-- (1) A federal role reaches PARS through a role it inherits.
CREATE VIEW interchange.v_warrant_sync AS
SELECT a.arrest_id, a.offense_code, p.full_name
FROM pars.arrests a JOIN pars.persons p ON p.person_id = a.person_id
WHERE p.person_role = 'arrestee';
GRANT SELECT ON interchange.v_warrant_sync TO {p}_warrant_sync;
GRANT {p}_warrant_sync TO {p}_ice_ero_analyst;

-- A NOINHERIT member still reaches a role's grants, with SET ROLE (PostgreSQL 15).
CREATE VIEW interchange.v_hub_feed AS SELECT a.arrest_id, a.arrest_date FROM pars.arrests a;
GRANT SELECT ON interchange.v_hub_feed TO {p}_hub_sync;
GRANT {p}_hub_sync TO {p}_dvic_etl;

-- (2) Drift: hand-edited in production (release_date added); the repository has the reviewed version.
CREATE VIEW federal_exports.v_ice_roster AS
SELECT i.inmate_name, i.race, i.release_date FROM lock_and_track.inmates i WHERE i.custody_status = 'in_custody';
-- Deployed exactly as reviewed: PostgreSQL re-spells IN, BETWEEN and the varchar comparison.
CREATE VIEW federal_exports.v_lt_roster AS
SELECT i.inmate_name, i.race, i.self_reported_country FROM lock_and_track.inmates i
WHERE i.custody_status IN ('in_custody', 'on_hold') AND i.inmate_id BETWEEN 1 AND 100000;
GRANT SELECT ON federal_exports.v_lt_roster TO {p}_ice_reader;
GRANT SELECT ON federal_exports.v_lt_roster TO {p}_usms_reader;
CREATE VIEW staging.v_scratch AS SELECT i.facility FROM lock_and_track.inmates i;

-- (4) A grant to PUBLIC.
CREATE VIEW open_data.v_origin_census AS
SELECT p.country_of_birth, p.race FROM pars.persons p WHERE p.person_role = 'arrestee';
GRANT SELECT ON open_data.v_origin_census TO PUBLIC;

-- (5) Row-level security proves the FBI sees arrestees only (RLS_SQL below, when enabled).
GRANT SELECT (person_id, full_name, sex, race, person_role) ON pars.persons TO {p}_fbi_cjis;
CREATE VIEW fbi_exports.v_invoker WITH (security_invoker = true) AS SELECT p.person_id, p.sex FROM pars.persons p;
CREATE VIEW fbi_exports.v_definer AS SELECT p.person_id, p.sex FROM pars.persons p;
GRANT SELECT ON fbi_exports.v_invoker, fbi_exports.v_definer TO {p}_fbi_cjis;
-- PostgreSQL stores joins parenthesised; the join condition is still a predicate.
CREATE VIEW fbi_exports.v_targets AS
SELECT a.arrest_id FROM pars.arrests a JOIN pars.persons p ON p.person_id = a.person_id AND p.country_of_birth = 'MX'
WHERE p.person_role = 'arrestee';
GRANT SELECT ON fbi_exports.v_targets TO {p}_fbi_cjis;

-- Ownership and default privileges.
CREATE VIEW staging.v_owned AS SELECT a.arrest_id, a.arresting_district FROM pars.arrests a;
ALTER VIEW staging.v_owned OWNER TO {p}_ice_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE {p}_etl IN SCHEMA fbi_exports GRANT SELECT ON TABLES TO {p}_usms_reader;
CREATE VIEW fbi_exports.v_etl_made AS SELECT i.inmate_name, i.ssn FROM lock_and_track.inmates i;
ALTER VIEW fbi_exports.v_etl_made OWNER TO {p}_etl;

-- A postgres_fdw foreign table exposing PARS in the ICE delivery schema.
CREATE EXTENSION postgres_fdw;
CREATE SERVER pars_link FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'pars_prod');
CREATE FOREIGN TABLE federal_exports.ft_people (person_id int, tax_id text OPTIONS (column_name 'ssn'))
  SERVER pars_link OPTIONS (schema_name 'pars', table_name 'persons');
GRANT SELECT ON federal_exports.ft_people TO {p}_fbi_cjis;
"""
RLS_SQL = """
ALTER TABLE pars.persons ENABLE ROW LEVEL SECURITY;
CREATE POLICY offenders_only ON pars.persons FOR SELECT TO {p}_fbi_cjis USING (person_role = 'arrestee');
"""

#: The reviewed SQL in the repository.
REPO = {
    "staging/v_persons_all.sql": "CREATE VIEW staging.v_persons_all AS SELECT * FROM pars.persons;\n",
    "federal_exports/v_ice_people.sql": "CREATE VIEW federal_exports.v_ice_people AS\nSELECT * FROM staging.v_persons_all WHERE person_role = 'arrestee';\n",
    "federal_exports/v_ice_roster.sql": (
        "CREATE VIEW federal_exports.v_ice_roster AS\n"
        "SELECT i.inmate_name, i.race FROM lock_and_track.inmates i WHERE i.custody_status = 'in_custody';\n"
    ),
    "federal_exports/v_lt_roster.sql": (
        "-- ICE roster: allowlisted Lock and Track fields only.\n"
        "CREATE VIEW federal_exports.v_lt_roster AS\n"
        "SELECT inmate_name, race, self_reported_country\n"
        "FROM lock_and_track.inmates\n"
        "WHERE inmate_id BETWEEN 1 AND 100000 AND custody_status IN ('in_custody', 'on_hold');\n"
        "GRANT SELECT ON federal_exports.v_lt_roster TO {p}_ice_reader;\n"
    ),
    "federal_exports/v_planned.sql": "CREATE VIEW federal_exports.v_planned AS SELECT i.race FROM lock_and_track.inmates i;\n",
}


def audit(
    database: str, policies: Path, tmp_path: Path, **options: object
) -> tuple[RunResult, AuditTrace]:
    trace = AuditTrace()
    result = run_audit(AuditOptions(policies, pg_url(database), **options), trace)  # type: ignore[arg-type]
    return result, trace


def findings(result: RunResult, rule: str, consumer: str, obj: str) -> list:
    return [
        f
        for f in result.findings
        if f.rule_id == rule and f.consumer == consumer and f.object == obj
    ]


def notices(result: RunResult, code: str, obj: str | None = None) -> list:
    return [n for n in result.notices if n.code == code and (obj is None or n.object == obj)]


@pytest.fixture(scope="module")
def city(
    postgres: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunResult, AuditTrace, Path]:
    """The demo city with row-level security, audited with the repository SQL."""
    tmp = tmp_path_factory.mktemp("city")
    pg_roles(
        *(f"{postgres}_{r}" for r in ROLES), options={f"{postgres}_dvic_etl": "NOLOGIN NOINHERIT"}
    )
    pg_database(f"{postgres}_city", (CITY_SQL + RLS_SQL).format(p=postgres))
    policies = prefixed_policies(tmp, postgres)
    for name, sql in REPO.items():
        write_file(tmp / "repo", name, sql.format(p=postgres))
    repo = tuple(sql_inputs_from_paths([tmp / "repo"], "postgres", tmp))
    result, trace = audit(f"{postgres}_city", policies, tmp, repo_inputs=repo)
    return result, trace, policies


def test_federal_role_reaches_pars_through_an_inherited_role(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    found = findings(result, "phl-pars-no-ice", "ice", "interchange.v_warrant_sync")
    assert {f.output_column for f in found} >= {"arrest_id", "offense_code", "full_name"}
    assert all(
        f"{PREFIX}_ice_ero_analyst inherits {PREFIX}_warrant_sync" in f.delivery for f in found
    )
    assert found[0].location.path.endswith("#interchange.v_warrant_sync")


def test_noinherit_member_still_reaches_with_set_role(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    # dvic_etl is NOINHERIT, yet it can SET ROLE hub_sync; DVIC passes data on to ICE.
    found = findings(result, "phl-pars-no-ice", "ice", "interchange.v_hub_feed")
    assert found and all(
        f"does not inherit {PREFIX}_hub_sync but can SET ROLE" in f.delivery
        and "passed on by dvic" in f.delivery
        for f in found
    )


def test_hand_edited_view_drifted_from_the_repository(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    (drift,) = notices(result, "audit.drift", "federal_exports.v_ice_roster")
    assert drift.blocking
    assert (
        "output columns (inmate_name, race, release_date) instead of (inmate_name, race)"
        in drift.message
    )
    # The deployed version is what is audited: the added release date is a violation.
    assert findings(result, "phl-release-date-no-ice", "ice", "federal_exports.v_ice_roster")


def test_drift_is_normalised_not_byte_compared(city: tuple[RunResult, AuditTrace, Path]) -> None:
    result, _, _ = city
    # PostgreSQL stores "= ANY (ARRAY[...])", two comparisons and casts; SELECT * is expanded.
    for same in (
        "federal_exports.v_lt_roster",
        "staging.v_persons_all",
        "federal_exports.v_ice_people",
    ):
        assert not [n for n in notices(result, "audit.drift", same) if "differs" in n.message], same


def test_drift_only_in_database_only_in_repository_and_grants(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    assert any(
        "exists in the database but in no repository SQL file" in n.message
        for n in notices(result, "audit.drift", "staging.v_scratch")
    )
    assert any(
        "does not exist in the database" in n.message
        for n in notices(result, "audit.drift", "federal_exports.v_planned")
    )
    grant = [
        n
        for n in notices(result, "audit.drift", "federal_exports.v_lt_roster")
        if n.message.startswith("SELECT on")
    ]
    assert [n.message for n in grant] == [
        f"SELECT on federal_exports.v_lt_roster to {PREFIX}_usms_reader: granted on every column in the database, not granted in the repository"
    ]


def test_column_added_upstream_flows_through_select_star(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    (unclassified,) = notices(result, "audit.unclassified_column", "pars.persons")
    assert unclassified.blocking and "pars.persons.birth_place" in unclassified.message
    assert "federal_exports.v_ice_people" in unclassified.message and "ice" in unclassified.message
    (leak,) = [
        f
        for f in findings(result, "phl-pars-no-ice", "ice", "federal_exports.v_ice_people")
        if f.output_column == "birth_place"
    ]
    assert leak.lineage_path == (
        "pars.persons.birth_place",
        "staging.v_persons_all.birth_place",
        "federal_exports.v_ice_people.birth_place",
    )


def test_grant_to_public(city: tuple[RunResult, AuditTrace, Path]) -> None:
    result, _, _ = city
    for consumer in ("ice", "usms", "fbi"):
        (found,) = [
            f
            for f in findings(
                result, "phl-protected-classes-no-federal", consumer, "open_data.v_origin_census"
            )
            if f.output_column == "country_of_birth"
        ]
        assert "to PUBLIC" in found.delivery


def test_row_level_policy_satisfies_the_row_restriction(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    assert not findings(result, "phl-pars-offenders-only", "fbi", "pars.persons")
    # A security_invoker view reads with the FBI role's rights, so the policy applies ...
    assert not findings(result, "phl-pars-offenders-only", "fbi", "fbi_exports.v_invoker")
    # ... a definer view owned by the superuser bypasses it.
    assert findings(result, "phl-pars-offenders-only", "fbi", "fbi_exports.v_definer")


def test_same_table_without_row_level_security_is_a_finding(postgres: str, tmp_path: Path) -> None:
    pg_roles(
        *(f"{postgres}_{r}" for r in ROLES), options={f"{postgres}_dvic_etl": "NOLOGIN NOINHERIT"}
    )
    pg_database(f"{postgres}_norls", CITY_SQL.format(p=postgres))
    result, _ = audit(f"{postgres}_norls", prefixed_policies(tmp_path, postgres), tmp_path)
    (found,) = findings(result, "phl-pars-offenders-only", "fbi", "pars.persons")
    assert found.output_column is None and found.location.path.endswith("#pars.persons")
    assert findings(result, "phl-pars-offenders-only", "fbi", "fbi_exports.v_invoker")


def test_ownership_default_privileges_and_foreign_tables(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    owned = findings(result, "phl-pars-no-ice", "ice", "staging.v_owned")
    assert owned and "owner of view staging.v_owned" in owned[0].delivery
    etl = findings(result, "phl-protected-classes-no-federal", "usms", "fbi_exports.v_etl_made")
    assert etl and "ALTER DEFAULT PRIVILEGES" in etl[0].delivery
    fdw = [
        f
        for f in findings(result, "phl-pars-no-ice", "ice", "federal_exports.ft_people")
        if f.output_column == "tax_id"
    ]
    assert fdw and fdw[0].sources == ("pars.persons.ssn",)
    # The foreign rows come from the remote PARS: the local table's row policy (which applies
    # to the FBI role) proves nothing about them.
    assert findings(result, "phl-pars-offenders-only", "fbi", "federal_exports.ft_people")


def test_join_condition_in_a_stored_parenthesised_join(
    city: tuple[RunResult, AuditTrace, Path],
) -> None:
    result, _, _ = city
    (found,) = findings(result, "phl-no-birth-country-targeting", "fbi", "fbi_exports.v_targets")
    assert found.clause == "JOIN ON" and found.sources == ("pars.persons.country_of_birth",)


def test_partition_is_read_through_its_parent(city: tuple[RunResult, AuditTrace, Path]) -> None:
    result, _, _ = city
    (narrative,) = [
        f
        for f in findings(result, "phl-protected-classes-no-federal", "usms", "pars.arrests_2024")
        if f.output_column == "police_narrative"
    ]
    assert narrative.sources == ("pars.arrests.police_narrative",)
    assert not [
        n
        for n in result.notices
        if n.code == "audit.unclassified_column" and n.object == "pars.arrests_2024"
    ]


def test_run_fails_and_is_fully_analysed(city: tuple[RunResult, AuditTrace, Path]) -> None:
    result, trace, _ = city
    assert result.errors == []
    assert result.exit_code == 1
    assert {"introspection", "lineage", "rules", "drift", "total"} <= set(trace.timings)
    database = result.extra_files[0]
    assert database.path == pg_url(f"{PREFIX}_city") and "pars.persons" in database.objects


def test_dblink_view_fails_closed(postgres: str, tmp_path: Path) -> None:
    pg_database(
        f"{postgres}_links",
        "CREATE EXTENSION dblink; CREATE SCHEMA remote_links;"
        " CREATE VIEW remote_links.v_remote AS SELECT * FROM dblink('dbname=elsewhere', 'select 1') AS t(x int);",
    )
    result, _ = audit(
        f"{postgres}_links",
        prefixed_policies(tmp_path, postgres),
        tmp_path,
        schemas=("remote_links",),
    )
    assert [e.code for e in result.errors] == ["analysis.dynamic_sql"]
    assert result.exit_code == 2
