"""Rule kind ``deny_system``: no column of a source system reaches the consumer."""

from __future__ import annotations

from collections.abc import Iterable

from ..delivery import Delivery
from ..findings import Finding
from ..lineage.model import ObjectLineage
from ..policy.model import Rule
from .base import RuleContext, RuleKind, collapse, from_rule_systems


class DenySystemRule(RuleKind):
    """A column from a denied source system reaches the consumer, in any form.

    **Anti-pattern**

    .. code-block:: sql

        -- PARS is denied to ICE; a last-4 is still PARS data.
        CREATE VIEW federal_exports.v_ice AS
        SELECT RIGHT(a.ssn, 4) AS hint FROM pars.arrests a;

    **Best practice**

    .. code-block:: sql

        CREATE VIEW federal_exports.v_ice AS
        SELECT i.inmate_name FROM lock_and_track.inmates i;
    """

    name = "deny_system"
    honours_redactions = False

    def evaluate(self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterable[Finding]:  # noqa: D102
        hits = []
        for exposure in self.exposures(rule, obj, delivery, ctx):
            source = exposure.origin.source
            if not from_rule_systems(rule, source):
                continue
            hits.append((exposure, f"no {source.schema} data may reach this consumer"))
        return [self.finding(rule, obj, delivery, ctx, e, why, n) for e, why, n in collapse(hits)]
