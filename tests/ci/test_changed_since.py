"""Changed-only runs: the whole tree is context; only what a change can affect is reported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.cli import main

UPSTREAM = "CREATE VIEW staging.v_people AS\nSELECT p.person_id, p.race FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
UPSTREAM_LEAKY = "CREATE VIEW staging.v_people AS\nSELECT p.person_id, p.race, RIGHT(p.ssn, 4) AS hint FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
DOWNSTREAM = "-- sharing-audit: deliver-to=fbi\nCREATE VIEW partner_exports.v_fbi AS\nSELECT * FROM staging.v_people;\n"
UNRELATED_LEAK = "-- sharing-audit: deliver-to=fbi\nCREATE VIEW partner_exports.v_old AS\nSELECT p.home_address FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
CHECKS = "checks:\n  - id: sql\n    kind: sql\n    paths: ['../sql']\n"


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO_POLICIES, tmp_path / "policies")
    write_file(tmp_path, "checks/sql.yaml", CHECKS)
    write_file(tmp_path, "sql/a_upstream.sql", UPSTREAM)
    write_file(tmp_path, "sql/b_downstream.sql", DOWNSTREAM)
    write_file(tmp_path, "sql/c_old.sql", UNRELATED_LEAK)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(repo: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = repo / "out.json"
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "json", "-o", str(out), *extra])
    assert isinstance(exc.value.code, int)
    return exc.value.code, json.loads(out.read_text())


def test_changing_an_upstream_view_in_another_file_catches_the_downstream_leak(repo: Path) -> None:
    write_file(repo, "sql/a_upstream.sql", UPSTREAM_LEAKY)
    code, doc = check(repo, "--changed-since", "main")
    assert code == 1
    objects = {f["object"] for f in doc["findings"]}
    # The leak surfaces in the unchanged downstream view, through the changed upstream one...
    assert "partner_exports.v_fbi" in objects
    assert any(f["object"] == "partner_exports.v_fbi" and f["output_column"] == "hint" for f in doc["findings"])
    # ...while the old, unrelated violation in an unchanged file is not reported.
    assert "partner_exports.v_old" not in objects


def test_no_change_reports_nothing_even_with_old_violations(repo: Path) -> None:
    code, doc = check(repo, "--changed-since", "main")
    assert code == 0 and doc["findings"] == []
    # The full run still sees the old violation.
    code, doc = check(repo)
    assert code == 1 and {f["object"] for f in doc["findings"]} == {"partner_exports.v_old"}


def test_a_policy_change_means_a_full_run(repo: Path) -> None:
    consumers = repo / "policies" / "consumers.yaml"
    consumers.write_text(consumers.read_text() + "\n# counsel edited this\n")
    code, doc = check(repo, "--changed-since", "main")
    assert code == 1 and "partner_exports.v_old" in {f["object"] for f in doc["findings"]}


def test_an_unknown_ref_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--changed-since", "no-such-ref"])
    assert exc.value.code == 2
