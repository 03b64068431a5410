"""Matching export column names to catalog columns: exact, declared alias, or normalised spelling.

Export scripts rename columns freely (``SSN``, ``soc_sec_no``, ``Country Of Birth``,
``ctry_birth``). A normalised key (tokens split on case and punctuation, common abbreviations
expanded, filler words dropped, sorted) lets these meet the catalog's names without a fuzzy
score that would be hard to explain in a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog import ColumnKey
from ..lookalike import ascii_skeleton
from ..names import norm
from ..policy.model import Column, Policy

#: Abbreviations seen in export headers, expanded to catalog words.
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "ssn": ("social", "security", "number"),
    "ssno": ("social", "security", "number"),
    "socsec": ("social", "security"),
    "soc": ("social",),
    "sec": ("security",),
    "no": ("number",),
    "num": ("number",),
    "nbr": ("number",),
    "nr": ("number",),
    "nmbr": ("number",),
    "ctry": ("country",),
    "cntry": ("country",),
    "cty": ("country",),
    "dob": ("date", "birth"),
    "bdate": ("birth", "date"),
    "birthdate": ("birth", "date"),
    "birthday": ("birth", "date"),
    "cob": ("country", "birth"),
    "addr": ("address",),
    "adr": ("address",),
    "dt": ("date",),
    "anum": ("a", "number"),
    "anumber": ("a", "number"),
    "alien": ("a",),
    "imm": ("immigration",),
    "immig": ("immigration",),
    "stat": ("status",),
    "nm": ("name",),
    "rel": ("release",),
    "narr": ("narrative",),
    "tel": ("phone",),
    "telephone": ("phone",),
    "mail": ("email",),
}
#: Words that carry no meaning in a column name.
_FILLER = frozenset({"of", "the", "at", "in", "on", "for", "to", "txt", "text", "val", "value", "fld", "field"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
_POSITION = re.compile(r"^#(\d+)$")


def header_key(name: str) -> tuple[str, ...]:
    """The normalised key of a column name: expanded, filler-free tokens, sorted.

    Example:
        >>> header_key("Country Of Birth") == header_key("ctry_birth") == header_key("birth_country")
        True
        >>> header_key("soc_sec_no") == header_key("SSN")
        True
    """
    tokens: list[str] = []
    for part in _SPLIT.split(_CAMEL.sub(" ", name.strip())):
        word = part.lower()
        if not word:
            continue
        tokens.extend(_EXPANSIONS.get(word, (word,)))
    kept = [t for t in tokens if t not in _FILLER] or tokens
    return tuple(sorted(kept))


@dataclass(frozen=True)
class HeaderMatch:
    """The catalog columns a header names, and how it matched."""

    keys: tuple[ColumnKey, ...]
    how: str
    """``mapped``, ``exact``, ``alias``, ``normalised`` or ``lookalike`` (homoglyphs)."""


class HeaderMatcher:
    """Matches the headers of one export against the catalog (or one declared source table)."""

    def __init__(self, policy: Policy, source: tuple[str, str] | None = None) -> None:
        self.policy = policy
        self._exact: dict[str, list[ColumnKey]] = {}
        self._alias: dict[str, list[ColumnKey]] = {}
        self._normal: dict[tuple[str, ...], list[ColumnKey]] = {}
        for system in policy.systems:
            for table in system.tables:
                if source is not None and (system.id, table.name) != source:
                    continue
                for col in table.columns:
                    self._add(ColumnKey(system.id, table.name, col.name), col)

    def _add(self, key: ColumnKey, col: Column) -> None:
        self._exact.setdefault(col.name, []).append(key)
        for alias in col.aliases:
            self._alias.setdefault(alias, []).append(key)
        for spelling in (col.name, *col.aliases):
            bucket = self._normal.setdefault(header_key(spelling), [])
            if key not in bucket:
                bucket.append(key)

    def match(self, header: str) -> HeaderMatch | None:
        """The catalog columns ``header`` names, by the most exact rule that matches."""
        if _POSITION.match(header):
            return None
        name = norm(header.strip())
        if name in self._exact:
            return HeaderMatch(tuple(self._exact[name]), "exact")
        if name in self._alias:
            return HeaderMatch(tuple(self._alias[name]), "alias")
        key = header_key(header)
        if key and key in self._normal:
            return HeaderMatch(tuple(self._normal[key]), "normalised")
        twin = ascii_skeleton(header)
        if twin is not None:
            # A header spelt with homoglyphs (`ѕsn`, full-width `ｓｓｎ`) names what it imitates.
            found = self.match(twin)
            if found is not None:
                return HeaderMatch(found.keys, "lookalike")
        return None
