"""Waivers counsel signs: honoured, expired, unused, unapproved, forbidden."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, run_sql
from sharing_audit.errors import PolicyError

RELEASE_SQL = (
    "CREATE VIEW federal_exports.v_release AS\n"
    "SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;\n"
)
PARS_SQL = "CREATE VIEW federal_exports.v_pars AS\nSELECT p.race FROM pars.persons p WHERE p.person_role = 'arrestee';\n"


def policies_with(tmp_path: Path, waivers: str) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, target)
    (target / "waivers.yaml").write_text("waivers:\n" + waivers, encoding="utf-8")
    return target


WAIVER = """\
  - id: w-release-{name}
    rule: phl-release-date-no-ice
    target: {target}
    consumer: ice
    justification: Release notice for one inmate convicted of a first-degree violent felony.
    legal_basis: Executive Order 5-16; judicial warrant 2026-CR-0042
    approver: {approver}
    approved: 2026-10-01
    expires: {expires}
"""


def waiver(name: str = "a", target: str = "federal_exports.v_release.release_date", approver: str = "City Solicitor", expires: str = "2027-01-31") -> str:
    return WAIVER.format(name=name, target=target, approver=approver, expires=expires)


def test_waived_finding_stays_in_the_report_marked_with_the_waiver_id(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL}, policies=policies_with(tmp_path, waiver()))
    release = [f for f in result.findings if f.rule_id == "phl-release-date-no-ice"]
    assert len(release) == 1
    assert release[0].waived_by == "w-release-a" and release[0].status == "waived" and not release[0].blocking
    assert not [n for n in result.notices if n.code.startswith("waiver.")]


def test_the_same_view_without_the_waiver_is_a_violation(tmp_path: Path) -> None:
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL})
    release = [f for f in result.findings if f.rule_id == "phl-release-date-no-ice"]
    assert [f.status for f in release] == ["violation"]
    assert result.exit_code == 1


def test_an_expired_waiver_turns_its_finding_back_into_a_violation_and_is_reported(tmp_path: Path) -> None:
    policies = policies_with(tmp_path, waiver(expires="2026-11-01"))
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL}, policies=policies, as_of=dt.date(2026, 11, 25))
    release = [f for f in result.findings if f.rule_id == "phl-release-date-no-ice"]
    assert [f.status for f in release] == ["violation"]
    expired = [n for n in result.notices if n.code == "waiver.expired"]
    assert len(expired) == 1 and "w-release-a" in expired[0].message and "2026-11-01" in expired[0].message
    assert result.exit_code == 1


def test_a_waiver_that_matches_nothing_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    policies = policies_with(tmp_path, waiver())
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL.replace("i.release_date", "i.race")}, policies=policies)
    unused = [n for n in result.notices if n.code == "waiver.unused"]
    assert len(unused) == 1 and not unused[0].blocking
    assert result.exit_code == 0


def test_a_waiver_for_an_object_this_run_did_not_analyse_is_not_called_unused(tmp_path: Path) -> None:
    policies = policies_with(tmp_path, waiver(target="federal_exports.v_elsewhere.release_date"))
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL.replace("i.release_date", "i.race")}, policies=policies)
    assert not [n for n in result.notices if n.code.startswith("waiver.")]


def test_a_waiver_without_approver_is_a_policy_error(tmp_path: Path) -> None:
    policies = policies_with(tmp_path, waiver(approver='""'))
    with pytest.raises(PolicyError, match="no approver"):
        run_sql(tmp_path, {"v.sql": RELEASE_SQL}, policies=policies)


def test_a_waiver_without_expiry_is_a_policy_error(tmp_path: Path) -> None:
    text = waiver().replace("    expires: 2027-01-31\n", "")
    with pytest.raises(PolicyError, match="no expiry"):
        run_sql(tmp_path, {"v.sql": RELEASE_SQL}, policies=policies_with(tmp_path, text))


def test_counsel_can_forbid_waivers_for_a_rule(tmp_path: Path) -> None:
    text = waiver().replace("phl-release-date-no-ice", "phl-pars-no-ice").replace(
        "federal_exports.v_release.release_date", "federal_exports.v_pars.race"
    )
    with pytest.raises(PolicyError, match="may not be waived"):
        run_sql(tmp_path, {"v.sql": PARS_SQL}, policies=policies_with(tmp_path, text))


def test_a_waiver_may_target_a_whole_object(tmp_path: Path) -> None:
    policies = policies_with(tmp_path, waiver(target="federal_exports.v_release"))
    result = run_sql(tmp_path, {"v.sql": RELEASE_SQL}, policies=policies)
    assert {f.status for f in result.findings if f.rule_id == "phl-release-date-no-ice"} == {"waived"}
    # Other rules on the same object are not waived by it.
    assert {f.status for f in result.findings if f.rule_id == "phl-lock-and-track-allowlist"} == {"violation"}
