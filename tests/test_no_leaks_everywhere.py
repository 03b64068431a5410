"""No protected value in any output: every command and format over inputs seeded with values.

The SQL carries the values as literals; the exports carry them as data, including in a file
that fails to parse. Every report, every log line at debug level, every error message and the
history store are searched for the values and their obvious transforms.
"""

from __future__ import annotations

import base64
import re
import sqlite3
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.cli import main

SECRETS = {
    "ssn": "078-05-1120",
    "a_number": "A012345678",
    "dob": "1961-07-04",
    "street": "1234 N Broad St",
    "phone": "(215) 555-0199",
    "email": "maria.reyes@example.org",
}
TRANSFORMS = [
    "078051120",  # digits without dashes
    "078 05 1120",
    "012345678",
    "19610704",
    "2155550199",
    "maria.reyes",
]
LAST_FOUR = re.compile(r"(ssn|social|last.?4|last.?four)[^\n]{0,40}1120|1120[^\n]{0,20}(ssn|social)", re.IGNORECASE)

SQL = f"""CREATE VIEW federal_exports.v_leak AS
SELECT p.full_name, RIGHT(p.ssn, 4) AS hint
FROM pars.persons p
WHERE p.ssn = '{SECRETS["ssn"]}' AND p.date_of_birth = '{SECRETS["dob"]}'
  AND p.home_address <> '{SECRETS["street"]}' AND p.phone = '{SECRETS["phone"]}' AND p.person_role = 'arrestee';
"""
BAD_SQL = f"CREATE VIEW staging.v_bad AS SELECT (p.ssn = '{SECRETS['ssn']}' FROM pars.persons p;\n"
CSV = (
    "inmate_name,notes,contact\n"
    f"Maria Reyes,SSN {SECRETS['ssn']} A-number {SECRETS['a_number']} DOB {SECRETS['dob']},{SECRETS['email']}\n"
    f"Luis Chen,lives at {SECRETS['street']},{SECRETS['phone']}\n"
)
RAGGED = f"inmate_name,notes\nMaria Reyes,{SECRETS['ssn']}\n{SECRETS['ssn']}\n"
#: Values hidden by encoding, which the scanner decodes: neither form may come out.
ENCODED_FORMS = [base64.b64encode(v.encode()).decode() for v in SECRETS.values()] + [v.encode().hex() for v in SECRETS.values()]
ENCODED = "case_ref,token,blob\n" + "".join(
    f"C{i},{base64.b64encode(SECRETS['ssn'].encode()).decode()},{SECRETS['email'].encode().hex()}\n" for i in range(3)
)


def assert_clean(text: str, where: str) -> None:
    for name, value in SECRETS.items():
        assert value not in text, f"{name} value in {where}"
    for value in TRANSFORMS + ENCODED_FORMS:
        assert value not in text, f"transform {value!r} in {where}"
    assert not LAST_FOUR.search(text), f"last four digits with context in {where}"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHARING_AUDIT_SALT", "fixed-test-salt")
    write_file(tmp_path, "sql/v.sql", SQL)
    write_file(tmp_path, "sql/bad.sql", BAD_SQL)
    write_file(tmp_path, "exports/feed.csv", CSV)
    write_file(tmp_path, "exports/ragged.csv", RAGGED)
    write_file(tmp_path, "exports/encoded.csv", ENCODED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


FORMATS = ["text", "json", "sarif", "junit", "gitlab", "markdown", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_in_every_format(inputs: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = run(["-vv", "check", "sql", "--policies", str(DEMO_POLICIES), "--format", fmt], capsys)
    assert "federal_exports.v_leak" in out and "bad.sql" in out
    assert_clean(out, f"check --format {fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_scan_in_every_format(inputs: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = run(["-vv", "scan", "exports", "--consumer", "ice", "--policies", str(DEMO_POLICIES), "--format", fmt], capsys)
    assert "feed.csv" in out and "ragged.csv" in out and "encoded.csv" in out
    assert_clean(out, f"scan --format {fmt}")


def test_explain_lineage_baseline_and_history(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {
        "explain": run(["explain", "federal_exports.v_leak", "sql", "--policies", str(DEMO_POLICIES)], capsys),
        "lineage": run(["lineage", "sql", "--policies", str(DEMO_POLICIES)], capsys),
        "openlineage": run(["lineage", "sql", "--policies", str(DEMO_POLICIES), "--format", "openlineage"], capsys),
        "write-baseline": run(["check", "sql", "--policies", str(DEMO_POLICIES), "--write-baseline", "b.json", "--history", "h.sqlite"], capsys),
        "scan-history": run(["scan", "exports", "--consumer", "ice", "--policies", str(DEMO_POLICIES), "--history", "h.sqlite"], capsys),
        "history": run(["history", "--store", "h.sqlite"], capsys),
        "history-diff": run(["history", "diff", "--store", "h.sqlite", "--format", "json"], capsys),
        "gx": run(["scan", "exports/feed.csv", "--consumer", "ice", "--engine", "gx", "--policies", str(DEMO_POLICIES), "--format", "json"], capsys),
    }
    outputs["baseline file"] = (inputs / "b.json").read_text()
    with sqlite3.connect(inputs / "h.sqlite") as db:
        outputs["history store"] = "\n".join(
            str(row) for table in ("sa_runs", "sa_findings", "sa_errors") for row in db.execute(f"SELECT * FROM {table}")
        )
    raw = b"".join(p.read_bytes() for p in inputs.glob("h.sqlite*"))
    for value in SECRETS.values():
        assert value.encode() not in raw
    for where, text in outputs.items():
        assert text.strip(), where
        assert_clean(text, where)
