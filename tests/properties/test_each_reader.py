"""Property tests per file reader: well-formed files read back exactly, broken ones fail closed.

Each reader gets inputs shaped for it (hypothesis, derandomized), so the properties reach past
the format sniffing that arbitrary bytes stop at: every row and cell of a valid CSV, JSON
Lines, JSON or Parquet file comes back (in every container), and a corrupted copy ends in
rows or an ``analysis.*`` error, never an uncaught exception.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import DEMO_POLICIES
from sharing_audit.errors import ScanError
from sharing_audit.exports.evaluate import ExportTarget
from sharing_audit.exports.model import ReadOptions, ScanLimits
from sharing_audit.exports.readers import open_export
from sharing_audit.exports.run import ExportJob, ScanOptions, run_scan
from sharing_audit.policy.model import ConsumerId

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
LIMITS = ScanLimits(batch_bytes=256, max_field_bytes=1 << 16)
"""Tiny batches, so that row and quote boundaries fall inside batches."""

# Cells with the characters that break naive readers: delimiters, quotes, line breaks, Unicode.
CELL = st.text(alphabet=st.sampled_from(list('ab Z9,;|\t"\'\n\r{}[]:\\é漢-')), min_size=1, max_size=12)
NAMES = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=5, unique=True)


def _read_all(path: Path, options: ReadOptions) -> tuple[list[str], list[dict[str, Any]]]:
    reader = open_export(path, options, LIMITS)
    rows: list[dict[str, Any]] = []
    try:
        for batch in reader.batches():
            rows.extend(batch.frame.to_dicts())
        return list(reader.columns), rows
    finally:
        reader.close()


def _read_or_error(path: Path, options: ReadOptions) -> None:
    try:
        _read_all(path, options)
    except ScanError as exc:
        assert exc.code.startswith("analysis.")


def _rows_unless_too_large(path: Path, options: ReadOptions) -> list[dict[str, Any]] | None:
    """The rows read, or None when a generated record exceeds a limit (columns, depth)."""
    try:
        return _read_all(path, options)[1]
    except ScanError as exc:
        assert exc.code == "analysis.too_large"  # a limit, nothing else
        return None


def _assert_truncation_fails_closed(data: bytes, where: int, name: str, options: ReadOptions) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data[: where % len(data)])
        try:
            _read_all(path, options)
        except ScanError as exc:
            assert exc.code.startswith("analysis.")
        else:
            raise AssertionError(f"a truncated {name} was read as complete")


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = draw(NAMES)
    rows = draw(st.lists(st.lists(CELL, min_size=len(names), max_size=len(names)), min_size=1, max_size=30))
    return names, rows


def _csv_bytes(names: list[str], rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _wrap(data: bytes, container: str) -> bytes:
    if container == "gzip":
        return gzip.compress(data)
    if container == "bz2":
        return bz2.compress(data)
    if container == "xz":
        return lzma.compress(data)
    if container == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export.dat", data)
        return out.getvalue()
    return data


CONTAINERS = st.sampled_from(["none", "gzip", "bz2", "xz", "zip"])


@SETTINGS
@given(tables(), st.sampled_from([",", ";", "|", "\t"]), CONTAINERS)
def test_csv_reads_back_every_cell(table: tuple[list[str], list[list[str]]], delimiter: str, container: str) -> None:
    names, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.dat"
        path.write_bytes(_wrap(_csv_bytes(names, rows, delimiter), container))
        columns, read = _read_all(path, ReadOptions(format="csv", delimiter=delimiter, header=True))
    assert columns == names
    assert [[r[n] for n in names] for r in read] == rows


@SETTINGS
@given(tables(), st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=4))
def test_corrupted_csv_reads_or_fails_closed(table: tuple[list[str], list[list[str]]], where: int, junk: bytes) -> None:
    names, rows = table
    data = _csv_bytes(names, rows, ",")
    cut = where % len(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data[:cut] + junk + data[cut + len(junk):])
        _read_or_error(path, ReadOptions())


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False), CELL)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), inner, max_size=3),
    max_leaves=12,
)
RECORDS = st.lists(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), JSON_VALUES, min_size=1, max_size=5), min_size=1, max_size=20)


@SETTINGS
@given(RECORDS, CONTAINERS)
def test_json_lines_give_one_row_per_record(records: list[dict[str, Any]], container: str) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.dat"
        path.write_bytes(_wrap(data, container))
        read = _rows_unless_too_large(path, ReadOptions(format="jsonl"))
    assert read is None or len(read) == len(records)


@SETTINGS
@given(RECORDS, st.booleans())
def test_json_documents_give_one_row_per_record(records: list[dict[str, Any]], wrapped: bool) -> None:
    doc: Any = {"meta": {"n": len(records)}, "records": records} if wrapped else records
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        read = _rows_unless_too_large(path, ReadOptions(format="json"))
    assert read is None or len(read) == len(records)


@SETTINGS
@given(RECORDS, st.integers(min_value=0, max_value=10_000))
def test_truncated_json_fails_closed(records: list[dict[str, Any]], where: int) -> None:
    _assert_truncation_fails_closed(json.dumps(records).encode("utf-8"), where, "x.json", ReadOptions(format="json"))


PARQUET_COLUMNS = st.sampled_from(
    [
        pa.string(),
        pa.int64(),
        pa.float64(),
        pa.bool_(),
        pa.date32(),
        pa.list_(pa.string()),
        pa.struct([("street", pa.string()), ("zip", pa.int32())]),
    ]
)


@st.composite
def parquet_tables(draw: st.DrawFn) -> pa.Table:
    names = draw(NAMES)
    types = [draw(PARQUET_COLUMNS) for _ in names]
    height = draw(st.integers(min_value=0, max_value=40))
    columns = []
    for kind in types:
        values: list[Any] = []
        for _ in range(height):
            if draw(st.booleans()) and draw(st.booleans()):
                values.append(None)
            elif kind == pa.string():
                values.append(draw(CELL))
            elif kind == pa.int64():
                values.append(draw(st.integers(-(2**40), 2**40)))
            elif kind == pa.float64():
                values.append(draw(st.floats(allow_nan=False)))
            elif kind == pa.bool_():
                values.append(draw(st.booleans()))
            elif kind == pa.date32():
                values.append(draw(st.dates()))
            elif pa.types.is_list(kind):
                values.append(draw(st.lists(CELL, max_size=3)))
            else:
                values.append({"street": draw(CELL), "zip": draw(st.integers(0, 99999))})
        columns.append(pa.array(values, type=kind))
    return pa.table(columns, names=names)


@SETTINGS
@given(parquet_tables(), st.integers(min_value=1, max_value=16))
def test_parquet_reads_every_row_group(table: pa.Table, row_group: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.parquet"
        pq.write_table(table, path, row_group_size=row_group)
        columns, read = _read_all(path, ReadOptions(format="parquet"))
    assert len(read) == table.num_rows
    # Structs are flattened to dotted names; every top-level column is represented.
    assert all(any(c == n or c.startswith(f"{n}.") for c in columns) for n in table.column_names)


@SETTINGS
@given(parquet_tables(), st.integers(min_value=0, max_value=100_000))
def test_truncated_parquet_fails_closed(table: pa.Table, where: int) -> None:
    out = io.BytesIO()
    pq.write_table(table, out)
    _assert_truncation_fails_closed(out.getvalue(), where, "x.parquet", ReadOptions(format="parquet"))


@SETTINGS
@given(st.one_of(st.binary(max_size=300), tables().map(lambda t: _csv_bytes(*t, ","))), CONTAINERS)
def test_every_scanned_file_is_analysed_or_an_error(data: bytes, container: str) -> None:
    """The scan-level property: no file is left without a verdict, and no exception escapes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.dat"
        path.write_bytes(_wrap(data, container))
        job = ExportJob(path, "x.dat", ExportTarget("t", ConsumerId("ice")))
        result = run_scan(ScanOptions(DEMO_POLICIES, (job,)))
    (status,) = result.files
    assert status.path == "x.dat" and status.status in ("ok", "error")
    if status.status == "error":
        assert result.exit_code == 2 and all(e.code.startswith("analysis.") for e in status.errors)
    else:
        assert result.exit_code in (0, 1) and len(result.exports) == 1
