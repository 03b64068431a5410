"""Counsel's report (HTML, Markdown) and CI formats (JUnit, GitLab) from one real demo run."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import ROOT, run_sql
from sharing_audit.baseline import BaselineDiff
from sharing_audit.checks import load_checks
from sharing_audit.engine import CheckOptions, RunResult, run_check
from sharing_audit.report import OutputFormat

SSN = "078-05-1120"


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest) -> RunResult:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    request.addfinalizer(mp.undo)
    inputs = tuple(i for c in load_checks(ROOT / "checks") for i in c.inputs(ROOT))
    return run_check(CheckOptions(ROOT / "policies", inputs, as_of=dt.date(2026, 11, 25)))


def render(result: RunResult, fmt: str) -> str:
    return OutputFormat(fmt).to_formatter().format(result)


def test_junit_counts_agree_with_the_result(demo: RunResult) -> None:
    root = ET.fromstring(render(demo, "junit"))
    failures = sum(int(s.get("failures", "0")) for s in root if s.get("name", "").startswith("consumer"))
    assert failures == sum(1 for f in demo.findings if f.blocking)
    skipped = sum(int(s.get("skipped", "0")) for s in root)
    assert skipped == sum(1 for f in demo.findings if not f.blocking)
    assert {s.get("name") for s in root} >= {"consumer ice", "analysis"}


def test_junit_reports_analysis_errors_as_errors(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"bad.sql": "CREATE VIEW staging.x AS SELECT (;\n"})
    root = ET.fromstring(render(result, "junit"))
    errors = root.findall(".//error")
    assert len(errors) == 1 and errors[0].get("type") == "analysis.unparsed"


def test_gitlab_code_quality_shape(demo: RunResult) -> None:
    issues = json.loads(render(demo, "gitlab"))
    assert len(issues) == len(demo.findings)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    waived = next(i for i in issues if i["description"].startswith("[waived]"))
    assert waived["severity"] == "info"


def test_markdown_and_html_say_the_verdict_and_each_finding_in_words(demo: RunResult) -> None:
    md = render(demo, "markdown")
    assert "**Not cleared:" in md
    assert "The view federal_exports.v_ice_roster gives ICE (U.S. Immigration and Customs Enforcement)" in md
    assert "Waived by **w-2026-017-detainer-packet**" in md and "Deputy City Solicitor (demo)" in md
    html = render(demo, "html")
    assert "Not cleared:" in html and "<svg" in html
    assert demo.policy.digest in html
    for status in demo.files:
        assert status.sha256 in html


def test_html_is_self_contained(demo: RunResult) -> None:
    html = render(demo, "html")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.replace('<a href="http', "<a data=")), "only authority links may point outside"
    assert "@import" not in html and "url(" not in html
    assert "@media print" in html


def test_baseline_changes_appear_on_the_first_page(demo: RunResult) -> None:
    diff = BaselineDiff("b.json", new=("x", "y"), fixed=(), unchanged=("z",))
    result = RunResult(**{**demo.__dict__, "baseline": diff})
    assert "Since the baseline: 2 new, 0 fixed, 1 unchanged." in render(result, "markdown")
    assert "<strong>2</strong> new" in render(result, "html")


@pytest.mark.parametrize("fmt", ["html", "markdown", "junit", "gitlab"])
def test_no_sql_literal_reaches_any_format(tmp_path: Path, fmt: str) -> None:
    sql = f"CREATE VIEW federal_exports.v AS\nSELECT p.full_name FROM pars.persons p WHERE p.ssn = '{SSN}' AND p.person_role = 'arrestee';\n"
    result = run_sql(tmp_path, {"v.sql": sql})
    assert result.findings
    text = render(result, fmt)
    assert SSN not in text and "078051120" not in text and "'1120'" not in text
