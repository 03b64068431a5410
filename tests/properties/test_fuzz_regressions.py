"""Inputs the fuzzer crashed the readers with, kept as regression tests (fuzz/harness.py)."""

from __future__ import annotations

import subprocess
import sys
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
        # A number with a huge exponent: decimal.InvalidOperation escaped the sniff (600 s run).
        ("fuzz-json-huge-exponent.bin", "json", "analysis.malformed"),
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


@pytest.mark.parametrize(
    "document",
    [
        b'{"n": ' + b"1" * 5000 + b', "records": [{"a": 1}]}',
        b'{"n": 8e888888888888888888, "records": [{"a": 1}]}',
        b'[{"a": ' + b"9" * 5000 + b"}]",
    ],
    ids=["huge integer before the records", "huge exponent before the records", "huge integer in a record"],
)
def test_huge_json_numbers_are_errors_not_crashes(tmp_path: Path, document: bytes) -> None:
    """Found while reproducing the exponent crash: ijson's C backend segfaulted on a huge
    integer when numbers were parsed as Decimal. A subprocess, so a regression shows as a
    failed test instead of killing the test run."""
    path = tmp_path / "doc.json"
    path.write_bytes(document)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sharing_audit.errors import ScanError\n"
        "from sharing_audit.exports.model import ReadOptions, ScanLimits\n"
        "from sharing_audit.exports.readers import open_export\n"
        "try:\n"
        "    r = open_export(Path(sys.argv[1]), ReadOptions(format='json'), ScanLimits())\n"
        "    rows = sum(b.frame.height for b in r.batches())\n"
        "    print('rows', rows)\n"
        "except ScanError as exc:\n"
        "    print(exc.code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.strip() in ("analysis.malformed", "rows 1")
