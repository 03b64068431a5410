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
class FileEvidence:
    """Why an export file's column was judged to carry a field: counts and row numbers only."""

    position: int
    """1-based column position in the file."""
    header_match: str | None
    """How the column name matched the catalog: ``exact``, ``alias``, ``normalised``, ``lookalike``,
    ``mapped`` (checks/ manifest), ``unlisted`` (a column of the declared source table that the
    catalog does not list), or None when only the values gave it away."""
    detector: str | None = None
    """The value detector that matched, if any."""
    confidence: float | None = None
    rows: int = 0
    """Rows read (all of them, or the sample)."""
    non_null: int = 0
    matches: int = 0
    first_rows: tuple[int, ...] = ()
    """1-based data-row numbers of the first matches."""
    value_hash: str | None = None
    """Salted HMAC-SHA-256 (truncated) of the first matched value, to compare runs without
    revealing it; the salt is per run unless configured."""
    note: str = ""
    sampled: bool = False

    @property
    def rate(self) -> float:
        """Matching share of non-empty values."""
        return self.matches / self.non_null if self.non_null else 0.0

    @property
    def kind(self) -> str:
        """``header``, ``values`` or ``both``: which evidence found the column."""
        if self.header_match and self.detector:
            return "both"
        return "header" if self.header_match else "values"


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
    evidence: FileEvidence | None = None
    """For export files: how the column was found (header, values), never a value."""
    suppressed_by: str | None = None
    """An inline ``-- sharing-audit: ignore RULE reason="..."`` that covers it: where and why."""
    baselined: bool = False
    """Already recorded in the ``--baseline`` file: known, not new."""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint_of(self))

    @property
    def blocking(self) -> bool:
        """Whether the finding fails the run.

        Errors and warnings do, unless waived, suppressed inline, or in the baseline; review
        items never do.
        """
        return self.status == "violation"

    @property
    def status(self) -> str:
        """``waived``, ``suppressed``, ``baselined``, ``review`` or ``violation``."""
        if self.waived_by is not None:
            return "waived"
        if self.suppressed_by is not None:
            return "suppressed"
        if self.severity is Severity.REVIEW:
            return "review"
        if self.baselined:
            return "baselined"
        return "violation"


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


@dataclass(frozen=True)
class Notice:
    """Something the reader must see that is not a rule finding.

    Drift between the repository and a database, a column the catalog does not classify, a
    waiver that matches nothing. ``blocking`` notices fail the run like a violation.
    """

    code: str
    """Stable name: ``audit.drift``, ``audit.unclassified_column``, ``waiver.orphaned``..."""
    message: str
    object: str | None = None
    path: str | None = None
    blocking: bool = False
