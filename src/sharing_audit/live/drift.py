"""Drift: deployed views and grants against the repository's reviewed SQL, compared normalised.

Both sides are parsed, cleaned of the server's re-spellings, renamed to known schemas,
qualified and star-expanded against the live catalog, and compared as trees
(``normalise.canonical``): a PostgreSQL ``= ANY (ARRAY[...])`` equals the repository's
``IN (...)``, and ``SELECT *`` equals the server's expanded column list as long as the
table has not changed. Messages name the clauses that differ, never the SQL (it may quote
literals).

Scope: views and materialized views in the audited schemas; grants (``SELECT`` on objects,
table-wide or per column) on objects the repository defines or grants on. Owners'
implicit privileges are not grants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.schema import MappingSchema

from ..catalog import Catalog
from ..errors import LineageError
from ..findings import Notice
from ..lineage.graph import AnalysisError, FileStatus, SqlInput
from ..lineage.parse import ALL_OBJECTS, ParsedFile, parse_file
from ..lineage.resolve import NameResolver
from .model import Snapshot
from .normalise import canonical, clean, differences, rename_tables
from .sources import Cleaned

CODE = "audit.drift"

#: Repository object kinds compared with deployed views.
_VIEW_KINDS = ("view", "materialized view")


@dataclass(frozen=True)
class RepoView:
    """A view as the repository defines it (its last definition wins)."""

    name: str
    path: str
    line: int
    query: exp.Query
    columns: tuple[str, ...]
    dialect: str
    search_path: tuple[str, ...]


def live_schema(snapshot: Snapshot) -> MappingSchema:
    """Every object's columns, under known names, for qualifying and expanding ``*``."""
    mapping: dict[str, dict[str, dict[str, str]]] = {}
    for obj in snapshot.objects.values():
        mapping.setdefault(obj.schema, {})[obj.name] = {c.name: "TEXT" for c in obj.columns}
    return MappingSchema(dict[str, object](mapping), normalize=False)


def compare(
    snapshot: Snapshot,
    inputs: Iterable[SqlInput],
    catalog: Catalog,
    schemas: Mapping[str, str],
    default_schema: str,
    blocking: bool,
    deployed: Mapping[str, Cleaned | None],
) -> tuple[list[Notice], list[FileStatus]]:
    """Drift notices, and the status of every repository file read.

    ``deployed`` holds each view's ``cleaned_query``; the trees are rewritten in place.

    A repository file that cannot be parsed carries an analysis error (the comparison of
    what it defines is unknown, so the run cannot pass).
    """
    statuses: list[FileStatus] = []
    parsed: list[ParsedFile] = []
    for item in sorted(inputs, key=lambda i: i.display):
        status = FileStatus(item.display, item.dialect, "")
        statuses.append(status)
        try:
            pf = parse_file(item.path, item.dialect, item.display)
        except LineageError as exc:
            status.errors.append(
                AnalysisError(exc.code, exc.message, item.display, exc.line, exc.column)
            )
            continue
        status.sha256, status.dialect = pf.sha256, pf.dialect
        parsed.append(pf)

    resolver = NameResolver(catalog, frozenset(snapshot.objects), default_schema)
    audited = {o.schema for o in snapshot.objects.values()} | set(schemas.values())
    views: dict[str, RepoView] = {}
    for pf in parsed:
        for od in pf.objects:
            if od.kind not in _VIEW_KINDS or od.query is None:
                continue
            name = resolver.object_name(od.name, od.search_path)
            if name.split(".")[0] in audited:
                views[name] = RepoView(
                    name,
                    pf.path,
                    od.position.line,
                    od.query,
                    od.target_columns,
                    pf.dialect,
                    od.search_path,
                )

    notices: list[Notice] = []

    def note(name: str, message: str, path: str) -> None:
        notices.append(Notice(CODE, message, object=name, path=path, blocking=blocking))

    schema = live_schema(snapshot)
    deployed_views = {n: o for n, o in snapshot.objects.items() if o.kind.has_definition}
    for name, repo in sorted(views.items()):
        where = f"{repo.path}:{repo.line}"
        obj = snapshot.objects.get(name)
        if obj is None:
            note(
                name,
                f"{name} is defined in the repository ({where}) but does not exist in the database",
                repo.path,
            )
            continue
        if not obj.kind.has_definition:
            note(
                name,
                f"{name} is a view in the repository ({where}) but a {obj.kind.value} in the database",
                snapshot.object_path(name),
            )
            continue
        mine = deployed.get(name)
        if mine is None:
            continue  # the lineage already reports the deployed definition as unparsed
        theirs = _repo_canonical(repo, resolver, schema)
        found = differences(
            canonical(mine[0], schema, snapshot.dialect, mine[1], copy=False), theirs
        )
        if found:
            note(
                name,
                f"{name} differs from the repository ({where}): the deployed definition has {'; '.join(found)} changed",
                snapshot.object_path(name),
            )
    for name in sorted(set(deployed_views) - set(views)):
        note(
            name,
            f"{deployed_views[name].kind.value} {name} exists in the database but in no repository SQL file",
            snapshot.object_path(name),
        )
    notices += _grant_drift(snapshot, parsed, resolver, views, blocking)
    return notices, statuses


def _repo_canonical(repo: RepoView, resolver: NameResolver, schema: MappingSchema) -> exp.Expr:
    query = clean(repo.query)

    def rename(parts: tuple[str, ...]) -> tuple[str, str] | None:
        found = resolver.resolve(parts, repo.search_path)
        return (found.schema, found.name) if found else None

    query = rename_tables(query, rename)
    return canonical(query, schema, repo.dialect, repo.columns, copy=False)


Privileges = dict[str, frozenset[str] | None]
"""Role → the columns it may read (None: all)."""


def _grant_drift(
    snapshot: Snapshot,
    parsed: list[ParsedFile],
    resolver: NameResolver,
    views: Mapping[str, RepoView],
    blocking: bool,
) -> list[Notice]:
    if not snapshot.supports_grants:
        return []
    repo: dict[str, Privileges] = {name: {} for name in views}
    for pf in parsed:
        for g in pf.grants:
            if g.schema is not None:
                targets = [
                    o.full
                    for o in snapshot.objects.values()
                    if g.schema == ALL_OBJECTS or o.schema == g.schema.split(".")[-1]
                ]
            else:
                assert g.object is not None
                found = resolver.resolve(g.object, g.search_path)
                targets = [found.full] if found else []
            for target in targets:
                held = repo.setdefault(target, {})
                for role in g.roles:
                    _fold(
                        held, role, frozenset(g.columns) if g.columns else None, g.action == "grant"
                    )
    deployed: dict[str, Privileges] = {}
    for grant in snapshot.grants:
        if grant.object is None or grant.source not in ("table privilege", "column privilege"):
            continue
        _fold(deployed.setdefault(grant.object, {}), grant.grantee, grant.columns, True)
    notices = []
    for name in sorted(repo):
        obj = snapshot.objects.get(name)
        if obj is None:
            continue
        owner = obj.owner
        mine = {r: c for r, c in deployed.get(name, {}).items() if r != owner}
        theirs = {r: c for r, c in repo[name].items() if r != owner}
        for role in sorted(set(mine) | set(theirs)):
            if role in mine and role in theirs and mine[role] == theirs[role]:
                continue
            who = "PUBLIC" if role == "public" else role
            notices.append(
                Notice(
                    CODE,
                    f"SELECT on {name} to {who}: {_describe(mine, role)} in the database, {_describe(theirs, role)} in the repository",
                    object=name,
                    path=snapshot.object_path(name),
                    blocking=blocking,
                )
            )
    return notices


def _fold(held: Privileges, role: str, columns: frozenset[str] | None, grant: bool) -> None:
    """Apply one GRANT or REVOKE to ``held`` (a column REVOKE leaves a table-wide grant)."""
    if grant:
        if role in held and held[role] is not None and columns is not None:
            previous = held[role]
            assert previous is not None
            held[role] = previous | columns
        elif role not in held or columns is None:
            held[role] = columns
        return
    if role not in held:
        return
    current = held[role]
    if columns is None:
        del held[role]
    elif current is not None:
        remaining = current - columns
        if remaining:
            held[role] = remaining
        else:
            del held[role]


def _describe(held: Privileges, role: str) -> str:
    if role not in held:
        return "not granted"
    cols = held[role]
    return (
        "granted on every column"
        if cols is None
        else f"granted on columns {', '.join(sorted(cols))}"
    )
