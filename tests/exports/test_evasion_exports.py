"""Export evasions: protected values hidden where a header check alone would miss them."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import DEMO_POLICIES
from sharing_audit.exports.evaluate import ExportTarget
from sharing_audit.exports.run import ExportJob, ScanOptions, run_scan
from sharing_audit.policy.model import ConsumerId

SSN = "078-05-1120"


def scan(tmp_path: Path, text: str, consumer: str = "ice") -> set[tuple[str, str, str]]:
    path = tmp_path / "feed.csv"
    path.write_text(text, encoding="utf-8")
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId(consumer)))
    result = run_scan(ScanOptions(DEMO_POLICIES, (job,)))
    assert not result.errors
    return {(f.rule_id, f.output_column or "", f.evidence.detector or "" if f.evidence else "") for f in result.findings}


def test_ssn_in_free_text(tmp_path: Path) -> None:
    found = scan(tmp_path, f"case_ref,comment\nC1,called about soc sec {SSN} yesterday\nC2,fine\n")
    assert ("phl-protected-classes-no-federal", "comment", "ssn") in found


def test_json_string_inside_a_csv_cell(tmp_path: Path) -> None:
    payload = json.dumps({"person": {"ssn": SSN, "addr": "1234 N Broad St"}}).replace('"', '""')
    found = scan(tmp_path, f'case_ref,payload\nC1,"{payload}"\nC2,"{{}}"\n')
    assert ("phl-protected-classes-no-federal", "payload", "ssn") in found
    path = tmp_path / "feed.csv"
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
    (finding,) = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == "payload"]
    assert {"*.*.ssn", "*.*.home_address"} <= set(finding.sources)  # one finding, both fields named


def test_harmless_alias_for_a_protected_column(tmp_path: Path) -> None:
    # `case_ref` holding formatted SSNs: the name is harmless, the values are not.
    found = scan(tmp_path, f"case_ref,name\n{SSN},A B\n123-45-6789,C D\n")
    assert ("phl-protected-classes-no-federal", "case_ref", "ssn") in found


def test_comments_mentioning_protected_names_are_not_findings(tmp_path: Path) -> None:
    found = scan(tmp_path, "case_ref,comment\nC1,no SSN on file; country of birth not recorded\nC2,none\n")
    assert found == set()
