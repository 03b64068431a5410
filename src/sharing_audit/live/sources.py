"""Synthetic SQL inputs: one ``CREATE VIEW`` file per deployed view, so ``check``'s lineage runs on them.

Each file holds the view's stored definition, parsed in the server's dialect, cleaned of the
server's re-spellings (``normalise.clean``), with every table renamed to the schema the
policies know, and comments dropped (a ``-- sharing-audit:`` directive inside a deployed
view must not steer the audit). A definition that does not parse is written as stored, so
the lineage reports it as ``analysis.unparsed`` for that object: never silently skipped.

Foreign tables that expose a policy system become views over that system's table, and
row-level security policies become small probe views whose proven filters are read back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from ..lineage.graph import SqlInput
from ..names import norm
from .model import LiveObject, ObjectKind, RowPolicy, Snapshot
from .normalise import clean, nested_joins, rename_tables
from .reconcile import RemoteMapping

#: Schema of the RLS probe views (never reported; they live in a graph of their own).
PROBE_SCHEMA = "sharing_audit_rls_probe"

Renamer = Callable[[tuple[str, ...]], tuple[str, str] | None]
Cleaned = tuple[exp.Query, tuple[str, ...]]
"""A view's cleaned, renamed query and its explicit column list."""


@dataclass(frozen=True)
class SourceFile:
    """One synthetic SQL input."""

    object: str
    display: str
    sql: str
    problem: str | None = None
    """Why the file's lineage cannot be trusted although it parses (reported as an analysis error)."""


def table_renamer(snapshot: Snapshot, schemas: Mapping[str, str], home: str) -> Renamer:
    """Map a table reference as stored to ``(known schema, name)``.

    Unqualified names (SQLite, DuckDB) are looked up in ``home`` (the view's stored schema)
    first, then ``main``; a leading database or catalog name is dropped.
    """
    known = {(o.schema, o.name) for o in snapshot.objects.values()}

    def rename(parts: tuple[str, ...]) -> tuple[str, str] | None:
        name = parts[-1]
        if len(parts) == 1:
            for schema in (home, "main", "public"):
                target = (schemas.get(schema, schema), name)
                if target in known:
                    return target
            return None
        schema = parts[-2]
        return (schemas.get(schema, schema), name)

    return rename


def parse_definition(obj: LiveObject, dialect: str) -> tuple[exp.Query, tuple[str, ...]] | None:
    """The view's query and explicit column list, or None when it does not parse."""
    text = (obj.definition or "").strip().rstrip(";")
    try:
        tree = sqlglot.parse_one(text, read=dialect)
    except (SqlglotError, RecursionError, ValueError):
        return None
    columns: tuple[str, ...] = ()
    if obj.definition_is_create:
        if not isinstance(tree, exp.Create) or not isinstance(tree.expression, exp.Query):
            return None
        target = tree.this
        if isinstance(target, exp.Schema):
            columns = tuple(norm(c.name) for c in target.expressions)
        tree = tree.expression
    if not isinstance(tree, exp.Query):
        return None
    return tree, columns


def cleaned_query(
    obj: LiveObject, snapshot: Snapshot, schemas: Mapping[str, str]
) -> Cleaned | None:
    """The view's query cleaned and renamed to known schemas, or None when it does not parse."""
    parsed = parse_definition(obj, snapshot.dialect)
    if parsed is None:
        return None
    query, columns = parsed
    tree = rename_tables(clean(query), table_renamer(snapshot, schemas, norm(obj.db_schema)))
    if not isinstance(tree, exp.Query):
        return None
    return tree, columns


def view_source(obj: LiveObject, snapshot: Snapshot, parsed: Cleaned | None) -> SourceFile:
    """The synthetic ``CREATE VIEW`` file for one deployed view, from its ``cleaned_query``."""
    dialect = snapshot.dialect
    kind = "MATERIALIZED VIEW" if obj.kind is ObjectKind.MATERIALIZED_VIEW else "VIEW"
    name = _qualified(obj.schema, obj.name, dialect)
    if parsed is None:
        # Written as stored: the lineage reports analysis.unparsed for exactly this object.
        body = (obj.definition or "").strip().rstrip(";")
        if obj.definition_is_create:
            return SourceFile(obj.full, snapshot.object_path(obj.full), body + ";\n")
        return SourceFile(
            obj.full, snapshot.object_path(obj.full), f"CREATE {kind} {name} AS\n{body};\n"
        )
    query, columns = parsed
    column_list = (
        f" ({', '.join(exp.to_identifier(c, quoted=True).sql(dialect) for c in columns)})"
        if columns
        else ""
    )
    body = query.sql(dialect=dialect, pretty=True, comments=False)
    problem = (
        "a parenthesised join on the right of a JOIN is not analysed: its ON conditions could be missed; write the joins in sequence"
        if nested_joins(query)
        else None
    )
    return SourceFile(
        obj.full,
        snapshot.object_path(obj.full),
        f"CREATE {kind} {name}{column_list} AS\n{body};\n",
        problem,
    )


def remote_source_file(obj: LiveObject, mapping: RemoteMapping, snapshot: Snapshot) -> SourceFile:
    """A foreign table as a view over the system table it exposes."""
    dialect = snapshot.dialect
    select = exp.select(
        *(
            exp.alias_(exp.column(remote, table="r", quoted=True), local, quoted=True)
            for local, remote in mapping.columns
        )
    ).from_(exp.table_(mapping.table, db=mapping.system, quoted=True).as_("r", quoted=True))
    body = select.sql(dialect=dialect, pretty=True)
    return SourceFile(
        obj.full,
        snapshot.object_path(obj.full),
        f"CREATE VIEW {_qualified(obj.schema, obj.name, dialect)} AS\n{body};\n",
    )


def probe_source(index: int, policy: RowPolicy, snapshot: Snapshot) -> SourceFile | None:
    """A view ``SELECT 1 FROM table WHERE <policy USING>`` whose proven filters are the policy's."""
    if not policy.using:
        return None
    try:
        condition = sqlglot.parse_one(policy.using, read=snapshot.dialect)
    except (SqlglotError, RecursionError, ValueError):
        return None
    condition = clean(condition)
    schema, _, table = policy.table.partition(".")
    select = (
        exp.select(exp.alias_(exp.Literal.number(1), "probe"))
        .from_(exp.table_(table, db=schema, quoted=True))
        .where(condition)
    )
    name = f"p{index}"
    body = select.sql(dialect=snapshot.dialect, comments=False)
    return SourceFile(
        f"{PROBE_SCHEMA}.{name}",
        f"{snapshot.display}#row-policy:{policy.table}:{policy.name}",
        f"CREATE VIEW {PROBE_SCHEMA}.{name} AS {body};\n",
    )


def write_sources(files: list[SourceFile], directory: Path, dialect: str) -> list[SqlInput]:
    """Write the files under ``directory`` and return them as lineage inputs."""
    inputs = []
    for i, f in enumerate(files):
        digest = hashlib.sha256(f.object.encode()).hexdigest()[:12]
        path = directory / f"{i:05d}-{digest}.sql"
        path.write_text(f.sql, encoding="utf-8")
        inputs.append(SqlInput(path, f.display, dialect))
    return inputs


def _qualified(schema: str, name: str, dialect: str) -> str:
    return exp.table_(name, db=schema, quoted=True).sql(dialect=dialect)
