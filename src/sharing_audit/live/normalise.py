"""Undo the re-spellings a server applies to stored view SQL, and canonical forms for drift.

PostgreSQL stores ``WHERE role IN ('a', 'b')`` as
``WHERE ((role)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))``,
``BETWEEN`` as two comparisons and ``LIKE`` as ``~~``; MariaDB adds charset introducers
(``_utf8mb4'a'``). ``clean`` turns these back into the forms the lineage understands (so a
deployed filter still proves a row restriction), on the parsed tree, never on the text.
``canonical`` goes further for drift: names qualified and stars expanded against the live
catalog, identifiers lower-cased, parentheses dropped, so two spellings of the same query
compare equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from ..names import norm

#: Types whose casts do not change a text value (varchar columns compared with text literals).
_TEXT_TYPES = frozenset(
    {
        exp.DType.TEXT,
        exp.DType.VARCHAR,
        exp.DType.CHAR,
        exp.DType.NCHAR,
        exp.DType.NVARCHAR,
        exp.DType.BPCHAR,
        exp.DType.NAME,
    }
)


def _is_text_type(dtype: exp.Expr | None) -> bool:
    return isinstance(dtype, exp.DataType) and dtype.this in _TEXT_TYPES


def _is_text_array(dtype: exp.Expr | None) -> bool:
    return (
        isinstance(dtype, exp.DataType)
        and dtype.this == exp.DType.ARRAY
        and len(dtype.expressions) == 1
        and _is_text_type(dtype.expressions[0])
    )


def _unparen(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _literal_list(node: exp.Expr | None) -> list[exp.Expr] | None:
    """The items of ``ARRAY[...]`` (possibly parenthesised) when every one is a literal."""
    if node is None:
        return None
    node = _unparen(node)
    if (
        isinstance(node, exp.Array)
        and node.expressions
        and all(isinstance(i, exp.Literal) for i in node.expressions)
    ):
        return list(node.expressions)
    return None


def _clean_node(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        inner = _unparen(node.this)
        to = node.args.get("to")
        if _is_text_type(to) and (
            isinstance(inner, exp.Column) or (isinstance(inner, exp.Literal) and inner.is_string)
        ):
            return inner.copy()
        if _is_text_array(to) and _literal_list(inner) is not None:
            return inner.copy()
    if isinstance(node, exp.Introducer) and isinstance(node.expression, exp.Literal):
        return node.expression.copy()
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        items = _literal_list(node.expression.this)
        if items is not None:
            return exp.In(this=_unparen(node.this).copy(), expressions=[i.copy() for i in items])
    if (
        isinstance(node, exp.NEQ)
        and isinstance(node.expression, exp.Anonymous)
        and node.expression.name.upper() == "ALL"
    ):
        items = (
            _literal_list(node.expression.expressions[0])
            if len(node.expression.expressions) == 1
            else None
        )
        if items is not None:
            return exp.Not(
                this=exp.In(this=_unparen(node.this).copy(), expressions=[i.copy() for i in items])
            )
    return node


def clean(tree: exp.Expr) -> exp.Expr:
    """Undo a server's re-spellings of literals, text casts and ``IN`` lists, in place.

    Example:
        >>> import sqlglot
        >>> sql = "SELECT p.a FROM s.t p WHERE (p.r)::text = ANY ((ARRAY['x'::varchar, 'y'::varchar])::text[])"
        >>> clean(sqlglot.parse_one(sql, read="postgres")).sql("postgres")
        "SELECT p.a FROM s.t AS p WHERE p.r IN ('x', 'y')"
    """
    for select in list(tree.find_all(exp.Select)):
        _flatten_from(select)
    # Children first (reversed pre-order), so an array cast is gone before its ANY is read.
    nodes = [
        n
        for n in tree.walk(bfs=False)
        if isinstance(n, (exp.Cast, exp.Introducer, exp.EQ, exp.NEQ))
    ]
    for node in reversed(nodes):
        new = _clean_node(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        else:
            node.replace(new)
    return tree


def _from_key(select: exp.Select) -> str:
    return "from_" if "from_" in select.arg_types else "from"


def _unnest_join_group(node: exp.Expr) -> tuple[exp.Expr, list[exp.Expr]] | None:
    """``(a JOIN b ON x) JOIN c ON y`` as ``a`` and ``[b, c]``; None for a real subquery."""
    if (
        isinstance(node, exp.Subquery)
        and not node.alias
        and isinstance(node.this, (exp.Table, exp.Subquery))
    ):
        inner = _unnest_join_group(node.this)
        if inner is None:
            return None
        base, joins = inner
        return base, joins + list(node.args.get("joins") or [])
    if isinstance(node, exp.Table):
        joins = list(node.args.get("joins") or [])
        if not joins:
            return node, []
        base = node.copy()
        base.set("joins", None)
        return base, [j.copy() for j in joins]
    return None


def _flatten_from(select: exp.Select) -> None:
    """PostgreSQL stores ``FROM a JOIN b ON x`` as ``FROM (a JOIN b ON x)``: open the parentheses.

    Only a join group in FROM position is opened (it is left-deep, so this is exact); a
    group on the right of a JOIN is left for ``nested_joins`` to report.
    """
    key = _from_key(select)
    from_ = select.args.get(key)
    if from_ is None:
        return
    found = _unnest_join_group(from_.this)
    if found is None or not found[1]:
        return
    base, joins = found
    from_.set("this", base)
    select.set("joins", joins + list(select.args.get("joins") or []))


def nested_joins(tree: exp.Expr) -> bool:
    """Whether a parenthesised join group remains (on the right of a JOIN), after ``clean``.

    Example:
        >>> import sqlglot
        >>> nested_joins(clean(sqlglot.parse_one("SELECT 1 FROM ((a JOIN b ON x) JOIN c ON y)", read="postgres")))
        False
        >>> nested_joins(clean(sqlglot.parse_one("SELECT 1 FROM a LEFT JOIN (b JOIN c ON x) ON y", read="postgres")))
        True
    """
    return any(t.args.get("joins") for t in tree.find_all(exp.Table)) or any(
        isinstance(s.this, (exp.Table, exp.Subquery)) and not s.alias
        for s in tree.find_all(exp.Subquery)
    )


def rename_tables(
    tree: exp.Expr, rename: Callable[[tuple[str, ...]], tuple[str, str] | None]
) -> exp.Expr:
    """Rewrite every table reference (and column prefixes naming it) to ``schema.name``.

    ``rename`` gets the parts as written (``('pars_prod', 'dbo', 'persons')``) and returns the
    known ``(schema, name)``, or None to leave a reference (a CTE, a function) alone.
    """
    ctes = {norm(c.alias_or_name) for c in tree.find_all(exp.CTE)}
    moved: dict[tuple[str, ...], tuple[str, str]] = {}
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.Func) or not table.name:
            continue
        parts = tuple(norm(p) for p in (table.catalog, table.db, table.name) if p)
        if len(parts) == 1 and parts[0] in ctes:
            continue
        target = rename(parts)
        if target is None:
            continue
        moved[parts] = target
        table.set("catalog", None)
        table.set("db", exp.to_identifier(target[0], quoted=True))
        table.set("this", exp.to_identifier(target[1], quoted=True))
    for column in list(tree.find_all(exp.Column)):
        # MariaDB writes `db`.`table`.`column` when a table has no alias.
        if not column.args.get("db"):
            continue
        parts = tuple(
            norm(p) for p in (column.text("catalog"), column.text("db"), column.text("table")) if p
        )
        target = moved.get(parts)
        if target is not None:
            column.set("catalog", None)
            column.set("db", exp.to_identifier(target[0], quoted=True))
    return tree


def canonical(
    query: exp.Expr,
    schema: MappingSchema,
    dialect: str,
    columns: tuple[str, ...] = (),
    *,
    copy: bool = True,
) -> exp.Expr:
    """A query in a form where two spellings of the same SQL compare equal (for drift).

    ``query`` must already be cleaned and have its tables renamed. ``columns`` is an explicit
    column list (``CREATE VIEW v (a, b) AS``), applied as output aliases. With ``copy=False``
    the query is rewritten in place (cheaper, when the caller no longer needs it).

    Example:
        >>> import sqlglot
        >>> from sqlglot.schema import MappingSchema
        >>> s = MappingSchema({"pars": {"persons": {"person_id": "INT", "race": "TEXT"}}})
        >>> a = canonical(sqlglot.parse_one("SELECT * FROM pars.persons"), s, "postgres")
        >>> b = canonical(sqlglot.parse_one("select persons.person_id, (persons.race) from pars.persons"), s, "postgres")
        >>> a == b
        True
    """
    tree = query.copy() if copy else query
    if columns:
        select = tree if isinstance(tree, exp.Select) else None
        if select is not None and len(select.expressions) == len(columns):
            select.set(
                "expressions",
                [
                    exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e, c)
                    for e, c in zip(select.expressions, columns, strict=True)
                ],
            )
    try:
        tree = qualify(
            tree,
            schema=schema,
            dialect=dialect,
            validate_qualify_columns=False,
            quote_identifiers=False,
            identify=False,
            canonicalize_table_aliases=True,
        )
    except (SqlglotError, KeyError, ValueError, TypeError, AttributeError, RecursionError):
        tree = (
            tree.copy()
        )  # compared as written: a difference then shows as drift, never as a match
    for paren in list(tree.find_all(exp.Paren)):
        if paren is tree:
            tree = _unparen(paren)
        else:
            paren.replace(paren.this)
    for between in list(tree.find_all(exp.Between)):
        # PostgreSQL stores x BETWEEN a AND b as x >= a AND x <= b.
        this = between.this
        between.replace(
            exp.and_(
                exp.GTE(this=this.copy(), expression=between.args["low"].copy()),
                exp.LTE(this=this.copy(), expression=between.args["high"].copy()),
            )
        )
    for in_ in list(tree.find_all(exp.In)):
        items = in_.expressions
        if len(items) == 1 and not in_.args.get("query"):
            # PostgreSQL stores IN ('x') as = 'x'.
            in_.replace(exp.EQ(this=in_.this.copy(), expression=items[0].copy()))
        elif items:
            in_.set("expressions", sorted(items, key=lambda e: e.sql()))
    for ident in tree.find_all(exp.Identifier):
        ident.set("this", norm(ident.name))
        ident.set("quoted", False)
    # (a AND b) AND c, a AND (b AND c) and c AND b AND a are one condition.
    for connector in list(tree.find_all(exp.And, exp.Or)):
        if (
            type(connector.parent) is type(connector)
            or connector.parent is None
            and connector is not tree
        ):
            continue
        items = sorted(connector.flatten(), key=lambda e: e.sql())
        combine = exp.and_ if isinstance(connector, exp.And) else exp.or_
        rebuilt = combine(*(i.copy() for i in items), copy=False)
        if connector is tree:
            tree = rebuilt
        else:
            connector.replace(rebuilt)
    return tree


#: Clauses named in drift messages, in the order a reader expects them.
CLAUSES = (
    ("with", "WITH"),
    ("distinct", "DISTINCT"),
    ("from", "FROM"),
    ("joins", "JOIN"),
    ("where", "WHERE"),
    ("group", "GROUP BY"),
    ("having", "HAVING"),
    ("qualify", "QUALIFY"),
    ("order", "ORDER BY"),
    ("limit", "LIMIT"),
    ("offset", "OFFSET"),
)


def differences(deployed: exp.Expr, reviewed: exp.Expr) -> list[str]:
    """Which parts of two canonical queries differ, named without quoting any SQL.

    Example:
        >>> import sqlglot
        >>> differences(sqlglot.parse_one("SELECT a, b FROM t WHERE x = 1"), sqlglot.parse_one("SELECT a FROM t"))
        ['output columns (a, b) instead of (a)', 'WHERE']
    """
    if deployed == reviewed:
        return []
    out: list[str] = []
    mine, theirs = _outputs(deployed), _outputs(reviewed)
    if mine != theirs:
        out.append(f"output columns ({', '.join(mine)}) instead of ({', '.join(theirs)})")
    elif [e for e in _projections(deployed)] != [e for e in _projections(reviewed)]:
        changed = [
            n
            for n, a, b in zip(mine, _projections(deployed), _projections(reviewed), strict=False)
            if a != b
        ]
        out.append(f"how output column(s) {', '.join(changed)} are computed")
    if isinstance(deployed, exp.Select) and isinstance(reviewed, exp.Select):
        for key, label in CLAUSES:
            if deployed.args.get(key) != reviewed.args.get(key):
                out.append(label)
    elif type(deployed) is not type(reviewed):
        out.append("the kind of query (SELECT, UNION...)")
    if not out:
        out.append("the query's structure")
    return out


def _outputs(tree: exp.Expr) -> list[str]:
    return [norm(n) for n in tree.named_selects] if isinstance(tree, exp.Query) else []


def _projections(tree: exp.Expr) -> Iterator[exp.Expr]:
    if isinstance(tree, exp.Query):
        for e in tree.selects:
            yield e.unalias() if isinstance(e, exp.Alias) else e
