"""JSON Schema of a policy file; the loader validates every file against it."""

from __future__ import annotations

from typing import Any

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"}
_IDS = {"type": "array", "items": _ID}
_STR = {"type": "string"}
_DATE: dict[str, Any] = {"description": "a YYYY-MM-DD date"}
_WHERE_SECTIONS = ("value", "predicate")

RULE_KIND_NAMES = ("deny_system", "allowlist", "deny_classes", "row_restriction", "predicate_use")


def _obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


CONSUMER = _obj(
    {
        "id": _ID,
        "name": _STR,
        "federal": {"type": "boolean"},
        "level": {"enum": ["federal", "state", "local", "research", "public"]},
        "purpose": _STR,
        "reaches": _IDS,
    },
    ("id", "name", "federal", "level"),
)

CLASS = _obj(
    {"id": _ID, "description": _STR, "identifying": {"type": "boolean"}, "detect": {"type": "array", "items": _ID}},
    ("id", "description"),
)

COLUMN = _obj(
    {
        "name": _STR,
        "class": {"type": ["string", "null"]},
        "key": {"type": "boolean"},
        "aliases": {"type": "array", "items": _STR},
        "description": _STR,
    },
    ("name",),
)

TABLE = _obj(
    {"name": _STR, "description": _STR, "columns": {"type": "array", "items": COLUMN}},
    ("name", "columns"),
)

SYSTEM = _obj(
    {
        "id": _ID,
        "name": _STR,
        "description": _STR,
        "names": {"type": "array", "items": _STR},
        "tables": {"type": "array", "items": TABLE},
    },
    ("id", "tables"),
)

ROLE = _obj(
    {"role": _STR, "consumers": _IDS, "member_of": {"type": "array", "items": _STR}},
    ("role", "consumers"),
)
SCHEMA_DELIVERY = _obj({"schema": _STR, "consumers": _IDS}, ("schema", "consumers"))
DELIVERY = _obj(
    {
        "roles": {"type": "array", "items": ROLE},
        "schemas": {"type": "array", "items": SCHEMA_DELIVERY},
    }
)

REDACTION = _obj(
    {"function": _STR, "classes": _IDS, "description": _STR},
    ("function",),
)

AUTHORITY = _obj(
    {
        "title": _STR,
        "citation": _STR,
        "url": _STR,
        "illustrative": {"type": "boolean"},
        "note": _STR,
    },
    ("title",),
)

RULE = _obj(
    {
        "id": _ID,
        "kind": {"enum": list(RULE_KIND_NAMES)},
        "title": _STR,
        "summary": _STR,
        "description": _STR,
        "authority": AUTHORITY,
        "effective": _obj({"from": _DATE, "until": _DATE}),
        "applies_to": _obj({"consumers": _IDS, "federal": {"type": "boolean"}}),
        "flows": {"type": "array", "items": {"enum": list(_WHERE_SECTIONS)}, "minItems": 1},
        "severity": {"enum": ["error", "warning", "review"]},
        "systems": _IDS,
        "tables": {"type": "array", "items": _STR},
        "classes": _IDS,
        "allow": _obj(
            {
                "values": {"type": "array", "items": _STR},
                "predicates": {"type": "array", "items": _STR},
            }
        ),
        "require_filters": {
            "type": "array",
            "items": _obj(
                {
                    "table": _STR,
                    "column": _STR,
                    "in": {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1},
                },
                ("table", "column", "in"),
            ),
        },
        "aggregate_exemption": _obj({"min_count": {"type": "integer", "minimum": 1}}, ("min_count",)),
        "waivable": {"type": "boolean"},
    },
    ("id", "kind", "summary", "authority", "applies_to"),
)

WAIVER = _obj(
    {
        "id": _ID,
        "rule": _ID,
        "target": _STR,
        "consumer": _ID,
        "justification": _STR,
        "legal_basis": _STR,
        "approver": _STR,
        "approved": _DATE,
        "expires": _DATE,
    },
    ("id", "rule", "target", "justification"),
)

POLICY_FILE = _obj(
    {
        "policy": _obj({"name": _STR, "version": {"type": ["string", "number"]}, "description": _STR}),
        "consumers": {"type": "array", "items": CONSUMER},
        "classes": {"type": "array", "items": CLASS},
        "systems": {"type": "array", "items": SYSTEM},
        "delivery": DELIVERY,
        "redactions": {"type": "array", "items": REDACTION},
        "rules": {"type": "array", "items": RULE},
        "waivers": {"type": "array", "items": WAIVER},
    }
)
"""Every policy file is a mapping with any of these sections; the loader merges them."""
