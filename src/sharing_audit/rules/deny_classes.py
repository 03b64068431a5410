"""Rule kind ``deny_classes``: no column of a protected class reaches the consumer."""

from __future__ import annotations

from collections.abc import Iterable

from ..delivery import Delivery
from ..findings import Finding
from ..lineage.model import ObjectLineage
from ..policy.model import Rule
from .base import RuleContext, RuleKind, collapse


class DenyClassesRule(RuleKind):
    """A column of a protected sensitivity class reaches the consumer.

    **Anti-pattern**

    .. code-block:: sql

        -- a hash of an SSN is still the SSN: it can be joined on.
        CREATE VIEW federal_exports.v_people AS
        SELECT MD5(p.ssn) AS person_key FROM pars.arrests p;

    **Best practice**

    .. code-block:: sql

        CREATE VIEW federal_exports.v_people AS
        SELECT p.arrest_id FROM pars.arrests p;
    """

    name = "deny_classes"

    def evaluate(self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterable[Finding]:  # noqa: D102
        hits = []
        for exposure in self.exposures(rule, obj, delivery, ctx):
            cls = ctx.catalog.class_of(exposure.origin.source)
            if cls is not None and cls in rule.classes:
                hits.append((exposure, f"class {cls} may not reach this consumer"))
        return [self.finding(rule, obj, delivery, ctx, e, why, n) for e, why, n in collapse(hits)]
