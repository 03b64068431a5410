"""Frozen dataclasses for a loaded policy set: consumers, catalog, delivery, rules, waivers."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import NewType

RuleId = NewType("RuleId", str)
ConsumerId = NewType("ConsumerId", str)
ClassId = NewType("ClassId", str)


@dataclass(frozen=True)
class SourceRef:
    """Where a policy element was declared, for lint and error messages."""

    path: str
    line: int


class Level(enum.StrEnum):
    """Government level of a consumer."""

    FEDERAL = "federal"
    STATE = "state"
    LOCAL = "local"
    RESEARCH = "research"
    PUBLIC = "public"


class Flow(enum.StrEnum):
    """How a source column reaches a result: as a value, or as a row predicate."""

    VALUE = "value"
    PREDICATE = "predicate"


class Severity(enum.StrEnum):
    """How a violation of a rule is treated; ``review`` is shown but does not fail the run."""

    ERROR = "error"
    WARNING = "warning"
    REVIEW = "review"


@dataclass(frozen=True)
class Consumer:
    """An agency or audience that may receive data."""

    id: ConsumerId
    name: str
    federal: bool
    level: Level
    purpose: str
    reaches: tuple[ConsumerId, ...] = ()
    """Consumers this one passes data on to (an intermediary); a share to it is a share to these."""
    where: SourceRef | None = None


@dataclass(frozen=True)
class SensitivityClass:
    """A kind of protected information, such as ``ssn`` or ``country_of_birth``."""

    id: ClassId
    description: str
    where: SourceRef | None = None
    identifying: bool = False
    """Values single out a person (an SSN, a name); grouping by it makes each group one person."""
    detect: tuple[str, ...] = ()
    """Value detectors (``ssn``, ``country``...) whose matches in an export are this class."""


@dataclass(frozen=True)
class Column:
    """A catalog column and its sensitivity class, if any."""

    name: str
    cls: ClassId | None = None
    aliases: tuple[str, ...] = ()
    """Other spellings of this column in export headers (``soc_sec_no``)."""
    description: str = ""
    key: bool = False
    """A record or person key: grouping by it makes each group one record."""


@dataclass(frozen=True)
class Table:
    """A catalog table: its columns in declared order."""

    name: str
    columns: tuple[Column, ...]
    description: str = ""

    def column(self, name: str) -> Column | None:
        """Return the column called ``name`` (already normalised), or None."""
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True)
class System:
    """A source system: a database or schema such as ``pars``."""

    id: str
    name: str
    description: str
    tables: tuple[Table, ...]
    names: tuple[str, ...] = ()
    """Qualified names under which SQL refers to this system (``pars``, ``pars_prod.dbo``)."""
    where: SourceRef | None = None

    def table(self, name: str) -> Table | None:
        """Return the table called ``name`` (already normalised), or None."""
        for table in self.tables:
            if table.name == name:
                return table
        return None


@dataclass(frozen=True)
class RoleMapping:
    """A database role whose grants deliver data to consumers."""

    role: str
    consumers: tuple[ConsumerId, ...]
    member_of: tuple[str, ...] = ()
    """Roles this role inherits privileges from."""
    where: SourceRef | None = None


@dataclass(frozen=True)
class SchemaDelivery:
    """Everything created in ``schema`` is delivered to ``consumers``."""

    schema: str
    consumers: tuple[ConsumerId, ...]
    where: SourceRef | None = None


@dataclass(frozen=True)
class Redaction:
    """A function counsel approved as clearing a field (for the listed classes, or all)."""

    function: str
    classes: tuple[ClassId, ...] = ()
    description: str = ""
    where: SourceRef | None = None


@dataclass(frozen=True)
class Authority:
    """The legal basis of a rule."""

    title: str
    citation: str = ""
    url: str = ""
    illustrative: bool = False
    """True when no verified text backs the rule; reports say so."""
    note: str = ""


@dataclass(frozen=True)
class RequiredFilter:
    """A filter that must provably restrict a table's rows: ``column IN values``."""

    table: str
    """``system.table``."""
    column: str
    values: frozenset[str]


@dataclass(frozen=True)
class AggregateExemption:
    """Aggregate-only results whose every group is provably at least ``min_count`` rows."""

    min_count: int


@dataclass(frozen=True)
class Rule:
    """One promise counsel made, evaluated by the rule kind named in ``kind``."""

    id: RuleId
    kind: str
    summary: str
    authority: Authority
    consumers: tuple[ConsumerId, ...]
    federal: bool
    """Also applies to every consumer with ``federal: true``."""
    flows: frozenset[Flow]
    severity: Severity
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    systems: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    """``system.table`` names the rule is limited to (deny_system), or empty for all."""
    classes: tuple[ClassId, ...] = ()
    allow_values: tuple[str, ...] = ()
    """``system.table.column`` names (allowlist)."""
    allow_predicates: tuple[str, ...] = ()
    required_filters: tuple[RequiredFilter, ...] = ()
    aggregate_exemption: AggregateExemption | None = None
    waivable: bool = True
    title: str = ""
    description: str = ""
    where: SourceRef | None = None

    def in_effect(self, on: dt.date) -> bool:
        """Whether the rule applies on date ``on``."""
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_until and on > self.effective_until)


@dataclass(frozen=True)
class Waiver:
    """A signed exception to a rule (evaluated by the CI and report layer)."""

    id: str
    rule: RuleId
    target: str
    justification: str
    legal_basis: str
    approver: str
    approved: dt.date | None
    expires: dt.date | None
    consumer: ConsumerId | None = None
    where: SourceRef | None = None


@dataclass(frozen=True)
class Policy:
    """A loaded, validated policy set."""

    name: str
    version: str
    consumers: tuple[Consumer, ...]
    classes: tuple[SensitivityClass, ...]
    systems: tuple[System, ...]
    roles: tuple[RoleMapping, ...]
    schema_deliveries: tuple[SchemaDelivery, ...]
    redactions: tuple[Redaction, ...]
    rules: tuple[Rule, ...]
    waivers: tuple[Waiver, ...]
    files: tuple[str, ...] = ()
    digest: str = ""
    """SHA-256 over the policy files' bytes, in path order."""

    def consumer(self, cid: str) -> Consumer | None:
        """Return the consumer with id ``cid``, or None."""
        for c in self.consumers:
            if c.id == cid:
                return c
        return None

    def system(self, sid: str) -> System | None:
        """Return the system with id ``sid``, or None."""
        for s in self.systems:
            if s.id == sid:
                return s
        return None

    def class_ids(self) -> frozenset[str]:
        """Ids of every declared sensitivity class."""
        return frozenset(c.id for c in self.classes)
