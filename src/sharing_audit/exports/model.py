"""Shared types of the export scanner: read options, limits, batches, column evidence.

The scanner is three independent parts that meet here: readers (bytes → batches of string
columns), detectors (a column of strings → evidence of a protected class) and the
evaluator (evidence + policy → findings). Keeping the contracts in one module lets each
part be tested alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import polars as pl

FORMATS = ("csv", "jsonl", "json", "parquet")
COMPRESSIONS = ("none", "gzip", "bz2", "xz", "zip")


@dataclass(frozen=True)
class ReadOptions:
    """How to read one export; every field left as None is sniffed from the bytes."""

    format: str | None = None
    """``csv`` (any delimiter), ``jsonl``, ``json`` (array or object) or ``parquet``."""
    delimiter: str | None = None
    header: bool | None = None
    encoding: str = "utf-8"
    compression: str | None = None
    """``none``, ``gzip``, ``bz2``, ``xz`` or ``zip``; sniffed from magic bytes, never the name."""
    member: str | None = None
    """The member of a zip archive to read; default: the only member."""
    column_names: tuple[str, ...] | None = None
    """Names for a file without a header row."""


@dataclass(frozen=True)
class ScanLimits:
    """Bounds that turn hostile or broken input into a clear error instead of a hang."""

    max_decompressed_bytes: int = 64 * 2**30
    max_compression_ratio: float = 250.0
    """Decompressed/compressed size above which a container is treated as a bomb (checked
    once at least ``ratio_grace_bytes`` have been produced)."""
    ratio_grace_bytes: int = 16 * 2**20
    max_field_bytes: int = 32 * 2**20
    """A single line, cell or JSON value larger than this is an error (not a truncated read)."""
    max_columns: int = 10_000
    max_json_depth: int = 64
    batch_bytes: int = 8 * 2**20
    """Target size of one batch of input bytes (memory is bounded by a few batches)."""


@dataclass
class Batch:
    """Some consecutive data rows of an export, every column as nullable strings."""

    frame: pl.DataFrame
    """Columns named as the reader's ``columns`` (a subset for JSON batches); dtype ``pl.String``."""
    first_row: int
    """1-based data-row number of ``frame``'s first row (header not counted)."""


class ExportReader(Protocol):
    """An opened export. ``batches()`` streams it once; memory stays bounded."""

    path: Path
    format: str
    compression: str
    delimiter: str | None
    has_header: bool
    columns: list[str]
    """Column names known so far: header names, flattened JSON paths (``person.address.street``)
    in first-seen order, or ``#1``, ``#2``... without a header. JSON readers may append."""
    total_bytes: int
    """Size of the file on disk (for progress)."""
    bytes_read: int
    """Bytes of the file on disk consumed so far (for progress)."""

    def batches(self) -> Iterator[Batch]:
        """Yield the rows in order.

        Raises:
            ScanError: with ``code`` set (``analysis.malformed``, ``analysis.too_large``...).
        """
        ...

    def close(self) -> None:
        """Release file handles."""
        ...


@dataclass
class ColumnEvidence:
    """What the scanner measured for one (column, detector) pair over the rows read."""

    column: str
    rows: int
    """Rows read."""
    non_null: int
    """Rows where the column is present and not empty."""
    matches: int
    """Rows where the detector matched."""
    first_rows: list[int] = field(default_factory=list)
    """1-based data-row numbers of the first few matches."""
    sample: list[str] = field(default_factory=list)
    """A few matching values, kept in memory only to confirm the match; never reported."""


@dataclass(frozen=True)
class Verdict:
    """A detector's decision about one column: it holds protected values of ``detector``'s kind."""

    detector: str
    confidence: float
    """0..1: how sure, given the values and the column's name."""
    note: str = ""
    """Why, in words, when context decided (``bare 9-digit numbers, read as SSNs because the
    column is named 'tax_id'``). Never quotes a value."""


@dataclass(frozen=True)
class ExportColumn:
    """One column of a scanned export as reports show it: names, counts, verdicts; no values."""

    name: str
    position: int
    non_null: int
    role: str
    """``data``, ``count`` (of an aggregate) or ``unclassified``."""
    header_match: str | None
    classes: tuple[str, ...]
    sources: tuple[str, ...]
    detectors: tuple[tuple[str, float], ...]
    """``(detector, confidence)`` for every detector whose verdict was positive."""


@dataclass(frozen=True)
class ExportFile:
    """One scanned export: how it was read and what its columns hold."""

    path: str
    check: str
    consumer: str
    format: str
    compression: str
    rows: int
    sampled: bool
    columns: tuple[ExportColumn, ...]
    aggregate_min_count: int | None = None
