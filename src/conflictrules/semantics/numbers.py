"""Number semantics: the value of a matched number phrase, and the ``Count`` it makes.

The grammar layer finds number phrases; this module only interprets the matched text.

Numbers (:func:`parse_number`)
    Digits, with an optional thousands separator used consistently: ``1400``, ``1,400``,
    ``3 000`` (also U+00A0, U+202F, U+2009, U+2007 and ``'``), and ``.`` only where it
    cannot be a decimal point, i.e. two or more groups (``1.400.000``; ``1.400`` is None).
    Digits with scale words: ``3 million``, ``1.2 million``, ``2.5 billion``,
    ``2 hundred thousand``, ``3 dozen`` (a result that is not a whole number is None).
    Number words to the hundreds of billions, any case, hyphenated or spaced, with or
    without "and": ``twenty-one``, ``three hundred and forty``, ``a hundred``,
    ``fifteen hundred``, ``one thousand and one``, ``two million three hundred thousand``.
    Set phrases: ``a``/``an``/``one``/``a single`` = 1, ``both``/``a couple (of)`` = 2,
    ``a dozen`` = 12, ``N dozen`` = 12N, ``half a dozen`` = 6, ``half a million`` = 500000,
    ``no``/``none``/``nobody``/``no one``/``zero`` = 0. Anything else (ordinals, words that
    are not numbers, the empty string) is None.

Vague quantities (:data:`DEFAULT_VAGUE`, :func:`vague_value`)
    ACLED records the most conservative figure a report supports, and codes 10 for
    "tens", 12 for "dozens" and 100 for "hundreds": the size of *one* unit the word
    names. The table applies the same rule to every word: the smallest count the word
    plainly denotes.

    ======================  ==========  =============================================
    word                    value       why
    ======================  ==========  =============================================
    multiple, some          2           only says "more than one" (bare "some", as in
                                        "some civilians"; "some 300" is a qualifier)
    a few, few              3           more than "a couple" (2)
    several                 3           more than two
    a number of             3           like "several"
    a handful of            3           the low end of a handful (3 to 5)
    many, numerous          10          of the order of "tens"
    tens                    10          ACLED
    dozens                  12          ACLED
    scores                  20          one score
    hundreds                100         ACLED
    thousands               1000        one thousand
    tens of thousands       10000       ten thousand
    hundreds of thousands   100000      a hundred thousand
    millions                1000000     one million
    ======================  ==========  =============================================

    Composite phrases are valued from the same table, never guessed:

    * a multiplier before a singular scale word multiplies: "several hundred" = 3 x 100 =
      300, "a few dozen" = 3 x 12 = 36, "a few thousand" = 3000, "several hundred
      thousand" = 300000, "a couple of hundred" = 200. The multipliers are "several",
      "a few" (valued from the table) and "a couple (of)" (always 2). Each is the lowest
      reading of the phrase: "several hundred" is at least three hundred.
    * a plural unit "of" a plural unit multiplies: "tens of millions" = 10 x 1000000,
      "dozens of thousands" = 12000.
    * a multiplier before a plural unit multiplies too ("several thousands" = 3000,
      "several tens of thousands" = 30000); any other vague word before a plural unit
      only intensifies it and the unit's value stands ("many thousands" = 1000, "some
      hundreds" = 100).

    A trailing "of" is ignored ("dozens of" = "dozens"). Every vague figure is recorded with
    ``approximate=True``, ``low``/``high`` None, and ``vague`` set to the normalised phrase.
    Pass your own ``table`` to override: it *replaces* the default (merge with
    ``{**DEFAULT_VAGUE, ...}`` to extend it); keys are normalised like the text.

Qualifiers (:data:`QUALIFIERS`, :func:`build_count`)
    Each qualifier surface form has a kind; for a stated number N:

    ==============  ===========================  ========  ====  ====  ===========
    kind            examples                     estimate  low   high  approximate
    ==============  ===========================  ========  ====  ====  ===========
    (none)          "40", "a total of"           N         N     N     False
    min             at least, no fewer than      N         N     None  False
    min_exclusive   more than, over, upwards of  N         N     None  False
    max             up to, as many as, under     N         None  N     False
    approx          around, about, some          N         None  None  True
    approx_max      nearly, almost, close to     N         None  N     True
    additional      another, a further           N         N     N     False
    ==============  ===========================  ========  ====  ====  ===========

    "more than N" keeps N as its bound (not N + 1) and "fewer than N" keeps N as its
    high bound, so that the bounds are always numbers stated in the text. "additional"
    figures are exact; the qualifier text ("another") is the flag that they add to an
    earlier figure, and :func:`qualifier_kind` tells it apart. A qualifier not in the table
    ("a total of") is kept as text and the figure read as exact.

    A range ("between 30 and 40", "30 to 40", "30-40", "30–40", "two or three") gives the
    lower end as the estimate, with low and high the two ends; a hedging qualifier still
    sets ``approximate``. Text that reads as one number is one number: "forty-one" is 41,
    never the range 40 to 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from conflictrules.model import Count

__all__ = [
    "DEFAULT_VAGUE",
    "QUALIFIERS",
    "QUALIFIER_KINDS",
    "build_count",
    "format_digits",
    "normalize_qualifier",
    "parse_number",
    "parse_range",
    "qualifier_kind",
    "spell_number",
    "vague_value",
]

# --------------------------------------------------------------------------- vocabulary

_UNITS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SMALL: dict[str, int] = {**_UNITS, **_TEENS}
_SCALES: tuple[tuple[str, int], ...] = (
    ("billion", 10**9),
    ("million", 10**6),
    ("thousand", 10**3),
)
# singular scale words usable after digits or a vague multiplier, in increasing order
_SCALE_WORDS: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
}
_SET_PHRASES: dict[str, int] = {
    "a": 1,
    "an": 1,
    "a single": 1,
    "both": 2,
    "a couple": 2,
    "a couple of": 2,
    "no": 0,
    "none": 0,
    "nobody": 0,
    "no one": 0,
    "zero": 0,
}

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_HYPHENS = re.compile(r"\s*[-\u2010\u2011]\s*")
_DIGIT_PHRASE = re.compile(
    r"""
    (?P<num>
        [0-9]{1,3}(?P<sep>[,' ])[0-9]{3}(?:(?P=sep)[0-9]{3})*   # 1,400  3 000
      | [0-9]{1,3}(?:\.[0-9]{3}){2,}                          # 1.400.000
      | [0-9]+\.[0-9]+                                        # 1.2 (needs a scale word)
      | [0-9]+                                                # 1400
    )
    (?:\ (?P<scales>[a-z]+(?:\ [a-z]+)*))?
    """,
    re.VERBOSE,
)


def _squash(text: str) -> str:
    """Lower-case, apostrophes unified, every run of white space one ASCII space."""
    return _SPACES.sub(" ", text.replace("\u2019", "'")).strip().lower()


def _words(text: str) -> str:
    """Like ``_squash``, with hyphens and commas between words read as spaces."""
    return _SPACES.sub(" ", _HYPHENS.sub(" ", _squash(text)).replace(",", " ")).strip()


# ------------------------------------------------------------------------ parse_number


def parse_number(text: str) -> int | None:
    """The value of a number phrase ("1,400", "twenty-one", "1.2 million", "a dozen").

    Returns None when the text is not a number phrase. See the module docstring.
    """
    squashed = _squash(text)
    if not squashed:
        return None
    if squashed[0].isdigit():
        return _parse_digits(squashed)
    return _parse_words(_words(squashed).split(" "))


def _scale_chain(words: str | None) -> int | None:
    """The product of singular scale words in increasing order ("hundred thousand"), 1 for
    none; "dozen" only stands alone."""
    if words is None:
        return 1
    product, last = 1, 0
    for word in words.split(" "):
        value = _SCALE_WORDS.get(word)
        if value is None or value <= last or last == _SCALE_WORDS["dozen"]:
            return None
        product, last = product * value, value
    return product


def _parse_digits(text: str) -> int | None:
    match = _DIGIT_PHRASE.fullmatch(text)
    if match is None:
        return None
    num, scales = match["num"], match["scales"]
    multiplier = _scale_chain(scales)
    if multiplier is None:
        return None
    if match["sep"] is None and num.count(".") == 1:
        # one "." is a decimal point, only meaningful before a scale word ("1.2 million")
        if scales is None:
            return None
        value = Decimal(num) * multiplier
    else:
        value = Decimal(re.sub(r"[^0-9]", "", num)) * multiplier
    if value != value.to_integral_value():
        return None
    return int(value)


def _tens(tokens: list[str]) -> int | None:
    """1..99 from words: "seven", "fifteen", "forty", "forty five"."""
    if len(tokens) == 1:
        word = tokens[0]
        return _SMALL.get(word, _TENS.get(word))
    if len(tokens) == 2 and tokens[0] in _TENS and tokens[1] in _UNITS:
        return _TENS[tokens[0]] + _UNITS[tokens[1]]
    return None


def _hundreds(tokens: list[str], *, article: bool, wide: bool) -> int | None:
    """1..999 in words ("a hundred and five" when ``article``); with ``wide``, also
    "fifteen hundred", "twenty-five hundred" (1100..9999)."""
    if "hundred" not in tokens:
        return _tens(tokens)
    at = tokens.index("hundred")
    head, tail = tokens[:at], tokens[at + 1 :]
    multiplier = 1 if article and head in (["a"], ["an"]) else _tens(head)
    if multiplier is None or (multiplier > 9 and not (wide and multiplier % 10)):
        return None
    if tail[:1] == ["and"]:
        tail = tail[1:]
        if not tail:
            return None
    if not tail:
        return multiplier * 100
    rest = _tens(tail)
    return None if rest is None else multiplier * 100 + rest


def _cardinal(tokens: list[str]) -> int | None:
    """A cardinal in words: groups of 1..999 times billion/million/thousand, then the rest.
    "and" may follow any scale word; "a"/"an" may open the phrase ("a hundred thousand")."""
    total, rest, first = 0, tokens, True
    for word, value in _SCALES:
        if word not in rest:
            continue
        at = rest.index(word)
        head = rest[:at]
        group = (
            1 if first and head in (["a"], ["an"]) else _hundreds(head, article=first, wide=False)
        )
        if group is None:
            return None
        total += group * value
        rest = rest[at + 1 :]
        first = False
        if rest[:1] == ["and"]:
            rest = rest[1:]
            if not rest:
                return None
    if not rest:
        return None if first else total
    tail = _hundreds(rest, article=first, wide=first)
    return None if tail is None else total + tail


def _parse_words(tokens: list[str]) -> int | None:
    phrase = " ".join(tokens)
    if phrase in _SET_PHRASES:
        return _SET_PHRASES[phrase]
    if len(tokens) == 3 and tokens[:2] in (["half", "a"], ["half", "an"]):
        scale = _SCALE_WORDS.get(tokens[2])
        return None if scale is None else scale // 2
    if tokens[-1] == "dozen":
        head = tokens[:-1]
        if head in (["a"], ["an"]):
            return 12
        count = _tens(head)
        return None if count is None else count * 12
    return _cardinal(tokens)


# ------------------------------------------------------------------------- parse_range

_RANGE_SEPARATORS = re.compile(r" (?:to|or|and) | ?[-\u2010\u2011\u2012\u2013\u2014] ?")


def parse_range(text: str) -> tuple[int, int] | None:
    """Both ends of a range: "30-40", "30–40", "30 to 40", "between 30 and 40",
    "from 30 to 40", "two or three"; a scale word after the second end applies to the
    first too: "two to three hundred" is (200, 300), "1.2 to 1.5 million" (1200000, 1500000).

    Returns None unless both ends are numbers and the first is not above the second (so
    "twenty-one" is no range).
    """
    squashed = _squash(text)
    between = squashed.startswith("between ")
    if between or squashed.startswith("from "):
        squashed = squashed.split(" ", 1)[1]
    for sep in _RANGE_SEPARATORS.finditer(squashed):
        if (sep.group().strip() == "and") != between:
            continue
        left, right = squashed[: sep.start()], squashed[sep.end() :]
        high = parse_number(right)
        if high is None:
            continue
        low = None
        scale = right.rsplit(" ", 1)[-1]
        if scale in _SCALE_WORDS and not set(_words(left).split(" ")) & _SCALE_WORDS.keys():
            low = parse_number(f"{left} {scale}")  # "two to three hundred"
            low = low if low is not None and low <= high else None
        if low is None:
            low = parse_number(left)
        if low is not None and low <= high:
            return low, high
    return None


# ------------------------------------------------------------------------ spell_number


def spell_number(n: int, *, use_and: bool = True, hyphen: bool = True) -> str:
    """``n`` in English words: 340201 -> "three hundred and forty thousand two hundred and one".

    ``use_and=False`` drops every "and" ("three hundred forty thousand two hundred one");
    ``hyphen=False`` writes 21..99 as "twenty one". Defined for 0 <= n < 10**12.
    """
    if not 0 <= n < 10**12:
        raise ValueError(f"spell_number needs 0 <= n < 10**12, got {n}")
    if n == 0:
        return "zero"
    parts: list[str] = []
    rest = n
    for word, value in _SCALES:
        group, rest = divmod(rest, value)
        if group:
            parts.append(f"{_spell_group(group, use_and, hyphen)} {word}")
    if rest:
        if parts and rest < 100 and use_and:
            parts.append("and")
        parts.append(_spell_group(rest, use_and, hyphen))
    return " ".join(parts)


_UNIT_NAMES = {v: k for k, v in _SMALL.items()}
_TEN_NAMES = {v: k for k, v in _TENS.items()}


def _spell_group(n: int, use_and: bool, hyphen: bool) -> str:
    """1..999 in words."""
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds:
        parts.append(f"{_UNIT_NAMES[hundreds]} hundred")
        if rest and use_and:
            parts.append("and")
    if rest:
        if rest < 20:
            parts.append(_UNIT_NAMES[rest])
        else:
            tens, units = divmod(rest, 10)
            name = _TEN_NAMES[tens * 10]
            if units:
                name += ("-" if hyphen else " ") + _UNIT_NAMES[units]
            parts.append(name)
    return " ".join(parts)


def format_digits(n: int, sep: str = ",") -> str:
    """``n`` in digits with ``sep`` between groups of three: "1,400", "3 000", "1400"."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", sep)


# ---------------------------------------------------------------------- vague quantities

DEFAULT_VAGUE: Mapping[str, int] = MappingProxyType(
    {
        "multiple": 2,
        "some": 2,
        "a few": 3,
        "few": 3,
        "several": 3,
        "a number of": 3,
        "a handful of": 3,
        "many": 10,
        "numerous": 10,
        "tens": 10,
        "dozens": 12,
        "scores": 20,
        "hundreds": 100,
        "thousands": 1000,
        "tens of thousands": 10_000,
        "hundreds of thousands": 100_000,
        "millions": 1_000_000,
    }
)
"""Vague quantity -> the figure to record; see the module docstring for the reasons."""

_PLURAL_UNITS = frozenset({"tens", "dozens", "scores", "hundreds", "thousands", "millions"})
_MULTIPLIERS = frozenset({"several", "a few"})  # valued from the table
_FIXED_MULTIPLIERS: dict[str, int] = {"a couple": 2, "a couple of": 2}


def _strip_of(phrase: str) -> str:
    return phrase[:-3] if phrase.endswith(" of") else phrase


def _lookup(phrase: str, table: Mapping[str, int]) -> tuple[int, str] | None:
    """A table entry for ``phrase``, with or without a trailing "of": (value, key)."""
    for key in (phrase, f"{phrase} of", _strip_of(phrase)):
        if key in table:
            return table[key], key
    return None


def _plural_phrase(phrase: str, table: Mapping[str, int]) -> int | None:
    """A plural unit ("hundreds") or a plural unit of plural units ("tens of thousands")."""
    if phrase in _PLURAL_UNITS:
        return table.get(phrase)
    head, sep, tail = phrase.partition(" of ")
    if not sep or head not in _PLURAL_UNITS:
        return None
    if phrase in table:
        return table[phrase]
    rest = _plural_phrase(tail, table)
    return None if rest is None or head not in table else table[head] * rest


def _vague(phrase: str, table: Mapping[str, int]) -> tuple[int, str] | None:
    """(value, normalised phrase) for a vague quantity, per the module docstring."""
    found = _lookup(phrase, table)
    if found is not None:
        return found
    phrase = _strip_of(phrase)
    plural = _plural_phrase(phrase, table)
    if plural is not None:
        return plural, phrase  # "tens of millions"
    tokens = phrase.split(" ")
    for at in range(1, len(tokens)):
        head, tail = " ".join(tokens[:at]), " ".join(tokens[at:])
        multiplier = _FIXED_MULTIPLIERS.get(head)
        if multiplier is None and head in _MULTIPLIERS:
            multiplier = table.get(head)
        scale = _scale_chain(tail)
        if multiplier is not None and scale is not None:
            return multiplier * scale, phrase  # "several hundred"
        plural = _plural_phrase(tail, table)
        if plural is not None and multiplier is not None:
            return multiplier * plural, phrase  # "several thousands"
        if plural is not None and head in table:
            return plural, phrase  # "many thousands": the unit stands
    return None


def _vague_entry(text: str, table: Mapping[str, int] | None) -> tuple[int, str] | None:
    """Normalise ``text`` and the table's keys alike, then value the phrase."""
    chosen = DEFAULT_VAGUE if table is None else table
    return _vague(_words(text), {_words(key): value for key, value in chosen.items()})


def vague_value(text: str, table: Mapping[str, int] | None = None) -> int | None:
    """The figure for a vague quantity ("dozens", "Tens-of-thousands", "several hundred").

    ``table`` replaces :data:`DEFAULT_VAGUE`. Case, white space, hyphens and a trailing
    "of" do not matter. Returns None for text that is not a vague quantity.
    """
    found = _vague_entry(text, table)
    return None if found is None else found[0]


# --------------------------------------------------------------------------- qualifiers

QUALIFIER_KINDS: tuple[str, ...] = (
    "min",
    "min_exclusive",
    "max",
    "approx",
    "approx_max",
    "additional",
)

QUALIFIERS: Mapping[str, str] = MappingProxyType(
    {
        # at least N: low = N, open above
        "at least": "min",
        "no fewer than": "min",
        "no less than": "min",
        "not less than": "min",
        "not fewer than": "min",
        "a minimum of": "min",
        "as few as": "min",
        # more than N: low = N (the stated number), open above
        "more than": "min_exclusive",
        "over": "min_exclusive",
        "above": "min_exclusive",
        "upwards of": "min_exclusive",
        "in excess of": "min_exclusive",
        "just over": "min_exclusive",
        "well over": "min_exclusive",
        "well above": "min_exclusive",
        # up to N: high = N, open below
        "up to": "max",
        "as many as": "max",
        "fewer than": "max",
        "less than": "max",
        "under": "max",
        "at most": "max",
        "no more than": "max",
        "not more than": "max",
        "a maximum of": "max",
        # around N: hedged, no bounds
        "around": "approx",
        "about": "approx",
        "some": "approx",
        "an estimated": "approx",
        "estimated": "approx",
        "approximately": "approx",
        "roughly": "approx",
        "circa": "approx",
        "or so": "approx",
        # nearly N: hedged, high = N
        "nearly": "approx_max",
        "almost": "approx_max",
        "close to": "approx_max",
        "just under": "approx_max",
        "just short of": "approx_max",
        # another N: exact, adds to an earlier figure
        "a further": "additional",
        "another": "additional",
        "an additional": "additional",
        "additional": "additional",
        "further": "additional",
    }
)
"""Qualifier surface form (lower case, single spaces) -> kind (one of QUALIFIER_KINDS)."""


def normalize_qualifier(text: str) -> str | None:
    """A qualifier as recorded in ``Count.qualifier``: lower case, single spaces; None if
    blank."""
    squashed = _squash(text)
    return squashed or None


def qualifier_kind(text: str | None) -> str | None:
    """The kind of a qualifier ("at least" -> "min"), or None if unknown or absent."""
    if text is None:
        return None
    key = normalize_qualifier(text)
    return None if key is None else QUALIFIERS.get(key)


_HEDGED = frozenset({"approx", "approx_max"})


def build_count(
    *,
    text: str,
    number: str | None,
    number_high: str | None = None,
    qualifier: str | None = None,
    vague: str | None = None,
    table: Mapping[str, int] | None = None,
) -> Count | None:
    """Combine the captures of a count phrase into a :class:`~conflictrules.model.Count`.

    ``number`` (and ``number_high`` for the upper end of a range) are number phrases;
    ``number`` may also hold a whole range ("30-40") or a vague quantity ("dozens").
    ``vague`` is a vague quantity valued from ``table`` (default :data:`DEFAULT_VAGUE`),
    used when no number parses. Returns None when nothing parses.
    """
    qual = normalize_qualifier(qualifier) if qualifier is not None else None
    kind = qualifier_kind(qual)
    hedged = kind in _HEDGED

    low = parse_number(number) if number is not None else None
    high = parse_number(number_high) if number_high is not None else None
    if low is None and number is not None and number_high is None:
        bounds = parse_range(number)
        if bounds is not None:
            low, high = bounds
    if low is None:
        low, high = high, None

    if low is not None and high is not None and low != high:
        first, last = sorted((low, high))
        return Count(first, first, last, hedged, qual, text)
    if low is not None:
        lower = None if kind in ("max", "approx", "approx_max") else low
        upper = None if kind in ("min", "min_exclusive", "approx") else low
        return Count(low, lower, upper, hedged, qual, text)

    for phrase in (vague, number):
        found = None if phrase is None else _vague_entry(phrase, table)
        if found is not None:
            return Count(found[0], None, None, True, qual, text, found[1])
    return None
