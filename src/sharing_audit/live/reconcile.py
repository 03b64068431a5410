"""Reconcile the live catalog with the policy catalog: map schemas, add what only the database has.

The lineage needs every column the database has, or a ``SELECT *`` over a table with a new
column would silently miss it. So the policy's catalog is extended with the database's
columns and tables; whatever the policy does not list is *uncatalogued* and reported (see
``unclassified_notices`` in ``audit``). Schemas that map to no policy system become
stand-in systems of their own, holding only unclassified columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..catalog import Catalog, ColumnKey
from ..findings import Notice
from ..names import norm
from ..policy.model import Column, Policy, System, Table
from .model import LiveObject, ObjectKind, Snapshot

SYSTEM_COLUMN = "system"
"""An uncatalogued column in a schema the policies map to a system (always reported)."""
SCHEMA_COLUMN = "schema"
"""An uncatalogued column in a schema that maps to no system (reported when it reaches a federal consumer)."""


def schema_map(snapshot: Snapshot, catalog: Catalog, explicit: Mapping[str, str]) -> dict[str, str]:
    """Stored schema → the name the policies and the repository use.

    ``--map-schema`` wins; else a policy system whose ``names`` match ``database.schema`` or
    ``schema`` (``pars_prod.dbo`` → ``pars``); else the schema keeps its name.

    Example:
        >>> from sharing_audit.policy.loader import load_policies
        >>> from pathlib import Path
        >>> snap = Snapshot("postgresql", "postgres", "postgresql://h/pars_prod", database="pars_prod", schemas=("dbo", "x"))
        >>> schema_map(snap, Catalog(load_policies(Path("policies"))), {"x": "federal_exports"})
        {'dbo': 'pars', 'x': 'federal_exports'}
    """
    out: dict[str, str] = {}
    for stored in snapshot.schemas:
        schema = norm(stored)
        if schema in explicit:
            out[schema] = norm(explicit[schema])
            continue
        system = (
            catalog.system_for((norm(snapshot.database), schema)) if snapshot.database else None
        )
        system = system or catalog.system_for((schema,))
        out[schema] = system.id if system else schema
    return out


@dataclass(frozen=True)
class RemoteMapping:
    """A foreign table or a partition, read as a view over the table it exposes.

    For a foreign table, a policy system's table on another server; for a partition, its
    partitioned table.
    """

    system: str
    table: str
    columns: tuple[tuple[str, str], ...]
    """``(local column, remote column)`` for every column of the foreign table."""


def remote_source(
    obj: LiveObject, catalog: Catalog, server_map: Mapping[str, str]
) -> RemoteMapping | None:
    """The system table a foreign table reads, from ``--map-server`` or its FDW options.

    postgres_fdw's ``schema_name`` and ``table_name`` default to the foreign table's own.
    """
    remote = obj.remote
    if remote is None:
        return None
    schema = remote.schema or norm(obj.db_schema)
    system_id = server_map.get(remote.server)
    if system_id is None:
        found = catalog.system_for((remote.database, schema)) if remote.database else None
        found = found or catalog.system_for((schema,))
        system_id = found.id if found else None
    if system_id is None:
        return None
    renamed = dict(remote.column_names)
    return RemoteMapping(
        system_id,
        remote.table or obj.name,
        tuple((c.name, renamed.get(c.name, c.name)) for c in obj.columns),
    )


@dataclass
class Reconciled:
    """The policy extended with the database's catalog, and what that took."""

    policy: Policy
    """The policy whose catalog also holds every database table and column (for lineage only)."""
    uncatalogued: dict[ColumnKey, str] = field(default_factory=dict)
    """Columns the policy catalog does not list → ``system`` or ``schema`` (see the constants)."""
    remotes: dict[str, RemoteMapping] = field(default_factory=dict)
    """Foreign tables and partitions read as views over another table, by name."""
    notices: list[Notice] = field(default_factory=list)


def reconcile(policy: Policy, snapshot: Snapshot, server_map: Mapping[str, str] = {}) -> Reconciled:  # noqa: B006 - read only
    """Extend the policy catalog with the snapshot's tables and columns; note catalog tables the database lacks.

    ``snapshot`` must already be renamed to known schema names.
    """
    catalog = Catalog(policy)
    tables: dict[str, dict[str, list[Column]]] = {
        s.id: {t.name: list(t.columns) for t in s.tables} for s in policy.systems
    }
    listed = {(s.id, t.name, c.name) for s in policy.systems for t in s.tables for c in t.columns}
    out = Reconciled(policy)
    present: set[str] = set()
    stand_ins: dict[str, dict[str, list[Column]]] = {}

    def add(system: str, table: str, columns: list[str], mapped: bool) -> None:
        holder = tables if mapped else stand_ins
        cols = holder.setdefault(system, {}).setdefault(table, [])
        have = {c.name for c in cols}
        for name in columns:
            if name not in have:
                cols.append(Column(name))
                have.add(name)
            if (system, table, name) not in listed:
                out.uncatalogued[ColumnKey(system, table, name)] = (
                    SYSTEM_COLUMN if mapped else SCHEMA_COLUMN
                )

    for obj in snapshot.objects.values():
        if obj.partition_of is not None:
            schema, _, parent = obj.partition_of.partition(".")
            out.remotes[obj.full] = RemoteMapping(
                schema, parent, tuple((c, c) for c in obj.column_names())
            )
            continue
        if obj.kind is ObjectKind.FOREIGN_TABLE:
            mapping = remote_source(obj, catalog, server_map)
            if mapping is not None:
                out.remotes[obj.full] = mapping
                present.add(mapping.system)
                add(mapping.system, mapping.table, [remote for _, remote in mapping.columns], True)
                continue
            if obj.remote is not None:
                out.notices.append(
                    Notice(
                        "audit.foreign_table",
                        f"foreign table {obj.full} (server {obj.remote.server}, wrapper {obj.remote.wrapper}) maps to no "
                        "policy system; its columns are treated as unclassified (map it with --map-server SERVER=SYSTEM)",
                        object=obj.full,
                        path=snapshot.object_path(obj.full),
                    )
                )
        if obj.kind.has_definition:
            continue
        mapped = policy.system(obj.schema) is not None
        if mapped:
            present.add(obj.schema)
        add(obj.schema, obj.name, list(obj.column_names()), mapped)

    for system in policy.systems:
        if system.id not in present:
            continue
        where = system.where.path if system.where else None
        in_db = {o.name for o in snapshot.objects.values() if o.schema == system.id}
        in_db |= {m.table for m in out.remotes.values() if m.system == system.id}
        for table in system.tables:
            if table.name not in in_db:
                out.notices.append(
                    Notice(
                        "audit.catalog_missing",
                        f"{system.id}.{table.name} is in the policy catalog but not in the database",
                        object=f"{system.id}.{table.name}",
                        path=where,
                    )
                )
                continue
            live = snapshot.objects.get(f"{system.id}.{table.name}")
            have = (
                set(live.column_names())
                if live is not None
                else {
                    remote
                    for m in out.remotes.values()
                    if m.system == system.id and m.table == table.name
                    for _, remote in m.columns
                }
            )
            for column in table.columns:
                if column.name not in have:
                    out.notices.append(
                        Notice(
                            "audit.catalog_missing",
                            f"{system.id}.{table.name}.{column.name} is in the policy catalog but not in the database",
                            object=f"{system.id}.{table.name}",
                            path=where,
                        )
                    )

    systems = []
    for system in policy.systems:
        by_name = {t.name: t for t in system.tables}
        rebuilt = []
        for name, cols in tables.get(system.id, {}).items():
            listed_table = by_name.get(name)
            rebuilt.append(
                replace(listed_table, columns=tuple(cols))
                if listed_table
                else Table(name, tuple(cols))
            )
        systems.append(replace(system, tables=tuple(rebuilt)))
    for schema, held in sorted(stand_ins.items()):
        systems.append(
            System(
                schema,
                f"schema {schema} (no policy system)",
                "Database schema the policies do not map to a system; its columns are unclassified.",
                tuple(Table(name, tuple(cols)) for name, cols in held.items()),
                names=(schema,),
            )
        )
    out.policy = replace(policy, systems=tuple(systems))
    return out
