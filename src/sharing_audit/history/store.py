"""The history store: one transaction per run, SQLite by default, PostgreSQL optional.

A run and all its findings are written in one transaction, so a crash mid-run leaves no
half-written run; SQLite runs in WAL mode with a busy timeout so that concurrent runs wait for
each other instead of failing. Only what reports already show is stored: rule, consumer,
object, column, status and the message (which never holds a data value), and the target with
any password redacted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

from ..errors import SharingAuditError
from ..live.url import redact_url

if TYPE_CHECKING:
    from ..engine import RunResult

SCHEMA_VERSION = 1
DEFAULT_STORE = ".sharing-audit/history.sqlite"

_meta = sa.MetaData()
_version = sa.Table("sa_schema_version", _meta, sa.Column("version", sa.Integer, nullable=False))
_runs = sa.Table(
    "sa_runs",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started", sa.String(40), nullable=False),
    sa.Column("finished", sa.String(40), nullable=False),
    sa.Column("target", sa.String(500), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("policy_sha256", sa.String(64), nullable=False),
    sa.Column("policy_version", sa.String(100), nullable=False),
    sa.Column("tool_version", sa.String(40), nullable=False),
    sa.Column("run_by", sa.String(200), nullable=False),
    sa.Column("exit_code", sa.Integer, nullable=False),
    sa.Column("violations", sa.Integer, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("notices", sa.Integer, nullable=False),
)
_findings = sa.Table(
    "sa_findings",
    _meta,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("sa_runs.id"), nullable=False, index=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("consumer", sa.String(200), nullable=False),
    sa.Column("object", sa.String(1000), nullable=False),
    sa.Column("column", sa.String(500), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("severity", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)
_errors = sa.Table(
    "sa_errors",
    _meta,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("sa_runs.id"), nullable=False, index=True),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)


class HistoryError(SharingAuditError):
    """The history store cannot be opened, read or written."""


@dataclass(frozen=True)
class FindingRow:
    """One stored finding."""

    fingerprint: str
    rule: str
    consumer: str
    object: str
    column: str | None
    status: str
    severity: str
    message: str


@dataclass(frozen=True)
class RunRecord:
    """What is stored about one run."""

    started: dt.datetime
    finished: dt.datetime
    target: str
    kind: str
    policy_sha256: str
    policy_version: str
    tool_version: str
    run_by: str
    exit_code: int
    findings: tuple[FindingRow, ...]
    errors: tuple[tuple[str, str, str], ...] = ()
    notices: int = 0

    @classmethod
    def from_result(cls, result: RunResult, target: str, kind: str) -> RunRecord:
        """A record of a finished run (the target's password, if any, is redacted)."""
        return cls(
            started=result.started,
            finished=result.finished,
            target=redact_url(target),
            kind=kind,
            policy_sha256=result.policy.digest,
            policy_version=str(result.policy.version),
            tool_version=result.tool_version,
            run_by=result.run_by,
            exit_code=result.exit_code,
            findings=tuple(
                FindingRow(f.fingerprint, f.rule_id, f.consumer, f.object, f.output_column, f.status, f.severity.value, f.message)
                for f in result.findings
            ),
            errors=tuple((e.code, e.path, e.message) for e in result.errors),
            notices=len(result.notices),
        )


@dataclass(frozen=True)
class RunSummary:
    """One stored run, as ``history list`` shows it."""

    id: int
    started: str
    target: str
    kind: str
    exit_code: int
    violations: int
    errors: int
    policy_sha256: str
    tool_version: str


@dataclass(frozen=True)
class RunDiff:
    """Findings of a run compared with an earlier run of the same target."""

    run: int
    previous: int | None
    new: tuple[FindingRow, ...]
    resolved: tuple[FindingRow, ...]
    still_open: tuple[FindingRow, ...]


class HistoryStore:
    """Runs and their findings in a SQL database (SQLAlchemy Core: SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, location: str | Path) -> HistoryStore:
        """Open (and create on first use) a store: a file path, or a SQLAlchemy URL.

        Raises:
            HistoryError: the store cannot be opened or is from a newer version of the tool.
        """
        text = str(location)
        if "://" in text:
            url = text.replace("postgresql://", "postgresql+psycopg://", 1) if text.startswith("postgresql://") else text
            engine = sa.create_engine(url, pool_pre_ping=True)
        else:
            path = Path(text)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(f"cannot create the folder of the history store ({exc.strerror})", path=str(path)) from None
            engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
            # SQLite's own transaction handling defers locks; take the write lock at BEGIN.
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        store = cls(engine)
        store._create()
        return store

    def _create(self) -> None:
        try:
            with self._tx() as conn:
                _meta.create_all(conn)
                found = conn.execute(sa.select(_version.c.version)).scalar()
                if found is None:
                    conn.execute(_version.insert().values(version=SCHEMA_VERSION))
                elif found > SCHEMA_VERSION:
                    raise HistoryError(f"the history store has schema version {found}; this tool reads up to {SCHEMA_VERSION}")
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(f"cannot open the history store ({type(exc).__name__})") from None

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        with self.engine.begin() as conn:
            yield conn

    def record(self, run: RunRecord) -> int:
        """Store a run and its findings in one transaction; returns the run id.

        Raises:
            HistoryError: the store cannot be written (nothing of this run is stored).
        """
        violations = sum(1 for f in run.findings if f.status == "violation")
        try:
            with self._tx() as conn:
                inserted = conn.execute(
                    _runs.insert().values(
                        started=run.started.isoformat(),
                        finished=run.finished.isoformat(),
                        target=redact_url(run.target),
                        kind=run.kind,
                        policy_sha256=run.policy_sha256,
                        policy_version=run.policy_version,
                        tool_version=run.tool_version,
                        run_by=run.run_by,
                        exit_code=run.exit_code,
                        violations=violations,
                        errors=len(run.errors),
                        notices=run.notices,
                    )
                ).inserted_primary_key
                assert inserted is not None
                run_id = inserted[0]
                if run.findings:
                    conn.execute(_findings.insert(), [{"run_id": run_id, **f.__dict__} for f in run.findings])
                if run.errors:
                    conn.execute(_errors.insert(), [{"run_id": run_id, "code": c, "path": p, "message": m} for c, p, m in run.errors])
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(f"cannot write the run to the history store ({type(exc).__name__})") from None
        return int(run_id)

    def runs(self, target: str | None = None, limit: int = 20) -> list[RunSummary]:
        """The latest runs, newest first."""
        query = sa.select(_runs).order_by(_runs.c.id.desc()).limit(limit)
        if target is not None:
            query = query.where(_runs.c.target == redact_url(target))
        with self.engine.connect() as conn:
            return [
                RunSummary(r.id, r.started, r.target, r.kind, r.exit_code, r.violations, r.errors, r.policy_sha256, r.tool_version)
                for r in conn.execute(query)
            ]

    def findings(self, run_id: int) -> list[FindingRow]:
        """The findings stored for a run."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_findings).where(_findings.c.run_id == run_id))
            return [FindingRow(r.fingerprint, r.rule, r.consumer, r.object, r.column, r.status, r.severity, r.message) for r in rows]

    def compare(self, run_id: int | None = None, previous_id: int | None = None) -> RunDiff:
        """New, resolved and still-open findings of a run against an earlier run.

        Defaults: the latest run, against the run before it for the same target.

        Raises:
            HistoryError: no such run.
        """
        with self.engine.connect() as conn:
            if run_id is None:
                run_id = conn.execute(sa.select(sa.func.max(_runs.c.id))).scalar()
                if run_id is None:
                    raise HistoryError("the history store holds no runs yet")
            target = conn.execute(sa.select(_runs.c.target).where(_runs.c.id == run_id)).scalar()
            if target is None:
                raise HistoryError(f"no run {run_id} in the history store")
            if previous_id is None:
                previous_id = conn.execute(
                    sa.select(sa.func.max(_runs.c.id)).where(_runs.c.target == target, _runs.c.id < run_id)
                ).scalar()
        current = {f.fingerprint: f for f in self.findings(run_id)}
        before = {f.fingerprint: f for f in self.findings(previous_id)} if previous_id is not None else {}
        return RunDiff(
            run=run_id,
            previous=previous_id,
            new=tuple(f for k, f in sorted(current.items()) if k not in before),
            resolved=tuple(f for k, f in sorted(before.items()) if k not in current),
            still_open=tuple(f for k, f in sorted(current.items()) if k in before),
        )

    def trend(self, target: str, limit: int = 12) -> list[tuple[str, int, int]]:
        """``(started, violations, errors)`` for the target's latest runs, oldest first."""
        return [(r.started, r.violations, r.errors) for r in reversed(self.runs(target, limit))]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's own BEGIN.
    dbapi_conn.isolation_level = None


def record_result(store: str | Path, result: RunResult, target: str, kind: str) -> int:
    """Store a finished run (``--history STORE``); returns its id."""
    return HistoryStore.open(store).record(RunRecord.from_result(result, target, kind))
