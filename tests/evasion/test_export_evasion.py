"""Export evasions: protected values hidden where a header check alone would miss them."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES
from sharing_audit.exports.evaluate import ExportTarget
from sharing_audit.exports.run import ExportJob, ScanOptions, run_scan
from sharing_audit.policy.model import ConsumerId

SSN = "078-05-1120"


def scan(tmp_path: Path, text: str, consumer: str = "ice") -> set[tuple[str, str, str]]:
    path = tmp_path / "feed.csv"
    path.write_text(text, encoding="utf-8")
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId(consumer)))
    result = run_scan(ScanOptions(DEMO_POLICIES, (job,)))
    assert not result.errors
    return {(f.rule_id, f.output_column or "", f.evidence.detector or "" if f.evidence else "") for f in result.findings}


def test_ssn_in_free_text(tmp_path: Path) -> None:
    found = scan(tmp_path, f"case_ref,comment\nC1,called about soc sec {SSN} yesterday\nC2,fine\n")
    assert ("phl-protected-classes-no-federal", "comment", "ssn") in found


def test_json_string_inside_a_csv_cell(tmp_path: Path) -> None:
    payload = json.dumps({"person": {"ssn": SSN, "addr": "1234 N Broad St"}}).replace('"', '""')
    found = scan(tmp_path, f'case_ref,payload\nC1,"{payload}"\nC2,"{{}}"\n')
    assert ("phl-protected-classes-no-federal", "payload", "ssn") in found
    path = tmp_path / "feed.csv"
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
    (finding,) = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == "payload"]
    assert {"*.*.ssn", "*.*.home_address"} <= set(finding.sources)  # one finding, both fields named


def test_harmless_alias_for_a_protected_column(tmp_path: Path) -> None:
    # `case_ref` holding formatted SSNs: the name is harmless, the values are not.
    found = scan(tmp_path, f"case_ref,name\n{SSN},A B\n123-45-6789,C D\n")
    assert ("phl-protected-classes-no-federal", "case_ref", "ssn") in found


def test_comments_mentioning_protected_names_are_not_findings(tmp_path: Path) -> None:
    found = scan(tmp_path, "case_ref,comment\nC1,no SSN on file; country of birth not recorded\nC2,none\n")
    assert found == set()


def _b64(text: str, urlsafe: bool = False) -> str:
    raw = text.encode("utf-8")
    return (base64.urlsafe_b64encode(raw).decode().rstrip("=") if urlsafe else base64.b64encode(raw).decode())


SSNS = [SSN, "219-09-9999", "457-55-5462", "123-45-6789"]


@pytest.mark.parametrize(
    ("title", "encode"),
    [
        ("base64", _b64),
        ("URL-safe base64 without padding", lambda v: _b64(v, urlsafe=True)),
        ("hex", lambda v: v.encode("utf-8").hex()),
    ],
)
def test_encoded_column_is_decoded_before_detection(tmp_path: Path, title: str, encode: Callable[[str], str]) -> None:
    rows = "".join(f"C{i},{encode(v)}\n" for i, v in enumerate(SSNS))
    found = scan(tmp_path, "case_ref,token\n" + rows)
    assert ("phl-protected-classes-no-federal", "token", "ssn") in found
    path = tmp_path / "feed.csv"
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
    (finding,) = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == "token"]
    assert finding.evidence is not None and "encoded; they were decoded" in finding.evidence.note
    for value in SSNS:
        assert value not in finding.message and encode(value) not in finding.message


def test_base64_json_payload_inside_a_csv_cell(tmp_path: Path) -> None:
    payloads = [_b64(json.dumps({"addr": f"{n} N Broad St", "ssn": s})) for n, s in zip((1234, 77, 5012, 9), SSNS, strict=True)]
    found = scan(tmp_path, "case_ref,blob\n" + "".join(f"C{i},{p}\n" for i, p in enumerate(payloads)))
    assert ("phl-protected-classes-no-federal", "blob", "ssn") in found


def test_base64_field_in_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"case_ref": f"C{i}", "meta": {"t": _b64(s)}}) + "\n" for i, s in enumerate(SSNS)), encoding="utf-8")
    job = ExportJob(path, "feed.jsonl", ExportTarget("t", ConsumerId("ice")))
    result = run_scan(ScanOptions(DEMO_POLICIES, (job,)))
    assert not result.errors
    assert ("phl-protected-classes-no-federal", "meta.t") in {(f.rule_id, f.output_column) for f in result.findings}


def test_ordinary_columns_that_fit_an_encoding_alphabet_stay_clean(tmp_path: Path) -> None:
    # Hex digests, base64 session tokens of random bytes and long digit ids decode to no text.
    rng = random.Random(7)
    rows = [
        f"{hashlib.sha256(str(i).encode()).hexdigest()},{base64.b64encode(rng.randbytes(18)).decode()},{rng.randrange(10**15, 10**16)}"
        for i in range(50)
    ]
    found = scan(tmp_path, "digest,session,record_no\n" + "\n".join(rows) + "\n")
    assert found == set()


def test_raw_values_beside_encoded_ones_are_still_counted(tmp_path: Path) -> None:
    # Decoding replaces a value only when it decodes to text; raw detection is never lost.
    values = [_b64(v) for v in SSNS] * 2 + SSNS
    path = tmp_path / "feed.csv"
    path.write_text("case_ref,token\n" + "".join(f"C{i},{v}\n" for i, v in enumerate(values)), encoding="utf-8")
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
    (finding,) = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == "token"]
    assert finding.evidence is not None and finding.evidence.matches == len(values)


def test_homoglyph_header_names_what_it_imitates(tmp_path: Path) -> None:
    # `ѕsn` (Cyrillic dze) and full-width `ｓｓｎ`: a reader sees "ssn"; so does the scanner.
    for header in ("\u0455sn", "\uff53\uff53\uff4e"):
        path = tmp_path / "feed.csv"
        path.write_text(f"case_ref,{header}\nC1,\nC2,\n", encoding="utf-8")
        job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
        found = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == header]
        assert found and all(f.evidence is not None and f.evidence.header_match == "lookalike" for f in found)


def _token_matches(tmp_path: Path, values: list[str]) -> int:
    path = tmp_path / "feed.csv"
    path.write_text("case_ref,token\n" + "".join(f"C{i},{v}\n" for i, v in enumerate(values)), encoding="utf-8")
    job = ExportJob(path, "feed.csv", ExportTarget("t", ConsumerId("ice")))
    found = [f for f in run_scan(ScanOptions(DEMO_POLICIES, (job,))).findings if f.output_column == "token" and f.evidence]
    return max((f.evidence.matches for f in found if f.evidence), default=0)


@pytest.mark.parametrize(
    ("title", "values", "hidden"),
    [
        # No column-level vote: a few encoded values among plain text or random tokens count.
        ("a minority among plain words", [_b64(s) for s in SSNS] + ["no record"] * 12, 4),
        ("a minority among random tokens", [_b64(s) for s in SSNS] + [base64.b64encode(bytes([i] * 12)).decode() for i in range(12)], 4),
        # No probe window: encoded values after 1,500 plain rows.
        ("after many plain rows", ["pending"] * 1500 + [_b64(s) for s in SSNS], 4),
        ("base64 of base64", [_b64(_b64(s)) for s in SSNS], 4),
        ("hex of base64", [_b64(s).encode().hex() for s in SSNS], 4),
        ("behind a label", [f"b64:{_b64(s)}" for s in SSNS], 4),
    ],
)
def test_encoded_values_cannot_hide(tmp_path: Path, title: str, values: list[str], hidden: int) -> None:
    assert _token_matches(tmp_path, values) == hidden
