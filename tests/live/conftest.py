"""Live-database fixtures; the servers are required (a test FAILS, never skips, without them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from livedb import PREFIX, maria_cleanup, pg_cleanup


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The run's name prefix, once leftovers of crashed runs are dropped from PostgreSQL."""
    pg_cleanup()
    yield PREFIX
    pg_cleanup(only_this_run=True)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[str]:
    """The run's name prefix, once leftovers of crashed runs are dropped from MariaDB."""
    maria_cleanup()
    yield PREFIX
    maria_cleanup(only_this_run=True)
