"""``audit``: introspect a live database, then run the same lineage and rules as ``check``."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, ColumnKey
from ..delivery import Delivery
from ..engine import RunResult, applies_to, deliverable, load_policy_checked, user_name
from ..findings import Finding, Notice
from ..lineage.graph import AnalysisError, FileStatus, LineageGraph, SqlInput, build_graph
from ..policy.model import Policy, Rule
from ..rules import RuleContext, rule_kind
from ..waivers import apply_waivers
from . import drift
from .introspect import introspect
from .model import Snapshot
from .reach import Filters, LiveDelivery, Roles, RowSecurity, live_deliveries, unique_deliveries
from .reconcile import SCHEMA_COLUMN, SYSTEM_COLUMN, Reconciled, reconcile, schema_map
from .sample import DetectorSpec, sample_notices
from .session import Session, open_session
from .sources import (
    Cleaned,
    SourceFile,
    cleaned_query,
    probe_source,
    remote_source_file,
    view_source,
    write_sources,
)
from .url import parse_database_url


@dataclass(frozen=True)
class AuditOptions:
    """Everything an ``audit`` run depends on."""

    policies: Path
    url: str | None = None
    """The database URL (may hold a password); None reads ``$SHARING_AUDIT_DB_URL``."""
    repo_inputs: tuple[SqlInput, ...] = ()
    """The repository's SQL, for drift; empty means drift is not checked (a notice says so)."""
    default_schema: str = "public"
    schemas: tuple[str, ...] = ()
    """Schemas (MariaDB: databases) to audit, as stored; empty for every user schema."""
    schema_map: tuple[tuple[str, str], ...] = ()
    """``(stored schema, known name)`` pairs (``--map-schema``)."""
    server_map: tuple[tuple[str, str], ...] = ()
    """``(foreign server, policy system)`` pairs (``--map-server``)."""
    statement_timeout: float = 30.0
    """Seconds allowed for each statement."""
    sample_rows: int | None = None
    """With ``--sample``: rows read per federal-reachable object by the pushed-down detectors."""
    drift_blocking: bool = True
    """Whether drift fails the run (``--drift block``, the default) or is only shown."""
    detectors: Mapping[str, DetectorSpec] | None = None
    """Detectors for ``--sample``; None means every one in ``exports.detectors.DETECTORS``."""
    as_of: dt.date = field(default_factory=dt.date.today)


@dataclass
class AuditTrace:
    """What happened during a run, for tests and the benchmark (never printed by the CLI)."""

    statements: list[str] = field(default_factory=list)
    """Every statement sent to the database."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per phase: ``introspection``, ``lineage``, ``rules``, ``drift``, ``sample``, ``total``."""
    snapshot: Snapshot | None = None


def run_audit(options: AuditOptions, trace: AuditTrace | None = None) -> RunResult:
    """Audit one live database against the policies.

    Example:
        >>> import pathlib, sqlite3, tempfile
        >>> db = pathlib.Path(tempfile.mkdtemp()) / "pars.db"
        >>> conn = sqlite3.connect(db)
        >>> _ = conn.execute("CREATE TABLE persons (person_id INTEGER, ssn TEXT, birth_place TEXT)")
        >>> conn.close()
        >>> result = run_audit(AuditOptions(pathlib.Path("policies"), f"sqlite:///{db}", schema_map=(("main", "pars"),)))
        >>> [n.message.split(" is ")[0] for n in result.notices if n.code == "audit.unclassified_column"]
        ['pars.persons.birth_place']
        >>> result.exit_code
        1

    Raises:
        LiveAuditError: the database cannot be reached or read, or the session is not read-only.
        PolicyError: the policies cannot be loaded or have lint errors.
    """
    trace = trace if trace is not None else AuditTrace()
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    policy, issues = load_policy_checked(options.policies)
    url = parse_database_url(options.url)
    with open_session(url, options.statement_timeout) as session:
        try:
            result = _audit(session, policy, options, trace)
        finally:
            trace.statements.extend(session.statements)
    result.lint = issues
    result.started = started
    result.finished = dt.datetime.now(dt.UTC)
    trace.timings["total"] = time.perf_counter() - t0
    return result


def _audit(session: Session, policy: Policy, options: AuditOptions, trace: AuditTrace) -> RunResult:
    t = time.perf_counter()
    raw = introspect(session, options.schemas)
    schemas = schema_map(raw, Catalog(policy), dict(options.schema_map))
    snapshot = raw.renamed(schemas)
    trace.snapshot = snapshot
    trace.timings["introspection"] = time.perf_counter() - t

    t = time.perf_counter()
    rec = reconcile(policy, snapshot, dict(options.server_map))
    catalog = Catalog(rec.policy)
    cleaned = {
        name: cleaned_query(obj, snapshot, schemas)
        for name, obj in snapshot.objects.items()
        if obj.kind.has_definition
    }
    graph, filters = _lineage(snapshot, rec, catalog, cleaned, policy, options.default_schema)
    trace.timings["lineage"] = time.perf_counter() - t

    t = time.perf_counter()
    roles = Roles(rec.policy, snapshot)
    reaches, grant_notices = live_deliveries(rec.policy, snapshot, roles)
    security = RowSecurity(snapshot, roles, filters)
    in_effect = [r for r in policy.rules if r.in_effect(options.as_of)]
    findings = evaluate(rec.policy, catalog, graph, reaches, in_effect, security)
    findings, waiver_notices = apply_waivers(policy, findings, options.as_of)
    deliveries = unique_deliveries(reaches)
    notices = (
        rec.notices
        + grant_notices
        + unclassified_notices(rec, graph, catalog, deliveries, snapshot)
        + waiver_notices
    )
    trace.timings["rules"] = time.perf_counter() - t

    t = time.perf_counter()
    repo_files: list[FileStatus] = []
    if options.repo_inputs:
        drift_notices, repo_files = drift.compare(
            snapshot,
            options.repo_inputs,
            catalog,
            schemas,
            options.default_schema,
            options.drift_blocking,
            cleaned,
        )
        notices += drift_notices
    else:
        notices.append(
            Notice(
                "audit.drift_not_checked",
                "drift not checked: no repository SQL given (--repo-sql or --checks)",
                path=snapshot.display,
            )
        )
    trace.timings["drift"] = time.perf_counter() - t

    if options.sample_rows:
        t = time.perf_counter()
        notices += sample_notices(
            session, snapshot, deliveries, rec.policy, options.sample_rows, options.detectors
        )
        trace.timings["sample"] = time.perf_counter() - t

    database = FileStatus(
        snapshot.display,
        snapshot.dialect,
        _fingerprint(snapshot),
        objects=sorted(o.full for o in snapshot.objects.values() if not o.kind.has_definition),
        errors=list(snapshot.problems),
    )
    errors = graph.errors + database.errors + [e for f in repo_files for e in f.errors]
    now = dt.datetime.now(dt.UTC)
    return RunResult(
        policy=policy,
        graph=graph,
        findings=findings,
        deliveries=deliveries,
        errors=errors,
        lint=[],
        rules_in_effect=in_effect,
        as_of=options.as_of,
        started=now,
        finished=now,
        run_by=user_name(),
        notices=notices,
        extra_files=[database, *repo_files],
    )


def _lineage(
    snapshot: Snapshot,
    rec: Reconciled,
    catalog: Catalog,
    cleaned: Mapping[str, Cleaned | None],
    policy: Policy,
    default_schema: str,
) -> tuple[LineageGraph, dict[tuple[str, str], Filters | None]]:
    """The lineage of every view, foreign table and partition, and what each row policy proves."""
    files: list[SourceFile] = []
    for obj in snapshot.objects.values():
        if obj.kind.has_definition:
            files.append(view_source(obj, snapshot, cleaned[obj.full]))
        elif obj.full in rec.remotes:
            files.append(remote_source_file(obj, rec.remotes[obj.full], snapshot))
    probes = [
        p
        for p in (probe_source(i, pol, snapshot) for i, pol in enumerate(snapshot.policies))
        if p is not None
    ]
    approved = frozenset(r.function for r in policy.redactions)
    with tempfile.TemporaryDirectory(prefix="sharing-audit-live-") as tmp:
        graph = build_graph(
            write_sources(files, Path(tmp), snapshot.dialect),
            catalog,
            default_schema=default_schema,
            approved_functions=approved,
        )
        probe_dir = Path(tmp) / "probes"
        probe_dir.mkdir()
        # NOTE: a graph of its own, so that probe views are never delivered or reported.
        probe_graph = build_graph(
            write_sources(probes, probe_dir, snapshot.dialect),
            catalog,
            default_schema=default_schema,
        )
    problems = {f.display: f for f in files if f.problem}
    for status in graph.files:
        source = problems.get(status.path)
        if source is not None and source.problem is not None:
            status.errors.append(
                AnalysisError(
                    "analysis.unsupported_statement",
                    source.problem,
                    status.path,
                    1,
                    object=source.object,
                )
            )
    return graph, _probe_filters(snapshot, probes, probe_graph)


def evaluate(
    policy: Policy,
    catalog: Catalog,
    graph: LineageGraph,
    reaches: dict[str, list[LiveDelivery]],
    rules: Iterable[Rule],
    security: RowSecurity,
) -> list[Finding]:
    """Every finding of every rule, for every delivered object, with row-level security applied.

    Like ``engine.evaluate``, except that each delivery sees the rows its reader's row-level
    security policies let through.
    """
    ctx = RuleContext(policy, catalog)
    rules = list(rules)
    out: dict[str, Finding] = {}
    for name in sorted(reaches):
        for item in reaches[name]:
            obj = deliverable(name, graph, catalog, item.delivery)
            if obj is None:
                continue
            obj = security.apply(obj, item.reader)
            for rule in rules:
                if not applies_to(rule, item.delivery.consumer, policy):
                    continue
                for finding in rule_kind(rule.kind).evaluate(rule, obj, item.delivery, ctx):
                    out.setdefault(finding.fingerprint, finding)
    return sorted(
        out.values(),
        key=lambda f: (f.consumer, f.rule_id, f.location.path, f.location.line, f.location.column),
    )


def _probe_filters(
    snapshot: Snapshot, probes: list[SourceFile], graph: LineageGraph
) -> dict[tuple[str, str], Filters | None]:
    out: dict[tuple[str, str], Filters | None] = {}
    by_display = {p.display: p.object for p in probes}
    for policy in snapshot.policies:
        display = f"{snapshot.display}#row-policy:{policy.table}:{policy.name}"
        obj = graph.objects.get(by_display.get(display, ""))
        filters = [rs.filters for rs in obj.row_sources if rs.table == policy.table] if obj else []
        out[(policy.table, policy.name)] = filters[0] if len(filters) == 1 and filters[0] else None
    return out


def unclassified_notices(
    rec: Reconciled,
    graph: LineageGraph,
    catalog: Catalog,
    deliveries: dict[str, list[Delivery]],
    snapshot: Snapshot,
) -> list[Notice]:
    """A blocking notice per column the policy catalog does not classify.

    Columns of a system's schema are always reported; columns of other schemas only when
    they reach a federal consumer.
    """
    federal = {c.id for c in rec.policy.consumers if c.federal}
    reaches: dict[ColumnKey, set[tuple[str, str]]] = {}
    for name, items in deliveries.items():
        for delivery in items:
            if delivery.consumer not in federal:
                continue
            obj = deliverable(name, graph, catalog, delivery)
            if obj is None:
                continue
            allowed = delivery.columns
            for column, origin in obj.all_origins():
                if origin.source in rec.uncatalogued and (
                    column is None or allowed is None or column in allowed
                ):
                    reaches.setdefault(origin.source, set()).add((name, delivery.consumer))
    notices = []
    for key, where in sorted(rec.uncatalogued.items(), key=lambda kv: str(kv[0])):
        found = sorted(reaches.get(key, ()))
        if where == SCHEMA_COLUMN and not found:
            continue
        system = rec.policy.system(key.schema)
        place = system.where.path if system is not None and system.where is not None else None
        reach_text = (
            f"; it reaches {', '.join(sorted({c for _, c in found}))} through {', '.join(sorted({o for o, _ in found}))}"
            if found
            else ""
        )
        if where == SYSTEM_COLUMN:
            message = (
                f"{key} is in the database but not in the policy catalog: classify it "
                f"(no class-based rule can protect it until then){reach_text}"
            )
        else:
            message = f"{key} (schema {key.schema} maps to no policy system) is not classified{reach_text}"
        notices.append(
            Notice(
                "audit.unclassified_column",
                message,
                object=key.object_name,
                path=place or snapshot.object_path(key.object_name),
                blocking=True,
            )
        )
    return notices


def _fingerprint(snapshot: Snapshot) -> str:
    """SHA-256 over what was read (objects, columns, definitions, grants), for history."""
    digest = hashlib.sha256()
    for name, obj in sorted(snapshot.objects.items()):
        digest.update(
            f"{name}|{obj.kind.value}|{','.join(obj.column_names())}|{obj.definition or ''}\n".encode()
        )
    for grant in sorted(snapshot.grants, key=repr):
        digest.update(repr(grant).encode())
    return digest.hexdigest()
