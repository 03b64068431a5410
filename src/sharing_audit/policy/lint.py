"""``policy lint``: semantic checks the schema cannot express, each with file and line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import Column, Flow, Policy, Rule, SourceRef


@dataclass(frozen=True)
class LintIssue:
    """One problem in the policy set."""

    severity: str
    """``error`` (the policy cannot be trusted; check exits 2) or ``warning``."""
    code: str
    message: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} [{self.code}]"


def lint_policy(policy: Policy) -> list[LintIssue]:
    """Every semantic problem in ``policy``, errors first, then in file order."""
    issues: list[LintIssue] = []

    def add(severity: str, code: str, message: str, where: SourceRef | None) -> None:
        issues.append(LintIssue(severity, code, message, where.path if where else "?", where.line if where else 0))

    consumers: set[str] = {c.id for c in policy.consumers}
    classes = policy.class_ids()
    systems = {s.id for s in policy.systems}
    columns = {f"{s.id}.{t.name}.{c.name}": c for s in policy.systems for t in s.tables for c in t.columns}
    tables = {f"{s.id}.{t.name}" for s in policy.systems for t in s.tables}

    for label, items in (
        ("consumer", policy.consumers),
        ("class", policy.classes),
        ("system", policy.systems),
        ("rule", policy.rules),
        ("waiver", policy.waivers),
    ):
        counts = Counter(i.id for i in items)
        for item in items:
            if counts[item.id] > 1:
                add("error", "duplicate-id", f"{label} id {item.id!r} is declared more than once", item.where)

    for consumer in policy.consumers:
        for target in consumer.reaches:
            if target not in consumers:
                add("error", "unknown-consumer", f"consumer {consumer.id} reaches unknown consumer {target!r}", consumer.where)
    for system in policy.systems:
        for name, count in Counter(t.name for t in system.tables).items():
            if count > 1:
                add("error", "duplicate-id", f"table {system.id}.{name} is declared more than once", system.where)
        for table in system.tables:
            for name, count in Counter(c.name for c in table.columns).items():
                if count > 1:
                    add("error", "duplicate-id", f"column {system.id}.{table.name}.{name} is declared more than once", system.where)
            for col in table.columns:
                if col.cls and col.cls not in classes:
                    add("error", "unknown-class", f"column {system.id}.{table.name}.{col.name} has unknown class {col.cls!r}", system.where)
    for role in policy.roles:
        for cid in role.consumers:
            if cid not in consumers:
                add("error", "unknown-consumer", f"role {role.role} maps to unknown consumer {cid!r}", role.where)
    for sd in policy.schema_deliveries:
        for cid in sd.consumers:
            if cid not in consumers:
                add("error", "unknown-consumer", f"schema {sd.schema} is delivered to unknown consumer {cid!r}", sd.where)
    for redaction in policy.redactions:
        for cls in redaction.classes:
            if cls not in classes:
                add("error", "unknown-class", f"redaction {redaction.function} names unknown class {cls!r}", redaction.where)

    for rule in policy.rules:
        _lint_rule(rule, policy, consumers, classes, systems, tables, columns, add)
    _lint_contradictions(policy, add)

    for waiver in policy.waivers:
        if waiver.rule not in {r.id for r in policy.rules}:
            add("error", "unknown-rule", f"waiver {waiver.id} names unknown rule {waiver.rule!r}", waiver.where)
        if not waiver.approver:
            add("error", "waiver-unapproved", f"waiver {waiver.id} has no approver", waiver.where)
        if waiver.expires is None:
            add("error", "waiver-no-expiry", f"waiver {waiver.id} has no expiry date", waiver.where)
        if waiver.consumer and waiver.consumer not in consumers:
            add("error", "unknown-consumer", f"waiver {waiver.id} names unknown consumer {waiver.consumer!r}", waiver.where)
        waived = next((r for r in policy.rules if r.id == waiver.rule), None)
        if waived is not None and not waived.waivable:
            add("error", "waiver-forbidden", f"rule {waived.id} may not be waived, but waiver {waiver.id} waives it", waiver.where)

    issues.sort(key=lambda i: (i.severity != "error", i.path, i.line))
    return issues


AddIssue = Callable[[str, str, str, SourceRef | None], None]


def _lint_rule(
    rule: Rule,
    policy: Policy,
    consumers: set[str],
    classes: frozenset[str],
    systems: set[str],
    tables: set[str],
    columns: dict[str, Column],
    add: AddIssue,
) -> None:
    for cid in rule.consumers:
        if cid not in consumers:
            add("error", "unknown-consumer", f"rule {rule.id} applies to unknown consumer {cid!r}", rule.where)
    if not rule.consumers and not (rule.federal and any(c.federal for c in policy.consumers)):
        add("error", "targets-nothing", f"rule {rule.id} applies to no consumer", rule.where)
    for sid in rule.systems:
        if sid not in systems:
            add("error", "unknown-system", f"rule {rule.id} names unknown system {sid!r}", rule.where)
    for table in rule.tables:
        if table not in tables:
            add("error", "unknown-table", f"rule {rule.id} names unknown table {table!r}", rule.where)
    for cls in rule.classes:
        if cls not in classes:
            add("error", "unknown-class", f"rule {rule.id} names unknown class {cls!r}", rule.where)
    for name in (*rule.allow_values, *rule.allow_predicates):
        if name not in columns:
            add("error", "unknown-column", f"rule {rule.id} allows unknown column {name!r}", rule.where)
        elif rule.systems and name.split(".")[0] not in rule.systems:
            add("error", "targets-nothing", f"rule {rule.id} allows {name}, outside its systems", rule.where)
    for rf in rule.required_filters:
        if f"{rf.table}.{rf.column}" not in columns:
            add("error", "unknown-column", f"rule {rule.id} requires a filter on unknown column {rf.table}.{rf.column}", rule.where)
    needs = {
        "deny_system": bool(rule.systems or rule.tables),
        "allowlist": bool(rule.systems),
        "deny_classes": bool(rule.classes),
        "predicate_use": bool(rule.classes),
        "row_restriction": bool(rule.required_filters),
    }
    if not needs.get(rule.kind, True):
        add("error", "targets-nothing", f"rule {rule.id} ({rule.kind}) names nothing to protect", rule.where)
    if not rule.authority.illustrative and not (rule.authority.citation or rule.authority.url):
        add("warning", "no-citation", f"rule {rule.id} cites no source and is not marked illustrative", rule.where)
    if rule.where and Path(rule.where.path).parent.name == "rules":
        same_file = [r for r in policy.rules if r.where and r.where.path == rule.where.path]
        if len(same_file) == 1 and Path(rule.where.path).stem != rule.id:
            add("warning", "id-not-file-name", f"rule {rule.id} lives in {Path(rule.where.path).name}; name the file {rule.id}.yaml", rule.where)


def _lint_contradictions(policy: Policy, add: AddIssue) -> None:
    """An allowlist that allows what another rule denies to the same consumer."""

    def targets(rule: Rule) -> set[str]:
        out: set[str] = set(rule.consumers)
        if rule.federal:
            out |= {c.id for c in policy.consumers if c.federal}
        return out

    classes_of = {f"{s.id}.{t.name}.{c.name}": c.cls for s in policy.systems for t in s.tables for c in t.columns}
    for allow in (r for r in policy.rules if r.kind == "allowlist"):
        for deny in policy.rules:
            if deny is allow or not (targets(allow) & targets(deny)):
                continue
            named = [(n, Flow.VALUE) for n in allow.allow_values]
            named += [(n, Flow.PREDICATE) for n in allow.allow_predicates]
            for name, flow in named:
                if flow not in deny.flows:
                    continue
                if deny.kind == "deny_system" and name.split(".")[0] in deny.systems:
                    add("error", "contradiction", f"rule {allow.id} allows {name}, which rule {deny.id} denies (system {name.split('.')[0]})", allow.where)
                cls = classes_of.get(name)
                if deny.kind == "deny_classes" and cls and cls in deny.classes:
                    add("error", "contradiction", f"rule {allow.id} allows {name}, which rule {deny.id} denies (class {cls})", allow.where)
