"""Output formats; each module renders a ``RunResult`` one way and never re-runs analysis."""

from __future__ import annotations

import enum

from .interface import Formatter


class OutputFormat(enum.StrEnum):
    """``--format`` choices."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"

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
        raise AssertionError(self)  # pragma: no cover


__all__ = ["Formatter", "OutputFormat"]
