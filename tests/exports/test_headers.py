"""Export headers meet catalog columns: exact, declared alias, normalised spelling, or not at all."""

from __future__ import annotations

import pytest

from helpers import DEMO_POLICIES
from sharing_audit.catalog import ColumnKey
from sharing_audit.exports.headers import HeaderMatcher, header_key
from sharing_audit.policy.loader import load_policies

POLICY = load_policies(DEMO_POLICIES)


@pytest.mark.parametrize(
    ("header", "column", "how"),
    [
        ("ssn", "ssn", "exact"),
        ("SSN", "ssn", "exact"),
        ("soc_sec_no", "ssn", "normalised"),
        ("Social Security Number", "ssn", "normalised"),
        ("DOB", "date_of_birth", "alias"),
        ("Date of Birth", "date_of_birth", "normalised"),
        ("expected_release", "release_date", "alias"),
        ("Release Dt", "release_date", "normalised"),
        ("alien_number", "a_number", "alias"),
        ("A Number", "a_number", "normalised"),
    ],
)
def test_header_matches_catalog_column(header: str, column: str, how: str) -> None:
    match = HeaderMatcher(POLICY, ("lock_and_track", "inmates")).match(header)
    assert match is not None
    assert match.keys == (ColumnKey("lock_and_track", "inmates", column),)
    assert match.how == how


@pytest.mark.parametrize(
    ("header", "column", "how"),
    [
        ("Country Of Birth", "country_of_birth", "normalised"),
        ("ctry_birth", "country_of_birth", "alias"),
        ("Ctry Birth", "country_of_birth", "normalised"),
        ("CountryOfBirth", "country_of_birth", "normalised"),
        ("cntry_of_birth", "country_of_birth", "normalised"),
        ("SocSecNo", "ssn", "normalised"),
        ("soc_sec_no", "ssn", "alias"),
    ],
)
def test_header_matches_pars_column(header: str, column: str, how: str) -> None:
    match = HeaderMatcher(POLICY, ("pars", "persons")).match(header)
    assert match is not None
    assert match.keys == (ColumnKey("pars", "persons", column),)
    assert match.how == how


@pytest.mark.parametrize(
    "header", ["notes", "case_number", "booking_ref", "#3", "", "state", "count"]
)
def test_unrelated_headers_do_not_match(header: str) -> None:
    assert HeaderMatcher(POLICY, ("lock_and_track", "inmates")).match(header) is None


def test_without_a_source_a_name_may_match_several_systems() -> None:
    match = HeaderMatcher(POLICY).match("ssn")
    assert match is not None and len({k.schema for k in match.keys}) > 1


def test_header_key_ignores_case_punctuation_order_and_filler() -> None:
    assert header_key("Country-of-Birth ") == header_key("BIRTH_COUNTRY") == ("birth", "country")
    assert header_key("soc_sec_no") == header_key("SSN") == ("number", "security", "social")
    assert header_key("case_number") != header_key("ssn")
