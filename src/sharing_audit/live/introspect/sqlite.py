"""SQLite files: tables, views (stored as written) and their columns; no schemas, roles or grants."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import ObjectKind, Snapshot
from ..session import Session
from .common import ObjectTable

SCHEMA = "main"
"""SQLite's only schema; map it to a policy system with ``--map-schema main=SYSTEM``."""

_OBJECTS = "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
_COLUMNS = "SELECT name, type FROM pragma_table_info(:name) ORDER BY cid"


def introspect(session: Session, wanted: Sequence[str]) -> Snapshot:
    """Read a SQLite file into a snapshot (schema ``main``)."""
    version = session.rows("SELECT sqlite_version()")[0][0]
    path = session.url.path
    schemas = (SCHEMA,) if not wanted or SCHEMA in wanted else ()
    snap = Snapshot(
        "sqlite",
        "sqlite",
        session.url.display,
        path.stem if path else "",
        f"SQLite {version}",
        schemas=schemas,
        supports_grants=False,
    )
    if not schemas:
        return snap
    table = ObjectTable()
    for kind, name, sql in session.rows(_OBJECTS):
        if kind == "view":
            table.add(SCHEMA, name, ObjectKind.VIEW, definition=sql, definition_is_create=True)
        else:
            table.add(SCHEMA, name, ObjectKind.TABLE)
        table.add_columns(
            (SCHEMA, name, column, type_)
            for column, type_ in session.rows(_COLUMNS, {"name": name})
        )
    table.into(snap)
    return snap
