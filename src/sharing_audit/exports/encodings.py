"""Values hidden by a text encoding (base64, hex) are decoded before the detectors see them.

``MDc4LTA1LTExMjA=`` is an SSN to anyone who runs ``base64 -d``; a scanner that only looks
at the raw text would call the column clean. A column is decoded when most of its first
values are shaped like one encoding, and a value is replaced only when it decodes to
printable text, so an ordinary column that happens to fit the alphabet (hexadecimal ids,
long digit strings) keeps its raw values and loses no detection.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence

import polars as pl

PROBE_ROWS = 1000
"""Values looked at per column and batch to decide whether it is encoded."""
MIN_SHARE = 0.5
"""Share of non-empty probed values that must be shaped like the encoding, and decode to text."""

_SHAPES: dict[str, str] = {
    # Even-length hex, at least 8 bytes: tried first, hex is also valid base64 alphabet.
    "hex": r"^(?:[0-9A-Fa-f]{2}){8,}$",
    # Standard or URL-safe base64 of at least 9 bytes, padded or not, one alphabet per value.
    "base64": r"^(?:(?:[A-Za-z0-9+/]{4}){3,}(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?"
    r"|(?:[A-Za-z0-9_-]{4}){3,}(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?)$",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _b64(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    if "-" in text or "_" in text:
        return base64.urlsafe_b64decode(padded)
    return base64.b64decode(padded, validate=True)


_DECODERS: dict[str, Callable[[str], bytes]] = {"hex": bytes.fromhex, "base64": _b64}


def decode_text(value: str, encoding: str) -> str | None:
    """The printable text ``value`` encodes, or None when it does not decode to text.

    Example:
        >>> decode_text("MDc4LTA1LTExMjA=", "base64")
        '078-05-1120'
        >>> decode_text("3037382d30352d31313230", "hex")
        '078-05-1120'
        >>> decode_text("2155551212215555", "hex") is None   # digits, not hidden text
        True
    """
    try:
        text = _DECODERS[encoding](value.strip()).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not text.strip() or _CONTROL.search(text):
        return None
    return text


def encoded_columns(frame: pl.DataFrame, names: Sequence[str]) -> dict[str, str]:
    """The columns of ``frame`` whose values look encoded, with the encoding."""
    found: dict[str, str] = {}
    probe = frame.head(PROBE_ROWS)
    for name in names:
        values = probe.get_column(name).drop_nulls().str.strip_chars()
        values = values.filter(values.str.len_bytes() > 0)
        if values.len() == 0:
            continue
        for encoding, shape in _SHAPES.items():
            shaped = values.filter(values.str.contains(shape))
            if shaped.len() < MIN_SHARE * values.len():
                continue
            decoded = sum(decode_text(v, encoding) is not None for v in shaped.to_list())
            if decoded >= MIN_SHARE * values.len():
                found[name] = encoding
                break
    return found


def decode_columns(frame: pl.DataFrame, encoded: dict[str, str]) -> pl.DataFrame:
    """``frame`` with each encoded column's values decoded where they decode to text."""
    if not encoded:
        return frame
    replaced = []
    for name, encoding in encoded.items():
        raw = frame.get_column(name).to_list()
        plain = [v if v is None else (decode_text(v, encoding) or v) for v in raw]
        replaced.append(pl.Series(name, plain, dtype=pl.String))
    return frame.with_columns(replaced)
