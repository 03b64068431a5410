"""Pytest configuration shared by all tests."""

from __future__ import annotations

import logging

# sqlglot warns on stderr about SQL it falls back on; the tool turns that into analysis errors.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
