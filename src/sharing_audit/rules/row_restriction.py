"""Rule kind ``row_restriction``: a table feeds the consumer only through a provable filter."""

from __future__ import annotations

from collections.abc import Iterable

from ..catalog import ColumnKey
from ..delivery import Delivery
from ..findings import Finding
from ..lineage.model import ObjectLineage, Origin, RowSource, Transform
from ..policy.model import Flow, RequiredFilter, Rule
from .base import Exposure, RuleContext, RuleKind


class RowRestrictionRule(RuleKind):
    """Rows of a restricted table reach the consumer without the required filter.

    **Anti-pattern**

    .. code-block:: sql

        -- victims and witnesses are in pars.persons too.
        CREATE VIEW federal_exports.v_persons AS
        SELECT p.person_id, p.full_name FROM pars.persons p;

    **Best practice**

    .. code-block:: sql

        CREATE VIEW federal_exports.v_persons AS
        SELECT p.person_id, p.full_name FROM pars.persons p
        WHERE p.person_role = 'arrestee';
    """

    name = "row_restriction"

    def evaluate(self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterable[Finding]:  # noqa: D102
        out: list[Finding] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for required in rule.required_filters:
            for rs in obj.row_sources:
                if rs.table != required.table or _satisfied(rs, required):
                    continue
                key = (rs.table, rs.path)
                if key in seen:
                    continue
                seen.add(key)
                schema, table = required.table.split(".", 1)
                origin = Origin(
                    source=ColumnKey(schema, table, required.column),
                    flow=Flow.VALUE,
                    transform=Transform.IDENTITY,
                    path=rs.path,
                    position=rs.position,
                    clause="FROM",
                )
                allowed = ", ".join(sorted(required.values))
                reason = f"they must be limited to {required.column} in ({allowed}), and no such filter is provable"
                via = f" (through {' → '.join(rs.path)})" if rs.path else ""
                consumer = ctx.policy.consumer(delivery.consumer)
                name = consumer.name if consumer else delivery.consumer
                message = f"{obj.name} gives {name} rows of {rs.table}{via}: {reason}"
                out.append(self.finding(rule, obj, delivery, ctx, Exposure(None, origin), reason, message=message))
        return out


def _satisfied(rs: RowSource, required: RequiredFilter) -> bool:
    return any(col == required.column and values <= required.values for col, values in rs.filters)
