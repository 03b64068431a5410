"""Counsel's report as one self-contained HTML file: no network, no scripts, prints to PDF."""

from __future__ import annotations

from html import escape

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..engine import RunResult
from ..findings import Finding
from .interface import Formatter, evidence_text, summary_counts
from .plain import consumers, sentence, verdict, waiver_for


def lineage_svg(f: Finding) -> Markup:
    """The lineage path as an inline SVG: boxes left to right, joined by arrows."""
    steps = list(f.lineage_path)
    width, height, gap = 280, 44, 34
    total = len(steps) * width + (len(steps) - 1) * gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lineage" viewBox="0 0 {total} {height + 4}" width="{min(total, 900)}">']
    for i, step in enumerate(steps):
        x = i * (width + gap)
        label = step if len(step) <= 42 else "…" + step[-41:]
        fill = "#fde2e1" if i == 0 else "#eef2f7"
        parts.append(f'<rect x="{x}" y="2" width="{width}" height="{height}" rx="6" fill="{fill}" stroke="#56657a"/>')
        parts.append(f'<text x="{x + width / 2}" y="{height / 2 + 6}" text-anchor="middle" font-size="12" font-family="sans-serif">{escape(label)}</text>')
        if i < len(steps) - 1:
            ax = x + width
            parts.append(f'<path d="M{ax + 4} {height / 2 + 2} H{ax + gap - 6}" stroke="#56657a" stroke-width="2"/>')
            parts.append(f'<path d="M{ax + gap - 10} {height / 2 - 3} L{ax + gap - 4} {height / 2 + 2} L{ax + gap - 10} {height / 2 + 7} Z" fill="#56657a"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text node above is escaped


class HtmlFormatter(Formatter):
    """The counsel report: verdict and per-consumer summary first, then findings, then the record."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        env = Environment(loader=PackageLoader("sharing_audit.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
        template = env.get_template("report.html.j2")
        findings = [
            {
                "f": f,
                "sentence": sentence(result, f),
                "svg": lineage_svg(f) if f.evidence is None else None,
                "evidence": evidence_text(f.evidence) if f.evidence else None,
                "waiver": waiver_for(result, f),
            }
            for f in result.findings
        ]
        return template.render(
            result=result,
            verdict=verdict(result),
            counts=summary_counts(result),
            consumers=consumers(result),
            findings=findings,
        )
