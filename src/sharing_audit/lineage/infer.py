"""Infer a catalog from the SQL itself, for ``lineage --infer-catalog`` (never for ``check``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from ..errors import LineageError
from ..policy.model import Column, Policy, System, Table
from .graph import SqlInput
from .parse import parse_file
from .resolve import cte_names, is_table_function


def infer_policy(inputs: Iterable[SqlInput]) -> Policy:
    """A policy whose catalog holds every table the SQL reads and every column it names.

    Columns are attributed only where that is unambiguous: qualified by the table's alias,
    or unqualified in a SELECT with a single table. Files that do not parse are skipped
    here; the lineage run that follows reports them.
    """
    parsed = []
    defined: set[str] = set()
    for item in inputs:
        try:
            pf = parse_file(item.path, item.dialect, item.display)
        except LineageError:
            continue
        parsed.append(pf)
        for od in pf.objects:
            defined.add(".".join(od.name[-2:]) if len(od.name) > 1 else od.name[0])
    tables: dict[tuple[str, str], dict[str, None]] = {}
    for pf in parsed:
        for od in pf.objects:
            if od.query is not None:
                _collect(od.query, defined, tables)
    systems: dict[str, list[Table]] = {}
    for (schema, name), cols in sorted(tables.items()):
        systems.setdefault(schema, []).append(Table(name, tuple(Column(c) for c in cols)))
    return Policy(
        name="inferred",
        version="",
        consumers=(),
        classes=(),
        systems=tuple(System(s, s, "inferred from SQL", tuple(ts), (s,)) for s, ts in systems.items()),
        roles=(),
        schema_deliveries=(),
        redactions=(),
        rules=(),
        waivers=(),
    )


def _collect(query: exp.Expr, defined: set[str], tables: dict[tuple[str, str], dict[str, None]]) -> None:
    ctes = cte_names(query)
    for select in query.find_all(exp.Select):
        aliases: dict[str, tuple[str, str]] = {}
        sources = [s for s in (select.args.get("from_") or select.args.get("from"),) if s is not None]
        for join in select.args.get("joins") or []:
            sources.append(join)
        for source in sources:
            table = source.this
            if not isinstance(table, exp.Table) or is_table_function(table) or not table.name:
                continue
            if not table.db and table.name in ctes:
                continue
            key = (table.db or "public", table.name)
            if f"{key[0]}.{key[1]}" in defined or table.name in defined:
                continue
            tables.setdefault(key, {})
            aliases[table.alias_or_name] = key
        for col in select.find_all(exp.Column):
            if col.find_ancestor(exp.Select) is not select or isinstance(col.this, exp.Star):
                continue
            if col.table in aliases:
                tables[aliases[col.table]].setdefault(col.name, None)
            elif not col.table and len(aliases) == 1 and len(sources) == 1:
                tables[next(iter(aliases.values()))].setdefault(col.name, None)
