"""Great Expectations engine: the same policy, compiled to an Expectation Suite, run by GX.

For teams that already run Great Expectations: ``sharing-audit gx export`` writes the suite for
their own checkpoints, and ``scan --engine gx`` runs it through GX on pandas (or on a SQL
table through GX's SQL data source, where the check runs inside the database).

Each (column, detector) becomes ONE ``ExpectColumnValuesToNotMatchRegex`` whose pattern is the
union of the detector's forms for that column (its regexes, its vocabulary as a whole-value
pattern, its free-text rule as a length-and-words pattern), so GX's unexpected count is exactly
the native scanner's match count. An allowlist becomes ``ExpectTableColumnsToMatchSet``
(exact). GX 1.x has no "column must not exist" expectation, so forbidden columns are expressed
through that exact set (the file's columns minus the forbidden ones). Results use the
``BASIC`` format with ``partial_unexpected_count: 0``: GX copies no unexpected value into them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ScanError
from .detectors import Detector, scoped
from .model import ColumnEvidence

if TYPE_CHECKING:
    import pandas as pd

RESULT_FORMAT: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


@dataclass(frozen=True)
class ExportExpectations:
    """What one export must satisfy for its consumer, engine-neutral."""

    name: str
    exact_columns: tuple[str, ...] | None
    """The only columns allowed (an allowlist applies), or None."""
    forbidden_columns: tuple[str, ...] = ()
    value_checks: tuple[tuple[str, Detector], ...] = ()


@dataclass
class GxOutcome:
    """Per (column, detector) evidence, and the column-set check, from one GX validation."""

    evidence: dict[tuple[str, str], ColumnEvidence] = field(default_factory=dict)
    columns_ok: bool = True
    unexpected_columns: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    success: bool = True


def fold_case(pattern: str) -> str:
    """``pattern`` made case-insensitive without inline flags: ``a`` → ``[aA]``, ``[a-z]`` → ``[a-zA-Z]``.

    PostgreSQL's regexes accept an embedded option only at the very start, so the scoped
    ``(?i:...)`` groups of a union are spelled out this way for SQL engines.

    Example:
        >>> fold_case("ssn[a-c]-x")
        '[sS][sS][nN][a-cA-C]-[xX]'
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
                out.append(ch)
            elif ch.isascii() and ch.isalpha() and i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2].isalpha():
                lo, hi = ch, pattern[i + 2]
                out.append(f"{lo}-{hi}{lo.swapcase()}-{hi.swapcase()}")
                i += 3
                continue
            elif ch.isascii() and ch.isalpha():
                out.append(ch + ch.swapcase())
            else:
                out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
        elif ch.isascii() and ch.isalpha() and not _in_quantifier_or_group(pattern, i):
            out.append(f"[{ch}{ch.swapcase()}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _in_quantifier_or_group(pattern: str, i: int) -> bool:
    """Whether position ``i`` is inside ``(?...`` group syntax (never a literal letter)."""
    return i >= 2 and pattern[i - 2 : i] == "(?"


def sql_pattern(detector: Detector, column: str) -> str | None:
    """``gx_pattern`` in a syntax PostgreSQL accepts: no scoped inline flags."""
    pattern = gx_pattern(detector, column, possessive=False)
    if pattern is None:
        return None
    parts = []
    for part in _top_level_alternatives(pattern):
        if part.startswith("(?i:") and part.endswith(")"):
            parts.append(f"(?:{fold_case(part[4:-1])})")
        elif "(?i:" in part:
            # A whole-value vocabulary: ^\s*(?i:a|b)\s*$
            head, _, rest = part.partition("(?i:")
            close = rest.rfind(")")
            parts.append(f"{head}(?:{fold_case(rest[:close])}){rest[close + 1 :]}")
        else:
            parts.append(part)
    return "|".join(parts)


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def gx_pattern(detector: Detector, column: str, *, possessive: bool = True) -> str | None:
    """One pattern (Python ``re`` syntax) that matches exactly what the detector counts.

    The free-text form is anchored and, for Python's backtracking engine, written with
    possessive quantifiers so it runs in linear time (``possessive=False`` for engines that
    lack them, such as PostgreSQL, whose regex engine does not backtrack that way).

    Example:
        >>> from sharing_audit.exports.detectors import DETECTORS
        >>> bool(re.search(gx_pattern(DETECTORS["country"], "birth_country"), " Mexico "))
        True
    """
    parts = [scoped(p) for p in detector.regexes_for(column)]
    words = detector.vocabulary_for(column)
    if words:
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        parts.append(rf"^\s*(?i:{alternatives})\s*$")
    if detector.min_chars is not None:
        plus = "++" if possessive else "+"
        star = "*+" if possessive else "*"
        words_rule = ""
        if detector.min_words is not None:
            space, word = "[ \\t\\r\\n]", "[^ \\t\\r\\n]"
            words_rule = f"{space}{star}(?:{word}{plus}{space}{plus}){{{detector.min_words - 1}}}{word}"
        parts.append(rf"^(?=[\s\S]{{{detector.min_chars}}}){words_rule}")
    return "|".join(parts) if parts else None


def build_suite(expectations: ExportExpectations, sql: bool = False) -> Any:
    """The GX ``ExpectationSuite`` for one export (``sql``: patterns PostgreSQL accepts)."""
    gx = _gx()
    _context()  # suites are built inside an active (in-memory) context
    gxe = gx.expectations
    suite = gx.ExpectationSuite(name=expectations.name)
    if expectations.exact_columns is not None:
        suite.add_expectation(gxe.ExpectTableColumnsToMatchSet(column_set=list(expectations.exact_columns), exact_match=True))
    for column, detector in expectations.value_checks:
        pattern = sql_pattern(detector, column) if sql else gx_pattern(detector, column)
        if pattern is None:
            continue
        exp = gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=pattern)
        exp.meta = {"sharing_audit": {"detector": detector.name}}
        suite.add_expectation(exp)
    return suite


def suite_json(expectations: ExportExpectations) -> str:
    """The suite as JSON, for a team's own GX project."""
    return json.dumps(build_suite(expectations).to_json_dict(), indent=2, default=str) + "\n"


def run_gx_pandas(frame: pd.DataFrame, expectations: ExportExpectations) -> GxOutcome:
    """Validate a pandas frame with the suite (GX's pandas engine)."""
    context = _context()
    source = context.data_sources.add_pandas("sharing_audit")
    asset = source.add_dataframe_asset("export")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    return _outcome(batch.validate(build_suite(expectations), result_format=RESULT_FORMAT), expectations)


def run_gx_sql(url: str, table: str, expectations: ExportExpectations, schema: str | None = None) -> GxOutcome:
    """Validate a database table with the suite through GX's SQL data source (runs in the database).

    Regex expectations need a database with a regex operator GX knows (PostgreSQL: ``~``).

    Raises:
        ScanError: GX cannot connect or cannot run an expectation there (never a silent pass).
    """
    context = _context()
    source: Any = None
    try:
        if url.startswith("postgresql"):
            source = context.data_sources.add_postgres("sharing_audit", connection_string=url)
        elif url.startswith("sqlite"):
            source = context.data_sources.add_sqlite("sharing_audit", connection_string=url)
        else:
            source = context.data_sources.add_sql("sharing_audit", connection_string=url)
        asset = source.add_table_asset("export", table_name=table, schema_name=schema)
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        result = batch.validate(build_suite(expectations, sql=True), result_format=RESULT_FORMAT)
    except Exception as exc:  # noqa: BLE001 - GX raises many types; none may pass silently
        raise ScanError(f"Great Expectations could not validate the table ({type(exc).__name__})", code="analysis.unsupported") from None
    finally:
        if source is not None:
            with contextlib.suppress(Exception):
                source.get_engine().dispose()
    return _outcome(result, expectations)


def _raised(info: Any) -> bool:
    """Whether GX caught an exception for an expectation (its info may be nested per metric)."""
    if not isinstance(info, dict):
        return False
    if info.get("raised_exception"):
        return True
    return any(_raised(v) for v in info.values() if isinstance(v, dict))


def run_gx_spark(*_args: Any) -> GxOutcome:
    """Spark engine: only where pyspark is installed.

    Raises:
        ScanError: pyspark is not installed here.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ScanError("the GX Spark engine needs pyspark, which is not installed", code="analysis.unsupported") from None
    raise ScanError("the GX Spark engine is not wired to the CLI yet; use the suite from `gx export`", code="analysis.unsupported")


def _outcome(result: Any, expectations: ExportExpectations) -> GxOutcome:
    out = GxOutcome(success=bool(result.success))
    for item in result.results:
        config = item.expectation_config
        kind = config.type
        if kind == "expect_table_columns_to_match_set":
            out.columns_ok = bool(item.success)
            observed = set(item.result.get("observed_value") or [])
            wanted = set(expectations.exact_columns or ())
            out.unexpected_columns = tuple(sorted(observed - wanted))
            out.missing_columns = tuple(sorted(wanted - observed))
            continue
        if _raised(item.exception_info):
            raise ScanError(f"Great Expectations could not run {kind} on column {config.kwargs.get('column')!r}", code="analysis.unsupported")
        column = config.kwargs["column"]
        detector = (config.meta or {}).get("sharing_audit", {}).get("detector", "")
        res = item.result
        rows = int(res.get("element_count") or 0)
        missing = int(res.get("missing_count") or 0)
        matches = int(res.get("unexpected_count") or 0)
        out.evidence[(column, detector)] = ColumnEvidence(column, rows, rows - missing, matches)
    return out


def _context() -> Any:
    """An in-memory GX context with progress bars off (stderr belongs to our progress bar)."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = _gx().get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _gx() -> Any:
    """Import GX quietly: no analytics, no network, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    return gx


def expectations_for(name: str, columns: Sequence[str], detectors: Sequence[Detector], allowed: Sequence[str] | None, forbidden: Sequence[str]) -> ExportExpectations:
    """Expectations for an export with these columns: every detector on every column."""
    exact = None
    if allowed is not None or forbidden:
        exact = tuple(c for c in (allowed if allowed is not None else columns) if c not in set(forbidden))
    return ExportExpectations(name, exact, tuple(forbidden), tuple((c, d) for c in columns for d in detectors))
