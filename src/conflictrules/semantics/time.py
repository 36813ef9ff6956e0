"""Resolving time expressions against a publication date.

The time grammar finds an expression ("since the beginning of the year", "late Monday",
"in the past two days") and hands its text to :func:`resolve`, which returns an
:class:`Interval` of calendar dates. Resolution is plain Python: one regular expression
per kind of expression, tried in order (the first pattern that matches the whole,
normalised text decides), each with a small handler. Nothing reads the clock: the day the
program runs can never leak into a result. Absolute dates with a day, a month name and a
year ("July 25, 2025", "27-February-2018") are read from the parts the pattern matched;
dateparser, which this once did, cost milliseconds a date (a tenth of all extraction
time) and 30 MB of memory to confirm what the calendar checks.

Decisions (the behaviour tests/test_time.py pins down):

* Every interval is closed: ``start`` and ``end`` are both included. A single day has
  ``start == end``. ``Interval(None, None)`` means "could not resolve"; ``resolve`` never
  raises.
* Without a publication date, every expression that needs one (relative days, weekdays,
  dates and months without a year) resolves to ``Interval(None, None)``. Absolute dates,
  months with a year and years resolve without one. "since X" with an absolute X and no
  publication date gives ``Interval(X.start, None)`` (open end).
* Nothing extends past publication: when an interval starts on or before the publication
  date and would end after it, its end becomes the publication date ("in December"
  published 2018-12-20 is 2018-12-01..2018-12-20; "this week" ends at publication).
  Explicit dates after publication ("July 25, 2025" in a 2019 text) are kept as written.
* Weekdays ("Wednesday", "on Wednesday", "late Monday", "Wednesday night"): the most recent
  such day on or before publication (publication day itself if it is that weekday).
  "last Wednesday"/"this past Wednesday": the most recent one strictly before publication.
* "overnight", "last night", "yesterday night", "during the night": the night before
  publication, ``published - 1 .. published``. "today", "tonight", "this morning":
  the publication day. "yesterday" (with or without morning/evening/...): the day before.
  "the day before", "the previous day": the day before publication (the only reference
  we have).
* "the past/last N units" (hours, days, nights, weeks, fortnights, months, years; digits
  or number words up to ninety-nine, "a couple of" = 2): ``published - N units ..
  published``; hours round up to whole days (the past 48 hours = two days). Without N,
  a singular unit means one ("the past week") and a plural one is vague ("in past weeks").
* Vague spans ("recent days", "in recent weeks", "the past few days", "several weeks
  ago") are approximations: days and hours 7 days, weeks and fortnights 28 days,
  months 3 months, years 3 years, ending at publication.
* "N units ago": the single day N units before publication ("a week ago" = published - 7);
  months and years keep the day of month, clamped to the month's end. N hours ago is the
  day or two days it may fall on.
* Calendar periods: "last week" is the previous Monday..Sunday week; "this week" /
  "earlier this week" is Monday..publication; "last month"/"last year" the whole previous
  calendar month/year; "this month"/"earlier this month"/"this year"/"so far this year"
  start on the first day of the period and end at publication. "the previous week/month/
  year" is the same as "last ...", while "the last week" (with "the") is the rolling seven
  days.
* Leading modifiers "early", "late", "mid", "earlier", "later" are dropped: "late last
  month" is last month, "mid-December" is December, "earlier this month" is this month.
  The result is the containing period, never a guessed part of it. The same holds for
  "the beginning/start/end/middle of X": the whole of X (so "since the beginning of the
  year" starts on January 1).
* Months: "in December" is the most recent December that has started by publication
  (published 2019-01-10 gives 2018-12-01..2018-12-31; published 2018-12-20 gives
  2018-12-01..2018-12-20). "last December" is the most recent December strictly before the
  publication month. "December last year" / "December this year" fix the year.
* Dates without a year ("25 July", "March 3rd", "on the 5th") are the most recent such
  date on or before publication, across a year boundary when needed ("December 28"
  published 2019-01-03 is 2018-12-28); February 29 goes back to the last leap year.
* Dates with a year: day-month-year with a month name is that day when it exists
  ("31 February 2018" is unknown); ISO
  ("2025-07-25") is read directly; numeric day/month/year ("25/07/2025") only when it
  is unambiguous (one part above 12, or both parts equal): "03/04/2019" is unknown.
* Weekends: "the weekend"/"over the weekend"/"this weekend" is the most recent
  Saturday..Sunday on or before publication (capped at publication when it falls on a
  Saturday). "last weekend" is the same, except when published on a Saturday or Sunday,
  where it is the weekend before.
* Ranges ("between January and March", "from March 3 to March 5", "March 3-5",
  "3 to 5 March", "Monday and Tuesday"): the right side resolves against publication,
  the left side is then placed on or before the right side's start (so a year or a month
  given once applies to both; "from December 28 to January 3, 2019" needs no publication
  date). Inverted ranges are unknown.
* "since X"/"from X": from the start of X to publication ("Since December" published
  2019-03-14 is 2018-12-01..2019-03-14; "since 2019" is 2019-01-01..publication). An X
  that starts after publication ("since 2030" in a 2019 text) is unknown.
* Not supported (unknown): future expressions ("tomorrow", "next week"), anaphora ("that
  day", "the following day", "two days later"), clock times on their own, seasons.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from collections.abc import Callable, Iterable

import attrs

__all__ = ["Interval", "resolve"]

_DAY = datetime.timedelta(days=1)
_MAX_TEXT = 120  # longer "time expressions" are not time expressions: unknown, fast


_MaybeDate = datetime.date | None


def _check_order(
    instance: Interval, attribute: attrs.Attribute[_MaybeDate], value: _MaybeDate
) -> None:
    if instance.start is not None and value is not None and value < instance.start:
        raise ValueError(f"Interval end {value} is before its start {instance.start}")


@attrs.frozen(slots=True)
class Interval:
    """A closed interval of calendar days; ``None`` on a side means unknown."""

    start: datetime.date | None
    end: datetime.date | None = attrs.field(validator=_check_order)

    @property
    def known(self) -> bool:
        """True when at least one side is resolved."""
        return self.start is not None or self.end is not None

    def iso(self) -> tuple[str | None, str | None]:
        """``(start, end)`` as ISO strings (or None), the shape ``TimeRef`` stores."""
        return (
            self.start.isoformat() if self.start is not None else None,
            self.end.isoformat() if self.end is not None else None,
        )


_UNKNOWN = Interval(None, None)


def resolve(text: str, published: datetime.date | None) -> Interval:
    """Resolve a time expression to an interval of dates, relative to ``published``.

    Never raises: text that is not understood gives ``Interval(None, None)``.
    """
    if isinstance(published, datetime.datetime):
        published = published.date()
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        return _UNKNOWN
    return _resolve_cached(text, published)


@functools.lru_cache(maxsize=16384)
def _resolve_cached(text: str, published: datetime.date | None) -> Interval:
    try:
        return _resolve_norm(_normalise(text), published, published)
    except (ValueError, OverflowError):  # date arithmetic at the ends of the calendar
        return _UNKNOWN


# --------------------------------------------------------------------------- vocabulary

_MONTHS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_WEEKDAYS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(calendar.day_name)},
    **{name.lower(): i for i, name in enumerate(calendar.day_abbr)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_ONES: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven")
_ONES += ("eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen")
_ONES += ("sixteen", "seventeen", "eighteen", "nineteen")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_TENS |= {"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
_NUMBER_WORDS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a couple": 2, **_TENS})
_VAGUE_WORDS = ("a few", "few", "several", "some", "a number of", "many")
_VAGUE = -1  # the count of "a few", "several", ...
_UNITS = ("hour", "day", "night", "week", "fortnight", "month", "year")
_CLOCK_WORDS = "dawn|dusk|midnight|noon|midday|daybreak|sunrise|sunset|nightfall"
_DAY_PARTS = ("morning", "afternoon", "evening", "night", "overnight")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so the longest wins."""
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


_COMPOUND = f"(?:{'|'.join(_TENS)})(?:[\\s-](?:{'|'.join(_ONES[1:10])}))?"  # twenty-four
_NUM_RE = rf"(?P<n>\d{{1,4}}|{_COMPOUND}|{_alternation([*_NUMBER_WORDS, *_VAGUE_WORDS])})"
_FRAGMENTS: dict[str, str] = {
    "MONTH": r"(?P<month>" + _alternation(_MONTHS) + r")\.?",
    "WEEKDAY": r"(?P<weekday>" + _alternation(_WEEKDAYS) + r")\.?",
    "DAY": r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?",
    "YEAR": r"(?P<year>(?:19|20)\d\d)",
    "NUM": _NUM_RE,
    "UNIT": r"(?P<unit>" + "|".join(_UNITS) + r")(?P<plural>s)?",
    "SEP": r"(?:\s*[,/.-]\s*|\s+)",
}
_TOKEN = re.compile("|".join(_FRAGMENTS))


def _number(word: str) -> int | None:
    """The count a number word or digits stand for; ``_VAGUE`` for "a few" and the like."""
    word = " ".join(word.replace("-", " ").split())
    if word.isdigit():
        return int(word)
    if word in _VAGUE_WORDS:
        return _VAGUE
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    tens, _, ones = word.partition(" ")
    if tens in _TENS and ones in _NUMBER_WORDS:
        return _TENS[tens] + _NUMBER_WORDS[ones]
    return None


# ----------------------------------------------------------------------- normalisation

_CLOCK = (
    r"(?:\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\.?|\d{1,2}:\d\d(?:\s*(?:hrs|h))?|" + _CLOCK_WORDS + ")"
    r"(?:\s+(?:local\s+time|gmt|utc))?"
)
_LEADING = re.compile(
    r"(?:on|in|at|during|over|throughout|around|about|approximately|roughly|within|for|of)\s+"
    r"|(?:early|late|mid|later|earlier)(?:\s+|-)(?=\S)"
    r"|the\s+(?:early\s+|small\s+|late\s+)?hours\s+of\s+"
    r"|the\s+(?:morning|afternoon|evening|night)\s+of\s+"
    r"|(?:(?:shortly|just|right|soon)\s+)?(?:before|after)\s+(?=(?:" + _CLOCK_WORDS + r")\b)"
    r"|overnight\s+(?:on\s+)?(?=(?:" + _alternation(_WEEKDAYS) + r")\b)"
    r"|(?:at\s+)?(?:around\s+|about\s+)?" + _CLOCK + r",?\s+(?:on\s+)?(?=\S)"
)
_TRAILING_CLOCK = re.compile(r",?\s+(?:at\s+)?(?:around\s+|about\s+)?" + _CLOCK + r"$")
_TRAILING_PART = re.compile(  # "Monday night", "yesterday morning", "March 3 evening"
    r"(.*\b(?:" + _alternation([*_WEEKDAYS, "yesterday", "today"]) + r"|\d(?:st|nd|rd|th)?))"
    r"\s+(?:" + "|".join(_DAY_PARTS) + ")"
)
_STRIP = " \t\n,.;:!?()[]\"'"


def _normalise(text: str) -> str:
    """Lower-case, one space between words, no surrounding punctuation, and no leading
    prepositions, hedges ("early", "late") or clock times, which never change the days."""
    s = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = " ".join(s.split()).strip(_STRIP).replace("week-end", "weekend")
    while True:
        before = s
        if m := _LEADING.match(s):
            s = s[m.end() :]
        s = _TRAILING_CLOCK.sub("", s).strip(_STRIP)
        if m := _TRAILING_PART.fullmatch(s):
            s = m[1]
        if s == before:
            return s


# ----------------------------------------------------------------------- calendar help


@attrs.frozen(slots=True)
class _Ctx:
    """What an expression is resolved against.

    ``published`` anchors relative expressions ("yesterday", "last week"); ``anchor``
    places floating calendar names (weekdays, months and dates without a year). They
    differ only for the left side of a range, whose anchor is the right side's start.
    """

    published: datetime.date | None
    anchor: datetime.date | None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: datetime.date, months: int) -> datetime.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return datetime.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _minus(d: datetime.date, unit: str, n: int) -> datetime.date:
    """``d`` minus ``n`` units; hours round up to whole days."""
    if unit in ("day", "night"):
        return d - n * _DAY
    if unit == "hour":
        return d - -(-n // 24) * _DAY
    if unit in ("week", "fortnight"):
        return d - n * (7 if unit == "week" else 14) * _DAY
    return _add_months(d, -n * (12 if unit == "year" else 1))


_VAGUE_SPAN = {"hour": ("day", 7), "day": ("day", 7), "night": ("day", 7), "week": ("day", 28)}
_VAGUE_SPAN |= {"fortnight": ("day", 28), "month": ("month", 3), "year": ("year", 3)}


def _vague_start(published: datetime.date, unit: str) -> datetime.date:
    span_unit, n = _VAGUE_SPAN[unit]
    return _minus(published, span_unit, n)


def _week_start(d: datetime.date) -> datetime.date:
    return d - d.weekday() * _DAY


def _period(unit: str, d: datetime.date) -> Interval:
    """The calendar week, month or year containing ``d``."""
    if unit == "week":
        start = _week_start(d)
        return Interval(start, start + 6 * _DAY)
    if unit == "month":
        return Interval(d.replace(day=1), _month_end(d.year, d.month))
    return Interval(datetime.date(d.year, 1, 1), datetime.date(d.year, 12, 31))


def _weekday_on_or_before(anchor: datetime.date, weekday: int, strictly: bool) -> datetime.date:
    back = (anchor.weekday() - weekday) % 7
    return anchor - (back or (7 if strictly else 0)) * _DAY


def _recent_month(month: int, anchor: datetime.date, strictly: bool) -> Interval:
    """The most recent ``month`` that started on or before ``anchor`` (strictly: in an
    earlier month than ``anchor``'s)."""
    started = month < anchor.month or (month == anchor.month and not strictly)
    year = anchor.year if started else anchor.year - 1
    return Interval(datetime.date(year, month, 1), _month_end(year, month))


def _recent_date(month: int, day: int, anchor: datetime.date) -> datetime.date | None:
    """The most recent day ``month``/``day`` on or before ``anchor``."""
    for year in range(anchor.year, anchor.year - 9, -1):  # 8 years reach any 29 February
        try:
            d = datetime.date(year, month, day)
        except ValueError:
            continue
        if d <= anchor:
            return d
    return None


def _day(d: datetime.date) -> Interval:
    return Interval(d, d)


def _span(start: datetime.date | None, end: datetime.date | None) -> Interval | None:
    if start is not None and end is not None and end < start:
        return None
    return Interval(start, end)


# ----------------------------------------------------------------------------- rules

_Handler = Callable[[re.Match[str], _Ctx], Interval | None]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(*patterns: str) -> Callable[[_Handler], _Handler]:
    """Register a handler for texts that one of ``patterns`` matches whole. Upper-case
    names in a pattern (MONTH, WEEKDAY, DAY, YEAR, NUM, UNIT, SEP) stand for the fragments
    above; whitespace in a pattern is ignored (verbose mode). Rules are tried in order."""

    def register(handler: _Handler) -> _Handler:
        for pattern in patterns:
            expanded = _TOKEN.sub(lambda m: _FRAGMENTS[m[0]], pattern)
            _RULES.append((re.compile(expanded, re.VERBOSE), handler))
        return handler

    return register


@functools.lru_cache(maxsize=8192)
def _resolve_norm(
    s: str, published: datetime.date | None, anchor: datetime.date | None
) -> Interval:
    ctx = _Ctx(published, anchor)
    for pattern, handler in _RULES:
        if m := pattern.fullmatch(s):
            try:
                found = handler(m, ctx)
            except (ValueError, OverflowError):  # "2019-02-30", dates beyond year 9999
                found = None
            if found is None:
                return _UNKNOWN
            if (
                anchor is not None
                and found.start is not None
                and found.end is not None
                and found.start <= anchor < found.end
            ):
                return Interval(found.start, anchor)  # nothing reported goes past publication
            return found
    return _UNKNOWN


def _resolve_text(text: str, ctx: _Ctx) -> Interval:
    return _resolve_norm(_normalise(text), ctx.published, ctx.anchor)


@_rule(r"(?:last|yesterday) \s+ night | overnight | (?:during \s+)? the \s+ night")
def _last_night(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p = ctx.published
    return None if p is None else Interval(p - _DAY, p)


@_rule(r"today | tonight | this \s+ (?:morning|afternoon|evening)")
def _today(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return None if ctx.published is None else _day(ctx.published)


@_rule(r"(?:the \s+)? day \s+ before \s+ yesterday")
def _day_before_yesterday(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return None if ctx.published is None else _day(ctx.published - 2 * _DAY)


@_rule(r"yesterday | (?:the \s+)? (?:day \s+ before | (?:previous|preceding|prior) \s+ day)")
def _yesterday(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return None if ctx.published is None else _day(ctx.published - _DAY)


@_rule(r"NUM \s+ UNIT \s+ ago")
def _ago(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p, n, unit = ctx.published, _number(m["n"]), m["unit"]
    if p is None or n is None:
        return None
    if n == _VAGUE:
        return Interval(_vague_start(p, unit), p)
    if unit == "hour":
        return Interval(p - -(-n // 24) * _DAY, p - (n // 24) * _DAY)
    return _day(_minus(p, unit, n))


@_rule(r"(?:the \s+)? (?:most \s+)? recent \s+ UNIT")
def _recent(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p = ctx.published
    return None if p is None or not m["plural"] else Interval(_vague_start(p, m["unit"]), p)


@_rule(r"(?:last | (?:the \s+)? (?:previous|preceding|prior)) \s+ (?P<unit>week|month|year)")
def _last_period(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p = ctx.published
    if p is None:
        return None
    this = _period(m["unit"], p)
    assert this.start is not None
    return _period(m["unit"], this.start - _DAY)


@_rule(r"(?:(?:the|this) \s+)? (?:past|last|previous|preceding) \s+ (?:NUM \s+)? UNIT")
def _past(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p, unit = ctx.published, m["unit"]
    if p is None:
        return None
    n = _number(m["n"]) if m["n"] else (_VAGUE if m["plural"] else 1)
    if n is None:
        return None
    return Interval(_vague_start(p, unit) if n == _VAGUE else _minus(p, unit, n), p)


@_rule(
    r"(?:so \s+ far \s+)? (?:this|the \s+ current|the) \s+ (?P<unit>week|month|year)"
    r"(?: \s+ so \s+ far | \s+ to \s+ date)?",
    r"(?:the \s+)? (?P<unit>week|month|year) [\s-]+ to [\s-]+ date",
)
def _this_period(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    p = ctx.published
    return None if p is None else _period(m["unit"], p)  # the dispatcher caps it at publication


@_rule(r"(?P<which>the|this|this \s+ past|past|last)? \s* weekend")
def _weekend(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    a = ctx.anchor
    if a is None:
        return None
    saturday = _weekday_on_or_before(a, 5, strictly=False)
    if m["which"] == "last" and a.weekday() >= 5:
        saturday -= 7 * _DAY
    return Interval(saturday, saturday + _DAY)


@_rule(
    r"(?:the \s+)? (?:very \s+)? (?:beginning|start|outset|end|middle|first \s+ half"
    r"| second \s+ half) \s+ of \s+ (?P<rest>.+)"
)
def _part_of(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    whole = _resolve_text(m["rest"], ctx)
    return whole if whole.known else None


_SPLIT = re.compile(r"\s*(?:-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)\s*")
_BARE_DAY = re.compile(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*((?:19|20)\d\d))?")
_DAY_IN = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b")
_HAS_MONTH = re.compile(r"\b(?:" + _alternation(_MONTHS) + r")\b")


def _fill_day(left: str, right: str) -> tuple[str, str]:
    """Complete a bare day from the other side: "3" to "5 March" is "3 March" to "5 March";
    "March 3" to "5, 2019" is "March 3" to "March 5, 2019"."""
    if (m := _BARE_DAY.fullmatch(left)) and _HAS_MONTH.search(right) and _DAY_IN.search(right):
        return _DAY_IN.sub(m[1], right, count=1), right
    if (m := _BARE_DAY.fullmatch(right)) and _HAS_MONTH.search(left) and _DAY_IN.search(left):
        filled = _DAY_IN.sub(m[1], left, count=1)
        return left, filled + (f", {m[2]}" if m[2] else "")
    return left, right


def _range(text: str, ctx: _Ctx) -> Interval | None:
    """The first split "A <to> B" where both sides resolve, B first, then A placed on or
    before B's start."""
    splits = list(_SPLIT.finditer(text))
    if len(splits) > 8:  # each side is memoised; the cap bounds the work on odd input
        return None
    for sep in splits:
        left, right = _fill_day(text[: sep.start()].strip(), text[sep.end() :].strip())
        if not left or not right:
            continue
        later = _resolve_text(right, ctx)
        if later.start is None or later.end is None:
            continue
        earlier = _resolve_text(left, _Ctx(ctx.published, later.start))
        if earlier.start is not None and earlier.start <= later.end:
            return Interval(earlier.start, later.end)
    return None


def _since(text: str, ctx: _Ctx) -> Interval | None:
    start = _resolve_text(text, ctx).start
    return None if start is None else _span(start, ctx.published)


@_rule(r"(?P<kw>between|from) \s+ (?P<rest>.+)")
def _between(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    found = _range(m["rest"], ctx)
    if found is None and m["kw"] == "from":
        return _since(m["rest"], ctx)
    return found


@_rule(r"(?:ever \s+)? since \s+ (?P<rest>.+)")
def _since_rule(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return _since(m["rest"], ctx)


@_rule(r"(?P<last>last \s+ | this \s+ past \s+ | past \s+ | this \s+)? WEEKDAY (?: \s+ last)?")
def _weekday(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    if ctx.anchor is None:
        return None
    strictly = m[0].endswith(" last") or (m["last"] or "this").strip() != "this"
    return _day(_weekday_on_or_before(ctx.anchor, _WEEKDAYS[m["weekday"]], strictly))


@_rule(r"WEEKDAY ,? \s+ (?P<rest>.*\d.*)")
def _weekday_and_date(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    found = _resolve_text(m["rest"], ctx)  # the date wins over the weekday
    return found if found.known else None


@_rule(
    r"(?:the \s+)? DAY (?: \s+ of)? SEP MONTH SEP YEAR",
    r"MONTH SEP (?:the \s+)? DAY SEP YEAR",
)
def _full_date(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    try:
        return _day(datetime.date(int(m["year"]), _MONTHS[m["month"]], int(m["day"])))
    except ValueError:  # "31 February 2018": no such day
        return None


@_rule(r"YEAR - (?P<mon>[01]?\d) - (?P<day>[0-3]?\d)")
def _iso_date(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return _day(datetime.date(int(m["year"]), int(m["mon"]), int(m["day"])))


@_rule(r"(?P<a>[0-3]?\d) [/.] (?P<b>[0-3]?\d) [/.] YEAR")
def _numeric_date(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
    if a <= 12 and b <= 12 and a != b:
        return None  # 03/04/2019: 3 April or March 4? unknown, not guessed
    day, month = (a, b) if a > 12 or a == b else (b, a)
    return _day(datetime.date(year, month, day))


@_rule(r"(?:the \s+)? DAY (?: \s+ of)? SEP MONTH", r"MONTH SEP (?:the \s+)? DAY")
def _day_month(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    if ctx.anchor is None:
        return None
    found = _recent_date(_MONTHS[m["month"]], int(m["day"]), ctx.anchor)
    return None if found is None else _day(found)


@_rule(r"(?:the \s+)? (?P<day>[0-3]?\d) (?:st|nd|rd|th)")
def _day_of_month(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    if ctx.anchor is None:
        return None
    first, day = ctx.anchor.replace(day=1), int(m["day"])
    for back in range(13):
        month = _add_months(first, -back)
        if day > calendar.monthrange(month.year, month.month)[1]:
            continue
        if month.replace(day=day) <= ctx.anchor:
            return _day(month.replace(day=day))
    return None


@_rule(r"MONTH (?: \s+ of)? SEP YEAR")
def _month_year(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    year, month = int(m["year"]), _MONTHS[m["month"]]
    return Interval(datetime.date(year, month, 1), _month_end(year, month))


@_rule(r"MONTH (?: \s+ of)? \s+ (?P<which>last|this) \s+ year")
def _month_of_year(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    if ctx.published is None:
        return None
    year, month = ctx.published.year - (m["which"] == "last"), _MONTHS[m["month"]]
    return Interval(datetime.date(year, month, 1), _month_end(year, month))


@_rule(r"(?P<last>last \s+ | this \s+ past \s+ | past \s+)? MONTH")
def _month(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    if ctx.anchor is None:
        return None
    return _recent_month(_MONTHS[m["month"]], ctx.anchor, strictly=m["last"] is not None)


@_rule(r"(?:the \s+ year \s+)? YEAR")
def _year(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    year = int(m["year"])
    return Interval(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@_rule(r"(?P<rest> .+ (?: - | \s (?:to|until|till|through|thru|and) \s) .+)")
def _bare_range(m: re.Match[str], ctx: _Ctx) -> Interval | None:
    return _range(m["rest"], ctx)
