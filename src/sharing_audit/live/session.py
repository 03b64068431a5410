"""Read-only database sessions that record, and vet, every statement they send.

Read-only by construction, three times over:

1. the session itself is read-only (PostgreSQL ``default_transaction_read_only``, MariaDB
   ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro`` plus ``query_only``, DuckDB
   ``read_only=True``), and this is verified with a query before anything else is read;
2. every statement passes a guard before it is sent (a SQLAlchemy ``before_cursor_execute``
   listener): only ``SELECT``, ``SHOW``, session-scoped ``SET`` and ``PRAGMA`` reads, one
   statement at a time;
3. every statement sent is recorded in ``Session.statements``, so tests can prove it.

A statement timeout bounds every query (PostgreSQL ``statement_timeout``, MariaDB
``max_statement_time``, a progress handler for SQLite, an interrupt for DuckDB).
"""

from __future__ import annotations

import abc
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .model import LiveAuditError
from .url import DatabaseUrl, scrub

logger = logging.getLogger(__name__)

#: First words of the statements a session may send.
_ALLOWED_FIRST = frozenset({"SELECT", "SHOW", "SET", "PRAGMA"})
CONNECT_TIMEOUT = 15
"""Seconds to wait for a server connection."""


def vet_statement(sql: str) -> None:
    """Refuse anything but a single read statement.

    Raises:
        LiveAuditError: the statement could change something.

    Example:
        >>> vet_statement("SELECT relname FROM pg_catalog.pg_class")
        >>> vet_statement("SET SESSION TRANSACTION READ ONLY")
        >>> vet_statement("DROP TABLE x")
        Traceback (most recent call last):
        ...
        sharing_audit.live.model.LiveAuditError: refused to send a DROP statement: the audit only reads
    """
    words = _words(sql)
    first = words[0] if words else ""
    ok = first in _ALLOWED_FIRST
    if first == "SET":
        # A session setting only: never SET GLOBAL, SET PASSWORD, SET ROLE...
        ok = len(words) > 1 and words[1] == "SESSION"
    elif first == "PRAGMA":
        # Only the pragma that makes a SQLite connection read-only (or reads that setting).
        ok = words[1:2] == ["QUERY_ONLY"] and words[2:] in ([], ["=", "ON"])
    if not ok:
        raise LiveAuditError(
            f"refused to send a {first or 'empty'} statement: the audit only reads"
        )
    if ";" in _code(sql).rstrip().rstrip(";"):
        raise LiveAuditError(
            "refused to send several statements at once: the audit sends one read at a time"
        )


def _code(sql: str) -> str:
    """``sql`` with string literals, quoted names and comments blanked out."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"', "`"):
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == ch:
                end = sql.find(ch, end + 2)
            i = n if end == -1 else end + 1
            out.append(" ")
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _words(sql: str) -> list[str]:
    """The first words of ``sql``, upper-cased, with ``=`` as a word of its own."""
    return [w.upper() for w in _code(sql).replace("=", " = ").split()[:5]]


class Session(abc.ABC):
    """A read-only connection to one database."""

    def __init__(self, url: DatabaseUrl, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.statements: list[str] = []
        """Every statement sent, in order (the driver's own included)."""

    @property
    def backend(self) -> str:
        """``postgresql``, ``mysql``, ``sqlite`` or ``duckdb``."""
        return self.url.backend

    @abc.abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one read and return every row.

        Raises:
            LiveAuditError: permission denied, timeout, or any other database error.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """End the session (rolling back the read-only transaction)."""

    def _record(self, sql: str) -> None:
        vet_statement(sql)
        self.statements.append(sql)

    def _error(self, exc: BaseException, doing: str) -> LiveAuditError:
        return LiveAuditError(f"{self.url.display}: {doing}: {describe_error(exc, self.url.url)}")


def describe_error(exc: BaseException, url: str) -> str:
    """A one-line, password-free description of a driver error, its kind first when known.

    Example:
        >>> describe_error(PermissionError(1142, "SELECT command denied"), "mysql://u:pw@h/d")
        'permission denied: SELECT command denied (PermissionError)'
    """
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlstate", None)
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    number = args[0] if args and isinstance(args[0], int) else None
    kind = next(
        (k for k, (codes, numbers) in _ERROR_KINDS.items() if code in codes or number in numbers),
        None,
    )
    if kind is None and "interrupt" in type(orig).__name__.lower():
        kind = "timed out (raise --statement-timeout, or audit fewer schemas with --schema)"
    text = str(args[1]) if number is not None and len(args) > 1 else str(orig)
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(orig).__name__)
    return f"{kind + ': ' if kind else ''}{scrub(first, url)} ({type(orig).__name__})"


#: Error kind → (PostgreSQL SQLSTATEs, MariaDB/MySQL error numbers).
_ERROR_KINDS: dict[str, tuple[frozenset[str], frozenset[int]]] = {
    "permission denied": (frozenset({"42501"}), frozenset({1044, 1045, 1142, 1143, 1227, 1370})),
    "timed out (raise --statement-timeout, or audit fewer schemas with --schema)": (
        frozenset({"57014", "55P03", "25P03"}),
        frozenset({1969, 3024, 1205}),
    ),
    "cannot log in or open the database": (
        frozenset({"28000", "28P01", "3D000"}),
        frozenset({1049}),
    ),
}


class SqlAlchemySession(Session):
    """PostgreSQL, MariaDB/MySQL and SQLite through SQLAlchemy, with a statement listener."""

    def __init__(self, url: DatabaseUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.pool import NullPool

        settings = BACKEND_SETTINGS[url.backend]
        try:
            self.engine = create_engine(
                url.driver_url, poolclass=NullPool, **settings.engine_args(url, timeout)
            )
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise LiveAuditError(
                f"{url.display}: cannot use this URL: {scrub(str(exc).splitlines()[0], url.url)}"
            ) from None

        def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            self._record(statement)

        event.listen(self.engine, "before_cursor_execute", before)
        try:
            self.conn = self.engine.connect()
        except LiveAuditError:
            raise
        except Exception as exc:  # noqa: BLE001 - every driver failure is a connection failure
            self.engine.dispose()
            raise self._error(exc, "cannot connect") from None

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:  # noqa: D102
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError, StatementError

        try:
            return [tuple(r) for r in self.conn.execute(text(sql), dict(params or {})).all()]
        except StatementError as exc:
            if isinstance(exc.orig, LiveAuditError):
                raise exc.orig from None
            self._rollback()
            raise self._error(exc, "query failed") from None
        except DBAPIError as exc:
            self._rollback()
            raise self._error(exc, "query failed") from None

    def _rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception as exc:  # noqa: BLE001 - the session is closing anyway
            logger.debug("rollback failed: %s", type(exc).__name__)

    def close(self) -> None:  # noqa: D102
        self._rollback()
        self.conn.close()
        self.engine.dispose()


class DuckDbSession(Session):
    """A DuckDB file opened with ``read_only=True`` (no SQLAlchemy driver is needed)."""

    def __init__(self, url: DatabaseUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        import duckdb

        assert url.path is not None
        if not url.path.is_file():
            raise LiveAuditError(f"{url.display}: cannot connect: no such database file")
        try:
            self.conn = duckdb.connect(str(url.path), read_only=True)
        except duckdb.Error as exc:
            raise self._error(exc, "cannot connect") from None

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:  # noqa: D102
        import duckdb

        self._record(sql)
        timer = threading.Timer(self.timeout, self.conn.interrupt)
        timer.start()
        try:
            return [
                tuple(r)
                for r in self.conn.execute(sql, dict(params) if params else None).fetchall()
            ]
        except duckdb.Error as exc:
            raise self._error(exc, "query failed") from None
        finally:
            timer.cancel()

    def close(self) -> None:  # noqa: D102
        self.conn.close()


@dataclass(frozen=True)
class BackendSettings:
    """How one backend is made read-only and time-limited."""

    engine_args: Callable[[DatabaseUrl, float], dict[str, Any]]
    setup: tuple[str, ...]
    """Session statements run first (``{timeout}`` is replaced by seconds)."""
    verify: str
    """A query whose single value is true only when the session is read-only."""


def _postgres_args(url: DatabaseUrl, timeout: float) -> dict[str, Any]:
    # NOTE: search_path=pg_catalog makes pg_get_viewdef qualify every user table with its
    # schema; the settings travel in the startup packet, so no SET statement is needed.
    options = (
        "-c default_transaction_read_only=on"
        f" -c statement_timeout={int(timeout * 1000)}"
        f" -c lock_timeout={int(timeout * 1000)}"
        " -c idle_in_transaction_session_timeout=600000"
        " -c search_path=pg_catalog"
    )
    return {
        "connect_args": {
            "options": options,
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "sharing-audit",
        }
    }


def _mysql_args(url: DatabaseUrl, timeout: float) -> dict[str, Any]:
    return {"connect_args": {"connect_timeout": CONNECT_TIMEOUT, "read_timeout": int(timeout) + 30}}


def _sqlite_args(url: DatabaseUrl, timeout: float) -> dict[str, Any]:
    assert url.path is not None
    path = url.path

    def creator() -> sqlite3.Connection:
        if not path.is_file():
            raise sqlite3.OperationalError("unable to open database file (no such file)")
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        deadline: list[float] = []

        def watchdog() -> int:
            import time

            if not deadline:
                deadline.append(time.monotonic() + timeout)
            return int(time.monotonic() > deadline[0])

        conn.set_progress_handler(watchdog, 100_000)
        return conn

    return {"creator": creator}


BACKEND_SETTINGS: dict[str, BackendSettings] = {
    "postgresql": BackendSettings(
        _postgres_args,
        (),
        "SELECT current_setting('transaction_read_only') = 'on' AND current_setting('default_transaction_read_only') = 'on'",
    ),
    "mysql": BackendSettings(
        _mysql_args,
        ("SET SESSION TRANSACTION READ ONLY", "SET SESSION max_statement_time = {timeout}"),
        "SELECT @@session.tx_read_only = 1",
    ),
    "sqlite": BackendSettings(_sqlite_args, ("PRAGMA query_only = ON",), "PRAGMA query_only"),
    "duckdb": BackendSettings(
        lambda url, timeout: {}, (), "SELECT current_setting('access_mode') = 'read_only'"
    ),
}
"""Backend → how its sessions are made read-only (a table, not an if-chain)."""


@contextmanager
def open_session(url: DatabaseUrl, timeout: float = 30.0) -> Iterator[Session]:
    """A verified read-only session, closed on exit.

    Raises:
        LiveAuditError: the database cannot be reached, or the session is not read-only.
    """
    session: Session = (
        DuckDbSession(url, timeout) if url.backend == "duckdb" else SqlAlchemySession(url, timeout)
    )
    try:
        settings = BACKEND_SETTINGS[url.backend]
        for statement in settings.setup:
            _run(session, statement.format(timeout=f"{timeout:g}"))
        verified = session.rows(settings.verify)
        if not verified or not verified[0][0]:
            raise LiveAuditError(
                f"{url.display}: the session could not be made read-only; nothing was audited"
            )
        yield session
    finally:
        session.close()


def _run(session: Session, statement: str) -> None:
    """Run a setting statement that returns no rows."""
    if isinstance(session, SqlAlchemySession):
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError, StatementError

        try:
            session.conn.execute(text(statement))
        except StatementError as exc:
            if isinstance(exc.orig, LiveAuditError):
                raise exc.orig from None
            raise session._error(exc, "cannot configure the session") from None
        except DBAPIError as exc:
            raise session._error(exc, "cannot configure the session") from None
    else:
        session.rows(statement)
