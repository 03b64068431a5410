"""Detectors cannot be made to backtrack: matching time grows linearly with adversarial input.

Measured by comparing sizes, not against a wall-clock limit: the time for a 4x longer
adversarial string must grow by well under the 16x a quadratic pattern shows (best of three
runs, so noise does not decide).
"""

from __future__ import annotations

import re
import time

import polars as pl
import pytest

from sharing_audit.exports.detectors import DETECTORS
from sharing_audit.exports.gx import gx_pattern

ADVERSARIAL = ["x", "1", "a ", "1-", "A", " ", "1 ", "a@", "a.", "12/"]
SMALL, LARGE = 4_000, 16_000
MAX_GROWTH = 8.0  # linear is ~4x; quadratic is ~16x


def best_of_three(fn: object) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return max(min(times), 1e-5)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_gx_pattern_is_linear_in_python_re(name: str) -> None:
    pattern = gx_pattern(DETECTORS[name], "notes")
    assert pattern is not None
    compiled = re.compile(pattern)
    for unit in ADVERSARIAL:
        small, large = unit * (SMALL // len(unit)), unit * (LARGE // len(unit))
        growth = best_of_three(lambda s=large: compiled.search(s)) / best_of_three(lambda s=small: compiled.search(s))
        assert growth < MAX_GROWTH, f"{name} on {unit!r}: x{growth:.1f} for 4x input"


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_native_expression_is_linear_in_polars(name: str) -> None:
    detector = DETECTORS[name]
    for unit in ADVERSARIAL:
        small = pl.DataFrame({"notes": [unit * (SMALL * 10 // len(unit))]})
        large = pl.DataFrame({"notes": [unit * (LARGE * 10 // len(unit))]})
        growth = best_of_three(lambda f=large: f.select(detector.expr("notes"))) / best_of_three(lambda f=small: f.select(detector.expr("notes")))
        assert growth < MAX_GROWTH, f"{name} on {unit!r}: x{growth:.1f} for 4x input"
