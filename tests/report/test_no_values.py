"""No SQL literal that may be a protected value appears in any report format or error."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_sql
from sharing_audit.report import OutputFormat

SECRET = "219-09-9999"


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_literals_never_reach_reports(tmp_path: Path, fmt: OutputFormat) -> None:
    result = run_sql(
        tmp_path,
        {
            "leak.sql": f"CREATE VIEW federal_exports.v AS SELECT p.full_name FROM pars.persons p WHERE p.ssn = '{SECRET}';",
            "broken.sql": f"CREATE VIEW staging.b AS SELECT '{SECRET} FROM pars.persons p;",
            "bad_col.sql": f"CREATE VIEW staging.c AS SELECT p.nope FROM pars.persons p WHERE p.ssn = '{SECRET}';",
        },
    )
    assert result.exit_code == 2 and result.findings
    text = fmt.to_formatter().format(result)
    assert SECRET not in text
    assert SECRET.replace("-", "") not in text
