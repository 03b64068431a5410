"""Counsel's report as Markdown: verdict first, then each finding in plain language."""

from __future__ import annotations

from ..engine import RunResult
from .interface import Formatter, authority_text, evidence_text, lineage_text, summary_counts
from .plain import consumers, sentence, verdict, waiver_for


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class MarkdownFormatter(Formatter):
    """GitHub-flavoured Markdown, for a pull-request comment or a wiki page."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        c = summary_counts(result)
        out = [f"# sharing-audit report: {result.policy.name}", "", f"**{verdict(result)}**", ""]
        out += [
            "| violations | for review | waived | suppressed | baselined | not analysed |",
            "|---|---|---|---|---|---|",
            f"| {c['violations']} | {c['review']} | {c['waived']} | {c['suppressed']} | {c['baselined']} | {c['errors']} |",
            "",
        ]
        if result.baseline is not None:
            b = result.baseline
            out += [f"Since the baseline: {len(b.new)} new, {len(b.fixed)} fixed, {len(b.unchanged)} unchanged.", ""]
        out += ["## What each consumer receives", "", "| consumer | delivered | protected classes found | violations | review | waived |", "|---|---|---|---|---|---|"]
        for v in consumers(result):
            out.append(f"| {_esc(v.name)} ({v.id}) | {len(v.objects)} | {', '.join(v.classes) or '-'} | {v.violations} | {v.review} | {v.waived} |")
        out += ["", "## Findings", ""]
        if not result.findings:
            out.append("None.")
        for f in result.findings:
            out.append(f"### {f.status}: {f.rule_id} → {f.consumer}: {f.object}{'.' + f.output_column if f.output_column else ''}")
            out += ["", sentence(result, f), "", f"- Rule: {f.summary}", f"- Authority: {_link(f.authority.title, f.authority.url)}{' (illustrative)' if f.authority.illustrative else ''}"]
            if f.evidence:
                out.append(f"- Evidence: {evidence_text(f.evidence)}")
            else:
                out.append(f"- Lineage: {lineage_text(f)}")
            out.append(f"- Delivered by: {f.delivery}")
            out.append(f"- Where: `{f.location.path}:{f.location.line}`")
            w = waiver_for(result, f)
            if w:
                out.append(f"- Waived by **{w.id}**: {w.justification.strip()} Legal basis: {w.legal_basis}. Approved by {w.approver} on {w.approved}; expires {w.expires}.")
            if f.suppressed_by:
                out.append(f"- Suppressed inline: {f.suppressed_by}")
            out.append("")
        if result.notices:
            out += ["## Notices", ""] + [f"- `{n.code}`{' (blocking)' if n.blocking else ''}: {n.message}" for n in result.notices] + [""]
        out += ["## What was checked", "", f"- Policy set: {result.policy.name}, version {result.policy.version}, SHA-256 `{result.policy.digest}`",
                f"- Tool: sharing-audit {result.tool_version}; run by {result.run_by or 'unknown'}; {result.started:%Y-%m-%d %H:%M} to {result.finished:%H:%M} UTC; rules in effect on {result.as_of}",
                f"- Rules: {', '.join(r.id for r in result.rules_in_effect)}", "", "| input | status | SHA-256 |", "|---|---|---|"]
        for status in result.files:
            out.append(f"| `{_esc(status.path)}` | {status.status} | `{status.sha256}` |")
        if result.errors:
            out += ["", "## Not analysed (the run cannot pass)", ""] + [f"- `{e.path}`: `{e.code}`: {e.message}" for e in result.errors]
        out.append("")
        out.append(f"_Authorities: {'; '.join(sorted({authority_text(f) for f in result.findings}))}_" if result.findings else "")
        return "\n".join(out) + "\n"


def _link(title: str, url: str | None) -> str:
    return f"[{title}]({url})" if url else title
