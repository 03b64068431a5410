"""Inline suppressions: a mandatory reason, listed in the report, forbidden where counsel says."""

from __future__ import annotations

from pathlib import Path

from helpers import run_sql

VIEW = (
    "CREATE VIEW federal_exports.v_release AS\n"
    "SELECT i.inmate_name,\n"
    "       i.release_date{comment}\n"
    "FROM lock_and_track.inmates i;\n"
)


def statuses(result, rule: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.status for f in result.findings if f.rule_id == rule]


def test_suppression_with_a_reason_on_the_offending_line(tmp_path: Path) -> None:
    sql = VIEW.format(comment='  -- sharing-audit: ignore phl-release-date-no-ice reason="warrant 2026-CR-0042"')
    result = run_sql(tmp_path, {"v.sql": sql})
    found = [f for f in result.findings if f.rule_id == "phl-release-date-no-ice"]
    assert [f.status for f in found] == ["suppressed"]
    assert found[0].suppressed_by == "v.sql:3: warrant 2026-CR-0042"
    # Only the named rule is suppressed; the allowlist finding on the same column stays.
    assert statuses(result, "phl-lock-and-track-allowlist") == ["violation"]


def test_suppression_on_the_line_above_an_object_covers_the_object(tmp_path: Path) -> None:
    sql = '-- sharing-audit: ignore phl-release-date-no-ice reason="approved by counsel"\n' + VIEW.format(comment="")
    result = run_sql(tmp_path, {"v.sql": sql})
    assert statuses(result, "phl-release-date-no-ice") == ["suppressed"]


def test_suppression_without_a_reason_is_refused_and_fails_the_run(tmp_path: Path) -> None:
    sql = VIEW.format(comment="  -- sharing-audit: ignore phl-release-date-no-ice")
    result = run_sql(tmp_path, {"v.sql": sql})
    assert statuses(result, "phl-release-date-no-ice") == ["violation"]
    refused = [n for n in result.notices if n.code == "suppression.no_reason"]
    assert len(refused) == 1 and refused[0].blocking
    assert result.exit_code == 1


def test_suppression_of_a_non_waivable_rule_is_forbidden(tmp_path: Path) -> None:
    sql = (
        "CREATE VIEW federal_exports.v_pars AS\n"
        'SELECT p.race  -- sharing-audit: ignore phl-pars-no-ice reason="we think it is fine"\n'
        "FROM pars.persons p WHERE p.person_role = 'arrestee';\n"
    )
    result = run_sql(tmp_path, {"v.sql": sql})
    assert "violation" in statuses(result, "phl-pars-no-ice")
    assert "suppressed" not in statuses(result, "phl-pars-no-ice")
    assert [n.code for n in result.notices if n.blocking] == ["suppression.forbidden"]


def test_an_unused_suppression_is_reported(tmp_path: Path) -> None:
    sql = VIEW.format(comment="").replace("i.release_date", 'i.race  -- sharing-audit: ignore phl-release-date-no-ice reason="old"')
    result = run_sql(tmp_path, {"v.sql": sql})
    assert [n.code for n in result.notices if n.code.startswith("suppression.")] == ["suppression.unused"]
    assert result.exit_code == 0


def test_suppression_for_an_unknown_rule_is_an_error_notice(tmp_path: Path) -> None:
    sql = VIEW.format(comment='  -- sharing-audit: ignore no-such-rule reason="x"')
    result = run_sql(tmp_path, {"v.sql": sql})
    assert [n.code for n in result.notices if n.blocking] == ["suppression.unknown_rule"]
