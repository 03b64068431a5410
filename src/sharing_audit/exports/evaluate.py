"""From a scanned export to findings: the file becomes an object whose columns have origins.

Header evidence (the column name matches a catalog column) and value evidence (a detector
matched its values) both become lineage origins of the file's columns, so the very same rule
kinds that judge SQL views judge files: one policy, every evidence path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ..catalog import Catalog, ColumnKey
from ..delivery import Delivery, reach
from ..engine import applies_to
from ..findings import FileEvidence, Finding, Notice
from ..lineage.model import ObjectLineage, Origin, Position, RowSource, Transform
from ..names import norm
from ..policy.model import ClassId, ConsumerId, Flow, Policy, Rule
from ..rules import RuleContext, rule_kind
from .detectors import Detector
from .headers import HeaderMatch, HeaderMatcher
from .model import Verdict
from .scan import ColumnScan, FileScan

#: Header names read as the count of an aggregate export (when the check does not say).
COUNT_HEADERS = frozenset({"n", "count", "cnt", "total", "people", "persons", "num_people", "number_of_people", "headcount", "person_count", "n_people"})
ANY_SYSTEM = "*"
"""Schema of a column key when the data's system is not known (``*.*.ssn``)."""


@dataclass(frozen=True)
class ExportTarget:
    """What IT says about an export: who receives it and where its data comes from."""

    check_id: str
    consumer: ConsumerId
    source: tuple[str, str] | None = None
    """``(system, table)`` the export is said to come from."""
    mapping: tuple[tuple[str, ColumnKey], ...] = ()
    """Header (or ``#3`` position) → catalog column, overriding matching."""
    count_column: str | None = None


@dataclass
class ColumnResult:
    """The verdict on one export column, for the JSON report (names and counts only)."""

    name: str
    position: int
    non_null: int
    header: HeaderMatch | None
    verdicts: list[Verdict] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    role: str = "data"
    """``data``, ``count`` (the count of an aggregate) or ``unclassified``."""


@dataclass
class ExportOutcome:
    """Findings, per-column results and notices for one export file."""

    findings: list[Finding]
    columns: list[ColumnResult]
    notices: list[Notice]
    aggregate_min_count: int | None = None


def filter_columns(policy: Policy, target: ExportTarget) -> frozenset[str]:
    """Column names whose distinct values can prove a row restriction for this target."""
    if target.source is None:
        return frozenset()
    table = f"{target.source[0]}.{target.source[1]}"
    return frozenset(req.column for rule in policy.rules for req in rule.required_filters if req.table == table)


def evaluate_export(
    scan: FileScan,
    target: ExportTarget,
    policy: Policy,
    catalog: Catalog,
    rules: Sequence[Rule],
    detectors: Sequence[Detector],
) -> ExportOutcome:
    """Apply every rule in effect to one scanned export delivered to ``target.consumer``."""
    matcher = HeaderMatcher(policy, target.source)
    mapping = dict(target.mapping)
    by_detector = _classes_by_detector(policy)
    det_index = {d.name: d for d in detectors}
    columns = scan.column_list()
    count_col = _count_column(columns, target)
    results: list[ColumnResult] = []
    out_columns: list[tuple[str, frozenset[Origin]]] = []
    predicates: set[Origin] = set()
    evidence_of: dict[tuple[str, ColumnKey], FileEvidence] = {}
    for col in columns:
        pos = Position(1, col.position)
        header = _header_match(col, mapping, matcher)
        result = ColumnResult(col.name, col.position, col.non_null, header)
        results.append(result)
        if count_col is not None and col.name == count_col.name:
            result.role = "count"
            continue
        origins: dict[ColumnKey, FileEvidence] = {}
        header_classes: set[ClassId | None] = set()
        for key in _header_keys(header, catalog, col, target):
            cls = catalog.class_of(key)
            header_classes.add(cls)
            how = header.how if header else "unlisted"
            origins[key] = _evidence(col, how, None, None, scan)
        for name, ev in sorted(col.evidence.items()):
            det = det_index.get(name)
            verdict = det.assess(col.name, ev) if det else None
            if verdict is None:
                continue
            result.verdicts.append(verdict)
            classes = by_detector.get(name, [])
            if not classes:
                continue
            file_ev = _evidence(col, None, verdict, ev.first_rows, scan, col.value_hashes.get(name), ev.matches)
            consistent = [k for k in origins if catalog.class_of(k) in classes]
            if consistent:
                for key in consistent:
                    origins[key] = _merge(origins[key], file_ev)
                continue
            key = _value_key(catalog, classes[0], target)
            origins[key] = _merge(origins[key], file_ev) if key in origins else file_ev
        if not origins:
            result.role = "unclassified"
            continue
        result.classes = sorted({c for c in (catalog.class_of(k) for k in origins) if c})
        result.sources = sorted(str(k) for k in origins)
        column_origins = frozenset(
            Origin(key, Flow.VALUE, Transform.IDENTITY, (), pos, "SELECT") for key in origins
        )
        out_columns.append((col.name, column_origins))
        for key, file_ev in origins.items():
            evidence_of[(col.name, key)] = file_ev
        if count_col is not None:
            predicates.update(Origin(o.source, Flow.PREDICATE, o.transform, (), pos, "GROUP BY") for o in column_origins)
    aggregate_min = None
    if count_col is not None:
        aggregate_min = count_col.integer_min if count_col.integer_min is not None else 0
    obj = ObjectLineage(
        name=scan.display,
        kind="export",
        file=scan.display,
        position=Position(1, 1),
        dialect=scan.format,
        columns=tuple(out_columns),
        predicates=frozenset(predicates),
        row_sources=_row_sources(scan, target),
        aggregate_min_count=aggregate_min,
    )
    findings = _findings(obj, target, policy, catalog, rules, evidence_of, scan)
    notices = []
    for col in columns:
        if col.non_null == 0 and any(f.output_column == col.name for f in findings):
            notices.append(
                Notice(
                    "export.empty_column",
                    f"column {col.name!r} (#{col.position}) is empty in this file; its name still names a protected field",
                    object=scan.display,
                    path=scan.display,
                )
            )
    return ExportOutcome(findings, results, notices, aggregate_min)


def _classes_by_detector(policy: Policy) -> dict[str, list[ClassId]]:
    out: dict[str, list[ClassId]] = {}
    for cls in policy.classes:
        for det in cls.detect:
            out.setdefault(det, []).append(cls.id)
    return out


def _count_column(columns: list[ColumnScan], target: ExportTarget) -> ColumnScan | None:
    if target.count_column is not None:
        return next((c for c in columns if c.name == target.count_column or norm(c.name) == norm(target.count_column)), None)
    for col in columns:
        if norm(col.name) in COUNT_HEADERS and col.all_integers and col.non_null > 0:
            return col
    return None


def _header_match(col: ColumnScan, mapping: dict[str, ColumnKey], matcher: HeaderMatcher) -> HeaderMatch | None:
    for name in (col.name, f"#{col.position}"):
        if name in mapping:
            return HeaderMatch((mapping[name],), "mapped")
    return matcher.match(col.name)


def _header_keys(header: HeaderMatch | None, catalog: Catalog, col: ColumnScan, target: ExportTarget) -> list[ColumnKey]:
    """Catalog columns the header names; a name shared by several systems keeps only its class."""
    if header is None:
        if target.source is None:
            return []
        # Every column of an export from a declared table is that table's data, named or not.
        key = ColumnKey(target.source[0], target.source[1], norm(col.name))
        catalog.add_virtual_column(key, None)
        return [key]
    systems = {k.schema for k in header.keys}
    if len(systems) == 1:
        return [header.keys[0]]
    keys = []
    for cls in sorted({catalog.class_of(k) or "" for k in header.keys}):
        key = ColumnKey(ANY_SYSTEM, ANY_SYSTEM, norm(col.name))
        if cls:
            key = ColumnKey(ANY_SYSTEM, cls, norm(col.name))
        catalog.add_virtual_column(key, ClassId(cls) if cls else None)
        keys.append(key)
    return keys


def _value_key(catalog: Catalog, cls: ClassId, target: ExportTarget) -> ColumnKey:
    """The catalog column a detected value stands for: the source table's column of that class."""
    if target.source is not None:
        table = catalog.table(*target.source)
        for col in table.columns if table else ():
            if col.cls == cls:
                return ColumnKey(target.source[0], target.source[1], col.name)
    key = ColumnKey(ANY_SYSTEM, ANY_SYSTEM, cls)
    catalog.add_virtual_column(key, cls)
    return key


def _evidence(
    col: ColumnScan,
    how: str | None,
    verdict: Verdict | None,
    first_rows: list[int] | None,
    scan: FileScan,
    value_hash: str | None = None,
    matches: int = 0,
) -> FileEvidence:
    return FileEvidence(
        position=col.position,
        header_match=how,
        detector=verdict.detector if verdict else None,
        confidence=verdict.confidence if verdict else None,
        rows=scan.rows,
        non_null=col.non_null,
        matches=matches,
        first_rows=tuple(first_rows or ()),
        value_hash=value_hash,
        note=_note(col, verdict),
        sampled=scan.sampled,
    )


def _note(col: ColumnScan, verdict: Verdict | None) -> str:
    notes = [verdict.note] if verdict and verdict.note else []
    if verdict and col.decoded:
        notes.append(f"the values are {col.decoded}-encoded; they were decoded before detection")
    return "; ".join(notes)


def _merge(header: FileEvidence, values: FileEvidence) -> FileEvidence:
    """Header and value evidence for the same column and class, as one."""
    if header.detector is not None and (values.confidence or 0) <= (header.confidence or 0):
        return header
    return replace(values, header_match=header.header_match)


def _row_sources(scan: FileScan, target: ExportTarget) -> tuple[RowSource, ...]:
    if target.source is None:
        return ()
    filters = frozenset(
        (norm(c.name), frozenset(c.distinct))
        for c in scan.columns.values()
        if c.distinct is not None and c.distinct and c.non_null == scan.rows
    )
    return (RowSource(f"{target.source[0]}.{target.source[1]}", filters, Position(1, 1)),)


def _findings(
    obj: ObjectLineage,
    target: ExportTarget,
    policy: Policy,
    catalog: Catalog,
    rules: Sequence[Rule],
    evidence_of: dict[tuple[str, ColumnKey], FileEvidence],
    scan: FileScan,
) -> list[Finding]:
    ctx = RuleContext(policy, catalog)
    out: dict[str, Finding] = {}
    for consumer, via in reach(policy, target.consumer):
        channel = f"export check {target.check_id} sends it to {target.consumer}"
        if via:
            channel += f", passed on by {' → '.join(via)}"
        delivery = Delivery(consumer, channel, None, via, scan.display, Position(1, 1))
        for rule in rules:
            if not applies_to(rule, consumer, policy):
                continue
            for finding in rule_kind(rule.kind).evaluate(rule, obj, delivery, ctx):
                finding = _describe(finding, obj, evidence_of, policy, catalog, scan)
                out.setdefault(finding.fingerprint, finding)
    return sorted(_one_per_column(out.values()), key=lambda f: (f.consumer, f.rule_id, f.location.column))


def _one_per_column(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (rule, consumer, column): a column's name and values are one finding.

    The strongest piece of evidence leads (name and values, then name, then values); the other
    sources are kept on the finding and named in its message.
    """
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule_id, f.consumer, f.output_column or f"<{f.clause}>"), []).append(f)
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        group.sort(key=_strength)
        lead = group[0]
        evidence = lead.evidence
        for other in group[1:]:
            if evidence is not None and other.evidence is not None:
                if evidence.header_match and not evidence.detector and other.evidence.detector:
                    evidence = _merge(evidence, other.evidence)
                elif other.evidence.header_match and not evidence.header_match:
                    evidence = replace(evidence, header_match=other.evidence.header_match)
        sources = tuple(dict.fromkeys(src for f in group for src in f.sources))
        also = "; ".join(f.message.split(": ", 1)[-1] for f in group[1:])
        out.append(replace(lead, sources=sources, evidence=evidence, message=f"{lead.message} Also: {also}", fingerprint=""))
    return out


def _strength(f: Finding) -> tuple[int, int, float]:
    """Sort key: name-and-values first, then name, then values; more matches, then surer, first."""
    ev = f.evidence
    if ev is None:
        return (3, 0, 0.0)
    return ({"both": 0, "header": 1, "values": 2}[ev.kind], -ev.matches, -(ev.confidence or 0.0))


def _describe(
    finding: Finding,
    obj: ObjectLineage,
    evidence_of: dict[tuple[str, ColumnKey], FileEvidence],
    policy: Policy,
    catalog: Catalog,
    scan: FileScan,
) -> Finding:
    """Attach the file evidence and say, in words, what the file holds and how we know."""
    if finding.output_column is None:
        return finding
    source = ColumnKey(*finding.sources[0].split(".", 2))
    ev = evidence_of.get((finding.output_column, source))
    if ev is None:
        return finding
    consumer = finding.consumer_name
    cls = catalog.class_of(source)
    what = _class_words(policy, cls) if cls else f"{source} data"
    column = f"column {finding.output_column!r} (#{ev.position})"
    parts = []
    if ev.header_match == "unlisted":
        parts.append(f"the export comes from {source.object_name}, whose catalog does not list this column")
    elif ev.header_match:
        parts.append(f"its name matches {source} ({ev.header_match})" if source.schema != ANY_SYSTEM else f"its name is a {cls} field ({ev.header_match})")
    if ev.detector:
        where = f"first at row(s) {', '.join(map(str, ev.first_rows))}; " if ev.first_rows else ""
        parts.append(
            f"{ev.matches} of {ev.non_null} non-empty values match the {ev.detector} detector ({ev.rate:.1%}); "
            f"{where}confidence {ev.confidence:.2f}"
        )
        if ev.note:
            parts.append(ev.note)
    if ev.non_null == 0:
        parts.append("the column is empty in this file")
    if ev.sampled:
        parts.append(f"based on a sample of {ev.rows} rows")
    reason = finding.message.rsplit(": ", 1)[-1]
    message = f"{obj.name} gives {consumer} {what} in {column}: {'; '.join(parts)}. {reason[:1].upper()}{reason[1:]}"
    path = (str(source), f"{obj.name}:{finding.output_column}")
    return replace(finding, message=message, evidence=ev, lineage_path=path, location=replace(finding.location, line=1, column=ev.position))


def _class_words(policy: Policy, cls: str) -> str:
    found = next((c for c in policy.classes if c.id == cls), None)
    if found is None:
        return cls
    text = found.description.rstrip(".")
    return f"{text[:1].lower()}{text[1:]} ({cls})"
