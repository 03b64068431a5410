"""Baselines: record today's findings, fail only on new ones, list the fixed ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.cli import main

LEAKS = (
    "CREATE VIEW federal_exports.v_roster AS\n"
    "SELECT i.inmate_name, i.release_date, i.date_of_birth\n"
    "FROM lock_and_track.inmates i;\n"
)
# The same view, reformatted: other lines, other case, other spacing, comments.
REFORMATTED = (
    "-- reformatted by a linter\n\n\n"
    "create view FEDERAL_EXPORTS.V_ROSTER as\n"
    "select\n"
    "    i.INMATE_NAME,\n"
    "    i.RELEASE_DATE,\n"
    "    i.DATE_OF_BIRTH\n"
    "from LOCK_AND_TRACK.INMATES as i\n"
    ";\n"
)


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    code = exc.value.code
    assert isinstance(code, int)
    return code


def report(tmp_path: Path, sql_name: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "report.json"
    code = run(["check", str(tmp_path / sql_name), "--policies", str(DEMO_POLICIES), "--format", "json", "-o", str(out), *extra])
    return code, json.loads(out.read_text())


def test_baseline_survives_a_reformat(tmp_path: Path) -> None:
    write_file(tmp_path, "v.sql", LEAKS)
    baseline = tmp_path / "baseline.json"
    code, first = report(tmp_path, "v.sql", "--write-baseline", str(baseline))
    assert code == 1 and first["run"]["summary"]["violations"] >= 3
    write_file(tmp_path, "v.sql", REFORMATTED)
    code, second = report(tmp_path, "v.sql", "--baseline", str(baseline))
    assert code == 0
    assert {f["status"] for f in second["findings"]} <= {"baselined", "review"}
    assert second["baseline"]["new"] == [] and second["baseline"]["fixed"] == []
    assert len(second["baseline"]["unchanged"]) == len(first["findings"])


def test_baseline_fails_only_on_new_findings_and_lists_fixed_ones(tmp_path: Path) -> None:
    write_file(tmp_path, "v.sql", LEAKS)
    baseline = tmp_path / "baseline.json"
    report(tmp_path, "v.sql", "--write-baseline", str(baseline))
    # Drop date_of_birth (fixed), add home_address (new).
    write_file(tmp_path, "v.sql", LEAKS.replace("i.date_of_birth", "i.home_address"))
    code, doc = report(tmp_path, "v.sql", "--baseline", str(baseline))
    assert code == 1
    new = [f for f in doc["findings"] if f["status"] == "violation"]
    assert new and {f["output_column"] for f in new} == {"home_address"}
    assert {f["fingerprint"] for f in new} <= set(doc["baseline"]["new"])
    assert {e["column"] for e in doc["baseline"]["fixed"]} == {"date_of_birth"}


def test_baseline_file_holds_no_sql_or_values(tmp_path: Path) -> None:
    write_file(tmp_path, "v.sql", LEAKS.replace(";", " WHERE i.ssn = '078-05-1120';"))
    baseline = tmp_path / "baseline.json"
    report(tmp_path, "v.sql", "--write-baseline", str(baseline))
    text = baseline.read_text()
    assert "078-05-1120" not in text and "0780" not in text and "SELECT" not in text.upper()
    assert json.loads(text)["sharing_audit_baseline"] == 1


def test_a_missing_or_foreign_baseline_is_a_usage_error(tmp_path: Path) -> None:
    write_file(tmp_path, "v.sql", LEAKS)
    assert run(["check", str(tmp_path / "v.sql"), "--policies", str(DEMO_POLICIES), "--baseline", str(tmp_path / "nope.json")]) == 2
    write_file(tmp_path, "other.json", '{"hello": 1}')
    assert run(["check", str(tmp_path / "v.sql"), "--policies", str(DEMO_POLICIES), "--baseline", str(tmp_path / "other.json")]) == 2
