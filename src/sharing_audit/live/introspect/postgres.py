"""PostgreSQL: pg_catalog relations, view definitions, ACLs, roles, default privileges, RLS, FDW."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...names import norm
from ..model import (
    EVERYWHERE,
    PUBLIC,
    Grant,
    Membership,
    ObjectKind,
    RemoteTable,
    RoleInfo,
    RowPolicy,
    Snapshot,
)
from ..session import Session
from .common import ObjectTable, placeholders

_KINDS = {
    "r": ObjectKind.TABLE,
    "p": ObjectKind.TABLE,
    "v": ObjectKind.VIEW,
    "m": ObjectKind.MATERIALIZED_VIEW,
    "f": ObjectKind.FOREIGN_TABLE,
}
#: Built-in roles whose members read every table (PostgreSQL 14+).
READ_ALL = ("pg_read_all_data",)

_SCHEMAS = """
SELECT n.nspname FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
ORDER BY 1
"""
_RELATIONS = """
SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner),
       c.relrowsecurity, c.relforcerowsecurity, COALESCE(c.reloptions, '{{}}'::text[]),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
       pn.nspname, pc.relname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname IN {schemas}
ORDER BY 1, 2
"""
_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname IN {schemas}
ORDER BY n.nspname, c.relname, a.attnum
"""
_TABLE_ACL = """
SELECT n.nspname, c.relname, CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee) END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
     LATERAL pg_catalog.aclexplode(c.relacl) a
WHERE a.privilege_type = 'SELECT' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname IN {schemas}
"""
_COLUMN_ACL = """
SELECT n.nspname, c.relname, at.attname, CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee) END
FROM pg_catalog.pg_attribute at
JOIN pg_catalog.pg_class c ON c.oid = at.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
     LATERAL pg_catalog.aclexplode(at.attacl) a
WHERE a.privilege_type = 'SELECT' AND at.attnum > 0 AND NOT at.attisdropped AND n.nspname IN {schemas}
"""
_ROLES = "SELECT rolname, rolsuper, rolinherit, rolbypassrls, rolcanlogin FROM pg_catalog.pg_roles"
_MEMBERS = """
SELECT pg_catalog.pg_get_userbyid(m.roleid), pg_catalog.pg_get_userbyid(m.member), {options}
FROM pg_catalog.pg_auth_members m
"""
_DEFAULT_ACL = """
SELECT pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee) END
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace,
     LATERAL pg_catalog.aclexplode(d.defaclacl) a
WHERE a.privilege_type = 'SELECT' AND d.defaclobjtype = 'r'
"""
_POLICIES = """
SELECT schemaname, tablename, policyname, permissive, roles::text[], cmd, qual
FROM pg_catalog.pg_policies WHERE schemaname IN {schemas}
"""
_FOREIGN = """
SELECT n.nspname, c.relname, s.srvname, w.fdwname, COALESCE(s.srvoptions, '{{}}'::text[]), COALESCE(ft.ftoptions, '{{}}'::text[])
FROM pg_catalog.pg_foreign_table ft
JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
WHERE n.nspname IN {schemas}
"""
_FOREIGN_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, COALESCE(a.attfdwoptions, '{{}}'::text[])
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'f' AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname IN {schemas}
"""


def introspect(session: Session, wanted: Sequence[str]) -> Snapshot:
    """Read one PostgreSQL database (the URL's) into a snapshot."""
    database, version, version_num = session.rows(
        "SELECT current_database(), current_setting('server_version'), current_setting('server_version_num')::int"
    )[0]
    found = [r[0] for r in session.rows(_SCHEMAS)]
    schemas = tuple(s for s in found if not wanted or s in set(wanted))
    snap = Snapshot(
        "postgresql",
        "postgres",
        session.url.display,
        str(database),
        f"PostgreSQL {version}",
        schemas=schemas,
    )
    in_list, params = placeholders("s", schemas)

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return session.rows(sql.format(schemas=in_list), params)

    table = ObjectTable()
    for schema, name, kind, owner, rls, force, options, definition, parent_schema, parent in rows(
        _RELATIONS
    ):
        table.add(
            schema,
            name,
            _KINDS[kind],
            owner=norm(owner),
            definition=definition,
            security_invoker=any(
                o.lower() in ("security_invoker=true", "security_invoker=on", "security_invoker=1")
                for o in options
            ),
            row_security=bool(rls),
            force_row_security=bool(force),
            # A partition is read as a view over its parent (same columns, a subset of rows).
            partition_of=f"{norm(parent_schema)}.{norm(parent)}" if parent else None,
        )
    table.add_columns(rows(_COLUMNS))
    renamed: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, name, column, options in rows(_FOREIGN_COLUMNS):
        remote = _options(options).get("column_name")
        if remote:
            renamed.setdefault((schema, name), []).append((norm(column), norm(remote)))
    for schema, name, server, wrapper, server_options, table_options in rows(_FOREIGN):
        srv, tbl = _options(server_options), _options(table_options)
        table.update(
            schema,
            name,
            remote=RemoteTable(
                norm(server),
                norm(wrapper),
                norm(srv["dbname"]) if "dbname" in srv else None,
                norm(tbl["schema_name"]) if "schema_name" in tbl else None,
                norm(tbl["table_name"]) if "table_name" in tbl else None,
                tuple(renamed.get((schema, name), ())),
            ),
        )
    table.into(snap)

    for schema, name, grantee in rows(_TABLE_ACL):
        snap.grants.append(
            Grant(norm(grantee), "table privilege", object=f"{norm(schema)}.{norm(name)}")
        )
    by_column: dict[tuple[str, str], set[str]] = {}
    for schema, name, column, grantee in rows(_COLUMN_ACL):
        by_column.setdefault((f"{norm(schema)}.{norm(name)}", norm(grantee)), set()).add(
            norm(column)
        )
    for (obj, grantee), cols in sorted(by_column.items()):
        snap.grants.append(Grant(grantee, "column privilege", object=obj, columns=frozenset(cols)))

    for name, superuser, inherit, bypass, login in session.rows(_ROLES):
        snap.roles[norm(name)] = RoleInfo(
            norm(name), bool(superuser), bool(bypass), bool(inherit), bool(login)
        )
        if superuser:
            snap.grants.append(Grant(norm(name), "superuser", schema=EVERYWHERE))
    for role in READ_ALL:
        snap.grants.append(Grant(role, "built-in role that reads every table", schema=EVERYWHERE))
    # PostgreSQL 16 records INHERIT and SET per membership; before, every member can SET ROLE.
    options = "m.inherit_option, m.set_option" if version_num >= 160000 else "NULL, NULL"
    for role, member, inherit, settable in session.rows(_MEMBERS.format(options=options)):
        info = snap.roles.get(norm(member))
        snap.memberships.append(
            Membership(
                norm(role),
                norm(member),
                inherit=bool(inherit) if inherit is not None else (info.inherit if info else True),
                settable=bool(settable) if settable is not None else True,
            )
        )
    for creator, schema, grantee in session.rows(_DEFAULT_ACL):
        if schema is not None and schema not in schemas:
            continue
        snap.grants.append(
            Grant(
                norm(grantee),
                "default privileges",
                schema=norm(schema) if schema else EVERYWHERE,
                creator=norm(creator),
            )
        )
    for schema, name, policy, permissive, roles, cmd, qual in rows(_POLICIES):
        snap.policies.append(
            RowPolicy(
                f"{norm(schema)}.{norm(name)}",
                str(policy),
                str(permissive).upper() == "PERMISSIVE",
                tuple(norm(r) for r in roles or (PUBLIC,)),
                str(cmd).upper(),
                qual,
            )
        )
    return snap


def _options(items: Sequence[str] | None) -> dict[str, str]:
    """``['host=x', 'dbname=y']`` as a mapping (values are never printed).

    Example:
        >>> _options(["schema_name=pars", "table_name=persons"])["table_name"]
        'persons'
    """
    out: dict[str, str] = {}
    for item in items or ():
        key, _, value = str(item).partition("=")
        out[key.strip().lower()] = value
    return out
