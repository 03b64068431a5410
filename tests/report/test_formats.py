"""Every ``--format`` choice has a formatter, and each renders a run without re-analysing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_sql
from sharing_audit.report import OutputFormat
from sharing_audit.report.interface import Formatter


@pytest.mark.parametrize("choice", list(OutputFormat))
def test_every_format_choice_has_a_formatter(choice: OutputFormat) -> None:
    assert isinstance(choice.to_formatter(), Formatter)


def test_text_report_groups_by_consumer_then_rule(tmp_path: Path) -> None:
    result = run_sql(
        tmp_path,
        {
            "v.sql": "CREATE VIEW federal_exports.v AS SELECT RIGHT(p.ssn, 4) AS h FROM pars.persons p "
            "WHERE p.person_role = 'arrestee';\n"
            "CREATE VIEW staging.u AS SELECT i.home_address FROM lock_and_track.inmates i;\n"
            "GRANT SELECT ON staging.u TO usms_reader;\n"
        },
    )
    text = OutputFormat.TEXT.to_formatter(color=False).format(result)
    assert "\033[" not in text
    ice = text.index("U.S. Immigration and Customs Enforcement (ice)")
    usms = text.index("U.S. Marshals Service (usms)")
    assert ice < usms
    assert "lineage: pars.persons.ssn → federal_exports.v.h" in text
    assert "v.sql:1:" in text
    colored = OutputFormat.TEXT.to_formatter(color=True).format(result)
    assert "\033[31m" in colored


def test_sarif_every_result_located_and_fingerprinted(tmp_path: Path) -> None:
    result = run_sql(
        tmp_path,
        {
            "bad.sql": "CREATE VIEW staging.b AS SELECT nope FROM pars.persons p;",
            "v.sql": "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM pars.persons p;",
        },
    )
    doc = json.loads(OutputFormat.SARIF.to_formatter().format(result))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "phl-pars-no-ice" in rule_ids and "analysis.unresolved_column" in rule_ids
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["help"]["text"]
    assert any(r.get("helpUri", "").startswith("https://") for r in run["tool"]["driver"]["rules"])
    assert run["results"]
    for res in run["results"]:
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert res["partialFingerprints"]["sharingAudit/v1"]
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
    errors = [r for r in run["results"] if r["ruleId"].startswith("analysis.")]
    assert errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.sql"
    assert run["invocations"][0]["executionSuccessful"] is False
