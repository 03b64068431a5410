"""Rule kind docstrings carry a summary, then Anti-pattern and Best practice examples."""

from __future__ import annotations

import pytest

from sharing_audit.rules import RULE_KINDS, rule_kind


@pytest.mark.parametrize("name", sorted(RULE_KINDS))
def test_docstring_sections(name: str) -> None:
    doc = type(RULE_KINDS[name]).__doc__ or ""
    summary = doc.strip().splitlines()[0]
    assert summary.endswith("."), summary
    anti = doc.find("**Anti-pattern**")
    best = doc.find("**Best practice**")
    assert 0 < anti < best, f"{name}: Anti-pattern must come before Best practice"
    assert doc.count(".. code-block:: sql") == 2


def test_kind_names_are_stable_and_lookup_works() -> None:
    assert list(RULE_KINDS) == ["deny_system", "allowlist", "deny_classes", "row_restriction", "predicate_use"]
    for name, kind in RULE_KINDS.items():
        assert rule_kind(name) is kind
    with pytest.raises(KeyError):
        rule_kind("no_such_kind")
