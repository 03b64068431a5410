"""``explain``: one object's (or column's) lineage, deliveries and findings, in plain text."""

from __future__ import annotations

from ..catalog import Catalog, ColumnKey
from ..engine import RunResult, deliverable
from ..names import norm_dotted


def explain_text(result: RunResult, target: str) -> tuple[str, bool]:
    """Explain ``schema.object`` or ``schema.object.column``.

    Returns:
        The text, and whether the target was found.
    """
    target = norm_dotted(target)
    catalog = Catalog(result.policy)
    parts = target.split(".")
    candidates: list[tuple[str, str | None]] = [(target, None)]
    if len(parts) >= 3:
        candidates.insert(0, (".".join(parts[:-1]), parts[-1]))
    for name, column in candidates:
        obj = deliverable(name, result.graph, catalog)
        if obj is None or (column is not None and obj.column(column) is None):
            continue
        is_catalog = obj.name not in result.graph.objects
        if is_catalog:
            lines = [f"{obj.name} (table) in the policy catalog"]
        else:
            lines = [f"{obj.name} ({obj.kind}) defined in {obj.file}:{obj.position.line}"]
        deliveries = result.deliveries.get(obj.name, [])
        if deliveries:
            lines.append("delivered to:")
            for d in deliveries:
                cols = f" (columns {', '.join(sorted(d.columns))})" if d.columns is not None else ""
                lines.append(f"  {d.consumer}{cols}: {d.channel}")
        else:
            lines.append("delivered to: nobody (no grant, delivery schema or declared destination)")
        for col, origins in obj.columns:
            if column is not None and col != column:
                continue
            lines.append(f"column {col}:")
            if not origins:
                lines.append("  (no source column: constants only)")
            for o in sorted(origins, key=lambda o: (str(o.source), o.path)):
                cls = catalog.class_of(o.source)
                path = " → ".join((str(o.source), *o.path, f"{obj.name}.{col}"))
                extra = f" via {', '.join(o.functions)}" if o.functions else ""
                lines.append(f"  {path}  [{o.flow.value}, {o.transform.value}{extra}{', class ' + cls if cls else ''}]")
        if column is None:
            lines.append("row predicates:")
            for o in sorted(obj.predicates, key=lambda o: (o.clause, str(o.source))):
                cls = catalog.class_of(o.source)
                lines.append(f"  {o.clause}: {' → '.join((str(o.source), *o.path))}{'  [class ' + cls + ']' if cls else ''}")
            lines.append("row sources:")
            for rs in obj.row_sources:
                filters = "; ".join(_filter_text(catalog, rs.table, c, v) for c, v in sorted(rs.filters, key=lambda f: f[0])) or "no provable filter"
                lines.append(f"  {rs.table}: {filters}")
        if is_catalog:
            lines.extend(_downstream(result, obj.name, column))
        findings = [
            f
            for f in result.findings
            if (f.object == obj.name and (column is None or f.output_column == column))
            or (is_catalog and any(_matches(s, obj.name, column) for s in f.sources))
        ]
        lines.append("findings:" if findings else "findings: none")
        for f in findings:
            state = f"waived by {f.waived_by}" if f.waived_by else f.severity.value
            lines.append(f"  {f.rule_id} [{state}] {f.consumer}: {f.message}")
            lines.append(f"    authority: {f.authority.title}")
        return "\n".join(lines) + "\n", True
    return "", False


def _filter_text(catalog: Catalog, table: str, column: str, values: frozenset[str]) -> str:
    """A provable filter in words; literals on protected columns are withheld (they may be data)."""
    schema, _, name = table.partition(".")
    if catalog.class_of(ColumnKey(schema, name, column)) is not None:
        return f"{column} restricted to {len(values)} literal value(s) (withheld: protected column)"
    return f"{column} in ({', '.join(sorted(values))})"


def _matches(source: str, table: str, column: str | None) -> bool:
    return source == f"{table}.{column}" if column else source.startswith(f"{table}.")


def _downstream(result: RunResult, table: str, column: str | None) -> list[str]:
    """Every object column and row filter that a catalog table (or one column) reaches."""
    uses: set[str] = set()
    for name, obj in result.graph.objects.items():
        for out_col, origin in obj.all_origins():
            if _matches(str(origin.source), table, column):
                target = f"{name}.{out_col}" if out_col else f"{name} <{origin.clause}>"
                uses.add(f"  {' → '.join((str(origin.source), *origin.path, target))}  [{origin.flow.value}, {origin.transform.value}]")
    if not uses:
        return ["used by: no object in the SQL analysed"]
    return ["used by:", *sorted(uses)]
