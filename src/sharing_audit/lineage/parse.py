"""Read one SQL file into typed statements: object definitions, grants and search paths."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from ..errors import LineageError
from ..lookalike import ascii_lookalike
from ..names import norm, norm_dotted
from .model import Position

MAX_SQL_BYTES = 5_000_000
"""SQL files above this size are refused (a generated dump is not a reviewed view)."""

SUPPORTED_DIALECTS = (
    "postgres",
    "tsql",
    "mysql",
    "oracle",
    "duckdb",
    "snowflake",
    "bigquery",
    "spark",
    "databricks",
    "redshift",
    "sqlite",
    "trino",
    "hive",
)

_DIRECTIVE = re.compile(r"^\s*--\s*sharing-audit:\s*(?P<body>.*?)\s*$", re.MULTILINE)
_IGNORE = re.compile(r'--\s*sharing-audit:\s*ignore\s+(?P<rule>[\w.-]+)(?:\s+reason="(?P<reason>[^"]*)")?', re.MULTILINE)
"""An inline suppression: at the end of the offending line, or alone on the line above it."""
_HEADER_DIALECT = re.compile(r"^\s*--\s*dialect:\s*(?P<name>[A-Za-z0-9_]+)\s*$", re.MULTILINE)
#: Statements that neither move data nor change who can read it.
_HARMLESS_COMMANDS = frozenset({"COMMENT", "ANALYZE", "VACUUM", "REFRESH", "BEGIN", "COMMIT", "START", "END", "CLUSTER", "REINDEX", "CHECKPOINT", "PRINT", "RAISERROR"})
#: ``GO`` ends a batch in T-SQL client tools; it is not SQL, and sqlglot would read the
#: next statement as its argument. The line becomes a statement separator instead.
#: Lines that a client tool runs by itself, ended by the line break: SQL*Plus commands, and
#: T-SQL session options. They change no data and no grants.
_CLIENT_LINES = {
    "oracle": re.compile(
        r"^[ \t]*(?:SET[ \t]+(?:DEFINE|ECHO|FEEDBACK|SERVEROUTPUT|HEADING|PAGESIZE|LINESIZE|VERIFY|TERMOUT"
        r"|TIMING|SQLBLANKLINES|TRIMSPOOL|LONG|NEWPAGE|COLSEP|ESCAPE|SCAN|AUTOCOMMIT)"
        r"|PROMPT|SPOOL|WHENEVER|DEFINE|UNDEFINE|REM|REMARK|TTITLE|BTITLE)\b[^\n]*$",
        re.IGNORECASE | re.MULTILINE,
    ),
    "tsql": re.compile(
        r"^[ \t]*SET[ \t]+(?:NOCOUNT|ANSI_NULLS|ANSI_PADDING|ANSI_WARNINGS|QUOTED_IDENTIFIER|XACT_ABORT|ARITHABORT|CONCAT_NULL_YIELDS_NULL|NUMERIC_ROUNDABORT|DATEFORMAT|DATEFIRST|LANGUAGE|DEADLOCK_PRIORITY|LOCK_TIMEOUT|TRANSACTION[ \t]+ISOLATION[ \t]+LEVEL)\b[^;\n]*;?[ \t]*$",
        re.IGNORECASE | re.MULTILINE,
    ),
}
_BATCH_SEPARATORS = {
    "tsql": re.compile(r"^[ \t]*GO(?:[ \t]+\d+)?[ \t]*;?[ \t]*$", re.IGNORECASE | re.MULTILINE),
    # SQL*Plus runs the buffer at a line holding only "/".
    "oracle": re.compile(r"^[ \t]*/[ \t]*$", re.MULTILINE),
}
_HARMLESS_FORMS = frozenset(
    {("CREATE", w) for w in ("ROLE", "USER", "LOGIN", "GROUP", "SCHEMA", "SEQUENCE", "EXTENSION", "TYPE", "DATABASE", "TABLESPACE", "INDEX", "UNIQUE", "POLICY", "STATISTICS", "DOMAIN", "COLLATION")}
    | {("ALTER", w) for w in ("ROLE", "USER", "SCHEMA", "SEQUENCE", "EXTENSION", "TYPE", "DATABASE", "INDEX", "POLICY")}
    | {("DROP", w) for w in ("ROLE", "USER", "GROUP", "SCHEMA", "SEQUENCE", "EXTENSION", "TYPE", "INDEX", "POLICY")}
)
#: Functions whose string argument is SQL run elsewhere or at run time (dynamic SQL).
DYNAMIC_SQL_FUNCTIONS = frozenset(
    {"dblink", "dblink_exec", "dblink_open", "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema",
     "openquery", "openrowset", "opendatasource", "sp_executesql", "system$query", "exec_sql"}
)
_DYNAMIC_COMMANDS = frozenset({"EXECUTE", "EXEC", "PREPARE", "CALL", "DO", "EXECUTE IMMEDIATE"})


@dataclass(frozen=True)
class Directives:
    """``-- sharing-audit: key=value`` settings declared in a file."""

    dialect: str | None = None
    name: str | None = None
    deliver_to: tuple[str, ...] = ()
    search_path: tuple[str, ...] = ()
    ignores: tuple[tuple[int, str, str], ...] = ()
    """``(line, rule id, reason)`` for inline suppressions (evaluated by the CI layer)."""


@dataclass
class StatementIndex:
    """Nodes of one statement collected in the single pass that also normalises names."""

    tables: list[exp.Table] = field(default_factory=list)
    ctes: set[str] = field(default_factory=set)
    columns: list[exp.Column] = field(default_factory=list)
    stars: list[exp.Star] = field(default_factory=list)
    columns_functions: list[exp.Expr] = field(default_factory=list)
    """DuckDB ``COLUMNS(...)``: columns chosen by pattern at run time."""
    nested_writes: list[exp.Expr] = field(default_factory=list)
    """INSERT/UPDATE/MERGE/DELETE nested inside another statement (a data-modifying CTE)."""
    dynamic: list[exp.Expr] = field(default_factory=list)
    """Calls of functions that run SQL given as a string."""
    unmodelled: list[str] = field(default_factory=list)
    """Constructs that move data in a way the lineage does not model, named (fail closed)."""


@dataclass
class ObjectDef:
    """A statement that defines or fills an object from a query."""

    name: tuple[str, ...]
    """Qualified name parts as written (``('staging', 'v_people')``)."""
    kind: str
    """``view``, ``materialized view``, ``table`` (CREATE TABLE AS), ``insert``, ``query``, ``ddl``."""
    query: exp.Query | None
    position: Position
    search_path: tuple[str, ...]
    target_columns: tuple[str, ...] = ()
    """Explicit column list (``CREATE VIEW v (a, b)``, ``INSERT INTO t (a, b)``, DDL columns)."""
    index: StatementIndex = field(default_factory=StatementIndex)
    """Tables, CTE names, columns and stars of the statement (the target table excluded)."""
    spelling: tuple[str, ...] = ()
    """The name as the database tells it apart (see ``name_spelling``)."""
    adds_columns: bool = False
    """``ALTER TABLE ... ADD``: extends a table defined elsewhere; never defines one."""


@dataclass
class GrantDef:
    """A GRANT or REVOKE of read access, to roles or from roles."""

    action: str
    """``grant`` or ``revoke``."""
    object: tuple[str, ...] | None
    schema: str | None
    """Set for ``ON ALL TABLES IN SCHEMA s`` and default privileges."""
    columns: tuple[str, ...] | None
    roles: tuple[str, ...]
    position: Position
    search_path: tuple[str, ...]


@dataclass
class RoleGrantDef:
    """``GRANT role TO member`` (or REVOKE): ``member`` inherits ``role``'s privileges."""

    action: str
    role: str
    member: str
    position: Position


@dataclass
class ParsedFile:
    """A parsed SQL file."""

    path: str
    dialect: str
    directives: Directives
    objects: list[ObjectDef] = field(default_factory=list)
    grants: list[GrantDef] = field(default_factory=list)
    role_grants: list[RoleGrantDef] = field(default_factory=list)
    sha256: str = ""


def read_directives(text: str) -> Directives:
    """Collect ``-- sharing-audit:`` directives and a ``-- dialect:`` header.

    Example:
        >>> read_directives("-- sharing-audit: dialect=tsql deliver-to=ice").deliver_to
        ('ice',)
    """
    values: dict[str, str] = {}
    ignores: list[tuple[int, str, str]] = []
    for m in _IGNORE.finditer(text):
        ignores.append((text.count("\n", 0, m.start()) + 1, m.group("rule"), m.group("reason") or ""))
    for match in _DIRECTIVE.finditer(text):
        body = match.group("body")
        if body.startswith("ignore"):
            continue
        for key, value in re.findall(r"([\w-]+)\s*=\s*(\S+)", body):
            values[key.lower().replace("_", "-")] = value
    header = _HEADER_DIALECT.search(text)
    dialect = values.get("dialect") or (header.group("name") if header else None)

    def _list(key: str) -> tuple[str, ...]:
        return tuple(norm(v) for v in values.get(key, "").split(",") if v.strip())

    return Directives(
        dialect=dialect.lower() if dialect else None,
        name=norm_dotted(values["name"]) if "name" in values else None,
        deliver_to=_list("deliver-to"),
        search_path=_list("search-path"),
        ignores=tuple(ignores),
    )


def read_sql_text(path: Path, max_bytes: int = MAX_SQL_BYTES) -> tuple[str, str]:
    """Read a SQL file as UTF-8 text, refusing binary, oversized and undecodable files.

    Returns:
        The text and the SHA-256 of the file's bytes.

    Raises:
        LineageError: ``analysis.unreadable`` with the reason.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LineageError(
                "analysis.unreadable",
                f"file is {size} bytes, above the {max_bytes}-byte limit for SQL files",
                path=str(path),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LineageError(
            "analysis.unreadable", f"cannot read file: {exc.strerror}", path=str(path)
        ) from None
    if b"\x00" in data:
        raise LineageError("analysis.unreadable", "file is binary (NUL bytes)", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LineageError(
            "analysis.unreadable", "file is not valid UTF-8", path=str(path), line=line
        ) from None
    return text, hashlib.sha256(data).hexdigest()


def parse_file(path: Path, default_dialect: str, display_path: str | None = None) -> ParsedFile:
    """Parse one SQL file into object definitions and grants.

    Args:
        path: the file.
        default_dialect: used unless the file declares its own.
        display_path: the path to show in findings (relative to the run root).

    Raises:
        LineageError: the file cannot be read, does not parse, or uses dynamic SQL.
    """
    shown = display_path or str(path)
    try:
        text, digest = read_sql_text(path)
    except LineageError as exc:
        exc.path = shown
        raise
    directives = read_directives(text)
    dialect = directives.dialect or default_dialect
    try:
        Dialect.get_or_raise(dialect)
    except ValueError:
        raise LineageError("analysis.unknown_dialect", f"unknown SQL dialect {dialect!r}", path=shown) from None
    if not text.strip():
        raise LineageError("analysis.empty", "file contains no SQL statements", path=shown)
    executable = text.find("/*!")
    if executable >= 0:
        raise LineageError(
            "analysis.unsupported_statement",
            "MySQL executable comment /*! ... */: the server runs its text, so it cannot be treated as a comment",
            path=shown,
            line=text.count("\n", 0, executable) + 1,
        )
    client_lines = _CLIENT_LINES.get(dialect)
    if client_lines is not None:
        # Client-tool lines end at the line break, without a semicolon; blank them (same
        # length, so positions stay) so they cannot swallow the next statement.
        text = client_lines.sub(lambda m: " " * len(m.group(0)), text)
    separator = _BATCH_SEPARATORS.get(dialect)
    if separator is not None:
        # Same length per line, so every position stays where it was.
        text = separator.sub(lambda m: ";".ljust(len(m.group(0))), text)
    sql_dialect = Dialect.get_or_raise(dialect)
    try:
        tokens = sql_dialect.tokenize(text)
        statements = sql_dialect.parser().parse(tokens, text)
    except TokenError as exc:
        line, column = _error_position(exc)
        # NOTE: the tokenizer's message quotes the SQL around the fault; it may hold data.
        raise LineageError(
            "analysis.unparsed",
            "SQL does not tokenize (an unterminated string, comment or quoted name, or an invalid character)",
            path=shown,
            line=line,
            column=column,
        ) from None
    except ParseError as exc:
        line, column = _error_position(exc)
        raise LineageError("analysis.unparsed", f"SQL does not parse: {_description(exc)}", path=shown, line=line, column=column) from None
    except RecursionError:
        raise LineageError("analysis.too_complex", "SQL is nested too deeply to analyse", path=shown) from None
    _refuse_lookalikes(tokens, shown)
    starts = _statement_starts(tokens)
    quoted_fold = _QUOTED_FOLD.get(sql_dialect.normalization_strategy)
    if not any(s is not None for s in statements):
        raise LineageError("analysis.empty", "file contains no SQL statements (only comments or blanks)", path=shown)
    parsed = ParsedFile(path=shown, dialect=dialect, directives=directives, sha256=digest)
    search_path = directives.search_path
    query_count = 0
    for number, stmt in _flatten_blocks(statements):
        if stmt is None:
            continue
        index = index_statement(stmt, quoted_fold=quoted_fold)
        pos = statement_position(stmt)
        if index.nested_writes:
            raise LineageError(
                "analysis.unsupported_statement",
                "a data-modifying statement inside a query (INSERT/UPDATE/DELETE/MERGE in a WITH clause) is not analysed",
                path=shown,
                line=pos.line,
            )
        if index.dynamic:
            call = index.dynamic[0]
            where = node_position(call) or pos
            raise LineageError(
                "analysis.dynamic_sql",
                f"{str(call.this).upper()}() runs SQL given as a string; it cannot be analysed",
                path=shown,
                line=where.line,
            )
        refused = _unanalysed_form(stmt, index)
        if refused:
            raise LineageError("analysis.unsupported_statement", f"{refused} is not analysed", path=shown, line=pos.line)
        if isinstance(stmt, (exp.Command, exp.Execute)) or pos == Position(1, 1):
            pos = starts[number] if number < len(starts) and len(starts) == len(statements) else pos
        if isinstance(stmt, exp.Execute):
            raise LineageError(
                "analysis.dynamic_sql",
                "EXEC/EXECUTE runs a procedure or SQL known only at run time; it cannot be analysed",
                path=shown,
                line=pos.line,
            )
        if isinstance(stmt, exp.Create):
            obj = _create(stmt, pos, search_path, shown)
            if obj:
                obj.index = _without_target(index, stmt)
                obj.spelling = name_spelling(_target_table(stmt))
                parsed.objects.append(obj)
        elif isinstance(stmt, exp.Insert):
            obj = _insert(stmt, pos, search_path, shown)
            obj.index = _without_target(index, stmt)
            parsed.objects.append(obj)
        elif isinstance(stmt, exp.Select) and stmt.args.get("into") is not None:
            into = stmt.args["into"]
            stmt.set("into", None)
            target = into.this
            parsed.objects.append(
                ObjectDef(
                    table_parts(target), "table", stmt, pos, search_path,
                    index=replace(index, tables=[t for t in index.tables if t is not target]),
                    spelling=name_spelling(target),
                )
            )
        elif isinstance(stmt, exp.Update):
            parsed.objects.append(_update(stmt, pos, search_path, shown))
        elif isinstance(stmt, exp.Merge):
            parsed.objects.extend(_merge(stmt, pos, search_path, shown))
        elif isinstance(stmt, exp.Query):
            query_count += 1
            name = directives.name or f"query.{_stem(shown)}"
            if query_count > 1:
                name = f"{name}_{query_count}"
            parsed.objects.append(ObjectDef(tuple(name.split(".")), "query", stmt, pos, search_path, index=index))
        elif isinstance(stmt, (exp.Grant, exp.Revoke)):
            parsed.grants.extend(_grant(stmt, pos, search_path))
        elif isinstance(stmt, exp.Use):
            search_path = (norm(stmt.this.name),) if stmt.this else search_path
        elif isinstance(stmt, exp.Command):
            search_path = _command(stmt, pos, search_path, parsed, dialect, shown)
        elif isinstance(stmt, (exp.Drop, exp.Comment, exp.Transaction, exp.Commit, exp.Rollback, exp.Analyze, exp.Delete, exp.TruncateTable, exp.Semicolon)):
            # These remove data or change nothing that is read.
            continue
        elif isinstance(stmt, exp.Set):
            search_path = _set(stmt, search_path)
        elif isinstance(stmt, exp.Alter):
            if any(isinstance(a, (exp.AlterRename, exp.RenameColumn)) for a in stmt.args.get("actions") or []):
                raise LineageError(
                    "analysis.unsupported_statement",
                    "ALTER ... RENAME changes object names; rename in the CREATE statements instead",
                    path=shown,
                    line=pos.line,
                )
            actions = stmt.args.get("actions") or []
            redefined = next((a for a in actions if isinstance(a, exp.Query)), None)
            if redefined is not None and isinstance(stmt.this, exp.Table):
                # ALTER VIEW v AS SELECT ... (T-SQL, MySQL) replaces the view's query.
                parsed.objects.append(
                    ObjectDef(table_parts(stmt.this), "view", redefined, pos, search_path, index=_without_target(index, stmt), spelling=name_spelling(stmt.this))
                )
                continue
            # ADD c ..., Oracle ADD (a, b), Spark ADD COLUMNS (a, b)
            defs = [d for a in actions for d in ([a] if isinstance(a, exp.ColumnDef) else a.expressions if isinstance(a, exp.Schema) else [])]
            added = _column_names(defs)
            if added and isinstance(stmt.this, exp.Table):
                # A column added to a table changes what `SELECT *` over it returns.
                parsed.objects.append(ObjectDef(table_parts(stmt.this), "ddl", None, pos, search_path, added, adds_columns=True))
            continue
        else:
            raise LineageError(
                "analysis.unsupported_statement",
                f"statement of type {type(stmt).__name__} is not understood",
                path=shown,
                line=pos.line,
            )
    return parsed


def _flatten_blocks(statements: list[exp.Expr | None]) -> list[tuple[int, exp.Expr | None]]:
    """Statements with T-SQL ``IF ... BEGIN ... END`` blocks opened up.

    Either branch may run, so both are analysed (``IF OBJECT_ID(...) IS NOT NULL DROP VIEW v``
    is the usual case).
    """
    out: list[tuple[int, exp.Expr | None]] = []
    for number, stmt in enumerate(statements):
        if isinstance(stmt, exp.IfBlock):
            for branch in (stmt.args.get("true"), stmt.args.get("false")):
                inner = branch.expressions if isinstance(branch, exp.Block) else [branch]
                out.extend((number, s) for s in inner if isinstance(s, exp.Expr))
        else:
            out.append((number, stmt))
    return out


def index_statement(tree: exp.Expr, normalise: bool = True, quoted_fold: str | None = None) -> StatementIndex:
    """Lowercase and quote every identifier, and collect the nodes later steps need.

    Lowercasing gives case-insensitive matching; quoting keeps dialects that upper-case
    unquoted names (Snowflake, Oracle) from changing them again during qualification.
    One walk does both, because walking a wide view's tree is a large part of its cost.
    With ``quoted_fold`` (``lower`` or ``upper``: how the dialect folds unquoted names), a
    quoted name whose case the database keeps (``"Feed"`` in PostgreSQL) remembers its
    spelling, so that objects differing only in that case are not silently merged.
    """
    index = StatementIndex()
    for node in tree.walk():
        if isinstance(node, exp.Identifier):
            if not normalise:
                continue
            if node.args.get("quoted"):
                if node._meta is not None:
                    node.meta["sa_quoted"] = True
                text = node.this
                if quoted_fold and text != (text.lower() if quoted_fold == "lower" else text.upper()):
                    node.meta["sa_spelling"] = text
            node.set("this", node.this.lower())
            node.set("quoted", True)
        elif isinstance(node, exp.Column):
            index.columns.append(node)
        elif isinstance(node, exp.Table):
            index.tables.append(node)
        elif isinstance(node, exp.Star):
            index.stars.append(node)
        elif isinstance(node, exp.CTE):
            index.ctes.add(node.alias_or_name.lower())
        elif isinstance(node, exp.Columns):
            index.columns_functions.append(node)
        elif isinstance(node, (exp.Insert, exp.Update, exp.Merge, exp.Delete)) and node is not tree and not isinstance(tree, exp.Merge):
            index.nested_writes.append(node)
        elif isinstance(node, exp.SetOperation) and (node.args.get("by_name") or node.args.get("kind")):
            index.unmodelled.append("UNION/INTERSECT/EXCEPT BY NAME or CORRESPONDING (columns matched by name)")
        elif isinstance(node, exp.PositionalColumn):
            index.unmodelled.append("a positional column reference (#n)")
        elif isinstance(node, exp.Anonymous):
            function = str(node.this).lower()
            if function in DYNAMIC_SQL_FUNCTIONS:
                index.dynamic.append(node)
            elif function == "set_config":
                index.unmodelled.append("set_config() (it can change the search path)")
    return index


#: How each normalisation strategy folds unquoted names; quoted names keep their case in these.
_QUOTED_FOLD = {NormalizationStrategy.LOWERCASE: "lower", NormalizationStrategy.UPPERCASE: "upper"}


#: Table-level clauses sqlglot can read as a column without a type (T-SQL inline ``INDEX ix (a)``).
_NOT_COLUMNS = frozenset({"index", "key", "constraint", "primary", "unique", "foreign", "check", "period"})


def _column_names(items: list[exp.Expr]) -> tuple[str, ...]:
    """Column names of a CREATE TABLE column list or an ALTER TABLE ADD."""
    return tuple(
        norm(c.name)
        for c in items
        if isinstance(c, (exp.ColumnDef, exp.Identifier, exp.Column))
        and not (isinstance(c, exp.ColumnDef) and norm(c.name) in _NOT_COLUMNS and _no_real_type(c))
    )


def _no_real_type(column: exp.ColumnDef) -> bool:
    kind = column.args.get("kind")
    return kind is None or (isinstance(kind, exp.DataType) and kind.this == exp.DataType.Type.USERDEFINED)


def _target_table(stmt: exp.Expr) -> exp.Expr:
    target: exp.Expr = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    return target


def _without_target(index: StatementIndex, stmt: exp.Expr) -> StatementIndex:
    target = _target_table(stmt)
    return replace(index, tables=[t for t in index.tables if t is not target])


def name_spelling(table: exp.Expr) -> tuple[str, ...]:
    """A table name's parts as the database tells them apart.

    Lowercase, except a quoted part whose case the dialect keeps, which stays quoted:
    ``staging."Feed"`` in PostgreSQL is ``('staging', '"Feed"')``, another object than
    ``staging.feed``; so is ``"feed"`` in Snowflake, where unquoted ``feed`` means ``FEED``.
    """
    if not isinstance(table, exp.Table):
        return ()
    parts = [table.args.get(k) for k in ("catalog", "db", "this")]
    return tuple(_spelt(p) for p in parts if isinstance(p, exp.Identifier) and p.name)


def spellings_differ(spellings: list[tuple[str, ...]]) -> bool:
    """Whether two spellings of one name differ in a part both of them give.

    ``feed`` written under a search path and ``staging.feed`` agree; ``"Staging".feed`` and
    ``staging.feed`` do not.
    """
    return any(
        a[-min(len(a), len(b)):] != b[-min(len(a), len(b)):] for i, a in enumerate(spellings) for b in spellings[i + 1 :]
    )


def _spelt(ident: exp.Identifier) -> str:
    kept = ident.meta.get("sa_spelling") if ident._meta else None
    return f'"{kept}"' if kept else ident.name


def _unanalysed_form(stmt: exp.Expr, index: StatementIndex) -> str | None:
    """A construct that moves data in a way the lineage does not model, named; else None.

    Each would otherwise be read as something else (by position, as no data, or ignored).
    Constructs nested anywhere in the statement were collected by ``index_statement``'s walk.
    """
    if isinstance(stmt, exp.Create) and stmt.args.get("clone"):
        return "CREATE ... CLONE (copies a table's rows)"
    if isinstance(stmt, exp.Create) and stmt.find(exp.PartitionedOfProperty):
        return "CREATE TABLE ... PARTITION OF (stores the parent's rows)"
    if isinstance(stmt, exp.Insert):
        conflict = stmt.args.get("conflict")
        if conflict is not None and conflict.args.get("expressions"):
            return "INSERT ... ON CONFLICT/ON DUPLICATE KEY UPDATE"
        if isinstance(stmt.expression, exp.Values) and stmt.expression.find(exp.Query):
            return "INSERT ... VALUES with a subquery"
        if stmt.args.get("by_name"):
            return "INSERT ... BY NAME"
    return index.unmodelled[0] if index.unmodelled else None


def _refuse_lookalikes(tokens: list[Token], path: str) -> None:
    """Fail closed on a name that imitates an ASCII one with other characters (homoglyphs)."""
    for i, tok in enumerate(tokens):
        # MySQL names accounts as strings: 'user'@'host'.
        account = tok.token_type is TokenType.STRING and i + 1 < len(tokens) and tokens[i + 1].text == "@"
        if (account or tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER)) and not tok.text.isascii():
            reason = ascii_lookalike(tok.text)
            if reason:
                raise LineageError(
                    "analysis.confusable_identifier",
                    f"an identifier {reason}; the database treats it as a different name",
                    path=path,
                    line=tok.line,
                )


def statement_position(stmt: exp.Expr) -> Position:
    """The position of a statement's first positioned identifier (its target, for DDL)."""
    for node in stmt.walk():
        if node._meta and "line" in node._meta:
            found = node_position(node)
            if found:
                return found
    return Position(1, 1)


_NAME_PARTS = ("catalog", "db", "table", "this")


def node_position(node: exp.Expr) -> Position | None:
    """Where ``node`` starts, if the parser recorded it (identifiers carry their end column)."""
    args = node.args
    keys = _NAME_PARTS if isinstance(node, (exp.Column, exp.Table)) else ("this",)
    candidates = [node] + [args.get(k) for k in keys]
    for candidate in candidates:
        meta = getattr(candidate, "_meta", None)
        if not meta or "line" not in meta:
            continue
        column = int(meta.get("col", 1))
        if isinstance(candidate, exp.Identifier):
            column = column - len(candidate.this) + 1 - (2 if meta.get("sa_quoted") else 0)
        return Position(int(meta["line"]), max(1, column))
    return None


def table_parts(table: exp.Table) -> tuple[str, ...]:
    """Name parts of a table reference, outermost first (``catalog``, ``db``, ``name``)."""
    return tuple(p for p in (table.catalog, table.db, table.name) if p)


def _create(stmt: exp.Create, pos: Position, search_path: tuple[str, ...], path: str) -> ObjectDef | None:
    kind = str(stmt.args.get("kind") or "").upper()
    target = stmt.this
    columns: tuple[str, ...] = ()
    if isinstance(target, exp.Schema):
        columns = _column_names(target.expressions)
        target = target.this
    if kind in ("FUNCTION", "PROCEDURE", "TRIGGER"):
        raise LineageError(
            "analysis.unsupported_statement",
            f"CREATE {kind} is not analysed; its body could move data unseen",
            path=path,
            line=pos.line,
        )
    if kind not in ("VIEW", "TABLE"):
        return None
    if not isinstance(target, exp.Table):
        raise LineageError("analysis.unsupported_statement", f"CREATE {kind} without a table name", path=path, line=pos.line)
    query = stmt.expression
    props = stmt.args.get("properties")
    materialized = bool(props and any(isinstance(p, exp.MaterializedProperty) for p in props.expressions))
    if kind == "VIEW":
        if not isinstance(query, exp.Query):
            raise LineageError("analysis.unsupported_statement", "CREATE VIEW without a query", path=path, line=pos.line)
        return ObjectDef(table_parts(target), "materialized view" if materialized else "view", query, pos, search_path, columns)
    if isinstance(query, exp.Query):
        return ObjectDef(table_parts(target), "table", query, pos, search_path, columns)
    return ObjectDef(table_parts(target), "ddl", None, pos, search_path, columns)


def _insert(stmt: exp.Insert, pos: Position, search_path: tuple[str, ...], path: str) -> ObjectDef:
    target = stmt.this
    columns: tuple[str, ...] = ()
    if isinstance(target, exp.Schema):
        columns = tuple(norm(c.name) for c in target.expressions)
        target = target.this
    query = stmt.expression
    if not isinstance(target, exp.Table):
        raise LineageError("analysis.unsupported_statement", "INSERT into something other than a table", path=path, line=pos.line)
    if not isinstance(query, exp.Query):
        # INSERT ... VALUES carries literals only.
        return ObjectDef(table_parts(target), "insert", None, pos, search_path, columns)
    return ObjectDef(table_parts(target), "insert", query, pos, search_path, columns)


def _assignments(pairs: list[exp.Expr], path: str, pos: Position) -> tuple[list[str], list[exp.Expr]]:
    """``SET a = expr, ...`` as target column names and value expressions."""
    names: list[str] = []
    values: list[exp.Expr] = []
    for pair in pairs:
        if not isinstance(pair, exp.EQ) or not isinstance(pair.this, exp.Column):
            raise LineageError("analysis.unsupported_statement", "SET clause not understood", path=path, line=pos.line)
        names.append(norm(pair.this.name))
        values.append(pair.expression)
    return names, values


def _synthesized(
    target: exp.Table,
    names: list[str],
    values: list[exp.Expr],
    sources: list[exp.Expr],
    on: exp.Expr | None,
    where: exp.Expr | None,
    pos: Position,
    search_path: tuple[str, ...],
) -> ObjectDef:
    """An UPDATE or MERGE action as ``INSERT INTO target (names) SELECT values FROM ...``.

    The target is read too (its columns can appear in the values and conditions); the
    lineage graph gives such a self-read no origins of its own.
    """
    select = exp.Select(expressions=[exp.alias_(v.copy(), n, quoted=True) for n, v in zip(names, values, strict=True)])
    select.set("from_", exp.From(this=target.copy()))
    joins: list[exp.Expr] = []
    for source in sources:
        source = source.copy()
        inner = source.args.pop("joins", None) or [] if isinstance(source, exp.Table) else []
        joins.append(exp.Join(this=source, on=on.copy()) if on is not None else exp.Join(this=source))
        joins.extend(inner)
    if joins:
        select.set("joins", joins)
    if where is not None:
        select.set("where", exp.Where(this=where.copy()))
    index = index_statement(select, normalise=False)
    target_name = table_parts(target)
    index.tables = [t for t in index.tables if t is not select.args["from_"].this] + [select.args["from_"].this]
    return ObjectDef(target_name, "insert", select, pos, search_path, tuple(names), index)


def _update(stmt: exp.Update, pos: Position, search_path: tuple[str, ...], path: str) -> ObjectDef:
    target = stmt.this
    if not isinstance(target, exp.Table):
        raise LineageError("analysis.unsupported_statement", "UPDATE of something other than a table", path=path, line=pos.line)
    names, values = _assignments(list(stmt.expressions), path, pos)
    from_ = stmt.args.get("from_")
    sources = [from_.this] if from_ is not None else []
    sources += list(stmt.args.get("joins") or [])
    where = stmt.args.get("where")
    return _synthesized(target, names, values, sources, None, where.this if where is not None else None, pos, search_path)


def _merge(stmt: exp.Merge, pos: Position, search_path: tuple[str, ...], path: str) -> list[ObjectDef]:
    target, using, on = stmt.this, stmt.args.get("using"), stmt.args.get("on")
    if not isinstance(target, exp.Table) or using is None:
        raise LineageError("analysis.unsupported_statement", "MERGE not understood", path=path, line=pos.line)
    out: list[ObjectDef] = []
    whens = stmt.args.get("whens")
    for when in whens.expressions if whens is not None else []:
        action = when.args.get("then")
        condition = when.args.get("condition")
        if isinstance(action, exp.Update):
            names, values = _assignments(list(action.expressions), path, pos)
        elif isinstance(action, exp.Insert):
            columns = action.this.expressions if isinstance(action.this, exp.Tuple) else []
            row = action.expression
            values = list(row.expressions) if isinstance(row, exp.Tuple) else []
            names = [norm(c.name) for c in columns]
            if not names or len(names) != len(values):
                raise LineageError(
                    "analysis.unsupported_statement",
                    "MERGE ... INSERT needs an explicit column list and values",
                    path=path,
                    line=pos.line,
                )
        else:
            continue  # DELETE or DO NOTHING moves no data in
        out.append(_synthesized(target, names, values, [using], on, condition, pos, search_path))
    return out


def _is_read_privilege(priv: exp.Expr) -> bool:
    name = priv.this.name.upper() if isinstance(priv.this, exp.Expr) else str(priv.this).upper()
    # CONTROL (T-SQL) and OWNERSHIP (Snowflake) include reading.
    return name in ("SELECT", "ALL", "ALL PRIVILEGES", "READ", "CONTROL", "OWNERSHIP")


def _grant(stmt: exp.Grant | exp.Revoke, pos: Position, search_path: tuple[str, ...]) -> list[GrantDef]:
    if isinstance(stmt, exp.Revoke) and stmt.args.get("grant_option"):
        return []  # REVOKE GRANT OPTION FOR: the privilege itself stays
    privileges = stmt.args.get("privileges") or []
    read = [p for p in privileges if _is_read_privilege(p)]
    if not read:
        return []
    columns: tuple[str, ...] | None = None
    for priv in read:
        if priv.expressions:
            columns = tuple(norm(c.name) for c in priv.expressions)
    securable = stmt.args.get("securable")
    if not isinstance(securable, exp.Table):
        return []
    kind = str(stmt.args.get("kind") or "").upper()
    roles = tuple(_principal(p) for p in stmt.args.get("principals") or [])
    action = "grant" if isinstance(stmt, exp.Grant) else "revoke"
    if kind == "SCHEMA":
        return [GrantDef(action, None, norm(securable.name), None, roles, pos, search_path)]
    return [GrantDef(action, table_parts(securable), None, columns, roles, pos, search_path)]


def _principal(node: exp.Expr) -> str:
    name = node.this.name if isinstance(node.this, exp.Expr) else node.name
    return norm(name)


def _command(
    stmt: exp.Command,
    pos: Position,
    search_path: tuple[str, ...],
    parsed: ParsedFile,
    dialect: str,
    path: str,
) -> tuple[str, ...]:
    keyword = str(stmt.this).upper()
    rest = stmt.expression.name if isinstance(stmt.expression, exp.Expr) else str(stmt.expression or "")
    if keyword in _DYNAMIC_COMMANDS or rest.upper().startswith("IMMEDIATE"):
        raise LineageError(
            "analysis.dynamic_sql",
            f"{keyword} runs SQL that is only known at run time; it cannot be analysed",
            path=path,
            line=pos.line,
        )
    if keyword == "SET":
        _refuse_hidden(keyword, _words(rest, dialect), pos, path)
        return _set_text(rest, search_path)
    if keyword in ("GRANT", "REVOKE"):
        _grant_command(keyword.lower(), rest, pos, search_path, parsed, dialect, path)
        return search_path
    if keyword == "ALTER" and re.match(r"\s*SESSION\s+SET\s+CURRENT_SCHEMA\s*=", rest, re.I):
        # Oracle's way of setting the schema for unqualified names.
        return _set_text(re.sub(r"(?i)^\s*SESSION\s+SET\s+", "", rest), search_path)
    if keyword == "ALTER" and re.match(r"\s*DEFAULT\s+PRIVILEGES", rest, re.I):
        _default_privileges(rest, pos, search_path, parsed, dialect, path)
        return search_path
    if keyword == "ALTER" and re.match(r"\s*(TABLE|VIEW|MATERIALIZED\s+VIEW)\b", rest, re.I):
        _alter_object(rest, pos, search_path, parsed, dialect, path)
        return search_path
    words = _words(rest, dialect) if rest.strip() else []
    first = words[0].upper() if words else ""
    if keyword == "ALTER" and first == "SCHEMA" and "TRANSFER" in words:
        raise LineageError(
            "analysis.unsupported_statement",
            "ALTER SCHEMA ... TRANSFER moves an object to another schema; create it there instead",
            path=path,
            line=pos.line,
        )
    if keyword in ("CREATE", "ALTER") and first in ("ROLE", "USER", "GROUP"):
        _role_membership(keyword, words, pos, parsed)
    if keyword in _HARMLESS_COMMANDS or (keyword, first) in _HARMLESS_FORMS:
        # REFRESH MATERIALIZED VIEW v names a view; anything after the name is suspect.
        skip = 3 if keyword == "REFRESH" and words[:2] == ["MATERIALIZED", "VIEW"] else 1
        _refuse_hidden(keyword, words[skip:], pos, path)
        return search_path
    raise LineageError(
        "analysis.unparsed",
        f"{keyword} statement could not be parsed as {dialect} SQL",
        path=path,
        line=pos.line,
    )


#: The schema name a grant uses to mean every object everywhere (``*.*``, database-wide).
ALL_OBJECTS = "*"

#: Words of GRANT/REVOKE/ALTER that some dialects' tokenizers return as plain names.
_GRANT_KEYWORDS = frozenset(
    {"TO", "FROM", "ON", "ALL", "TABLES", "VIEWS", "IN", "SCHEMA", "GRANT", "SELECT", "WITH", "OPTION",
     "ADMIN", "ROLE", "USER", "GROUP", "TABLE", "VIEW", "PRIVILEGES", "DEFAULT", "FOR", "OWNER",
     "FUTURE", "ADD", "DROP", "MEMBER", "RENAME", "SET", "TRANSFER", "INSERT", "UPDATE", "MERGE",
     "DELETE", "REVOKE", "INTO", "EXEC", "EXECUTE", "CREATE", "MATERIALIZED", "IF", "EXISTS", "ONLY",
     "ANY", "OBJECT", "DATABASE"}
)
#: Words that, inside a statement sqlglot could only read as raw text, mean another
#: statement may be hidden in it.
_HIDING_WORDS = frozenset({"SELECT", "INSERT", "UPDATE", "MERGE", "GRANT", "REVOKE", "VIEW", "TABLE", "INTO", "EXEC", "EXECUTE"})


def _refuse_hidden(keyword: str, words: list[str], pos: Position, path: str) -> None:
    """Fail closed when raw command text holds another statement's keywords.

    sqlglot reads everything up to the next semicolon as one unparsed command: a
    statement without its own semicolon (T-SQL, SQL*Plus) or a CREATE SCHEMA body may be in it.
    """
    hidden = _HIDING_WORDS.intersection(words)
    if hidden:
        raise LineageError(
            "analysis.unparsed",
            f"{keyword} statement could not be parsed and contains {sorted(hidden)[0]}; "
            "it may hide another statement (end each statement with a semicolon)",
            path=path,
            line=pos.line,
        )


def _role_membership(keyword: str, words: list[str], pos: Position, parsed: ParsedFile) -> None:
    """Role membership written as ``CREATE ROLE r IN ROLE a ROLE m`` or ``ALTER ROLE a ADD MEMBER m``."""
    if len(words) < 2:
        return
    role = words[1]
    if keyword == "ALTER" and "MEMBER" in words:
        member = words[words.index("MEMBER") + 1] if words.index("MEMBER") + 1 < len(words) else ""
        action = "revoke" if "DROP" in words else "grant"
        if member:
            parsed.role_grants.append(RoleGrantDef(action, role, member, pos))
        return
    i = 2
    while i < len(words):
        if words[i] == "IN" and i + 1 < len(words) and words[i + 1] in ("ROLE", "GROUP"):
            j = i + 2
            while j < len(words) and words[j] not in _GRANT_KEYWORDS:
                if words[j] != ",":
                    parsed.role_grants.append(RoleGrantDef("grant", words[j], role, pos))
                j += 1
            i = j
        elif words[i] in ("ROLE", "ADMIN", "USER") and keyword == "CREATE":
            j = i + 1
            while j < len(words) and words[j] not in _GRANT_KEYWORDS:
                if words[j] != ",":
                    parsed.role_grants.append(RoleGrantDef("grant", role, words[j], pos))
                j += 1
            i = j
        else:
            i += 1


def _words(text: str, dialect: str) -> list[str]:
    """Tokens of a command's text, identifiers normalised, keywords upper-cased."""
    out = []
    for tok in sqlglot.tokenize(text, dialect=dialect):
        if tok.token_type is TokenType.VAR and tok.text.upper() in _GRANT_KEYWORDS:
            out.append(tok.text.upper())
        elif tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.STRING):
            out.append(norm(tok.text))
        else:
            out.append(tok.text.upper())
    return out


def _split_names(words: list[str]) -> list[str]:
    """Join ``a . b , c`` into ``['a.b', 'c']``."""
    names: list[str] = []
    current = ""
    for word in words:
        if word == ",":
            if current:
                names.append(current)
            current = ""
        elif word == ".":
            current += "."
        else:
            current += word
    if current:
        names.append(current)
    return names


def _grant_command(
    action: str,
    text: str,
    pos: Position,
    search_path: tuple[str, ...],
    parsed: ParsedFile,
    dialect: str,
    path: str,
) -> None:
    words = _words(text, dialect)
    target_word = "TO" if action == "grant" else "FROM"
    if target_word not in words:
        raise LineageError("analysis.unsupported_statement", f"{action.upper()} statement is not understood", path=path, line=pos.line)
    split = words.index(target_word)
    head = words[:split]
    tail = [w for w in words[split + 1 :] if w not in ("ROLE", "USER", "GROUP")]
    for end in ("WITH", "granted", "GRANTED", "AS"):
        # WITH GRANT OPTION; PostgreSQL GRANTED BY r; T-SQL AS grantor: not grantees.
        if end in tail:
            tail = tail[: tail.index(end)]
    # MySQL accounts are 'name'@'host': the role is the name.
    roles = [r.split("@")[0].split(".")[0] for r in _split_names(tail)]
    if action == "revoke" and head[:3] == ["GRANT", "OPTION", "FOR"]:
        return  # the privilege itself stays
    upper_head = [w.upper() for w in head]
    if "ON" not in head and (upper_head[:1] in (["SELECT"], ["CONTROL"]) or upper_head[:3] in (["SELECT", "ANY", "TABLE"], ["READ", "ANY", "TABLE"])):
        # T-SQL GRANT SELECT|CONTROL TO r (whole database); Oracle GRANT SELECT|READ ANY TABLE TO r.
        parsed.grants.append(GrantDef(action, None, ALL_OBJECTS, None, tuple(roles), pos, search_path))
        return
    if "ON" not in head:
        for role in _split_names([w for w in head if w not in ("ROLE", "USER", "GROUP")]):
            for member in roles:
                parsed.role_grants.append(RoleGrantDef(action, norm(role), member, pos))
        return
    on = head.index("ON")
    privileges = " ".join(head[:on])
    if not re.search(r"\b(SELECT|ALL|CONTROL|OWNERSHIP|READ)\b", privileges, re.IGNORECASE):
        return  # CONTROL (T-SQL) and OWNERSHIP (Snowflake) include reading
    obj = head[on + 1 :]
    if obj and obj[0] in ("ALL", "FUTURE") and "IN" in obj and "SCHEMA" in obj:
        # ON ALL|FUTURE TABLES|VIEWS IN SCHEMA s: today's and (for FUTURE) tomorrow's objects.
        for schema in _split_names(obj[obj.index("SCHEMA") + 1 :]):
            parsed.grants.append(GrantDef(action, None, schema, None, tuple(roles), pos, search_path))
        return
    if obj and obj[0] in ("SCHEMA", "DATABASE") or obj[:2] == ["OBJECT", ":"] or "::" in obj:
        obj = [w for w in obj if w not in ("OBJECT", ":", "::")]
        if obj and obj[0] in ("SCHEMA", "DATABASE"):
            if not re.search(r"\b(SELECT|CONTROL)\b", privileges, re.IGNORECASE):
                return  # USAGE or ALL on a schema container reads no rows by itself (PostgreSQL)
            # T-SQL SELECT ON SCHEMA::s covers every object in it, now and later.
            targets = [ALL_OBJECTS] if obj[0] == "DATABASE" else _split_names(obj[1:])
            for schema in targets:
                parsed.grants.append(GrantDef(action, None, schema, None, tuple(roles), pos, search_path))
            return
    if len(obj) >= 3 and obj[-1] == "*" and obj[-2] == ".":
        # MySQL db.* (every table of one database); *.* is every table everywhere.
        for schema in [ALL_OBJECTS] if obj[0] == "*" else _split_names(obj[:-2]):
            parsed.grants.append(GrantDef(action, None, schema, None, tuple(roles), pos, search_path))
        return
    if obj and obj[0] in ("TABLE", "VIEW"):
        obj = obj[1:]
    names = _split_names(obj)
    if not names:
        raise LineageError("analysis.unsupported_statement", f"{action.upper()} statement is not understood", path=path, line=pos.line)
    for name in names:
        parsed.grants.append(GrantDef(action, tuple(name.split(".")), None, None, tuple(roles), pos, search_path))


#: ALTER TABLE forms read only as raw text that change what a table holds or returns.
_REFUSED_ALTER_TABLE = (
    ("ATTACH", "ALTER TABLE ... ATTACH PARTITION: the parent's rows are stored in, and readable from, the partition"),
    ("ADD", "ALTER TABLE ... ADD in a form that is not understood; the columns it adds would be invisible to `SELECT *`"),
)


def _alter_object(
    text: str, pos: Position, search_path: tuple[str, ...], parsed: ParsedFile, dialect: str, path: str
) -> None:
    """``ALTER VIEW v OWNER TO r`` delivers like a grant (owners read everything)."""
    words = [w for w in _words(text, dialect) if w not in ("MATERIALIZED", "IF", "EXISTS", "ONLY")]
    if "RENAME" in words or "SET" in words and "SCHEMA" in words:
        raise LineageError(
            "analysis.unsupported_statement",
            "ALTER ... RENAME / SET SCHEMA changes object names; change the CREATE statements instead",
            path=path,
            line=pos.line,
        )
    upper = {w.upper() for w in words}
    for keyword, why in _REFUSED_ALTER_TABLE:
        if words[:1] == ["TABLE"] and keyword in upper:
            raise LineageError("analysis.unsupported_statement", why, path=path, line=pos.line)
    if "OWNER" in words and "TO" in words:
        owner_at = words.index("OWNER")
        names = _split_names(words[1:owner_at])
        roles = tuple(_split_names(words[words.index("TO") + 1 :]))
        if names:
            parsed.grants.append(GrantDef("grant", tuple(names[0].split(".")), None, None, roles, pos, search_path))


def _default_privileges(
    text: str, pos: Position, search_path: tuple[str, ...], parsed: ParsedFile, dialect: str, path: str
) -> None:
    words = _words(text, dialect)
    schemas: list[str] = []
    if "SCHEMA" in words:
        start = words.index("SCHEMA") + 1
        end = words.index("GRANT") if "GRANT" in words else len(words)
        schemas = _split_names(words[start:end])
    if "GRANT" not in words or not schemas:
        return
    grant_words = words[words.index("GRANT") + 1 :]
    if "TO" not in grant_words:
        return
    split = grant_words.index("TO")
    if not re.search(r"\b(SELECT|ALL)\b", " ".join(grant_words[:split])):
        return
    roles = tuple(_split_names(grant_words[split + 1 :]))
    for schema in schemas:
        parsed.grants.append(GrantDef("grant", None, schema, None, roles, pos, search_path))


def _set(stmt: exp.Set, search_path: tuple[str, ...]) -> tuple[str, ...]:
    for item in stmt.expressions:
        eq = item.this if isinstance(item, exp.SetItem) else item
        if isinstance(eq, exp.EQ) and eq.this.name.lower() in ("search_path", "schema", "current_schema"):
            value = eq.expression
            parts = list(value.expressions) if isinstance(value, exp.Tuple) else [value]
            return tuple(norm(v.name) for v in parts if v is not None and v.name and not v.name.startswith("$"))
    return search_path


def _set_text(text: str, search_path: tuple[str, ...]) -> tuple[str, ...]:
    match = re.match(
        r"\s*(?:SESSION\s+|LOCAL\s+)?(?:search_path\s*(?:TO|=)|SCHEMA|CURRENT_SCHEMA\s*=)\s*(?P<v>.+?)\s*;?\s*$",
        text,
        re.I | re.S,
    )
    if not match:
        return search_path
    values = (norm(v.strip().strip("'\"")) for v in match.group("v").split(","))
    return tuple(v for v in values if v and not v.startswith("$"))


def _stem(path: str) -> str:
    return norm(Path(path).stem).replace(".", "_").replace("-", "_")


def _error_position(exc: ParseError | TokenError) -> tuple[int | None, int | None]:
    errors = getattr(exc, "errors", None) or []
    if errors:
        first = errors[0]
        return first.get("line"), first.get("col")
    match = re.search(r"Line (\d+), Col: (\d+)", str(exc))
    if match:
        return int(match.group(1)), int(match.group(2))
    return None, None


def _description(exc: ParseError) -> str:
    """The parser's description of an error, without the SQL it quotes (it may hold data)."""
    errors = getattr(exc, "errors", None) or []
    if errors and errors[0].get("description"):
        return str(errors[0]["description"])[:200]
    return "invalid SQL"


def _statement_starts(tokens: list[Token]) -> list[Position]:
    """Where each semicolon-separated statement starts, aligned with ``parse``'s output."""
    starts: list[Position] = []
    begin = True
    for tok in tokens:
        if tok.token_type is TokenType.SEMICOLON:
            if begin:
                starts.append(Position(tok.line, 1))
            begin = True
            continue
        if begin:
            starts.append(Position(tok.line, max(1, tok.col - len(tok.text) + 1)))
            begin = False
    return starts
