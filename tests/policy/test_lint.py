"""``policy lint``: semantic problems the schema cannot see, each with its code, file and line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, run_sql
from sharing_audit.engine import load_policy_checked
from sharing_audit.errors import PolicyError
from sharing_audit.policy.lint import LintIssue, lint_policy
from sharing_audit.policy.loader import load_policies

PARS_NO_ICE = "rules/phl-pars-no-ice.yaml"
RELEASE = "rules/phl-release-date-no-ice.yaml"
ALLOWLIST = "rules/phl-lock-and-track-allowlist.yaml"


def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, root)
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def lint(root: Path) -> list[tuple[str, str, str, int]]:
    """``(severity, code, path relative to root, line)`` of every issue."""
    return [(i.severity, i.code, str(Path(i.path).relative_to(root)), i.line) for i in lint_policy(load_policies(root))]


def errors(root: Path) -> list[tuple[str, str, int]]:
    return [(code, path, line) for severity, code, path, line in lint(root) if severity == "error"]


def issue_messages(root: Path, code: str) -> list[str]:
    return [i.message for i in lint_policy(load_policies(root)) if i.code == code]


def test_demo_is_clean() -> None:
    assert lint_policy(load_policies(DEMO_POLICIES)) == []


def test_issue_text_has_path_line_and_code() -> None:
    issue = LintIssue("error", "unknown-class", "rule x names unknown class 'y'", "policies/rules/x.yaml", 7)
    assert str(issue) == "policies/rules/x.yaml:7: error: rule x names unknown class 'y' [unknown-class]"


# -- unknown names ----------------------------------------------------------------------------


def test_unknown_class_in_rule(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, RELEASE, "classes: [release_date]", "classes: [release_dat]")
    assert errors(root) == [("unknown-class", RELEASE, 2)]
    assert "'release_dat'" in issue_messages(root, "unknown-class")[0]


def test_unknown_class_in_catalog_column(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "catalog/courts.yaml", "- {name: courtroom}", "- {name: courtroom, class: room_number}")
    assert errors(root) == [("unknown-class", "catalog/courts.yaml", 2)]
    assert "courts.hearings.courtroom" in issue_messages(root, "unknown-class")[0]


def test_unknown_class_in_redaction(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "redactions.yaml", "classes: [ssn, a_number]", "classes: [ssn, alien_no]")
    assert errors(root) == [("unknown-class", "redactions.yaml", 2)]


def test_unknown_consumer_in_rule(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "consumers: [ice]", "consumers: [ice, dhs]")
    assert errors(root) == [("unknown-consumer", PARS_NO_ICE, 2)]
    assert "'dhs'" in issue_messages(root, "unknown-consumer")[0]


def test_unknown_consumer_in_role(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "delivery.yaml", "{role: usms_reader, consumers: [usms]}", "{role: usms_reader, consumers: [usmss]}")
    assert errors(root) == [("unknown-consumer", "delivery.yaml", 5)]


def test_unknown_consumer_in_delivery_schema(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "delivery.yaml", "{schema: research_exports, consumers: [researchers]}", "{schema: research_exports, consumers: [reserchers]}")
    assert errors(root) == [("unknown-consumer", "delivery.yaml", 14)]


def test_unknown_consumer_reached_by_intermediary(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "consumers.yaml", "reaches: [ice, fbi]", "reaches: [ice, cbp]")
    assert errors(root) == [("unknown-consumer", "consumers.yaml", 17)]
    assert "'cbp'" in issue_messages(root, "unknown-consumer")[0]


def test_unknown_system(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "systems: [pars]", "systems: [parz]")
    assert errors(root) == [("unknown-system", PARS_NO_ICE, 2)]
    assert "'parz'" in issue_messages(root, "unknown-system")[0]


def test_unknown_column_in_allowlist(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.ethnicity")
    assert errors(root) == [("unknown-column", ALLOWLIST, 2)]


def test_unknown_column_in_required_filter(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "rules/phl-pars-offenders-only.yaml", "column: person_role", "column: role")
    assert errors(root) == [("unknown-column", "rules/phl-pars-offenders-only.yaml", 2)]


def test_unknown_table_in_deny_system(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "systems: [pars]", "systems: [pars]\n    tables: [pars.people]")
    assert errors(root) == [("unknown-table", PARS_NO_ICE, 2)]


def test_waiver_of_unknown_rule(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(
        "waivers:\n  - id: w1\n    rule: phl-no-such-rule\n    target: federal_exports.v\n"
        "    justification: j\n    approver: counsel\n    expires: 2027-01-01\n",
        encoding="utf-8",
    )
    assert errors(root) == [("unknown-rule", "waivers.yaml", 2)]


# -- duplicates -------------------------------------------------------------------------------


def test_duplicate_rule_id_in_two_files(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    shutil.copy(root / PARS_NO_ICE, root / "rules" / "copy.yaml")
    assert errors(root) == [("duplicate-id", "rules/copy.yaml", 2), ("duplicate-id", PARS_NO_ICE, 2)]
    # The copy's file name no longer matches its id either (a warning only).
    assert ("warning", "id-not-file-name", "rules/copy.yaml", 2) in lint(root)


def test_duplicate_class_id(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "more-classes.yaml").write_text("classes:\n  - id: ssn\n    description: again\n", encoding="utf-8")
    assert errors(root) == [("duplicate-id", "classes.yaml", 2), ("duplicate-id", "more-classes.yaml", 2)]


def test_duplicate_consumer_id(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "more-consumers.yaml").write_text(
        "consumers:\n  - {id: ice, name: ICE again, federal: true, level: federal}\n", encoding="utf-8"
    )
    assert errors(root) == [("duplicate-id", "consumers.yaml", 2), ("duplicate-id", "more-consumers.yaml", 2)]


def test_duplicate_column_in_catalog_table(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "catalog/courts.yaml", "- {name: courtroom}", "- {name: courtroom}\n          - {name: Courtroom}")
    assert errors(root) == [("duplicate-id", "catalog/courts.yaml", 2)]
    assert "courts.hearings.courtroom" in issue_messages(root, "duplicate-id")[0]


# -- rules that protect nothing -----------------------------------------------------------------


def test_rule_that_applies_to_no_consumer(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "applies_to: {consumers: [ice]}", "applies_to: {}")
    assert errors(root) == [("targets-nothing", PARS_NO_ICE, 2)]


def test_federal_rule_with_no_federal_consumer(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    text = (root / "consumers.yaml").read_text(encoding="utf-8").replace("federal: true", "federal: false")
    (root / "consumers.yaml").write_text(text, encoding="utf-8")
    found = errors(root)
    # Every ``applies_to: {federal: true}`` rule now targets nothing.
    federal_rules = {
        "rules/phl-immigration-status-review.yaml",
        "rules/phl-no-birth-country-targeting.yaml",
        "rules/phl-pars-offenders-only.yaml",
        "rules/phl-protected-classes-no-federal.yaml",
    }
    assert {(code, path) for code, path, _ in found} == {("targets-nothing", p) for p in federal_rules}
    assert {line for _, _, line in found} == {2}


def test_deny_system_without_systems(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "    systems: [pars]\n", "")
    assert errors(root) == [("targets-nothing", PARS_NO_ICE, 2)]
    assert "names nothing to protect" in issue_messages(root, "targets-nothing")[0]


def test_deny_classes_without_classes(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, RELEASE, "    classes: [release_date]\n", "")
    assert errors(root) == [("targets-nothing", RELEASE, 2)]


def test_allowlist_value_outside_its_systems(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.race\n        - courts.cases.case_status")
    assert errors(root) == [("targets-nothing", ALLOWLIST, 2)]


# -- contradictions -----------------------------------------------------------------------------


def test_allowlist_allows_a_denied_class(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.race\n        - lock_and_track.inmates.ssn")
    assert errors(root) == [("contradiction", ALLOWLIST, 2)]
    (message,) = issue_messages(root, "contradiction")
    assert "lock_and_track.inmates.ssn" in message and "phl-protected-classes-no-federal" in message


def test_allowlist_allows_release_date_that_another_rule_denies_ice(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.race\n        - lock_and_track.inmates.release_date")
    assert errors(root) == [("contradiction", ALLOWLIST, 2)]
    assert "phl-release-date-no-ice" in issue_messages(root, "contradiction")[0]


def test_allowlist_allows_a_denied_system(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "systems: [lock_and_track]", "systems: [lock_and_track, pars]")
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.race\n        - pars.persons.race")
    assert ("contradiction", ALLOWLIST, 2) in errors(root)
    assert any("phl-pars-no-ice" in m for m in issue_messages(root, "contradiction"))


def test_no_contradiction_for_other_consumers(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    # The release-date rule protects ICE only; an allowlist for the DA does not contradict it.
    edit(root, ALLOWLIST, "applies_to: {consumers: [ice]}", "applies_to: {consumers: [phl_da]}")
    edit(root, ALLOWLIST, "- lock_and_track.inmates.race", "- lock_and_track.inmates.race\n        - lock_and_track.inmates.release_date")
    assert errors(root) == []


def test_allowlist_predicate_contradicts_predicate_deny(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, ALLOWLIST, "- lock_and_track.inmates.custody_status", "- lock_and_track.inmates.custody_status\n        - lock_and_track.inmates.ssn")
    assert errors(root) == [("contradiction", ALLOWLIST, 2)]


# -- waivers ------------------------------------------------------------------------------------

WAIVER = "waivers:\n  - id: w1\n    rule: phl-release-date-no-ice\n    target: federal_exports.v_release\n    justification: judicial warrant on file\n"


def test_waiver_without_approver_or_expiry(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(WAIVER, encoding="utf-8")
    assert errors(root) == [("waiver-unapproved", "waivers.yaml", 2), ("waiver-no-expiry", "waivers.yaml", 2)]


def test_waiver_without_expiry_only(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(WAIVER + "    approver: City Solicitor\n", encoding="utf-8")
    assert errors(root) == [("waiver-no-expiry", "waivers.yaml", 2)]


def test_complete_waiver_is_clean(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(WAIVER + "    approver: City Solicitor\n    expires: 2027-01-31\n", encoding="utf-8")
    assert errors(root) == []


def test_waiver_of_unwaivable_rule(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    text = WAIVER.replace("phl-release-date-no-ice", "phl-pars-no-ice") + "    approver: Mayor\n    expires: 2027-01-31\n"
    (root / "waivers.yaml").write_text(text, encoding="utf-8")
    assert errors(root) == [("waiver-forbidden", "waivers.yaml", 2)]


def test_waiver_for_unknown_consumer(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(WAIVER + "    consumer: dhs\n    approver: x\n    expires: 2027-01-31\n", encoding="utf-8")
    assert errors(root) == [("unknown-consumer", "waivers.yaml", 2)]


def test_complete_waiver_waives_only_until_expiry(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (root / "waivers.yaml").write_text(
        WAIVER.replace("federal_exports.v_release", "federal_exports.v_release.release_date")
        + "    approver: City Solicitor\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    sql = {"v.sql": "CREATE VIEW federal_exports.v_release AS SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;"}
    before = run_sql(tmp_path / "a", sql, policies=root, as_of=dt.date(2026, 12, 31))
    release = [f for f in before.findings if f.rule_id == "phl-release-date-no-ice"]
    assert [(f.output_column, f.waived_by, f.blocking) for f in release] == [("release_date", "w1", False)]
    after = run_sql(tmp_path / "b", sql, policies=root, as_of=dt.date(2027, 1, 1))
    release = [f for f in after.findings if f.rule_id == "phl-release-date-no-ice"]
    assert [(f.output_column, f.waived_by, f.blocking) for f in release] == [("release_date", None, True)]


# -- warnings and how check treats lint errors ---------------------------------------------------


def test_missing_citation_is_a_warning(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "      citation: The agreement expired 31 Aug 2018 and was not renewed.\n", "")
    edit(root, PARS_NO_ICE, "      url: https://www.phila.gov/2018-08-03-ending-the-pars-agreement-with-ice/\n", "")
    assert lint(root) == [("warning", "no-citation", PARS_NO_ICE, 2)]


def test_check_refuses_a_policy_with_lint_errors(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, PARS_NO_ICE, "systems: [pars]", "systems: [parz]")
    with pytest.raises(PolicyError) as info:
        load_policy_checked(root)
    assert info.value.path == str(root / PARS_NO_ICE)
    assert info.value.line == 2
    assert "[unknown-system]" in info.value.message


def test_check_accepts_warnings(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    shutil.move(root / PARS_NO_ICE, root / "rules" / "pars.yaml")
    policy, issues = load_policy_checked(root)
    assert len(policy.rules) == 8
    assert [(i.severity, i.code) for i in issues] == [("warning", "id-not-file-name")]
