#!/usr/bin/env python
"""Benchmark the export scanner against a plain Python loop and Great Expectations.

Standalone script, not a test::

    python benchmarks/bench_scan.py                 # 1M rows x 20 columns (~250 MB), all engines
    python benchmarks/bench_scan.py --rows 200000   # smaller
    python benchmarks/bench_scan.py --quick         # CI smoke run (20k rows, native + python only)
    python benchmarks/bench_scan.py --flat 100,2000 # native scanner RSS on a 100 MB and a 2 GB file

It generates a CSV of synthetic arrest/inmate-like records (names, dates, free text with a few
SSNs, phones, e-mails, addresses, countries, status words) into a temporary directory, then
scans it, side by side in one run, with:

* ``native``: sharing-audit's streaming scanner (pyarrow CSV batches, polars regex per column),
  every detector on every column, exactly as ``sharing-audit scan`` does;
* ``python``: ``csv.reader`` + ``re.search`` per cell with the same detector patterns;
* ``gx``: the Great Expectations engine (pandas), one expectation per (column, detector).

Each engine runs in its own child process so that its peak RSS (``ru_maxrss``) is its own.
Figures printed: seconds, MB/s, rows/s, peak RSS, total matches (all engines must agree on
regex detectors), and ratios against the Python loop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MBPS = 100.0
TARGET_RSS_MB = 200.0

FIRST = ["Maria", "Jose", "Wei", "Aisha", "John", "Ana", "Luis", "Fatima", "Dmitri", "Grace"]
LAST = ["Garcia", "Nguyen", "Smith", "Okafor", "Rossi", "Kim", "Lopez", "Haddad", "Ivanova", "Brown"]
STREETS = ["N Broad St", "Market St", "W Girard Ave", "S 9th St", "Germantown Ave"]
COUNTRIES = ["Mexico", "Guatemala", "United States", "Honduras", "Vietnam", "Nigeria", "China"]
WORDS = "officer observed the subject near the corner and after a brief conversation the subject was detained without incident".split()


def _row(rng: random.Random, i: int) -> list[str]:
    narrative = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
    if i % 997 == 0:
        narrative += f" ssn on file {rng.randint(100, 665):03d}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    return [
        str(100000 + i),
        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        rng.choice(["W", "B", "A", "H"]),
        rng.choice(["M", "F"]),
        f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        rng.choice(["in_custody", "released", "transferred"]),
        rng.choice(["CP", "CFCF", "RCF", "DC"]),
        f"CP-51-CR-{rng.randint(1000000, 9999999)}-2025",
        rng.choice(COUNTRIES) if i % 5 else "",
        f"{rng.randint(100, 9999)} {rng.choice(STREETS)}" if i % 7 == 0 else "",
        f"(215) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}" if i % 11 == 0 else "",
        f"x{i}@example.org" if i % 13 == 0 else "",
        narrative,
        str(rng.randint(0, 40)),
        rng.choice(["F1", "F2", "F3", "M1", "M2", "M3", "S"]),
        f"{rng.random() * 10000:.2f}",
        rng.choice(["none", "pending", "detainer lodged"]) if i % 50 == 0 else "none",
        f"D{rng.randint(1, 25):02d}",
        f"{rng.randint(10**9, 10**10 - 1)}",
    ]


HEADER = [
    "record_id", "inmate_name", "race", "sex", "birth_dt", "admit_dt", "custody_status", "facility",
    "docket", "origin", "street", "phone_no", "mail", "remarks", "prior_count", "grade", "bail",
    "hold_note", "district", "tracking_no",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the benchmark CSV (deterministic for a seed)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        buf = []
        for i in range(rows):
            buf.append(",".join(_row(rng, i)))
            if len(buf) == 10000:
                fh.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            fh.write("\n".join(buf) + "\n")


def _regex_detectors() -> dict[str, object]:
    """Detectors made of regexes only (no vocabulary or free-text form): their match counts
    can be compared exactly between engines."""
    sys.path.insert(0, str(ROOT / "src"))
    from sharing_audit.exports.detectors import DETECTORS

    return {d.name: d for d in DETECTORS.values() if d.other_expr("x") is None and d.regex is not None}


def run_native(path: Path) -> dict[str, object]:
    from sharing_audit.exports.detectors import DETECTORS
    from sharing_audit.exports.model import ReadOptions
    from sharing_audit.exports.scan import scan_file

    scan = scan_file(path, path.name, ReadOptions(), list(DETECTORS.values()), salt=b"bench")
    if scan.error is not None:
        raise SystemExit(f"native scan failed: {scan.error.code}")
    regex = set(_regex_detectors())
    matches = sum(ev.matches for c in scan.columns.values() for name, ev in c.evidence.items() if name in regex)
    return {"rows": scan.rows, "matches": matches}


def run_python(path: Path) -> dict[str, object]:
    import csv
    import re

    from sharing_audit.exports.detectors import DETECTORS

    regex_only = set(_regex_detectors())
    rows = matches = 0
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        # Every detector, every column, with the patterns that count in that column.
        per_column = [
            [(d.name in regex_only, [re.compile(p) for p in d.regexes_for(col)]) for d in DETECTORS.values()]
            for col in header
        ]
        for row in reader:
            rows += 1
            for cell, detectors in zip(row, per_column, strict=False):
                if cell:
                    for counted, pats in detectors:
                        if any(p.search(cell) for p in pats) and counted:
                            matches += 1
    return {"rows": rows, "matches": matches}


def run_gx(path: Path) -> dict[str, object]:
    import pandas as pd

    from sharing_audit.exports.detectors import DETECTORS
    from sharing_audit.exports.gx import expectations_for, run_gx_pandas

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    outcome = run_gx_pandas(frame, expectations_for("bench", list(frame.columns), list(DETECTORS.values()), None, []))
    regex_only = set(_regex_detectors())
    matches = sum(ev.matches for (_, name), ev in outcome.evidence.items() if name in regex_only)
    return {"rows": len(frame), "matches": matches}


ENGINES = {"native": run_native, "python": run_python, "gx": run_gx}


def child(engine: str, path: Path) -> None:
    """Run one engine and print its figures as JSON (called in a child process)."""
    sys.path.insert(0, str(ROOT / "src"))
    start = time.perf_counter()
    figures = ENGINES[engine](path)
    seconds = time.perf_counter() - start
    figures["seconds"] = seconds
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(engine: str, path: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="native,python,gx")
    parser.add_argument("--quick", action="store_true", help="20k rows, native and python only (CI smoke run)")
    parser.add_argument("--flat", default=None, help="comma-separated sizes in MB: native scanner peak RSS per file size")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    if args.quick:
        args.rows, args.engines = 20_000, "native,python"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.flat:
            return flat(Path(tmp), [int(s) for s in args.flat.split(",")])
        path = Path(tmp) / "bench.csv"
        generate(path, args.rows)
        size_mb = path.stat().st_size / 2**20
        print(f"file: {args.rows:,} rows x {len(HEADER)} columns, {size_mb:.0f} MB; all detectors on every column; match totals compare the {len(_regex_detectors())} regex-only detectors")
        results = {}
        for engine in args.engines.split(","):
            results[engine] = measure(engine, path)
        base = results.get("python")
        print(f"{'engine':<8} {'seconds':>8} {'MB/s':>8} {'rows/s':>11} {'peak RSS MB':>12} {'matches':>9} {'vs python':>10}")
        for engine, r in results.items():
            mbps = size_mb / r["seconds"]
            ratio = f"{base['seconds'] / r['seconds']:.1f}x" if base else "-"
            print(f"{engine:<8} {r['seconds']:>8.2f} {mbps:>8.1f} {r['rows'] / r['seconds']:>11,.0f} {r['peak_rss_mb']:>12.0f} {r['matches']:>9,} {ratio:>10}")
        if args.quick:
            print("(quick run: start-up dominates; figures are not comparable with the targets)")
        elif "native" in results:
            r = results["native"]
            mbps = size_mb / r["seconds"]
            print(f"target >= {TARGET_MBPS:.0f} MB/s: {'MET' if mbps >= TARGET_MBPS else 'MISSED'} ({mbps:.0f} MB/s); "
                  f"peak RSS < {TARGET_RSS_MB:.0f} MB: {'MET' if r['peak_rss_mb'] < TARGET_RSS_MB else 'MISSED'} ({r['peak_rss_mb']:.0f} MB)")
        counts = {e: r["matches"] for e, r in results.items()}
        if len(set(counts.values())) > 1:
            print(f"NOTE: regex match totals differ between engines: {counts}")
    return 0


def flat(tmp: Path, sizes_mb: list[int]) -> int:
    """Peak RSS of the native scanner for files of growing size (should stay flat)."""
    path = tmp / "flat.csv"
    bytes_per_row = 250
    print(f"{'size MB':>8} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12}")
    for size in sizes_mb:
        generate(path, size * 2**20 // bytes_per_row)
        real = path.stat().st_size / 2**20
        r = measure("native", path)
        print(f"{real:>8.0f} {r['seconds']:>8.2f} {real / r['seconds']:>8.1f} {r['peak_rss_mb']:>12.0f}")
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
