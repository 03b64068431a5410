#!/usr/bin/env python
"""Benchmark the static column-lineage checker against sqlglot's own building blocks.

Standalone script, not a test::

    python benchmarks/bench_lineage.py            # full run (under a minute)
    python benchmarks/bench_lineage.py --quick    # smoke run for CI (about 7 s)
    python benchmarks/bench_lineage.py --profile many   # cProfile one scenario

It writes a synthetic policy catalog and synthetic SQL into a temporary directory and
measures, in one run:

1. one 200-column view: sqlglot parse alone, parse + qualify, the checker
   (``build_graph`` over that one file, parse included), sqlglot's one-call lineage of all
   columns (``lineage(None, ...)``) and ``lineage()`` called once per column;
2. a 20-deep view chain (one file per view) against a single view of the same shape;
3. 500 views / 1,500 output columns (chains and fan-out), one file each: time and memory.

Every time is the median of several repetitions (``time.perf_counter``), after one
warm-up run; figures that are compared with each other are measured in interleaved rounds.
The exit status is 0 unless the checker fails to analyse the generated SQL (missed
performance targets are reported, not failed: timings depend on the machine).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import importlib.metadata
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlglot
import sqlglot.tokens
from sqlglot.lineage import lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

import sharing_audit
from sharing_audit.catalog import Catalog
from sharing_audit.lineage.graph import LineageGraph, SqlInput, build_graph
from sharing_audit.policy.loader import load_policies

DIALECT = "postgres"
SEED = 20261125

# --------------------------------------------------------------------------------------
# Synthetic catalog
# --------------------------------------------------------------------------------------

#: system ``hr``: table -> columns. Column names are unique across tables except the
#: join keys, so that unqualified references are resolvable by qualify.
TABLES: dict[str, list[str]] = {
    "people": [
        "person_id",
        "full_name",
        "ssn",
        "dob",
        "country_of_birth",
        "home_address",
        "phone",
        "email",
        "race",
        "sex",
    ]
    + [f"p_attr_{i:03d}" for i in range(1, 91)],
    "cases": ["case_id", "person_id", "status", "opened_on", "closed_on", "case_note"]
    + [f"c_attr_{i:03d}" for i in range(1, 61)],
    "visits": ["visit_id", "case_id", "visit_date", "visit_note", "location"]
    + [f"v_attr_{i:03d}" for i in range(1, 61)],
    # The first view of the chain scenario reads this table with the same query shape as
    # every later view, so that "single view" and "one link of the chain" cost the same.
    "events": [f"c{j:02d}" for j in range(10)],
}
CLASSES = {
    "ssn": "ssn",
    "dob": "date_of_birth",
    "country_of_birth": "country_of_birth",
    "home_address": "home_address",
    "full_name": "person_name",
}


def write_policy(root: Path) -> Path:
    """A minimal valid policy set: one system with four tables and one deny_classes rule."""
    pol = root / "policies"
    pol.mkdir(parents=True)
    lines = ["policy:", "  name: benchmark", '  version: "1"', "classes:"]
    for cls in sorted(set(CLASSES.values())):
        lines += [f"  - id: {cls}", f"    description: {cls}"]
    lines += ["systems:", "  - id: hr", "    name: Synthetic HR system", "    tables:"]
    for table, cols in TABLES.items():
        lines += [f"      - name: {table}", "        columns:"]
        for col in cols:
            col_cls = CLASSES.get(col)
            extra = f", class: {col_cls}" if col_cls else ""
            lines.append(f"          - {{name: {col}{extra}}}")
    lines += [
        "consumers:",
        "  - id: fed",
        "    name: A federal agency",
        "    federal: true",
        "    level: federal",
        "rules:",
        "  - id: bench-no-ssn",
        "    kind: deny_classes",
        "    summary: No SSN to federal consumers.",
        "    authority: {title: Benchmark}",
        "    applies_to: {federal: true}",
        "    flows: [value]",
        "    severity: error",
        "    classes: [ssn]",
    ]
    (pol / "policy.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pol


def schema_mapping() -> dict[str, object]:
    """The catalog as a sqlglot schema mapping (what the sqlglot baselines get)."""
    return {"hr": {t: {c: "TEXT" for c in cols} for t, cols in TABLES.items()}}


# --------------------------------------------------------------------------------------
# Synthetic SQL
# --------------------------------------------------------------------------------------


def wide_view_query(n_columns: int = 200) -> tuple[str, list[str]]:
    """A 200-column SELECT joining 3 catalog tables (one through a CTE), no WHERE / GROUP BY.

    Mix: ~40 % plain column references (identity), ~25 % function calls, ~15 % CASE,
    ~10 % expressions over two sources, ~10 % columns read through the CTE.
    """
    rng = random.Random(SEED)
    p_cols = [c for c in TABLES["people"] if c.startswith("p_attr")]
    c_cols = [c for c in TABLES["cases"] if c.startswith("c_attr")]
    v_cols = [c for c in TABLES["visits"] if c.startswith("v_attr")]
    cte_cols = c_cols[:30]
    funcs = [
        "UPPER({})",
        "LOWER({})",
        "TRIM({})",
        "LEFT({}, 3)",
        "MD5({})",
        "COALESCE({}, 'n/a')",
        "LENGTH({})",
        "REPLACE({}, '-', '')",
    ]
    items: list[str] = []
    names: list[str] = []

    def add(expr: str, name: str) -> None:
        items.append(f"{expr} AS {name}" if expr.split(".")[-1] != name else expr)
        names.append(name)

    # A few well-known identity columns, one of them unqualified.
    add("p.person_id", "person_id")
    add("p.full_name", "full_name")
    add("RIGHT(p.ssn, 4)", "ssn_last4")
    add("visit_note", "visit_note")  # unqualified, unique to hr.visits
    i = 0
    while len(items) < n_columns:
        i += 1
        kind = rng.random()
        if kind < 0.40:
            src = rng.choice([("p", p_cols), ("v", v_cols)])
            add(f"{src[0]}.{src[1][i % len(src[1])]}", f"id_{i:03d}")
        elif kind < 0.65:
            col = p_cols[i % len(p_cols)]
            add(rng.choice(funcs).format(f"p.{col}"), f"fn_{i:03d}")
        elif kind < 0.80:
            a, b, c = p_cols[i % len(p_cols)], cte_cols[i % len(cte_cols)], v_cols[i % len(v_cols)]
            add(
                f"CASE WHEN r.status = 'open' THEN p.{a} WHEN v.{c} IS NULL THEN r.{b} "
                f"ELSE 'x' END",
                f"case_{i:03d}",
            )
        elif kind < 0.90:
            a, c = p_cols[(i * 7) % len(p_cols)], v_cols[(i * 3) % len(v_cols)]
            add(f"p.{a} || ' / ' || COALESCE(v.{c}, '')", f"expr_{i:03d}")
        else:
            add(f"r.{cte_cols[i % len(cte_cols)]}", f"cte_{i:03d}")
    select = ",\n  ".join(items)
    sql = (
        "WITH recent AS (\n"
        f"  SELECT c.case_id, c.person_id, c.status, {', '.join('c.' + x for x in cte_cols)}\n"
        "  FROM hr.cases AS c\n"
        ")\n"
        f"SELECT\n  {select}\n"
        "FROM hr.people AS p\n"
        "JOIN recent AS r ON r.person_id = p.person_id\n"
        "LEFT JOIN hr.visits AS v ON v.case_id = r.case_id"
    )
    return sql, names


def view_file(name: str, query: str) -> str:
    return f"-- dialect: {DIALECT}\nCREATE VIEW {name} AS\n{query};\n"


def chain_query(upstream: str, n_columns: int = 10) -> str:
    """~10 columns read from ``upstream`` (identity, functions, one CASE over three columns)."""
    cols = [f"c{j:02d}" for j in range(n_columns)]
    items = [f"u.{cols[0]}", f"UPPER(u.{cols[1]}) AS {cols[1]}", f"TRIM(u.{cols[2]}) AS {cols[2]}"]
    items += [f"u.{c}" for c in cols[3 : n_columns - 1]]
    items.append(
        f"CASE WHEN u.{cols[0]} IS NULL THEN u.{cols[1]} ELSE u.{cols[2]} END AS {cols[-1]}"
    )
    return f"SELECT {', '.join(items)}\nFROM {upstream} AS u\nWHERE u.{cols[3]} IS NOT NULL"


def write_chain(root: Path, depth: int) -> list[SqlInput]:
    """``chain.v01`` reads a catalog table; ``chain.vNN`` reads ``chain.v(NN-1)``."""
    d = root / f"chain_{depth}"
    d.mkdir(parents=True)
    inputs = []
    for k in range(1, depth + 1):
        query = chain_query("hr.events" if k == 1 else f"chain.v{k - 1:02d}")
        path = d / f"v{k:02d}.sql"
        path.write_text(view_file(f"chain.v{k:02d}", query), encoding="utf-8")
        inputs.append(SqlInput(path, f"chain_{depth}/{path.name}", DIALECT))
    return inputs


def write_many(root: Path, n_views: int = 500, layers: int = 10) -> tuple[list[SqlInput], int]:
    """500 views, 3 output columns each, in 10 layers of chains with fan-out.

    Layer 0 reads catalog tables (one view in four joins two tables). A view in layer L
    reads its predecessor in layer L-1 (chains of depth 10); one in three also joins a
    random layer-0 view (fan-out: each layer-0 view is read by ~30 later views); one in
    seven has a CTE.
    """
    rng = random.Random(SEED)
    d = root / "many"
    d.mkdir(parents=True)
    per_layer = n_views // layers
    inputs: list[SqlInput] = []
    n_columns = 0
    p_cols = [c for c in TABLES["people"] if c.startswith("p_attr")]
    c_cols = [c for c in TABLES["cases"] if c.startswith("c_attr")]
    for layer in range(layers):
        for i in range(per_layer):
            name = f"many.l{layer}_v{i:02d}"
            if layer == 0:
                a, b = rng.sample(p_cols, 2)
                if i % 4 == 0:
                    c = rng.choice(c_cols)
                    query = (
                        f"SELECT p.person_id AS k, UPPER(p.{a}) AS x, "
                        f"CASE WHEN c.status = 'open' THEN c.{c} ELSE p.{b} END AS y\n"
                        f"FROM hr.people AS p JOIN hr.cases AS c ON c.person_id = p.person_id\n"
                        f"WHERE c.status IN ('open', 'closed')"
                    )
                else:
                    query = (
                        f"SELECT p.person_id AS k, p.{a} AS x, LOWER(p.{b}) AS y\n"
                        f"FROM hr.people AS p\nWHERE p.race = 'x'"
                    )
            else:
                up = f"many.l{layer - 1}_v{i:02d}"
                if i % 3 == 0:
                    hub = f"many.l0_v{rng.randrange(per_layer):02d}"
                    query = (
                        f"SELECT u.k, COALESCE(u.x, h.x) AS x, "
                        f"CASE WHEN h.k IS NULL THEN u.y ELSE h.y END AS y\n"
                        f"FROM {up} AS u LEFT JOIN {hub} AS h ON h.k = u.k"
                    )
                elif i % 7 == 1:
                    query = (
                        f"WITH t AS (SELECT k, x, y FROM {up} WHERE y IS NOT NULL)\n"
                        f"SELECT t.k, TRIM(t.x) AS x, t.y FROM t"
                    )
                else:
                    query = (
                        f"SELECT u.k, UPPER(u.x) AS x, u.y\nFROM {up} AS u\nWHERE u.k IS NOT NULL"
                    )
            n_columns += 3
            path = d / f"l{layer}_v{i:02d}.sql"
            path.write_text(view_file(name, query), encoding="utf-8")
            inputs.append(SqlInput(path, f"many/{path.name}", DIALECT))
    return inputs, n_columns


# --------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    times: list[float]
    note: str = ""
    scale: float = 1.0
    """Multiply measured times by this (extrapolation from a sample)."""

    @property
    def median(self) -> float:
        return statistics.median(self.times) * self.scale

    @property
    def best(self) -> float:
        return min(self.times) * self.scale

    @property
    def spread(self) -> str:
        if len(self.times) < 2:
            return "n=1"
        return f"{min(self.times) * self.scale * 1e3:.1f}-{max(self.times) * self.scale * 1e3:.1f}"


def measure(
    label: str, fn: Callable[[], object], reps: int, warmup: int = 1, note: str = ""
) -> Timing:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return Timing(label, times, note)


def measure_interleaved(
    fns: list[tuple[str, Callable[[], object]]], reps: int, warmup: int = 1
) -> list[Timing]:
    """Time several functions in rounds (A B C, A B C, ...), so that a busy machine slows
    every one of them alike and their ratios stay meaningful."""
    for _ in range(warmup):
        for _, fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(reps):
        for i, (_, fn) in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - start)
    return [Timing(label, t) for (label, _), t in zip(fns, times, strict=True)]


def run_checker(inputs: list[SqlInput], catalog: Catalog) -> LineageGraph:
    graph = build_graph(inputs, catalog, default_schema="public")
    return graph


def check_graph(graph: LineageGraph, objects: int, columns: int, what: str) -> None:
    errors = graph.errors
    if errors:
        for e in errors[:5]:
            print(f"  ! {e.path}:{e.line}: {e.code}: {e.message}", file=sys.stderr)
        raise SystemExit(f"benchmark SQL for {what} did not analyse cleanly ({len(errors)} errors)")
    got_cols = sum(len(o.columns) for o in graph.objects.values())
    if len(graph.objects) != objects or got_cols != columns:
        raise SystemExit(
            f"{what}: expected {objects} objects / {columns} columns, "
            f"got {len(graph.objects)} / {got_cols}"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.1f} ms"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def print_table(rows: list[Timing]) -> None:
    width = max(len(r.label) for r in rows)
    print(f"  {'measurement'.ljust(width)}  {'median':>12}  {'min-max (ms)':>15}  reps  note")
    for r in rows:
        print(
            f"  {r.label.ljust(width)}  {ms(r.median)}  {r.spread:>15}  {len(r.times):>4}  {r.note}"
        )


# --------------------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def sqlglot_build() -> str:
    """Whether the compiled sqlglotc overlay (``sqlglot[c]``) is active, and how we know."""
    # sqlglot 30.x: sqlglotc ships no importable module; it overlays compiled .so files
    # onto sqlglot's own modules. sqlglot.tokens.SQLGLOTC_INSTALLED checks tokenizer_core.
    flag = getattr(sqlglot.tokens, "SQLGLOTC_INSTALLED", None)
    import sqlglot.optimizer.qualify_columns as qc
    import sqlglot.optimizer.scope as sc
    import sqlglot.parser as pa

    compiled = [
        m.__name__.split(".")[-1]
        for m in (pa, qc, sc)
        if not (getattr(m, "__file__", "") or "").endswith(".py")
    ]
    if flag is None:
        return "unknown (sqlglot.tokens.SQLGLOTC_INSTALLED not present)"
    if flag:
        return f"yes (sqlglot.tokens.SQLGLOTC_INSTALLED=True; compiled: tokenizer_core, {', '.join(compiled)})"
    return "no (pure Python; sqlglot.tokens.SQLGLOTC_INSTALLED=False)"


def checker_version() -> str:
    """The checker's git commit, and whether its sources have uncommitted changes."""
    src = Path(sharing_audit.__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=src,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."],
            cwd=src,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"{src} (not a git checkout)"
    return f"git {head}{' + uncommitted changes in src/' if dirty else ''} ({src})"


def print_machine() -> None:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    print("Machine")
    print(f"  platform        {platform.platform()}")
    print(f"  cpu             {cpu_model()}")
    print(f"  cores           {os.cpu_count()} logical, {usable} usable by this process")
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"  python          {python} ({sys.executable})")
    print(f"  sqlglot         {importlib.metadata.version('sqlglot')}")
    print(f"  sqlglot[c]      {sqlglot_build()}")
    print(f"  sharing-audit   {checker_version()}")


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------


def scenario_wide(root: Path, catalog: Catalog, quick: bool, reps: int) -> dict[str, float]:
    query, names = wide_view_query(200)
    path = root / "wide" / "v_wide.sql"
    path.parent.mkdir(parents=True)
    path.write_text(view_file("reporting.v_wide", query), encoding="utf-8")
    inputs = [SqlInput(path, "wide/v_wide.sql", DIALECT)]
    mapping = schema_mapping()

    check_graph(run_checker(inputs, catalog), 1, len(names), "the 200-column view")
    # sqlglot 30.30 supports column=None: one parse + qualify + scope build, then to_node()
    # for every output column with a shared cache. Check it really returns every column.
    one_call = lineage(None, query, mapping, dialect=DIALECT, trim_selects=False)
    assert list(one_call) == names, "sqlglot one-call lineage returned other columns"

    def parse() -> None:
        sqlglot.parse_one(query, dialect=DIALECT)

    def parse_qualify() -> None:
        tree = sqlglot.parse_one(query, dialect=DIALECT)
        qualify(
            tree,
            schema=MappingSchema(mapping, dialect=DIALECT),
            dialect=DIALECT,
            validate_qualify_columns=True,
            quote_identifiers=False,  # the options the checker itself calls qualify with
            identify=False,
        )

    def checker() -> None:
        run_checker(inputs, catalog)

    def sqlglot_all() -> None:
        lineage(None, query, mapping, dialect=DIALECT, trim_selects=False)

    rows = measure_interleaved(
        [
            ("sqlglot parse", parse),
            ("sqlglot parse + qualify(validate)", parse_qualify),
            ("checker build_graph (1 file)", checker),
            ("sqlglot lineage(None, trim_selects=False)", sqlglot_all),
        ],
        reps,
    )
    rows[2].note = "parse included"
    rows[3].note = "all 200 columns in one call"

    # lineage() once per column, default settings: each call parses and qualifies again.
    sample = names[:: len(names) // 5] if quick else names
    per_call: list[float] = []
    for name in sample:
        start = time.perf_counter()
        lineage(name, query, mapping, dialect=DIALECT)
        per_call.append(time.perf_counter() - start)
    per_col = Timing(
        f"sqlglot lineage() x {len(names)} calls",
        [sum(per_call)],
        f"one call per column; median call {statistics.median(per_call) * 1e3:.1f} ms",
    )
    if len(sample) != len(names):
        per_col.scale = len(names) / len(sample)
        per_col.note = (
            f"EXTRAPOLATED: {len(sample)} sampled columns x {per_col.scale:.0f}; "
            f"median call {statistics.median(per_call) * 1e3:.1f} ms"
        )
    rows.append(per_col)

    print(
        f"\n[1] One 200-column view ({len(query.splitlines())} lines of SQL; "
        "3 joined catalog tables, one via a CTE; identity/functions/CASE; no WHERE/GROUP BY)"
    )
    print_table(rows)
    pq, chk, one = rows[1].median, rows[2].median, rows[3].median
    r1, r2 = chk / pq, one / chk
    b1, b2 = rows[2].best / rows[1].best, rows[3].best / rows[2].best
    print("  ratios of medians (of minimums in brackets, less sensitive to a busy machine):")
    print(
        f"  checker / (parse+qualify)          = {r1:5.2f}x ({b1:.2f}x)  target <= 1.30x  "
        f"{verdict(r1 <= 1.3)}"
    )
    print(
        f"  sqlglot one-call / checker         = {r2:5.2f}x ({b2:.2f}x)  target >= 1.50x  "
        f"{verdict(r2 >= 1.5)}"
    )
    print(f"  sqlglot per-column calls / checker = {per_col.median / chk:5.0f}x")
    print(
        f"  (sqlglot one-call / (parse+qualify) = {one / pq:.2f}x: about the most the second "
        "ratio can reach while the checker runs parse + qualify itself)"
    )
    return {"ratio_checker_qualify": r1, "ratio_sqlglot_checker": r2}


def scenario_chain(root: Path, catalog: Catalog, quick: bool, reps: int) -> dict[str, float]:
    depths = (1, 5, 10, 20) if not quick else (1, 20)
    fns: list[tuple[str, Callable[[], object]]] = []
    for depth in depths:
        inputs = write_chain(root, depth)
        check_graph(run_checker(inputs, catalog), depth, 10 * depth, f"the {depth}-deep chain")
        label = "single view (1 file)" if depth == 1 else f"{depth}-deep chain ({depth} files)"
        fns.append((label, functools.partial(run_checker, inputs, catalog)))
    rows = measure_interleaved(fns, reps)
    by_depth: dict[int, float] = {}
    for depth, timing in zip(depths, rows, strict=True):
        by_depth[depth] = timing.median
        timing.note = f"{timing.median / depth * 1e3:.2f} ms per view"
    print(
        "\n[2] View chain: view k reads view k-1 (10 columns each, one file per view);"
        " view 1 reads a catalog table with the same query"
    )
    print_table(rows)
    ratio = by_depth[20] / by_depth[1]
    best = rows[-1].best / rows[0].best
    marginal = (by_depth[20] - by_depth[1]) / 19
    print(
        f"  20-deep chain / single view        = {ratio:5.1f}x ({best:.1f}x min)  target ~20x (<= 24x)  "
        f"{verdict(ratio <= 24)}"
    )
    print(
        f"  per-view cost: single view {by_depth[1] * 1e3:.2f} ms; each extra view in the chain "
        f"{marginal * 1e3:.2f} ms ({marginal / by_depth[1]:.2f}x a single view)"
    )
    return {"chain_ratio": ratio}


def scenario_many(root: Path, catalog: Catalog, quick: bool, reps: int) -> dict[str, float]:
    inputs, n_columns = write_many(root)
    check_graph(run_checker(inputs, catalog), len(inputs), n_columns, "the 500 views")
    # The check run above is the warm-up.
    timing = measure(
        f"checker build_graph ({len(inputs)} files)",
        lambda: run_checker(inputs, catalog),
        reps,
        warmup=0,
    )
    timing.note = f"{timing.median / len(inputs) * 1e3:.2f} ms per view"
    mem = memory_child(root, traced=not quick)
    print(
        f"\n[3] {len(inputs)} views, {n_columns} output columns (10-deep chains + fan-out), "
        "one file each"
    )
    print_table([timing])
    print(
        f"  RSS before build_graph          {mem['rss_before'] / 2**20:8.1f} MB   "
        "(fresh process: interpreter + sqlglot + policy)"
    )
    print(
        f"  peak RSS (ru_maxrss)            {mem['rss_peak'] / 2**20:8.1f} MB   "
        f"(+{(mem['rss_peak'] - mem['rss_before']) / 2**20:.1f} MB for build_graph)"
    )
    if "traced_peak" in mem:
        print(
            f"  tracemalloc peak in build_graph {mem['traced_peak'] / 2**20:8.1f} MB   "
            f"(retained after: {mem['traced_after'] / 2**20:.1f} MB)"
        )
    else:
        print("  tracemalloc peak in build_graph      n/a   (skipped in --quick)")
    t_ok = timing.median < 1.0
    peak = max(mem["rss_peak"], mem.get("traced_peak", 0))
    print(
        f"  total checker time                 = {timing.median:5.2f} s   target < 1 s     "
        f"{verdict(t_ok)}"
    )
    print(
        f"  peak memory (max of RSS, traced)   = {peak / 2**20:5.1f} MB  target < 100 MB  "
        f"{verdict(peak < 100 * 2**20)}"
    )
    return {"many_seconds": timing.median, **mem}


def memory_child(root: Path, traced: bool) -> dict[str, float]:
    """Measure memory in a fresh process, so that earlier scenarios do not inflate RSS."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(root)] + ([] if traced else ["--quick"]),
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _vm_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def memory_child_main(root: Path, traced: bool) -> None:
    catalog = Catalog(load_policies(root / "policies"))
    d = root / "many"
    inputs = [SqlInput(p, f"many/{p.name}", DIALECT) for p in sorted(d.glob("*.sql"))]
    gc.collect()
    before = _vm_rss()
    graph = run_checker(inputs, catalog)  # RSS run: no tracemalloc overhead
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    del graph
    if not traced:  # --quick: tracemalloc makes the build ~4x slower
        print(json.dumps({"rss_before": before, "rss_peak": peak}))
        return
    gc.collect()
    tracemalloc.start()
    graph = run_checker(inputs, catalog)
    after, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(graph.objects) == len(inputs)
    print(
        json.dumps(
            {
                "rss_before": before,
                "rss_peak": peak,
                "traced_peak": traced_peak,
                "traced_after": after,
            }
        )
    )


# --------------------------------------------------------------------------------------
# Profiling
# --------------------------------------------------------------------------------------


def profile(root: Path, catalog: Catalog, which: str, top: int) -> None:
    if which == "wide":
        query, _ = wide_view_query(200)
        path = root / "v_wide.sql"
        path.write_text(view_file("reporting.v_wide", query), encoding="utf-8")
        inputs = [SqlInput(path, "v_wide.sql", DIALECT)]
    elif which == "chain":
        inputs = write_chain(root, 20)
    else:
        inputs, _ = write_many(root)
    run_checker(inputs, catalog)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        run_checker(inputs, catalog)
    prof.disable()
    stats = pstats.Stats(prof)
    print(
        f"\ncProfile of build_graph over '{which}' (3 runs) - sharing_audit functions by cumulative time"
    )
    stats.sort_stats("cumulative").print_stats(r"sharing_audit", top)
    print("\nall functions by own (tottime) time")
    stats.sort_stats("tottime").print_stats(top)


# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run (CI)")
    parser.add_argument("--reps", type=int, help="repetitions per measurement (default 9, quick 3)")
    parser.add_argument(
        "--profile",
        choices=("wide", "chain", "many"),
        help="cProfile the checker on one scenario instead of benchmarking",
    )
    parser.add_argument("--top", type=int, default=30, help="rows of profile output")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child_main(args.memory_child, traced=not args.quick)
        return
    reps = args.reps or (3 if args.quick else 9)
    with tempfile.TemporaryDirectory(prefix="bench-lineage-") as tmp:
        root = Path(tmp)
        catalog = Catalog(load_policies(write_policy(root)))
        if args.profile:
            profile(root, catalog, args.profile, args.top)
            return
        print_machine()
        print(
            f"  mode            {'quick' if args.quick else 'full'}, {reps} timed repetitions "
            "(median reported) after 1 warm-up"
        )
        start = time.perf_counter()
        scenario_wide(root, catalog, args.quick, reps)
        scenario_chain(root, catalog, args.quick, reps)
        scenario_many(root, catalog, args.quick, max(1, reps // 2) if args.quick else reps)
        print(f"\nTotal benchmark wall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
