"""Column edges of a SQL directory, as plain JSON and as OpenLineage ``columnLineage`` facets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..policy.model import Flow
from .graph import LineageGraph
from .model import Origin, Transform

PRODUCER = "https://example.invalid/sharing-audit"


@dataclass(frozen=True)
class Edge:
    """One immediate column edge: ``source`` feeds ``target`` (a column, or the object's rows)."""

    source: str
    target: str
    flow: Flow
    transform: Transform
    clause: str
    base_source: str
    path: tuple[str, ...]


def edges(graph: LineageGraph) -> Iterator[Edge]:
    """Every immediate edge (upstream object column or catalog column → object column)."""
    for name in sorted(graph.objects):
        obj = graph.objects[name]
        for column, origin in obj.all_origins():
            target = f"{name}.{column}" if column else f"{name}.<{origin.clause}>"
            yield _edge(origin, target)


def _edge(origin: Origin, target: str) -> Edge:
    immediate = origin.path[-1] if origin.path else str(origin.source)
    return Edge(immediate, target, origin.flow, origin.transform, origin.clause, str(origin.source), origin.path)


def edges_json(graph: LineageGraph) -> dict[str, Any]:
    """Plain JSON: unique edges plus each object's columns with their base sources."""
    seen: dict[tuple[str, str, str, str, str], Edge] = {}
    for e in edges(graph):
        seen.setdefault((e.source, e.target, e.flow.value, e.transform.value, e.base_source), e)
    return {
        "schema_version": "1.0",
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "flow": e.flow.value,
                "transform": e.transform.value,
                "clause": e.clause,
                "base_source": e.base_source,
            }
            for e in seen.values()
        ],
        "objects": {
            name: {
                "kind": obj.kind,
                "file": obj.file,
                "columns": {col: sorted({str(o.source) for o in origins}) for col, origins in obj.columns},
                "predicates": sorted({str(o.source) for o in obj.predicates}),
            }
            for name, obj in sorted(graph.objects.items())
        },
        "files": [{"path": f.path, "status": f.status, "errors": [e.code for e in f.errors]} for f in graph.files],
    }


_SUBTYPES = {
    "SELECT": None,
    "WHERE": "FILTER",
    "JOIN ON": "JOIN",
    "GROUP BY": "GROUP_BY",
    "ORDER BY": "SORT",
    "HAVING": "FILTER",
    "QUALIFY": "FILTER",
    "WINDOW": "WINDOW",
    "DISTINCT ON": "FILTER",
}


def openlineage_events(graph: LineageGraph, namespace: str) -> list[str]:
    """One OpenLineage ``DatasetEvent`` (JSON) per object, carrying its ``columnLineage`` facet."""
    from openlineage.client.event_v2 import DatasetEvent, StaticDataset
    from openlineage.client.facet_v2 import column_lineage_dataset as cl
    from openlineage.client.serde import Serde

    now = dt.datetime.now(dt.UTC).isoformat()
    out: list[str] = []
    for name in sorted(graph.objects):
        obj = graph.objects[name]
        fields: dict[str, cl.Fields] = {}
        for column, origins in obj.columns:
            fields[column] = cl.Fields(inputFields=_inputs(origins, namespace))
        row_inputs = _inputs(obj.predicates, namespace)
        facet = cl.ColumnLineageDatasetFacet(fields=fields, dataset=row_inputs, producer=PRODUCER)
        event = DatasetEvent(
            eventTime=now,
            producer=PRODUCER,
            dataset=StaticDataset(namespace=namespace, name=name, facets={"columnLineage": facet}),
        )
        out.append(Serde.to_json(event))
    return out


def _inputs(origins: frozenset[Origin], namespace: str) -> list[Any]:
    from openlineage.client.facet_v2 import column_lineage_dataset as cl

    grouped: dict[tuple[str, str], list[Any]] = {}
    for origin in sorted(origins, key=lambda o: (str(o.source), o.path, o.clause)):
        immediate = origin.path[-1] if origin.path else str(origin.source)
        dataset, _, field = immediate.rpartition(".")
        direct = origin.flow is Flow.VALUE
        subtype = _subtype(origin) if direct else _SUBTYPES.get(origin.clause, "FILTER")
        transformation = cl.Transformation(
            type="DIRECT" if direct else "INDIRECT",
            subtype=subtype,
            masking=origin.transform is Transform.MASKED,
        )
        items = grouped.setdefault((dataset, field), [])
        if all(t.subtype != subtype or t.type != transformation.type for t in items):
            items.append(transformation)
    return [
        cl.InputField(namespace=namespace, name=dataset, field=field, transformations=items)
        for (dataset, field), items in grouped.items()
    ]


def _subtype(origin: Origin) -> str:
    return {
        Transform.IDENTITY: "IDENTITY",
        Transform.TRANSFORM: "TRANSFORMATION",
        Transform.AGGREGATE: "AGGREGATION",
        Transform.MASKED: "TRANSFORMATION",
    }[origin.transform]

