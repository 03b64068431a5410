"""Readers: every format and container streams to string columns; broken input is an error."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import subprocess
import zipfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sharing_audit.errors import ScanError
from sharing_audit.exports.model import ReadOptions, ScanLimits
from sharing_audit.exports.readers import open_export

SSN = "078-05-1120"
CSV = f'ssn,name,notes\n{SSN},"Doe, J","said ""hi""\nthen left"\n123456789,Roe,\n'


def rows(path: Path, options: ReadOptions | None = None, limits: ScanLimits | None = None) -> tuple[list[str], list[tuple[object, ...]]]:
    reader = open_export(path, options, limits)
    try:
        frames = [b.frame for b in reader.batches()]
        for frame in frames:
            assert all(dtype == pl.String for dtype in frame.dtypes)
        data = [r for f in frames for r in f.select(reader.columns).rows()] if frames else []
        return reader.columns, data
    finally:
        reader.close()


def error(path: Path, options: ReadOptions | None = None, limits: ScanLimits | None = None) -> ScanError:
    with pytest.raises(ScanError) as exc:
        rows(path, options, limits)
    assert SSN not in str(exc.value) and "078051120" not in str(exc.value)
    return exc.value


def test_csv_with_quotes_newlines_and_empty_cells(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text(CSV)
    columns, data = rows(p)
    assert columns == ["ssn", "name", "notes"]
    assert data == [(SSN, "Doe, J", 'said "hi"\nthen left'), ("123456789", "Roe", None)]


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    p = tmp_path / "a.txt"
    p.write_text(f"ssn{delimiter}name\n{SSN}{delimiter}Doe\n")
    reader = open_export(p)
    assert reader.delimiter == delimiter
    assert rows(p)[1] == [(SSN, "Doe")]


def test_headerless_csv_gets_positions_or_given_names(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text(f"{SSN},Doe\n123-45-6789,Roe\n")
    assert rows(p)[0] == ["#1", "#2"]
    assert rows(p, ReadOptions(column_names=("ssn", "name")))[0] == ["ssn", "name"]
    assert len(rows(p)[1]) == 2


def test_bom_and_latin1(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbfname,city\nJos\xc3\xa9,Phila\n")
    assert rows(p) == (["name", "city"], [("José", "Phila")])
    q = tmp_path / "latin.csv"
    q.write_bytes("name,city\nJosé,Phila\n".encode("latin-1"))
    assert error(q).code == "analysis.encoding"
    assert rows(q, ReadOptions(encoding="latin-1"))[1] == [("José", "Phila")]


@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz", "zip"])
def test_containers(tmp_path: Path, kind: str) -> None:
    data = CSV.encode()
    p = tmp_path / "export.bin"  # the name says nothing: sniffed from bytes
    if kind == "gzip":
        p.write_bytes(gzip.compress(data))
    elif kind == "bz2":
        p.write_bytes(bz2.compress(data))
    elif kind == "xz":
        p.write_bytes(lzma.compress(data))
    else:
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("export.csv", data)
    reader = open_export(p)
    assert reader.compression == kind
    assert rows(p)[1][0] == (SSN, "Doe, J", 'said "hi"\nthen left')


def test_json_lines_array_and_wrapped_documents_flatten(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"person": {"name": "A", "address": {"street": "1 Main St"}}, "ids": [1, 2]}\n{"person": {"name": "B"}, "n": 123456789}\n')
    columns, data = rows(jsonl)
    assert columns == ["person.name", "person.address.street", "ids[]", "n"]
    assert data == [("A", "1 Main St", "1\n2", None), ("B", None, None, "123456789")]
    arr = tmp_path / "a.json"
    arr.write_text('[{"a": 1, "b": {"c": "x"}}, {"a": 2.5}]')
    assert rows(arr) == (["a", "b.c"], [("1", "x"), ("2.5", None)])
    wrapped = tmp_path / "w.json"
    wrapped.write_text('{"meta": {"v": 1}, "records": [{"ssn": "1"}, {"ssn": "2"}]}')
    assert rows(wrapped) == (["ssn"], [("1",), ("2",)])


def test_parquet_with_nested_struct_and_big_ints(tmp_path: Path) -> None:
    p = tmp_path / "a.parquet"
    table = pa.table({"id": pa.array([123456789, 987654321], pa.int64()), "person": pa.array([{"name": "A", "dob": "1980-01-02"}, {"name": "B", "dob": None}])})
    pq.write_table(table, p)
    assert rows(p) == (["id", "person.name", "person.dob"], [("123456789", "A", "1980-01-02"), ("987654321", "B", None)])


def test_batches_number_rows_across_pieces(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    p.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(20000)))
    reader = open_export(p, limits=ScanLimits(batch_bytes=4096))
    batches = list(reader.batches())
    assert len(batches) > 10
    assert [b.first_row for b in batches] == [1 + sum(b.frame.height for b in batches[:i]) for i in range(len(batches))]
    assert sum(b.frame.height for b in batches) == 20000
    assert max(b.frame.estimated_size() for b in batches) < 4 * 4096 + 4096


# -- malformed input: each an error with a stable code, never a value in the message ---------


def test_zero_byte_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert error(p).code == "analysis.empty"


def test_truncated_gzip(tmp_path: Path) -> None:
    p = tmp_path / "t.csv.gz"
    p.write_bytes(gzip.compress((CSV * 2000).encode())[:-200])
    assert error(p).code == "analysis.malformed"


def test_ragged_rows_name_the_row_only(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(f"ssn,name\n{SSN},A\n{SSN}\n")
    err = error(p)
    assert err.code == "analysis.malformed" and "data row 2" in err.message


def test_invalid_utf8_and_nul_bytes(tmp_path: Path) -> None:
    p = tmp_path / "u.csv"
    p.write_bytes(f"ssn,name\n{SSN},\xff\xfe\n".encode("latin-1"))
    assert error(p).code == "analysis.encoding"
    q = tmp_path / "n.csv"
    q.write_bytes(f"ssn,name\n{SSN},a\x00b\n".encode())
    assert error(q).code == "analysis.encoding"


def test_single_huge_line_is_too_large_with_bounded_memory(tmp_path: Path) -> None:
    p = tmp_path / "line.csv"
    with p.open("wb") as fh:
        fh.write(b"a,b\n")
        fh.write(b"x" * (3 * 2**20))
    err = error(p, limits=ScanLimits(max_field_bytes=2**20, batch_bytes=2**18))
    assert err.code == "analysis.too_large"


def test_declared_format_that_lies(tmp_path: Path) -> None:
    p = tmp_path / "a.parquet"
    p.write_text(CSV)
    assert error(p, ReadOptions(format="parquet")).code == "analysis.malformed"
    q = tmp_path / "looks.csv"
    q.write_text('[{"a": 1}]')
    assert open_export(q).format == "json"  # sniffed from content, not the name


def test_corrupt_parquet_footer(tmp_path: Path) -> None:
    p = tmp_path / "c.parquet"
    buf = io.BytesIO()
    pq.write_table(pa.table({"a": ["x"] * 100}), buf)
    data = bytearray(buf.getvalue())
    data[-12:-4] = b"\x00" * 8
    p.write_bytes(bytes(data))
    assert error(p).code == "analysis.malformed"


def test_zip_bombs_encrypted_and_nested_archives(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(gzip.compress(b"a,b\n" + b"0,0\n" * (8 * 2**20)))
    assert error(bomb, limits=ScanLimits(max_compression_ratio=50, ratio_grace_bytes=2**20)).code == "analysis.too_large"
    nested = tmp_path / "nested.zip"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("x.csv", CSV)
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("inner.zip", inner.getvalue())
    assert error(nested).code == "analysis.unsupported"
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("a.csv", CSV)
        z.writestr("b.csv", CSV)
    assert error(many).code == "analysis.unsupported"
    assert rows(many, ReadOptions(member="b.csv"))[0] == ["ssn", "name", "notes"]


def test_encrypted_zip(tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text(CSV)
    enc = tmp_path / "enc.zip"
    proc = subprocess.run(["zip", "-q", "-j", "-P", "secret", str(enc), str(src)], capture_output=True, check=False)
    if proc.returncode != 0:  # no zip tool: set the encryption flag by hand
        with zipfile.ZipFile(enc, "w") as z:
            z.writestr("x.csv", CSV)
        data = bytearray(enc.read_bytes())
        for sig in (b"PK\x03\x04", b"PK\x01\x02"):
            at = data.find(sig)
            offset = 6 if sig == b"PK\x03\x04" else 8
            data[at + offset] |= 1
        enc.write_bytes(bytes(data))
    assert error(enc).code == "analysis.unsupported"


def test_deep_json_and_wide_headers(tmp_path: Path) -> None:
    deep = tmp_path / "d.jsonl"
    deep.write_text('{"a": ' * 100 + "1" + "}" * 100 + "\n")
    assert error(deep).code == "analysis.too_large"
    wide = tmp_path / "w.csv"
    wide.write_text(",".join(f"c{i}" for i in range(200)) + "\n" + ",".join("1" for _ in range(200)) + "\n")
    assert error(wide, limits=ScanLimits(max_columns=100)).code == "analysis.too_large"
