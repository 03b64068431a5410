"""``sharing-audit audit``: arguments, exit codes, and every output format (through the CLI's reporter)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from helpers import DEMO_POLICIES
from sharing_audit.errors import SharingAuditError
from sharing_audit.live.command import add_audit_parser, parse_duration, run_audit_command

REPORT_SCHEMA = json.loads(
    resources.files("sharing_audit.report")
    .joinpath("report.schema.json")
    .read_text(encoding="utf-8")
)


def main(argv: list[str]) -> int:
    """What ``cli.main`` does with the two lines the lead adds: parse, run, one-line error and exit 2."""
    parser = argparse.ArgumentParser(prog="sharing-audit")
    add_audit_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        return run_audit_command(args)
    except SharingAuditError as exc:
        print(f"sharing-audit: error: {exc}", file=sys.stderr)
        return 2


@pytest.fixture
def pars_file(tmp_path: Path) -> Path:
    path = tmp_path / "pars.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE persons (person_id INTEGER, full_name TEXT, ssn TEXT, person_role TEXT);"
            "CREATE VIEW v_names AS SELECT p.full_name FROM persons p WHERE p.person_role = 'arrestee';"
        )
    return path


def test_json_report_and_exit_code(
    pars_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit.json"
    code = main(
        [
            "audit",
            "--db",
            f"sqlite:///{pars_file}",
            "--policies",
            str(DEMO_POLICIES),
            "--map-schema",
            "main=pars",
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, REPORT_SCHEMA)
    # Nothing is delivered and every column is classified: clean, though the catalog lists
    # tables and columns the file lacks (non-blocking notices) and drift was not checked.
    assert code == doc["run"]["exit_code"] == 0
    paths = {f["path"] for f in doc["files"]}
    assert f"sqlite:///{pars_file}#pars.v_names" in paths and f"sqlite:///{pars_file}" in paths
    assert any(n["code"] == "audit.drift_not_checked" for n in doc["notices"])
    assert "sharing-audit:" in capsys.readouterr().err


def test_text_and_sarif(pars_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "audit",
        "--db",
        f"sqlite:///{pars_file}",
        "--policies",
        str(DEMO_POLICIES),
        "--map-schema",
        "main=pars",
    ]
    main([*base, "--format", "text"])
    assert "audit.catalog_missing" in capsys.readouterr().out
    main([*base, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"


def test_repo_sql_drift_warn_does_not_block(
    pars_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "names.sql").write_text(
        "CREATE VIEW pars.v_names AS SELECT p.full_name, p.person_id FROM pars.persons p WHERE p.person_role = 'arrestee';\n",
        encoding="utf-8",
    )
    base = [
        "audit",
        "--db",
        f"sqlite:///{pars_file}",
        "--policies",
        str(DEMO_POLICIES),
        "--map-schema",
        "main=pars",
        "--repo-sql",
        str(repo),
        "--format",
        "json",
    ]
    assert main(base) == 1
    doc = json.loads(capsys.readouterr().out)
    (drift,) = [n for n in doc["notices"] if n["code"] == "audit.drift"]
    assert (
        drift["blocking"]
        and "output columns (full_name) instead of (full_name, person_id)" in drift["message"]
    )
    main([*base, "--drift", "warn"])
    doc = json.loads(capsys.readouterr().out)
    assert [n["blocking"] for n in doc["notices"] if n["code"] == "audit.drift"] == [False]


def test_unreachable_server_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "audit",
            "--db",
            "postgresql://auditor:Hunter2-secret@127.0.0.1:1/prod",
            "--policies",
            str(DEMO_POLICIES),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "sharing-audit: error: postgresql://auditor:***@127.0.0.1:1/prod: cannot connect:" in err
    assert "Hunter2-secret" not in err


def test_no_url_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SHARING_AUDIT_DB_URL", raising=False)
    assert main(["audit", "--policies", str(DEMO_POLICIES)]) == 2
    assert "no database URL" in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "audit",
                "--db",
                f"duckdb:///{tmp_path / 'nope.duckdb'}",
                "--policies",
                str(DEMO_POLICIES),
            ]
        )
        == 2
    )
    assert "no such database file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad", ["--statement-timeout=0", "--statement-timeout=soon", "--map-schema=pars", "--sample=0"]
)
def test_bad_arguments_are_usage_errors(bad: str) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["audit", "--db", "sqlite:///x.db", bad])
    assert raised.value.code == 2


def test_durations() -> None:
    assert (
        parse_duration("30s") == 30.0
        and parse_duration("2m") == 120.0
        and parse_duration("500ms") == 0.5
    )
