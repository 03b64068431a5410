"""`sharing-audit scan` options: sampling, detector choice, reading options, usage errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.cli import main

ROWS = "case_ref,notes,residence\n" + "".join(
    f"C{i},{'SSN 078-05-1120' if i in (1, 5) else 'fine'},{'1234 N Broad St' if i == 2 else ''}\n" for i in range(1, 7)
)


def scan(tmp_path: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "report.json"
    with pytest.raises(SystemExit) as exc:
        main(["scan", *args, "--policies", str(DEMO_POLICIES), "--format", "json", "-o", str(out)])
    assert isinstance(exc.value.code, int)
    return exc.value.code, json.loads(out.read_text()) if out.exists() else {}


def test_sample_scans_only_the_first_rows_and_says_so(tmp_path: Path) -> None:
    feed = write_file(tmp_path, "feed.csv", ROWS)
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice", "--sample", "3")
    assert code == 1
    (finding,) = [f for f in doc["findings"] if f["output_column"] == "notes"]
    assert finding["evidence"]["sampled"] is True and finding["evidence"]["rows"] == 3
    assert finding["evidence"]["matches"] == 1 and finding["evidence"]["first_rows"] == [1]
    assert "based on a sample of 3 rows" in finding["message"]
    assert doc["exports"][0]["sampled"] is True and doc["exports"][0]["rows"] == 3


def test_detectors_option_limits_the_value_checks(tmp_path: Path) -> None:
    feed = write_file(tmp_path, "feed.csv", ROWS)
    _, everything = scan(tmp_path, str(feed), "--consumer", "ice")
    assert {f["output_column"] for f in everything["findings"]} == {"notes", "residence"}
    _, ssn_only = scan(tmp_path, str(feed), "--consumer", "ice", "--detectors", "ssn")
    assert {f["output_column"] for f in ssn_only["findings"]} == {"notes"}
    code, _ = scan(tmp_path, str(feed), "--consumer", "ice", "--detectors", "ssn,no_such")
    assert code == 2


def test_reading_options_for_a_headerless_pipe_file(tmp_path: Path) -> None:
    feed = write_file(tmp_path, "feed.txt", "C1|SSN 078-05-1120\nC2|fine\n")
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice", "--no-header", "--delimiter", "|", "--file-format", "csv")
    assert code == 1
    assert [c["name"] for c in doc["exports"][0]["columns"]] == ["#1", "#2"]
    assert {f["output_column"] for f in doc["findings"]} == {"#2"}


def test_files_without_a_consumer_or_with_a_bad_source_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_file(tmp_path, "feed.csv", ROWS)
    assert scan(tmp_path, str(feed))[0] == 2
    assert "needs --consumer" in capsys.readouterr().err
    assert scan(tmp_path, str(feed), "--consumer", "ice", "--source", "pars")[0] == 2
    assert scan(tmp_path, str(feed), "--consumer", "nobody")[0] == 2


def test_decompression_limit_is_configurable(tmp_path: Path) -> None:
    # 2 MB of harmless rows, gzipped to a few kB: fine by default, a bomb under a 1 MB limit.
    feed = tmp_path / "feed.csv.gz"
    feed.write_bytes(gzip.compress(("case_ref,notes\n" + "C1,fine\n" * 250_000).encode()))
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice")
    assert code == 0
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice", "--max-decompressed", "1M")
    assert code == 2
    (error,) = doc["errors"]
    assert error["code"] == "analysis.too_large" and error["path"].endswith("feed.csv.gz")


def test_column_limit_is_configurable(tmp_path: Path) -> None:
    feed = write_file(tmp_path, "wide.csv", ",".join(f"c{i}" for i in range(50)) + "\n" + ",".join("x" * 50) + "\n")
    assert scan(tmp_path, str(feed), "--consumer", "ice")[0] == 0
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice", "--max-columns", "20")
    assert code == 2 and doc["errors"][0]["code"] == "analysis.too_large"


@pytest.mark.parametrize("size", ["0", "-1", "ten", "5X"])
def test_bad_sizes_are_usage_errors(tmp_path: Path, size: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["scan", "x.csv", "--consumer", "ice", "--max-decompressed", size])
    assert exc.value.code == 2
    assert "not a size" in capsys.readouterr().err


def test_compression_ratio_limit_is_configurable(tmp_path: Path) -> None:
    # 20 MB of one repeated row gzips ~1000:1: a bomb at the default ratio (250), fine at 5000.
    feed = tmp_path / "feed.csv.gz"
    feed.write_bytes(gzip.compress(("case_ref,notes\n" + "C1,fine\n" * 2_500_000).encode()))
    code, doc = scan(tmp_path, str(feed), "--consumer", "ice")
    assert code == 2 and doc["errors"][0]["code"] == "analysis.too_large"
    code, _ = scan(tmp_path, str(feed), "--consumer", "ice", "--max-ratio", "5000")
    assert code == 0
