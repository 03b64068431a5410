"""Findings: what a rule found, where, and why; never a data value."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .lineage.model import Transform
from .policy.model import Authority, ConsumerId, Flow, RuleId, Severity


@dataclass(frozen=True)
class Location:
    """A place in an input file (1-based line and column)."""

    path: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class Finding:
    """One violation of one rule, for one consumer, by one object column or row filter."""

    rule_id: RuleId
    rule_kind: str
    consumer: ConsumerId
    consumer_name: str
    severity: Severity
    object: str
    """``schema.object`` that delivers the data."""
    output_column: str | None
    """The delivered column, or None for a row predicate or row restriction."""
    sources: tuple[str, ...]
    """Catalog columns (``system.table.column``) involved."""
    source_class: str | None
    lineage_path: tuple[str, ...]
    """``pars.arrests.ssn``, ``staging.v_people.ssn_last4``, ``federal_exports.v.id_hint``."""
    flow: Flow
    transform: Transform
    clause: str
    functions: tuple[str, ...]
    location: Location
    message: str
    summary: str
    authority: Authority
    delivery: str
    """How the object reaches the consumer (a grant, a schema, a directive, an intermediary)."""
    waived_by: str | None = None
    extra_paths: int = 0
    """How many other lineage paths lead the same source to the same place."""
    fingerprint: str = field(default="")

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint_of(self))

    @property
    def blocking(self) -> bool:
        """Whether the finding fails the run (errors and warnings do; review items do not)."""
        return self.waived_by is None and self.severity is not Severity.REVIEW


def fingerprint_of(finding: Finding) -> str:
    """A stable id that survives line moves and reformatting.

    It hashes what the finding is about (rule, consumer, object, column or clause, sources,
    flow), never where in the file it sits.
    """
    parts = (
        finding.rule_id,
        finding.consumer,
        finding.object,
        finding.output_column or f"<{finding.clause}>",
        ",".join(finding.sources),
        finding.flow.value,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
