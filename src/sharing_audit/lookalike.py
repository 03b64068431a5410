"""Identifiers that imitate ASCII names with other characters (homoglyphs).

A role ``ice_reаder`` spelt with a Cyrillic ``а`` is not ``ice_reader``: the database keeps
the two apart, a reviewer reading the diff cannot, and the policy's delivery map knows only
one of them. Such a name is refused (fails closed) instead of being matched or ignored.
Names written wholly in another script (``имя``, ``名前``) and accented Latin
(``département``) are ordinary identifiers and pass.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables


@lru_cache(maxsize=4096)
def _ascii_twin(char: str) -> str | None:
    """The ASCII letter, digit or underscore ``char`` is confusable with, if any."""
    for item in confusables.is_confusable(char, greedy=True, preferred_aliases=[]) or []:
        for glyph in item["homoglyphs"]:
            twin = str(glyph["c"])
            if len(twin) == 1 and twin.isascii() and (twin.isalnum() or twin == "_"):
                return twin
    return None


def _describe(chars: str) -> str:
    shown = sorted({c for c in chars if not c.isascii()})
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in shown[:3])


def ascii_skeleton(name: str) -> str | None:
    """The ASCII name that non-ASCII ``name`` imitates, if every character has an ASCII twin.

    Example:
        >>> ascii_skeleton("\uff53\uff53\uff4e"), ascii_skeleton("\u0455sn"), ascii_skeleton("d\u00e9tenu")
        ('ssn', 'ssn', None)
    """
    if name.isascii():
        return None
    folded = unicodedata.normalize("NFKC", name)
    twins = [c if c.isascii() else _ascii_twin(c) for c in folded]
    if not all(twins):
        return None
    return "".join(t or "" for t in twins)


def ascii_lookalike(name: str) -> str | None:
    r"""Why ``name`` imitates an ASCII identifier, or None when it does not.

    Example:
        >>> ascii_lookalike("ice_reader") is None
        True
        >>> ascii_lookalike("ice_re\u0430der")
        "looks like 'ice_reader' but uses U+0430 CYRILLIC SMALL LETTER A"
        >>> ascii_lookalike("d\u00e9partement") is None
        True
    """
    if name.isascii():
        return None
    folded = unicodedata.normalize("NFKC", name)
    if folded != name:
        return f"uses compatibility characters ({_describe(name)}) that normalise to {folded!r}"
    twin = ascii_skeleton(name)
    if twin is not None:
        return f"looks like {twin!r} but uses {_describe(name)}"
    if confusables.is_dangerous(name):
        return f"mixes scripts with characters that imitate Latin letters ({_describe(name)})"
    return None
