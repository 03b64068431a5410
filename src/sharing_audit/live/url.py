"""Database URLs: which backend, which file or server, and a redacted form safe to print."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .model import LiveAuditError

#: Environment variable read when ``--db`` is not given (keeps passwords off the command line).
URL_ENV = "SHARING_AUDIT_DB_URL"

#: URL scheme (before any ``+driver``) → backend name.
BACKENDS = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
}
#: Backend → sqlglot dialect of its view definitions.
DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}
#: Backend → the SQLAlchemy driver used when the URL names none.
DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "sqlite": "sqlite"}

_SECRET_KEYS = re.compile(r"(?i)pass|secret|token|key|cred")


_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9._-]*)(?::[0-9]*)?(?=[/?]|$)")


def _split_userinfo(rest: str) -> tuple[str, str]:
    """``(user info, the rest)`` of what follows ``scheme://``.

    The user info ends at an ``@`` followed by a host (and port) and then ``/``, ``?`` or the
    end. A password may hold ``@``, ``?`` or ``/`` unencoded, so the LAST such ``@`` is taken:
    an ``@`` inside a query value then costs the host name, never a password.
    """
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) >= 0:
        if _HOST.match(rest, at + 1):
            return rest[:at], rest[at + 1 :]
    return "", rest


def redact_url(url: str) -> str:
    """The URL with its password and any secret-looking query value replaced by ``***``.

    Example:
        >>> redact_url("postgresql://audit:s3cret@db.example:5432/prod?sslpassword=x&sslmode=require")
        'postgresql://audit:***@db.example:5432/prod?sslpassword=***&sslmode=require'
        >>> redact_url("postgresql://u:pa?ss@h/db"), redact_url("postgresql://u:p@ss?x@h/db?sslmode=require")
        ('postgresql://u:***@h/db', 'postgresql://u:***@h/db?sslmode=require')
        >>> redact_url("duckdb:///data/city.duckdb")
        'duckdb:///data/city.duckdb'
    """
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if sep:
        userinfo, hostpart = _split_userinfo(rest)
        if ":" in userinfo:
            rest = f"{userinfo.split(':', 1)[0]}:***@{hostpart}"
        elif userinfo:
            rest = f"{userinfo}@{hostpart}"
        text = f"{scheme}://{rest}"
    base, sep, query = text.partition("?")
    if not sep:
        return base
    parts = []
    for item in query.split("&"):
        key, eq, _value = item.partition("=")
        parts.append(f"{key}=***" if eq and _SECRET_KEYS.search(key) else item)
    return f"{base}?{'&'.join(parts)}"


def secrets_of(url: str) -> tuple[str, ...]:
    """The password and secret query values in ``url`` (raw and decoded), to scrub from messages.

    Example:
        >>> secrets_of("mysql://root:p%40ss@h/db"), secrets_of("mysql://root:pa?ss@h/db")
        (('p%40ss', 'p@ss'), ('pa?ss',))
        >>> secrets_of("mysql://u:s3cret@h/db?x=a@b")  # an @ in a query value costs the host
        ('s3cret@h/db?x=a',)
    """
    found: list[str] = []
    _, sep, rest = url.strip().partition("://")
    userinfo, hostpart = _split_userinfo(rest) if sep else ("", rest)
    if ":" in userinfo:
        password = userinfo.split(":", 1)[1]
        found += [password, unquote(password)]
    _, _, query = hostpart.partition("?")
    for item in query.split("&") if query else ():
        key, eq, value = item.partition("=")
        if eq and value and _SECRET_KEYS.search(key):
            found += [value, unquote(value)]
    return tuple(dict.fromkeys(s for s in found if s))


def scrub(text: str, url: str) -> str:
    """``text`` with every secret of ``url`` replaced by ``***``.

    Example:
        >>> scrub("login failed for s3cret", "postgresql://u:s3cret@h/d")
        'login failed for ***'
    """
    for secret in sorted(secrets_of(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed ``--db`` URL."""

    url: str
    """The URL as given (may hold a password: never print it)."""
    backend: str
    driver_url: str
    """The URL handed to SQLAlchemy (with the default driver filled in)."""
    path: Path | None = None
    """The database file, for SQLite and DuckDB."""

    @property
    def display(self) -> str:
        """The redacted URL, for every message and report."""
        return redact_url(self.url)

    @property
    def dialect(self) -> str:
        """Sqlglot dialect of the database's SQL."""
        return DIALECTS[self.backend]


def parse_database_url(url: str | None) -> DatabaseUrl:
    """Parse ``--db`` (or ``$SHARING_AUDIT_DB_URL`` when None).

    Raises:
        LiveAuditError: no URL, or an unsupported scheme.

    Example:
        >>> parse_database_url("mariadb://root@127.0.0.1:3306/test").driver_url
        'mysql+pymysql://root@127.0.0.1:3306/test'
        >>> parse_database_url("sqlite:///city.db").path
        PosixPath('city.db')
    """
    if url is None:
        url = os.environ.get(URL_ENV)
    if not url or not url.strip():
        raise LiveAuditError(f"no database URL: pass --db URL or set {URL_ENV}")
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise LiveAuditError(f"{redact_url(url)} is not a database URL (expected scheme://...)")
    base, _, driver = scheme.lower().partition("+")
    backend = BACKENDS.get(base)
    if backend is None:
        known = ", ".join(sorted(BACKENDS))
        raise LiveAuditError(
            f"{redact_url(url)}: unsupported database scheme {base!r} (known: {known})"
        )
    if backend in ("sqlite", "duckdb"):
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        if not rest.startswith("/"):
            raise LiveAuditError(f"{redact_url(url)}: expected {base}:///path/to/file")
        file = unquote(rest[1:].partition("?")[0])
        if not file or file == ":memory:":
            raise LiveAuditError(f"{redact_url(url)}: a database file is required")
        return DatabaseUrl(
            url, backend, f"sqlite:///{file}" if backend == "sqlite" else url, Path(file)
        )
    prefix = f"{base if base != 'mariadb' else 'mysql'}+{driver}" if driver else DRIVERS[backend]
    return DatabaseUrl(url, backend, f"{prefix}://{rest}")
