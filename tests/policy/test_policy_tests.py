"""``policy test``: the demo's rule cases pass, and a wrong expectation is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import DEMO_POLICIES
from sharing_audit.engine import load_policy_checked
from sharing_audit.policy.testing import run_policy_tests


def test_demo_policy_cases_pass() -> None:
    policy, _ = load_policy_checked(DEMO_POLICIES)
    outcomes = run_policy_tests(policy, DEMO_POLICIES)
    assert len(outcomes) >= 2 * len(policy.rules)
    assert [o.name for o in outcomes if not o.passed] == []
    tested = {o.name.split(": ")[-1] for o in outcomes if ".test.sql" in o.name}
    assert tested == {r.id for r in policy.rules}
    exports = [o.name for o in outcomes if ".test.yaml" in o.name]
    assert len(exports) >= 5
    first = next(o for o in outcomes if "phl-pars-no-ice.test.sql" in o.name)
    assert first.name.endswith(":4 ruleid: phl-pars-no-ice")


def test_wrong_export_expectation_fails(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, root)
    (root / "rules" / "extra.test.yaml").write_text(
        "cases:\n"
        "  - name: wrong\n"
        "    consumer: ice\n"
        "    csv: |\n"
        "      name,notes\n"
        "      A B,SSN 078-05-1120\n"
        "    expect: []\n",
        encoding="utf-8",
    )
    policy, _ = load_policy_checked(root)
    wrong = [o for o in run_policy_tests(policy, root) if o.name.endswith(": wrong")]
    assert len(wrong) == 1 and not wrong[0].passed
    assert "unexpected: phl-protected-classes-no-federal on notes" in wrong[0].detail
    assert "078" not in wrong[0].detail


def test_wrong_expectation_fails(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, root)
    for case in [*root.rglob("*.test.sql"), *root.rglob("*.test.yaml")]:
        case.unlink()
    (root / "rules" / "phl-pars-no-ice.test.sql").write_text(
        "-- sharing-audit: deliver-to=ice\n-- ok: phl-pars-no-ice\nSELECT p.ssn FROM pars.persons p;\n"
        "-- ruleid: phl-pars-no-ice\nSELECT i.race FROM lock_and_track.inmates i;\n",
        encoding="utf-8",
    )
    policy, _ = load_policy_checked(root)
    outcomes = run_policy_tests(policy, root)
    assert [(o.passed, o.detail.split(":")[0]) for o in outcomes] == [
        (False, "expected no finding, got"),
        (False, "expected a finding, got none"),
    ]
