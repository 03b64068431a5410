"""Resolve table names in SQL to catalog tables or objects defined in the SQL directory."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlglot import exp

from ..catalog import Catalog
from ..errors import LineageError
from ..names import norm
from .parse import name_spelling, node_position, spellings_differ


@dataclass(frozen=True)
class Resolved:
    """A resolved table reference: ``schema.name`` and whether it is a catalog table."""

    schema: str
    name: str
    is_object: bool

    @property
    def full(self) -> str:
        """``schema.name``."""
        return f"{self.schema}.{self.name}"


#: Schema names that mean "the views this session created", not a stored schema.
_SESSION_SCHEMAS = frozenset({"global_temp"})


class NameResolver:
    """Resolves ``[catalog.][schema.]name`` against objects first, then the catalog."""

    def __init__(self, catalog: Catalog, objects: Collection[str], default_schema: str) -> None:
        self.catalog = catalog
        self.objects = objects
        self.default_schema = default_schema

    def object_name(self, parts: tuple[str, ...], search_path: tuple[str, ...]) -> str:
        """The ``schema.name`` under which a CREATE/INSERT target is registered."""
        parts = tuple(norm(p) for p in parts)
        if len(parts) == 1:
            schema = search_path[0] if search_path else self.default_schema
            return f"{schema}.{parts[0]}"
        system = self.catalog.system_for(parts[:-1])
        schema = system.id if system else parts[-2]
        return f"{schema}.{parts[-1]}"

    def resolve(self, parts: tuple[str, ...], search_path: tuple[str, ...]) -> Resolved | None:
        """Resolve a reference, or return None when nothing matches."""
        parts = tuple(norm(p) for p in parts)
        if len(parts) == 2 and parts[0] in _SESSION_SCHEMAS:
            # Spark's global_temp holds views created without a schema (CREATE GLOBAL TEMP VIEW).
            parts = parts[1:]
        name = parts[-1]
        if len(parts) == 1:
            schemas = (*search_path, self.default_schema)
            for schema in schemas:
                found = self._lookup(schema, name)
                if found:
                    return found
            return None
        found = self._lookup(parts[-2], name)
        if found:
            return found
        system = self.catalog.system_for(parts[:-1])
        if system:
            return self._lookup(system.id, name)
        return None

    def _lookup(self, schema: str, name: str) -> Resolved | None:
        system = self.catalog.system_for((schema,))
        if f"{schema}.{name}" in self.objects:
            return Resolved(schema, name, True)
        if system and f"{system.id}.{name}" in self.objects:
            return Resolved(system.id, name, True)
        if system and self.catalog.has_table(system.id, name):
            return Resolved(system.id, name, False)
        return None


def cte_names(tree: exp.Expr) -> frozenset[str]:
    """Names of every CTE in a statement (they shadow tables of the same name)."""
    return frozenset(cte.alias_or_name for cte in tree.find_all(exp.CTE))


def is_table_function(table: exp.Table) -> bool:
    """Whether a FROM item is a function call (``generate_series(...)``), not a table."""
    return isinstance(table.this, exp.Func) or isinstance(table.this, exp.Anonymous)


def resolve_tables(
    tables: list[exp.Table],
    ctes: set[str] | frozenset[str],
    resolver: NameResolver,
    search_path: tuple[str, ...],
    path: str,
    spellings: Mapping[str, tuple[str, ...]] | None = None,
) -> set[str]:
    """Rewrite table references (collected from the query) to their canonical ``schema.name``.

    Args:
        tables: the query's table references (rewritten in place).
        ctes: CTE names, which shadow tables.
        resolver: resolves names against objects and the catalog.
        search_path: schemas of unqualified names.
        path: the file, for errors.
        spellings: how each object defined in the SQL spells its name (``name_spelling``);
            a reference spelt differently in a case the database keeps names another object.

    Returns:
        The names of objects (not catalog tables) the query reads.

    Raises:
        LineageError: ``analysis.unresolved_table`` for a name found nowhere,
            ``analysis.case_conflict`` for a reference differing from its object only in case.
    """
    deps: set[str] = set()
    for table in tables:
        if is_table_function(table) or not table.name:
            continue
        parts = tuple(p for p in (table.catalog, table.db, table.name) if p)
        if len(parts) == 1 and parts[0] in ctes:
            continue
        found = resolver.resolve(parts, search_path)
        if found is None:
            pos = node_position(table)
            raise LineageError(
                "analysis.unresolved_table",
                f"table {'.'.join(parts)!r} is neither in the catalog nor defined by a view in the SQL directory",
                path=path,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
            )
        if found.is_object and spellings and found.full in spellings:
            if spellings_differ([name_spelling(table), spellings[found.full]]):
                pos = node_position(table)
                raise LineageError(
                    "analysis.case_conflict",
                    f"{'.'.join(name_spelling(table))} differs only in the case of quoted letters from "
                    f"{'.'.join(spellings[found.full])}, which the SQL directory defines; the database treats them as two objects",
                    path=path,
                    line=pos.line if pos else None,
                    column=pos.column if pos else None,
                )
        name_ident = table.this
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name, quoted=True)))
        db_ident = exp.to_identifier(found.schema, quoted=True)
        if isinstance(name_ident, exp.Identifier):
            # Keep the parsed identifier (it carries the line and column) and its position.
            name_ident.set("this", found.name)
            db_ident.meta.update(name_ident.meta)
        table.set("catalog", None)
        table.set("db", db_ident)
        if found.is_object:
            deps.add(found.full)
    return deps
