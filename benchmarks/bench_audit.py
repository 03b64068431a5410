#!/usr/bin/env python
"""Benchmark ``sharing-audit audit`` on a live PostgreSQL database with many views.

Standalone script, not a test::

    python benchmarks/bench_audit.py            # 1,000 views, 10,000 view columns
    python benchmarks/bench_audit.py --quick    # 100 views, 1,000 view columns
    python benchmarks/bench_audit.py --reps 5 --dsn "host=127.0.0.1 user=postgres dbname=test"

It creates a database ``sabench_<pid>`` (and roles ``sabench_<pid>_*``) on the server, laid
out like the demo jurisdiction: the demo catalog's tables, then views spread over ten
schemas, each with ten output columns, a third of them built on earlier views (chains up to
eight deep), with joins, filters, derived columns and grants to the demo's consumer roles
(some through role inheritance, some to PUBLIC). The repository SQL for the same views is
written to a temporary directory, so drift is measured too. The audit then runs ``--reps``
times; the script prints the median time of each phase (introspection, lineage, rules,
drift, total) and the process's peak RSS, and drops everything it created (also leftovers
of earlier runs whose process is gone).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import yaml

import sharing_audit
from sharing_audit.checks import sql_inputs_from_paths
from sharing_audit.live.audit import AuditOptions, AuditTrace, run_audit

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261125
COLUMNS_PER_VIEW = 10
SCHEMAS = [f"bench_{i:02d}" for i in range(9)] + ["federal_exports"]
ROLES = [
    "ice_reader",
    "ice_ero_analyst",
    "usms_reader",
    "fbi_cjis",
    "dvic_etl",
    "research_reader",
    "relay",
]

#: Base tables as the demo catalog lists them (column → SQL type).
TABLES = {
    "pars.persons": [
        "person_id int",
        "full_name text",
        "ssn text",
        "date_of_birth date",
        "country_of_birth text",
        "home_address text",
        "phone text",
        "race text",
        "sex text",
        "person_role text",
    ],
    "pars.arrests": [
        "arrest_id int",
        "person_id int",
        "arrest_date date",
        "arresting_district text",
        "offense_code text",
        "incident_block text",
        "police_narrative text",
    ],
    "pars.charges": [
        "charge_id int",
        "arrest_id int",
        "statute text",
        "charge_grade text",
        "docket_number text",
    ],
    "lock_and_track.inmates": [
        "inmate_id int",
        "pid int",
        "inmate_name text",
        "race text",
        "self_reported_country text",
        "date_of_birth date",
        "ssn text",
        "a_number text",
        "immigration_status text",
        "home_address text",
        "facility text",
        "custody_status text",
        "admission_date date",
        "release_date date",
    ],
    "courts.cases": [
        "docket_number text",
        "person_id int",
        "filing_date date",
        "case_status text",
        "disposition text",
    ],
}
#: Join shapes of base views: (FROM clause, the aliases' tables).
JOINS = [
    ("pars.persons p", {"p": "pars.persons"}),
    (
        "pars.persons p JOIN pars.arrests a ON a.person_id = p.person_id",
        {"p": "pars.persons", "a": "pars.arrests"},
    ),
    (
        "pars.arrests a JOIN pars.charges c ON c.arrest_id = a.arrest_id",
        {"a": "pars.arrests", "c": "pars.charges"},
    ),
    ("lock_and_track.inmates i", {"i": "lock_and_track.inmates"}),
    (
        "lock_and_track.inmates i LEFT JOIN courts.cases k ON k.person_id = i.pid",
        {"i": "lock_and_track.inmates", "k": "courts.cases"},
    ),
]
FILTERS = {
    "p": "p.person_role = 'arrestee'",
    "i": "i.custody_status IN ('in_custody', 'on_hold')",
    "a": "a.arrest_date >= DATE '2024-01-01'",
}


def views(count: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """``(schema.name, query, grants)`` for ``count`` views of ten columns each."""
    out: list[tuple[str, str, list[str]]] = []
    depth: dict[str, int] = {}
    for n in range(count):
        schema = SCHEMAS[n % len(SCHEMAS)]
        name = f"{schema}.v_{n:04d}"
        upstream = [v for v, _, _ in out if depth[v] < 8]
        if upstream and rng.random() < 0.35:
            source = rng.choice(upstream)
            depth[name] = depth[source] + 1
            exprs = []
            for j in range(COLUMNS_PER_VIEW):
                col = f"v.c{rng.randrange(COLUMNS_PER_VIEW):02d}"
                exprs.append(
                    rng.choice(
                        [
                            col,
                            f"upper({col}::text)",
                            f"coalesce({col}::text, '')",
                            f"right({col}::text, 4)",
                        ]
                    )
                    + f" AS c{j:02d}"
                )
            query = f"SELECT {', '.join(exprs)} FROM {source} v WHERE v.c00 IS NOT NULL"
        else:
            depth[name] = 0
            from_clause, aliases = rng.choice(JOINS)
            pool = [
                f"{alias}.{col.split()[0]}"
                for alias, table in aliases.items()
                for col in TABLES[table]
            ]
            exprs = [rng.choice(pool) + f" AS c{j:02d}" for j in range(COLUMNS_PER_VIEW)]
            where = [FILTERS[a] for a in aliases if a in FILTERS and rng.random() < 0.7]
            query = f"SELECT {', '.join(exprs)} FROM {from_clause}" + (
                f" WHERE {' AND '.join(where)}" if where else ""
            )
        grants = [rng.choice(ROLES)] if rng.random() < 0.5 else []
        if rng.random() < 0.02:
            grants.append("PUBLIC")
        out.append((name, query, grants))
    return out


def setup(
    conn_info: str, database: str, prefix: str, items: list[tuple[str, str, list[str]]]
) -> float:
    """Create the database, roles, tables and views; return the seconds it took."""
    t0 = time.perf_counter()
    with psycopg.connect(conn_info, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
        for role in ROLES:
            if not conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (f"{prefix}_{role}",)
            ).fetchone():
                conn.execute(f'CREATE ROLE "{prefix}_{role}" NOLOGIN')
        conn.execute(f'GRANT "{prefix}_relay" TO "{prefix}_ice_ero_analyst"')
    sql = ["CREATE SCHEMA pars; CREATE SCHEMA lock_and_track; CREATE SCHEMA courts;"]
    sql += [f"CREATE SCHEMA {s};" for s in SCHEMAS]
    sql += [f"CREATE TABLE {t} ({', '.join(cols)});" for t, cols in TABLES.items()]
    for name, query, grants in items:
        sql.append(f"CREATE VIEW {name} AS {query};")
        sql += [
            f"GRANT SELECT ON {name} TO {g if g == 'PUBLIC' else f'{prefix}_{g}'};" for g in grants
        ]
    with psycopg.connect(
        re.sub(r"dbname=\S+", f"dbname={database}", conn_info), autocommit=True
    ) as conn:
        conn.execute("\n".join(sql))
    return time.perf_counter() - t0


def cleanup(conn_info: str, only: str | None = None) -> None:
    """Drop this run's database and roles, and leftovers of runs whose process is gone."""
    with psycopg.connect(conn_info, autocommit=True) as conn:
        for (name,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'sabench\\_%'"
        ).fetchall():
            if name == only or _stale(name):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for (role,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'sabench\\_%'"
        ).fetchall():
            if (only and role.startswith(only + "_")) or _stale(role):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _stale(name: str) -> bool:
    match = re.match(r"^sabench_(\d+)", name)
    if not match:
        return False
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def policies(root: Path, prefix: str) -> Path:
    """The demo policies with the run's role names (roles are cluster-wide)."""
    target = root / "policies"
    shutil.copytree(ROOT / "policies", target, ignore=shutil.ignore_patterns("*.test.sql"))
    path = target / "delivery.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for mapping in doc["delivery"]["roles"]:
        mapping["role"] = f"{prefix}_{mapping['role']}"
        mapping.pop("member_of", None)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return target


def repo_sql(root: Path, items: list[tuple[str, str, list[str]]], prefix: str) -> Path:
    """The reviewed SQL: one file per view with its grants, as written (the server re-spells
    what it stores, so a clean comparison exercises the normalisation; expect no drift)."""
    repo = root / "repo"
    repo.mkdir()
    for name, query, grants in items:
        lines = [f"CREATE VIEW {name} AS\n{query};"]
        lines += [
            f"GRANT SELECT ON {name} TO {g if g == 'PUBLIC' else f'{prefix}_{g}'};" for g in grants
        ]
        (repo / f"{name}.sql").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 views instead of 1,000")
    parser.add_argument(
        "--views", type=int, default=None, help="number of views (overrides --quick)"
    )
    parser.add_argument("--reps", type=int, default=3, help="audits to run; medians are printed")
    parser.add_argument(
        "--dsn",
        default="host=127.0.0.1 port=5432 user=postgres dbname=test",
        help="libpq connection string of an account that may create databases and roles",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    count = args.views or (100 if args.quick else 1000)
    prefix = f"sabench_{os.getpid()}"
    database = prefix
    rng = random.Random(SEED)
    items = views(count, rng)
    cleanup(args.dsn)
    seconds = setup(args.dsn, database, prefix, items)
    host = dict(p.split("=", 1) for p in args.dsn.split())
    url = f"postgresql://{host.get('user', 'postgres')}@{host.get('host', '127.0.0.1')}:{host.get('port', '5432')}/{database}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            options = AuditOptions(
                policies(root, prefix),
                url,
                repo_inputs=tuple(
                    sql_inputs_from_paths([repo_sql(root, items, prefix)], "postgres", root)
                ),
                statement_timeout=120.0,
            )
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            runs: list[AuditTrace] = []
            result = None
            for _ in range(args.reps):
                trace = AuditTrace()
                result = run_audit(options, trace)
                runs.append(trace)
            assert result is not None
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        if not args.keep:
            cleanup(args.dsn, only=database)
    snapshot = runs[-1].snapshot
    assert snapshot is not None
    view_columns = sum(len(o.columns) for o in snapshot.objects.values() if o.kind.has_definition)
    drift = sum(1 for n in result.notices if n.code == "audit.drift")
    print(
        f"sharing-audit {sharing_audit.__version__} audit benchmark; Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"database: {count} views, {view_columns} view columns, {len(snapshot.objects) - count} tables, {len(snapshot.grants)} grants (set up in {seconds:.1f} s)"
    )
    print(
        f"result: {len(result.findings)} findings, {len(result.errors)} analysis errors, {drift} drift notices, {len(runs[-1].statements)} statements sent"
    )
    print(f"median of {args.reps} audits:")
    for phase in ("introspection", "lineage", "rules", "drift", "total"):
        values = [r.timings.get(phase, 0.0) for r in runs]
        print(
            f"  {phase:<14} {statistics.median(values):8.2f} s   (min {min(values):.2f}, max {max(values):.2f})"
        )
    print(f"peak RSS: {peak:.0f} MB (before the audits: {rss_before:.0f} MB)")
    if result.errors:
        for e in result.errors[:10]:
            print(f"  analysis error: {e.path}: {e.code}: {e.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
