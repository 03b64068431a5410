"""Property tests: any input yields findings, errors or a clean result; never an uncaught exception.

Inputs are generated (hypothesis, derandomized so CI is repeatable): SQL built from a token
grammar over the demo catalog, arbitrary YAML-ish policy files, arbitrary bytes as exports.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import DEMO_POLICIES
from sharing_audit.checks import SqlCheck
from sharing_audit.engine import CheckOptions, run_check
from sharing_audit.errors import ScanError, SharingAuditError
from sharing_audit.exports.model import ReadOptions, ScanLimits
from sharing_audit.exports.readers import open_export
from sharing_audit.policy.loader import load_policies

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "SELECT", "FROM", "WHERE", "JOIN", "ON", "AND", "OR", "NOT", "AS", "GROUP BY", "ORDER BY", "UNION", "CASE", "WHEN",
    "THEN", "ELSE", "END", "(", ")", ",", "=", "<>", "+", "||", "*", ";", "'078-05-1120'", "1", "NULL",
    "pars.persons", "p", "p.ssn", "p.full_name", "p.country_of_birth", "lock_and_track.inmates", "i", "i.race",
    "RIGHT(p.ssn, 4)", "COUNT(*)", "-- c\n", "/* c */", "\n",
]


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40))
def test_sql_checker_never_crashes(tokens: list[str]) -> None:
    body = "CREATE VIEW federal_exports.v AS " + " ".join(tokens)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "v.sql").write_text(body, encoding="utf-8")
        check = SqlCheck("prop", ("v.sql",), (), "postgres", "public", (), root)
        result = run_check(CheckOptions(DEMO_POLICIES, tuple(check.inputs(root))))
    assert all(f.status in ("ok", "error") for f in result.files)
    assert (result.exit_code == 2) == bool(result.errors)
    for f in result.files:
        assert f.status == "error" or f.errors == []
    for e in result.errors:
        assert e.code.startswith("analysis.")
        assert "078-05-1120" not in e.message


YAML_PIECES = ["rules:", "consumers:", "classes:", "systems:", "waivers:", "  - id: x", "    kind: deny_classes", "    classes: [ssn]",
               "    federal: true", "&a", "*a", "!!python/object:os.system", "- [", "}", ": :", "    applies_to: {federal: true}",
               "policy: {name: x}", "\t", "'", "\"", "%YAML 1.2", "---", "..."]


@SETTINGS
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=25), st.binary(max_size=64))
def test_policy_loader_gives_a_policy_or_a_policy_error(pieces: list[str], noise: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "p.yaml").write_bytes("\n".join(pieces).encode() + noise)
        try:
            load_policies(root)
        except SharingAuditError:
            pass


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(alphabet=st.sampled_from(list('ab,;|\t"\n\r{}[]:1 \\x')), max_size=400).map(str.encode),
    ),
    st.sampled_from([None, "csv", "jsonl", "json", "parquet"]),
)
def test_readers_give_batches_or_a_scan_error(data: bytes, fmt: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.dat"
        path.write_bytes(data)
        try:
            reader = open_export(path, ReadOptions(format=fmt), ScanLimits(batch_bytes=64, max_field_bytes=4096))
            try:
                for batch in reader.batches():
                    assert batch.frame.height >= 0
            finally:
                reader.close()
        except ScanError as exc:
            assert exc.code.startswith("analysis.")
