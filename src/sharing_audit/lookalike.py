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
    """The first few non-ASCII characters by code point and name, with their ASCII twin."""
    shown = sorted({c for c in chars if not c.isascii()})
    parts = []
    for c in shown[:3]:
        twin = _ascii_twin(c)
        parts.append(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" + (f" (like {twin!r})" if twin else ""))
    return ", ".join(parts)


#: Latin look-alike scripts: mixing one of these with Latin letters is how a name is faked.
_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def _invisible(char: str) -> bool:
    """Format characters (zero-width space, soft hyphen, bidi controls) and variation selectors."""
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF


def ascii_skeleton(name: str) -> str | None:
    """The ASCII name that non-ASCII ``name`` imitates, if every character has an ASCII twin.

    Invisible characters are dropped first.

    Example:
        >>> ascii_skeleton("\uff53\uff53\uff4e"), ascii_skeleton("\u0455sn"), ascii_skeleton("d\u00e9tenu")
        ('ssn', 'ssn', None)
        >>> ascii_skeleton("ss\u200bn")
        'ssn'
    """
    if name.isascii():
        return None
    folded = unicodedata.normalize("NFKC", "".join(c for c in name if not _invisible(c)))
    twins = [c if c.isascii() else _ascii_twin(c) for c in folded]
    if not all(twins):
        return None
    return "".join(t or "" for t in twins)


def ascii_lookalike(name: str) -> str | None:
    r"""Why ``name`` imitates an ASCII identifier, or None when it does not.

    The reason names characters, never the identifier itself (a quoted "identifier" can be
    a value in some dialects).

    Example:
        >>> ascii_lookalike("ice_reader") is None
        True
        >>> ascii_lookalike("ice_reаder")
        "imitates an ASCII name with U+0430 CYRILLIC SMALL LETTER A (like 'a')"
        >>> ascii_lookalike("département") is None, ascii_lookalike("user_名前") is None
        (True, True)
        >>> ascii_lookalike("ice_reader​")
        'hides invisible characters (U+200B ZERO WIDTH SPACE)'
    """
    if name.isascii():
        return None
    hidden = [c for c in name if _invisible(c)]
    if hidden:
        return f"hides invisible characters ({_describe(''.join(hidden))})"
    folded = unicodedata.normalize("NFKC", name)
    if folded != name and folded.isascii():
        return f"uses compatibility characters ({_describe(name)}) that normalise to ASCII"
    if ascii_skeleton(name) is not None:
        return f"imitates an ASCII name with {_describe(name)}"
    has_latin = any(c.isascii() and c.isalpha() for c in name)
    fakes = [c for c in name if not c.isascii() and _ascii_twin(c) and unicodedata.name(c, "").startswith(_CONFUSABLE_SCRIPTS)]
    if has_latin and fakes:
        return f"mixes Latin letters with look-alikes from another script ({_describe(''.join(fakes))})"
    return None
