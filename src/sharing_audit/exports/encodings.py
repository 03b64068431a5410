"""Values hidden by a text encoding (base64, hex) are decoded before the detectors see them.

``MDc4LTA1LTExMjA=`` is an SSN to anyone who runs ``base64 -d``; a scanner that only looks
at the raw text would call the column clean. Every value shaped like an encoding (optionally
behind a short ``label:`` prefix) is decoded, up to three layers deep (base64 of hex of
base64...), and replaced by its text only when it decodes to printable text. There is no
column-level vote, so encoded values cannot hide among plain ones; a value that does not
decode to text (a hex digest, a random token, a long number) keeps its raw form and its raw
detection.
"""

from __future__ import annotations

import base64
import binascii
import re

import polars as pl

MIN_LENGTH = 12
"""Shortest encoded value considered: base64 of 9 bytes, hex of 6 (an undashed SSN is 9)."""
MAX_DEPTH = 3
"""Layers of encoding undone (base64 of base64 of hex...)."""

# A cheap first pass, run by polars over the whole column: hex with a letter (or hex of
# digits, 3X3X...; other all-digit values are ids), or base64 with a lower-case letter (which
# base64 of text nearly always has, and docket or case numbers like CP-51-CR-1831970 lack).
_CANDIDATE = (
    r"^(?:[A-Za-z][A-Za-z0-9_]{0,11}:)?"
    r"(?:(?:3[0-9])+|[0-9A-Fa-f]*[A-Fa-f][0-9A-Fa-f]*|[A-Za-z0-9+/_-]*[a-z][A-Za-z0-9+/_-]*={0,2})$"
)
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,11}:")
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode_bytes(value: str, encoding: str) -> bytes:
    """The bytes ``value`` holds in ``encoding``; ValueError when it is not shaped so."""
    if encoding == "hex":
        if not _HEX.match(value):
            raise ValueError("not hex")
        return bytes.fromhex(value)
    if not _BASE64.match(value) or len(value.rstrip("=")) % 4 == 1:
        raise ValueError("not base64")
    padded = value + "=" * (-len(value) % 4)
    if "-" in value or "_" in value:
        return base64.urlsafe_b64decode(padded)
    return base64.b64decode(padded)


def _decode_once(value: str) -> tuple[str, str] | None:
    """``(text, encoding)`` for one layer of hex or base64, or None."""
    for encoding in ("hex", "base64"):
        try:
            text = _decode_bytes(value, encoding).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        if text.strip() and not _CONTROL.search(text):
            return text, encoding
    return None


def decode_text(value: str) -> tuple[str, str] | None:
    """The printable text ``value`` encodes and how (``base64``, ``hex+base64``), or None.

    Example:
        >>> decode_text("MDc4LTA1LTExMjA=")
        ('078-05-1120', 'base64')
        >>> decode_text("id:3037382d30352d31313230")
        ('078-05-1120', 'hex')
        >>> decode_text("TURjNExUQTFMVEV4TWpBPQ==")      # base64 of base64
        ('078-05-1120', 'base64+base64')
        >>> decode_text("2155551212215555") is None       # digits, not hidden text
        True
    """
    text = _PREFIX.sub("", value.strip(), count=1)
    layers: list[str] = []
    while len(layers) < MAX_DEPTH and len(text) >= MIN_LENGTH:
        found = _decode_once(text)
        if found is None:
            break
        text, encoding = found
        layers.append(encoding)
        text = text.strip()
    return (text, "+".join(layers)) if layers else None


def decode_column(series: pl.Series) -> tuple[pl.Series, str | None]:
    """``series`` with every encoded value replaced by its text, and the encoding first found."""
    candidates = series.str.len_chars().ge(MIN_LENGTH) & series.str.contains(_CANDIDATE)
    positions = candidates.fill_null(False).arg_true()
    if positions.len() == 0:
        return series, None
    where: list[int] = []
    texts: list[str] = []
    first: str | None = None
    for position, value in zip(positions.to_list(), series.gather(positions).to_list(), strict=True):
        found = decode_text(value)
        if found is not None:
            where.append(position)
            texts.append(found[0])
            first = first or found[1]
    if not where:
        return series, None
    return series.scatter(where, texts), first
