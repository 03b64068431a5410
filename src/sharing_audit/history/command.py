"""``sharing-audit history``: list stored runs and what changed between them."""

from __future__ import annotations

import argparse
import json
import sys

from .store import DEFAULT_STORE, FindingRow, HistoryStore


def add_history_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``history [list|diff]`` on the top-level parser."""
    p = subparsers.add_parser(
        "history",
        help="list stored runs, and what is new, resolved or still open since the previous run",
        description="Runs are stored by `check`, `scan` and `audit` with --history STORE.",
        epilog=(
            "examples:\n"
            "  sharing-audit history                       # the latest runs\n"
            "  sharing-audit history diff                  # latest run against the one before (same target)\n"
            "  sharing-audit history diff 12 9 --format json\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", nargs="?", choices=("list", "diff"), default="list", help="list runs, or compare two runs (default: list)")
    p.add_argument("runs", nargs="*", type=int, help="for diff: RUN [PREVIOUS] (default: the latest run and the one before it)")
    p.add_argument("--store", default=DEFAULT_STORE, help=f"history file or database URL (default: {DEFAULT_STORE})")
    p.add_argument("--target", default=None, help="only runs of this target (a database URL or repository)")
    p.add_argument("--limit", type=int, default=20, help="how many runs to list")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def run_history(args: argparse.Namespace) -> int:
    """Print the runs or a comparison; 0 on success (errors raise HistoryError → exit 2)."""
    store = HistoryStore.open(args.store)
    if args.action == "list":
        runs = store.runs(args.target, args.limit)
        if args.format == "json":
            print(json.dumps([r.__dict__ for r in runs], indent=2))
            return 0
        if not runs:
            print("no runs stored yet")
            return 0
        print(f"{'run':>5}  {'started (UTC)':<20} {'exit':>4} {'viol.':>6} {'errors':>6}  {'kind':<6} target")
        for r in runs:
            print(f"{r.id:>5}  {r.started[:19]:<20} {r.exit_code:>4} {r.violations:>6} {r.errors:>6}  {r.kind:<6} {r.target}")
        return 0
    run = args.runs[0] if args.runs else None
    previous = args.runs[1] if len(args.runs) > 1 else None
    diff = store.compare(run, previous)
    if args.format == "json":
        print(json.dumps({
            "run": diff.run,
            "previous": diff.previous,
            "new": [f.__dict__ for f in diff.new],
            "resolved": [f.__dict__ for f in diff.resolved],
            "still_open": [f.__dict__ for f in diff.still_open],
        }, indent=2))
        return 0
    print(f"run {diff.run} against {'run ' + str(diff.previous) if diff.previous else 'nothing (first run of this target)'}")
    for title, rows in (("new", diff.new), ("resolved", diff.resolved), ("still open", diff.still_open)):
        print(f"\n{title}: {len(rows)}")
        for f in rows:
            print(f"  {_line(f)}")
    sys.stdout.flush()
    return 0


def _line(f: FindingRow) -> str:
    target = f"{f.object}.{f.column}" if f.column else f.object
    return f"[{f.status}] {f.rule} → {f.consumer}: {target}"
