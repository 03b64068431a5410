"""Rule kind ``allowlist``: from a system, only the listed columns reach the consumer."""

from __future__ import annotations

from collections.abc import Iterable

from ..delivery import Delivery
from ..findings import Finding
from ..lineage.model import ObjectLineage
from ..policy.model import Flow, Rule
from .base import RuleContext, RuleKind, collapse, from_rule_systems


class AllowlistRule(RuleKind):
    """A column outside the allowlist of its source system reaches the consumer.

    **Anti-pattern**

    .. code-block:: sql

        -- Lock and Track may give ICE name, race and self-reported country only.
        CREATE VIEW federal_exports.v_lt AS
        SELECT i.inmate_name, i.release_date FROM lock_and_track.inmates i;

    **Best practice**

    .. code-block:: sql

        -- a named key may be used to filter or join, but is not output.
        CREATE VIEW federal_exports.v_lt AS
        SELECT i.inmate_name, i.race, i.self_reported_country
        FROM lock_and_track.inmates i WHERE i.custody_status = 'in_custody';
    """

    name = "allowlist"
    honours_redactions = False

    def evaluate(self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterable[Finding]:  # noqa: D102
        hits = []
        for exposure in self.exposures(rule, obj, delivery, ctx):
            source = exposure.origin.source
            if not from_rule_systems(rule, source):
                continue
            name = str(source)
            if exposure.origin.flow is Flow.VALUE:
                if name in rule.allow_values:
                    continue
                reason = f"{name} is not on the allowlist of values from {source.schema}"
            else:
                if name in rule.allow_predicates or name in rule.allow_values:
                    continue
                reason = f"{name} is not a named join or filter key of {source.schema}"
            hits.append((exposure, reason))
        return [self.finding(rule, obj, delivery, ctx, e, why, n) for e, why, n in collapse(hits)]
