"""Readers: an export's bytes → batches of nullable string columns, streamed with bounded memory.

CSV is cut into pieces of about ``ScanLimits.batch_bytes`` at a line end outside quotes (quote
parity is tracked across pieces), and each piece is parsed by pyarrow's multi-threaded CSV
parser and handed to polars without copying. JSON Lines and JSON documents are streamed
record by record (ijson for documents) and flattened to dotted paths. Parquet is read by row
group. Whatever goes wrong becomes a ``ScanError`` with a stable code and a message that never
quotes the file's content.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import ScanError
from .containers import PARQUET_MAGIC, LimitedStream, open_stream
from .model import Batch, ExportReader, ReadOptions, ScanLimits

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",\t|;"
JSON_BATCH_ROWS = 20_000
PARSE_BLOCK = 1 << 20
"""pyarrow parses a piece in blocks of this size, in parallel; small blocks keep memory low."""


def open_export(path: Path, options: ReadOptions | None = None, limits: ScanLimits | None = None) -> ExportReader:
    """Open one export for streaming, sniffing what the options leave open.

    Raises:
        ScanError: empty, unreadable, or a format/compression the content contradicts.
    """
    options = options or ReadOptions()
    limits = limits or ScanLimits()
    size = path.stat().st_size
    if size == 0:
        raise ScanError("the file is empty (0 bytes)", code="analysis.empty")
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == PARQUET_MAGIC:
        if options.format not in (None, "parquet"):
            raise ScanError(f"the manifest says {options.format} but the file is Parquet", code="analysis.malformed")
        return ParquetReader(path, options, limits)
    if options.format == "parquet":
        raise ScanError("the manifest says parquet but the file is not Parquet (no PAR1 magic)", code="analysis.malformed")
    stream, compression = open_stream(path, options.compression, options.member, limits)
    try:
        sample = stream.read(SNIFF_BYTES)
        if not sample:
            raise ScanError("the file holds no data once decompressed", code="analysis.empty")
        if sample.startswith(PARQUET_MAGIC):
            raise ScanError("Parquet inside a compressed container is not supported; store Parquet files uncompressed (Parquet compresses itself)", code="analysis.unsupported")
        fmt = options.format or sniff_text_format(sample, options.encoding)
        reader: ExportReaderBase
        if fmt == "csv":
            reader = CsvReader(path, stream, sample, compression, options, limits, size)
        elif fmt == "jsonl":
            reader = JsonLinesReader(path, stream, sample, compression, options, limits, size)
        elif fmt == "json":
            reader = JsonDocumentReader(path, stream, sample, compression, options, limits, size)
        else:
            raise ScanError(f"unknown format {fmt!r}", code="analysis.unsupported")
    except BaseException:
        stream.close()
        raise
    return reader


def sniff_text_format(sample: bytes, encoding: str = "utf-8") -> str:
    r"""``json`` (a document), ``jsonl`` or ``csv``, from the first bytes.

    Example:
        >>> sniff_text_format(b'{"a": 1}\n{"a": 2}\n'), sniff_text_format(b'[{"a": 1}]'), sniff_text_format(b'a,b\n1,2\n')
        ('jsonl', 'json', 'csv')
    """
    text = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, _, rest = text.partition(b"\n")
        try:
            json.loads(first.decode(encoding, errors="strict"))
        except (ValueError, UnicodeDecodeError):
            return "json"
        # One line holding one object is a document (it may wrap a list of records).
        return "jsonl" if rest.strip()[:1] == b"{" else "json"
    if b"\x00" in sample:
        raise ScanError("the file contains NUL bytes: binary, or a text encoding other than the one declared", code="analysis.encoding")
    return "csv"


class ExportReaderBase:
    """What every reader shares: identity, progress counters, column registry."""

    format = ""

    def __init__(self, path: Path, compression: str, options: ReadOptions, limits: ScanLimits, size: int) -> None:
        self.path = path
        self.compression = compression
        self.options = options
        self.limits = limits
        self.delimiter: str | None = None
        self.has_header = True
        self.columns: list[str] = []
        self.total_bytes = size
        self.bytes_read = 0

    def batches(self) -> Iterator[Batch]:
        """Yield the rows in order (see the subclasses)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> ExportReaderBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_width(self, count: int) -> None:
        if count > self.limits.max_columns:
            raise ScanError(f"{count:,} columns is more than the limit of {self.limits.max_columns:,}", code="analysis.too_large")


class _TextReader(ExportReaderBase):
    def __init__(self, path: Path, stream: LimitedStream, sample: bytes, compression: str, options: ReadOptions, limits: ScanLimits, size: int) -> None:
        super().__init__(path, compression, options, limits, size)
        self.stream = stream
        self._pending = sample
        self._eof = False
        self._offset = 0
        """Decompressed bytes already handed out, for error offsets."""

    def close(self) -> None:  # noqa: D102
        self.stream.close()

    def _fill(self, want: int) -> bool:
        """Read until ``_pending`` holds ``want`` bytes or the input ends; False at the end."""
        while len(self._pending) < want and not self._eof:
            data = self.stream.read(max(want - len(self._pending), 1 << 20))
            if not data:
                self._eof = True
                break
            self._pending += data
        self.bytes_read = self.stream._disk.count
        return bool(self._pending)

    def _utf8(self, piece: bytes) -> bytes:
        """The piece as UTF-8, refusing NUL bytes and bytes invalid in the declared encoding."""
        nul = piece.find(b"\x00")
        if nul >= 0:
            raise ScanError(f"NUL byte at byte offset {self._offset + nul:,}: binary data in a text file", code="analysis.encoding")
        encoding = self.options.encoding.lower().replace("_", "-")
        try:
            text = piece.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ScanError(
                f"bytes at offset {self._offset + exc.start:,} are not valid {self.options.encoding}; set `encoding:` in the check if the file uses another",
                code="analysis.encoding",
            ) from None
        except LookupError:
            raise ScanError(f"unknown encoding {self.options.encoding!r}", code="analysis.unsupported") from None
        return piece if encoding in ("utf-8", "utf8", "ascii") else text.encode("utf-8")


class CsvReader(_TextReader):
    """Delimited text, cut at line ends outside quotes and parsed by pyarrow in pieces."""

    format = "csv"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self._pending.startswith(b"\xef\xbb\xbf"):
            self._pending = self._pending[3:]
        text = self._utf8(self._cut(self._pending, final=self._eof) or self._pending).decode("utf-8", errors="replace")
        try:
            self.delimiter = self.options.delimiter or sniff_delimiter(text)
            first = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter), [])
            header = self.options.header if self.options.header is not None else looks_like_header(text, self.delimiter)
        except csv.Error:
            raise ScanError("the first rows cannot be read as delimited text (stray quotes or line ends)", code="analysis.malformed") from None
        self.has_header = header and self.options.column_names is None
        if self.options.column_names is not None:
            names = list(self.options.column_names)
        elif header:
            names = unique_names(first)
        else:
            names = [f"#{i}" for i in range(1, len(first) + 1)]
        self._check_width(len(names))
        if not names or len(set(names)) != len(names):
            raise ScanError("the first row gives no usable column names", code="analysis.malformed")
        self.columns = names
        self._skip_header = header

    def _cut(self, data: bytes, final: bool) -> bytes:
        """The longest prefix of ``data`` that ends at a line end outside quotes.

        Quote parity is counted from the piece's start (always outside quotes). A stray quote
        inside an unquoted field (``5'10"``) upsets the count; when no balanced line end is
        found in four batches' worth of data, the last line end is taken and the parser judges.
        """
        if final:
            return data
        end = len(data)
        while True:
            nl = data.rfind(b"\n", 0, end)
            if nl < 0:
                break
            if data.count(b'"', 0, nl) % 2 == 0:
                return data[: nl + 1]
            end = nl
        if len(data) > 4 * self.limits.batch_bytes:
            nl = data.rfind(b"\n")
            return data[: nl + 1] if nl >= 0 else b""
        return b""

    def batches(self) -> Iterator[Batch]:  # noqa: D102
        row = 1
        first = True
        target = self.limits.batch_bytes
        while self._fill(target):
            last = self._eof and len(self._pending) <= target
            piece = self._cut(self._pending[:target], final=last)
            if not piece:
                if len(self._pending) > self.limits.max_field_bytes:
                    raise ScanError(
                        f"a line (or quoted field) is longer than {self.limits.max_field_bytes:,} bytes (limit)",
                        code="analysis.too_large",
                    )
                target = len(self._pending) * 2
                continue
            target = self.limits.batch_bytes
            self._pending = self._pending[len(piece) :]
            data = self._utf8(piece)
            if first and self._skip_header:
                data = data.split(b"\n", 1)[1] if b"\n" in data else b""
            first = False
            self._offset += len(piece)
            if not data or data.isspace():
                continue
            frame = self._parse(data, row)
            yield Batch(frame, row)
            row += frame.height

    def _parse(self, data: bytes, first_row: int) -> pl.DataFrame:
        names = self.columns
        try:
            table = pacsv.read_csv(
                pa.py_buffer(data),
                read_options=pacsv.ReadOptions(column_names=names, block_size=PARSE_BLOCK),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter or ",", newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowException):
            # pyarrow's message quotes the row; find the row ourselves and say only where.
            raise ScanError(self._ragged(data, first_row), code="analysis.malformed") from None
        try:
            frame = pl.from_arrow(table)
        except pl.exceptions.PolarsError:
            raise ScanError(f"data near row {first_row:,} cannot be read as a table (duplicate or empty column names?)", code="analysis.malformed") from None
        assert isinstance(frame, pl.DataFrame)
        return frame

    def _ragged(self, data: bytes, first_row: int) -> str:
        width = len(self.columns)
        reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace")), delimiter=self.delimiter or ",")
        try:
            for i, fields in enumerate(reader):
                if fields and len(fields) != width:
                    return f"data row {first_row + i:,} has {len(fields)} fields where the header has {width} (ragged rows)"
        except csv.Error:
            return f"unbalanced quotes near data row {first_row:,}"
        return f"a row near data row {first_row:,} cannot be parsed as {self.delimiter!r}-delimited text"


class JsonLinesReader(_TextReader):
    """One JSON object per line, flattened."""

    format = "jsonl"

    def batches(self) -> Iterator[Batch]:  # noqa: D102
        rows: list[dict[str, str | None]] = []
        first_row = 1
        line_no = 0
        while self._fill(self.limits.batch_bytes):
            nl = self._pending.rfind(b"\n")
            if nl < 0 and not self._eof:
                if len(self._pending) > self.limits.max_field_bytes:
                    raise ScanError(f"a line is longer than {self.limits.max_field_bytes:,} bytes (limit)", code="analysis.too_large")
                self._fill(len(self._pending) * 2)
                continue
            cut = len(self._pending) if self._eof or nl < 0 else nl + 1
            piece, self._pending = self._pending[:cut], self._pending[cut:]
            for raw in self._utf8(piece).split(b"\n"):
                line_no += 1
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw)
                except RecursionError:
                    raise ScanError(f"line {line_no:,}: JSON nested too deeply", code="analysis.too_large") from None
                except ValueError:
                    raise ScanError(f"line {line_no:,} is not valid JSON", code="analysis.malformed") from None
                rows.append(flatten(value, self.limits.max_json_depth, line_no))
                if len(rows) >= JSON_BATCH_ROWS:
                    yield self._batch(rows, first_row)
                    first_row += len(rows)
                    rows = []
            self._offset += len(piece)
        if rows:
            yield self._batch(rows, first_row)

    def _batch(self, rows: list[dict[str, str | None]], first_row: int) -> Batch:
        for r in rows:
            for key in r:
                if key not in self._known:
                    self._known.add(key)
                    self.columns.append(key)
        self._check_width(len(self.columns))
        present = [c for c in self.columns if any(c in r for r in rows)]
        frame = pl.DataFrame({c: [r.get(c) for r in rows] for c in present}, schema={c: pl.String for c in present})
        return Batch(frame, first_row)

    @property
    def _known(self) -> set[str]:
        known: set[str] | None = getattr(self, "_known_set", None)
        if known is None:
            known = set(self.columns)
            self._known_set = known
        return known


class JsonDocumentReader(JsonLinesReader):
    """A JSON array of records, or an object holding one (``{"records": [...]}``), streamed."""

    format = "json"

    def batches(self) -> Iterator[Batch]:  # noqa: D102
        import ijson

        stream = _Replay(self._pending, self.stream)
        prefix = _records_prefix(self._pending)
        rows: list[dict[str, str | None]] = []
        first_row = 1
        try:
            for i, value in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
                self.bytes_read = self.stream._disk.count
                rows.append(flatten(value, self.limits.max_json_depth, i))
                if len(rows) >= JSON_BATCH_ROWS:
                    yield self._batch(rows, first_row)
                    first_row += len(rows)
                    rows = []
        except ijson.JSONError:
            raise ScanError(f"invalid or truncated JSON after record {first_row + len(rows) - 1:,}", code="analysis.malformed") from None
        except UnicodeDecodeError:
            raise ScanError("the JSON is not valid UTF-8", code="analysis.encoding") from None
        except (ValueError, ArithmeticError):
            raise ScanError(f"a number JSON cannot represent after record {first_row + len(rows) - 1:,}", code="analysis.malformed") from None
        except RecursionError:
            raise ScanError("JSON nested too deeply", code="analysis.too_large") from None
        if rows:
            yield self._batch(rows, first_row)


def _records_prefix(sample: bytes) -> str:
    """Ijson prefix of the records: ``item`` for an array, ``KEY.item`` for ``{"KEY": [...]}``."""
    text = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "item"
    import ijson

    try:
        # NOTE: use_float=True also for this sniff: without it, yajl2_c crashes the process
        # (SIGSEGV) on a huge integer and raises decimal errors on a huge exponent.
        events = ijson.parse(io.BytesIO(sample), use_float=True)
        depth_key = None
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                depth_key = value
            elif depth_key is not None and prefix == depth_key and event == "start_array":
                return f"{depth_key}.item"
            elif depth_key is not None and prefix == depth_key:
                depth_key = None
    except (ijson.JSONError, UnicodeDecodeError, ValueError, ArithmeticError):
        pass  # the full parse reports it, with the right code
    return ""


class _Replay:
    """Bytes already read, then the rest of the stream (for ijson)."""

    def __init__(self, head: bytes, stream: LimitedStream) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._head:
            out, self._head = self._head, b""
            return out
        return self._stream.read(size if size > 0 else 1 << 20)


def flatten(value: Any, max_depth: int, where: int) -> dict[str, str | None]:
    r"""One record as ``{dotted.path: text}``.

    Lists of scalars become one column ``path[]`` with the items joined by newlines; lists of
    objects become ``path[].field`` columns, joined the same way.

    Example:
        >>> flatten({"p": {"a": {"street": "1 Main St"}}, "ids": [1, 2], "n": None}, 10, 1)
        {'p.a.street': '1 Main St', 'ids[]': '1\n2', 'n': None}
    """
    out: dict[str, list[str | None]] = {}

    def walk(v: Any, path: str, depth: int) -> None:
        if depth > max_depth:
            raise ScanError(f"record {where:,}: JSON nested deeper than {max_depth} levels (limit)", code="analysis.too_large")
        if isinstance(v, dict):
            if not v and path:
                out.setdefault(path, []).append(None)
            for k, item in v.items():
                walk(item, f"{path}.{k}" if path else str(k), depth + 1)
        elif isinstance(v, list):
            for item in v:
                walk(item, f"{path}[]", depth + 1)
            if not v:
                out.setdefault(f"{path}[]", []).append(None)
        else:
            out.setdefault(path or "value", []).append(_text(v))

    walk(value, "", 0)
    return {k: _join(vs) for k, vs in out.items()}


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    return str(v)


def _join(values: list[str | None]) -> str | None:
    kept = [v for v in values if v is not None and v != ""]
    return "\n".join(kept) if kept else None


class ParquetReader(ExportReaderBase):
    """Parquet by row group; nested structs flattened to dotted paths; every value as text."""

    format = "parquet"

    def __init__(self, path: Path, options: ReadOptions, limits: ScanLimits) -> None:
        import pyarrow.parquet as pq

        super().__init__(path, "none", options, limits, path.stat().st_size)
        try:
            self._file = pq.ParquetFile(path)
            schema = self._file.schema_arrow
        except (pa.ArrowException, OSError):
            raise ScanError("the Parquet footer or schema is corrupt", code="analysis.malformed") from None
        self._check_width(len(schema))
        self.columns = _flat_names(schema)
        self._check_width(len(self.columns))

    def batches(self) -> Iterator[Batch]:  # noqa: D102
        row = 1
        try:
            for rb in self._file.iter_batches(batch_size=65_536):
                table = pa.Table.from_batches([rb])
                while any(pa.types.is_struct(f.type) for f in table.schema):
                    table = table.flatten()
                frame = pl.from_arrow(table)
                assert isinstance(frame, pl.DataFrame)
                frame = frame.select([_as_text(frame.get_column(c)).alias(c) for c in frame.columns])
                self.bytes_read = min(self.total_bytes, self.bytes_read + rb.nbytes)
                yield Batch(frame, row)
                row += frame.height
        except (pa.ArrowException, OSError):
            raise ScanError(f"a Parquet row group after data row {row - 1:,} is corrupt", code="analysis.malformed") from None
        self.bytes_read = self.total_bytes


def _flat_names(schema: pa.Schema) -> list[str]:
    names: list[str] = []

    def walk(field: pa.Field, prefix: str) -> None:
        name = f"{prefix}{field.name}"
        if pa.types.is_struct(field.type):
            for child in field.type:
                walk(child, name + ".")
        else:
            names.append(name)

    for field in schema:
        walk(field, "")
    return names


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.String:
        return series
    if isinstance(series.dtype, pl.List | pl.Array):
        return series.cast(pl.List(pl.String), strict=False).list.join("\n")
    if series.dtype == pl.Boolean:
        return series.cast(pl.String).str.to_lowercase()
    try:
        return series.cast(pl.String)
    except pl.exceptions.PolarsError:
        return pl.Series(series.name, [None if v is None else json.dumps(v, default=str) for v in series.to_list()], dtype=pl.String)


def sniff_delimiter(text: str) -> str:
    r"""The delimiter among , tab | ; that splits the first lines most consistently.

    Example:
        >>> sniff_delimiter("a|b|c\n1|2|3\n"), sniff_delimiter("a;b\n1;2\n"), sniff_delimiter("name\nx\n")
        ('|', ';', ',')
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0.0
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0]) / len(widths)
        score = consistent * 10 + min(widths[0], 50) / 50
        if score > best_score:
            best, best_score = d, score
    return best


_NUMERIC = set("0123456789.,-+/: ")


def looks_like_header(text: str, delimiter: str) -> bool:
    r"""Whether the first row names columns rather than holding data.

    Exports nearly always have a header, so the first row is one unless it looks like data:
    an empty, numeric or date-like field, a field longer than 64 characters, a repeated field,
    or a field that reappears as a value of the same column further down.

    Example:
        >>> looks_like_header("inmate_name,race\nAna Lopez,W\n", ","), looks_like_header("1,2\n3,4\n", ",")
        (True, False)
        >>> looks_like_header("Ana Lopez,W\nBo Chen,W\n", ",")
        False
    """
    rows = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:200])), delimiter=delimiter))
    if not rows or not rows[0]:
        return False
    first = [f.strip() for f in rows[0]]
    if any(not f or set(f) <= _NUMERIC or len(f) > 64 for f in first) or len(set(first)) != len(first):
        return False
    for i, name in enumerate(first):
        if any(len(r) > i and r[i].strip() == name for r in rows[1:]):
            return False
    return True


def unique_names(fields: list[str]) -> list[str]:
    """Header names as written (trimmed), duplicates numbered ``name#2``; blanks as ``#N``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(fields, start=1):
        name = raw.strip() or f"#{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out
