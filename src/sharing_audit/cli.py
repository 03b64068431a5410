"""Command line: argparse, exit codes, output. The only module that prints or exits."""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from . import __version__
from .baseline import apply_baseline, write_baseline
from .changed import changed_since, restrict_to_changes
from .checks import (
    ExportCheck,
    SqlCheck,
    load_all_checks,
    load_export_checks,
    sql_inputs_from_paths,
)
from .engine import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    CheckOptions,
    RunResult,
    analyse,
    load_policy_checked,
    merge_results,
    run_check,
)
from .errors import SharingAuditError, UsageError
from .exports.model import FORMATS, ReadOptions, ScanLimits
from .exports.run import (
    ExportJob,
    ScanOptions,
    ScanProgress,
    jobs_from_checks,
    run_scan,
    validate_jobs,
)
from .history import record_result
from .history.command import add_history_parser, run_history
from .lineage.graph import SqlInput
from .lineage.parse import SUPPORTED_DIALECTS
from .live.command import add_audit_parser, run_audit_command
from .live.url import redact_url
from .policy.lint import lint_policy
from .policy.loader import load_policies
from .report import OutputFormat
from .report.interface import summary_line

if TYPE_CHECKING:
    from rich.progress import TaskID

logger = logging.getLogger("sharing_audit")

SCAN_EPILOG = """examples:
  sharing-audit scan                                   # every export check in checks/
  sharing-audit scan out/roster.csv.gz --consumer ice --source lock_and_track.inmates
  sharing-audit scan feed.jsonl --consumer fbi --format sarif -o scan.sarif

Findings name the rule, consumer, file, column (name and 1-based position), the detector,
match count and rate, the first row numbers and a salted hash of one matched value, never
the value. Set SHARING_AUDIT_SALT to compare hashes across runs.

"""
EXIT_CODES_HELP = f"""exit codes:
  {EXIT_CLEAN}  clean: every input analysed, no violation
  {EXIT_FINDINGS}  violations found (waived and review-only findings do not count)
  {EXIT_ERROR}  usage, policy or input error: something could not be analysed
"""


class ColorChoice(enum.StrEnum):
    """``--color`` choices."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class LineageFormat(enum.StrEnum):
    """``lineage --format`` choices."""

    JSON = "json"
    OPENLINEAGE = "openlineage"


def _fatal(message: str) -> NoReturn:
    print(f"sharing-audit: error: {message}", file=sys.stderr)
    sys.exit(EXIT_ERROR)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show defaults, and keep the exit-code table's layout."""


def _parser() -> argparse.ArgumentParser:
    fmt = _HelpFormatter
    parser = argparse.ArgumentParser(
        prog="sharing-audit",
        description="Prove that a jurisdiction's SQL views and exports never hand protected fields to consumers its policies forbid.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="*", type=Path, help="SQL files or directories (default: the SQL checks in --checks)")
        p.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
        p.add_argument("--checks", type=Path, default=Path("checks"), help="checks directory, used when no paths are given")
        p.add_argument("--dialect", choices=SUPPORTED_DIALECTS, default="postgres", help="SQL dialect of PATHS (a file may override with '-- sharing-audit: dialect=...')")
        p.add_argument("--default-schema", default=None, help="schema of unqualified object names (default: the check's, else 'public')")

    check = sub.add_parser("check", help="check SQL against the policies", formatter_class=fmt, epilog=EXIT_CODES_HELP)
    common(check)
    limit_options(check)
    check.add_argument("--changed-since", metavar="REF", default=None, help="report only what files changed since git REF can affect (the whole tree is still analysed); a policy change means a full run")
    report_options(check)

    scan = sub.add_parser(
        "scan",
        help="scan export files (CSV, JSON, Parquet, compressed) against the policies",
        formatter_class=fmt,
        epilog=SCAN_EPILOG + EXIT_CODES_HELP,
    )
    scan.add_argument("files", nargs="*", type=Path, help="export files or directories (default: the export checks in --checks)")
    scan.add_argument("--consumer", help="who receives FILES (a consumer id); required with FILES")
    scan.add_argument("--source", help="SYSTEM.TABLE the FILES come from, if known (enables system rules and allowlists)")
    scan.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    scan.add_argument("--checks", type=Path, default=Path("checks"), help="checks directory or manifest, used when no FILES are given")
    scan.add_argument("--file-format", choices=FORMATS, default=None, help="format of FILES (default: sniffed from the content)")
    scan.add_argument("--delimiter", default=None, help="CSV delimiter of FILES (default: sniffed)")
    scan.add_argument("--no-header", action="store_true", help="FILES have no header row")
    scan.add_argument("--encoding", default="utf-8", help="text encoding of FILES")
    scan.add_argument("--sample", type=_positive, default=None, help="scan only the first N rows of each file (the report says so)")
    scan.add_argument("--detectors", default=None, help="comma-separated detector names to run (default: all)")
    scan.add_argument("--engine", choices=("native", "gx"), default="native", help="native streaming scanner, or Great Expectations on pandas")
    scan.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    limit_options(scan)
    report_options(scan)

    add_audit_parser(sub)
    add_history_parser(sub)

    gx = sub.add_parser("gx", help="Great Expectations: export the policy for an export file as an Expectation Suite")
    gxsub = gx.add_subparsers(dest="gx_command", metavar="SUBCOMMAND")
    gx_export = gxsub.add_parser(
        "export",
        help="write the Expectation Suite (JSON) for FILE sent to --consumer, for your own GX checkpoints",
        formatter_class=fmt,
    )
    gx_export.add_argument("file", type=Path, help="an example of the export (its header is read)")
    gx_export.add_argument("--consumer", required=True, help="who receives the export (a consumer id)")
    gx_export.add_argument("--source", help="SYSTEM.TABLE the export comes from, if known")
    gx_export.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    gx_export.add_argument("-o", "--output", default="-", help="write the suite here ('-' is stdout)")

    explain = sub.add_parser("explain", help="show the lineage of OBJECT[.COLUMN] and the rules that apply", formatter_class=fmt)
    explain.add_argument("target", help="schema.object or schema.object.column")
    common(explain)
    explain.add_argument("--as-of", type=_date, default=dt.date.today(), help="evaluate rules in effect on this date")

    lineage = sub.add_parser("lineage", help="print every column edge of the SQL (JSON or OpenLineage)", formatter_class=fmt)
    common(lineage)
    lineage.add_argument("--format", type=LineageFormat, choices=list(LineageFormat), default=LineageFormat.JSON, help="output format")
    lineage.add_argument("--namespace", default="sharing-audit", help="OpenLineage dataset namespace")
    lineage.add_argument("--infer-catalog", action="store_true", help="infer tables and columns from the SQL instead of the policy catalog (exploration only)")
    lineage.add_argument("-o", "--output", default="-", help="write here ('-' is stdout)")

    policy = sub.add_parser("policy", help="work with the policies themselves")
    psub = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    lint = psub.add_parser("lint", help="check the policies for unknown names, duplicates, contradictions", formatter_class=fmt)
    lint.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    ptest = psub.add_parser("test", help="run the rule test cases kept next to the policies", formatter_class=fmt)
    ptest.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    pdocs = psub.add_parser("docs", help="write the policy reference (Markdown) generated from the policies", formatter_class=fmt)
    pdocs.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    pdocs.add_argument("-o", "--output", default="-", help="write here ('-' is stdout)")
    return parser


def report_options(p: argparse.ArgumentParser) -> None:
    """Report format, output, date, colour, baseline and history: every command that reports findings."""
    p.add_argument("--format", type=OutputFormat, choices=list(OutputFormat), default=OutputFormat.TEXT, help="report format")
    p.add_argument("-o", "--output", default="-", help="write the report here ('-' is stdout)")
    p.add_argument("--as-of", type=_date, default=dt.date.today(), help="evaluate rules in effect on this date (YYYY-MM-DD)")
    p.add_argument("--color", type=ColorChoice, choices=list(ColorChoice), default=ColorChoice.AUTO, help="colour in the text report")
    baseline_options(p)


def baseline_options(p: argparse.ArgumentParser) -> None:
    """``--baseline``, ``--write-baseline`` and ``--history``."""
    p.add_argument("--baseline", type=Path, default=None, metavar="FILE", help="fail only on findings not recorded in FILE; list the fixed ones")
    p.add_argument("--write-baseline", type=Path, default=None, metavar="FILE", help="record the current findings in FILE (then exit as usual)")
    p.add_argument("--history", default=None, metavar="STORE", help="also store the run in this history file or database URL (see `sharing-audit history`)")


def limit_options(p: argparse.ArgumentParser) -> None:
    """Bounds that turn a hostile export (a decompression bomb, a huge header) into an error."""
    default = ScanLimits()
    group = p.add_argument_group("export limits (exceeding one is an analysis.too_large error for that file)")
    group.add_argument("--max-decompressed", type=_size, metavar="SIZE", default=default.max_decompressed_bytes,
                       help="bytes a compressed export may expand to (suffixes K, M, G, T)")
    group.add_argument("--max-ratio", type=_positive, metavar="N", default=int(default.max_compression_ratio),
                       help="expanded/compressed size ratio above which a container is treated as a bomb")
    group.add_argument("--max-columns", type=_positive, metavar="N", default=default.max_columns, help="columns an export may have")


def _limits(args: argparse.Namespace) -> ScanLimits:
    return ScanLimits(
        max_decompressed_bytes=args.max_decompressed,
        max_compression_ratio=float(args.max_ratio),
        max_columns=args.max_columns,
    )


_SIZE = re.compile(r"^\s*(\d+)\s*([KMGT]?)I?B?\s*$", re.IGNORECASE)


def _size(text: str) -> int:
    """A byte count such as ``500M`` or ``64G`` (binary multiples)."""
    found = _SIZE.match(text)
    if not found or int(found.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"not a size (e.g. 500M, 64G): {text!r}")
    power = " KMGT".index(found.group(2).upper() or " ")
    return int(found.group(1)) << (10 * power)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


@contextmanager
def _output_io(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdout
        return
    try:
        fh = open(name, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"cannot write {name}: {exc.strerror}") from None
    try:
        yield fh
    finally:
        fh.close()


def _inputs(
    args: argparse.Namespace, allow_none: bool = False, loaded: list[SqlCheck | ExportCheck] | None = None
) -> tuple[list[SqlInput], str]:
    root = Path.cwd()
    if args.paths:
        inputs = sql_inputs_from_paths(list(args.paths), args.dialect, root)
        schema = args.default_schema or "public"
    else:
        all_checks = loaded if loaded is not None else load_all_checks(args.checks)
        checks = [c for c in all_checks if isinstance(c, SqlCheck)]
        if not checks and allow_none:
            return [], args.default_schema or "public"
        if not checks:
            raise UsageError("no SQL checks declared in --checks: nothing was checked")
        inputs = []
        seen: set[str] = set()
        for check in checks:
            for item in check.inputs(root):
                if item.display not in seen:
                    seen.add(item.display)
                    inputs.append(item)
        schema = args.default_schema or checks[0].default_schema
    if not inputs:
        raise UsageError("no SQL files matched: nothing was checked")
    return inputs, schema


def _progress() -> Callable[[str], None] | None:
    """A one-line progress display on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(path: str) -> None:
        sys.stderr.write(f"\r\033[Kanalysing {path}")
        sys.stderr.flush()

    return show


def _cmd_check(args: argparse.Namespace) -> int:
    export_jobs: list[ExportJob] = []
    changes = changed_since(args.changed_since, args.policies) if args.changed_since else None
    loaded = None if args.paths else load_all_checks(args.checks)
    if loaded is not None:
        export_jobs = jobs_from_checks([c for c in loaded if isinstance(c, ExportCheck)], Path.cwd())
        if changes is not None and not changes.policies_changed:
            export_jobs = [j for j in export_jobs if j.display in changes.files]
    inputs, schema = _inputs(args, allow_none=bool(export_jobs) or changes is not None, loaded=loaded)
    progress = _progress()
    result = run_check(CheckOptions(args.policies, tuple(inputs), schema, args.as_of), progress)
    if progress:
        sys.stderr.write("\r\033[K")
    if export_jobs:
        with _scan_progress(enabled=True) as scan_progress:
            scanned = run_scan(ScanOptions(args.policies, tuple(export_jobs), args.as_of, limits=_limits(args)), scan_progress)
        result = merge_results(result, scanned)
    if changes is not None:
        result = restrict_to_changes(result, changes)
        print(
            f"sharing-audit: changed since {changes.ref}: {len(changes.files)} file(s)"
            + ("; policies changed: full run" if changes.policies_changed else ""),
            file=sys.stderr,
        )
    return _report(args, result)


def _cmd_scan(args: argparse.Namespace) -> int:
    if args.files:
        if not args.consumer:
            raise UsageError("scan FILES needs --consumer (who receives them)")
        source = _source(args.source)
        read = ReadOptions(
            format=args.file_format,
            delimiter=args.delimiter,
            header=False if args.no_header else None,
            encoding=args.encoding,
        )
        check = ExportCheck("command-line", tuple(str(f) for f in args.files), (), args.consumer, source, (), read, None, None, Path.cwd())
        jobs = jobs_from_checks([check], Path.cwd())
    else:
        jobs = jobs_from_checks(load_export_checks(args.checks), Path.cwd())
    detectors = tuple(d.strip() for d in args.detectors.split(",")) if args.detectors else None
    options = ScanOptions(args.policies, tuple(jobs), args.as_of, limits=_limits(args), sample=args.sample, detectors=detectors)
    if args.engine == "gx":
        from .exports.gx_engine import run_scan_gx

        result = run_scan_gx(options)
    else:
        with _scan_progress(enabled=not args.no_progress) as progress:
            result = run_scan(options, progress)
    return _report(args, result)


@contextmanager
def _scan_progress(enabled: bool) -> Iterator[ScanProgress | None]:
    """A rich progress bar on stderr (bytes, MB/s, rows, ETA), only on a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(path: str, done: int, total: int, rows: int) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path, total=total or None, rows=0)
            bar.update(tasks[path], completed=done, rows=rows)

        yield update


def _report(args: argparse.Namespace, result: RunResult) -> int:
    if args.write_baseline is not None:
        count = write_baseline(args.write_baseline, result.findings)
        print(f"sharing-audit: wrote {count} finding(s) to baseline {args.write_baseline}", file=sys.stderr)
    if args.baseline is not None:
        findings, diff = apply_baseline(args.baseline, result.findings)
        result = replace(result, findings=findings, baseline=diff)
    if getattr(args, "history", None):
        database = getattr(args, "db", None) or (os.environ.get("SHARING_AUDIT_DB_URL") if args.command == "audit" else None)
        target = database or f"repository:{Path.cwd().name}"
        run_id = record_result(args.history, result, target, args.command)
        print(f"sharing-audit: stored as run {run_id} in {redact_url(str(args.history))}", file=sys.stderr)
    for status in result.files:
        # With -v, the paths that were read, whatever the report format (JSON, SARIF, Markdown
        # and HTML list them with their hashes too).
        logger.info("read %s: %s, sha256 %s", status.path, status.status, status.sha256 or "-")
    color = args.color is ColorChoice.ALWAYS or (args.color is ColorChoice.AUTO and args.output == "-" and sys.stdout.isatty())
    formatter = args.format.to_formatter(color=color)
    with _output_io(args.output) as out:
        out.write(formatter.format(result))
    if not (args.format is OutputFormat.TEXT and args.output == "-"):
        # The text report already ends with the summary line.
        print(summary_line(result), file=sys.stderr)
    return result.exit_code


def _cmd_explain(args: argparse.Namespace) -> int:
    from .report.explain import explain_text

    inputs, schema = _inputs(args)
    result: RunResult = run_check(CheckOptions(args.policies, tuple(inputs), schema, args.as_of))
    text, found = explain_text(result, args.target)
    if not found:
        raise UsageError(f"{args.target!r} is not an object or column defined by the SQL or the catalog")
    sys.stdout.write(text)
    return EXIT_ERROR if result.errors else EXIT_CLEAN


def _cmd_lineage(args: argparse.Namespace) -> int:
    from .lineage.export import edges_json, openlineage_events

    inputs, schema = _inputs(args)
    if args.infer_catalog:
        from .lineage.infer import infer_policy

        policy = infer_policy(inputs)
    else:
        policy = load_policies(args.policies)
    graph = analyse(policy, CheckOptions(args.policies, tuple(inputs), schema))
    with _output_io(args.output) as out:
        if args.format is LineageFormat.OPENLINEAGE:
            for line in openlineage_events(graph, args.namespace):
                out.write(line + "\n")
        else:
            out.write(json.dumps(edges_json(graph), indent=2) + "\n")
    for err in graph.errors:
        print(f"{err.path}:{err.line or 0}: {err.code}: {err.message}", file=sys.stderr)
    return EXIT_ERROR if graph.errors else EXIT_CLEAN


def _cmd_policy_lint(args: argparse.Namespace) -> int:
    policy = load_policies(args.policies)
    issues = lint_policy(policy)
    for issue in issues:
        print(issue)
    errors = sum(1 for i in issues if i.severity == "error")
    print(
        f"sharing-audit: policy lint: {len(policy.rules)} rules, {errors} error(s), {len(issues) - errors} warning(s)",
        file=sys.stderr,
    )
    return EXIT_ERROR if errors else EXIT_CLEAN


def _cmd_policy_test(args: argparse.Namespace) -> int:
    from .policy.testing import run_policy_tests

    policy, _ = load_policy_checked(args.policies)
    outcomes = run_policy_tests(policy, args.policies)
    failed = [o for o in outcomes if not o.passed]
    for o in outcomes:
        print(f"{'PASS' if o.passed else 'FAIL'} {o.name}" + ("" if o.passed else f": {o.detail}"))
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if not outcomes:
        raise UsageError("no policy test cases (*.test.sql) found next to the rules")
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _cmd_gx_export(args: argparse.Namespace) -> int:
    import json as _json

    from .exports.gx import build_suite
    from .exports.gx_engine import export_suite

    source = _source(args.source)
    check = ExportCheck("gx-export", (str(args.file),), (), args.consumer, source, (), ReadOptions(), None, None, Path.cwd())
    (job,) = jobs_from_checks([check], Path.cwd())
    options = ScanOptions(args.policies, (job,))
    policy, _ = load_policy_checked(args.policies)
    validate_jobs(policy, [job])
    suite = build_suite(export_suite(job, policy, options))
    with _output_io(args.output) as out:
        out.write(_json.dumps(suite.to_json_dict(), indent=2, default=str) + "\n")
    return EXIT_CLEAN


def _source(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    parts = tuple(text.lower().split("."))
    if len(parts) != 2:
        raise UsageError(f"--source must be SYSTEM.TABLE, not {text!r}")
    return (parts[0], parts[1])


def _cmd_policy_docs(args: argparse.Namespace) -> int:
    from .report.policy_docs import policy_markdown

    policy, _ = load_policy_checked(args.policies)
    with _output_io(args.output) as out:
        out.write(policy_markdown(policy))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the ``sharing-audit`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sharing-audit: %(levelname)s: %(message)s"))
    # NOTE: configure our package logger only; sqlglot's own warnings about SQL it
    # falls back on are turned into analysis errors by us, so they are silenced here.
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING - 10 * min(args.verbose, 2))
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    commands = {
        "check": _cmd_check,
        "scan": _cmd_scan,
        "audit": run_audit_command,
        "history": run_history,
        "explain": _cmd_explain,
        "lineage": _cmd_lineage,
    }
    try:
        if args.command in commands:
            code = commands[args.command](args)
        elif args.command == "policy" and args.policy_command == "lint":
            code = _cmd_policy_lint(args)
        elif args.command == "policy" and args.policy_command == "test":
            code = _cmd_policy_test(args)
        elif args.command == "policy" and args.policy_command == "docs":
            code = _cmd_policy_docs(args)
        elif args.command == "gx" and args.gx_command == "export":
            code = _cmd_gx_export(args)
        else:
            parser.print_help(sys.stderr)
            code = EXIT_ERROR
    except SharingAuditError as exc:
        _fatal(str(exc))
    except KeyboardInterrupt:
        _fatal("interrupted")
    sys.exit(code)
