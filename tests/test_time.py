"""Resolving time expressions against a publication date (conflictrules.semantics.time)."""

from __future__ import annotations

import calendar
import datetime
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout

from conflictrules.semantics import time as time_mod
from conflictrules.semantics.time import Interval, resolve

D = datetime.date
UNKNOWN = Interval(None, None)

THU_2019_03_14 = D(2019, 3, 14)  # a Thursday
WED_2019_01_02 = D(2019, 1, 2)  # a Wednesday, in the first week of a year
SAT_2019_03_16 = D(2019, 3, 16)
SUN_2019_03_17 = D(2019, 3, 17)
MON_2019_03_18 = D(2019, 3, 18)


def day(d: datetime.date) -> Interval:
    return Interval(d, d)


# (text, published, expected start, expected end)
EXAMPLES: list[tuple[str, datetime.date | None, datetime.date | None, datetime.date | None]] = [
    # weekdays: the most recent such day on or before publication
    ("on Wednesday", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("late Monday", THU_2019_03_14, D(2019, 3, 11), D(2019, 3, 11)),
    ("Wednesday", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("early Tuesday", THU_2019_03_14, D(2019, 3, 12), D(2019, 3, 12)),
    ("Wednesday night", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("on Thursday", THU_2019_03_14, THU_2019_03_14, THU_2019_03_14),
    ("Friday", THU_2019_03_14, D(2019, 3, 8), D(2019, 3, 8)),
    ("late on Saturday evening", THU_2019_03_14, D(2019, 3, 9), D(2019, 3, 9)),
    ("at dawn on Sunday", THU_2019_03_14, D(2019, 3, 10), D(2019, 3, 10)),
    ("Tuesday at about 4 p.m.", THU_2019_03_14, D(2019, 3, 12), D(2019, 3, 12)),
    ("in the early hours of Monday", THU_2019_03_14, D(2019, 3, 11), D(2019, 3, 11)),
    ("Monday", WED_2019_01_02, D(2018, 12, 31), D(2018, 12, 31)),
    ("on Saturday", WED_2019_01_02, D(2018, 12, 29), D(2018, 12, 29)),
    ("last Thursday", THU_2019_03_14, D(2019, 3, 7), D(2019, 3, 7)),
    ("last Tuesday", THU_2019_03_14, D(2019, 3, 12), D(2019, 3, 12)),
    ("weds", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    # relative days
    ("yesterday", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("yesterday afternoon", WED_2019_01_02, D(2019, 1, 1), D(2019, 1, 1)),
    ("today", THU_2019_03_14, THU_2019_03_14, THU_2019_03_14),
    ("earlier today", THU_2019_03_14, THU_2019_03_14, THU_2019_03_14),
    ("tonight", THU_2019_03_14, THU_2019_03_14, THU_2019_03_14),
    ("overnight", THU_2019_03_14, D(2019, 3, 13), THU_2019_03_14),
    ("overnight", D(2019, 1, 1), D(2018, 12, 31), D(2019, 1, 1)),
    ("last night", THU_2019_03_14, D(2019, 3, 13), THU_2019_03_14),
    ("the day before", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("the day before yesterday", THU_2019_03_14, D(2019, 3, 12), D(2019, 3, 12)),
    ("two days ago", THU_2019_03_14, D(2019, 3, 12), D(2019, 3, 12)),
    ("a week ago", THU_2019_03_14, D(2019, 3, 7), D(2019, 3, 7)),
    ("three weeks ago", THU_2019_03_14, D(2019, 2, 21), D(2019, 2, 21)),
    ("3 days ago", D(2019, 1, 2), D(2018, 12, 30), D(2018, 12, 30)),
    ("a month ago", D(2019, 3, 31), D(2019, 2, 28), D(2019, 2, 28)),
    ("a few days ago", THU_2019_03_14, D(2019, 3, 7), THU_2019_03_14),
    # the past N units
    ("in the past two days", THU_2019_03_14, D(2019, 3, 12), THU_2019_03_14),
    ("over the past 48 hours", THU_2019_03_14, D(2019, 3, 12), THU_2019_03_14),
    ("in the past 24 hours", THU_2019_03_14, D(2019, 3, 13), THU_2019_03_14),
    ("within the last seventy-two hours", THU_2019_03_14, D(2019, 3, 11), THU_2019_03_14),
    ("in the last three weeks", THU_2019_03_14, D(2019, 2, 21), THU_2019_03_14),
    ("the past week", THU_2019_03_14, D(2019, 3, 7), THU_2019_03_14),
    ("in the last week", THU_2019_03_14, D(2019, 3, 7), THU_2019_03_14),
    ("over the past 10 days", D(2019, 1, 5), D(2018, 12, 26), D(2019, 1, 5)),
    ("the last couple of days", THU_2019_03_14, D(2019, 3, 12), THU_2019_03_14),
    ("the past fortnight", THU_2019_03_14, D(2019, 2, 28), THU_2019_03_14),
    ("the past two months", THU_2019_03_14, D(2019, 1, 14), THU_2019_03_14),
    ("in the past year", THU_2019_03_14, D(2018, 3, 14), THU_2019_03_14),
    ("over the past few weeks", THU_2019_03_14, D(2019, 2, 14), THU_2019_03_14),
    ("recent days", THU_2019_03_14, D(2019, 3, 7), THU_2019_03_14),
    ("in recent weeks", THU_2019_03_14, D(2019, 2, 14), THU_2019_03_14),
    ("in recent months", THU_2019_03_14, D(2018, 12, 14), THU_2019_03_14),
    # calendar weeks, months, years
    ("last week", THU_2019_03_14, D(2019, 3, 4), D(2019, 3, 10)),
    ("last week", WED_2019_01_02, D(2018, 12, 24), D(2018, 12, 30)),
    ("last week", D(2019, 1, 7), D(2018, 12, 31), D(2019, 1, 6)),
    ("late last week", THU_2019_03_14, D(2019, 3, 4), D(2019, 3, 10)),
    ("the previous week", THU_2019_03_14, D(2019, 3, 4), D(2019, 3, 10)),
    ("this week", THU_2019_03_14, D(2019, 3, 11), THU_2019_03_14),
    ("earlier this week", WED_2019_01_02, D(2018, 12, 31), WED_2019_01_02),
    ("earlier this month", THU_2019_03_14, D(2019, 3, 1), THU_2019_03_14),
    ("earlier this month", D(2019, 3, 1), D(2019, 3, 1), D(2019, 3, 1)),
    ("earlier this year", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("so far this year", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("this year", WED_2019_01_02, D(2019, 1, 1), WED_2019_01_02),
    ("last month", THU_2019_03_14, D(2019, 2, 1), D(2019, 2, 28)),
    ("last month", D(2019, 1, 10), D(2018, 12, 1), D(2018, 12, 31)),
    ("late last month", D(2020, 3, 2), D(2020, 2, 1), D(2020, 2, 29)),
    ("last year", THU_2019_03_14, D(2018, 1, 1), D(2018, 12, 31)),
    ("last year", D(2019, 1, 1), D(2018, 1, 1), D(2018, 12, 31)),
    # absolute dates
    ("July 25, 2025", THU_2019_03_14, D(2025, 7, 25), D(2025, 7, 25)),
    ("25 July 2025", None, D(2025, 7, 25), D(2025, 7, 25)),
    ("on 27-February-2018", None, D(2018, 2, 27), D(2018, 2, 27)),
    ("2025-07-25", None, D(2025, 7, 25), D(2025, 7, 25)),
    ("Sept. 3, 2019", None, D(2019, 9, 3), D(2019, 9, 3)),
    ("the 3rd of March, 2019", None, D(2019, 3, 3), D(2019, 3, 3)),
    ("Monday, March 4, 2019", None, D(2019, 3, 4), D(2019, 3, 4)),
    ("25/07/2025", None, D(2025, 7, 25), D(2025, 7, 25)),
    ("25 July", THU_2019_03_14, D(2018, 7, 25), D(2018, 7, 25)),
    ("on March 3", THU_2019_03_14, D(2019, 3, 3), D(2019, 3, 3)),
    ("March 3rd", THU_2019_03_14, D(2019, 3, 3), D(2019, 3, 3)),
    ("March 14", THU_2019_03_14, THU_2019_03_14, THU_2019_03_14),
    ("March 15", THU_2019_03_14, D(2018, 3, 15), D(2018, 3, 15)),
    ("December 28", D(2019, 1, 3), D(2018, 12, 28), D(2018, 12, 28)),
    ("on Dec. 31", D(2019, 1, 1), D(2018, 12, 31), D(2018, 12, 31)),
    ("February 29", THU_2019_03_14, D(2016, 2, 29), D(2016, 2, 29)),
    ("the night of March 3", THU_2019_03_14, D(2019, 3, 3), D(2019, 3, 3)),
    ("on Wednesday, March 13", THU_2019_03_14, D(2019, 3, 13), D(2019, 3, 13)),
    ("on the 5th", THU_2019_03_14, D(2019, 3, 5), D(2019, 3, 5)),
    ("on the 20th", D(2019, 1, 3), D(2018, 12, 20), D(2018, 12, 20)),
    # months and years
    ("in December", D(2019, 1, 10), D(2018, 12, 1), D(2018, 12, 31)),
    ("in December", D(2018, 12, 20), D(2018, 12, 1), D(2018, 12, 20)),
    ("in December", THU_2019_03_14, D(2018, 12, 1), D(2018, 12, 31)),
    ("in March", THU_2019_03_14, D(2019, 3, 1), THU_2019_03_14),
    ("in mid-November", D(2019, 1, 10), D(2018, 11, 1), D(2018, 11, 30)),
    ("last December", D(2019, 1, 10), D(2018, 12, 1), D(2018, 12, 31)),
    ("last December", D(2018, 12, 20), D(2017, 12, 1), D(2017, 12, 31)),
    ("December last year", THU_2019_03_14, D(2018, 12, 1), D(2018, 12, 31)),
    ("in March 2018", THU_2019_03_14, D(2018, 3, 1), D(2018, 3, 31)),
    ("in March 2018", None, D(2018, 3, 1), D(2018, 3, 31)),
    ("in 2019", None, D(2019, 1, 1), D(2019, 12, 31)),
    ("in 2018", THU_2019_03_14, D(2018, 1, 1), D(2018, 12, 31)),
    ("in 2019", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("in early 2017", None, D(2017, 1, 1), D(2017, 12, 31)),
    # since ...
    ("since the beginning of the year", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("since the start of the year", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("Since December", THU_2019_03_14, D(2018, 12, 1), THU_2019_03_14),
    ("since December", D(2018, 12, 20), D(2018, 12, 1), D(2018, 12, 20)),
    ("since January", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("since the beginning of the month", THU_2019_03_14, D(2019, 3, 1), THU_2019_03_14),
    ("since the start of March", THU_2019_03_14, D(2019, 3, 1), THU_2019_03_14),
    ("since 2019", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("since 2017", None, D(2017, 1, 1), None),
    ("since Monday", THU_2019_03_14, D(2019, 3, 11), THU_2019_03_14),
    ("since last week", THU_2019_03_14, D(2019, 3, 4), THU_2019_03_14),
    ("from Tuesday", THU_2019_03_14, D(2019, 3, 12), THU_2019_03_14),
    # periods
    ("between January and March", THU_2019_03_14, D(2019, 1, 1), THU_2019_03_14),
    ("between January and March", D(2019, 5, 2), D(2019, 1, 1), D(2019, 3, 31)),
    ("between November and February", D(2019, 1, 10), D(2017, 11, 1), D(2018, 2, 28)),
    ("between October and December", D(2019, 1, 10), D(2018, 10, 1), D(2018, 12, 31)),
    ("from March 3 to March 5", THU_2019_03_14, D(2019, 3, 3), D(2019, 3, 5)),
    ("from December 28 to January 3", D(2019, 1, 10), D(2018, 12, 28), D(2019, 1, 3)),
    ("from December 28 to January 3, 2019", None, D(2018, 12, 28), D(2019, 1, 3)),
    ("March 3-5", THU_2019_03_14, D(2019, 3, 3), D(2019, 3, 5)),
    ("3 to 5 March 2019", None, D(2019, 3, 3), D(2019, 3, 5)),
    ("between 2016 and 2018", None, D(2016, 1, 1), D(2018, 12, 31)),
    ("Monday and Tuesday", THU_2019_03_14, D(2019, 3, 11), D(2019, 3, 12)),
    ("2018-06-01 to 2018-06-03", None, D(2018, 6, 1), D(2018, 6, 3)),
    ("over the weekend", THU_2019_03_14, D(2019, 3, 9), D(2019, 3, 10)),
    ("over the weekend", SAT_2019_03_16, SAT_2019_03_16, SAT_2019_03_16),
    ("over the weekend", SUN_2019_03_17, SAT_2019_03_16, SUN_2019_03_17),
    ("over the weekend", MON_2019_03_18, SAT_2019_03_16, SUN_2019_03_17),
    ("over the weekend", D(2019, 1, 1), D(2018, 12, 29), D(2018, 12, 30)),
    ("last weekend", THU_2019_03_14, D(2019, 3, 9), D(2019, 3, 10)),
    ("last weekend", SUN_2019_03_17, D(2019, 3, 9), D(2019, 3, 10)),
    ("last weekend", MON_2019_03_18, SAT_2019_03_16, SUN_2019_03_17),
]


@pytest.mark.parametrize(("text", "published", "start", "end"), EXAMPLES)
def test_examples(
    text: str,
    published: datetime.date | None,
    start: datetime.date | None,
    end: datetime.date | None,
) -> None:
    assert resolve(text, published) == Interval(start, end)


UNKNOWN_TEXTS = [
    "",
    "   ",
    "banana",
    "tomorrow",
    "next week",
    "the following day",
    "that day",
    "two days later",
    "since the start of the war",
    "at 3 p.m.",
    "03/04/2019",  # ambiguous day/month
    "February 30, 2019",
    "2019-02-30",
    "April 31",
    "on the 45th",
    "one hundred days ago",
    "since 2030",  # after publication
    "between 2019 and 2017",
    "x" * 10_000,
    "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p",
]


@pytest.mark.parametrize("text", UNKNOWN_TEXTS)
def test_unknown_text_is_unknown(text: str) -> None:
    assert resolve(text, THU_2019_03_14) == UNKNOWN


RELATIVE = [
    "on Wednesday",
    "late Monday",
    "Wednesday night",
    "last Friday",
    "yesterday",
    "today",
    "tonight",
    "overnight",
    "last night",
    "in the past two days",
    "over the past 48 hours",
    "in the last three weeks",
    "the past week",
    "last week",
    "this week",
    "earlier this month",
    "earlier this year",
    "last month",
    "last year",
    "this year",
    "recent days",
    "in recent weeks",
    "the day before",
    "two days ago",
    "a week ago",
    "three weeks ago",
    "25 July",
    "on March 3",
    "March 3rd",
    "on the 5th",
    "in December",
    "Since December",
    "since the beginning of the year",
    "since the start of the year",
    "since January",
    "since the beginning of the month",
    "last December",
    "December last year",
    "between January and March",
    "from March 3 to March 5",
    "over the weekend",
    "last weekend",
]


def _random_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


@st.composite
def relative_texts(draw: st.DrawFn) -> str:
    return _random_case(draw, draw(st.sampled_from(RELATIVE)))


@settings(max_examples=200)
@given(relative_texts())
def test_relative_without_publication_is_unknown(text: str) -> None:
    assert resolve(text, None) == UNKNOWN


@pytest.mark.parametrize("text", RELATIVE)
def test_relative_with_publication_ends_by_publication(text: str) -> None:
    for published in (THU_2019_03_14, D(2019, 1, 1), D(2020, 2, 29), D(2018, 12, 31)):
        found = resolve(text, published)
        assert found.start is not None and found.end is not None, (text, published)
        assert found.start <= found.end <= published, (text, published)


PUBLISHED = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))


@st.composite
def weekday_texts(draw: st.DrawFn) -> tuple[str, int]:
    weekday = draw(st.integers(min_value=0, max_value=6))
    prefix = draw(st.sampled_from(["", "on ", "late ", "early ", "late on ", "early on "]))
    suffix = draw(st.sampled_from(["", " night", " morning", " evening"]))
    return _random_case(draw, prefix + calendar.day_name[weekday] + suffix), weekday


@settings(max_examples=200)
@given(PUBLISHED, weekday_texts())
def test_weekday_is_one_day_in_the_week_up_to_publication(
    published: datetime.date, text_and_weekday: tuple[str, int]
) -> None:
    text, weekday = text_and_weekday
    found = resolve(text, published)
    assert found.start is not None and found.start == found.end
    assert published - datetime.timedelta(days=6) <= found.start <= published
    assert found.start.weekday() == weekday


NUMBER_WORDS = {2: "two", 3: "three", 5: "five", 12: "twelve", 21: "twenty-one", 30: "thirty"}


@settings(max_examples=200)
@given(
    PUBLISHED,
    st.sampled_from(sorted(NUMBER_WORDS)),
    st.booleans(),
    st.sampled_from(["in the past", "over the last", "the past", "within the past"]),
)
def test_past_n_days(published: datetime.date, n: int, as_word: bool, lead: str) -> None:
    count = NUMBER_WORDS[n] if as_word else str(n)
    found = resolve(f"{lead} {count} days", published)
    assert found == Interval(published - datetime.timedelta(days=n), published)
    weeks = resolve(f"{lead} {count} weeks", published)
    assert weeks == Interval(published - datetime.timedelta(weeks=n), published)


@settings(max_examples=200)
@given(PUBLISHED, st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_date_without_year_is_the_most_recent_one(
    published: datetime.date, month: int, day_of_month: int
) -> None:
    name = calendar.month_name[month]
    for text in (f"{name} {day_of_month}", f"on {day_of_month} {name}"):
        found = resolve(text, published)
        assert found.start is not None and found.start == found.end
        assert (found.start.month, found.start.day) == (month, day_of_month)
        assert published - datetime.timedelta(days=366) < found.start <= published
    assert resolve(f"{name} {day_of_month}", None) == UNKNOWN


@settings(max_examples=200)
@given(PUBLISHED, st.integers(min_value=1, max_value=12))
def test_month_is_the_most_recent_started_one(published: datetime.date, month: int) -> None:
    found = resolve(f"in {calendar.month_name[month]}", published)
    assert found.start is not None and found.end is not None
    assert found.start.day == 1 and found.start.month == month
    assert published - datetime.timedelta(days=366) < found.start <= published
    month_end = found.start.replace(day=calendar.monthrange(found.start.year, month)[1])
    assert found.end == min(month_end, published)
    since = resolve(f"since {calendar.month_name[month]}", published)
    assert since == Interval(found.start, published)


FORMATS = ["%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%d-%B-%Y", "%b %d %Y", "on %d %b. %Y"]


@settings(max_examples=200)
@given(
    st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31)),
    st.sampled_from(FORMATS),
    st.one_of(st.none(), PUBLISHED),
)
def test_absolute_dates_resolve_with_or_without_publication(
    date: datetime.date, fmt: str, published: datetime.date | None
) -> None:
    assert resolve(date.strftime(fmt), published) == day(date)


@settings(max_examples=200)
@given(st.text(max_size=60), st.one_of(st.none(), PUBLISHED))
def test_never_raises(text: str, published: datetime.date | None) -> None:
    found = resolve(text, published)
    assert isinstance(found, Interval)
    if found.start is not None and found.end is not None:
        assert found.start <= found.end


SALAD: tuple[str, ...] = (
    "since",
    "the",
    "last",
    "past",
    "two",
    "-",
    "and",
    "to",
    "monday",
    "march",
    "3",
)
SALAD += ("2019", "of", "beginning", "weekend", "days", "ago", "between", "from", "early")
SALAD += ("night", "december", "28", "year", "hours", ",", "mid", "on")


@settings(max_examples=200)
@given(st.lists(st.sampled_from(SALAD), max_size=8), st.one_of(st.none(), PUBLISHED))
def test_word_salad_never_raises(words: list[str], published: datetime.date | None) -> None:
    found = resolve(" ".join(words), published)
    if found.start is not None and found.end is not None:
        assert found.start <= found.end


def test_datetime_publication_is_taken_as_its_date() -> None:
    moment = datetime.datetime(2019, 3, 14, 23, 59)
    assert resolve("yesterday", moment) == day(D(2019, 3, 13))


def test_interval_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="before its start"):
        Interval(D(2019, 3, 2), D(2019, 3, 1))


def test_interval_iso() -> None:
    assert Interval(D(2019, 1, 1), D(2019, 3, 14)).iso() == ("2019-01-01", "2019-03-14")
    assert UNKNOWN.iso() == (None, None)
    assert not UNKNOWN.known and Interval(D(2019, 1, 1), None).known


def test_results_are_cached_and_stable() -> None:
    first = resolve("since the beginning of the year", THU_2019_03_14)
    assert resolve("since the beginning of the year", THU_2019_03_14) is first


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31)),
    st.sampled_from(
        ["{d} {month} {y}", "{month} {d}, {y}", "the {d}th of {month} {y}", "{d}-{month}-{y}"]
    ),
    st.one_of(st.none(), PUBLISHED),
)
def test_full_date_is_that_day_with_or_without_publication(
    date: datetime.date, shape: str, published: datetime.date | None
) -> None:
    text = shape.format(d=date.day, month=calendar.month_name[date.month], y=date.year)
    assert resolve(text, published) == day(date)


@pytest.mark.parametrize(
    "text", ["31 February 2018", "April 31, 2017", "29 February 2019", "the 30th of February 2020"]
)
def test_full_date_that_does_not_exist_is_unknown(text: str) -> None:
    assert resolve(text, THU_2019_03_14) == UNKNOWN


def test_leap_day_of_a_leap_year_is_read() -> None:
    assert resolve("February 29, 2020", None) == day(D(2020, 2, 29))


def test_resolving_never_imports_dateparser() -> None:
    """Full dates are read by the calendar code: dateparser (slow, and 30 MB of memory)
    is not loaded by extraction."""
    import subprocess

    code = (
        "import sys; from conflictrules.semantics.time import resolve; "
        "resolve('July 4, 2016', None); resolve('last Monday', None); "
        "print('dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_threads_agree() -> None:
    texts = [
        f"{calendar.month_name[m]} {d}, {y}" for m in (1, 6) for d in (2, 9) for y in (2005, 2007)
    ]
    expected = {t: resolve(t, None) for t in texts}
    time_mod._resolve_cached.cache_clear()
    time_mod._resolve_norm.cache_clear()
    errors: list[str] = []

    def work() -> None:
        for t in texts:
            if resolve(t, None) != expected[t]:
                errors.append(t)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
