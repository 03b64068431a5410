#!/usr/bin/env python
"""Coverage-guided fuzzing (atheris) of the SQL checker, the CSV/JSON readers and the policy loader.

    python fuzz/harness.py --target all --seconds 10      # the short budget CI runs
    python fuzz/harness.py --target csv --seconds 600     # longer, by hand

Each target runs in its own process with libFuzzer limits (RSS, per-input time). A crash is
any exception other than the tool's own errors (which are the expected result for bad input);
libFuzzer writes the crashing input as ``crash-*`` in fuzz/crashes/, and it must become a
regression test. The summary line per target gives executions, coverage and crashes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = ("sql", "csv", "json", "policy")


def _seeds(target: str) -> list[Path]:
    if target == "sql":
        return sorted((ROOT / "fixtures" / "sql" / "postgres").glob("*.sql"))[:20]
    if target == "csv":
        return sorted((ROOT / "fixtures" / "exports").rglob("*.csv"))[:20]
    if target == "json":
        return sorted((ROOT / "fixtures" / "exports").rglob("*.json*"))[:20]
    return sorted((ROOT / "policies").rglob("*.yaml"))[:20]


def one_input(target: str):  # type: ignore[no-untyped-def]
    """The function atheris calls with each input."""
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    logging.disable(logging.CRITICAL)
    from sharing_audit.catalog import Catalog
    from sharing_audit.errors import SharingAuditError
    from sharing_audit.exports.model import ReadOptions, ScanLimits
    from sharing_audit.exports.readers import open_export
    from sharing_audit.lineage.graph import SqlInput, build_graph
    from sharing_audit.policy.loader import load_policies

    tmp = Path(tempfile.mkdtemp(prefix="sa-fuzz-"))
    catalog = Catalog(load_policies(ROOT / "policies"))
    limits = ScanLimits(batch_bytes=4096, max_field_bytes=65536, max_decompressed_bytes=2**22)

    def run(data: bytes) -> None:
        try:
            if target == "sql":
                path = tmp / "f.sql"
                path.write_bytes(data)
                graph = build_graph([SqlInput(path, "f.sql", "postgres")], catalog)
                for status in graph.files:
                    assert status.status in ("ok", "error")
            elif target in ("csv", "json"):
                path = tmp / "f.bin"
                path.write_bytes(data)
                reader = open_export(path, ReadOptions(format=None if target == "csv" else "json"), limits)
                try:
                    for _ in reader.batches():
                        pass
                finally:
                    reader.close()
            else:
                (tmp / "p").mkdir(exist_ok=True)
                (tmp / "p" / "x.yaml").write_bytes(data)
                load_policies(tmp / "p")
        except SharingAuditError:
            pass

    return run


def child(target: str, seconds: int) -> None:
    """Fuzz one target in this process (atheris takes over the process)."""
    import atheris

    with atheris.instrument_imports():
        run = one_input(target)
    corpus = HERE / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in _seeds(target):
        dest = corpus / seed.name
        if not dest.exists():
            dest.write_bytes(seed.read_bytes()[:20000])
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-rss_limit_mb=2048", "-timeout=20",
            f"-artifact_prefix={crashes}/{target}-", "-max_len=20000", "-print_final_stats=1"]
    atheris.Setup(args, run)
    atheris.Fuzz()


def main() -> int:
    """Run each target in its own process and summarise."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    parser.add_argument("--seconds", type=int, default=10, help="budget per target")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seconds)
        return 0
    failed = False
    for target in TARGETS if args.target == "all" else (args.target,):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", target, "--seconds", str(args.seconds)],
            capture_output=True, text=True, check=False, timeout=args.seconds * 3 + 120,
        )
        log = proc.stdout + proc.stderr
        runs = re.findall(r"stat::number_of_executed_units: (\d+)", log)
        cov = re.findall(r"cov: (\d+)", log)
        crashed = "==ERROR" in log or "Uncaught Python exception" in log or proc.returncode not in (0,)
        print(f"{target:7s} executions={runs[-1] if runs else '?'} coverage={cov[-1] if cov else '?'} crashes={'YES' if crashed else 0}")
        if crashed:
            failed = True
            print(log[-3000:], file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
