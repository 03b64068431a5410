"""Lineage values: where each output column and row filter of an object comes from."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from ..catalog import ColumnKey
from ..policy.model import Flow


class Transform(enum.StrEnum):
    """What happened to a source value on its way to the output, weakest first."""

    IDENTITY = "identity"
    TRANSFORM = "transform"
    AGGREGATE = "aggregate"
    MASKED = "masked"

    @property
    def rank(self) -> int:
        """Order used when composing: the stronger transform wins."""
        return _RANK[self]

    def then(self, other: Transform) -> Transform:
        """Compose two steps.

        Example:
            >>> Transform.IDENTITY.then(Transform.AGGREGATE).value
            'aggregate'
        """
        return self if self.rank >= other.rank else other


_RANK = {
    Transform.IDENTITY: 0,
    Transform.TRANSFORM: 1,
    Transform.AGGREGATE: 2,
    Transform.MASKED: 3,
}


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A 1-based line and column in a SQL file."""

    line: int
    column: int = 1


@dataclass(frozen=True, slots=True)
class Origin:
    """One way a base catalog column reaches an object."""

    source: ColumnKey
    flow: Flow
    transform: Transform
    path: tuple[str, ...]
    """Object columns the value passed through after ``source``, oldest first."""
    position: Position
    """Where, in the current object's file, the flow happens."""
    clause: str
    """``SELECT`` for values; ``WHERE``, ``JOIN ON``, ``GROUP BY``... for predicates."""
    functions: tuple[str, ...] = ()
    """Functions applied on the way, innermost first (``RIGHT``, ``SHA2``)."""
    masked_by: str | None = None
    """The approved redaction function that cleared the value, if any."""

    def hop(self, through: str, position: Position) -> Origin:
        """This origin seen through object column ``through``, from ``position``."""
        return Origin(
            self.source,
            self.flow,
            self.transform,
            (*self.path, through),
            position,
            self.clause,
            self.functions,
            self.masked_by,
        )


@dataclass(frozen=True)
class RowSource:
    """A base table whose rows reach an object, and the filters provably applied to them."""

    table: str
    """``system.table``."""
    filters: frozenset[tuple[str, frozenset[str]]]
    """``(column, allowed values)`` pairs; every row satisfies ``column IN values``."""
    position: Position
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectLineage:
    """Everything known about one analysed object (view, table, query)."""

    name: str
    """``schema.object``."""
    kind: str
    file: str
    position: Position
    dialect: str
    columns: tuple[tuple[str, frozenset[Origin]], ...]
    predicates: frozenset[Origin]
    row_sources: tuple[RowSource, ...]
    aggregate_min_count: int | None = None
    """For an aggregate-only result: the provable minimum group size (0 when unbounded)."""
    dependencies: frozenset[str] = frozenset()

    @cached_property
    def _by_name(self) -> dict[str, frozenset[Origin]]:
        return dict(self.columns)

    def column(self, name: str) -> frozenset[Origin] | None:
        """Origins of output column ``name``, or None if there is no such column."""
        return self._by_name.get(name)

    def column_names(self) -> tuple[str, ...]:
        """Output column names in order."""
        return tuple(name for name, _ in self.columns)

    def all_origins(self) -> list[tuple[str | None, Origin]]:
        """Every ``(output column or None for predicates, origin)`` pair."""
        out: list[tuple[str | None, Origin]] = [
            (name, origin) for name, origins in self.columns for origin in origins
        ]
        out.extend((None, origin) for origin in self.predicates)
        return out
