"""docs/demo-policies.md is generated from policies/ and kept current."""

from __future__ import annotations

from helpers import DEMO_POLICIES, ROOT
from sharing_audit.engine import load_policy_checked
from sharing_audit.report.policy_docs import policy_markdown


def test_committed_policy_reference_is_current() -> None:
    policy, _ = load_policy_checked(DEMO_POLICIES)
    generated = policy_markdown(policy)
    committed = (ROOT / "docs" / "demo-policies.md").read_text(encoding="utf-8")
    assert committed == generated, "run: sharing-audit policy docs -o docs/demo-policies.md"
    for rule in policy.rules:
        assert f"### `{rule.id}`" in generated
