"""Inputs the fuzzer crashed the readers with, kept as regression tests (fuzz/harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharing_audit.errors import ScanError
from sharing_audit.exports.model import ReadOptions, ScanLimits
from sharing_audit.exports.readers import open_export

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "fmt", "code"),
    [
        # A blank first line, then a row of delimiters: duplicate column names reached polars.
        ("fuzz-csv-empty-first-line.bin", None, "analysis.malformed"),
        # Invalid UTF-8 while sniffing where a JSON document keeps its records.
        ("fuzz-json-invalid-utf8.bin", "json", "analysis"),
    ],
)
def test_fuzzer_crash_is_now_a_scan_error(name: str, fmt: str | None, code: str) -> None:
    limits = ScanLimits(batch_bytes=4096, max_field_bytes=65536, max_decompressed_bytes=2**22)
    with pytest.raises(ScanError) as exc:
        reader = open_export(FIXTURES / name, ReadOptions(format=fmt), limits)
        try:
            for _ in reader.batches():
                pass
        finally:
            reader.close()
    assert exc.value.code.startswith(code)
