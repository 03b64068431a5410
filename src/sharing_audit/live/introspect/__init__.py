"""Introspection: read one database's catalog into a ``Snapshot``, one module per backend."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import LiveAuditError, Snapshot
from ..session import Session
from . import duckdb, mysql, postgres, sqlite

Introspector = Callable[[Session, Sequence[str]], Snapshot]

INTROSPECTORS: dict[str, Introspector] = {
    "postgresql": postgres.introspect,
    "mysql": mysql.introspect,
    "sqlite": sqlite.introspect,
    "duckdb": duckdb.introspect,
}
"""Backend → the function that reads its catalog."""


def introspect(session: Session, schemas: Sequence[str] = ()) -> Snapshot:
    """Read tables, columns, views, grants, roles and row policies of the session's database.

    Args:
        session: a verified read-only session.
        schemas: schemas (MariaDB: databases) to audit, as stored; empty for every user schema.

    Raises:
        LiveAuditError: a requested schema does not exist, or a catalog cannot be read.
    """
    snapshot = INTROSPECTORS[session.backend](session, schemas)
    snapshot.read_only = True
    missing = sorted(set(schemas) - set(snapshot.schemas))
    if missing:
        raise LiveAuditError(
            f"{session.url.display}: no schema {', '.join(missing)} in the database (or not visible to this account)"
        )
    return snapshot


def select_schemas(found: Sequence[str], wanted: Sequence[str]) -> tuple[str, ...]:
    """The schemas to audit: ``wanted`` if given (each must exist), else all ``found``.

    Example:
        >>> select_schemas(["pars", "staging"], ["pars"])
        ('pars',)
    """
    if not wanted:
        return tuple(found)
    return tuple(s for s in found if s in set(wanted))
