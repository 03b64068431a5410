"""``--sample``: detector matches counted inside the database; only counts come back."""

from __future__ import annotations

from pathlib import Path

import duckdb
from livedb import maria_run, maria_url, pg_database, pg_url

from helpers import DEMO_POLICIES
from sharing_audit.exports.detectors import Detector
from sharing_audit.live.audit import AuditOptions, AuditTrace, run_audit

DETECTORS = {
    "ssn": Detector("ssn", "US Social Security number", 0.9, regex=r"\b\d{3}-\d{2}-\d{4}\b"),
    "country": Detector(
        "country", "country name", 0.5, vocabulary=frozenset({"mexico", "guatemala"})
    ),
}
VALUES = ["123-45-6789", "987-65-4321", "555-12-3456", "none", None]


def sample_messages(result) -> dict[str, str]:
    return {n.message.split(":")[0]: n.message for n in result.notices if n.code == "audit.sample"}


def assert_counts(result, trace: AuditTrace) -> None:
    messages = sample_messages(result)
    assert messages["federal_exports.v_ids.tax_ref"].startswith(
        "federal_exports.v_ids.tax_ref: 3 of the first 5 rows match detector ssn"
    )
    assert (
        "2 of the first 5 rows match detector country" in messages["federal_exports.v_ids.origin"]
    )
    text = " ".join(n.message for n in result.notices)
    assert not any(v in text for v in VALUES if v and v != "none")
    (query,) = [s for s in trace.statements if "LIMIT 1000" in s]
    assert query.startswith("SELECT COUNT(*), SUM(CASE WHEN") and "6789" not in query


def test_postgres_sample(postgres: str) -> None:
    rows = ", ".join(
        f"({i}, {'NULL' if v is None else repr(v)}, {repr(c)})"
        for i, (v, c) in enumerate(
            zip(VALUES, ["Mexico", " guatemala ", "Canada", "x", "y"], strict=True)
        )
    )
    pg_database(
        f"{postgres}_sample",
        "CREATE SCHEMA pars; CREATE SCHEMA federal_exports;"
        " CREATE TABLE pars.persons (person_id int, ssn text, country_of_birth text);"
        f" INSERT INTO pars.persons VALUES {rows};"
        " CREATE VIEW federal_exports.v_ids AS SELECT p.person_id, p.ssn AS tax_ref, p.country_of_birth AS origin FROM pars.persons p;",
    )
    trace = AuditTrace()
    result = run_audit(
        AuditOptions(
            DEMO_POLICIES, pg_url(f"{postgres}_sample"), sample_rows=1000, detectors=DETECTORS
        ),
        trace,
    )
    assert_counts(result, trace)
    assert not [n for n in result.notices if n.code == "audit.sample" and n.blocking]


def test_mariadb_sample(mariadb: str) -> None:
    pars, fe = f"{mariadb}_spars", f"{mariadb}_sfe"
    rows = ", ".join(
        f"({i}, {'NULL' if v is None else repr(v)}, {repr(c)})"
        for i, (v, c) in enumerate(
            zip(VALUES, ["Mexico", " guatemala ", "Canada", "x", "y"], strict=True)
        )
    )
    maria_run(
        [
            f"DROP DATABASE IF EXISTS {pars}",
            f"DROP DATABASE IF EXISTS {fe}",
            f"CREATE DATABASE {pars}",
            f"CREATE DATABASE {fe}",
            f"CREATE TABLE {pars}.persons (person_id int, ssn text, country_of_birth text)",
            f"INSERT INTO {pars}.persons VALUES {rows}",
            f"CREATE VIEW {fe}.v_ids AS SELECT p.person_id, p.ssn AS tax_ref, p.country_of_birth AS origin FROM {pars}.persons p",
        ]
    )
    trace = AuditTrace()
    options = AuditOptions(
        DEMO_POLICIES,
        maria_url(),
        schemas=(pars, fe),
        schema_map=((pars, "pars"), (fe, "federal_exports")),
        sample_rows=1000,
        detectors=DETECTORS,
    )
    assert_counts(run_audit(options, trace), trace)


def test_duckdb_sample(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE SCHEMA pars; CREATE SCHEMA federal_exports; CREATE TABLE pars.persons (person_id INT, ssn VARCHAR, country_of_birth VARCHAR)"
    )
    conn.executemany(
        "INSERT INTO pars.persons VALUES (?, ?, ?)",
        [
            (i, v, c)
            for i, (v, c) in enumerate(
                zip(VALUES, ["Mexico", " guatemala ", "Canada", "x", "y"], strict=True)
            )
        ],
    )
    conn.execute(
        "CREATE VIEW federal_exports.v_ids AS SELECT p.person_id, p.ssn AS tax_ref, p.country_of_birth AS origin FROM pars.persons p"
    )
    conn.close()
    trace = AuditTrace()
    assert_counts(
        run_audit(
            AuditOptions(DEMO_POLICIES, f"duckdb:///{path}", sample_rows=1000, detectors=DETECTORS),
            trace,
        ),
        trace,
    )
