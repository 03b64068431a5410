"""What introspection reads from a live database: objects, columns, grants, roles, row policies."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..errors import SharingAuditError
from ..lineage.graph import AnalysisError

#: The schema name a grant uses for "every object in every schema" (``*.*``, superusers).
EVERYWHERE = "*"
#: The grantee name of a grant to every role.
PUBLIC = "public"


class LiveAuditError(SharingAuditError):
    """The database cannot be audited: connection, permission, timeout or read-only failure.

    The message never contains a password: every URL in it is redacted.
    """


class ObjectKind(enum.StrEnum):
    """What a relation in the database is."""

    TABLE = "table"
    VIEW = "view"
    MATERIALIZED_VIEW = "materialized view"
    FOREIGN_TABLE = "foreign table"

    @property
    def has_definition(self) -> bool:
        """Views and materialized views carry a query whose lineage is computed."""
        return self in (ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW)


@dataclass(frozen=True)
class LiveColumn:
    """One column of a relation, as the database reports it."""

    name: str
    """Normalised (lower-case) name."""
    type: str = ""
    db_name: str = ""
    """The name exactly as stored, for queries sent back to the database (``--sample``)."""


@dataclass(frozen=True)
class RemoteTable:
    """Where a foreign table's rows come from (postgres_fdw options or a mapping)."""

    server: str
    wrapper: str
    database: str | None
    schema: str | None
    table: str | None
    column_names: tuple[tuple[str, str], ...] = ()
    """``(local column, remote column)`` where a ``column_name`` option renames one."""


@dataclass(frozen=True)
class LiveObject:
    """A table, view, materialized view or foreign table in the database."""

    schema: str
    """Schema under which the policies and the repository know it (after ``--map-schema``)."""
    name: str
    kind: ObjectKind
    columns: tuple[LiveColumn, ...]
    db_schema: str = ""
    """The schema exactly as stored in the database."""
    db_name: str = ""
    """The name exactly as stored in the database."""
    owner: str | None = None
    definition: str | None = None
    """The view's query (``SELECT ...``) as the server returns it, or a whole ``CREATE VIEW``
    statement when ``definition_is_create`` (SQLite and DuckDB keep the statement)."""
    definition_is_create: bool = False
    security_invoker: bool = False
    """PostgreSQL ``security_invoker`` views read their tables with the caller's rights."""
    row_security: bool = False
    """PostgreSQL row-level security is enabled on this table."""
    force_row_security: bool = False
    """Row-level security applies to the table's owner too."""
    remote: RemoteTable | None = None
    partition_of: str | None = None
    """``schema.name`` of the partitioned table this partition belongs to (PostgreSQL)."""

    @property
    def full(self) -> str:
        """``schema.name``."""
        return f"{self.schema}.{self.name}"

    def column_names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Grant:
    """``SELECT`` on an object, a schema or everything, held by a role (or PUBLIC)."""

    grantee: str
    source: str
    """Plain words for the report: ``table privilege``, ``column privilege``, ``default privileges``..."""
    object: str | None = None
    """``schema.name`` of the object, or None for a schema-wide or global privilege."""
    schema: str | None = None
    """For schema-wide privileges: the schema, or ``*`` for every schema."""
    columns: frozenset[str] | None = None
    """Only these columns (a column privilege); None means every column."""
    creator: str | None = None
    """For default privileges: the role whose future objects receive the grant (None: any)."""


@dataclass(frozen=True)
class Membership:
    """``member`` belongs to ``role`` and can use its privileges."""

    role: str
    member: str
    inherit: bool = True
    """Privileges flow without ``SET ROLE`` (PostgreSQL ``INHERIT``)."""
    settable: bool = True
    """The member can ``SET ROLE`` to the role (always true before PostgreSQL 16)."""


@dataclass(frozen=True)
class RoleInfo:
    """Attributes of a role that decide what it reads regardless of grants."""

    name: str
    superuser: bool = False
    bypass_rls: bool = False
    inherit: bool = True
    can_login: bool = False


@dataclass(frozen=True)
class RowPolicy:
    """A PostgreSQL row-level security policy."""

    table: str
    """``schema.name``."""
    name: str
    permissive: bool
    roles: tuple[str, ...]
    """Roles it applies to (``public`` for everyone)."""
    command: str
    """``ALL``, ``SELECT``, ``INSERT``, ``UPDATE`` or ``DELETE``."""
    using: str | None
    """The ``USING`` expression as the server prints it, or None."""


@dataclass
class Snapshot:
    """Everything read from one database, with names normalised."""

    backend: str
    """``postgresql``, ``mysql``, ``sqlite`` or ``duckdb``."""
    dialect: str
    """sqlglot dialect of the view definitions."""
    display: str
    """The database's redacted URL."""
    database: str = ""
    server_version: str = ""
    read_only: bool = False
    """The session was verified read-only before anything else was read."""
    objects: dict[str, LiveObject] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    roles: dict[str, RoleInfo] = field(default_factory=dict)
    policies: list[RowPolicy] = field(default_factory=list)
    schemas: tuple[str, ...] = ()
    """Schemas audited (as stored in the database)."""
    problems: list[AnalysisError] = field(default_factory=list)
    """Objects that could not be read (an empty view definition, say): each fails the run."""
    supports_grants: bool = True
    """False for SQLite and DuckDB files, which have no roles or privileges."""

    def object_path(self, name: str) -> str:
        """The display path of one object: ``postgresql://host/db#schema.view``."""
        return f"{self.display}#{name}"

    def renamed(self, schema_map: Mapping[str, str]) -> Snapshot:
        """The same snapshot with every schema renamed through ``schema_map`` (stored → known)."""
        if not schema_map:
            return self

        def full(name: str | None) -> str | None:
            if name is None:
                return None
            schema, _, rest = name.partition(".")
            return f"{schema_map.get(schema, schema)}.{rest}"

        objects: dict[str, LiveObject] = {}
        for obj in self.objects.values():
            moved = replace(
                obj,
                schema=schema_map.get(obj.schema, obj.schema),
                partition_of=full(obj.partition_of),
            )
            if moved.full in objects:
                other = objects[moved.full]
                raise LiveAuditError(
                    f"{self.display}: {other.db_schema}.{other.db_name} and {obj.db_schema}.{obj.db_name} both map to "
                    f"{moved.full}; map their schemas to different names (--map-schema) or audit one (--schema)"
                )
            objects[moved.full] = moved
        return replace(
            self,
            objects=objects,
            grants=[
                replace(
                    g,
                    object=full(g.object),
                    schema=schema_map.get(g.schema, g.schema) if g.schema else None,
                )
                for g in self.grants
            ],
            policies=[replace(p, table=full(p.table) or p.table) for p in self.policies],
        )
