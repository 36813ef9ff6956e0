"""The time layer as a whole: the grammar finds time expressions in text, linking gives
each casualty the right one, and the dates resolve against the publication date (issue
#6). tests/test_time.py covers the resolver alone, in depth.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import conflictrules
from conflictrules.model import TimeRef

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@functools.lru_cache(maxsize=1)
def extractor() -> conflictrules.Extractor:
    return conflictrules.Extractor()


def time_of(sentence: str, published: str | None) -> TimeRef | None:
    doc = extractor().extract(sentence, published=published)
    assert doc.casualties, sentence
    return doc.casualties[0].time


def found(sentence: str, published: str | None) -> tuple[str, str | None, str | None]:
    t = time_of(sentence, published)
    assert t is not None, sentence
    return t.text, t.start, t.end


# Each kind, each at several publication dates. (sentence, published, text, start, end)
CASES = [
    # weekdays: the most recent such day on or before publication
    (
        "Gunmen killed four traders on Wednesday.",
        "2024-03-14",
        "on Wednesday",
        "2024-03-13",
        "2024-03-13",
    ),
    (
        "Gunmen killed four traders on Wednesday.",
        "2024-03-13",
        "on Wednesday",
        "2024-03-13",
        "2024-03-13",
    ),
    (
        "Gunmen killed four traders on Wednesday.",
        "2025-01-01",
        "on Wednesday",
        "2025-01-01",
        "2025-01-01",
    ),
    (
        "Late Monday a mortar round killed two boys.",
        "2024-03-14",
        "Late Monday",
        "2024-03-11",
        "2024-03-11",
    ),
    (
        "Raiders killed nine herders overnight Sunday.",
        "2024-01-02",
        "overnight Sunday",
        "2023-12-31",
        "2023-12-31",
    ),
    (
        "Six soldiers were wounded on Friday night.",
        "2023-07-10",
        "on Friday night",
        "2023-07-07",
        "2023-07-07",
    ),
    # relative days
    (
        "Three civilians were killed yesterday.",
        "2024-03-14",
        "yesterday",
        "2024-03-13",
        "2024-03-13",
    ),
    (
        "Three civilians were killed yesterday.",
        "2024-01-01",
        "yesterday",
        "2023-12-31",
        "2023-12-31",
    ),
    (
        "Shelling killed five people overnight.",
        "2024-03-14",
        "overnight",
        "2024-03-13",
        "2024-03-14",
    ),
    (
        "Strikes killed 20 fighters in the past two days.",
        "2024-03-14",
        "in the past two days",
        "2024-03-12",
        "2024-03-14",
    ),
    (
        "Strikes killed 20 fighters over the past week.",
        "2024-03-04",
        "over the past week",
        "2024-02-26",
        "2024-03-04",
    ),
    ("Police arrested 30 men last week.", "2024-03-14", "last week", "2024-03-04", "2024-03-10"),
    (
        "Police arrested 30 men earlier this month.",
        "2024-03-14",
        "earlier this month",
        "2024-03-01",
        "2024-03-14",
    ),
    ("Police arrested 30 men last month.", "2024-01-10", "last month", "2023-12-01", "2023-12-31"),
    (
        "Troops detained 14 students over the weekend.",
        "2024-03-14",
        "over the weekend",
        "2024-03-09",
        "2024-03-10",
    ),
    # absolute dates
    (
        "A drone killed two medics on July 25, 2025.",
        "2025-07-28",
        "on July 25, 2025",
        "2025-07-25",
        "2025-07-25",
    ),
    (
        "A drone killed two medics on July 25, 2025.",
        None,
        "on July 25, 2025",
        "2025-07-25",
        "2025-07-25",
    ),
    (
        "A drone killed two medics on 25 July.",
        "2025-07-28",
        "on 25 July",
        "2025-07-25",
        "2025-07-25",
    ),
    (
        "A drone killed two medics on March 3.",
        "2024-03-14",
        "on March 3",
        "2024-03-03",
        "2024-03-03",
    ),
    (
        "A drone killed two medics on December 28.",
        "2024-01-03",
        "on December 28",
        "2023-12-28",
        "2023-12-28",
    ),
    # months and years
    (
        "Floods and fighting displaced 900 families in December.",
        "2019-01-10",
        "in December",
        "2018-12-01",
        "2018-12-31",
    ),
    (
        "Floods and fighting displaced 900 families in December.",
        "2018-12-20",
        "in December",
        "2018-12-01",
        "2018-12-20",
    ),
    (
        "Since December, 60,000 people have fled their homes.",
        "2019-03-14",
        "Since December",
        "2018-12-01",
        "2019-03-14",
    ),
    (
        "More than 100 civilians have been killed since the beginning of the year.",
        "2019-03-14",
        "since the beginning of the year",
        "2019-01-01",
        "2019-03-14",
    ),
    (
        "More than 100 civilians have been killed since the beginning of the year.",
        "2020-01-02",
        "since the beginning of the year",
        "2020-01-01",
        "2020-01-02",
    ),
    ("Attacks killed 300 people in 2019.", "2021-05-01", "in 2019", "2019-01-01", "2019-12-31"),
    # relative days and periods across a year boundary
    ("Police arrested 30 men last week.", "2025-01-02", "last week", "2024-12-23", "2024-12-29"),
    (
        "Police arrested 30 men earlier this month.",
        "2025-01-02",
        "earlier this month",
        "2025-01-01",
        "2025-01-02",
    ),
    (
        "Strikes killed 20 fighters in the past two days.",
        "2024-01-01",
        "in the past two days",
        "2023-12-30",
        "2024-01-01",
    ),
    (
        "Troops detained 14 students over the weekend.",
        "2024-01-01",
        "over the weekend",
        "2023-12-30",
        "2023-12-31",
    ),
    (
        "Raiders killed nine herders on March 3.",
        "2024-01-05",
        "on March 3",
        "2023-03-03",
        "2023-03-03",
    ),
    (
        "Since December last year, raids have killed 40 people.",
        "2024-12-09",
        "Since December last year",
        "2023-12-01",
        "2024-12-09",
    ),
    # periods
    (
        "Clashes killed 70 fighters between January and March.",
        "2024-05-01",
        "between January and March",
        "2024-01-01",
        "2024-03-31",
    ),
    (
        "Clashes killed 70 fighters between January and March.",
        "2024-02-10",
        "between January and March",
        "2023-01-01",
        "2023-03-31",
    ),
    (
        "Clashes killed 70 fighters from March 3 to March 5.",
        "2024-05-01",
        "from March 3 to March 5",
        "2024-03-03",
        "2024-03-05",
    ),
]


@pytest.mark.parametrize(("sentence", "published", "text", "start", "end"), CASES)
def test_time_expressions_are_found_and_resolved(
    sentence: str, published: str | None, text: str, start: str, end: str
) -> None:
    assert found(sentence, published) == (text, start, end)


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Gunmen killed four traders on Wednesday.", "on Wednesday"),
        ("Three civilians were killed yesterday.", "yesterday"),
        ("Strikes killed 20 fighters in the past two days.", "in the past two days"),
        ("Floods and fighting displaced 900 families in December.", "in December"),
        ("Late Monday a mortar round killed two boys.", "Late Monday"),
        ("Shelling killed five people overnight.", "overnight"),
        ("Police arrested 30 men last week.", "last week"),
        ("Police arrested 30 men earlier this month.", "earlier this month"),
        ("Police arrested 30 men last month.", "last month"),
        ("A drone killed two medics on 25 July.", "on 25 July"),
        ("Since December, 60,000 people have fled their homes.", "Since December"),
        (
            "More than 100 civilians have been killed since the beginning of the year.",
            "since the beginning of the year",
        ),
        ("Clashes killed 70 fighters between January and March.", "between January and March"),
        ("Troops detained 14 students over the weekend.", "over the weekend"),
    ],
)
def test_without_a_publication_date_the_text_stays_and_the_dates_are_null(
    sentence: str, text: str
) -> None:
    assert found(sentence, None) == (text, None, None)


@given(
    published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)),
    weekday=st.sampled_from(WEEKDAYS),
)
def test_on_a_weekday_is_within_the_seven_days_before_publication(
    published: dt.date, weekday: str
) -> None:
    text, start, end = found(f"Bandits killed three farmers on {weekday}.", published.isoformat())
    assert text == f"on {weekday}" and start == end and start is not None
    day = dt.date.fromisoformat(start)
    assert 0 <= (published - day).days <= 6
    assert day.strftime("%A") == weekday


@pytest.mark.parametrize(
    ("sentence", "text", "start", "end"),
    [
        ("Attacks killed 300 people in 2019.", "in 2019", "2019-01-01", "2019-12-31"),
        (
            "A drone killed two medics on July 25, 2025.",
            "on July 25, 2025",
            "2025-07-25",
            "2025-07-25",
        ),
    ],
)
def test_without_a_publication_date_absolute_dates_still_resolve(
    sentence: str, text: str, start: str, end: str
) -> None:
    assert found(sentence, None) == (text, start, end)


def test_the_time_of_a_statement_is_not_the_time_of_the_event() -> None:
    text = "Shelling killed five people overnight, the governor said on Monday."
    assert found(text, "2024-03-14")[0] == "overnight"


def test_a_time_carries_to_the_next_sentence_of_the_paragraph() -> None:
    text = (
        "A boat capsized off the coast on Friday. "
        "Twenty people were killed, the agency said on Sunday."
    )
    assert found(text, "2024-12-09")[:2] == ("on Friday", "2024-12-06")


def test_a_time_does_not_carry_across_paragraphs() -> None:
    text = "A boat capsized off the coast on Friday.\n\nTwenty people were killed, the agency said."
    assert time_of(text, "2024-12-09") is None


def test_the_nearest_time_of_the_sentence_wins() -> None:
    text = (
        "After a week of calm, on Tuesday gunmen killed three guards, and on "
        "Thursday a bomb wounded nine people."
    )
    doc = extractor().extract(text, published="2024-03-15")
    times = [(c.outcome, c.time.text if c.time else None) for c in doc.casualties]
    assert times == [("killed", "on Tuesday"), ("injured", "on Thursday")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials may be wrong about the toll of 12 dead.",
        "Protesters march on the capital; 12 were wounded.",
        "The Sunday Times reported 12 deaths.",
    ],
)
def test_words_that_only_look_like_times_are_not_times(sentence: str) -> None:
    doc = extractor().extract(sentence, published="2024-03-15")
    assert all(c.time is None for c in doc.casualties)


def test_time_spans_point_into_the_original_text() -> None:
    text = "Gunmen  killed four traders\u00a0on   Wednesday."
    t = time_of(text, "2024-03-14")
    assert t is not None and t.span is not None
    assert text[t.span[0] : t.span[1]] == t.text == "on   Wednesday"
