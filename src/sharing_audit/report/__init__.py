"""Output formats; each module renders a ``RunResult`` one way and never re-runs analysis."""

from __future__ import annotations

import enum

from .interface import Formatter


class OutputFormat(enum.StrEnum):
    """``--format`` choices."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITLAB = "gitlab"
    MARKDOWN = "markdown"
    HTML = "html"

    def to_formatter(self, *, color: bool = False) -> Formatter:
        """The formatter for this choice."""
        from .json import JsonFormatter
        from .sarif import SarifFormatter
        from .text import TextFormatter

        if self is OutputFormat.TEXT:
            return TextFormatter(color=color)
        if self is OutputFormat.JSON:
            return JsonFormatter()
        if self is OutputFormat.SARIF:
            return SarifFormatter()
        if self is OutputFormat.JUNIT:
            from .junit import JUnitFormatter

            return JUnitFormatter()
        if self is OutputFormat.GITLAB:
            from .gitlab import GitLabFormatter

            return GitLabFormatter()
        if self is OutputFormat.MARKDOWN:
            from .markdown import MarkdownFormatter

            return MarkdownFormatter()
        if self is OutputFormat.HTML:
            from .html import HtmlFormatter

            return HtmlFormatter()
        raise AssertionError(self)  # pragma: no cover


__all__ = ["Formatter", "OutputFormat"]
