"""Command line: argparse, exit codes, output. The only module that prints or exits."""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

from . import __version__
from .checks import load_checks, sql_inputs_from_paths
from .engine import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    CheckOptions,
    RunResult,
    analyse,
    load_policy_checked,
    run_check,
)
from .errors import SharingAuditError, UsageError
from .lineage.graph import SqlInput
from .lineage.parse import SUPPORTED_DIALECTS
from .policy.lint import lint_policy
from .policy.loader import load_policies
from .report import OutputFormat
from .report.interface import summary_line

logger = logging.getLogger("sharing_audit")

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
    check.add_argument("--format", type=OutputFormat, choices=list(OutputFormat), default=OutputFormat.TEXT, help="report format")
    check.add_argument("-o", "--output", default="-", help="write the report here ('-' is stdout)")
    check.add_argument("--as-of", type=_date, default=dt.date.today(), help="evaluate rules in effect on this date (YYYY-MM-DD)")
    check.add_argument("--color", type=ColorChoice, choices=list(ColorChoice), default=ColorChoice.AUTO, help="colour in the text report")

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


def _inputs(args: argparse.Namespace) -> tuple[list[SqlInput], str]:
    root = Path.cwd()
    if args.paths:
        inputs = sql_inputs_from_paths(list(args.paths), args.dialect, root)
        schema = args.default_schema or "public"
    else:
        checks = load_checks(args.checks)
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
    inputs, schema = _inputs(args)
    progress = _progress()
    result = run_check(CheckOptions(args.policies, tuple(inputs), schema, args.as_of), progress)
    if progress:
        sys.stderr.write("\r\033[K")
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
        else:
            parser.print_help(sys.stderr)
            code = EXIT_ERROR
    except SharingAuditError as exc:
        _fatal(str(exc))
    except KeyboardInterrupt:
        _fatal("interrupted")
    sys.exit(code)
