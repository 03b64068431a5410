"""Orchestration: policies + SQL inputs → lineage → deliveries → rule findings."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .baseline import BaselineDiff
from .catalog import Catalog, ColumnKey
from .delivery import Delivery, compute_deliveries
from .errors import PolicyError
from .exports.model import ExportFile
from .findings import Finding, Notice
from .lineage.graph import AnalysisError, FileStatus, LineageGraph, SqlInput, build_graph
from .lineage.model import ObjectLineage, Origin, Position, RowSource, Transform
from .policy.lint import LintIssue, lint_policy
from .policy.loader import load_policies
from .policy.model import ConsumerId, Flow, Policy, Rule
from .rules import RuleContext, rule_kind
from .waivers import apply_suppressions, apply_waivers

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@dataclass(frozen=True)
class CheckOptions:
    """Everything a ``check`` run depends on."""

    policies: Path
    inputs: tuple[SqlInput, ...]
    default_schema: str = "public"
    as_of: dt.date = field(default_factory=dt.date.today)


@dataclass
class RunResult:
    """The outcome of one run: what was checked, what was found, what could not be analysed."""

    policy: Policy
    graph: LineageGraph
    findings: list[Finding]
    deliveries: dict[str, list[Delivery]]
    errors: list[AnalysisError]
    lint: list[LintIssue]
    rules_in_effect: list[Rule]
    as_of: dt.date
    started: dt.datetime
    finished: dt.datetime
    tool_version: str = __version__
    run_by: str = ""
    notices: list[Notice] = field(default_factory=list)
    extra_files: list[FileStatus] = field(default_factory=list)
    """Inputs that are not SQL files (exports, database objects), with their status."""
    exports: list[ExportFile] = field(default_factory=list)
    """Per-column results of every scanned export."""
    baseline: BaselineDiff | None = None
    """The comparison with ``--baseline``, when one was given."""

    @property
    def files(self) -> list[FileStatus]:
        """Every input of the run (SQL files, then exports or database objects) with its status."""
        return self.graph.files + self.extra_files

    @property
    def exit_code(self) -> int:
        """2 if anything could not be analysed, else 1 if a blocking finding, else 0."""
        if self.errors:
            return EXIT_ERROR
        if any(f.blocking for f in self.findings) or any(n.blocking for n in self.notices):
            return EXIT_FINDINGS
        return EXIT_CLEAN


def load_policy_checked(path: Path) -> tuple[Policy, list[LintIssue]]:
    """Load policies and refuse a policy set with lint errors.

    Raises:
        PolicyError: the first lint error, with its file and line.
    """
    policy = load_policies(path)
    issues = lint_policy(policy)
    for issue in issues:
        if issue.severity == "error":
            raise PolicyError(f"{issue.message} [{issue.code}] (run `sharing-audit policy lint`)", path=issue.path, line=issue.line)
    return policy, issues


def analyse(policy: Policy, options: CheckOptions, progress: Callable[[str], None] | None = None) -> LineageGraph:
    """Lineage of every input, against the policy's catalog and approved redactions."""
    approved = frozenset(r.function for r in policy.redactions)
    return build_graph(
        options.inputs,
        Catalog(policy),
        default_schema=options.default_schema,
        approved_functions=approved,
        progress=progress,
    )


def run_check(options: CheckOptions, progress: Callable[[str], None] | None = None) -> RunResult:
    """Run the static SQL check.

    Example:
        >>> from pathlib import Path
        >>> from sharing_audit.checks import sql_inputs_from_paths
        >>> inputs = sql_inputs_from_paths([Path("fixtures/sql/postgres/ok_lt_roster.sql")], "postgres", Path("."))
        >>> result = run_check(CheckOptions(Path("policies"), tuple(inputs)))
        >>> result.exit_code
        0
    """
    started = dt.datetime.now(dt.UTC)
    policy, issues = load_policy_checked(options.policies)
    graph = analyse(policy, options, progress)
    deliveries, delivery_errors = compute_deliveries(graph, policy)
    for err in delivery_errors:
        for status in graph.files:
            if status.path == err.path:
                status.errors.append(err)
    catalog = graph.resolver.catalog
    in_effect = [r for r in policy.rules if r.in_effect(options.as_of)]
    findings = evaluate(policy, catalog, graph, deliveries, in_effect)
    findings, suppression_notices = apply_suppressions(policy, graph, findings)
    analysed = set(graph.objects) | {f.path for f in graph.files}
    findings, waiver_notices = apply_waivers(policy, findings, options.as_of, analysed)
    return RunResult(
        policy=policy,
        graph=graph,
        findings=findings,
        deliveries=deliveries,
        errors=graph.errors,
        lint=issues,
        rules_in_effect=in_effect,
        as_of=options.as_of,
        started=started,
        finished=dt.datetime.now(dt.UTC),
        run_by=user_name(),
        notices=suppression_notices + waiver_notices,
    )


def merge_results(first: RunResult, second: RunResult) -> RunResult:
    """One result for a run that checked SQL and scanned exports with the same policies."""
    return replace(
        first,
        findings=sorted(first.findings + second.findings, key=lambda f: (f.consumer, f.rule_id, f.location.path, f.location.line, f.location.column)),
        errors=first.errors + second.errors,
        notices=first.notices + second.notices,
        extra_files=first.extra_files + second.extra_files,
        exports=first.exports + second.exports,
        finished=max(first.finished, second.finished),
    )


def deliverable(
    name: str, graph: LineageGraph, catalog: Catalog, delivery: Delivery | None = None
) -> ObjectLineage | None:
    """The lineage of a delivered object: a view from the SQL, or a catalog table itself.

    A catalog table granted directly is reported at the grant that delivers it.
    """
    if name in graph.objects:
        return graph.objects[name]
    schema, _, table_name = name.partition(".")
    table = catalog.table(schema, table_name)
    if table is None:
        return None
    pos = delivery.position if delivery and delivery.position else Position(1, 1)
    return ObjectLineage(
        name=name,
        kind="table",
        file=delivery.file if delivery and delivery.file else name,
        position=pos,
        dialect="",
        columns=tuple(
            (c.name, frozenset({Origin(ColumnKey(schema, table_name, c.name), Flow.VALUE, Transform.IDENTITY, (), pos, "SELECT")}))
            for c in table.columns
        ),
        predicates=frozenset(),
        row_sources=(RowSource(name, frozenset(), pos),),
    )


def applies_to(rule: Rule, consumer: ConsumerId, policy: Policy) -> bool:
    """Whether ``rule`` protects data from reaching ``consumer``."""
    if consumer in rule.consumers:
        return True
    found = policy.consumer(consumer)
    return bool(rule.federal and found and found.federal)


def evaluate(
    policy: Policy,
    catalog: Catalog,
    graph: LineageGraph,
    deliveries: dict[str, list[Delivery]],
    rules: Sequence[Rule],
) -> list[Finding]:
    """Every finding of every rule in effect, for every delivered object, deduplicated."""
    ctx = RuleContext(policy, catalog)
    out: dict[str, Finding] = {}
    for name in sorted(deliveries):
        for delivery in deliveries[name]:
            obj = deliverable(name, graph, catalog, delivery)
            if obj is None:
                continue
            for rule in rules:
                if not applies_to(rule, delivery.consumer, policy):
                    continue
                for finding in rule_kind(rule.kind).evaluate(rule, obj, delivery, ctx):
                    out.setdefault(finding.fingerprint, finding)
    return sorted(out.values(), key=lambda f: (f.consumer, f.rule_id, f.location.path, f.location.line, f.location.column))


def user_name() -> str:
    """Who ran the tool, for the report; empty when the OS cannot say."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
