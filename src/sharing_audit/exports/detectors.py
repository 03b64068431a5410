r"""Value detectors: declarative, so one definition runs in polars, Great Expectations and SQL.

A detector is one or more of three forms; a value matches if any form does:

* ``regex``: a search pattern in the syntax common to Python ``re``, Rust ``regex`` (polars)
  and RE2 (pyarrow): no look-around, no back-references, so matching is linear time; digit
  and word boundaries are spelled ``(?:^|[^0-9])``, never ``\b``; case-insensitivity is a
  leading ``(?i)``;
* ``vocabulary``: whole values (trimmed, lower-cased) from a fixed set (country names);
* ``min_chars`` + ``min_words``: long free text (narratives).

Values that are ambiguous on their own (a bare 9-digit number, ``PA``, ``Citizen``) are a
second, looser form, ``context_regex`` / ``context_vocabulary``, counted only in a column whose
name says it holds that kind (``names``) and does not say it holds something else
(``veto_names``). So the counts stay exact without seeing values: a ``notes`` column counts only
formatted SSNs, a ``tax_id`` column bare 9-digit numbers too. Other engines get the same
behaviour from ``regexes_for(column)`` and ``vocabulary_for(column)``.

Scanning counts matching rows per column; ``assess`` then decides, from the counts, the column's
name and (when the engine provides them) a few matching values, whether the column holds that
kind of value, and how sure it is. Notes say why in words and never quote a value.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

import polars as pl

from . import vocabulary as vocab
from .headers import header_key
from .model import ColumnEvidence, Verdict

Decide = Callable[["Detector", str, ColumnEvidence], "Verdict | None"]
"""A context rule: (detector, column name, evidence) to a verdict or None (not this kind)."""


@dataclass(frozen=True)
class Detector:
    """One kind of protected value, and how to recognise it."""

    name: str
    description: str
    confidence: float
    """Confidence of a match on values alone (before the column name is considered)."""
    regex: str | None = None
    """Counted in every column: forms strong enough alone (``123-45-6789``, ``SSN 123456789``)."""
    vocabulary: frozenset[str] = frozenset()
    """Whole values, trimmed and lower-cased, counted in every column."""
    min_chars: int | None = None
    min_words: int | None = None
    decide: Decide | None = field(default=None, compare=False)
    """Context rule for ambiguous values; default: any match is a verdict at ``confidence``."""
    context_regex: str | None = None
    """A looser pattern (bare 9 digits for ``ssn``), counted only where ``counts_context``."""
    context_vocabulary: frozenset[str] = frozenset()
    """Whole values (ISO codes for ``country``), counted only where ``counts_context``."""
    names: tuple[str, ...] = ()
    """Column names that say the column holds this kind. Each entry is one or more
    space-separated globs that must all match tokens of the name's ``header_key`` (the
    project's one header normaliser: ``SSN`` becomes ``social security number``, ``dob``
    ``birth date``); ``"tax id"`` matches ``tax_id`` and ``TaxID``."""
    veto_names: tuple[str, ...] = ()
    """Column names that say the column holds something else (``booking date`` for
    ``date_of_birth``), in the form of ``names``; a veto overrides ``names``."""
    context_scope: Literal["named", "unvetoed"] = "named"
    """Where the context forms count: ``named`` (the name is in ``names``, not vetoed) or
    ``unvetoed`` (every column not vetoed; ``assess`` then weighs the values)."""
    context_confidence: float | None = None
    """Confidence when the column's name says this kind (default: ``confidence``)."""
    noun: str = ""
    """Plural noun used in notes (``SSNs``)."""
    form: str = ""
    """What ``regex`` and ``vocabulary`` match, in words, for notes and docs."""
    context_form: str = ""
    """What the context forms match, in words, for notes and docs."""

    def __post_init__(self) -> None:
        if self.context_scope not in ("named", "unvetoed"):
            raise ValueError(f"detector {self.name}: unknown context_scope {self.context_scope!r}")

    def named(self, column: str) -> bool:
        """Whether the column's name says it holds this kind (and no veto says otherwise).

        Example:
            >>> DETECTORS["ssn"].named("TaxID"), DETECTORS["ssn"].named("order_id")
            (True, False)
        """
        return _name_in(self.names, column) and not self.vetoed(column)

    def vetoed(self, column: str) -> bool:
        """Whether the column's name says it holds something else.

        Example:
            >>> DETECTORS["date_of_birth"].vetoed("booking_date")
            True
        """
        return _name_in(self.veto_names, column)

    def counts_context(self, column: str) -> bool:
        """Whether the context forms count in this column."""
        if not (self.context_regex or self.context_vocabulary):
            return False
        if self.context_scope == "unvetoed":
            return not self.vetoed(column)
        return self.named(column)

    def regexes_for(self, column: str) -> tuple[str, ...]:
        """The patterns counted in this column; a value matches if any pattern matches.

        Example:
            >>> len(DETECTORS["ssn"].regexes_for("notes")), len(DETECTORS["ssn"].regexes_for("ssn"))
            (1, 2)
        """
        out: tuple[str, ...] = () if self.regex is None else (self.regex,)
        if self.context_regex is not None and self.counts_context(column):
            out += (self.context_regex,)
        return out

    def vocabulary_for(self, column: str) -> frozenset[str]:
        """The whole values counted in this column (trimmed, lower-cased)."""
        if self.context_vocabulary and self.counts_context(column):
            return self.vocabulary | self.context_vocabulary
        return self.vocabulary

    def expr(self, column: str) -> pl.Expr:
        """A boolean polars expression: True where the row's value matches (null → False)."""
        parts = [p for p in (self.regex_expr(column), self.other_expr(column)) if p is not None]
        if not parts:
            raise ValueError(f"detector {self.name} has no form")
        return functools.reduce(lambda a, b: a | b, parts).fill_null(False)

    def regex_expr(self, column: str) -> pl.Expr | None:
        """The regex forms alone (None if the detector has none for this column)."""
        col = pl.col(column)
        conds = [col.str.contains(p) for p in self.regexes_for(column)]
        return functools.reduce(lambda a, b: a | b, conds).fill_null(False) if conds else None

    def other_expr(self, column: str, *, fast: bool = False) -> pl.Expr | None:
        """The vocabulary and free-text forms alone (None if it has neither).

        ``fast`` matches vocabulary words as written, lower-case, upper-case or title-case
        instead of trimming and lower-casing every value: three times cheaper on a column of
        mostly distinct values, and it misses only odd casings and padded values.
        """
        col = pl.col(column)
        conds = []
        words = self.vocabulary_for(column)
        if words and fast:
            conds.append(col.is_in(list(_case_variants(words))))
        elif words:
            conds.append(col.str.strip_chars().str.to_lowercase().is_in(sorted(words)))
        if self.min_chars is not None:
            cond = col.str.len_chars() >= self.min_chars
            if self.min_words is not None:
                # At least min_words runs of non-space: one regex pass, no counting.
                cond = cond & col.str.contains(f"(?:{_NON_SPACE}+{_SPACE}+){{{self.min_words - 1}}}{_NON_SPACE}")
            conds.append(cond)
        return functools.reduce(lambda a, b: a | b, conds).fill_null(False) if conds else None

    def assess(self, column_name: str, evidence: ColumnEvidence) -> Verdict | None:
        """Whether the column holds this kind of value, given what was counted."""
        if evidence.matches == 0:
            return None
        if self.decide is not None:
            return self.decide(self, column_name, evidence)
        return Verdict(self.name, self.confidence)


_SPACE = "[ \t\r\n]"
_NON_SPACE = "[^ \t\r\n]"


@functools.lru_cache(maxsize=64)
def _case_variants(words: frozenset[str]) -> tuple[str, ...]:
    """Each word as written, lower-case, upper-case and title-case."""
    return tuple(sorted({v for w in words for v in (w, w.lower(), w.upper(), w.title(), w.capitalize())}))


def scoped(pattern: str) -> str:
    """A pattern whose leading ``(?i)`` is scoped to it, so patterns can be joined with ``|``.

    Example:
        >>> scoped("(?i)a|b"), scoped("[0-9]")
        ('(?i:a|b)', '(?:[0-9])')
    """
    if pattern.startswith("(?i)"):
        return f"(?i:{pattern[4:]})"
    return f"(?:{pattern})"


def match_column(series: pl.Series, detector: Detector, *, sample: int = 20) -> ColumnEvidence:
    """Measure one column as the scanner does: counts, first matching rows, a few values.

    The column's name is ``series.name``. ``sample=0`` gives evidence without values, as an
    engine that cannot return values (SQL push-down) would.

    Example:
        >>> s = pl.Series("notes", ["seen at 12:00", "SSN 123-45-6789 on file", None])
        >>> ev = match_column(s, DETECTORS["ssn"])
        >>> ev.rows, ev.non_null, ev.matches, ev.first_rows
        (3, 2, 1, [2])
    """
    frame = pl.DataFrame({series.name: series.cast(pl.String)})
    col = pl.col(series.name)
    hit = detector.expr(series.name)
    counts = frame.select(
        (col.is_not_null() & (col.str.len_bytes() > 0)).sum().alias("n"),
        hit.sum().alias("m"),
    ).row(0)
    rows = frame.with_row_index("__row").filter(hit).head(max(sample, 5))
    return ColumnEvidence(
        column=series.name,
        rows=frame.height,
        non_null=int(counts[0]),
        matches=int(counts[1]),
        first_rows=[int(r) + 1 for r in rows["__row"].head(5)],
        sample=[v for v in rows[series.name].head(sample) if v is not None],
    )


# ---------------------------------------------------------------------------------------------
# Column names


@functools.lru_cache(maxsize=4096)
def _tokens(column: str) -> tuple[str, ...]:
    return header_key(column)


def _name_in(rules: tuple[str, ...], column: str) -> bool:
    """Whether any rule's globs all match tokens of the column name."""
    tokens = _tokens(column)
    return any(
        all(any(fnmatchcase(t, glob) for t in tokens) for glob in rule.split()) for rule in rules
    )


# ---------------------------------------------------------------------------------------------
# Pattern pieces. Boundaries consume a character instead of looking around it.

_B = r"(?:^|[^0-9])"
"""Start of a number: not preceded by a digit."""
_E = r"(?:$|[^0-9])"
"""End of a number: not followed by a digit."""

_SSN_AREA = r"(?:00[1-9]|0[1-9][0-9]|[1-5][0-9]{2}|6[0-5][0-9]|66[0-57-9]|6[7-9][0-9]|[78][0-9]{2})"
"""001-899 except 666 (000, 666 and 900-999 are never issued)."""
_SSN_GROUP = r"(?:0[1-9]|[1-9][0-9])"
_SSN_SERIAL = r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_ITIN_GROUP = r"(?:5[0-9]|6[0-5]|7[0-9]|8[0-8]|9[0-2]|9[4-9])"
_LABEL_GAP = r"[^0-9a-z]{0,4}"
"""Between a label and its number (``SSN: ``, ``A# ``); used with ``(?i)``."""

_SSN_LABEL = r"(?:^|[^a-z])(?:ssn|ss#|soc(?:ial)?[ .]?sec(?:urity)?(?:[ .]?(?:no|num|number|#))?)"
SSN_REGEX = (
    rf"(?i)(?:{_B}{_SSN_AREA}(?:-{_SSN_GROUP}-| {_SSN_GROUP} ){_SSN_SERIAL}"
    rf"|{_SSN_LABEL}{_LABEL_GAP}{_SSN_AREA}[- ]?{_SSN_GROUP}[- ]?{_SSN_SERIAL}){_E}"
)
SSN_BARE = rf"{_B}{_SSN_AREA}{_SSN_GROUP}{_SSN_SERIAL}{_E}"

_A_DIGITS = r"(?:[0-9]{7,9}|[0-9]{2,3}[- ][0-9]{3}[- ][0-9]{3})"
# NOTE: the number must end the token (no letter, digit or dash after it), so the first group
# of a UUID or a hash ("A1234567-89AB-...") is not read as an A-number.
A_NUMBER_REGEX = (
    rf"(?i)(?:(?:^|[^a-z0-9])a[-# ]{{0,2}}"
    rf"|(?:^|[^a-z])(?:a-?(?:number|num|no)|alien (?:registration )?(?:number|no|#)){_LABEL_GAP})"
    rf"{_A_DIGITS}(?:$|[^0-9a-z-])"
)
A_NUMBER_BARE = rf"{_B}{_A_DIGITS}{_E}"

ITIN_REGEX = (
    rf"(?i)(?:{_B}9[0-9]{{2}}(?:-{_ITIN_GROUP}-| {_ITIN_GROUP} )[0-9]{{4}}"
    rf"|(?:^|[^a-z])itin{_LABEL_GAP}9[0-9]{{2}}[- ]?{_ITIN_GROUP}[- ]?[0-9]{{4}}){_E}"
)
ITIN_BARE = rf"{_B}9[0-9]{{2}}{_ITIN_GROUP}[0-9]{{4}}{_E}"

_PASSPORT_NO = r"(?:[a-z][0-9]{8}|[0-9]{9})"
PASSPORT_REGEX = (
    rf"(?i)(?:^|[^a-z])passport(?:[ ]?(?:no|num|number|nbr|#))?{_LABEL_GAP}{_PASSPORT_NO}{_E}"
)
PASSPORT_BARE = rf"(?i)(?:^|[^a-z0-9]){_PASSPORT_NO}{_E}"

_YEAR = r"(?:19|20)[0-9]{2}"
"""A four-digit year 1900-2099; which dates are births is decided by name and age."""
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:{_YEAR}[-/]{_MONTH}[-/]{_DAY}"  # 1985-03-14, 1985/3/14
    rf"|{_DAY}[-/.]{_DAY}[-/.]{_YEAR}"  # 3/14/1985, 14.03.1985
    rf"|{_DAY}[-/]{_DAY}[-/][0-9]{{2}}"  # 3/14/85
    rf"|{_DAY}[- ]{_MON}\.?[- ,]{{1,2}}(?:{_YEAR}|[0-9]{{2}})"  # 14-MAR-1985, 14-MAR-85
    rf"|{_MON}\.? {_DAY}(?:st|nd|rd|th)?,? {_YEAR}"  # March 14, 1985
    r"|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"  # 19850314
)
DOB_REGEX = (
    r"(?i)(?:^|[^a-z])(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?)"
    rf"{_LABEL_GAP}{_DATE}{_E}"
)
DATE_REGEX = rf"(?i)(?:^|[^0-9a-z]){_DATE}{_E}"


def _cases(word: str) -> tuple[str, ...]:
    return (word, word.upper(), word.lower())


_SUFFIX = "|".join(
    sorted(
        {v for group in vocab.STREET_SUFFIXES for w in group for v in _cases(w)},
        key=lambda s: (-len(s), s),
    )
)
# NOTE: no (?i) here: street-name words must start with a capital or a digit, so prose such as
# "ran 3 blocks down the street" is not an address. Lower-case addresses count in columns
# named for addresses (the context form).
STREET_REGEX = (
    r"(?:(?:^|[^0-9A-Za-z.,:/$-])[0-9]{1,6}(?:-?[A-Za-z]|-[0-9]{1,4})?[ \t]+"
    rf"(?:[A-Z0-9][A-Za-z0-9'./-]*[ \t]+){{1,5}}(?:{_SUFFIX})\.?(?:$|[^A-Za-z0-9])"
    r"|(?:^|[^A-Za-z])(?:[Pp]\.?[ ]?[Oo]\.?[ ]?|[Pp]ost [Oo]ffice )[Bb][Oo][Xx][ ]*#?[ ]*[0-9]+)"
)
STREET_NAMED = r"^[ \t]*[0-9]{1,6}[A-Za-z]?[ \t]+[A-Za-z]"

PHONE_REGEX = rf"{_B}(?:\+?1[-. ]?)?(?:\([2-9][0-9]{{2}}\) ?|[2-9][0-9]{{2}}[-. ])[2-9][0-9]{{2}}[-. ][0-9]{{4}}{_E}"
PHONE_BARE = rf"{_B}(?:\+?1)?[2-9][0-9]{{2}}[2-9][0-9]{{6}}{_E}"

EMAIL_REGEX = (
    r"(?:^|[^A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)

IMMIGRATION_REGEX = rf"(?i)(?:^|[^a-z0-9])(?:{'|'.join(vocab.IMMIGRATION_TERMS)})(?:$|[^a-z0-9])"


def _alternation(words: frozenset[str]) -> str:
    r"""Words as one group, factored on common prefixes (``mexic(?:an(?:o)?|o)``).

    Factoring keeps the pattern small and makes backtracking engines (Python ``re``, which
    pandas and Great Expectations use) fast on hundreds of words; entries holding punctuation
    other than ``.``, ``'`` and ``-`` (``korea, republic of``) are whole-value forms and left out.

    Example:
        >>> print(_alternation(frozenset({"us", "usa", "u.s."})))
        (?:u(?:\.s\.|s(?:a)?))
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        if re.search(r"[\\^$*+?{}\[\]|(),]", word):
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [
            (re.escape(ch) if ch == "." else ch) + build(sub)
            for ch, sub in sorted(node.items())
            if ch
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return (body if len(alts) > 1 else f"(?:{body})") + "?"
        return body

    return f"(?:{build(trie)})"


_PLACE_WORDS = (
    vocab.COUNTRY_NAMES | vocab.AMBIGUOUS_COUNTRY_NAMES | vocab.DEMONYMS | vocab.LANGUAGE_DEMONYMS
)
COUNTRY_IN_TEXT = rf"(?i)(?:^|[^a-z]){_alternation(_PLACE_WORDS)}(?:$|[^a-z])"
"""Country names and demonyms inside a value (``Guadalajara, Mexico``); country columns only."""


# ---------------------------------------------------------------------------------------------
# Context rules


def _share(ev: ColumnEvidence) -> float:
    return ev.matches / ev.non_null if ev.non_null else 1.0


def _decide_identifier(det: Detector, column: str, ev: ColumnEvidence) -> Verdict | None:
    """Strong forms are a verdict anywhere; loose forms only in a column named for them."""
    if det.vetoed(column):
        return None
    share = _share(ev)
    context = det.context_confidence if det.context_confidence is not None else det.confidence
    if not det.named(column):
        where = "" if share >= 0.5 else ", among other values or in free text"
        return Verdict(det.name, det.confidence, f"{det.form}{where}")
    strong = [bool(re.search(det.regex, v)) for v in ev.sample] if det.regex else []
    confidence = context if share >= 0.5 else max(context - 0.2, 0.5)
    if strong and all(strong):
        return Verdict(
            det.name, max(confidence, det.confidence), f"{det.form}, in a column named {column!r}"
        )
    what = det.context_form if strong else f"{det.form} or {det.context_form}"
    return Verdict(
        det.name, confidence, f"{what}, read as {det.noun} because the column is named {column!r}"
    )


def _decide_date_of_birth(det: Detector, column: str, ev: ColumnEvidence) -> Verdict | None:
    """Birth dates by name; dates under another name only if labelled; else by age."""
    share = _share(ev)
    if det.vetoed(column):
        # Only labelled dates ("DOB 3/14/1985") are counted under a booking or notes name.
        return Verdict(
            det.name,
            det.confidence,
            f"dates labelled as birth dates (DOB, born), in a column named {column!r}",
        )
    if det.named(column):
        confidence = det.context_confidence or det.confidence
        return Verdict(
            det.name,
            confidence if share >= 0.5 else confidence - 0.15,
            f"dates with plausible birth years, read as birth dates because the column is named {column!r}",
        )
    if not ev.sample:
        return None  # cannot tell birth dates from event dates without seeing any
    if any(re.search(DOB_REGEX, v) for v in ev.sample):
        return Verdict(det.name, det.confidence, "dates labelled as birth dates (DOB, born)")
    if share >= 0.5 and _ages_look_like_births(ev.sample):
        return Verdict(
            det.name,
            0.7,
            "dates whose ages in the sample look like birth dates; the column name does not say what they are",
        )
    return None


_LAST_NUMBER = re.compile(r"([0-9]+)[^0-9]*$")


def _ages_look_like_births(values: list[str], today: datetime.date | None = None) -> bool:
    """Whether most dates are 14 to 100 years old, as adults' birth dates are.

    Event dates are not: bookings are recent, release and court dates in the future.

    Example:
        >>> _ages_look_like_births(["1961-02-03", "1988-07-01", "1979-12-30"], datetime.date(2025, 1, 1))
        True
        >>> _ages_look_like_births(["2024-02-03", "2023-07-01", "1979-12-30"], datetime.date(2025, 1, 1))
        False
    """
    year = (today or datetime.date.today()).year
    ages = []
    for value in values:
        found = re.search(DATE_REGEX, value)
        if found is None:
            continue
        text = found.group(0)
        iso = re.search(r"(?:19|20)[0-9]{2}(?:[-/]|[0-9]{4})", text)
        last = _LAST_NUMBER.search(text)
        if iso is not None:
            born = int(iso.group(0)[:4])
        elif last is not None:
            born = int(last.group(1))
            if born < 100:  # two-digit year: the most recent century that puts it in the past
                born += 2000 if 2000 + born <= year else 1900
        else:
            continue
        ages.append(year - born)
    if len(ages) < 3:
        return False
    adult = sum(1 for a in ages if 14 <= a <= 100)
    return adult >= 0.8 * len(ages)


def _decide_country(det: Detector, column: str, ev: ColumnEvidence) -> Verdict | None:
    """Codes count only under a country name; otherwise most values must be country names."""
    share = _share(ev)
    if det.counts_context(column):
        return Verdict(
            det.name,
            (det.context_confidence or det.confidence) if share >= 0.3 else 0.6,
            f"country names, nationalities or ISO codes, read as countries because the column is named {column!r}",
        )
    if share >= 0.5:
        return Verdict(
            det.name,
            det.confidence,
            "most values are country names or nationalities; two-letter ISO codes were not counted "
            "(they collide with US state codes) because the column name does not say country",
        )
    return None


def _looks_like_list(value: str) -> bool:
    """Whether long text is a list of short items (``THEFT; BURGLARY; ...``), not prose.

    Example:
        >>> _looks_like_list("RETAIL THEFT; BURGLARY; CRIMINAL TRESPASS; SIMPLE ASSAULT")
        True
        >>> _looks_like_list("Officers responded to a call; the complainant stated that a male fled.")
        False
    """
    items = [i for i in re.split(r"[;|\n]", value) if i.strip()]
    return len(items) >= 3 and max(len(i.split()) for i in items) <= 6


def _decide_narrative(det: Detector, column: str, ev: ColumnEvidence) -> Verdict | None:
    """A narrative column is mostly long text; a few long comments are not one."""
    if ev.sample and sum(map(_looks_like_list, ev.sample)) >= 0.6 * len(ev.sample):
        return None  # long lists of short items (charges, codes) are not narratives
    share = _share(ev)
    long_text = f"long free text (at least {det.min_chars} characters and {det.min_words} words)"
    if share >= 0.5:
        named = det.named(column) and det.context_confidence is not None
        confidence = det.context_confidence if named and det.context_confidence else det.confidence
        return Verdict(det.name, confidence, f"most values are {long_text}")
    if share >= 0.2 and det.named(column):
        return Verdict(det.name, 0.6, f"some values are {long_text}, in a column named {column!r}")
    return None


# ---------------------------------------------------------------------------------------------
# Column-name vocabularies (globs over header_key tokens)


def _globs(text: str) -> tuple[str, ...]:
    """Name rules of one glob each, separated by white space."""
    return tuple(text.split())


_TAX_NAMES = ("tin", "taxid", "tax id", "taxpayer*", "tax number")
_PASSPORT_NAMES = ("passport*", "ppt", "travel doc*")
_FREE_TEXT_NAMES = _globs(
    """
    narrative* synopsis description desc summary remark* note notes comment* detail* statement*
    memo text story report
    """
)
# NOTE: a date under one of these names is an event, never a birth date, however old.
_EVENT_DATE_NAMES = _globs(
    """
    book* releas* arrest* admi* intake offen* incident* crime court hearing* sentenc* trial
    arraign* disposition* filed filing issu* expir* exp effective start* end* due creat* updat*
    modif* enter* entry receiv* reported event* visit* transfer* discharg* occur* submit* sent
    schedul* appoint* order* ship* paid pay* txn transaction* last seen login timestamp ts run
    load* etl audit* warrant* detain* custody transport* notif* notice hire* hired open* clos*
    termin* death died deceased dod marri* regist* joined since deliver* process* verif* review*
    approv* decision* inspect* renew* licen* print* export* extract* log* change* stamp
    """
)
_COUNTRY_NAMES = _globs(
    """
    country* *country countries nation* citizenship origin origins birth *birth birthplace born pob
    nativity homeland
    """
)
_NOT_COUNTRY_NAMES = _globs(
    "state* county zip* postal date day month year yr time ts language* lang age"
)
_IMMIGRATION_NAMES = (
    *_globs("immigration* citizen* uscis ice detainer* visa* nativity residency deport* removal"),
    "legal status",
    "a status",  # alien_status: header_key expands "alien" to "a"
)


DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector(
            "ssn",
            "US Social Security number",
            0.9,
            regex=SSN_REGEX,
            context_regex=SSN_BARE,
            names=("social", "ssn*", "*ssn", "socsec*", *_TAX_NAMES),
            context_confidence=0.95,
            noun="SSNs",
            form="formatted SSNs (3-2-4 digits in issued ranges) or numbers labelled SSN",
            context_form="bare 9-digit numbers",
            decide=_decide_identifier,
        ),
        Detector(
            "a_number",
            "Alien registration number (A-number) issued by DHS",
            0.85,
            regex=A_NUMBER_REGEX,
            context_regex=A_NUMBER_BARE,
            names=("a number", "a registration", "anum*", "alien*", "uscis*"),
            veto_names=_PASSPORT_NAMES,
            context_confidence=0.9,
            noun="A-numbers",
            form="A-numbers (A prefix and 7-9 digits)",
            context_form="bare 7- to 9-digit numbers",
            decide=_decide_identifier,
        ),
        Detector(
            "itin",
            "Individual Taxpayer Identification Number",
            0.9,
            regex=ITIN_REGEX,
            context_regex=ITIN_BARE,
            names=("itin*", "social", "ssn*", *_TAX_NAMES),
            context_confidence=0.95,
            noun="ITINs",
            form="formatted ITINs (9XX-7X/8X-XXXX ranges) or numbers labelled ITIN",
            context_form="bare 9-digit numbers in ITIN ranges",
            decide=_decide_identifier,
        ),
        Detector(
            "passport",
            "US passport number",
            0.9,
            regex=PASSPORT_REGEX,
            context_regex=PASSPORT_BARE,
            names=_PASSPORT_NAMES,
            context_confidence=0.9,
            noun="passport numbers",
            form="numbers labelled passport (9 digits or a letter and 8 digits)",
            context_form="9 digits or a letter and 8 digits",
            decide=_decide_identifier,
        ),
        Detector(
            "date_of_birth",
            "Date of birth",
            0.85,
            regex=DOB_REGEX,
            context_regex=DATE_REGEX,
            context_scope="unvetoed",
            names=("birth", "birth*", "*birth", "born", "bday", "dob*"),
            veto_names=_EVENT_DATE_NAMES + _FREE_TEXT_NAMES,
            context_confidence=0.95,
            noun="birth dates",
            form="dates labelled DOB, date of birth or born",
            context_form="dates (ISO, m/d/yyyy, m/d/yy, d.m.yyyy, dd-Mon-yy(yy), Month d, yyyy)",
            decide=_decide_date_of_birth,
        ),
        Detector(
            "street_address",
            "US street address or PO box",
            0.8,
            regex=STREET_REGEX,
            context_regex=STREET_NAMED,
            names=(
                "address*",
                "*address",
                "street*",
                "residence",
                "residential",
                "domicile",
                "mailing",
            ),
            veto_names=("email", "e", "ip", "ipv4", "ipv6", "mac", "url", "web*"),
            context_confidence=0.95,
            noun="street addresses",
            form="street addresses (number, capitalised street name, USPS suffix) or PO boxes",
            context_form="values starting with a house number and a word",
            decide=_decide_identifier,
        ),
        Detector(
            "phone",
            "US telephone number",
            0.85,
            regex=PHONE_REGEX,
            context_regex=PHONE_BARE,
            names=("phone*", "*phone", "tel*", "cell", "cellular", "mobile", "fax", "contact*"),
            context_confidence=0.9,
            noun="phone numbers",
            form="formatted US phone numbers",
            context_form="bare 10-digit numbers",
            decide=_decide_identifier,
        ),
        Detector(
            "email",
            "E-mail address",
            0.95,
            regex=EMAIL_REGEX,
            noun="e-mail addresses",
            form="e-mail addresses",
            decide=_decide_identifier,
        ),
        Detector(
            "country",
            "Country name, nationality or ISO 3166 code",
            0.8,
            vocabulary=vocab.COUNTRY_NAMES
            | vocab.DEMONYMS
            | (vocab.ALPHA3 - vocab.WORDLIKE_ALPHA3),
            context_vocabulary=vocab.ALPHA2
            | vocab.WORDLIKE_ALPHA3
            | vocab.AMBIGUOUS_COUNTRY_NAMES
            | vocab.LANGUAGE_DEMONYMS,
            context_regex=COUNTRY_IN_TEXT,
            names=_COUNTRY_NAMES,
            veto_names=_NOT_COUNTRY_NAMES,
            context_confidence=0.9,
            noun="countries",
            form="country names, nationalities and alpha-3 codes",
            context_form="ISO alpha-2 codes, names that are also states or given names, and "
            "country names inside longer values",
            decide=_decide_country,
        ),
        Detector(
            "immigration_status",
            "Immigration or citizenship status, detainer or removal order",
            0.85,
            regex=IMMIGRATION_REGEX,
            context_vocabulary=vocab.IMMIGRATION_STATUS_VALUES,
            names=_IMMIGRATION_NAMES,
            context_confidence=0.95,
            noun="immigration statuses",
            form="immigration or citizenship status terms in text",
            context_form="whole values naming a citizenship or immigration status",
            decide=_decide_identifier,
        ),
        Detector(
            "narrative",
            "Free-text narrative, as in police reports",
            0.8,
            min_chars=80,
            min_words=12,
            names=_FREE_TEXT_NAMES,
            context_confidence=0.9,
            noun="narratives",
            form="long free text",
            decide=_decide_narrative,
        ),
    )
}
"""Every detector by name."""
