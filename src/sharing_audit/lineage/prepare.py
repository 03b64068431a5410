"""Rewrite a resolved query so the optimizer can qualify it without losing lineage.

Two things in real SQL would otherwise fail qualification (and so fail closed) or lose
a field: whole-row references (``row_to_json(i)``, ``to_jsonb(i.*)``), which carry every
column of ``i``, and dialect pseudo-columns such as Oracle's ``ROWNUM``, which carry none.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.schema import MappingSchema

from ..errors import LineageError
from .model import Position
from .parse import StatementIndex, node_position

#: Unqualified names that are not columns, per dialect ("*" applies to all dialects).
PSEUDO_COLUMNS: dict[str, frozenset[str]] = {
    "*": frozenset({"current_date", "current_timestamp", "current_time", "current_user", "session_user", "localtimestamp"}),
    "oracle": frozenset({"rownum", "rowid", "level", "sysdate", "systimestamp", "uid", "user", "ora_rowscn"}),
    "snowflake": frozenset({"current_role", "current_warehouse"}),
    "tsql": frozenset({"getdate"}),
}


def prepare(index: StatementIndex, schema: MappingSchema, dialect: str) -> None:
    """Expand whole-row references to ``ROW(col, ...)`` and blank out pseudo-columns, in place."""
    flatten_parenthesised_joins(index)
    pseudo = PSEUDO_COLUMNS["*"] | PSEUDO_COLUMNS.get(dialect, frozenset())
    aliases = {t.alias_or_name for t in index.tables}
    candidates = []
    for col in index.columns:
        star = isinstance(col.this, exp.Star)
        if (star and col.table and not isinstance(col.parent, exp.Select)) or (
            not star and not col.table and (col.name in pseudo or col.name in aliases)
        ):
            candidates.append(col)
    sources: dict[int, dict[str, list[str]]] = {}
    for col in candidates:
        found = _enclosing_tables(col, schema, sources)
        if found is None:
            continue
        _, tables = found
        if isinstance(col.this, exp.Star):
            if col.table in tables:
                col.replace(_row(col.table, tables[col.table]))
            continue
        name = col.name
        if any(name in cols for cols in tables.values()):
            continue
        if name in tables:
            col.replace(_row(name, tables[name]))
        elif name in pseudo:
            col.replace(exp.Anonymous(this=name.upper(), expressions=[]))
    _expand_stars_in_expressions(index, schema, sources)


def flatten_parenthesised_joins(index: StatementIndex) -> None:
    """Rewrite ``FROM (a JOIN b ON c)`` as ``FROM a JOIN b ON c``, in place.

    sqlglot parses a parenthesised join as a subquery around a table that carries the joins,
    and scope analysis would not see the inner join's tables and conditions. For lineage the
    flat form is equivalent (an inner join's condition is a row filter either way; under an
    outer join it is applied more widely, which only over-approximates predicate flows).
    PostgreSQL stores every view's joins in this parenthesised form.
    """
    for table in index.tables:
        wrapper = table.parent
        joins = table.args.get("joins")
        if not joins or not isinstance(wrapper, exp.Subquery) or wrapper.alias:
            continue
        while isinstance(wrapper.parent, exp.Subquery) and not wrapper.parent.alias:
            wrapper = wrapper.parent
        holder = wrapper.parent
        select = holder.parent if holder is not None else None
        if not isinstance(select, exp.Select) or not isinstance(holder, (exp.From, exp.Join)):
            continue
        table.set("joins", None)
        wrapper.replace(table)
        outer = list(select.args.get("joins") or [])
        at = 0 if isinstance(holder, exp.From) else outer.index(holder) + 1
        select.set("joins", outer[:at] + list(joins) + outer[at:])


def _expand_stars_in_expressions(
    index: StatementIndex, schema: MappingSchema, sources: dict[int, dict[str, list[str]]]
) -> None:
    """Expand a bare ``*`` inside an expression (``OBJECT_CONSTRUCT(*)``, ``HASH(*)``).

    It carries every column of every source; when those are unknown, fail closed.
    """
    for star in index.stars:
        parent = star.parent
        if parent is None or isinstance(parent, (exp.Select, exp.Column)):
            continue
        if isinstance(parent, exp.Count) or (isinstance(parent, exp.Distinct) and isinstance(parent.parent, exp.Count)):
            continue  # COUNT(*) counts rows; it carries no column
        found = _enclosing_tables(star, schema, sources)
        if found is None:
            continue
        select, tables = found
        items = [select.args.get("from_"), *(select.args.get("joins") or [])]
        if not tables or len(tables) != sum(1 for i in items if i is not None):
            raise LineageError(
                "analysis.unexpanded_star",
                "a * inside an expression reads a source whose columns are unknown",
                line=(node_position(star) or Position(1)).line,
            )
        columns = [exp.column(c, table=alias, quoted=True) for alias, cols in tables.items() for c in cols]
        target = parent if isinstance(parent, exp.StarMap) else star
        target.replace(exp.Anonymous(this="ROW", expressions=columns))
    for node in index.columns_functions:
        raise LineageError(
            "analysis.unexpanded_star",
            "COLUMNS(...) selects columns by pattern at run time; list them instead",
            line=(node_position(node) or Position(1)).line,
        )


def _enclosing_tables(
    node: exp.Expr, schema: MappingSchema, cache: dict[int, dict[str, list[str]]]
) -> tuple[exp.Select, dict[str, list[str]]] | None:
    """The SELECT around ``node`` and its plain-table sources (alias → columns), cached."""
    select = node.find_ancestor(exp.Select)
    if select is None:
        return None
    if id(select) not in cache:
        cache[id(select)] = table_sources(select, schema)
    return select, cache[id(select)]


def table_sources(select: exp.Select, schema: MappingSchema) -> dict[str, list[str]]:
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
