"""Exceptions counsel signs (waivers) and engineers write inline (suppressions).

Both keep the finding in every report, marked, so an exception is never invisible; each
reports its own problems (expired, unused, without a reason, forbidden) as notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import replace

from .findings import Finding, Notice
from .lineage.graph import LineageGraph
from .policy.model import Policy, Waiver


def waiver_targets(finding: Finding) -> set[str]:
    """Names a waiver's ``target`` may use for a finding: object, object.column, file, consumer."""
    targets = {finding.object, finding.location.path, f"consumer:{finding.consumer}"}
    if finding.output_column:
        targets.add(f"{finding.object}.{finding.output_column}")
        targets.add(f"{finding.location.path}:{finding.output_column}")
    return targets


def _covers(waiver: Waiver, finding: Finding) -> bool:
    return (
        waiver.rule == finding.rule_id
        and (waiver.consumer is None or waiver.consumer == finding.consumer)
        and waiver.target in waiver_targets(finding)
    )


def apply_waivers(
    policy: Policy, findings: list[Finding], as_of: dt.date, analysed: Collection[str] | None = None
) -> tuple[list[Finding], list[Notice]]:
    """Mark findings covered by a valid waiver; report expired and unused waivers.

    A waiver is valid when it is approved, names an approver, has not expired on ``as_of`` and
    its rule may be waived. An expired waiver leaves its findings violations. A waiver is
    reported unused only if this run analysed its target (``analysed``: object names and file
    paths; None means everything), so a run over one file does not flag every other waiver.
    """
    waivable = {r.id for r in policy.rules if r.waivable}
    out: list[Finding] = []
    used: set[str] = set()
    expired_hits: set[str] = set()
    for finding in findings:
        chosen = None
        for w in policy.waivers:
            if not _covers(w, finding):
                continue
            used.add(w.id)
            if w.expires is not None and w.expires < as_of:
                expired_hits.add(w.id)
                continue
            if w.approver and w.expires is not None and w.rule in waivable:
                chosen = w
                break
        out.append(replace(finding, waived_by=chosen.id) if chosen else finding)
    notices: list[Notice] = []
    for w in policy.waivers:
        where = f"{w.where.path}:{w.where.line}" if w.where else None
        if w.id in expired_hits:
            notices.append(
                Notice(
                    "waiver.expired",
                    f"waiver {w.id} for rule {w.rule} on {w.target} expired on {w.expires}; its findings are violations again",
                    object=w.target,
                    path=where,
                )
            )
        elif w.id not in used and _in_scope(w.target, analysed):
            notices.append(
                Notice(
                    "waiver.unused",
                    f"waiver {w.id} for rule {w.rule} on {w.target} matches no finding; remove it or fix its target",
                    object=w.target,
                    path=where,
                )
            )
    return out, notices


def _in_scope(target: str, analysed: Collection[str] | None) -> bool:
    if analysed is None or target.startswith("consumer:"):
        return True
    return target in analysed or target.rsplit(".", 1)[0] in analysed or target.rsplit(":", 1)[0] in analysed


def apply_suppressions(policy: Policy, graph: LineageGraph, findings: Iterable[Finding]) -> tuple[list[Finding], list[Notice]]:
    """Honour ``-- sharing-audit: ignore RULE reason="..."`` comments in SQL files.

    A suppression covers findings of that rule on its own line or the line below it, or every
    finding of an object whose definition starts on the line below it. One without a reason,
    or for a rule counsel made non-waivable, is refused: the finding stays and the refusal is a
    blocking notice.
    """
    waivable = {r.id for r in policy.rules if r.waivable}
    rule_ids = {r.id for r in policy.rules}
    by_file: dict[str, list[tuple[int, str, str]]] = {}
    for pf in graph.parsed:
        if pf.directives.ignores:
            by_file[pf.path] = list(pf.directives.ignores)
    starts = {name: (obj.file, obj.position.line) for name, obj in graph.objects.items()}
    notices: list[Notice] = []
    valid: dict[str, list[tuple[int, str, str]]] = {}
    for path, ignores in by_file.items():
        for line, rule, reason in ignores:
            where = f"{path}:{line}"
            if rule not in rule_ids:
                notices.append(Notice("suppression.unknown_rule", f"suppression at {where} names unknown rule {rule!r}", path=where, blocking=True))
            elif not reason.strip():
                notices.append(Notice("suppression.no_reason", f'suppression of {rule} at {where} has no reason="..."; it is ignored', path=where, blocking=True))
            elif rule not in waivable:
                notices.append(Notice("suppression.forbidden", f"rule {rule} may not be waived or suppressed (suppression at {where} is ignored)", path=where, blocking=True))
            else:
                valid.setdefault(path, []).append((line, rule, reason))
    used: set[tuple[str, int]] = set()
    out: list[Finding] = []
    for finding in findings:
        hit = None
        for line, rule, reason in valid.get(finding.location.path, []):
            if rule != finding.rule_id:
                continue
            on_line = finding.location.line in (line, line + 1)
            on_object = starts.get(finding.object) == (finding.location.path, line + 1)
            if on_line or on_object:
                hit = (line, reason)
                break
        if hit is not None:
            used.add((finding.location.path, hit[0]))
            finding = replace(finding, suppressed_by=f"{finding.location.path}:{hit[0]}: {hit[1]}")
        out.append(finding)
    for path, items in valid.items():
        for line, rule, _ in items:
            if (path, line) not in used:
                notices.append(Notice("suppression.unused", f"suppression of {rule} at {path}:{line} matches no finding", path=f"{path}:{line}"))
    return out, notices
