"""``sharing-audit scan``: scan export files and judge them with the policies.

Each file is scanned on its own; a file that cannot be read is an error for that file only
(the run exits 2) and the others are still scanned.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, ColumnKey
from ..checks import ExportCheck
from ..engine import RunResult, load_policy_checked, user_name
from ..errors import CheckError
from ..lineage.graph import AnalysisError, FileStatus, LineageGraph
from ..lineage.resolve import NameResolver
from ..policy.model import ConsumerId, Policy, Rule
from ..waivers import apply_waivers
from .detectors import DETECTORS, Detector
from .evaluate import ExportTarget, evaluate_export, filter_columns
from .model import ExportColumn, ExportFile, ReadOptions, ScanLimits
from .scan import FileScan, Progress, scan_file

SALT_ENV = "SHARING_AUDIT_SALT"
"""Environment variable holding the secret for value hashes; unset means a new one per run."""


@dataclass(frozen=True)
class ExportJob:
    """One file to scan, who receives it and how to read it."""

    path: Path
    display: str
    target: ExportTarget
    read: ReadOptions = ReadOptions()
    sample: int | None = None


@dataclass(frozen=True)
class ScanOptions:
    """Everything a ``scan`` run depends on."""

    policies: Path
    jobs: tuple[ExportJob, ...]
    as_of: dt.date = field(default_factory=dt.date.today)
    limits: ScanLimits = ScanLimits()
    sample: int | None = None
    """Rows to scan per file, overriding each job's own sample."""
    detectors: tuple[str, ...] | None = None
    """Detector names to run; default all."""


def run_salt() -> bytes:
    """The secret for value hashes: configured (to compare runs) or random for this run."""
    configured = os.environ.get(SALT_ENV)
    return configured.encode() if configured else secrets.token_bytes(16)


def jobs_from_checks(checks: Sequence[ExportCheck], root: Path) -> list[ExportJob]:
    """Every file matched by the export checks, with its check's target and read options.

    Raises:
        CheckError: a pattern matches no file, or a column mapping is malformed.
    """
    jobs = []
    for check in checks:
        mapping = tuple((header, _column_key(check, target)) for header, target in check.columns)
        target = ExportTarget(check.id, ConsumerId(check.consumer), check.source, mapping, check.count_column)
        for path, display in check.files(root):
            jobs.append(ExportJob(path, display, target, check.read, check.sample))
    return jobs


def _column_key(check: ExportCheck, text: str) -> ColumnKey:
    schema, table, column = text.split(".")
    return ColumnKey(schema, table, column)


def validate_jobs(policy: Policy, jobs: Sequence[ExportJob]) -> None:
    """Refuse consumers, sources and mapped columns the policies do not know.

    Raises:
        CheckError: naming the check and the unknown name.
    """
    catalog = Catalog(policy)
    for job in jobs:
        t = job.target
        if policy.consumer(t.consumer) is None:
            raise CheckError(f"check {t.check_id}: consumer {t.consumer!r} is not in the policies")
        if t.source is not None and catalog.table(*t.source) is None:
            raise CheckError(f"check {t.check_id}: source {'.'.join(t.source)!r} is not a catalog table")
        for header, key in t.mapping:
            if catalog.column(key) is None:
                raise CheckError(f"check {t.check_id}: column {header!r} maps to {key}, which is not a catalog column")


ScanProgress = Callable[[str, int, int, int], None]
"""Called with (file, bytes read, total bytes, rows read)."""


def run_scan(options: ScanOptions, progress: ScanProgress | None = None) -> RunResult:
    """Scan every job's file and evaluate the rules in effect for its consumer."""
    result, catalog, detectors = start_scan(options)
    policy, in_effect = result.policy, result.rules_in_effect
    salt = run_salt()
    for job in options.jobs:
        on_progress: Progress | None = None
        if progress is not None:
            display = job.display

            def on_progress(done: int, total: int, rows: int, display: str = display) -> None:
                progress(display, done, total, rows)

        scan = scan_file(
            job.path,
            job.display,
            job.read,
            detectors,
            salt=salt,
            limits=options.limits,
            sample_rows=options.sample or job.sample,
            progress=on_progress,
            distinct_columns=filter_columns(policy, job.target),
        )
        _add(result, scan, job, policy, catalog, in_effect, detectors)
    return finish_scan(result, options)


def start_scan(options: ScanOptions) -> tuple[RunResult, Catalog, list[Detector]]:
    """An empty result for a scan, after loading and checking the policies and the jobs."""
    started = dt.datetime.now(dt.UTC)
    policy, issues = load_policy_checked(options.policies)
    validate_jobs(policy, options.jobs)
    catalog = Catalog(policy)
    result = RunResult(
        policy=policy,
        graph=LineageGraph({}, [], [], NameResolver(catalog, [], "public"), {}),
        findings=[],
        deliveries={},
        errors=[],
        lint=issues,
        rules_in_effect=[r for r in policy.rules if r.in_effect(options.as_of)],
        as_of=options.as_of,
        started=started,
        finished=started,
        run_by=user_name(),
    )
    return result, catalog, _detectors(options.detectors)


def finish_scan(result: RunResult, options: ScanOptions) -> RunResult:
    """Apply waivers (judging unused ones only against the files scanned) and stamp the end."""
    analysed = {f.path for f in result.extra_files}
    result.findings, waiver_notices = apply_waivers(result.policy, result.findings, options.as_of, analysed)
    result.notices.extend(waiver_notices)
    result.finished = dt.datetime.now(dt.UTC)
    return result


def _detectors(names: tuple[str, ...] | None) -> list[Detector]:
    if names is None:
        return list(DETECTORS.values())
    unknown = sorted(set(names) - set(DETECTORS))
    if unknown:
        raise CheckError(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(DETECTORS)}")
    return [DETECTORS[n] for n in names]


def _add(
    result: RunResult,
    scan: FileScan,
    job: ExportJob,
    policy: Policy,
    catalog: Catalog,
    rules: list[Rule],
    detectors: list[Detector],
) -> None:
    status = FileStatus(scan.display, scan.format or "unknown", scan.sha256)
    result.extra_files.append(status)
    if scan.error is not None:
        err = AnalysisError(scan.error.code, scan.error.message, scan.display, scan.error.line)
        status.errors.append(err)
        result.errors.append(err)
        return
    if not scan.columns:
        err = AnalysisError("analysis.empty", "the file has no columns to check", scan.display)
        status.errors.append(err)
        result.errors.append(err)
        return
    outcome = evaluate_export(scan, job.target, policy, catalog, rules, detectors)
    status.objects = [scan.display]
    result.findings.extend(outcome.findings)
    result.notices.extend(outcome.notices)
    result.exports.append(
        ExportFile(
            path=scan.display,
            check=job.target.check_id,
            consumer=job.target.consumer,
            format=scan.format,
            compression=scan.compression,
            rows=scan.rows,
            sampled=scan.sampled,
            columns=tuple(
                ExportColumn(
                    name=c.name,
                    position=c.position,
                    non_null=c.non_null,
                    role=c.role,
                    header_match=c.header.how if c.header else None,
                    classes=tuple(c.classes),
                    sources=tuple(c.sources),
                    detectors=tuple((v.detector, v.confidence) for v in c.verdicts),
                )
                for c in outcome.columns
            ),
            aggregate_min_count=outcome.aggregate_min_count,
        )
    )
