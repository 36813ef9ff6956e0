"""Numbers that are not counts of people must yield no casualty (issue 2's list)."""

from __future__ import annotations

import pytest

import conflictrules

NOT_COUNTS = [
    "A 10-year-old girl watched the convoy pass.",
    "The 45-year-old commander was promoted in 2019.",
    "In 2019 the army moved 40 trucks to the border.",
    "Militants carried out 12 aerial strikes on the town.",
    "The 93rd Brigade advanced 15 kilometres on March 3.",
    "Turnout was 45 percent, officials said.",
    "The second attack came at 10 pm on the third day.",
    "The 45 soldiers of the garrison held their positions.",
    "Route 66 was closed for 3 days after 200 interviews.",
    "Inflation reached 12% in the first quarter.",
]


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_non_count_numbers_yield_no_casualty(text: str) -> None:
    doc = conflictrules.extract(text)
    assert [(c.outcome, c.count.estimate, c.text) for c in doc.casualties] == []
    assert dict(doc.totals) == {}


def test_an_age_does_not_become_the_count() -> None:
    doc = conflictrules.extract("A 10-year-old girl was killed in the shelling.")
    assert [(c.outcome, c.count.estimate) for c in doc.casualties] == [("killed", 1)]
