"""Rule kind ``predicate_use``: a protected class is not used to choose rows for the consumer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..delivery import Delivery
from ..findings import Finding
from ..lineage.model import ObjectLineage
from ..policy.model import Flow, Rule
from .base import RuleContext, RuleKind, collapse


class PredicateUseRule(RuleKind):
    """A protected class is used in WHERE, JOIN, GROUP BY or another row-choosing clause.

    **Anti-pattern**

    .. code-block:: sql

        -- nothing about birth country is output, but the rows are chosen by it.
        CREATE VIEW federal_exports.v_foreign_born AS
        SELECT a.arrest_id FROM pars.arrests a WHERE a.country_of_birth <> 'USA';

    **Best practice**

    .. code-block:: sql

        -- aggregate-only, with every group at least k rows (when the rule allows it).
        SELECT a.country_of_birth, COUNT(*) AS n FROM pars.arrests a
        GROUP BY a.country_of_birth HAVING COUNT(*) >= 11;
    """

    name = "predicate_use"

    def evaluate(self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterable[Finding]:  # noqa: D102
        hits = []
        only_predicates = dataclasses.replace(rule, flows=frozenset({Flow.PREDICATE}))
        for exposure in self.exposures(only_predicates, obj, delivery, ctx):
            cls = ctx.catalog.class_of(exposure.origin.source)
            if cls is not None and cls in rule.classes:
                hits.append((exposure, f"class {cls} may not decide which rows this consumer receives"))
        return [self.finding(rule, obj, delivery, ctx, e, why, n) for e, why, n in collapse(hits)]
