"""Helpers shared by the introspectors: assembling objects from catalog rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ...lineage.graph import AnalysisError
from ...names import norm
from ..model import LiveColumn, LiveObject, ObjectKind, Snapshot


@dataclass
class ObjectTable:
    """Objects keyed by stored ``(schema, name)``, filled from relation and column rows."""

    objects: dict[tuple[str, str], LiveObject] = field(default_factory=dict)
    columns: dict[tuple[str, str], list[LiveColumn]] = field(default_factory=dict)

    def add(self, schema: str, name: str, kind: ObjectKind, **extra: Any) -> None:
        """One relation, by its stored schema and name."""
        self.objects[(schema, name)] = LiveObject(
            norm(schema), norm(name), kind, (), db_schema=schema, db_name=name, **extra
        )

    def add_columns(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of ``(schema, name, column, type)`` in column order."""
        for schema, name, column, type_ in rows:
            self.columns.setdefault((schema, name), []).append(
                LiveColumn(norm(column), str(type_ or ""), column)
            )

    def update(self, schema: str, name: str, **changes: Any) -> None:
        """Change fields of a known relation (ignored if unknown)."""
        key = (schema, name)
        if key in self.objects:
            self.objects[key] = replace(self.objects[key], **changes)

    def into(self, snapshot: Snapshot) -> None:
        """Put every object, with its columns, into ``snapshot``; report empty view definitions."""
        for key, obj in sorted(self.objects.items()):
            obj = replace(obj, columns=tuple(self.columns.get(key, ())))
            if obj.kind.has_definition and not (obj.definition or "").strip():
                snapshot.problems.append(
                    AnalysisError(
                        "analysis.unreadable",
                        f"the database returned no definition for {obj.kind.value} {obj.full} (the audit account may lack SHOW VIEW)",
                        snapshot.object_path(obj.full),
                        object=obj.full,
                    )
                )
            snapshot.objects[obj.full] = obj


def placeholders(prefix: str, values: Iterable[str]) -> tuple[str, dict[str, str]]:
    """``(:p0, :p1)`` and its parameters, for an ``IN`` list of bound values.

    Example:
        >>> placeholders("s", ["a", "b"])
        ('(:s0, :s1)', {'s0': 'a', 's1': 'b'})
    """
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    if not params:
        return "(NULL)", {}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params
