"""checks/ manifests read only inside the project root: no ``..`` escapes, no symlinks out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import write_file
from sharing_audit.checks import load_all_checks
from sharing_audit.errors import CheckError

SQL = "CREATE VIEW staging.v AS SELECT 1 AS x;\n"


def manifest(root: Path, kind: str, path: str) -> Path:
    extra = "\n    consumer: ice" if kind == "export" else ""
    return write_file(root, "checks/c.yaml", f"checks:\n  - id: c\n    kind: {kind}\n    paths: ['{path}']{extra}\n")


@pytest.mark.parametrize("kind", ["sql", "export"])
def test_dot_dot_out_of_the_root_is_refused(tmp_path: Path, kind: str) -> None:
    project = tmp_path / "project"
    write_file(tmp_path, "outside/secret.sql", SQL)
    manifest(project, kind, "../../outside/secret.sql")
    (check,) = load_all_checks(project / "checks")
    with pytest.raises(CheckError, match="outside the project root"):
        check.inputs(project) if kind == "sql" else check.files(project)  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["sql", "export"])
def test_a_symlink_out_of_the_root_is_refused(tmp_path: Path, kind: str) -> None:
    project = tmp_path / "project"
    outside = write_file(tmp_path, "outside/secret.sql", SQL)
    (project / "sql").mkdir(parents=True)
    os.symlink(outside, project / "sql" / "link.sql")
    manifest(project, kind, "../sql/link.sql")
    (check,) = load_all_checks(project / "checks")
    with pytest.raises(CheckError, match="outside the project root"):
        check.inputs(project) if kind == "sql" else check.files(project)  # type: ignore[union-attr]


def test_paths_inside_the_root_through_dot_dot_are_fine(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_file(project, "sql/v.sql", SQL)
    manifest(project, "sql", "../sql")
    (check,) = load_all_checks(project / "checks")
    assert [i.display for i in check.inputs(project)] == ["sql/v.sql"]  # type: ignore[union-attr]


def test_an_export_glob_matching_nothing_is_an_error(tmp_path: Path) -> None:
    manifest(tmp_path, "export", "../exports/*.csv")
    (check,) = load_all_checks(tmp_path / "checks")
    with pytest.raises(CheckError, match="matches no file"):
        check.files(tmp_path)  # type: ignore[union-attr]


MANIFEST_ATTACKS = {
    # Safe loading: no Python objects, no alias expansion, bounded size, no unknown keys.
    "python object tag": ("checks:\n  - !!python/object/apply:os.system ['touch pwned']\n", "tag"),
    "alias bomb": ("a: &a [x, x]\nb: &b [*a, *a]\nchecks: [*b, *b]\n", "anchors"),
    "oversized": ("# " + "x" * 1_000_001 + "\n", "larger than"),
    "unknown key": ("checks:\n  - id: c\n    kind: sql\n    paths: ['*.sql']\n    follow_symlinks_anywhere: true\n", "follow_symlinks_anywhere"),
    "binary": ("checks:\x00\n", "binary"),
}


@pytest.mark.parametrize("attack", sorted(MANIFEST_ATTACKS))
def test_hostile_manifest_is_refused(tmp_path: Path, attack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    body, message = MANIFEST_ATTACKS[attack]
    write_file(tmp_path, "checks/c.yaml", body)
    with pytest.raises(CheckError, match=message):
        load_all_checks(tmp_path / "checks")
    assert not (tmp_path / "pwned").exists()
