"""``scan --engine gx`` and ``gx export``: the scan, with Great Expectations computing the counts.

Reading, header matching and the rules are the native ones; only the per-(column, detector)
match counts come from GX, so the two engines can be compared finding for finding. GX on
pandas holds the whole file in memory (that is how GX's pandas engine works); use the native
engine for files larger than memory.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..catalog import Catalog
from ..engine import RunResult
from ..errors import ScanError
from ..policy.model import Policy
from .evaluate import evaluate_export, filter_columns
from .gx import ExportExpectations, expectations_for, run_gx_pandas
from .model import ReadOptions, ScanLimits
from .readers import open_export
from .run import ExportJob, ScanOptions, _add, _detectors, finish_scan, start_scan
from .scan import FileScan, _register_columns, _scan_batch, decode_hidden, file_sha256


def read_whole(path: Path, options: ReadOptions, sample: int | None, limits: ScanLimits | None = None) -> tuple[pl.DataFrame, FileScan]:
    """The export as one frame (GX needs it whole), and its structure measured natively."""
    reader = open_export(path, options, limits or ScanLimits())
    try:
        frames = []
        rows = 0
        for batch in reader.batches():
            frames.append(batch.frame)
            rows += batch.frame.height
            if sample is not None and rows >= sample:
                break
        frame = pl.concat(frames, how="diagonal") if frames else pl.DataFrame()
        if sample is not None:
            frame = frame.head(sample)
        scan = FileScan(path, str(path), format=reader.format, compression=reader.compression, delimiter=reader.delimiter, has_header=reader.has_header)
        scan.sampled = sample is not None and rows >= sample
        _register_columns(scan, reader.columns, frozenset())
        frame = frame.select([pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in reader.columns])
        return frame, scan
    finally:
        reader.close()


def scan_job_gx(job: ExportJob, policy: Policy, options: ScanOptions) -> FileScan:
    """One file through GX: structure natively, detector counts from GX's validation."""
    detectors = _detectors(options.detectors)
    try:
        frame, scan = read_whole(job.path, job.read, options.sample or job.sample, options.limits)
    except ScanError as exc:
        exc.path = job.display
        failed = FileScan(job.path, job.display, error=exc)
        failed.sha256 = file_sha256(job.path) if job.path.exists() else ""
        return failed
    scan.display = job.display
    scan.sha256 = file_sha256(job.path)
    for name in filter_columns(policy, job.target):
        if name in scan.columns:
            scan.columns[name].distinct = set()
    # The same decoding as the native engine, so GX's expectations see the hidden values too.
    frame = decode_hidden(scan, frame)
    if frame.height:
        from .model import Batch

        _scan_batch(scan, Batch(frame, 1), [], b"")
    scan.rows = frame.height
    expectations = expectations_for(f"sharing-audit {job.display}", list(scan.columns), detectors, None, [])
    outcome = run_gx_pandas(frame.to_pandas(), expectations) if frame.height else None
    for (column, detector), ev in (outcome.evidence.items() if outcome else []):
        if ev.matches:
            col = scan.columns[column]
            ev.non_null = col.non_null
            col.evidence[detector] = ev
    return scan


def run_scan_gx(options: ScanOptions) -> RunResult:
    """``scan --engine gx``: the same result shape as the native scan."""
    result, catalog, detectors = start_scan(options)
    for job in options.jobs:
        _add(result, scan_job_gx(job, result.policy, options), job, result.policy, catalog, result.rules_in_effect, detectors)
    return finish_scan(result, options)


def export_suite(job: ExportJob, policy: Policy, options: ScanOptions) -> ExportExpectations:
    """The suite a team can run in its own GX checkpoints for this export and consumer.

    Columns whose names the policy forbids for the consumer are left out of the exact column
    set (so their presence fails the suite); every detector the policy maps to a class is
    checked on every column.
    """
    reader = open_export(job.path, job.read)
    try:
        columns = list(reader.columns)
        for _ in reader.batches():
            break
        columns = list(reader.columns)
    finally:
        reader.close()
    header_only = FileScan(job.path, job.display, rows=0)
    _register_columns(header_only, columns, frozenset())
    for col in header_only.columns.values():
        col.non_null = 1  # names only: treat every column as present
    catalog = Catalog(policy)
    in_effect = [r for r in policy.rules if r.in_effect(options.as_of)]
    outcome = evaluate_export(header_only, job.target, policy, catalog, in_effect, [])
    forbidden = sorted({f.output_column for f in outcome.findings if f.output_column})
    mapped = {d for c in policy.classes for d in c.detect}
    detectors = [d for d in _detectors(options.detectors) if d.name in mapped]
    return expectations_for(f"sharing-audit {job.display} for {job.target.consumer}", columns, detectors, None, forbidden)


__all__ = ["export_suite", "run_scan_gx", "scan_job_gx"]
