"""Column lineage of one qualified statement, in a single pass over its scopes.

Each scope (query, CTE, derived table, subquery, set operation, table function) is
computed once, children first, and memoised; upstream objects contribute their already
computed lineage, so a view chain is never re-expanded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, build_scope

from ..catalog import Catalog, ColumnKey
from ..errors import LineageError
from ..policy.model import Flow
from .model import ObjectLineage, Origin, Position, RowSource, Transform
from .parse import node_position
from .resolve import is_table_function

#: Where a column sits in a SELECT, by the argument name sqlglot stores it under.
CLAUSES: dict[str, str] = {
    "expressions": "SELECT",
    "where": "WHERE",
    "prewhere": "WHERE",
    "joins": "JOIN ON",
    "from": "FROM",
    "from_": "FROM",
    "laterals": "FROM",
    "group": "GROUP BY",
    "having": "HAVING",
    "qualify": "QUALIFY",
    "order": "ORDER BY",
    "distinct": "DISTINCT ON",
    "windows": "WINDOW",
    "limit": "LIMIT",
    "offset": "LIMIT",
    "connect": "CONNECT BY",
    "match": "MATCH_RECOGNIZE",
}

#: Clauses in which an unqualified name may refer to a projection alias.
_ALIAS_CLAUSES = frozenset({"ORDER BY", "GROUP BY", "HAVING", "QUALIFY"})

#: Operators that compute a new value from their inputs (comparisons do not: they are predicates).
_VALUE_OPERATORS = (
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.IntDiv,
    exp.Mod,
    exp.DPipe,
    exp.BitwiseAnd,
    exp.BitwiseOr,
    exp.BitwiseXor,
    exp.BitwiseLeftShift,
    exp.BitwiseRightShift,
    exp.Neg,
    exp.Bracket,
    exp.Dot,
    exp.Window,
    exp.JSONExtract,
    exp.JSONExtractScalar,
)


#: sqlglot models AND/OR and comparisons as functions; they test values, they do not carry them.
_NOT_VALUE_FUNCS = (exp.Connector, exp.Predicate, exp.Not)


@dataclass
class ScopeResult:
    """Lineage of one scope: its output columns, row predicates and row sources."""

    columns: dict[str, frozenset[Origin]]
    predicates: frozenset[Origin] = frozenset()
    rows: tuple[RowSource, ...] = ()
    any_column: frozenset[Origin] | None = None
    """For table functions: every output column carries these origins."""
    aggregate_min_count: int | None = None
    positional: list[frozenset[Origin]] | None = None
    names: list[str] | None = None
    """Origins by output position; differs from ``columns`` when two outputs share a name."""

    def by_position(self) -> list[frozenset[Origin]]:
        """Origins of each output column, in order."""
        return self.positional if self.positional is not None else list(self.columns.values())


@dataclass(frozen=True)
class StatementContext:
    """What a statement's lineage is computed against."""

    catalog: Catalog
    objects: Mapping[str, ObjectLineage]
    approved_functions: frozenset[str]
    """Approved redaction functions, normalised (``redact_ssn`` or ``util.redact_ssn``)."""
    path: str
    fallback: Position
    self_name: str = ""
    """The object being computed; an INSERT, UPDATE or MERGE that reads its own target gets
    no origins from that read (its contents are the union of what is written into it)."""


def statement_lineage(query: exp.Query, ctx: StatementContext) -> ScopeResult:
    """Compute the lineage of a qualified query's output columns and predicates.

    Raises:
        LineageError: a column cannot be resolved to a catalog or object column.
    """
    root = build_scope(query)
    if root is None:
        raise LineageError("analysis.unsupported_statement", "query has no analysable scope", path=ctx.path)
    return _Walker(ctx).compute(root)


class _Walker:
    def __init__(self, ctx: StatementContext) -> None:
        self.ctx = ctx
        self.memo: dict[int, ScopeResult] = {}
        self.positions: dict[int, Position] = {}
        self.in_progress: dict[int, ScopeResult | None] = {}

    # -- scopes ---------------------------------------------------------------------------

    def compute(self, scope: Scope) -> ScopeResult:
        key = id(scope.expression)
        if key in self.memo:
            return self.memo[key]
        if key in self.in_progress:
            # A recursive CTE reading itself: use what is known so far (the anchor).
            return self.in_progress[key] or ScopeResult(columns={})
        self.in_progress[key] = None
        try:
            if isinstance(scope.expression, exp.SetOperation):
                result = self._set_operation(scope)
            elif scope.is_udtf:
                result = self._table_function(scope)
            elif isinstance(scope.expression, exp.Select):
                result = self._select(scope)
            else:
                raise LineageError(
                    "analysis.unsupported_statement",
                    f"query part {type(scope.expression).__name__} is not analysed",
                    path=self.ctx.path,
                    line=self._pos(scope.expression).line,
                )
        finally:
            self.in_progress.pop(key, None)
        self.memo[key] = result
        return result

    def _set_operation(self, scope: Scope) -> ScopeResult:
        left_scope, right_scope = scope.set_operation_scopes
        left = self.compute(left_scope)
        if isinstance(scope.expression, (exp.Except, exp.Intersect)):
            # The right branch only decides which of the left branch's rows remain.
            right = self.compute(right_scope)
            clause = "EXCEPT" if isinstance(scope.expression, exp.Except) else "INTERSECT"
            kept = {_as_predicate(o, clause, o.position) for v in right.by_position() for o in v}
            return replace(
                left,
                predicates=left.predicates | right.predicates | kept,
                rows=left.rows + right.rows,
                aggregate_min_count=None,
            )
        if not _is_recursive_cte(scope):
            return _merge(left, self.compute(right_scope))
        key = id(scope.expression)
        merged = left
        for _ in range(16):
            self.in_progress[key] = merged
            before = set(self.memo)
            right = self.compute(right_scope)
            new = _merge(left, right)
            for stale in set(self.memo) - before:
                del self.memo[stale]
            if new.columns == merged.columns and new.predicates == merged.predicates:
                break
            merged = new
        return merged

    def _table_function(self, scope: Scope) -> ScopeResult:
        for source in scope.sources.values():
            if isinstance(source, Scope) and source.expression.find_ancestor(exp.Lateral) is not None:
                inner = self.compute(source)
                return ScopeResult(columns=dict(inner.columns), predicates=inner.predicates, rows=inner.rows)
        origins: set[Origin] = set()
        for col in scope.columns:
            for origin in self._reference(scope, col):
                origins.add(_step(origin, Flow.VALUE, Transform.TRANSFORM, ("table function",), None, self._pos(col), "SELECT"))
        for child in scope.subquery_scopes:
            inner = self.compute(child)
            for origin in [o for v in inner.by_position() for o in v] + list(inner.predicates):
                origins.add(_step(origin, Flow.VALUE, Transform.TRANSFORM, ("table function",), None, origin.position, "SELECT"))
        return ScopeResult(columns={}, any_column=frozenset(origins))

    def _select(self, scope: Scope) -> ScopeResult:
        select = scope.expression
        assert isinstance(select, exp.Select)
        projections = select.expressions
        index = {id(p): i for i, p in enumerate(projections)}
        names = [p.alias_or_name for p in projections]
        values: list[set[Origin]] = [set() for _ in projections]
        predicates: set[Origin] = set()
        seen: set[int] = set()
        # The right side of a LEFT JOIN never removes rows of the left side: its ON condition
        # (and its own filters) only decide that side's columns. They count where those
        # columns are used, not as filters of the whole result.
        outer = _left_joined(select)
        outer_conditions: dict[str, set[Origin]] = {alias: set() for alias in outer.values()}
        used_in_projection: dict[str, set[int]] = {alias: set() for alias in outer.values()}
        used_elsewhere: set[str] = set()

        for col in scope.columns:
            located = _locate(col, select)
            if located is None:
                continue
            clause, top = located
            if not col.table and col.name in names and clause in _ALIAS_CLAUSES:
                continue  # a projection alias: handled below
            seen.add(id(col))
            transform, functions, masked = self._path_transform(col, top)
            origins = self._reference(scope, col)
            pos = self._pos(col)
            if clause == "SELECT":
                i = index[id(top)]
                if col.table in outer_conditions:
                    used_in_projection[col.table].add(i)
                bucket = values[i]
                for o in origins:
                    kept = o.flow if o.flow is Flow.PREDICATE else Flow.VALUE
                    bucket.add(_step(o, kept, transform, functions, masked, pos, "SELECT" if kept is Flow.VALUE else o.clause))
            elif clause == "JOIN ON" and id(top) in outer:
                outer_conditions[outer[id(top)]].update(
                    _step(o, Flow.PREDICATE, transform, functions, masked, pos, clause) for o in origins
                )
            else:
                if col.table in outer_conditions:
                    used_elsewhere.add(col.table)
                for o in origins:
                    predicates.add(_step(o, Flow.PREDICATE, transform, functions, masked, pos, clause))

        # ORDER BY 1 / GROUP BY 1 refer to projections by position.
        for clause_key, items in _positional_items(select):
            for lit in items:
                i = int(lit.this) - 1
                if 0 <= i < len(values):
                    for o in values[i]:
                        predicates.add(_as_predicate(o, CLAUSES[clause_key], self._pos(lit)))
        # ORDER BY alias (and GROUP BY / HAVING alias where the dialect allows it).
        for clause_key in ("order", "group", "having", "qualify"):
            clause_node = select.args.get(clause_key)
            if clause_node is None:
                continue
            for col in clause_node.find_all(exp.Column):
                if col.table or col.name not in names or id(col) in seen:
                    continue
                if _locate(col, select) is None:
                    continue
                for o in values[names.index(col.name)]:
                    predicates.add(_as_predicate(o, CLAUSES[clause_key], self._pos(col)))

        for child in scope.subquery_scopes:
            parent = child.expression.parent
            located = _locate(parent, select) if parent is not None else None
            if located is None:
                continue
            clause, top = located
            result = self.compute(child)
            inner = [o for origins in result.columns.values() for o in origins]
            inner.extend(result.predicates)
            if result.any_column:
                inner.extend(result.any_column)
            if clause == "SELECT":
                bucket = values[index[id(top)]]
                for o in inner:
                    bucket.add(_step(o, Flow.VALUE, Transform.TRANSFORM, ("subquery",), None, o.position, "SELECT"))
            else:
                for o in inner:
                    predicates.add(_as_predicate(o, clause, o.position))

        by_alias, source_aggregates = self._sources(scope, predicates, outer_conditions)
        for alias, conditions in outer_conditions.items():
            if alias in used_elsewhere:
                predicates.update(conditions)
            for i in used_in_projection[alias]:
                values[i].update(conditions)
        self._apply_filters(scope, select, by_alias)
        rows = [rs for found in by_alias.values() for rs in found]
        for child in scope.subquery_scopes:
            rows.extend(self.compute(child).rows)

        aggregate = _aggregate_min_count(select)
        if aggregate is None and not select.args.get("joins") and len(source_aggregates) == 1:
            aggregate = source_aggregates[0]
        columns: dict[str, frozenset[Origin]] = {}
        for name, v in zip(names, values, strict=True):
            # Two outputs with one name: a reader of that name may get either, so both count.
            columns[name] = columns.get(name, frozenset()) | frozenset(v)
        return ScopeResult(
            positional=[frozenset(v) for v in values],
            names=names,
            columns=columns,
            predicates=frozenset(predicates),
            rows=tuple(rows),
            aggregate_min_count=aggregate,
        )

    def _sources(
        self, scope: Scope, predicates: set[Origin], outer_conditions: dict[str, set[Origin]]
    ) -> tuple[dict[str, list[RowSource]], list[int | None]]:
        """Row sources of every FROM/JOIN item, and predicates inherited from derived ones.

        Predicates of a LEFT-joined source go to ``outer_conditions`` instead.
        """
        by_alias: dict[str, list[RowSource]] = {}
        aggregates: list[int | None] = []
        for alias, (_node, source) in scope.selected_sources.items():
            found: list[RowSource] = []
            if isinstance(source, Scope):
                result = self.compute(source)
                outer_conditions.get(alias, predicates).update(result.predicates)
                found = list(result.rows)
                aggregates.append(result.aggregate_min_count)
            elif isinstance(source, exp.Table) and not is_table_function(source):
                full = f"{source.db}.{source.name}"
                pos = self._pos(source)
                obj = self.ctx.objects.get(full)
                if obj is not None:
                    hop = f"{obj.name}"
                    outer_conditions.get(alias, predicates).update(o.hop(hop, pos) for o in obj.predicates)
                    found = [RowSource(rs.table, rs.filters, pos, (*rs.path, hop)) for rs in obj.row_sources]
                    aggregates.append(obj.aggregate_min_count)
                if self.ctx.catalog.has_table(source.db, source.name):
                    found.append(RowSource(full, frozenset(), pos))
                    aggregates.append(None)
            by_alias[alias] = found
        return by_alias, aggregates

    def _apply_filters(self, scope: Scope, select: exp.Select, by_alias: dict[str, list[RowSource]]) -> None:
        """Attach provable ``col = literal`` / ``col IN (...)`` filters to row sources."""
        conjuncts: list[tuple[exp.Expr, str | None]] = []
        where = select.args.get("where")
        if where is not None:
            conjuncts.extend((c, None) for c in _conjuncts(where.this))
        for join in select.args.get("joins") or []:
            on = join.args.get("on")
            side = str(join.args.get("side") or "").upper()
            # An ON condition limits the joined table's rows only when the join keeps no
            # unmatched rows of it (not RIGHT or FULL); an inner join's ON limits every table.
            if on is not None and side not in ("RIGHT", "FULL"):
                only = None if not side and str(join.args.get("kind") or "").upper() in ("", "INNER") else join.this.alias_or_name
                conjuncts.extend((c, only) for c in _conjuncts(on))
        for conjunct, only_alias in conjuncts:
            parsed = _filter_of(conjunct)
            if parsed is None:
                continue
            col, allowed = parsed
            alias = col.table
            if only_alias is not None and alias != only_alias:
                continue
            targets = by_alias.get(alias)
            if not targets:
                continue
            source = scope.sources.get(alias)
            base_column: ColumnKey | None = None
            if isinstance(source, exp.Table) and self.ctx.catalog.has_table(source.db, source.name):
                base_column = ColumnKey(source.db, source.name, col.name)
            else:
                origins = self._reference(scope, col)
                if len(origins) == 1:
                    (only,) = tuple(origins)
                    if only.transform is Transform.IDENTITY and not only.functions:
                        base_column = only.source
            if base_column is None:
                continue
            if not isinstance(source, exp.Table) and sum(rs.table == base_column.object_name for rs in targets) > 1:
                continue  # several occurrences of the table: which one the filter limits is unknown
            for i, rs in enumerate(targets):
                if rs.table == base_column.object_name:
                    targets[i] = RowSource(rs.table, _add_filter(rs.filters, base_column.column, allowed), rs.position, rs.path)

    # -- columns --------------------------------------------------------------------------

    def _reference(self, scope: Scope, col: exp.Column) -> frozenset[Origin]:
        """Origins of the column ``col`` refers to, before this scope's transforms."""
        table = col.table
        current: Scope | None = scope
        while current is not None:
            if table in current.sources:
                return self._from_source(current, current.sources[table], col)
            current = current.parent
        if not table and self._sources_having(scope, col.name) > 1:
            pos = self._pos(col)
            raise LineageError(
                "analysis.ambiguous_column",
                f"column {col.name!r} is ambiguous: more than one source has it; qualify it",
                path=self.ctx.path,
                line=pos.line,
                column=pos.column,
            )
        raise self._unresolved(col, f"column {'.'.join(p for p in (col.table, col.name) if p)!r} cannot be resolved to a source")

    def _sources_having(self, scope: Scope, name: str) -> int:
        """How many FROM/JOIN sources of ``scope`` have a column called ``name``."""
        count = 0
        for _, source in scope.selected_sources.values():
            if isinstance(source, Scope):
                count += name in self.compute(source).columns
            elif isinstance(source, exp.Table) and not is_table_function(source):
                obj = self.ctx.objects.get(f"{source.db}.{source.name}")
                key = ColumnKey(source.db, source.name, name)
                count += (obj is not None and obj.column(name) is not None) or self.ctx.catalog.column(key) is not None
        return count

    def _from_source(self, scope: Scope, source: exp.Table | Scope, col: exp.Column) -> frozenset[Origin]:
        name = col.name
        pos = self._pos(col)
        if isinstance(source, Scope):
            result = self.compute(source)
            union = source.expression.parent
            if isinstance(union, exp.SetOperation) and self.in_progress.get(id(union)) is not None:
                # A recursive CTE reads itself through its anchor branch: use the whole
                # union computed so far, so the fixed point sees values move between columns.
                result = self.in_progress[id(union)] or result
            if name in result.columns:
                return result.columns[name]
            if result.any_column is not None:
                return result.any_column
            raise self._unresolved(col, f"column {name!r} is not an output of the subquery or CTE it is read from")
        if is_table_function(source):
            args: set[Origin] = set()
            for arg_col in source.find_all(exp.Column):
                args.update(self._reference(scope, arg_col))
            return frozenset(args)
        full = f"{source.db}.{source.name}"
        if full == self.ctx.self_name and self.ctx.catalog.column(ColumnKey(source.db, source.name, name)) is None:
            return frozenset()
        origins: set[Origin] = set()
        obj = self.ctx.objects.get(full)
        found = False
        if obj is not None:
            upstream = obj.column(name)
            if upstream is not None:
                found = True
                hop = f"{full}.{name}"
                origins.update(o.hop(hop, pos) for o in upstream)
        key = ColumnKey(source.db, source.name, name)
        if self.ctx.catalog.column(key) is not None:
            found = True
            origins.add(Origin(key, Flow.VALUE, Transform.IDENTITY, (), pos, "SELECT"))
        if not found:
            raise self._unresolved(col, f"column {name!r} is not in {full}")
        return frozenset(origins)

    def _unresolved(self, col: exp.Column, message: str) -> LineageError:
        pos = self._pos(col)
        return LineageError("analysis.unresolved_column", message, path=self.ctx.path, line=pos.line, column=pos.column)

    def _path_transform(self, col: exp.Expr, top: exp.Expr) -> tuple[Transform, tuple[str, ...], str | None]:
        """What the expression between ``col`` and the clause root ``top`` does to it."""
        transform = Transform.IDENTITY
        functions: list[str] = []
        masked: str | None = None
        node = col.parent
        while node is not None:
            if isinstance(node, exp.AggFunc):
                transform = transform.then(Transform.AGGREGATE)
                functions.append(_function_name(node))
            elif isinstance(node, exp.Func) and not isinstance(node, _NOT_VALUE_FUNCS):
                name = _function_name(node)
                functions.append(name)
                if masked is None and self._approved(node, name):
                    masked = name
                transform = transform.then(Transform.TRANSFORM)
            elif isinstance(node, _VALUE_OPERATORS):
                functions.append(_operator_name(node))
                transform = transform.then(Transform.TRANSFORM)
            if node is top:
                break
            node = node.parent
        if masked is not None:
            transform = Transform.MASKED
        return transform, tuple(functions), masked

    def _approved(self, func: exp.Func, name: str) -> bool:
        approved = self.ctx.approved_functions
        if not approved:
            return False
        parent = func.parent
        if isinstance(parent, exp.Dot) and parent.expression is func:
            qualified = f"{parent.this.sql().lower().strip(chr(34))}.{name}"
            return qualified in approved or name in approved
        return name in approved

    def _pos(self, node: exp.Expr) -> Position:
        known = self.positions.get(id(node))
        if known is None:
            known = self.positions[id(node)] = self._find_pos(node)
        return known

    def _find_pos(self, node: exp.Expr) -> Position:
        found = node_position(node)
        if found:
            return found
        join = node.find_ancestor(exp.Join)
        if join is not None and isinstance(join.this, exp.Table):
            # Conditions the optimizer wrote for NATURAL JOIN / USING: point at the join.
            at_join = node_position(join.this)
            if at_join:
                return at_join
        select = node.find_ancestor(exp.Select)
        while select is not None:
            star = select.meta.get("sa_star") if select._meta else None
            if star:
                return Position(*star)
            select = select.find_ancestor(exp.Select)
        return self.ctx.fallback


def _is_recursive_cte(scope: Scope) -> bool:
    cte = scope.expression.parent
    if not isinstance(cte, exp.CTE):
        return False
    with_ = cte.parent
    return isinstance(with_, exp.With) and bool(with_.args.get("recursive"))


def _merge(left: ScopeResult, right: ScopeResult) -> ScopeResult:
    """Union two set-operation branches column by column (by position)."""
    left_values, right_values = left.by_position(), right.by_position()
    names = _output_names(left)
    positional = [
        origins | (right_values[i] if i < len(right_values) else frozenset()) for i, origins in enumerate(left_values)
    ]
    columns: dict[str, frozenset[Origin]] = {}
    for name, origins in zip(names, positional, strict=False):
        columns[name] = columns.get(name, frozenset()) | origins
    aggregate = None
    if left.aggregate_min_count is not None and right.aggregate_min_count is not None:
        aggregate = min(left.aggregate_min_count, right.aggregate_min_count)
    return ScopeResult(
        columns=columns,
        positional=positional,
        names=names,
        predicates=left.predicates | right.predicates,
        rows=left.rows + right.rows,
        aggregate_min_count=aggregate,
    )


def _left_joined(select: exp.Select) -> dict[int, str]:
    """``id(join) → alias`` for each LEFT (outer) join, whose right side keeps the left rows."""
    out: dict[int, str] = {}
    for join in select.args.get("joins") or []:
        side = str(join.args.get("side") or "").upper()
        kind = str(join.args.get("kind") or "").upper()
        if side == "LEFT" and kind not in ("SEMI", "ANTI") and join.args.get("on") is not None:
            out[id(join)] = join.this.alias_or_name
    return out


def _output_names(result: ScopeResult) -> list[str]:
    return result.names if result.names is not None else list(result.columns)


def _locate(node: exp.Expr, select: exp.Select) -> tuple[str, exp.Expr] | None:
    """The clause of ``select`` that ``node`` sits in, and the clause's root expression.

    Returns None for nodes inside a nested query (they belong to that query's scope).
    """
    current = node
    previous = node
    while current.parent is not None and current.parent is not select:
        if isinstance(current, exp.Query) and current is not node:
            return None
        previous = current
        current = current.parent
    if current.parent is None:
        return None
    if isinstance(current, exp.Query) and current is not node:
        return None
    key = current.arg_key or ""
    if key == "joins":
        inner = previous if previous is not current else node
        return ("JOIN ON" if inner.arg_key in ("on", "using") else "FROM"), current
    return CLAUSES.get(key, key.upper()), current


def _step(
    origin: Origin,
    flow: Flow,
    transform: Transform,
    functions: tuple[str, ...],
    masked: str | None,
    position: Position,
    clause: str,
) -> Origin:
    new_transform = origin.transform.then(transform)
    masked_by = origin.masked_by or masked
    if masked_by:
        new_transform = Transform.MASKED
    return Origin(
        source=origin.source,
        flow=flow,
        transform=new_transform,
        path=origin.path,
        position=position,
        clause=clause,
        functions=origin.functions + functions,
        masked_by=masked_by,
    )


def _as_predicate(origin: Origin, clause: str, position: Position) -> Origin:
    return Origin(
        source=origin.source,
        flow=Flow.PREDICATE,
        transform=origin.transform,
        path=origin.path,
        position=position,
        clause=clause,
        functions=origin.functions,
        masked_by=origin.masked_by,
    )


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _operator_name(node: exp.Expr) -> str:
    names: dict[type[exp.Expr], str] = {exp.DPipe: "||", exp.Window: "over", exp.Bracket: "[]", exp.Dot: "."}
    return names.get(type(node), node.key)


#: Literal node types whose ``this`` is the literal's text (``N'x'`` is National in T-SQL).
_LITERALS = (exp.Literal, exp.National)


def _filter_of(conjunct: exp.Expr) -> tuple[exp.Column, frozenset[str]] | None:
    """``col = 'x'`` or ``col IN ('x', 'y')`` as ``(col, {'x', 'y'})``; otherwise None."""
    if isinstance(conjunct, exp.Paren):
        conjunct = conjunct.this
    if isinstance(conjunct, exp.EQ):
        left, right = conjunct.this, conjunct.expression
        if isinstance(right, exp.Column) and isinstance(left, _LITERALS):
            left, right = right, left
        if isinstance(left, exp.Column) and isinstance(right, _LITERALS):
            return left, frozenset({str(right.this)})
    if isinstance(conjunct, exp.In) and isinstance(conjunct.this, exp.Column) and not conjunct.args.get("query"):
        items = conjunct.expressions
        if items and all(isinstance(i, _LITERALS) for i in items):
            return conjunct.this, frozenset(str(i.this) for i in items)
    return None


def _add_filter(
    filters: frozenset[tuple[str, frozenset[str]]], column: str, allowed: frozenset[str]
) -> frozenset[tuple[str, frozenset[str]]]:
    for existing_col, existing in filters:
        if existing_col == column:
            return (filters - {(existing_col, existing)}) | {(column, existing & allowed)}
    return filters | {(column, allowed)}


#: Aggregates that summarise a group without revealing any member's value. MIN, MAX,
#: STRING_AGG, ARRAY_AGG and the like return members' values, so they do not qualify.
STATISTICAL_AGGREGATES = (
    exp.Count,
    exp.CountIf,
    exp.Sum,
    exp.Avg,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.VariancePop,
    exp.ApproxDistinct,
)


def _aggregate_min_count(select: exp.Select) -> int | None:
    """The provable minimum group size of an aggregate-only result, or None.

    Only group keys and statistical aggregates qualify; the bound comes from
    ``HAVING COUNT(*) >= k`` and is 0 when there is none.
    """
    group = select.args.get("group")
    group_keys = set()
    if group is not None:
        # Keys of ROLLUP, CUBE and GROUPING SETS count as group keys too.
        group_keys = {g.sql() for g in group.expressions} | {c.sql() for c in group.find_all(exp.Column)}
    has_aggregate = False
    for projection in select.expressions:
        expr = projection.this if isinstance(projection, exp.Alias) else projection
        if group_keys and expr.sql() in group_keys:
            continue
        if not group_keys and isinstance(expr, exp.Column):
            return None  # a bare column without GROUP BY: not an aggregate result
        if expr.find(exp.Window) is not None:
            return None
        for agg in expr.find_all(exp.AggFunc):
            if not isinstance(agg, STATISTICAL_AGGREGATES) and agg.find(exp.Column) is not None:
                return None
            if agg.find(exp.Case, exp.If, exp.Predicate) is not None or isinstance(agg.parent, exp.Filter):
                # A conditional count is a sub-group of unknown size: it can single one out.
                return None
        for col in expr.find_all(exp.Column):
            if not isinstance(col.find_ancestor(exp.AggFunc), STATISTICAL_AGGREGATES):
                return None
        has_aggregate = has_aggregate or expr.find(exp.AggFunc) is not None
    if not has_aggregate and not group:
        return None
    bound = 0
    having = select.args.get("having")
    if having is not None:
        from_ = select.args.get("from_")
        multiplies = bool(select.args.get("joins")) or (
            from_ is not None and (isinstance(from_.this, (exp.Unnest, exp.Lateral)) or (isinstance(from_.this, exp.Table) and is_table_function(from_.this)))
        )
        for cond in _conjuncts(having.this):
            bound = max(bound, _count_bound(cond, rows_are_people=not multiplies))
    return bound


def _count_bound(cond: exp.Expr, rows_are_people: bool) -> int:
    """The k of ``COUNT(*) >= k``, ``COUNT(*) > k-1`` or ``k <= COUNT(*)``; otherwise 0.

    With joins or table functions a row is not a person (one person's arrests, or rows a
    join multiplied), so only ``COUNT(DISTINCT ...)`` gives a bound there.
    """
    if isinstance(cond, exp.Paren):
        cond = cond.this
    pairs = {exp.GTE: 0, exp.GT: 1, exp.LTE: 0, exp.LT: 1}
    for kind, offset in pairs.items():
        if not isinstance(cond, kind):
            continue
        left, right = cond.this, cond.expression
        if kind in (exp.LTE, exp.LT):
            left, right = right, left
        distinct = isinstance(left, exp.Count) and isinstance(left.this, exp.Distinct)
        if isinstance(left, exp.Count) and (rows_are_people or distinct) and isinstance(right, exp.Literal) and not right.is_string:
            try:
                return int(float(right.this)) + offset
            except ValueError:
                return 0
    return 0


def _conjuncts(condition: exp.Expr) -> list[exp.Expr]:
    """Top-level AND parts of a condition (an OR is one opaque part)."""
    while isinstance(condition, exp.Paren):
        condition = condition.this
    if isinstance(condition, exp.And):
        return [part for side in (condition.this, condition.expression) for part in _conjuncts(side)]
    return [condition]


def _positional_items(select: exp.Select) -> list[tuple[str, list[exp.Literal]]]:
    """Integer literals in GROUP BY and ORDER BY, which name projections by position."""
    out: list[tuple[str, list[exp.Literal]]] = []
    group = select.args.get("group")
    if group is not None:
        out.append(("group", [g for g in group.expressions if _is_int_literal(g)]))
    order = select.args.get("order")
    if order is not None:
        out.append(("order", [o.this for o in order.expressions if _is_int_literal(o.this)]))
    return out


def _is_int_literal(node: exp.Expr) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and str(node.this).isdigit()
