"""The one identifier normaliser: every catalog, SQL and header name goes through here."""

from __future__ import annotations


def norm(name: str) -> str:
    """Normalise one identifier for case-insensitive matching.

    NOTE: matching is case-insensitive even for quoted identifiers. Two columns that
    differ only in case become ambiguous, which fails closed, rather than one of them
    slipping past the catalog.

    Example:
        >>> norm(' SSN ')
        'ssn'
    """
    return name.strip().lower()


def norm_dotted(name: str) -> str:
    """Normalise a dotted name such as ``PARS.Arrests.SSN``.

    Example:
        >>> norm_dotted('PARS.Arrests.SSN')
        'pars.arrests.ssn'
    """
    return ".".join(norm(part) for part in name.split("."))
