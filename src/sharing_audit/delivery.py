"""Who receives each object: grants, role membership, PUBLIC, delivery schemas, directives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import LineageError
from .lineage.graph import AnalysisError, LineageGraph
from .lineage.model import Position
from .lineage.parse import ALL_OBJECTS
from .policy.model import ConsumerId, Policy

PUBLIC = "public"
#: Built-in roles whose members can read every table.
READ_ALL_ROLES = frozenset({"pg_read_all_data", "db_datareader", "db_owner", "sysadmin", "dba", "accountadmin"})


@dataclass(frozen=True)
class Delivery:
    """One way an object reaches one consumer."""

    consumer: ConsumerId
    channel: str
    """Plain words: ``GRANT SELECT to role ice_reader (grants.sql:4)``."""
    columns: frozenset[str] | None = None
    """Only these columns are delivered (a column-level grant); None means all."""
    via: tuple[ConsumerId, ...] = ()
    """Intermediaries the data passes through before reaching ``consumer``."""
    file: str | None = None
    """The file of the grant or directive that delivers, if any."""
    position: Position | None = None


class RoleGraph:
    """The one role-to-consumer resolver: role mappings plus role membership."""

    def __init__(self, policy: Policy, memberships: Iterable[tuple[str, str]] = ()) -> None:
        self.policy = policy
        self.consumers_of: dict[str, set[ConsumerId]] = {}
        self.members: dict[str, set[str]] = {}
        for mapping in policy.roles:
            self.consumers_of.setdefault(mapping.role, set()).update(mapping.consumers)
            for parent in mapping.member_of:
                self.members.setdefault(parent, set()).add(mapping.role)
        for role, member in memberships:
            self.members.setdefault(role, set()).add(member)

    def roles_inheriting(self, role: str) -> set[str]:
        """``role`` and every role that is (transitively) a member of it."""
        seen = {role}
        stack = [role]
        while stack:
            for member in self.members.get(stack.pop(), ()):
                if member not in seen:
                    seen.add(member)
                    stack.append(member)
        return seen

    def consumers_for(self, role: str) -> list[tuple[ConsumerId, str]]:
        """Consumers that can use a privilege granted to ``role``, with the role that maps them."""
        if role == PUBLIC:
            return [(c.id, PUBLIC) for c in self.policy.consumers]
        out: list[tuple[ConsumerId, str]] = []
        for member in sorted(self.roles_inheriting(role)):
            for consumer in sorted(self.consumers_of.get(member, ())):
                out.append((consumer, member))
        return out


def reach(policy: Policy, consumer: ConsumerId) -> list[tuple[ConsumerId, tuple[ConsumerId, ...]]]:
    """``consumer`` and every consumer it passes data on to, with the intermediaries between."""
    out: list[tuple[ConsumerId, tuple[ConsumerId, ...]]] = [(consumer, ())]
    seen = {consumer}
    frontier: list[tuple[ConsumerId, tuple[ConsumerId, ...]]] = [(consumer, ())]
    while frontier:
        current, via = frontier.pop(0)
        found = policy.consumer(current)
        for nxt in found.reaches if found else ():
            if nxt not in seen:
                seen.add(nxt)
                item = (nxt, (*via, current))
                out.append(item)
                frontier.append(item)
    return out


def compute_deliveries(
    graph: LineageGraph, policy: Policy
) -> tuple[dict[str, list[Delivery]], list[AnalysisError]]:
    """Every consumer each object (view or catalog table) is delivered to.

    Grants are applied in file order, statement order within a file; a later REVOKE
    cancels an earlier GRANT.

    Returns:
        Deliveries by object name, and errors for grants on unknown objects.
    """
    errors: list[AnalysisError] = []
    memberships: set[tuple[str, str]] = set()
    for pf in graph.parsed:
        for rg in pf.role_grants:
            if rg.action == "grant":
                memberships.add((rg.role, rg.member))
            else:
                memberships.discard((rg.role, rg.member))
    roles = RoleGraph(policy, memberships)

    # (object, role) -> (columns or None, channel text, file, position)
    grants: dict[tuple[str, str], tuple[frozenset[str] | None, str, str, Position]] = {}
    schema_grants: dict[tuple[str, str], tuple[str, str, Position]] = {}
    for pf in graph.parsed:
        for g in pf.grants:
            where = f"{pf.path}:{g.position.line}"
            if g.schema is not None:
                # A schema may be written database-qualified or under a system's other name.
                system = graph.resolver.catalog.system_for(tuple(g.schema.split(".")))
                schema_name = system.id if system else g.schema.split(".")[-1] if g.schema != ALL_OBJECTS else ALL_OBJECTS
                for role in g.roles:
                    if g.action == "grant":
                        schema_grants[(schema_name, role)] = (
                            f"GRANT SELECT ON ALL TABLES IN SCHEMA {g.schema} to {role} ({where})",
                            pf.path,
                            g.position,
                        )
                    else:
                        schema_grants.pop((schema_name, role), None)
                continue
            assert g.object is not None
            resolved = graph.resolver.resolve(g.object, g.search_path)
            if resolved is None:
                exc = LineageError(
                    "analysis.unresolved_table",
                    f"GRANT/REVOKE names {'.'.join(g.object)!r}, which is neither in the catalog nor defined in the SQL directory",
                    path=pf.path,
                    line=g.position.line,
                )
                errors.append(AnalysisError(exc.code, exc.message, pf.path, exc.line))
                continue
            for role in g.roles:
                key = (resolved.full, role)
                cols = frozenset(g.columns) if g.columns else None
                if g.action == "grant":
                    previous = grants.get(key)
                    if previous and previous[0] is not None and cols is not None:
                        cols = previous[0] | cols
                    grants[key] = (cols, f"GRANT SELECT to {role} ({where})", pf.path, g.position)
                elif key in grants:
                    current = grants[key][0]
                    if cols is None:
                        del grants[key]
                    elif current is None:
                        # A column-level REVOKE leaves a table-level GRANT in force.
                        continue
                    else:
                        remaining = current - cols
                        if remaining:
                            grants[key] = (remaining, *grants[key][1:])
                        else:
                            del grants[key]

    out: dict[str, list[Delivery]] = {}

    def add(
        obj: str,
        consumer: ConsumerId,
        channel: str,
        columns: frozenset[str] | None = None,
        file: str | None = None,
        position: Position | None = None,
    ) -> None:
        for target, via in reach(policy, consumer):
            text = channel if not via else f"{channel}, passed on by {' → '.join(via)}"
            out.setdefault(obj, []).append(Delivery(target, text, columns, via, file, position))

    for (obj, role), (cols, channel, file, position) in grants.items():
        for consumer, mapped in roles.consumers_for(role):
            text = channel if mapped == role else f"{channel}; {mapped} inherits {role}"
            add(obj, consumer, text, cols, file, position)
    objects_by_schema: dict[str, list[str]] = {}
    for name in graph.objects:
        objects_by_schema.setdefault(name.split(".")[0], []).append(name)
    for sd in policy.schema_deliveries:
        for obj in objects_by_schema.get(sd.schema, []):
            for consumer in sd.consumers:
                add(obj, consumer, f"created in delivery schema {sd.schema}")
    for role, member in memberships:
        if role in READ_ALL_ROLES:
            schema_grants.setdefault((ALL_OBJECTS, member), (f"member of built-in role {role}", "", Position(1)))
    for (schema, role), (channel, file, position) in schema_grants.items():
        if schema == ALL_OBJECTS:
            names = list(graph.objects) + [f"{s.id}.{t.name}" for s in policy.systems for t in s.tables]
        else:
            names = list(objects_by_schema.get(schema, []))
            system = policy.system(schema)
            if system:
                names += [f"{system.id}.{t.name}" for t in system.tables]
        for obj in names:
            for consumer, mapped in roles.consumers_for(role):
                add(obj, consumer, channel if mapped == role else f"{channel}; {mapped} inherits {role}", None, file, position)
    for pf in graph.parsed:
        known = [c for c in pf.directives.deliver_to if policy.consumer(c) is not None]
        for declared in sorted(set(pf.directives.deliver_to) - set(known)):
            errors.append(
                AnalysisError(
                    "analysis.unknown_consumer",
                    f"deliver-to names {declared!r}, which is not a consumer in the policies",
                    pf.path,
                    1,
                )
            )
        for od in pf.objects:
            name = graph.resolver.object_name(od.name, od.search_path)
            for declared in known:
                add(name, ConsumerId(declared), f"declared destination in {pf.path}", None, pf.path, od.position)
    for obj, items in out.items():
        unique: dict[tuple[str, frozenset[str] | None], Delivery] = {}
        for d in items:
            unique.setdefault((d.consumer, d.columns), d)
        out[obj] = list(unique.values())
    return out, errors
