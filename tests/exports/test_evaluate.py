"""Evaluation of a scanned export: header and value evidence through the same rule kinds.

Scans are built by hand here so that the policy logic is tested apart from readers and
detectors (those have their own tests).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from helpers import DEMO_POLICIES
from sharing_audit.catalog import Catalog, ColumnKey
from sharing_audit.exports.detectors import Detector
from sharing_audit.exports.evaluate import ExportTarget, evaluate_export
from sharing_audit.exports.model import ColumnEvidence
from sharing_audit.exports.scan import ColumnScan, FileScan
from sharing_audit.policy.loader import load_policies
from sharing_audit.policy.model import ConsumerId

POLICY = load_policies(DEMO_POLICIES)
DETECTORS = [
    Detector("ssn", "test SSN", 0.95, regex=r"\d{3}-\d{2}-\d{4}"),
    Detector("country", "test countries", 0.9, vocabulary=frozenset({"mexico", "guatemala"})),
]


def scan(*columns: tuple[str, int, dict[str, int]], rows: int = 100) -> FileScan:
    """A scan with ``(name, non-empty count, {detector: matches})`` per column."""
    out = FileScan(Path("x.csv"), "exports/x.csv", format="csv", compression="none", rows=rows)
    for i, (name, non_null, hits) in enumerate(columns, start=1):
        col = ColumnScan(name, i, non_null=non_null)
        for det, matches in hits.items():
            col.evidence[det] = ColumnEvidence(
                name, rows, non_null, matches, first_rows=[2, 5], sample=[]
            )
            col.value_hashes[det] = "0123456789abcdef"
        out.columns[name] = col
    return out


def evaluate(
    s: FileScan, consumer: str = "ice", source: tuple[str, str] | None = None, **kw: object
):  # type: ignore[no-untyped-def]
    target = ExportTarget("t", ConsumerId(consumer), source, **kw)  # type: ignore[arg-type]
    return evaluate_export(s, target, POLICY, Catalog(POLICY), list(POLICY.rules), DETECTORS)


def keys(outcome) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (f.rule_id, f.output_column or f"<{f.clause}>", f.evidence.kind if f.evidence else "-")
        for f in outcome.findings
    }


def test_allowlisted_roster_is_clean() -> None:
    s = scan(
        ("inmate_name", 100, {}), ("race", 100, {}), ("self_reported_country", 100, {"country": 90})
    )
    out = evaluate(s, source=("lock_and_track", "inmates"))
    assert out.findings == []
    # Countries in the allowed column agree with its class: no extra finding.
    assert [c.classes for c in out.columns] == [["person_name"], [], ["self_reported_origin"]]


def test_allowlisted_roster_with_one_extra_column_fails() -> None:
    s = scan(("inmate_name", 100, {}), ("race", 100, {}), ("booking_ref", 100, {}))
    out = evaluate(s, source=("lock_and_track", "inmates"))
    assert keys(out) == {("phl-lock-and-track-allowlist", "booking_ref", "header")}


def test_header_says_notes_but_values_are_ssns() -> None:
    s = scan(("inmate_name", 100, {}), ("notes", 80, {"ssn": 3}))
    out = evaluate(s)
    assert ("phl-protected-classes-no-federal", "notes", "values") in keys(out)
    f = next(f for f in out.findings if f.output_column == "notes")
    assert f.evidence is not None and f.evidence.matches == 3 and f.evidence.first_rows == (2, 5)
    assert "3 of 80 non-empty values match the ssn detector" in f.message
    assert f.sources == ("*.*.ssn",)


def test_values_in_a_declared_source_are_that_tables_column() -> None:
    s = scan(("inmate_name", 100, {}), ("notes", 80, {"ssn": 3}))
    out = evaluate(s, source=("lock_and_track", "inmates"))
    sources = {f.sources[0] for f in out.findings if f.output_column == "notes"}
    assert sources == {"lock_and_track.inmates.ssn", "lock_and_track.inmates.notes"}


def test_empty_ssn_column_is_still_a_finding_and_reported_as_empty() -> None:
    s = scan(("inmate_name", 100, {}), ("ssn", 0, {}))
    out = evaluate(s)
    assert ("phl-protected-classes-no-federal", "ssn", "header") in keys(out)
    assert [n.code for n in out.notices] == ["export.empty_column"]
    assert "the column is empty in this file" in next(
        f.message for f in out.findings if f.output_column == "ssn"
    )


def test_header_and_values_agree_is_one_finding_with_both_kinds() -> None:
    s = scan(("ssn", 100, {"ssn": 100}))
    out = evaluate(s, source=("pars", "persons"), consumer="fbi")
    assert {k for k in keys(out) if k[0] == "phl-protected-classes-no-federal"} == {
        ("phl-protected-classes-no-federal", "ssn", "both")
    }


def test_pars_export_to_ice_fails_on_every_column() -> None:
    s = scan(("race", 100, {}), ("sex", 100, {}))
    out = evaluate(s, source=("pars", "persons"))
    assert {(r, c) for r, c, _ in keys(out) if r == "phl-pars-no-ice"} == {
        ("phl-pars-no-ice", "race"),
        ("phl-pars-no-ice", "sex"),
    }


def test_aggregate_with_every_cell_at_least_k_is_exempt() -> None:
    s = scan(("country_of_birth", 5, {"country": 5}), ("n", 5, {}), rows=5)
    s.columns["n"].integer_min = 14
    out = evaluate(s, consumer="researchers")
    assert out.findings == [] and out.aggregate_min_count == 14
    assert [c.role for c in out.columns] == ["data", "count"]


def test_aggregate_with_one_small_cell_is_a_violation() -> None:
    s = scan(("country_of_birth", 5, {"country": 5}), ("n", 5, {}), rows=5)
    s.columns["n"].integer_min = 4
    out = evaluate(s, consumer="researchers")
    assert ("phl-research-aggregates-only", "country_of_birth", "both") in keys(out)


def test_aggregate_keyed_by_a_person_is_not_exempt() -> None:
    s = scan(("full_name", 5, {}), ("country_of_birth", 5, {}), ("count", 5, {}), rows=5)
    s.columns["count"].integer_min = 50
    out = evaluate(s, consumer="researchers", source=("pars", "persons"))
    assert any(f.output_column == "full_name" for f in out.findings)


def test_non_federal_consumer_may_receive_more() -> None:
    s = scan(("full_name", 100, {}), ("date_of_birth", 100, {}), ("notes", 100, {"ssn": 2}))
    assert evaluate(s, consumer="phl_da", source=("pars", "persons")).findings == []


def test_row_restriction_proved_by_the_values_of_the_filter_column() -> None:
    only_arrestees = scan(("full_name", 100, {}), ("person_role", 100, {}))
    only_arrestees.columns["person_role"].distinct = {"arrestee"}
    mixed = dataclasses.replace(
        only_arrestees,
        columns={k: dataclasses.replace(v) for k, v in only_arrestees.columns.items()},
    )
    mixed.columns["person_role"].distinct = {"arrestee", "victim"}
    no_column = scan(("full_name", 100, {}))

    def restricted(s: FileScan) -> bool:
        return any(
            f.rule_id == "phl-pars-offenders-only"
            for f in evaluate(s, consumer="fbi", source=("pars", "persons")).findings
        )

    assert not restricted(only_arrestees)
    assert restricted(mixed)
    assert restricted(no_column)


def test_mapping_in_the_manifest_overrides_name_matching() -> None:
    s = scan(
        ("#3", 100, {}),
    )
    out = evaluate(s, mapping=((("#1"), ColumnKey("lock_and_track", "inmates", "release_date")),))
    assert ("phl-release-date-no-ice", "#3", "header") in keys(out)
    assert (
        next(
            f for f in out.findings if f.rule_id == "phl-release-date-no-ice"
        ).evidence.header_match
        == "mapped"
    )
