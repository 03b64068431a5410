"""``--sample``: count detector matches inside the database, for objects federal consumers reach.

Each detector becomes a SQL condition (a regex, a vocabulary ``IN`` list, or a minimum
length), and one query per object counts, over at most ``rows`` rows
(``SELECT ... FROM (SELECT ... LIMIT n)``), how many values of each column match: the
work runs where the data is, and only counts come back, never a value. Foreign tables are
not sampled (that would query the remote server); SQLite has no regex operator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from ..delivery import Delivery
from ..findings import Notice
from ..policy.model import Policy
from .model import LiveAuditError, LiveObject, ObjectKind, Snapshot
from .session import Session

CODE = "audit.sample"


class DetectorSpec(Protocol):
    """What sampling needs of a detector (``exports.detectors.Detector`` has it)."""

    @property
    def name(self) -> str:  # noqa: D102
        ...

    @property
    def regex(self) -> str | None:  # noqa: D102
        ...

    @property
    def vocabulary(self) -> frozenset[str]:  # noqa: D102
        ...

    @property
    def min_chars(self) -> int | None:  # noqa: D102
        ...


@dataclass(frozen=True)
class SqlForms:
    """How one backend spells a match test on a text value."""

    dialect: str
    text_type: str
    regex: Callable[[str, str], str]
    """``(value expression, placeholder) → condition``."""
    placeholder: Callable[[str], str]
    translate: Callable[[str], str] = lambda pattern: pattern


def _pg_regex(pattern: str) -> str:
    r"""Python/RE2 word boundaries in PostgreSQL's regex syntax (``\b`` is ``\y`` there).

    Example:
        >>> _pg_regex(r"\b\d{3}-\d{2}-\d{4}\b")
        '\\y\\d{3}-\\d{2}-\\d{4}\\y'
    """
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            out.append({"\\b": "\\y", "\\B": "\\Y"}.get(pair, pair))
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


FORMS: dict[str, SqlForms] = {
    "postgresql": SqlForms(
        "postgres", "text", lambda v, p: f"{v} ~ {p}", lambda n: f":{n}", _pg_regex
    ),
    "mysql": SqlForms("mysql", "CHAR", lambda v, p: f"{v} REGEXP {p}", lambda n: f":{n}"),
    "duckdb": SqlForms(
        "duckdb", "VARCHAR", lambda v, p: f"regexp_matches({v}, {p})", lambda n: f"${n}"
    ),
}
"""Backend → its spelling of the pushed-down tests (SQLite has no regex operator)."""


def sample_notices(
    session: Session,
    snapshot: Snapshot,
    deliveries: Mapping[str, list[Delivery]],
    policy: Policy,
    rows: int,
    detectors: Mapping[str, DetectorSpec] | None = None,
) -> list[Notice]:
    """Match counts per column and detector for every object a federal consumer reaches."""
    if detectors is None:
        from ..exports.detectors import DETECTORS

        detectors = DETECTORS
    forms = FORMS.get(snapshot.backend)
    if forms is None:
        return [
            Notice(
                CODE,
                f"sampling is not supported for {snapshot.backend} databases",
                path=snapshot.display,
            )
        ]
    if not detectors:
        return [Notice(CODE, "sampling found no detectors to run", path=snapshot.display)]
    federal = {c.id for c in policy.consumers if c.federal}
    notices: list[Notice] = []
    for name in sorted(deliveries):
        consumers = sorted({d.consumer for d in deliveries[name] if d.consumer in federal})
        obj = snapshot.objects.get(name)
        if not consumers or obj is None or obj.kind is ObjectKind.FOREIGN_TABLE or not obj.columns:
            continue
        columns = _delivered_columns(obj, [d for d in deliveries[name] if d.consumer in federal])
        sql, params, labels = _query(obj, columns, detectors, forms, rows)
        if not labels:
            continue
        try:
            result = session.rows(sql, params)[0]
        except LiveAuditError as exc:
            notices.append(
                Notice(
                    CODE,
                    f"could not sample {name}: {exc.message.split(': ', 1)[-1]}",
                    object=name,
                    path=snapshot.object_path(name),
                )
            )
            continue
        total = int(result[0] or 0)
        for (column, detector), count in zip(labels, result[1:], strict=True):
            if count:
                notices.append(
                    Notice(
                        CODE,
                        f"{name}.{column}: {int(count)} of the first {total} rows match detector {detector} "
                        f"(reaches {', '.join(consumers)}); counted in the database, no value was read",
                        object=name,
                        path=snapshot.object_path(name),
                    )
                )
    return notices


def _delivered_columns(obj: LiveObject, deliveries: list[Delivery]) -> list[str]:
    if any(d.columns is None for d in deliveries):
        return [c.name for c in obj.columns]
    allowed = set().union(*(d.columns or () for d in deliveries))
    return [c.name for c in obj.columns if c.name in allowed]


def _query(
    obj: LiveObject,
    columns: list[str],
    detectors: Mapping[str, DetectorSpec],
    forms: SqlForms,
    rows: int,
) -> tuple[str, dict[str, Any], list[tuple[str, str]]]:
    """One bounded counting query over an object; parameters carry every pattern and word."""
    stored = {c.name: c.db_name or c.name for c in obj.columns}

    def ident(name: str) -> str:
        return exp.to_identifier(name, quoted=True).sql(dialect=forms.dialect)

    params: dict[str, Any] = {}
    sums: list[str] = []
    labels: list[tuple[str, str]] = []
    for column in columns:
        value = f"CAST(t.{ident(stored[column])} AS {forms.text_type})"
        for name, detector in sorted(detectors.items()):
            key = f"p{len(params)}"
            if detector.regex is not None:
                params[key] = forms.translate(detector.regex)
                condition = forms.regex(value, forms.placeholder(key))
            elif detector.vocabulary:
                keys = []
                for word in sorted(detector.vocabulary):
                    k = f"p{len(params)}"
                    params[k] = word
                    keys.append(forms.placeholder(k))
                condition = f"LOWER(TRIM({value})) IN ({', '.join(keys)})"
            elif detector.min_chars is not None:
                condition = f"LENGTH({value}) >= {int(detector.min_chars)}"
            else:
                continue
            sums.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS m{len(sums)}")
            labels.append((column, name))
    table = exp.table_(obj.db_name or obj.name, db=obj.db_schema or obj.schema, quoted=True).sql(
        dialect=forms.dialect
    )
    inner = ", ".join(ident(stored[c]) for c in columns)
    sql = f"SELECT COUNT(*), {', '.join(sums)} FROM (SELECT {inner} FROM {table} LIMIT {int(rows)}) AS t"
    return sql, params, labels
