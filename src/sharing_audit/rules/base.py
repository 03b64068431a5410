"""The ``RuleKind`` base: what every rule kind gets, and the helpers they share."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from ..catalog import Catalog, ColumnKey
from ..delivery import Delivery
from ..findings import Finding, Location
from ..lineage.model import ObjectLineage, Origin, Position
from ..policy.model import Flow, Policy, Rule


@dataclass(frozen=True)
class RuleContext:
    """What a rule kind may consult besides the object it is evaluating."""

    policy: Policy
    catalog: Catalog


@dataclass(frozen=True)
class Exposure:
    """An origin as a consumer sees it: through which output column, if any."""

    column: str | None
    origin: Origin


class RuleKind(abc.ABC):
    """Evaluates one kind of rule against one object delivered to one consumer.

    The first line of a subclass docstring is its summary; it must also carry
    ``Anti-pattern`` and ``Best practice`` sections (a test enforces this).
    """

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    honours_redactions: ClassVar[bool] = True
    """Whether an approved redaction clears a value for this kind. Redactions are approved per
    class, so kinds that protect whole systems (a token is still that system's data) say no."""

    @abc.abstractmethod
    def evaluate(
        self, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext
    ) -> Iterable[Finding]:
        """Return the findings of ``rule`` for ``obj`` as delivered by ``delivery``."""

    @classmethod
    def summary(cls) -> str:
        """The one-line description from the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    # -- shared helpers --------------------------------------------------------------------

    @classmethod
    def exposures(cls, rule: Rule, obj: ObjectLineage, delivery: Delivery, ctx: RuleContext) -> Iterator[Exposure]:
        """Origins the consumer receives, limited to the rule's flows and the delivered columns.

        Approved redactions and aggregate exemptions are removed here, so every rule kind
        honours them the same way.
        """
        exempt_aggregate = (
            rule.aggregate_exemption is not None
            and obj.aggregate_min_count is not None
            and obj.aggregate_min_count >= rule.aggregate_exemption.min_count
        )
        if exempt_aggregate and not _groups_individuals(obj, ctx):
            return
        for column, origin in obj.all_origins():
            if origin.flow not in rule.flows:
                continue
            if column is not None and delivery.columns is not None and column not in delivery.columns:
                continue
            if origin.masked_by and cls.honours_redactions and _redaction_clears(ctx, origin):
                continue
            yield Exposure(column, origin)

    @staticmethod
    def finding(
        rule: Rule,
        obj: ObjectLineage,
        delivery: Delivery,
        ctx: RuleContext,
        exposure: Exposure,
        reason: str,
        extra_paths: int = 0,
        message: str | None = None,
    ) -> Finding:
        """Build a finding for one exposure, with the full lineage path and a plain message."""
        origin = exposure.origin
        consumer = ctx.policy.consumer(delivery.consumer)
        consumer_name = consumer.name if consumer else delivery.consumer
        target = f"{obj.name}.{exposure.column}" if exposure.column else f"{obj.name} <{origin.clause}>"
        path = (str(origin.source), *origin.path, target)
        cls = ctx.catalog.class_of(origin.source)
        how = _how(origin)
        where = f"column {exposure.column}" if exposure.column else f"its {origin.clause} clause"
        if message is None:
            message = f"{obj.name} gives {consumer_name} {origin.source}{f' ({cls})' if cls else ''} {how} through {where}: {reason}"
        return Finding(
            rule_id=rule.id,
            rule_kind=rule.kind,
            consumer=delivery.consumer,
            consumer_name=consumer_name,
            severity=rule.severity,
            object=obj.name,
            output_column=exposure.column,
            sources=(str(origin.source),),
            source_class=cls,
            lineage_path=path,
            flow=origin.flow,
            transform=origin.transform,
            clause=origin.clause,
            functions=origin.functions,
            location=_location(obj, origin.position),
            message=message,
            summary=rule.summary,
            authority=rule.authority,
            delivery=delivery.channel,
            extra_paths=extra_paths,
        )


def from_rule_systems(rule: Rule, source: ColumnKey) -> bool:
    """Whether ``source`` lies in the systems (and, if listed, the tables) a rule names."""
    return source.schema in rule.systems and (not rule.tables or source.object_name in rule.tables)


def collapse(findings: Iterable[tuple[Exposure, str]]) -> list[tuple[Exposure, str, int]]:
    """One entry per (column or clause, source, flow): the shortest path, and how many others."""
    best: dict[tuple[str | None, str, ColumnKey, Flow], tuple[Exposure, str, int]] = {}
    for exposure, reason in findings:
        o = exposure.origin
        key = (exposure.column, o.clause if exposure.column is None else "", o.source, o.flow)
        if key not in best:
            best[key] = (exposure, reason, 0)
            continue
        current, current_reason, count = best[key]
        if (len(o.path), o.position) < (len(current.origin.path), current.origin.position):
            best[key] = (exposure, reason, count + 1)
        else:
            best[key] = (current, current_reason, count + 1)
    return sorted(best.values(), key=lambda item: (item[0].origin.position, str(item[0].origin.source)))


def _groups_individuals(obj: ObjectLineage, ctx: RuleContext) -> bool:
    """Whether a group key singles out a person or record (an SSN, a name, a person key).

    Then ``HAVING COUNT(*) >= k`` counts one person's rows, not k people.
    """
    return any(o.clause == "GROUP BY" and ctx.catalog.identifies(o.source) for o in obj.predicates)


def _redaction_clears(ctx: RuleContext, origin: Origin) -> bool:
    cls = ctx.catalog.class_of(origin.source)
    for redaction in ctx.policy.redactions:
        name = redaction.function
        if origin.masked_by in (name, name.rsplit(".", 1)[-1]) and (not redaction.classes or cls in redaction.classes):
            return True
    return False


def _how(origin: Origin) -> str:
    if origin.flow is Flow.PREDICATE:
        return "as a row filter"
    if origin.functions:
        return f"as a value derived with {', '.join(dict.fromkeys(origin.functions))}"
    return "as a value" if origin.transform.value == "identity" else f"as a {origin.transform.value} value"


def _location(obj: ObjectLineage, position: Position) -> Location:
    return Location(obj.file, max(1, position.line), max(1, position.column))
