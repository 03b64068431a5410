"""Rewrite a resolved query so the optimizer can qualify it without losing lineage.

Two things in real SQL would otherwise fail qualification (and so fail closed) or lose
a field: whole-row references (``row_to_json(i)``, ``to_jsonb(i.*)``), which carry every
column of ``i``, and dialect pseudo-columns such as Oracle's ``ROWNUM``, which carry none.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.schema import MappingSchema

#: Unqualified names that are not columns, per dialect ("*" applies to all dialects).
PSEUDO_COLUMNS: dict[str, frozenset[str]] = {
    "*": frozenset({"current_date", "current_timestamp", "current_time", "current_user", "session_user", "localtimestamp"}),
    "oracle": frozenset({"rownum", "rowid", "level", "sysdate", "systimestamp", "uid", "user", "ora_rowscn"}),
    "snowflake": frozenset({"current_role", "current_warehouse"}),
    "tsql": frozenset({"getdate"}),
}


def prepare(query: exp.Expr, schema: MappingSchema, dialect: str) -> None:
    """Expand whole-row references to ``ROW(col, ...)`` and blank out pseudo-columns, in place."""
    pseudo = PSEUDO_COLUMNS["*"] | PSEUDO_COLUMNS.get(dialect, frozenset())
    for select in list(query.find_all(exp.Select)):
        tables = _table_sources(select, schema)
        known = {c for cols in tables.values() for c in cols}
        for col in list(select.find_all(exp.Column)):
            if col.find_ancestor(exp.Select) is not select:
                continue
            if isinstance(col.this, exp.Star):
                if col.table in tables and col.parent is not select:
                    col.replace(_row(col.table, tables[col.table]))
                continue
            if col.table:
                continue
            name = col.name
            if name in known:
                continue
            if name in tables:
                col.replace(_row(name, tables[name]))
            elif name in pseudo:
                col.replace(exp.Anonymous(this=name.upper(), expressions=[]))


def _table_sources(select: exp.Select, schema: MappingSchema) -> dict[str, list[str]]:
    """Alias → column names for every plain table in the SELECT's FROM and JOINs."""
    out: dict[str, list[str]] = {}
    items = [select.args.get("from_")] + list(select.args.get("joins") or [])
    for item in items:
        if item is None or not isinstance(item.this, exp.Table):
            continue
        table = item.this
        if not table.db:
            continue
        try:
            out[table.alias_or_name] = list(schema.column_names(exp.table_(table.name, db=table.db)))
        except Exception:  # noqa: BLE001 - an unknown table is reported by qualification
            continue
    return out


def _row(alias: str, columns: list[str]) -> exp.Expr:
    return exp.Anonymous(
        this="ROW",
        expressions=[exp.column(c, table=alias, quoted=True) for c in columns],
    )
