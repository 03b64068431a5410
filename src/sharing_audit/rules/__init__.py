"""Rule kinds, in evaluation order; ``RULE_KINDS`` is the registry."""

from __future__ import annotations

from .allowlist import AllowlistRule
from .base import RuleContext, RuleKind
from .deny_classes import DenyClassesRule
from .deny_system import DenySystemRule
from .predicate_use import PredicateUseRule
from .row_restriction import RowRestrictionRule

RULE_KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        DenySystemRule(),
        AllowlistRule(),
        DenyClassesRule(),
        RowRestrictionRule(),
        PredicateUseRule(),
    )
}
"""Every rule kind by its stable name (aliases resolve through ``rule_kind``)."""


def rule_kind(name: str) -> RuleKind:
    """The rule kind called ``name`` (or one of its aliases).

    Raises:
        KeyError: no such kind.
    """
    if name in RULE_KINDS:
        return RULE_KINDS[name]
    for kind in RULE_KINDS.values():
        if name in kind.aliases:
            return kind
    raise KeyError(name)


__all__ = ["RULE_KINDS", "RuleContext", "RuleKind", "rule_kind"]
