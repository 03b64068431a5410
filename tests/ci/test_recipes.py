"""The CI recipes in docs/ci and the pre-commit hook call the CLI with options it accepts."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from helpers import ROOT
from sharing_audit.cli import _parser

RECIPES = ROOT / "docs" / "ci"


def commands(text: str) -> list[list[str]]:
    """Every ``sharing-audit ...`` command line, with CI variables filled in."""
    text = re.sub(r"\$\{\{[^}]*\}\}", "main", text)
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").removeprefix("run: ")
        if line.startswith("sharing-audit "):
            out.append(shlex.split(line)[1:])
    return out


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml", "junit.sh"])
def test_recipe_commands_parse(name: str) -> None:
    found = commands((RECIPES / name).read_text())
    assert found, f"{name} has no sharing-audit command"
    for argv in found:
        args = _parser().parse_args(argv)
        assert args.command == "check"


def test_github_recipe_uploads_the_sarif_file_it_writes() -> None:
    doc = yaml.safe_load((RECIPES / "github-actions.yml").read_text())
    steps = doc["jobs"]["gate"]["steps"]
    written = {argv[argv.index("-o") + 1] for step in steps for argv in commands(step.get("run", "")) if "-o" in argv}
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert uploads and uploads[0]["with"]["sarif_file"] in written
    assert doc["permissions"]["security-events"] == "write"


def test_gitlab_recipe_publishes_the_code_quality_report_it_writes() -> None:
    doc = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text())
    job = doc["sharing-audit"]
    argv = next(a for line in job["script"] for a in commands(line))
    assert argv[argv.index("--format") + 1] == "gitlab"
    assert job["artifacts"]["reports"]["codequality"] == argv[argv.index("-o") + 1]


def test_pre_commit_hook_entry_parses() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((RECIPES / "pre-commit-config.yaml").read_text())
    assert config["repos"][0]["hooks"][0]["id"] == hooks[0]["id"]
    argv = shlex.split(hooks[0]["entry"])
    assert argv[0] == "sharing-audit"
    args = _parser().parse_args(argv[1:])
    assert args.command == "check" and args.changed_since == "HEAD"
    assert re.search(hooks[0]["files"], "views/v_roster.sql") and re.search(hooks[0]["files"], "exports/roster.csv.gz")
