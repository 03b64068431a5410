"""Plain-language pieces shared by the counsel reports (Markdown and HTML)."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import RunResult
from ..findings import Finding
from ..lineage.model import Transform
from ..policy.model import Flow, Waiver


@dataclass(frozen=True)
class ConsumerView:
    """What one consumer receives, for the first page."""

    id: str
    name: str
    objects: tuple[str, ...]
    classes: tuple[str, ...]
    violations: int
    review: int
    waived: int


def verdict(result: RunResult) -> str:
    """The overall verdict in one sentence."""
    counts = _counts(result)
    if result.errors:
        return (
            f"Incomplete: {len(result.errors)} input(s) could not be analysed, so this report cannot clear them; "
            f"{counts['violation']} violation(s) were found in what was analysed."
        )
    if counts["violation"] or any(n.blocking for n in result.notices):
        return f"Not cleared: {counts['violation']} violation(s) of the sharing policies were found."
    return "Cleared: every input was analysed and no protected field reaches a consumer that may not receive it."


def _counts(result: RunResult) -> dict[str, int]:
    out = {"violation": 0, "review": 0, "waived": 0, "suppressed": 0, "baselined": 0}
    for f in result.findings:
        out[f.status] = out.get(f.status, 0) + 1
    return out


def consumers(result: RunResult) -> list[ConsumerView]:
    """Per consumer: what reaches it (objects delivered or findings naming it) and the counts."""
    views = []
    for c in result.policy.consumers:
        objects = sorted({name for name, ds in result.deliveries.items() if any(d.consumer == c.id for d in ds)} | {x.path for x in result.exports if x.consumer == c.id})
        mine = [f for f in result.findings if f.consumer == c.id]
        if not objects and not mine:
            continue
        views.append(
            ConsumerView(
                c.id,
                c.name,
                tuple(objects),
                tuple(sorted({f.source_class for f in mine if f.source_class})),
                sum(1 for f in mine if f.status == "violation"),
                sum(1 for f in mine if f.status == "review"),
                sum(1 for f in mine if f.status == "waived"),
            )
        )
    return views


def sentence(result: RunResult, f: Finding) -> str:
    """One finding in words a non-engineer can read.

    Example (shape): "The view federal_exports.v_ice_roster gives ICE (U.S. Immigration and
    Customs Enforcement) the last four digits of a person's Social Security number, taken from
    PARS arrest records."
    """
    kind = "export file" if f.evidence else "view"
    consumer = next((c for c in result.policy.consumers if c.id == f.consumer), None)
    who = f"{f.consumer.upper()} ({consumer.name})" if consumer else f.consumer
    source = f.sources[0]
    system_id = source.split(".", 1)[0]
    system = next((s for s in result.policy.systems if s.id == system_id), None)
    cls = next((c for c in result.policy.classes if c.id == f.source_class), None)
    what = _lower_first(cls.description.rstrip(".")) if cls else f"the field {source}"
    if f.flow is Flow.PREDICATE:
        how = f"uses {what} to choose which records it receives"
    elif f.transform is Transform.TRANSFORM or f.functions:
        fns = ", ".join(dict.fromkeys(f.functions)) or "a transformation"
        how = f"a value derived from {what} (by {fns})"
    elif f.transform is Transform.AGGREGATE:
        how = f"counts or totals built from {what}"
    else:
        how = what
    origin = f", taken from {system.name}" if system else ""
    column = f" in column {f.output_column}" if f.output_column else ""
    verb = "" if f.flow is Flow.PREDICATE else "gives "
    return f"The {kind} {f.object} {verb}{who} {how}{origin}{column}."


def waiver_for(result: RunResult, f: Finding) -> Waiver | None:
    """The waiver that covers a finding, if any."""
    return next((w for w in result.policy.waivers if w.id == f.waived_by), None)


def _lower_first(text: str) -> str:
    """``Social Security number`` → ``social Security number`` is wrong; keep acronyms and names.

    Example:
        >>> _lower_first("Date of birth"), _lower_first("Alien registration number (A-number) issued by DHS")
        ('date of birth', 'alien registration number (A-number) issued by DHS')
    """
    first, _, rest = text.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}" if rest else first
