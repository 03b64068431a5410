"""Lineage of every object in a SQL directory, composed over the view dependency graph."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify_columns import qualify_columns
from sqlglot.optimizer.qualify_tables import qualify_tables
from sqlglot.schema import MappingSchema

from ..catalog import Catalog, ColumnKey
from ..errors import LineageError
from .columns import ScopeResult, StatementContext, statement_lineage
from .model import ObjectLineage, Origin, Position, RowSource
from .parse import ObjectDef, ParsedFile, node_position, parse_file, spellings_differ
from .prepare import prepare, table_sources
from .resolve import NameResolver, resolve_tables

#: Statement kinds that define an object's rows (the others fill or declare it).
_DEFINING = ("view", "materialized view", "table", "query")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisError:
    """An input that could not be analysed; always fails the run (exit 2)."""

    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    object: str | None = None


@dataclass
class FileStatus:
    """One SQL file of the run and whether it was fully analysed."""

    path: str
    dialect: str
    sha256: str
    objects: list[str] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok`` or ``error``."""
        return "error" if self.errors else "ok"


@dataclass
class SqlInput:
    """A SQL file to analyse, its display path and its dialect."""

    path: Path
    display: str
    dialect: str


@dataclass
class LineageGraph:
    """The analysed SQL directory."""

    objects: dict[str, ObjectLineage]
    files: list[FileStatus]
    parsed: list[ParsedFile]
    resolver: NameResolver
    object_files: dict[str, str]

    @property
    def errors(self) -> list[AnalysisError]:
        """Every analysis error, in file order."""
        return [e for f in self.files for e in f.errors]


@dataclass
class _Node:
    name: str
    defs: list[tuple[ObjectDef, ParsedFile]] = field(default_factory=list)
    deps: set[str] = field(default_factory=set)
    queries: list[exp.Query | None] = field(default_factory=list)


def build_graph(
    inputs: Iterable[SqlInput],
    catalog: Catalog,
    *,
    default_schema: str = "public",
    approved_functions: frozenset[str] = frozenset(),
    progress: Callable[[str], None] | None = None,
) -> LineageGraph:
    """Parse every input and compute the lineage of every object it defines.

    Args:
        inputs: SQL files with their dialects.
        catalog: the policy catalog.
        default_schema: schema of unqualified object names when no search_path is set.
        approved_functions: redaction functions counsel approved (normalised names).
        progress: called with each file's display path as it is parsed.

    Returns:
        The graph; files that could not be analysed carry ``AnalysisError``s.
    """
    files: list[FileStatus] = []
    parsed: list[ParsedFile] = []
    status_of: dict[str, FileStatus] = {}
    for item in inputs:
        if progress:
            progress(item.display)
        status = FileStatus(item.display, item.dialect, "")
        files.append(status)
        status_of[item.display] = status
        try:
            pf = parse_file(item.path, item.dialect, item.display)
        except LineageError as exc:
            status.sha256 = _sha256(item.path)
            status.errors.append(_error(exc, item.display))
            continue
        except Exception as exc:  # noqa: BLE001 - fail closed on any parser fault
            logger.debug("parser fault in %s: %s", item.display, type(exc).__name__)
            status.sha256 = _sha256(item.path)
            status.errors.append(_internal(exc, item.display))
            continue
        status.sha256 = pf.sha256
        status.dialect = pf.dialect
        parsed.append(pf)

    names: dict[str, list[tuple[ObjectDef, ParsedFile]]] = {}
    bootstrap = NameResolver(catalog, (), default_schema)
    for pf in parsed:
        for od in pf.objects:
            names.setdefault(bootstrap.object_name(od.name, od.search_path), []).append((od, pf))
    for name in [n for n, defs in names.items() if all(od.adds_columns for od, _ in defs)]:
        if not catalog.has_table(*name.split(".", 1)):
            # ALTER TABLE ... ADD on a table neither the catalog nor the SQL defines: what else
            # it holds is unknown, so it stays unresolved (fail closed), not a one-column table.
            del names[name]
    resolver = NameResolver(catalog, frozenset(names), default_schema)
    spellings = {
        name: defining[-1][0].spelling
        for name, defs in names.items()
        if (defining := [d for d in defs if d[0].kind in _DEFINING and d[0].spelling])
    }

    nodes: dict[str, _Node] = {}
    object_files: dict[str, str] = {}
    for name, defs in names.items():
        node = _Node(name)
        nodes[name] = node
        object_files[name] = defs[-1][1].path
        defining = [d for d in defs if d[0].kind in _DEFINING]
        if spellings_differ([od.spelling for od, _ in defining if od.spelling]):
            for od, pf in defining:
                status_of[pf.path].errors.append(
                    AnalysisError(
                        "analysis.case_conflict",
                        f"{name} is defined under names that differ only in the case of quoted letters "
                        f"({', '.join(sorted({'.'.join(d.spelling) for d, _ in defining}))}); the database keeps them apart",
                        pf.path,
                        od.position.line,
                        object=name,
                    )
                )
            continue
        if len({pf.path for _, pf in defining}) > 1:
            for od, pf in defining:
                status_of[pf.path].errors.append(
                    AnalysisError(
                        "analysis.duplicate_object",
                        f"{name} is defined in more than one file; which one is deployed is unknown",
                        pf.path,
                        od.position.line,
                        object=name,
                    )
                )
            continue
        if defining:
            # CREATE OR REPLACE later in the same file wins over earlier definitions.
            last = defining[-1]
            defs = [d for d in defs if d[0].kind not in _DEFINING or d is last]
        for od, pf in defs:
            node.defs.append((od, pf))
            if od.query is None:
                node.queries.append(None)
                continue
            # NOTE: each parsed query is analysed exactly once, so it is rewritten in place.
            query = od.query
            try:
                deps = resolve_tables(od.index.tables, od.index.ctes, resolver, od.search_path, pf.path, spellings)
            except LineageError as exc:
                status_of[pf.path].errors.append(_error(exc, pf.path, name))
                node.queries.append(None)
                node.deps.add("\0failed")
                continue
            if name in deps:
                deps.discard(name)
                if od.kind not in ("insert", "ddl"):
                    status_of[pf.path].errors.append(
                        AnalysisError("analysis.cyclic_view", f"{name} selects from itself", pf.path, od.position.line, object=name)
                    )
                    node.deps.add("\0failed")
            node.deps |= deps
            node.queries.append(query)

    order, blocked = _topological(nodes)
    cyclic = _in_cycle(nodes, blocked)
    for name in cyclic:
        for od, pf in nodes[name].defs:
            status_of[pf.path].errors.append(
                AnalysisError(
                    "analysis.cyclic_view",
                    f"{name} is part of a cycle of views that read each other",
                    pf.path,
                    od.position.line,
                    object=name,
                )
            )

    mapping = catalog.sqlglot_mapping()
    # Columns that DDL in the SQL gives a catalog table, unknown to the catalog: they exist
    # (so `SELECT *` returns them), and an object that reads one cannot be judged.
    declaring = {name: found for name, node in nodes.items() if (found := _unclassified_columns(node, catalog))}
    if declaring:
        catalog = catalog.copy()  # virtual columns below belong to this build only
    unclassified: dict[ColumnKey, tuple[ObjectDef, ParsedFile]] = {}
    for name, found in declaring.items():
        for od, pf in found:
            system, table = name.split(".", 1)
            for column in od.target_columns:
                mapping[system][table][column] = "TEXT"
                key = ColumnKey(system, table, column)
                unclassified.setdefault(key, (od, pf))
                catalog.add_virtual_column(key, None)  # so that reading it leaves an origin
    schema = MappingSchema(dict(mapping), normalize=False)
    objects: dict[str, ObjectLineage] = {}
    failed: set[str] = set(cyclic) | {"\0failed"}
    # Objects behind a cycle come last, so that they report the upstream error.
    order += [name for name in blocked if name not in cyclic]
    for name in order:
        node = nodes[name]
        if not node.defs:
            failed.add(name)
            continue
        broken = sorted(d for d in node.deps if d in failed)
        if broken:
            failed.add(name)
            for od, pf in node.defs:
                if any(e.object == name for e in status_of[pf.path].errors):
                    continue
                upstream = [b for b in broken if not b.startswith("\0")]
                message = (
                    f"{name} reads {', '.join(upstream)}, which could not be analysed"
                    if upstream
                    else f"{name} could not be analysed"
                )
                status_of[pf.path].errors.append(
                    AnalysisError("analysis.upstream_error", message, pf.path, od.position.line, object=name)
                )
            continue
        declared = _target_columns(node, catalog)
        if declared and not catalog.has_table(*name.split(".", 1)):
            # A table created by DDL can be read by the statements that fill it.
            schema.add_table(exp.table_(name.split(".")[1], db=name.split(".")[0], quoted=True), {c: "TEXT" for c in declared}, match_depth=False)
        try:
            lineage = _object_lineage(node, catalog, objects, schema, approved_functions)
        except LineageError as exc:
            failed.add(name)
            od, pf = node.defs[0]
            status_of[exc.path or pf.path].errors.append(_error(exc, exc.path or pf.path, name))
            continue
        except Exception as exc:  # noqa: BLE001 - fail closed on any analysis fault
            logger.debug("lineage fault for %s: %s", name, type(exc).__name__)
            failed.add(name)
            od, pf = node.defs[0]
            status_of[pf.path].errors.append(_internal(exc, pf.path, name, od.position.line))
            continue
        unknown = sorted({o.source for _, o in lineage.all_origins() if o.source in unclassified}, key=str)
        if unknown:
            failed.add(name)
            od, pf = node.defs[0]
            added_by = unclassified[unknown[0]][1].path
            status_of[pf.path].errors.append(
                AnalysisError(
                    "analysis.unclassified_column",
                    f"{name} reads {', '.join(map(str, unknown))}, which DDL in {added_by} adds but the catalog does not "
                    "classify; classify it in the policy catalog so that the rules can judge it",
                    pf.path,
                    od.position.line,
                    object=name,
                )
            )
            continue
        objects[name] = lineage
        schema.add_table(
            exp.table_(name.split(".")[1], db=name.split(".")[0], quoted=True),
            {c: "TEXT" for c in lineage.column_names()},
            match_depth=False,
        )
        for _, pf in node.defs:
            status_of[pf.path].objects.append(name)
    return LineageGraph(objects, files, parsed, resolver, object_files)


def _object_lineage(
    node: _Node,
    catalog: Catalog,
    objects: dict[str, ObjectLineage],
    schema: MappingSchema,
    approved: frozenset[str],
) -> ObjectLineage:
    columns: dict[str, set[Origin]] = {}
    predicates: set[Origin] = set()
    rows: list[RowSource] = []
    aggregate: int | None = None
    first_def, first_file = node.defs[0]
    kind = first_def.kind
    target_columns = _target_columns(node, catalog)
    for name in target_columns:
        columns.setdefault(name, set())
    for (od, pf), query in zip(node.defs, node.queries, strict=True):
        if od.kind in ("view", "materialized view", "table", "query"):
            kind = od.kind
        if query is None:
            continue
        result = _qualified_lineage(query, od, pf, catalog, objects, schema, approved, node.name)
        names = list(result.columns)
        explicit = od.target_columns or (target_columns if od.kind == "insert" else ())
        if not explicit and od.kind == "insert" and columns:
            # INSERT without a column list fills the table's columns by position, not by name.
            explicit = tuple(dict.fromkeys([*columns, *_ddl_columns(node, alter_only=True)]))
        if explicit:
            if len(explicit) != len(names):
                raise LineageError(
                    "analysis.column_count",
                    f"{node.name} lists {len(explicit)} columns but its query returns {len(names)}",
                    path=pf.path,
                    line=od.position.line,
                )
            names = list(explicit)
        for target, origins in zip(names, result.columns.values(), strict=True):
            columns.setdefault(target, set()).update(origins)
        predicates |= result.predicates
        rows.extend(result.rows)
        aggregate = result.aggregate_min_count if od.kind != "insert" else None
    return ObjectLineage(
        name=node.name,
        kind=kind,
        file=first_file.path,
        position=first_def.position,
        dialect=first_file.dialect,
        columns=tuple((c, frozenset(o)) for c, o in columns.items()),
        predicates=frozenset(predicates),
        row_sources=tuple(rows),
        aggregate_min_count=aggregate,
        dependencies=frozenset(d for d in node.deps if not d.startswith("\0")),
    )


def _unclassified_columns(node: _Node, catalog: Catalog) -> list[tuple[ObjectDef, ParsedFile]]:
    """DDL (CREATE TABLE or ALTER TABLE ... ADD) declaring columns a catalog table lacks."""
    table = catalog.table(*node.name.split(".", 1))
    if table is None:
        return []
    known = {c.name for c in table.columns}
    return [
        (replace(od, target_columns=tuple(c for c in od.target_columns if c not in known)), pf)
        for od, pf in node.defs
        if od.kind == "ddl" and not set(od.target_columns) <= known
    ]


def _target_columns(node: _Node, catalog: Catalog) -> tuple[str, ...]:
    schema_name, table_name = node.name.split(".", 1)
    table = catalog.table(schema_name, table_name)
    if table is not None and all(od.kind in ("insert", "ddl") for od, _ in node.defs):
        # The catalog's columns, and any that DDL adds (``_unclassified_columns``).
        return tuple(dict.fromkeys([*(c.name for c in table.columns), *_ddl_columns(node)]))
    # CREATE TABLE's columns, then those ALTER TABLE ... ADD appended, in order; columns an
    # ALTER adds to a table created from a query are not a full list, so they count only
    # after a CREATE TABLE that lists its columns.
    if not any(od.kind == "ddl" and not od.adds_columns for od, _ in node.defs):
        return ()
    return tuple(dict.fromkeys(_ddl_columns(node)))


def _ddl_columns(node: _Node, alter_only: bool = False) -> list[str]:
    """Columns DDL declares for ``node`` in statement order (CREATE TABLE, ALTER TABLE ... ADD)."""
    return [c for od, _ in node.defs if od.kind == "ddl" and (od.adds_columns or not alter_only) for c in od.target_columns]



def _qualified_lineage(
    query: exp.Query,
    od: ObjectDef,
    pf: ParsedFile,
    catalog: Catalog,
    objects: dict[str, ObjectLineage],
    schema: MappingSchema,
    approved: frozenset[str],
    self_name: str,
) -> ScopeResult:
    _mark_stars(od.index.stars)
    try:
        prepare(od.index, schema, pf.dialect)
    except LineageError as exc:
        exc.path = pf.path
        raise
    try:
        # NOTE: qualify()'s first step, normalize_identifiers, is skipped: index_statement
        # already lowercased and quoted every identifier. The remaining steps are qualify's.
        qualified = qualify_tables(query, dialect=pf.dialect)
        qualified = qualify_columns(qualified, schema, expand_alias_refs=True, expand_stars=True)
        # NOTE: validate_qualify_columns is not run: the lineage walk below resolves every
        # column to a source or raises analysis.unresolved_column, which is the same check.
    except OptimizeError as exc:
        raise _qualify_error(str(exc), od, pf, schema) from None
    except RecursionError:
        raise LineageError("analysis.too_complex", "query is nested too deeply to analyse", path=pf.path, line=od.position.line) from None
    except (SqlglotError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise LineageError(
            "analysis.internal",
            f"the SQL optimizer could not qualify this query ({type(exc).__name__})",
            path=pf.path,
            line=od.position.line,
        ) from None
    for select in qualified.find_all(exp.Select) if od.index.stars else ():
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)):
                pos = node_position(projection) or od.position
                raise LineageError(
                    "analysis.unexpanded_star",
                    "SELECT * cannot be expanded: a source's columns are unknown",
                    path=pf.path,
                    line=pos.line,
                    column=pos.column,
                )
    ctx = StatementContext(catalog, objects, approved, pf.path, od.position, self_name=self_name if od.kind == "insert" else "")
    try:
        return statement_lineage(qualified, ctx)
    except RecursionError:
        raise LineageError("analysis.too_complex", "query is nested too deeply to analyse", path=pf.path, line=od.position.line) from None


def _qualify_error(text: str, od: ObjectDef, pf: ParsedFile, schema: MappingSchema) -> LineageError:
    """Turn sqlglot's qualification error into an analysis error at the offending column."""
    message = text.split(". Line:")[0]
    match = re.search(r"Column '([^']+)'|Unknown column: (\S+)", message)
    name = (match.group(1) or match.group(2)) if match else None
    line, column = _optimize_error_position(text)
    code = "analysis.unresolved_column"
    if name:
        for col in od.index.columns:
            if col.name != name.split(".")[-1]:
                continue
            pos = node_position(col)
            if pos and not line:
                line, column = pos.line, pos.column
            select = col.find_ancestor(exp.Select)
            sources = table_sources(select, schema) if select is not None else {}
            if not col.table and sum(name in cols for cols in sources.values()) > 1:
                code = "analysis.ambiguous_column"
                message = f"column {name!r} is ambiguous: more than one source has it; qualify it"
            break
    return LineageError(code, message, path=pf.path, line=line or od.position.line, column=column)


def _mark_stars(stars: list[exp.Star]) -> None:
    """Remember where each projected ``*`` was, so expanded columns can point back at it."""
    for star in stars:
        select = star.parent.parent if isinstance(star.parent, exp.Column) else star.parent
        if not isinstance(select, exp.Select) or not star._meta or "line" not in star.meta:
            continue
        select.meta.setdefault("sa_star", (int(star.meta["line"]), int(star.meta.get("col", 1))))


def _optimize_error_position(message: str) -> tuple[int | None, int | None]:
    match = re.search(r"Line: (\d+), Col: (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def _topological(nodes: dict[str, _Node]) -> tuple[list[str], list[str]]:
    """Kahn's order over object dependencies; names left over are in (or behind) a cycle."""
    indegree = {name: 0 for name in nodes}
    users: dict[str, list[str]] = {name: [] for name in nodes}
    for name, node in nodes.items():
        for dep in node.deps:
            if dep in nodes:
                indegree[name] += 1
                users[dep].append(name)
    ready = sorted(n for n, d in indegree.items() if d == 0)
    order: list[str] = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in users[name]:
            indegree[user] -= 1
            if indegree[user] == 0:
                ready.append(user)
    remaining = [n for n in nodes if n not in set(order)]
    return order, remaining


def _in_cycle(nodes: dict[str, _Node], candidates: list[str]) -> set[str]:
    """Names among ``candidates`` that can reach themselves through their dependencies."""
    pool = set(candidates)
    out: set[str] = set()
    for start in candidates:
        stack = [d for d in nodes[start].deps if d in pool]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current == start:
                out.add(start)
                break
            if current in seen:
                continue
            seen.add(current)
            stack.extend(d for d in nodes[current].deps if d in pool)
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _internal(exc: Exception, path: str, obj: str | None = None, line: int | None = None) -> AnalysisError:
    # NOTE: only the exception type is reported or logged; its text may quote SQL literals.
    return AnalysisError(
        "analysis.internal",
        f"internal error ({type(exc).__name__}) while analysing; the input is not analysed",
        path,
        line,
        object=obj,
    )


def _error(exc: LineageError, path: str, obj: str | None = None) -> AnalysisError:
    return AnalysisError(exc.code, exc.message, exc.path or path, exc.line, exc.column, obj)


__all__ = ["AnalysisError", "FileStatus", "LineageGraph", "Position", "SqlInput", "build_graph"]
