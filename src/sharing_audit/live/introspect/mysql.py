"""MariaDB and MySQL: information_schema objects and view text, privileges from the mysql schema.

Privileges are read from ``mysql.user``, ``mysql.db``, ``mysql.tables_priv``,
``mysql.columns_priv`` and ``mysql.roles_mapping`` rather than information_schema, whose
privilege views only show what the current account may see (and, in MariaDB 10.11, can
list a role's column grant as a table grant). The audit account therefore needs ``SELECT``
on those five tables; without it the audit stops with a permission error rather than
reporting fewer grants.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...names import norm
from ..model import EVERYWHERE, Grant, Membership, ObjectKind, RemoteTable, RoleInfo, Snapshot
from ..session import Session
from .common import ObjectTable, placeholders

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
#: Storage engines whose rows live on another server.
FOREIGN_ENGINES = frozenset({"FEDERATED", "FEDERATEDX", "CONNECT", "SPIDER"})

_SCHEMAS = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN {system} ORDER BY 1"
_TABLES = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN {schemas}"
_COLUMNS = """
SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA IN {schemas} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
"""
_VIEWS = "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN {schemas}"
_USERS = "SELECT User, Select_priv, is_role FROM mysql.user"
_DB_PRIV = "SELECT User, Db FROM mysql.db WHERE Select_priv = 'Y'"
_TABLE_PRIV = "SELECT User, Db, Table_name, Table_priv FROM mysql.tables_priv WHERE Db IN {schemas}"
_COLUMN_PRIV = "SELECT User, Db, Table_name, Column_name, Column_priv FROM mysql.columns_priv WHERE Db IN {schemas}"
_ROLES = "SELECT User, Role FROM mysql.roles_mapping"


def introspect(session: Session, wanted: Sequence[str]) -> Snapshot:
    """Read every (or each wanted) database of a MariaDB/MySQL server into a snapshot."""
    version, current = session.rows("SELECT VERSION(), DATABASE()")[0]
    system, system_params = placeholders("x", SYSTEM_SCHEMAS)
    found = [r[0] for r in session.rows(_SCHEMAS.format(system=system), system_params)]
    schemas = tuple(s for s in found if not wanted or s in set(wanted))
    snap = Snapshot(
        "mysql",
        "mysql",
        session.url.display,
        str(current or ""),
        f"MariaDB/MySQL {version}",
        schemas=schemas,
    )
    in_list, params = placeholders("s", schemas)

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return session.rows(sql.format(schemas=in_list), params)

    table = ObjectTable()
    for schema, name, kind, engine in rows(_TABLES):
        if kind == "VIEW":
            table.add(schema, name, ObjectKind.VIEW)
        elif str(engine or "").upper() in FOREIGN_ENGINES:
            # The remote end is in the table's CONNECTION string, which may hold a password:
            # it is not read. Map these tables with --map-server federated=SYSTEM.
            table.add(
                schema,
                name,
                ObjectKind.FOREIGN_TABLE,
                remote=RemoteTable(str(engine).lower(), str(engine).lower(), None, None, None),
            )
        elif kind in ("BASE TABLE", "SYSTEM VERSIONED"):
            table.add(schema, name, ObjectKind.TABLE)
    table.add_columns(rows(_COLUMNS))
    for schema, name, definition in rows(_VIEWS):
        table.update(schema, name, definition=definition)
    table.into(snap)

    for user, select, is_role in session.rows(_USERS):
        snap.roles.setdefault(
            norm(user), RoleInfo(norm(user), can_login=str(is_role).upper() != "Y")
        )
        if str(select).upper() == "Y":
            snap.grants.append(Grant(norm(user), "global privilege on *.*", schema=EVERYWHERE))
    for user, pattern in session.rows(_DB_PRIV):
        for schema in schemas:
            if _db_matches(str(pattern), schema):
                snap.grants.append(
                    Grant(norm(user), f"database privilege on {pattern}.*", schema=norm(schema))
                )
    for user, db, name, privileges in rows(_TABLE_PRIV):
        if "select" in _set_values(privileges):
            snap.grants.append(
                Grant(norm(user), "table privilege", object=f"{norm(db)}.{norm(name)}")
            )
    by_column: dict[tuple[str, str], set[str]] = {}
    for user, db, name, column, privileges in rows(_COLUMN_PRIV):
        if "select" in _set_values(privileges):
            by_column.setdefault((f"{norm(db)}.{norm(name)}", norm(user)), set()).add(norm(column))
    for (obj, user), cols in sorted(by_column.items()):
        snap.grants.append(Grant(user, "column privilege", object=obj, columns=frozenset(cols)))
    roles = {name for name, info in snap.roles.items() if not info.can_login}
    for member, role in session.rows(_ROLES):
        # A role granted to a role is inherited; an account uses its roles after SET ROLE
        # (or as its default role).
        snap.memberships.append(
            Membership(norm(role), norm(member), inherit=norm(member) in roles, settable=True)
        )
    return snap


def _set_values(value: object) -> set[str]:
    """A MySQL SET column (``'Select,Insert'``, or a Python set from some drivers) as lower-case names."""
    if isinstance(value, (set, frozenset)):
        return {str(v).lower() for v in value}
    return {v.strip().lower() for v in str(value or "").split(",") if v.strip()}


def _db_matches(pattern: str, schema: str) -> bool:
    r"""Whether ``mysql.db``'s ``Db`` (a LIKE pattern: ``_`` and ``%`` are wildcards) covers ``schema``.

    Example:
        >>> _db_matches("sa\\_pars", "sa_pars"), _db_matches("sa_pars", "saXpars"), _db_matches("sa%", "sa_x")
        (True, True, True)
    """
    regex = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            regex += re.escape(pattern[i + 1])
            i += 2
            continue
        regex += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
        i += 1
    return re.fullmatch(regex, schema, re.IGNORECASE) is not None
