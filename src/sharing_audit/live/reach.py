"""What each consumer can read in the database: grants, roles, PUBLIC, defaults, ownership, RLS.

Deliveries are built from the snapshot, then resolved to consumers with the project's one
role resolver (``delivery.RoleGraph``) and intermediaries (``delivery.reach``). Each
delivery remembers the database role the consumer reads with, because row-level security
depends on who reads: a policy only restricts rows for the roles it applies to, never for
superusers, ``BYPASSRLS`` roles or the table's owner (unless ``FORCE ROW LEVEL SECURITY``),
and a view reads its tables with its owner's rights unless it is ``security_invoker``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..delivery import Delivery, RoleGraph, reach
from ..findings import Notice
from ..lineage.model import ObjectLineage, RowSource
from ..policy.model import ConsumerId, Policy
from .model import EVERYWHERE, PUBLIC, Grant, LiveObject, ObjectKind, Snapshot

Filters = frozenset[tuple[str, frozenset[str]]]


@dataclass(frozen=True)
class LiveDelivery:
    """One way an object reaches a consumer, and the role whose rights the read uses."""

    delivery: Delivery
    reader: str | None
    """The database role the consumer queries with (``public`` for a PUBLIC grant); None
    when unknown (a policy delivery schema), which earns no row-level-security credit."""


class Roles:
    """Role membership in the database plus the policy's role mappings."""

    def __init__(self, policy: Policy, snapshot: Snapshot) -> None:
        usable = [m for m in snapshot.memberships if m.inherit or m.settable]
        self.graph = RoleGraph(policy, [(m.role, m.member) for m in usable])
        self.inherits = {(m.role, m.member): m.inherit for m in usable}

    def consumers_for(self, role: str) -> list[tuple[ConsumerId, str]]:
        """Consumers that can use ``role``'s privileges, with the role mapped to each."""
        return self.graph.consumers_for(role)

    def holds(self, member: str, role: str) -> bool:
        """Whether ``member`` is ``role`` or (transitively) a member of it."""
        return member in self.graph.roles_inheriting(role)

    def how(self, role: str, mapped: str) -> str:
        """``; ice_analyst inherits warrant_sync`` (or how a member that does not inherit reaches it)."""
        if mapped == role or role == PUBLIC:
            return ""
        chain = self._chain(role, mapped)
        if chain and not all(
            self.inherits.get(pair, True) for pair in zip(chain, chain[1:], strict=False)
        ):
            return f"; {mapped} does not inherit {role} but can SET ROLE {role}"
        via = f" (through {', '.join(chain[1:-1])})" if len(chain) > 2 else ""
        return f"; {mapped} inherits {role}{via}"

    def _chain(self, role: str, member: str) -> list[str]:
        """Roles from ``role`` down to ``member`` along memberships (breadth first)."""
        parents: dict[str, str] = {}
        frontier = [role]
        seen = {role}
        while frontier:
            current = frontier.pop(0)
            if current == member:
                chain = [member]
                while chain[-1] != role:
                    chain.append(parents[chain[-1]])
                return chain[::-1]
            for nxt in sorted(self.graph.members.get(current, ())):
                if nxt not in seen:
                    seen.add(nxt)
                    parents[nxt] = current
                    frontier.append(nxt)
        return []


def live_deliveries(
    policy: Policy, snapshot: Snapshot, roles: Roles
) -> tuple[dict[str, list[LiveDelivery]], list[Notice]]:
    """Every consumer each database object reaches, by object name.

    Returns:
        The deliveries, and a notice per consumer-reaching grant on an object that does not
        exist (MariaDB keeps the grants of dropped tables; they apply again to a new table
        of the same name).
    """
    out: dict[str, list[LiveDelivery]] = {}
    notices: list[Notice] = []
    objects = list(snapshot.objects.values())

    def add(
        obj: LiveObject, role: str, channel: str, columns: frozenset[str] | None = None
    ) -> None:
        for consumer, mapped in roles.consumers_for(role):
            text = channel + roles.how(role, mapped)
            reader = PUBLIC if role == PUBLIC else mapped
            for target, via in reach(policy, consumer):
                shown = text if not via else f"{text}, passed on by {' → '.join(via)}"
                delivery = Delivery(
                    target, shown, columns, via, snapshot.object_path(obj.full), None
                )
                out.setdefault(obj.full, []).append(LiveDelivery(delivery, reader))

    for grant in snapshot.grants:
        if not roles.consumers_for(grant.grantee):
            continue  # a role no consumer can use (most internal roles)
        if grant.object is not None and grant.object not in snapshot.objects:
            who = "PUBLIC" if grant.grantee == PUBLIC else grant.grantee
            notices.append(
                Notice(
                    "audit.grant_without_object",
                    f"SELECT on {grant.object} is granted to {who}, but {grant.object} does not exist: "
                    "a table created under that name would be readable at once; revoke the grant",
                    object=grant.object,
                    path=snapshot.object_path(grant.object),
                )
            )
        for obj in _covered(grant, objects, snapshot):
            add(obj, grant.grantee, _channel(grant, obj), grant.columns)
    for obj in objects:
        if obj.owner:
            add(obj, obj.owner, f"owner of {obj.kind.value} {obj.full} is {obj.owner}")
    for sd in policy.schema_deliveries:
        for obj in objects:
            if obj.schema != sd.schema:
                continue
            for consumer in sd.consumers:
                for target, via in reach(policy, consumer):
                    text = f"created in delivery schema {sd.schema}"
                    shown = text if not via else f"{text}, passed on by {' → '.join(via)}"
                    delivery = Delivery(
                        target, shown, None, via, snapshot.object_path(obj.full), None
                    )
                    out.setdefault(obj.full, []).append(LiveDelivery(delivery, None))
    return out, notices


def _covered(grant: Grant, objects: Iterable[LiveObject], snapshot: Snapshot) -> list[LiveObject]:
    if grant.object is not None:
        found = snapshot.objects.get(grant.object)
        return [found] if found is not None else []
    return [
        o
        for o in objects
        if (grant.schema == EVERYWHERE or o.schema == grant.schema)
        and (grant.creator is None or o.owner == grant.creator)
    ]


def _channel(grant: Grant, obj: LiveObject) -> str:
    who = "PUBLIC" if grant.grantee == PUBLIC else grant.grantee
    cols = f" ({', '.join(sorted(grant.columns))})" if grant.columns else ""
    if grant.source == "default privileges":
        creator = f"FOR ROLE {grant.creator} " if grant.creator else ""
        scope = f"IN SCHEMA {grant.schema} " if grant.schema != EVERYWHERE else ""
        return f"ALTER DEFAULT PRIVILEGES {creator}{scope}GRANT SELECT to {who} (objects {grant.creator or 'anyone'} creates there, counted for those already there)"
    if grant.object is None:
        scope = "every schema" if grant.schema == EVERYWHERE else f"schema {grant.schema}"
        return f"SELECT on {scope} to {who} ({grant.source})"
    return f"GRANT SELECT{cols} ON {obj.full} to {who} ({grant.source})"


def unique_deliveries(reaches: dict[str, list[LiveDelivery]]) -> dict[str, list[Delivery]]:
    """Deliveries by object, one per (consumer, columns), for the report."""
    out: dict[str, list[Delivery]] = {}
    for name, items in reaches.items():
        unique: dict[tuple[str, frozenset[str] | None], Delivery] = {}
        for item in items:
            unique.setdefault((item.delivery.consumer, item.delivery.columns), item.delivery)
        out[name] = list(unique.values())
    return out


class RowSecurity:
    """Which rows a reader sees of a table with row-level security, as provable filters."""

    def __init__(
        self, snapshot: Snapshot, roles: Roles, probes: dict[tuple[str, str], Filters | None]
    ) -> None:
        self.snapshot = snapshot
        self.roles = roles
        self.probes = probes
        """``(table, policy name)`` → the filters its ``USING`` proves (None: not provable)."""

    def apply(self, obj: ObjectLineage, reader: str | None) -> ObjectLineage:
        """``obj`` with the row filters that row-level security adds for ``reader``."""
        rows: list[RowSource] = []
        changed = False
        for rs in obj.row_sources:
            table = self.snapshot.objects.get(rs.table)
            extra = None
            if table and table.row_security and not self._stands_in(obj, rs):
                extra = self._filters(table, self._effective_reader(obj, rs, reader))
            if extra:
                rs = RowSource(rs.table, merge_filters(rs.filters, extra), rs.position, rs.path)
                changed = True
            rows.append(rs)
        return replace(obj, row_sources=tuple(rows)) if changed else obj

    def _stands_in(self, obj: ObjectLineage, rs: RowSource) -> bool:
        """Whether the rows come through a partition or a foreign table read as a view.

        A partition queried directly skips its parent's policies, and a foreign table's rows
        come from another server: the table's policies here prove nothing about them.
        """
        for name in (obj.name, *rs.path):
            found = self.snapshot.objects.get(name)
            if found is not None and (
                found.partition_of is not None or found.kind is ObjectKind.FOREIGN_TABLE
            ):
                return True
        return False

    def _effective_reader(
        self, obj: ObjectLineage, rs: RowSource, reader: str | None
    ) -> str | None:
        """Whose rights read the table: the consumer's, or the owner of a definer view on the way."""
        current = reader
        if rs.table == obj.name:
            return current
        for name in (obj.name, *reversed(rs.path)):
            view = self.snapshot.objects.get(name)
            if view is not None and view.kind.has_definition and not view.security_invoker:
                current = view.owner
        return current

    def _filters(self, table: LiveObject, reader: str | None) -> Filters | None:
        if reader is None:
            return None
        info = self.snapshot.roles.get(reader)
        if info is not None and (info.superuser or info.bypass_rls):
            return None
        if (
            reader != PUBLIC
            and not table.force_row_security
            and table.owner
            and self.roles.holds(reader, table.owner)
        ):
            return None
        applicable = [
            p
            for p in self.snapshot.policies
            if p.table == table.full
            and p.command in ("ALL", "SELECT")
            and (
                PUBLIC in p.roles
                or (reader != PUBLIC and any(self.roles.holds(reader, r) for r in p.roles))
            )
        ]
        permissive = [self.probes.get((p.table, p.name)) for p in applicable if p.permissive]
        restrictive = [self.probes.get((p.table, p.name)) for p in applicable if not p.permissive]
        result: Filters = frozenset()
        if permissive and all(permissive):
            # Permissive policies are OR-ed: a column every one of them restricts is
            # restricted to the union of their values.
            sets = [dict(f) for f in permissive if f is not None]
            common = set.intersection(*(set(s) for s in sets))
            result = frozenset((col, frozenset().union(*(s[col] for s in sets))) for col in common)
        for found in restrictive:
            if found:
                result = merge_filters(result, found)
        return result or None


def merge_filters(first: Filters, second: Filters) -> Filters:
    """Both sets of filters at once: values of a column filtered twice are intersected.

    Example:
        >>> a = frozenset({("role", frozenset({"arrestee", "victim"}))})
        >>> b = frozenset({("role", frozenset({"arrestee"}))})
        >>> sorted(merge_filters(a, b))
        [('role', frozenset({'arrestee'}))]
    """
    out = dict(first)
    for col, values in second:
        out[col] = out[col] & values if col in out else values
    return frozenset(out.items())
