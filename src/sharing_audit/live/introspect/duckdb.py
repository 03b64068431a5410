"""DuckDB files: schemas, tables, views (stored as ``CREATE VIEW``) and columns; no roles or grants."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import ObjectKind, Snapshot
from ..session import Session
from .common import ObjectTable

_SCHEMAS = (
    "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database() ORDER BY 1"
)
_TABLES = "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary"
_VIEWS = "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary"
_COLUMNS = """
SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index
"""


def introspect(session: Session, wanted: Sequence[str]) -> Snapshot:
    """Read a DuckDB file into a snapshot."""
    database, version = session.rows("SELECT current_database(), version()")[0]
    found = [r[0] for r in session.rows(_SCHEMAS)]
    schemas = tuple(s for s in found if not wanted or s in set(wanted))
    snap = Snapshot(
        "duckdb",
        "duckdb",
        session.url.display,
        str(database),
        f"DuckDB {version}",
        schemas=schemas,
        supports_grants=False,
    )
    table = ObjectTable()
    for schema, name in session.rows(_TABLES):
        if schema in schemas:
            table.add(schema, name, ObjectKind.TABLE)
    for schema, name, sql in session.rows(_VIEWS):
        if schema in schemas:
            table.add(schema, name, ObjectKind.VIEW, definition=sql, definition_is_create=True)
    table.add_columns(r for r in session.rows(_COLUMNS) if r[0] in schemas)
    table.into(snap)
    return snap
