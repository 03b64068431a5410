"""Audit history: every run's findings by fingerprint, to see what is new, resolved, still open."""

from .store import HistoryStore, RunDiff, RunRecord, RunSummary, record_result

__all__ = ["HistoryStore", "RunDiff", "RunRecord", "RunSummary", "record_result"]
