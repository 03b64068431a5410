"""Plain-text report, grouped by consumer then rule; colour only when asked (on a TTY)."""

from __future__ import annotations

from ..engine import RunResult
from .interface import (
    Formatter,
    authority_text,
    by_consumer_and_rule,
    evidence_text,
    lineage_text,
    summary_line,
)

_COLORS = {"red": "\033[31m", "yellow": "\033[33m", "green": "\033[32m", "bold": "\033[1m", "dim": "\033[2m"}
_RESET = "\033[0m"


class TextFormatter(Formatter):
    """Human-readable report for terminals and CI logs."""

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def _c(self, name: str, text: str) -> str:
        return f"{_COLORS[name]}{text}{_RESET}" if self.color else text

    def format(self, result: RunResult) -> str:  # noqa: D102
        lines: list[str] = []
        names: dict[str, str] = {c.id: c.name for c in result.policy.consumers}
        for consumer, rules in by_consumer_and_rule(result.findings).items():
            lines.append(self._c("bold", f"{names.get(consumer, consumer)} ({consumer})"))
            for rule_id, findings in rules.items():
                first = findings[0]
                lines.append(f"  {rule_id}: {first.summary}")
                lines.append(self._c("dim", f"    authority: {authority_text(first)}"))
                for f in findings:
                    level = f.severity.value if f.status == "violation" else f.status
                    color = "red" if f.blocking else "yellow"
                    target = f"{f.object}.{f.output_column}" if f.output_column else f"{f.object} ({f.clause})"
                    lines.append(
                        f"    {f.location.path}:{f.location.line}:{f.location.column}: "
                        f"{self._c(color, level)}: {target}"
                    )
                    lines.append(f"      {f.message}")
                    if f.evidence is None:
                        lines.append(f"      lineage: {lineage_text(f)}")
                        lines.append(f"      flow: {f.flow.value}, transform: {f.transform.value}; delivered by {f.delivery}")
                    else:
                        lines.append(f"      evidence: {evidence_text(f.evidence)}; delivered by {f.delivery}")
                    if f.extra_paths:
                        lines.append(f"      (+{f.extra_paths} other path(s) with the same source)")
                    if f.waived_by:
                        lines.append(f"      waived by {f.waived_by}")
                    if f.suppressed_by:
                        lines.append(f"      suppressed inline: {f.suppressed_by}")
            lines.append("")
        if result.notices:
            lines.append(self._c("bold", "Notices:"))
            for n in result.notices:
                where = n.path or n.object or ""
                lines.append(f"  {where + ': ' if where else ''}{self._c('red' if n.blocking else 'yellow', n.code)}: {n.message}")
            lines.append("")
        if result.errors:
            lines.append(self._c("bold", "Not analysed (each is an error; the run cannot pass):"))
            for e in result.errors:
                where = f"{e.path}:{e.line}" if e.line else e.path
                lines.append(f"  {where}: {self._c('red', e.code)}: {e.message}")
            lines.append("")
        if not result.findings and not result.errors:
            lines.append(self._c("green", "No protected field reaches a consumer that may not receive it."))
        lines.append(summary_line(result))
        return "\n".join(lines) + "\n"
