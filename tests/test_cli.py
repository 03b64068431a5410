"""The command line: exit codes 0/1/2, one-line errors, and every output format."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from helpers import DEMO_POLICIES, ROOT, write_file
from sharing_audit import __version__
from sharing_audit.cli import main

CLEAN_SQL = (
    "-- Lock and Track roster for ICE: only allowed fields.\n"
    "CREATE VIEW federal_exports.v_lt_roster AS\n"
    "SELECT i.inmate_name, i.race, i.self_reported_country\n"
    "FROM lock_and_track.inmates i\n"
    "WHERE i.custody_status = 'in_custody';\n"
)
LEAK_SQL = "CREATE VIEW federal_exports.v_leak AS\nSELECT p.full_name, RIGHT(p.ssn, 4) AS hint FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
BAD_SQL = "CREATE VIEW staging.x AS\nSELECT p.race FROM pars.persons p WHERE (p.race = ;\n"
# The demo's original staging view and the federal roster built on it.
STAGING_SQL = (
    "-- Staging view shared by several extracts: arrestees with a short SSN hint.\n"
    "CREATE VIEW staging.v_people AS\n"
    "SELECT p.person_id,\n"
    "       p.full_name,\n"
    "       RIGHT(p.ssn, 4) AS ssn_last4,\n"
    "       p.race,\n"
    "       p.person_role\n"
    "FROM pars.persons p;\n"
)
ROSTER_SQL = (
    "-- Federal roster built on the staging view: the SSN hint still reaches ICE.\n"
    "CREATE VIEW federal_exports.v_ice_roster AS\n"
    "SELECT v.full_name,\n"
    "       v.ssn_last4 AS id_hint\n"
    "FROM staging.v_people v\n"
    "WHERE v.person_role = 'arrestee';\n"
)
CHAIN = {"staging_people.sql": STAGING_SQL, "ice_roster.sql": ROSTER_SQL}

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``main(argv)`` in-process; return ``(exit code, stdout, stderr)``."""

    def run(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as info:
            main([str(a) for a in argv])
        out = capsys.readouterr()
        code = info.value.code
        return (code if isinstance(code, int) else 1), out.out, out.err

    return run


def run_script(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed tool as a separate process (to see tracebacks and real exit codes)."""
    return subprocess.run(
        [sys.executable, "-m", "sharing_audit", *map(str, argv)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sql_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str | bytes]], Path]:
    """Write SQL files under ``tmp_path/sql`` and make ``tmp_path`` the working directory."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "sql"
        root.mkdir(exist_ok=True)
        for name, body in files.items():
            write_file(root, name, body)
        return Path("sql")

    return make


def one_line_error(stderr: str) -> str:
    """The single ``sharing-audit: error:`` line the CLI prints for a usage or policy error."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sharing-audit: error: ")
    return lines[0]


# -- exit codes -------------------------------------------------------------------------------


def test_clean_dir_exits_0(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    code, out, err = cli("check", sql_dir({"roster.sql": CLEAN_SQL}), "--policies", DEMO_POLICIES)
    assert code == 0
    assert "No protected field reaches a consumer that may not receive it." in out
    assert out.strip().splitlines()[-1].startswith("sharing-audit: clean: 0 violation(s)")
    assert err == ""


def test_violations_exit_1(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    code, out, _ = cli("check", sql_dir({"roster.sql": CLEAN_SQL, "leak.sql": LEAK_SQL}), "--policies", DEMO_POLICIES)
    assert code == 1
    assert "U.S. Immigration and Customs Enforcement (ice)" in out
    assert "sql/leak.sql:2:27: error: federal_exports.v_leak.hint" in out
    assert "lineage: pars.persons.ssn → federal_exports.v_leak.hint" in out
    assert "sharing-audit: violations found:" in out


def test_verbose_names_every_path_read(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    code, _, err = cli("-v", "check", sql_dir({"roster.sql": CLEAN_SQL, "leak.sql": LEAK_SQL}), "--policies", DEMO_POLICIES)
    assert code == 1
    assert "INFO: read sql/leak.sql: ok, sha256 " in err and "INFO: read sql/roster.sql: ok, sha256 " in err


def test_review_only_findings_exit_0(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    sql = "CREATE VIEW staging.v AS SELECT i.inmate_id, i.a_number FROM lock_and_track.inmates i;\nGRANT SELECT ON staging.v TO fbi_cjis;\n"
    code, out, _ = cli("check", sql_dir({"review.sql": sql}), "--policies", DEMO_POLICIES)
    assert code == 0
    assert "phl-immigration-status-review" in out and ": review: staging.v.a_number" in out
    assert "0 violation(s), 1 for review" in out


def test_unparseable_file_exits_2_and_other_files_are_checked(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    code, out, _ = cli("check", sql_dir({"bad.sql": BAD_SQL, "leak.sql": LEAK_SQL}), "--policies", DEMO_POLICIES)
    assert code == 2
    assert "Not analysed (each is an error; the run cannot pass):" in out
    assert "sql/bad.sql:2: analysis.unparsed:" in out
    assert "federal_exports.v_leak.hint" in out  # the good file was still checked
    assert "NOT fully analysed" in out and "1/2 files analysed" in out


def test_upper_case_extension_is_not_skipped(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"roster.sql": CLEAN_SQL, "LEAK.SQL": LEAK_SQL})
    code, out, _ = cli("check", path, "--policies", DEMO_POLICIES)
    assert "2/2 files analysed" in out
    assert code == 1


def test_empty_dir_is_no_sql_files_matched(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "README.txt").write_text("no SQL here", encoding="utf-8")
    code, out, err = cli("check", "sql", "--policies", DEMO_POLICIES)
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "no SQL file" in line and "sql" in line


def test_checks_manifest_glob_matching_nothing(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "sql.yaml").write_text(
        "checks:\n  - id: nightly\n    kind: sql\n    paths: ['../warehouse/**/*.sql']\n", encoding="utf-8"
    )
    code, out, err = cli("check", "--policies", DEMO_POLICIES, "--checks", "checks")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "nightly" in line and "'../warehouse/**/*.sql' matches no SQL file" in line


def test_checks_manifest_with_unknown_key(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "sql.yaml").write_text(
        "checks:\n  - id: nightly\n    kind: sql\n    paths: [x]\n    dialekt: postgres\n", encoding="utf-8"
    )
    code, _, err = cli("check", "--policies", DEMO_POLICIES, "--checks", "checks")
    assert code == 2
    line = one_line_error(err)
    assert "checks/sql.yaml:2:" in line and "'dialekt' was unexpected" in line


def test_missing_checks_dir(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("check", "--policies", DEMO_POLICIES)
    assert code == 2
    assert "checks directory does not exist" in one_line_error(err)


def test_demo_default_policies_and_checks(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no arguments, check reads policies/ and checks/ of the working directory."""
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("check", "--as-of", "2026-11-25")
    assert code == 1
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("sharing-audit: violations found:")
    assert ", 0 analysis error(s);" in summary
    analysed = re.search(r"(\d+)/(\d+) files analysed", summary)
    assert analysed and analysed.group(1) == analysed.group(2) and int(analysed.group(1)) >= 3
    assert "fixtures/sql/postgres/" in out


def test_as_of_before_a_rule_takes_effect(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    # Race is not a protected class; only "no PARS to ICE" (from 2018-09-01) forbids it.
    sql = "CREATE VIEW federal_exports.v AS SELECT p.race FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
    path = sql_dir({"race.sql": sql})
    code, out, _ = cli("check", path, "--policies", DEMO_POLICIES, "--as-of", "2018-09-01")
    assert code == 1 and "phl-pars-no-ice" in out
    code, out, _ = cli("check", path, "--policies", DEMO_POLICIES, "--as-of", "2018-08-31")
    assert code == 0 and "phl-pars-no-ice" not in out


def test_bad_as_of_is_a_usage_error(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    code, _, err = cli("check", sql_dir({"r.sql": CLEAN_SQL}), "--policies", DEMO_POLICIES, "--as-of", "31/08/2018")
    assert code == 2
    assert "not a YYYY-MM-DD date" in err and "Traceback" not in err


def test_no_command_prints_help_and_exits_2(cli: Cli) -> None:
    code, out, err = cli()
    assert code == 2 and out == ""
    assert "usage: sharing-audit" in err


# -- broken policies: one line on stderr, exit 2, never a traceback ---------------------------


def _broken(kind: str, root: Path) -> str:
    """Break a copy of the demo policies one way; return the file that is broken."""
    if kind == "empty dir":
        shutil.rmtree(root)
        root.mkdir()
        return ""
    files = {
        "malformed YAML": ("classes.yaml", "classes:\n  - id: [oops\n"),
        "alias bomb": ("bomb.yaml", 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n'),
        "unknown key": ("policy.yaml", "policy:\n  name: x\n  versoin: 1\n"),
        "list not mapping": ("list.yaml", "- id: a\n"),
        "lint error": ("rules/phl-pars-no-ice.yaml", None),
        "impossible date": ("rules/phl-release-date-no-ice.yaml", None),
        "deeply nested": ("deep.yaml", "classes: " + "[" * 20_000 + "]" * 20_000 + "\n"),
    }
    name, body = files[kind]
    path = root / name
    if kind == "lint error":
        path.write_text(path.read_text(encoding="utf-8").replace("systems: [pars]", "systems: [parz]"), encoding="utf-8")
    elif kind == "impossible date":
        path.write_text(path.read_text(encoding="utf-8").replace("2016-01-04", "2016-13-04"), encoding="utf-8")
    else:
        assert body is not None
        path.write_text(body, encoding="utf-8")
    return f"badpolicies/{name}"


BROKEN = [
    "malformed YAML",
    "alias bomb",
    "unknown key",
    "list not mapping",
    "lint error",
    "impossible date",
    "empty dir",
    "deeply nested",
]


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_policy_dir_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "badpolicies"
    shutil.copytree(DEMO_POLICIES, root)
    broken = _broken(kind, root)
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "roster.sql").write_text(CLEAN_SQL, encoding="utf-8")
    proc = run_script("check", "sql", "--policies", "badpolicies", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stdout == ""
    line = one_line_error(proc.stderr)
    assert broken in line if broken else "badpolicies" in line


@pytest.mark.parametrize(
    "command",
    [
        ["check", "sql"],
        ["explain", "federal_exports.v_lt_roster", "sql"],
        ["lineage", "sql"],
        ["policy", "lint"],
        ["policy", "test"],
        ["policy", "docs"],
    ],
    ids=" ".join,
)
def test_every_command_refuses_malformed_policies(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "badpolicies"
    shutil.copytree(DEMO_POLICIES, root)
    (root / "classes.yaml").write_text("classes:\n  - id: [oops\n", encoding="utf-8")
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "roster.sql").write_text(CLEAN_SQL, encoding="utf-8")
    code, out, err = cli(*command, "--policies", "badpolicies")
    assert code == 2 and out == ""
    assert one_line_error(err).startswith("sharing-audit: error: badpolicies/classes.yaml:3:")


# -- report formats ---------------------------------------------------------------------------

REPORT_SCHEMA = json.loads(resources.files("sharing_audit.report").joinpath("report.schema.json").read_text(encoding="utf-8"))


def test_json_validates_and_lists_every_file(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"bad.sql": BAD_SQL, "leak.sql": LEAK_SQL, "roster.sql": CLEAN_SQL, "empty.sql": ""})
    code, out, err = cli("check", path, "--policies", DEMO_POLICIES, "--format", "json")
    assert code == 2
    doc = json.loads(out)
    jsonschema.validate(doc, REPORT_SCHEMA)
    assert {f["path"]: f["status"] for f in doc["files"]} == {
        "sql/bad.sql": "error",
        "sql/empty.sql": "error",
        "sql/leak.sql": "ok",
        "sql/roster.sql": "ok",
    }
    bad = next(f for f in doc["files"] if f["path"] == "sql/bad.sql")
    assert [(e["code"], e["line"]) for e in bad["errors"]] == [("analysis.unparsed", 2)]
    assert doc["run"]["exit_code"] == 2
    assert doc["run"]["summary"]["files_error"] == 2 and doc["run"]["summary"]["files_ok"] == 2
    hint = [f for f in doc["findings"] if f["output_column"] == "hint" and f["rule"] == "phl-pars-no-ice"]
    assert hint and hint[0]["lineage_path"] == ["pars.persons.ssn", "federal_exports.v_leak.hint"]
    assert hint[0]["location"]["path"] == "sql/leak.sql"
    # JSON goes to stdout; the one-line summary to stderr.
    assert err.startswith("sharing-audit: NOT fully analysed:") and err.count("\n") == 1


def test_sarif_results_are_located_and_fingerprinted(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"bad.sql": BAD_SQL, "leak.sql": LEAK_SQL, "grant.sql": "GRANT SELECT ON staging.nope TO ice_reader;\n"})
    code, out, _ = cli("check", path, "--policies", DEMO_POLICIES, "--format", "sarif")
    assert code == 2
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"phl-pars-no-ice", "analysis.unparsed", "analysis.unresolved_table"}
    for r in results:
        (loc,) = r["locations"]
        physical = loc["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith("sql/")
        assert physical["region"]["startLine"] >= 1
        assert r["partialFingerprints"]["sharingAudit/v1"]
    fingerprints = [r["partialFingerprints"]["sharingAudit/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    assert run["invocations"][0]["exitCode"] == 2


def test_sarif_uri_of_unreadable_file_is_relative(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"blob.sql": b"SELECT 1;\x00\x00", "leak.sql": LEAK_SQL})
    _, out, _ = cli("check", path, "--policies", DEMO_POLICIES, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    (err,) = [r for r in results if r["ruleId"] == "analysis.unreadable"]
    assert err["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sql/blob.sql"


def test_output_file(cli: Cli, sql_dir: Callable[..., Path], tmp_path: Path) -> None:
    path = sql_dir({"leak.sql": LEAK_SQL})
    code, out, err = cli("check", path, "--policies", DEMO_POLICIES, "--format", "json", "--output", "report.json")
    assert code == 1
    assert out == ""
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert doc["run"]["exit_code"] == 1 and doc["findings"]
    assert err.startswith("sharing-audit: violations found:")


def test_text_output_file_keeps_summary_on_stderr(cli: Cli, sql_dir: Callable[..., Path], tmp_path: Path) -> None:
    path = sql_dir({"roster.sql": CLEAN_SQL})
    code, out, err = cli("check", path, "--policies", DEMO_POLICIES, "-o", "report.txt")
    assert code == 0 and out == ""
    assert "No protected field reaches" in (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert err.startswith("sharing-audit: clean:")


def test_unwritable_output_is_one_line_error(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"roster.sql": CLEAN_SQL})
    code, _, err = cli("check", path, "--policies", DEMO_POLICIES, "--output", "no/such/dir/report.json", "--format", "json")
    assert code == 2
    assert "cannot write no/such/dir/report.json" in one_line_error(err)


# -- explain ----------------------------------------------------------------------------------


def test_explain_view_column(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, _ = cli("explain", "federal_exports.v_ice_roster.id_hint", path, "--policies", DEMO_POLICIES, "--as-of", "2026-11-25")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "federal_exports.v_ice_roster (view) defined in sql/ice_roster.sql:2"
    assert "  ice: created in delivery schema federal_exports" in lines
    assert "column id_hint:" in lines and "column full_name:" not in lines
    assert (
        "  pars.persons.ssn → staging.v_people.ssn_last4 → federal_exports.v_ice_roster.id_hint"
        "  [value, transform via right, class ssn]"
    ) in lines
    assert any(line.startswith("  phl-pars-no-ice [error] ice:") for line in lines)
    assert any(line.startswith("  phl-protected-classes-no-federal [error] ice:") for line in lines)


def test_explain_view_lists_predicates_and_row_sources(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, _ = cli("explain", "FEDERAL_EXPORTS.V_ICE_ROSTER", path, "--policies", DEMO_POLICIES, "--as-of", "2026-11-25")
    assert code == 0
    assert "row predicates:\n  WHERE: pars.persons.person_role → staging.v_people.person_role\n" in out
    assert "row sources:\n  pars.persons: person_role in (arrestee)\n" in out


def test_explain_catalog_column(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, _ = cli("explain", "pars.persons.ssn", path, "--policies", DEMO_POLICIES, "--as-of", "2026-11-25")
    assert code == 0
    assert out.splitlines()[0].startswith("pars.persons (table)")
    assert "column ssn:" in out and "class ssn" in out
    assert "column full_name:" not in out


def test_explain_catalog_column_shows_where_it_goes(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    _, out, _ = cli("explain", "pars.persons.ssn", path, "--policies", DEMO_POLICIES, "--as-of", "2026-11-25")
    assert "federal_exports.v_ice_roster.id_hint" in out
    assert "findings: none" not in out


def test_explain_with_default_policies(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "v.sql").write_text(
        "CREATE VIEW federal_exports.v_ice_roster AS\nSELECT v.full_name FROM pars.persons v WHERE v.person_role = 'arrestee';\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("explain", "federal_exports.v_ice_roster.full_name", tmp_path / "v.sql", "--as-of", "2026-11-25")
    assert code == 0
    assert "  pars.persons.full_name → federal_exports.v_ice_roster.full_name  [value, identity, class person_name]" in out


def test_explain_unknown_target(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, err = cli("explain", "federal_exports.no_such_view", path, "--policies", DEMO_POLICIES)
    assert code == 2 and out == ""
    assert "'federal_exports.no_such_view' is not an object or column" in one_line_error(err)


def test_explain_exits_2_when_something_was_not_analysed(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"bad.sql": BAD_SQL, "roster.sql": CLEAN_SQL})
    code, out, _ = cli("explain", "federal_exports.v_lt_roster", path, "--policies", DEMO_POLICIES)
    assert code == 2
    assert out.startswith("federal_exports.v_lt_roster (view) defined in sql/roster.sql:2")


# -- lineage ----------------------------------------------------------------------------------


def test_lineage_json(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, err = cli("lineage", path, "--policies", DEMO_POLICIES, "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert {
        "source": "staging.v_people.ssn_last4",
        "target": "federal_exports.v_ice_roster.id_hint",
        "flow": "value",
        "transform": "transform",
        "clause": "SELECT",
        "base_source": "pars.persons.ssn",
    } in doc["edges"]
    assert {
        "source": "staging.v_people.person_role",
        "target": "federal_exports.v_ice_roster.<WHERE>",
        "flow": "predicate",
        "transform": "identity",
        "clause": "WHERE",
        "base_source": "pars.persons.person_role",
    } in doc["edges"]
    assert doc["objects"]["federal_exports.v_ice_roster"]["columns"]["id_hint"] == ["pars.persons.ssn"]
    assert [(f["path"], f["status"]) for f in doc["files"]] == [("sql/ice_roster.sql", "ok"), ("sql/staging_people.sql", "ok")]


def test_lineage_openlineage(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir(CHAIN)
    code, out, _ = cli("lineage", path, "--policies", DEMO_POLICIES, "--format", "openlineage", "--namespace", "phl")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) == 2
    for event in events:
        facet = event["dataset"]["facets"]["columnLineage"]
        assert facet["fields"] and event["dataset"]["namespace"] == "phl"
    roster = next(e for e in events if e["dataset"]["name"] == "federal_exports.v_ice_roster")
    facet = roster["dataset"]["facets"]["columnLineage"]
    (hint_input,) = facet["fields"]["id_hint"]["inputFields"]
    assert (hint_input["name"], hint_input["field"]) == ("staging.v_people", "ssn_last4")
    assert hint_input["transformations"] == [{"masking": False, "subtype": "TRANSFORMATION", "type": "DIRECT"}]
    assert [(d["name"], d["field"], d["transformations"][0]["subtype"]) for d in facet["dataset"]] == [
        ("staging.v_people", "person_role", "FILTER")
    ]
    people = next(e for e in events if e["dataset"]["name"] == "staging.v_people")
    (ssn_input,) = people["dataset"]["facets"]["columnLineage"]["fields"]["ssn_last4"]["inputFields"]
    assert (ssn_input["name"], ssn_input["field"]) == ("pars.persons", "ssn")


def test_lineage_with_default_policies_and_checks(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("lineage", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["files"] and {f["status"] for f in doc["files"]} == {"ok"}
    assert doc["edges"] and all(e["base_source"].count(".") == 2 for e in doc["edges"])


def test_lineage_reports_errors_and_exits_2(cli: Cli, sql_dir: Callable[..., Path]) -> None:
    path = sql_dir({"bad.sql": BAD_SQL, "roster.sql": CLEAN_SQL})
    code, out, err = cli("lineage", path, "--policies", DEMO_POLICIES)
    assert code == 2
    doc = json.loads(out)
    assert {f["path"]: f["errors"] for f in doc["files"]} == {"sql/bad.sql": ["analysis.unparsed"], "sql/roster.sql": []}
    assert "federal_exports.v_lt_roster" in doc["objects"]
    assert err.startswith("sql/bad.sql:2: analysis.unparsed:")


# -- policy, version, help --------------------------------------------------------------------


def test_policy_lint_on_demo(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli("policy", "lint")
    assert code == 0 and out == ""
    assert err.strip() == "sharing-audit: policy lint: 8 rules, 0 error(s), 0 warning(s)"


def test_policy_lint_lists_issues_and_exits_2(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, root)
    rule = root / "rules" / "phl-pars-no-ice.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("systems: [pars]", "systems: [parz]"), encoding="utf-8")
    code, out, err = cli("policy", "lint", "--policies", root)
    assert code == 2
    assert out.strip() == f"{rule}:2: error: rule phl-pars-no-ice names unknown system 'parz' [unknown-system]"
    assert "1 error(s)" in err


def test_policy_test_on_demo(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("policy", "test")
    assert code == 0
    assert out.strip().splitlines()[-1].endswith("passed, 0 failed")
    assert not [line for line in out.splitlines() if line.startswith("FAIL")]


def test_version(cli: Cli) -> None:
    code, out, _ = cli("--version")
    assert code == 0
    assert out.strip() == f"sharing-audit {__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--help"], id="top"),
        pytest.param(["check", "--help"], id="check"),
    ],
)
def test_help_mentions_exit_codes(cli: Cli, argv: list[str]) -> None:
    code, out, _ = cli(*argv)
    assert code == 0
    assert "exit codes:" in out
    assert "0  clean" in out and "1  violations found" in out and "2  usage, policy or input error" in out


def test_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("sharing-audit")
    if not script.exists():
        pytest.fail(f"console script not installed next to {sys.executable}")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"sharing-audit {__version__}"
