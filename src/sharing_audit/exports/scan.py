"""Streaming content scan: every column of every batch through every detector, vectorised.

One ``select`` per batch computes, for each column, the non-empty count and the match count
of each detector (polars evaluates the expressions in parallel, in Rust). Only when a detector
matches does a second, small query fetch the first row numbers and a few values, which stay in
memory to confirm the match and to compute a salted hash; no value leaves this module.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..errors import ScanError
from .detectors import Detector, scoped
from .encodings import decode_column
from .model import Batch, ColumnEvidence, ReadOptions, ScanLimits

FIRST_ROWS = 5
"""Row numbers kept per (column, detector) for the report."""
SAMPLE_VALUES = 20
"""Matching values kept in memory per (column, detector) to confirm a match; never reported."""
DISTINCT_LIMIT = 64
"""Distinct values tracked for a filter column (``person_role``) before giving up."""


@dataclass
class ColumnScan:
    """Everything measured about one column of one export."""

    name: str
    position: int
    """1-based position of the column in the file (first-seen order for JSON)."""
    non_null: int = 0
    evidence: dict[str, ColumnEvidence] = field(default_factory=dict)
    """Per detector name, only for detectors that matched at least once."""
    value_hashes: dict[str, str] = field(default_factory=dict)
    """Per detector, the salted hash of the first matching value."""
    integer_min: int | None = None
    """Smallest value if every non-empty value is a non-negative integer (a count column)."""
    all_integers: bool = True
    decoded: str | None = None
    """The text encoding (``base64``, ``hex``) its values were decoded from before detection."""
    dictionary: bool | None = None
    """Scanned by distinct value (decided on the first batch); None until decided."""
    distinct: set[str] | None = None
    """Distinct values, tracked only for columns that can prove a row restriction; None once
    there are more than ``DISTINCT_LIMIT`` (then nothing is provable)."""


@dataclass
class FileScan:
    """One export file: how it was read and what each column holds."""

    path: Path
    display: str
    sha256: str = ""
    format: str = ""
    compression: str = ""
    delimiter: str | None = None
    has_header: bool = True
    rows: int = 0
    sampled: bool = False
    columns: dict[str, ColumnScan] = field(default_factory=dict)
    error: ScanError | None = None

    def column_list(self) -> list[ColumnScan]:
        """Columns in file order."""
        return sorted(self.columns.values(), key=lambda c: c.position)


Progress = Callable[[int, int, int], None]
"""Called with (bytes read, total bytes, rows read) as a file is scanned."""


def value_hash(salt: bytes, value: str) -> str:
    """A salted, truncated HMAC of a value: comparable across one run's findings, not reversible.

    Example:
        >>> value_hash(b"salt", "x") == value_hash(b"salt", "x") != value_hash(b"other", "x")
        True
    """
    return hmac.new(salt, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, for the record of what was checked."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(4 * 2**20):
            digest.update(chunk)
    return digest.hexdigest()


def scan_file(
    path: Path,
    display: str,
    options: ReadOptions,
    detectors: Sequence[Detector],
    *,
    salt: bytes,
    limits: ScanLimits | None = None,
    sample_rows: int | None = None,
    progress: Progress | None = None,
    distinct_columns: frozenset[str] = frozenset(),
) -> FileScan:
    """Read one export in batches and measure every column against every detector.

    Errors (unreadable, malformed, too large) are recorded on the result, never raised, so
    the other files of a run are still scanned.
    """
    from .readers import open_export

    scan = FileScan(path, display)
    try:
        scan.sha256 = file_sha256(path)
        reader = open_export(path, options, limits or ScanLimits())
    except OSError as exc:
        scan.error = ScanError(f"cannot read the file ({type(exc).__name__})", code="analysis.unreadable", path=display)
        return scan
    except ScanError as exc:
        exc.path = display
        scan.error = exc
        return scan
    try:
        scan.format, scan.compression = reader.format, reader.compression
        scan.delimiter, scan.has_header = reader.delimiter, reader.has_header
        for batch in reader.batches():
            if sample_rows is not None and scan.rows >= sample_rows:
                scan.sampled = True
                break
            frame = batch.frame
            if sample_rows is not None and scan.rows + frame.height > sample_rows:
                frame = frame.head(sample_rows - scan.rows)
                scan.sampled = True
            _register_columns(scan, reader.columns, distinct_columns)
            frame = decode_hidden(scan, frame)
            _scan_batch(scan, Batch(frame, batch.first_row), detectors, salt)
            scan.rows += frame.height
            if progress is not None:
                progress(reader.bytes_read, reader.total_bytes, scan.rows)
        _register_columns(scan, reader.columns, distinct_columns)
    except ScanError as exc:
        exc.path = display
        scan.error = exc
    except OSError as exc:
        scan.error = ScanError(f"read failed ({type(exc).__name__})", code="analysis.unreadable", path=display)
    finally:
        reader.close()
    return scan


def decode_hidden(scan: FileScan, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with base64- or hex-encoded values decoded, noted on their ``ColumnScan``."""
    replaced = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        series, encoding = decode_column(frame.get_column(name))
        if encoding is None:
            continue
        replaced.append(series)
        col = scan.columns.get(name)
        if col is not None and col.decoded is None:
            col.decoded = encoding
    return frame.with_columns(replaced) if replaced else frame


def _register_columns(scan: FileScan, names: Sequence[str], distinct_columns: frozenset[str]) -> None:
    for name in names:
        if name not in scan.columns:
            col = scan.columns[name] = ColumnScan(name, len(scan.columns) + 1)
            if name in distinct_columns:
                col.distinct = set()


DICTIONARY_RATIO = 0.3
"""A column whose first rows are less than this share distinct is scanned by distinct value."""
_COUNT = "__count"


def _aggregates(name: str, i: int, col: ColumnScan, detectors: Sequence[Detector], weighted: bool) -> list[pl.Expr]:
    """Per-column counts; ``weighted`` sums over (distinct value, count) rows instead of rows.

    Unweighted (a high-cardinality column), the regex forms of all detectors are first run as
    one alternation: one pass over the column instead of one per pattern. Only rows it matches
    are re-examined per detector (``_split_regex_hits``); vocabulary and free-text forms are
    counted here on the rows it does not match, so the two parts add up exactly.
    """
    c = pl.col(name)

    def total(flag: pl.Expr) -> pl.Expr:
        return (flag.cast(pl.UInt32) * pl.col(_COUNT)).sum() if weighted else flag.sum()

    exprs = [total(c.is_not_null() & (c.str.len_bytes() > 0)).alias(f"n{i}")]
    if col.all_integers:
        as_int = c.str.strip_chars().cast(pl.Int64, strict=False)
        exprs.append((as_int.is_null() & c.str.strip_chars().str.len_bytes().gt(0)).sum().alias(f"bad{i}"))
        exprs.append(as_int.min().alias(f"min{i}"))
    if weighted:
        exprs.extend(total(det.expr(name)).alias(f"m{i}_{j}") for j, det in enumerate(detectors))
        return exprs
    any_regex = _any_regex(name, detectors)
    exprs.append(any_regex.sum().alias(f"any{i}"))
    for j, det in enumerate(detectors):
        other = det.other_expr(name, fast=True)
        if other is not None:
            exprs.append((other & ~any_regex).sum().alias(f"o{i}_{j}"))
    return exprs


def _any_regex(name: str, detectors: Sequence[Detector]) -> pl.Expr:
    patterns = sorted({scoped(p) for det in detectors for p in det.regexes_for(name)})
    if not patterns:
        return pl.lit(False)
    return pl.col(name).str.contains("|".join(patterns)).fill_null(False)


def _split_regex_hits(frame: pl.DataFrame, name: str, i: int, detectors: Sequence[Detector], counts: dict[str, object]) -> None:
    """Per-detector counts on the few rows the combined pattern matched."""
    hits = frame.select(name).filter(_any_regex(name, detectors))
    per_detector = hits.select([det.expr(name).sum().alias(f"m{i}_{j}") for j, det in enumerate(detectors)]).row(0, named=True)
    for j in range(len(detectors)):
        counts[f"m{i}_{j}"] = int(per_detector[f"m{i}_{j}"] or 0) + int(counts.get(f"o{i}_{j}") or 0)  # type: ignore[call-overload]


def _uses_dictionary(col: ColumnScan, series: pl.Series) -> bool:
    if col.dictionary is None:
        head = series.head(20_000)
        col.dictionary = head.len() >= 1000 and head.n_unique() < DICTIONARY_RATIO * head.len()
    return col.dictionary


def _scan_batch(scan: FileScan, batch: Batch, detectors: Sequence[Detector], salt: bytes) -> None:
    frame = batch.frame
    present = [c for c in scan.column_list() if c.name in frame.columns]
    if not present or frame.height == 0:
        return
    counts: dict[str, object] = {}
    # Low-cardinality columns (race, status, country) are measured once per distinct value;
    # the rest in one parallel select over the batch.
    direct: list[pl.Expr] = []
    for i, col in enumerate(present):
        if _uses_dictionary(col, frame.get_column(col.name)):
            distinct = frame.get_column(col.name).value_counts(name=_COUNT)
            counts.update(distinct.select(_aggregates(col.name, i, col, detectors, weighted=True)).row(0, named=True))
        else:
            direct.extend(_aggregates(col.name, i, col, detectors, weighted=False))
    if direct:
        counts.update(frame.select(direct).row(0, named=True))
        for i, col in enumerate(present):
            if f"any{i}" not in counts:
                continue
            if counts[f"any{i}"]:
                _split_regex_hits(frame, col.name, i, detectors, counts)
            else:
                for j in range(len(detectors)):
                    counts[f"m{i}_{j}"] = counts.get(f"o{i}_{j}") or 0
    for col in present:
        if col.distinct is not None:
            values = frame.get_column(col.name).drop_nulls().str.strip_chars().unique().head(DISTINCT_LIMIT + 1)
            col.distinct.update(values.to_list())
            if len(col.distinct) > DISTINCT_LIMIT:
                col.distinct = None
    for i, col in enumerate(present):
        col.non_null += int(counts[f"n{i}"])  # type: ignore[call-overload]
        if col.all_integers:
            smallest = counts[f"min{i}"]
            if counts[f"bad{i}"] or (isinstance(smallest, int) and smallest < 0):
                col.all_integers, col.integer_min = False, None
            elif isinstance(smallest, int):
                col.integer_min = smallest if col.integer_min is None else min(col.integer_min, smallest)
        for j, det in enumerate(detectors):
            matched = int(counts[f"m{i}_{j}"] or 0)  # type: ignore[call-overload]
            if not matched:
                continue
            ev = col.evidence.setdefault(det.name, ColumnEvidence(col.name, 0, 0, 0))
            ev.matches += matched
            if len(ev.first_rows) < FIRST_ROWS or len(ev.sample) < SAMPLE_VALUES:
                _collect_examples(col, ev, det, frame, batch.first_row, salt)
    for col in scan.columns.values():
        for ev in col.evidence.values():
            ev.rows = scan.rows + frame.height
            ev.non_null = col.non_null


def _collect_examples(
    col: ColumnScan, ev: ColumnEvidence, det: Detector, frame: pl.DataFrame, first_row: int, salt: bytes
) -> None:
    hits = (
        frame.lazy()
        .with_row_index("__row")
        .filter(det.expr(col.name))
        .select("__row", col.name)
        .head(max(FIRST_ROWS, SAMPLE_VALUES))
        .collect()
    )
    for row, value in hits.iter_rows():
        if len(ev.first_rows) < FIRST_ROWS:
            ev.first_rows.append(first_row + int(row))
        if len(ev.sample) < SAMPLE_VALUES and value is not None:
            ev.sample.append(value)
        if det.name not in col.value_hashes and value is not None:
            col.value_hashes[det.name] = value_hash(salt, value)
