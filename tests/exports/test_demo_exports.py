"""The demo's export files: the scanner's findings and errors equal the labelled manifest."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from helpers import ROOT
from sharing_audit.checks import load_export_checks
from sharing_audit.engine import RunResult
from sharing_audit.exports.run import ScanOptions, jobs_from_checks, run_scan

EXPECTED = yaml.safe_load(
    (ROOT / "fixtures" / "expected" / "exports.yaml").read_text(encoding="utf-8")
)["files"]
MANIFESTS = [ROOT / "checks", ROOT / "fixtures" / "exports" / "malformed" / "checks.yaml"]
Key = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> RunResult:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    request.addfinalizer(mp.undo)
    jobs = [
        job
        for manifest in MANIFESTS
        for job in jobs_from_checks(load_export_checks(manifest), ROOT)
    ]
    return run_scan(ScanOptions(ROOT / "policies", tuple(jobs), as_of=dt.date(2026, 11, 25)))


def actual_findings(result: RunResult, path: str) -> set[Key]:
    return {
        (
            f.rule_id,
            f.consumer,
            f.output_column or f"<{f.clause}>",
            f.evidence.kind if f.evidence else "-",
        )
        for f in result.findings
        if f.location.path == path
    }


def expected_findings(path: str) -> set[Key]:
    return {
        (e["rule"], e["consumer"], e["column"], e["evidence"])
        for e in EXPECTED[path].get("findings", [])
    }


def test_manifest_lists_every_scanned_file(demo: RunResult) -> None:
    assert {f.path for f in demo.files} == set(EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_export_file_matches_manifest(demo: RunResult, path: str) -> None:
    status = next(f for f in demo.files if f.path == path)
    entry = EXPECTED[path]
    assert status.status == entry["status"], [e.code for e in status.errors]
    if entry["status"] == "error":
        assert [e.code for e in status.errors] == [entry["code"]]
        assert not actual_findings(demo, path), "a file that could not be read has no findings"
        return
    assert actual_findings(demo, path) == expected_findings(path)
    for e in EXPECTED[path].get("findings", []):
        if "detector" in e:
            detectors = {
                f.evidence.detector
                for f in demo.findings
                if f.location.path == path
                and f.output_column == e["column"]
                and f.rule_id == e["rule"]
                and f.evidence
            }
            assert e["detector"] in detectors


def test_malformed_files_make_the_run_exit_2_and_the_rest_is_still_scanned(demo: RunResult) -> None:
    assert demo.exit_code == 2
    ok = [f for f in demo.files if f.status == "ok"]
    assert len(ok) >= 10 and all(f.sha256 for f in ok)
