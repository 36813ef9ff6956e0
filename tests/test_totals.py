"""Incident totals (semantics/totals.py) on hand-made casualty records: the contract's
reading of negation, subsets, repeats, tolls, cumulative figures and figures that refer
back, independent of the grammar."""

from __future__ import annotations

import attrs

from conflictrules.model import Casualty, Count, TimeRef
from conflictrules.semantics.totals import incident_totals, resolve_anaphors


def cas(
    outcome: str,
    estimate: int | None,
    victims: str | None = None,
    *,
    low: int | object | None = ...,
    high: int | object | None = ...,
    negated: bool = False,
    toll: bool = False,
    subset_of: int | None = None,
    time: str | None = None,
    text: str = "",
) -> Casualty:
    lo = estimate if low is ... else low
    hi = estimate if high is ... else high
    assert lo is None or isinstance(lo, int)
    assert hi is None or isinstance(hi, int)
    return Casualty(
        outcome=outcome,
        count=Count(estimate, lo, hi, False, None, text),
        span=(0, 0),
        text="",
        rule="casualty.test",
        victims=victims,
        negated=negated,
        toll=toll,
        subset_of=subset_of,
        time=TimeRef(time) if time else None,
    )


def est(casualties: list[Casualty]) -> dict[str, int | None]:
    return {k: v.estimate for k, v in incident_totals(casualties).items()}


def test_distinct_figures_add_up() -> None:
    assert est([cas("killed", 2, "soldiers"), cas("killed", 3, "civilians")]) == {"killed": 5}


def test_bounds_add_up_and_an_open_bound_stays_open() -> None:
    t = incident_totals(
        [cas("killed", 2, "soldiers"), cas("killed", 10, "civilians", low=10, high=None)]
    )
    assert (t["killed"].estimate, t["killed"].low, t["killed"].high) == (12, 12, None)


def test_negated_figures_are_an_explicit_zero() -> None:
    assert est([cas("killed", 0, negated=True)]) == {"killed": 0}
    assert est([cas("injured", 4, "guards"), cas("injured", 0, negated=True)]) == {"injured": 4}


def test_a_subset_does_not_add() -> None:
    assert est([cas("killed", 12, "people"), cas("killed", 4, "children", subset_of=0)]) == {
        "killed": 12
    }


def test_the_same_figure_for_the_same_people_counts_once() -> None:
    assert est([cas("killed", 6, "soldiers"), cas("killed", 6, "soldiers")]) == {"killed": 6}
    assert est([cas("killed", 6, "soldiers"), cas("killed", 6, None)]) == {"killed": 6}
    # a generic word may name the same group of several people
    assert est([cas("killed", 6, "people"), cas("killed", 6, "soldiers")]) == {"killed": 6}


def test_the_same_number_for_other_people_adds() -> None:
    assert est([cas("killed", 2, "soldiers"), cas("killed", 2, "policemen")]) == {"killed": 4}
    assert est([cas("killed", 1, "soldier"), cas("killed", 1, "civilian")]) == {"killed": 2}


def test_attacker_words_name_the_same_person() -> None:
    assert est([cas("killed", 1, "suicide bomber"), cas("killed", 1, "assailant")]) == {"killed": 1}


def test_a_running_toll_replaces_what_came_before() -> None:
    items = [cas("killed", 10, "people"), cas("killed", 16, toll=True), cas("killed", 2, "guards")]
    assert est(items) == {"killed": 18}


def test_a_cumulative_figure_is_not_the_incident_unless_alone() -> None:
    items = [cas("killed", 3, "civilians"), cas("killed", 100, "civilians", time="since January")]
    assert est(items) == {"killed": 3}
    assert est([cas("killed", 100, "civilians", time="since January")]) == {"killed": 100}
    items = [cas("killed", 2, "people"), cas("killed", 4, toll=True, time="in the last week")]
    assert est(items) == {"killed": 2}


def test_outcomes_are_kept_apart_and_sorted() -> None:
    items = [cas("injured", 5, "guards"), cas("abducted", 2, "teachers"), cas("killed", 1)]
    assert list(incident_totals(items)) == ["abducted", "injured", "killed"]


def test_an_anaphor_takes_the_count_of_its_antecedent() -> None:
    items = [cas("abducted", 3, "civilians"), cas("killed", None, "hostages", text="The hostages")]
    resolved = resolve_anaphors(items)
    assert resolved[1].count.estimate == 3
    assert est(items) == {"abducted": 3, "killed": 3}


def test_an_anaphor_prefers_the_group_it_names() -> None:
    items = [
        cas("abducted", 3, "tribal elders"),
        cas("injured", 5, "guards"),
        cas("killed", None, "elders", text="the elders"),
    ]
    assert est(items)["killed"] == 3


def test_an_anaphor_adds_the_others_named_with_it() -> None:
    items = [cas("abducted", 2, "engineers"), cas("killed", None, "them", low=1, text="them")]
    assert est(items)["killed"] == 3


def test_an_unresolved_anaphor_counts_only_what_is_known() -> None:
    assert est([cas("killed", None, "themselves", low=1)]) == {"killed": 1}
    assert "killed" not in est([cas("killed", None, "assailants", low=None)])


def test_an_implied_figure_gives_way_to_a_stated_one_for_the_same_people() -> None:
    implied = attrs.evolve(cas("killed", 1, "suicide bomber"), hedge="implied")
    # alone, or beside other people's figures, it counts
    assert est([implied]) == {"killed": 1}
    assert est([implied, cas("killed", 4, "guards")]) == {"killed": 5}
    # a stated figure naming the attackers, in its victims or its text, replaces it
    assert est([implied, cas("killed", 2, "guards and assailant")]) == {"killed": 2}
    stated = attrs.evolve(cas("killed", 6, "people"), text="six people, including the bomber,")
    assert est([implied, stated]) == {"killed": 6}
    # ... unless it names fewer of them than the implied figure does
    two = attrs.evolve(cas("killed", 2, "suicide bombers"), hedge="implied")
    assert est([two, cas("killed", 1, "assailant")]) == {"killed": 3}
