"""The ``audit`` subcommand: its arguments, and the run that hands the result to the CLI's reporter."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks import load_checks, sql_inputs_from_paths
from ..errors import UsageError
from ..lineage.graph import SqlInput
from ..lineage.parse import SUPPORTED_DIALECTS
from .url import URL_ENV, parse_database_url

if TYPE_CHECKING:
    from .audit import AuditOptions

AUDIT_EPILOG = f"""examples:
  SHARING_AUDIT_DB_URL=postgresql://auditor@db/prod sharing-audit audit --repo-sql sql/
  sharing-audit audit --db mariadb://auditor@db:3306/pars --map-schema pars_prod=pars --format json -o audit.json
  sharing-audit audit --db sqlite:///exports/city.db --map-schema main=lock_and_track

The audit only reads: the session is made read-only and verified, every statement is vetted
before it is sent, and each has a time limit. Pass the password in the URL or, better, in
${URL_ENV}; it never appears in output, logs or errors.

"""

_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|min|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``500ms``, ``2m`` or a plain number of seconds.

    Example:
        >>> parse_duration("1.5m"), parse_duration("250ms"), parse_duration("10")
        (90.0, 0.25, 10.0)
    """
    match = _DURATION.match(text)
    if not match or float(match.group("n")) <= 0:
        raise argparse.ArgumentTypeError(f"not a positive duration (like 30s, 500ms, 2m): {text!r}")
    return float(match.group("n")) * _UNITS[match.group("unit")]


def _pair(text: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=NAME, not {text!r}")
    return left.strip().lower(), right.strip().lower()


def add_audit_parser(subparsers: Any) -> None:
    """Add ``audit`` to the CLI's subparsers (``sub = parser.add_subparsers(...)``)."""
    from ..cli import EXIT_CODES_HELP, _HelpFormatter, _positive, report_options

    p = subparsers.add_parser(
        "audit",
        help="audit a live database: deployed views, grants, roles and row-level security",
        formatter_class=_HelpFormatter,
        epilog=AUDIT_EPILOG + EXIT_CODES_HELP,
    )
    p.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help=f"postgresql://, mysql:// or mariadb://, sqlite:///FILE or duckdb:///FILE (default: ${URL_ENV})",
    )
    p.add_argument("--policies", type=Path, default=Path("policies"), help="policies directory")
    repo = p.add_mutually_exclusive_group()
    repo.add_argument(
        "--repo-sql",
        type=Path,
        action="append",
        default=None,
        metavar="PATH",
        help="repository SQL files or directories to compare with what is deployed (drift); repeatable",
    )
    repo.add_argument(
        "--checks",
        type=Path,
        default=None,
        help="use the SQL checks of this checks directory as the repository SQL (drift)",
    )
    p.add_argument(
        "--dialect",
        choices=SUPPORTED_DIALECTS,
        default=None,
        help="dialect of --repo-sql files (default: the database's)",
    )
    p.add_argument(
        "--default-schema",
        default="public",
        help="schema of unqualified names in the repository SQL",
    )
    p.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="SCHEMA",
        help="audit only this schema (MariaDB: database), as stored; repeatable (default: every user schema)",
    )
    p.add_argument(
        "--map-schema",
        action="append",
        type=_pair,
        default=[],
        metavar="STORED=NAME",
        help="the database's schema STORED is what the policies and repository call NAME; repeatable",
    )
    p.add_argument(
        "--map-server",
        action="append",
        type=_pair,
        default=[],
        metavar="SERVER=SYSTEM",
        help="foreign tables of foreign server SERVER expose policy system SYSTEM; repeatable",
    )
    p.add_argument(
        "--statement-timeout",
        type=parse_duration,
        default="30s",
        metavar="DURATION",
        help="time limit of each statement (30s, 500ms, 2m)",
    )
    p.add_argument(
        "--sample",
        nargs="?",
        type=_positive,
        const=1000,
        default=None,
        metavar="ROWS",
        help="also count detector matches in the first ROWS rows of every object a federal consumer reaches, inside the database (counts only, never values)",
    )
    p.add_argument(
        "--drift",
        choices=("block", "warn"),
        default="block",
        help="whether drift from the repository fails the run (block) or is only reported (warn)",
    )
    report_options(p)


def audit_options(args: argparse.Namespace) -> AuditOptions:
    """The run's options from parsed arguments.

    Raises:
        UsageError: ``--checks`` declares no SQL check, or ``--repo-sql`` matches nothing.
        LiveAuditError: no or an unsupported database URL.
    """
    # NOTE: imported here so that building the CLI parser does not load the audit machinery.
    from .audit import AuditOptions

    url = parse_database_url(args.db)
    repo: list[SqlInput] = []
    if args.repo_sql:
        repo = sql_inputs_from_paths(list(args.repo_sql), args.dialect or url.dialect, Path.cwd())
        if not repo:
            raise UsageError("--repo-sql matched no SQL file: drift cannot be checked")
    elif args.checks is not None:
        seen: set[str] = set()
        for check in load_checks(args.checks):
            for item in check.inputs(Path.cwd()):
                if item.display not in seen:
                    seen.add(item.display)
                    repo.append(item)
    return AuditOptions(
        policies=args.policies,
        url=url.url,
        repo_inputs=tuple(repo),
        default_schema=args.default_schema,
        schemas=tuple(args.schema),
        schema_map=tuple(args.map_schema),
        server_map=tuple(args.map_server),
        statement_timeout=args.statement_timeout,
        sample_rows=args.sample,
        drift_blocking=args.drift == "block",
        as_of=args.as_of,
    )


def run_audit_command(args: argparse.Namespace) -> int:
    """Run ``audit`` and report through the CLI's formatters; returns the exit code.

    Errors (connection, permission, timeout, usage) are raised as ``SharingAuditError``
    for ``cli.main`` to print on one line and exit 2.
    """
    from ..cli import _report
    from .audit import run_audit

    result = run_audit(audit_options(args))
    return _report(args, result)
