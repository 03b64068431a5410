"""The history store: runs by fingerprint, atomic writes, concurrent runs, PostgreSQL too."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import DEMO_POLICIES, ROOT, write_file
from sharing_audit.cli import main
from sharing_audit.history import HistoryStore, RunRecord
from sharing_audit.history.store import FindingRow, HistoryError

NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def record(fingerprints: list[str], target: str = "postgresql://audit:s3cret@db/prod") -> RunRecord:
    rows = tuple(FindingRow(fp, "phl-pars-no-ice", "ice", "federal_exports.v", fp, "violation", "error", f"finding {fp}") for fp in fingerprints)
    return RunRecord(NOW, NOW, target, "audit", "a" * 64, "2026.11", "0.1.0", "auditor", 1 if rows else 0, rows, (("analysis.unparsed", "x.sql", "does not parse"),))


def test_new_resolved_and_still_open_across_three_runs(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite")
    first = store.record(record(["a", "b"]))
    second = store.record(record(["b", "c"]))
    third = store.record(record(["c"]))
    diff = store.compare()
    assert (diff.run, diff.previous) == (third, second)
    assert [f.fingerprint for f in diff.resolved] == ["b"] and [f.fingerprint for f in diff.still_open] == ["c"] and not diff.new
    diff = store.compare(second, first)
    assert [f.fingerprint for f in diff.new] == ["c"] and [f.fingerprint for f in diff.resolved] == ["a"]
    assert [r.id for r in store.runs()] == [third, second, first]
    assert store.trend("postgresql://audit:s3cret@db/prod") == [(NOW.isoformat(), 2, 1), (NOW.isoformat(), 2, 1), (NOW.isoformat(), 1, 1)]


def test_runs_of_other_targets_are_not_the_previous_run(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite")
    store.record(record(["a"], target="sqlite:///one.db"))
    other = store.record(record(["z"], target="sqlite:///two.db"))
    mine = store.record(record(["a", "b"], target="sqlite:///one.db"))
    diff = store.compare(mine)
    assert diff.previous != other and [f.fingerprint for f in diff.new] == ["b"]


def test_passwords_never_reach_the_store(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    HistoryStore.open(path).record(record(["a"]))
    assert b"s3cret" not in path.read_bytes()
    for extra in (tmp_path / "h.sqlite-wal",):
        if extra.exists():
            assert b"s3cret" not in extra.read_bytes()
    assert HistoryStore.open(path).runs()[0].target == "postgresql://audit:***@db/prod"


def test_a_failure_mid_run_leaves_no_half_written_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite")
    bad = record(["a", "b"])
    bad = RunRecord(**{**bad.__dict__, "findings": (*bad.findings, FindingRow("c", None, "ice", "o", None, "violation", "error", "m"))})  # type: ignore[arg-type]
    with pytest.raises(HistoryError):
        store.record(bad)  # the third finding violates NOT NULL after the run row was inserted
    assert store.runs() == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM sa_findings")).scalar() == 0


def test_a_process_killed_mid_transaction_leaves_no_run(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    HistoryStore.open(path)
    script = f"""
import os, sqlalchemy as sa
from sharing_audit.history.store import HistoryStore, _runs
store = HistoryStore.open({str(path)!r})
conn = store.engine.connect()
tx = conn.begin()
conn.execute(_runs.insert().values(started="x", finished="x", target="t", kind="audit", policy_sha256="a", policy_version="1",
             tool_version="0", run_by="u", exit_code=0, violations=0, errors=0, notices=0))
os._exit(9)
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=False)
    assert proc.returncode == 9
    assert HistoryStore.open(path).runs() == []


def _record_many(path: str) -> None:
    store = HistoryStore.open(path)
    for i in range(10):
        store.record(record([f"f{i}", "shared"]))


def test_concurrent_runs_do_not_corrupt_the_store(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    HistoryStore.open(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_record_many, args=(path,)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    store = HistoryStore.open(path)
    runs = store.runs(limit=100)
    assert len(runs) == 40
    assert all(len(store.findings(r.id)) == 2 for r in runs)


def test_postgresql_backend(tmp_path: Path) -> None:
    schema = f"sa_hist_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        store = HistoryStore.open(f"{PG}?options=-csearch_path%3D{schema}")
        first = store.record(record(["a"]))
        second = store.record(record(["a", "b"]))
        diff = store.compare()
        assert (diff.run, diff.previous) == (second, first) and [f.fingerprint for f in diff.new] == ["b"]
        store.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def test_check_history_and_the_history_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = write_file(tmp_path, "v.sql", "CREATE VIEW federal_exports.v AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;\n")
    store = tmp_path / "h.sqlite"
    for _ in range(2):
        with pytest.raises(SystemExit) as exc:
            main(["check", str(sql), "--policies", str(DEMO_POLICIES), "--history", str(store), "-o", str(tmp_path / "r.txt")])
        assert exc.value.code == 1
    write_file(tmp_path, "v.sql", "CREATE VIEW federal_exports.v AS SELECT i.inmate_name FROM lock_and_track.inmates i;\n")
    with pytest.raises(SystemExit):
        main(["check", str(sql), "--policies", str(DEMO_POLICIES), "--history", str(store), "-o", str(tmp_path / "r.txt")])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["history", "--store", str(store)])
    assert exc.value.code == 0
    listing = capsys.readouterr().out
    assert listing.count("check") == 3
    with pytest.raises(SystemExit) as exc:
        main(["history", "diff", "--store", str(store)])
    out = capsys.readouterr().out
    assert "resolved: 2" in out and "new: 0" in out and "federal_exports.v.release_date" in out


def test_an_unreadable_store_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "h.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SystemExit) as exc:
        main(["history", "--store", str(bad)])
    assert exc.value.code == 2
    assert "history store" in capsys.readouterr().err
