"""The JSON report validates against its published schema and separates clean from not analysed."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema

from helpers import run_sql
from sharing_audit.report.json import JsonFormatter

SCHEMA = json.loads(resources.files("sharing_audit.report").joinpath("report.schema.json").read_text())


def test_report_validates_and_lists_every_file(tmp_path: Path) -> None:
    result = run_sql(
        tmp_path,
        {
            "bad.sql": "CREATE VIEW staging.x AS SELEC 1;",
            "leak.sql": "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM pars.persons p;",
            "clean.sql": "CREATE VIEW staging.c AS SELECT h.courtroom FROM courts.hearings h;",
        },
    )
    doc = json.loads(JsonFormatter().format(result))
    jsonschema.validate(doc, SCHEMA)
    status = {f["path"]: f["status"] for f in doc["files"]}
    assert status == {"bad.sql": "error", "leak.sql": "ok", "clean.sql": "ok"}
    assert doc["run"]["exit_code"] == 2
    assert doc["errors"][0]["code"] == "analysis.unparsed"
    leak = [f for f in doc["findings"] if f["rule"] == "phl-protected-classes-no-federal"]
    assert leak and leak[0]["lineage_path"] == ["pars.persons.ssn", "federal_exports.v.ssn"]
    assert leak[0]["location"] == {"path": "leak.sql", "line": 1, "column": 41}
    assert doc["deliveries"]["federal_exports.v"] == ["ice"]


def test_fingerprint_survives_reformatting(tmp_path: Path) -> None:
    one = run_sql(tmp_path / "a", {"v.sql": "CREATE VIEW federal_exports.v AS SELECT p.ssn FROM pars.persons p;"})
    two = run_sql(
        tmp_path / "b",
        {"v.sql": "\n\n-- moved\nCREATE VIEW federal_exports.v AS\n  SELECT\n    p.ssn\n  FROM pars.persons AS p;\n"},
    )
    assert {f.fingerprint for f in one.findings} == {f.fingerprint for f in two.findings}
    assert {f.location.line for f in one.findings} != {f.location.line for f in two.findings}
