"""The catalog: systems, tables, columns and classes, and how SQL names resolve to them."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from .names import norm
from .policy.model import ClassId, Column, Policy, System, Table


@dataclass(frozen=True, slots=True)
class ColumnKey:
    """A fully qualified column: ``schema.object.column`` (for catalog tables, the system id)."""

    schema: str
    object: str
    column: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.object}.{self.column}"

    @property
    def object_name(self) -> str:
        """``schema.object``."""
        return f"{self.schema}.{self.object}"


class Catalog:
    """Lookups over the policy catalog, built once per run."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._by_prefix: dict[tuple[str, ...], System] = {}
        self._tables: dict[tuple[str, str], Table] = {}
        self._columns: dict[tuple[str, str, str], Column] = {}
        for system in policy.systems:
            for name in system.names:
                self._by_prefix[tuple(name.split("."))] = system
            self._by_prefix.setdefault((system.id,), system)
            for table in system.tables:
                self._tables[(system.id, table.name)] = table
                for col in table.columns:
                    self._columns[(system.id, table.name, col.name)] = col

    def system_for(self, prefix: tuple[str, ...]) -> System | None:
        """The system that a qualified prefix (``('pars_prod', 'dbo')`` or ``('pars',)``) names.

        A trailing-part match is accepted (``prod.pars`` → ``pars``) so that catalog-
        prefixed references resolve without listing every database name.
        """
        prefix = tuple(norm(p) for p in prefix if p)
        if not prefix:
            return None
        if prefix in self._by_prefix:
            return self._by_prefix[prefix]
        if len(prefix) > 1 and prefix[-1:] in self._by_prefix:
            return self._by_prefix[prefix[-1:]]
        return None

    def table(self, system_id: str, name: str) -> Table | None:
        """The catalog table ``system_id.name``, or None."""
        return self._tables.get((system_id, norm(name)))

    def has_table(self, system_id: str, name: str) -> bool:
        """Whether ``system_id.name`` is a catalog table."""
        return (system_id, norm(name)) in self._tables

    def column(self, key: ColumnKey) -> Column | None:
        """The catalog column for ``key``, or None for view columns and unknown names."""
        return self._columns.get((key.schema, key.object, key.column))

    def copy(self) -> Catalog:
        """A catalog whose virtual columns can be added without touching this one."""
        other = copy.copy(self)
        other._columns = dict(self._columns)
        return other

    def add_virtual_column(self, key: ColumnKey, cls: ClassId | None) -> None:
        """Register a column the policy does not list but evidence found.

        An export column, or one that DDL in the SQL adds to a catalog table. Class lookups
        then work for it; it is never a table of the SQL catalog.
        """
        self._columns.setdefault((key.schema, key.object, key.column), Column(key.column, cls))

    def identifies(self, key: ColumnKey) -> bool:
        """Whether grouping by this column makes each group one person or record."""
        col = self.column(key)
        if col is None:
            return False
        if col.key:
            return True
        return any(c.id == col.cls and c.identifying for c in self.policy.classes)

    def class_of(self, key: ColumnKey) -> ClassId | None:
        """The sensitivity class of a catalog column, or None."""
        col = self.column(key)
        return col.cls if col else None

    def tables(self) -> list[tuple[str, Table]]:
        """Every ``(system_id, table)`` pair, in declaration order."""
        return [(s.id, t) for s in self.policy.systems for t in s.tables]

    def sqlglot_mapping(self) -> dict[str, dict[str, dict[str, str]]]:
        """``{system: {table: {column: type}}}`` for ``sqlglot.schema.MappingSchema``."""
        mapping: dict[str, dict[str, dict[str, str]]] = {}
        for system_id, table in self.tables():
            mapping.setdefault(system_id, {})[table.name] = {c.name: "TEXT" for c in table.columns}
        return mapping
