"""The Great Expectations engine: same findings as the native scanner, no values in its results."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from helpers import ROOT
from sharing_audit.checks import load_export_checks
from sharing_audit.cli import main
from sharing_audit.engine import RunResult
from sharing_audit.exports.detectors import DETECTORS
from sharing_audit.exports.gx import (
    RESULT_FORMAT,
    build_suite,
    expectations_for,
    run_gx_pandas,
    run_gx_sql,
)
from sharing_audit.exports.gx_engine import run_scan_gx
from sharing_audit.exports.run import ScanOptions, jobs_from_checks, run_scan

SSN = "078-05-1120"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def keys(result: RunResult) -> set[tuple[str, str, str, str, str]]:
    return {
        (f.location.path, f.rule_id, f.consumer, f.output_column or f"<{f.clause}>", f.evidence.detector or "" if f.evidence else "")
        for f in result.findings
    }


def test_gx_and_native_engines_agree_on_the_demo_exports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    jobs = tuple(jobs_from_checks(load_export_checks(ROOT / "checks"), ROOT))
    options = ScanOptions(ROOT / "policies", jobs, as_of=dt.date(2026, 11, 25))
    native, gx = run_scan(options), run_scan_gx(options)
    assert keys(native) == keys(gx)
    assert len(keys(gx)) >= 15
    assert native.exit_code == gx.exit_code == 1
    # Match counts agree too, column by column.
    counts = {(f.location.path, f.output_column, f.evidence.detector): f.evidence.matches for f in native.findings if f.evidence and f.evidence.detector}
    assert counts == {(f.location.path, f.output_column, f.evidence.detector): f.evidence.matches for f in gx.findings if f.evidence and f.evidence.detector}


def test_per_detector_counts_equal_polars_on_mixed_values() -> None:
    frame = pl.DataFrame(
        {
            "notes": [f"SSN {SSN} on file", "fine", None, "DOB 3/14/1985", "A-012-345-678 detainer lodged by ICE"],
            "birth_country": ["Mexico", " guatemala ", "PA", None, "Haiti"],
            "tax_id": ["123456789", "987654321", None, "x", "078051120"],
            "street": ["1234 N Broad St", "n/a", "500 W. Main Street Apt 4B", None, "PO Box 12"],
        }
    )
    detectors = list(DETECTORS.values())
    outcome = run_gx_pandas(frame.to_pandas(), expectations_for("t", frame.columns, detectors, None, []))
    for (column, name), ev in outcome.evidence.items():
        assert ev.matches == frame.select(DETECTORS[name].expr(column).sum()).item(), (column, name)


def test_results_copy_no_values_and_the_suite_round_trips() -> None:
    frame = pl.DataFrame({"notes": [f"SSN {SSN}", "x"], "name": ["A", "B"]})
    exp = expectations_for("t", frame.columns, [DETECTORS["ssn"]], ["name"], ["notes"])
    assert exp.exact_columns == ("name",)
    outcome = run_gx_pandas(frame.to_pandas(), exp)
    assert not outcome.columns_ok and outcome.unexpected_columns == ("notes",)
    assert outcome.evidence[("notes", "ssn")].matches == 1
    assert RESULT_FORMAT["partial_unexpected_count"] == 0
    suite = build_suite(exp).to_json_dict()
    text = json.dumps(suite, default=str)
    assert SSN not in text and "078051120" not in text
    assert {e["type"] for e in suite["expectations"]} == {"expect_table_columns_to_match_set", "expect_column_values_to_not_match_regex"}


def test_gx_sql_datasource_runs_the_check_inside_postgresql() -> None:
    table = f"sa_gx_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG)
    values = [f"SSN {SSN}", "nothing", None, "123-45-6789 again"]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {table} (notes text)")
        conn.execute(sa.text(f"INSERT INTO {table} VALUES (:v)"), [{"v": v} for v in values])
    try:
        exp = expectations_for("t", ["notes"], [DETECTORS["ssn"]], None, [])
        outcome = run_gx_sql(PG, table, exp)
        native = pl.DataFrame({"notes": values}).select(DETECTORS["ssn"].expr("notes").sum()).item()
        assert outcome.evidence[("notes", "ssn")].matches == native == 2
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE {table}")
        engine.dispose()


def test_gx_export_command_writes_a_suite_without_the_forbidden_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "suite.json"
    with pytest.raises(SystemExit) as exc:
        main(["gx", "export", "fixtures/exports/ice/roster_extra_column.csv", "--consumer", "ice", "--source", "lock_and_track.inmates", "-o", str(out)])
    assert exc.value.code == 0
    suite = json.loads(out.read_text())
    (column_set,) = [e["kwargs"]["column_set"] for e in suite["expectations"] if e["type"] == "expect_table_columns_to_match_set"]
    assert sorted(column_set) == ["inmate_name", "race", "self_reported_country"]
    columns = {e["kwargs"]["column"] for e in suite["expectations"] if e["type"] == "expect_column_values_to_not_match_regex"}
    assert columns == {"inmate_name", "race", "self_reported_country", "release_date"}
