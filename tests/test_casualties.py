"""Casualty extraction through the public API (issue 3): every phenomenon of the issue's list,
asserted on ``conflictrules.extract(...)`` -- outcome, estimate, victims, negation, hedge,
and spans that point at the casualty's text. All sentences are written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import conflictrules
from conflictrules import Extractor
from conflictrules.model import Casualty, Document
from conflictrules.semantics.numbers import format_digits, spell_number


def extract(text: str, **kw: Any) -> Document:
    doc = conflictrules.extract(text, **kw)
    assert doc.errors == ()
    for c in doc.casualties:  # every span points at the casualty's text
        assert text[c.span[0] : c.span[1]] == c.text, c
    return doc


def found(text: str) -> list[tuple[str, int | None]]:
    return [(c.outcome, c.count.estimate) for c in extract(text).casualties]


def totals(text: str) -> dict[str, int | None]:
    return {k: v.estimate for k, v in extract(text).totals.items()}


def only(text: str) -> Casualty:
    doc = extract(text)
    assert len(doc.casualties) == 1, doc.casualties
    return doc.casualties[0]


# --- outcomes and their verbs and nouns ---------------------------------------------------

OUTCOMES = [
    ("Eleven villagers died when the dam burst.", "killed", 11),
    ("Four guards were shot dead at the gate.", "killed", 4),
    ("Nine pilgrims lost their lives in the stampede.", "killed", 9),
    ("Thirty sailors perished after the ferry was hit.", "killed", 30),
    ("Two prisoners were executed at dawn.", "killed", 2),
    ("Dozens of herders were massacred near the river.", "killed", 12),
    ("The bodies of six miners were recovered on Friday.", "killed", 6),
    ("Fifteen students were wounded by shrapnel.", "injured", 15),
    ("Three nurses were hurt when the clinic was shelled.", "injured", 3),
    ("Seven children were maimed by a landmine.", "injured", 7),
    ("Gunmen kidnapped 23 passengers from the bus.", "abducted", 23),
    ("Five engineers were seized by the militia.", "abducted", 5),
    ("Two aid workers were taken hostage on the highway.", "abducted", 2),
    ("Police arrested 40 protesters in the capital.", "detained", 40),
    ("Six fighters were captured after the battle.", "detained", 6),
    ("Some 300 men were rounded up in the raid.", "detained", 300),
    ("About 5,000 families fled the fighting.", "displaced", 5000),
    ("Nearly 2,000 people were uprooted by the floods of violence.", "displaced", 2000),
    ("More than 800 residents left their homes overnight.", "displaced", 800),
    ("Around 150 rebels handed themselves over to the army.", "surrendered", 150),
    ("Sixty militiamen laid down their arms on Monday.", "surrendered", 60),
    ("Twelve inmates broke out of the central prison.", "escaped", 12),
    ("Several detainees fled a jail in the north.", "escaped", 3),
    ("Four fishermen went missing after the attack.", "missing", 4),
]


@pytest.mark.parametrize(("text", "outcome", "estimate"), OUTCOMES)
def test_outcomes_with_their_verbs_and_nouns(text: str, outcome: str, estimate: int) -> None:
    assert (outcome, estimate) in found(text)


# --- voice and shape ----------------------------------------------------------------------


def test_passive_figure() -> None:
    c = only("At least 14 villagers were killed in the night raid.")
    assert (c.outcome, c.count.estimate, c.count.qualifier) == ("killed", 14, "at least")
    assert c.victims == "villagers"


def test_active_figure_with_perpetrator() -> None:
    doc = extract("Russian airstrikes killed 9 civilians in the market town.")
    c = doc.casualties[0]
    assert (c.outcome, c.count.estimate, c.victims) == ("killed", 9, "civilians")
    assert c.perpetrator == "RUS"


def test_participle_figures() -> None:
    text = "A bomb went off near the mosque, killing seven worshippers and wounding 22."
    assert found(text) == [("killed", 7), ("injured", 22)]


@pytest.mark.parametrize(
    ("text", "outcome", "estimate"),
    [
        ("The death toll from the shelling rose to 31.", "killed", 31),
        ("Medics counted 17 fatalities after the ambush.", "killed", 17),
        ("The number of dead stood at 45 on Sunday.", "killed", 45),
        ("The number of injured rose to 80 by evening.", "injured", 80),
    ],
)
def test_nominal_figures(text: str, outcome: str, estimate: int) -> None:
    assert (outcome, estimate) in found(text)


def test_result_figures() -> None:
    assert found("The blast left six dead and 19 wounded.") == [("killed", 6), ("injured", 19)]
    assert found("The raid claimed the lives of four teachers.") == [("killed", 4)]


def test_headline() -> None:
    assert found("8 killed, 30 injured in bus station bombing") == [
        ("killed", 8),
        ("injured", 30),
    ]


def test_a_headline_is_not_the_subject_of_an_active_verb() -> None:
    assert found("Two gunmen shot and killed a shopkeeper in the bazaar.") == [("killed", 1)]


# --- ellipsis and coordination --------------------------------------------------------------


def test_victims_carry_over_to_the_elliptic_second_figure() -> None:
    doc = extract("Twelve soldiers were killed and 40 wounded in the assault.")
    assert [(c.outcome, c.count.estimate, c.victims) for c in doc.casualties] == [
        ("killed", 12, "soldiers"),
        ("injured", 40, "soldiers"),
    ]


@pytest.mark.parametrize(
    ("text", "estimate"),
    [
        ("Three soldiers and a policeman were killed.", 4),
        ("Two guards, a driver and four passengers were wounded.", 7),
        ("Five assailants and two police officers were killed in the clash.", 7),
        ("One militiaman and ten raiders were killed.", 11),
    ],
)
def test_coordinated_groups_add_up(text: str, estimate: int) -> None:
    assert found(text)[0][1] == estimate


def test_three_records_of_one_sentence() -> None:
    text = (
        "At least two ranger officers were killed, six were injured and three were "
        "abducted in the attack."
    )
    assert totals(text) == {"abducted": 3, "injured": 6, "killed": 2}


# --- subsets and repeats --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Twelve people, including four children, were killed.",
        "Twelve people, including four children, two teachers and a guard, were killed.",
        "Twelve people including a teacher were killed in the blast.",
        "Twelve people were killed, including four children, in the blast.",
    ],
)
def test_a_subset_does_not_add(text: str) -> None:
    assert totals(text) == {"killed": 12}


def test_subset_lists_on_both_sides_of_a_clause() -> None:
    text = (
        "At least 26 people, including nine police officers and 17 raiders, were killed "
        "and 15 others, including a child and six raiders, were wounded in the fighting."
    )
    assert totals(text) == {"injured": 15, "killed": 26}


def test_the_same_figure_repeated_later_is_one_figure() -> None:
    text = (
        "Six soldiers were killed in the ambush near the pass. The army confirmed that "
        "six soldiers were killed."
    )
    assert totals(text) == {"killed": 6}


def test_the_same_number_for_other_people_adds() -> None:
    assert totals("One soldier was killed at the gate. One farmer was killed nearby.") == {
        "killed": 2
    }


def test_a_revised_toll_replaces_the_earlier_figure() -> None:
    text = "Ten people were killed in the blast. Later the death toll rose to 16."
    assert totals(text) == {"killed": 16}


# --- implicit one, named people, "both", "another" ------------------------------------------


@pytest.mark.parametrize(
    ("text", "outcome", "estimate"),
    [
        ("A soldier was killed at the checkpoint.", "killed", 1),
        ("A 9-year-old boy was wounded by a stray bullet.", "injured", 1),
        ("An aid worker was abducted on the road to the camp.", "abducted", 1),
        ("Karim Haidari, a provincial judge, was shot dead outside his home.", "killed", 1),
        ("Gunmen shot and killed Nadia Rahimi, a local councillor, in her shop.", "killed", 1),
        ("The hostage was executed two days later.", "killed", 1),
        ("His bodyguard was wounded in the exchange of fire.", "injured", 1),
        ("Both captives were beheaded.", "killed", 2),
    ],
)
def test_one_person(text: str, outcome: str, estimate: int) -> None:
    assert found(text) == [(outcome, estimate)]


def test_the_age_is_not_the_count() -> None:
    c = only("A 10-year-old girl was killed in the shelling.")
    assert (c.count.estimate, c.victims) == (1, "10-year-old girl")


def test_names_and_relatives_add_up() -> None:
    assert totals("Haidari and two of his brothers were killed in the raid.") == {"killed": 3}
    assert totals("Sultani, a tribal elder, and his driver were killed.") == {"killed": 2}
    assert totals("Rahimi's son was wounded in the blast.") == {"injured": 1}


@pytest.mark.parametrize(
    "text",
    [
        "One ranger was killed and a second was injured when the post was attacked.",
        "Four herders were killed and another was hurt in the raid.",
        "Three officers were killed and a fourth was injured at the station.",
        "A guard was killed and another guard was wounded in the attack.",
    ],
)
def test_a_second_person_adds_one(text: str) -> None:
    assert totals(text)["injured"] == 1


def test_places_are_not_people() -> None:
    assert totals("Gunmen attacked Darband, Kunduz, Afghanistan. Two drivers were killed.") == {
        "killed": 2
    }
    assert found("Kunduz, Baghlan and Takhar were captured by the rebels.") == []


# --- attackers: GTD-style summaries count them among the dead -------------------------------


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("In addition to the gunman, nine people were killed and 12 were injured.", 10),
        ("In addition to the three bombers, a guard was killed.", 4),
        ("Besides the death of the attacker, two soldiers were wounded.", 1),
        ("The bomber was killed and five pilgrims were wounded in the blast.", 1),
        ("The assailant detonated his vest, killing himself and wounding two officers.", 1),
        ("Police returned fire, killing the gunman.", 1),
        ("Troops shot and killed a suicide bomber. The assailant was the only casualty.", 1),
        ("After a standoff the gunman later shot himself.", 1),
        ("The attacker blew himself up at the gate, killing four guards.", 5),
    ],
)
def test_attackers_among_the_dead(text: str, killed: int) -> None:
    assert totals(text).get("killed") == killed


# --- referring back ---------------------------------------------------------------------------


def test_the_hostages_are_the_abducted_ones() -> None:
    text = "Militants abducted four road workers in the valley. The hostages were killed later."
    doc = extract(text)
    killed = [c for c in doc.casualties if c.outcome == "killed"]
    assert killed[0].count.estimate is None and killed[0].victims == "hostages"
    assert {k: v.estimate for k, v in doc.totals.items()} == {"abducted": 4, "killed": 4}


def test_the_elders_refer_to_the_elders() -> None:
    text = "Gunmen kidnapped three tribal elders. The elders were shot dead the next day."
    assert totals(text) == {"abducted": 3, "killed": 3}


def test_the_same_person_named_twice_is_one() -> None:
    text = "Unknown men abducted a teacher in the town. The teacher was killed a day later."
    assert totals(text) == {"abducted": 1, "killed": 1}


def test_one_person_abducted_then_killed() -> None:
    assert totals("One driver was abducted and was killed later that day.") == {
        "abducted": 1,
        "killed": 1,
    }


# --- negation and hedges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("No one was hurt in the explosion.", "injured"),
        ("Nobody was killed, the police said.", "killed"),
        ("None of the passengers were injured.", "injured"),
        ("There were no fatalities.", "killed"),
        ("No injuries were reported.", "injured"),
    ],
)
def test_negation_is_an_explicit_zero(text: str, outcome: str) -> None:
    doc = extract(text)
    c = next(c for c in doc.casualties if c.outcome == outcome)
    assert (c.count.estimate, c.negated) == (0, True)
    assert doc.totals[outcome].estimate == 0


def test_no_casualties_is_zero_killed_and_injured() -> None:
    assert totals("There were no casualties in the attack.") == {"injured": 0, "killed": 0}


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Six miners are feared dead after the collapse.", "feared"),
        ("Twenty fighters may have been killed in the strikes.", "may"),
        ("Four villagers were reportedly abducted overnight.", "reportedly"),
        (
            "Forty people were killed, a toll that could not be independently verified.",
            "could not be independently verified",
        ),
    ],
)
def test_hedges_are_marked_not_dropped(text: str, hedge: str) -> None:
    c = extract(text).casualties[0]
    assert c.hedge == hedge and c.count.estimate is not None


# --- victims, victim actors and perpetrators --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "victims"),
    [
        ("Three civilians were killed.", "civilians"),
        ("Eight fighters were killed.", "fighters"),
        ("Two soldiers were killed.", "soldiers"),
        ("Five children were injured.", "children"),
        ("Three Hazara tribal elders were abducted.", "Hazara tribal elders"),
    ],
)
def test_victims_as_written(text: str, victims: str) -> None:
    assert extract(text).casualties[0].victims == victims


def test_victim_actor() -> None:
    c = extract("At least 30 ISIS fighters were killed in the air raid.").casualties[0]
    assert (c.count.estimate, c.victims, c.victim_actor) == (30, "ISIS fighters", "ISIS")


def test_perpetrator_after_by() -> None:
    c = extract("Two police officers were shot dead by Taliban gunmen.").casualties[0]
    assert c.perpetrator == "TALIBAN" or c.perpetrator is not None


# --- distractors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Warplanes carried out 40 strikes on the ridge.",
        "The rebels launched three attacks on the base.",
        "The commander gave 12 interviews in two days.",
        "The convoy of 30 vehicles reached the city.",
        "The siege lasted 45 days.",
        "The 45 soldiers of the garrison held their position.",
        "The 37-year-old commander was promoted.",
        "He was 52 years old.",
        "In 2016 the army retook the valley.",
        "On 30 April 2020, officials met the elders.",
        "A mob tried to kill the suspect.",
        "He was accused of killing his neighbour.",
    ],
)
def test_distractors_yield_nothing(text: str) -> None:
    doc = extract(text)
    assert doc.casualties == () and dict(doc.totals) == {}


# --- the vague-quantity table is the caller's to change ---------------------------------------


def test_vague_quantities_can_be_overridden() -> None:
    text = "Dozens of civilians were killed."
    assert totals(text) == {"killed": 12}
    doc = Extractor(vague={"dozens": 24}).extract(text)
    assert doc.totals["killed"].estimate == 24


# --- generated sentences: number x qualifier x victims x verb form ----------------------------

QUALIFIERS = ["", "at least ", "more than ", "nearly ", "about ", "some ", "up to "]
VICTIMS = [
    "civilians",
    "soldiers",
    "police officers",
    "people",
    "local residents",
    "Afghan soldiers",
    "aid workers",
    "ISIS fighters",
    "students",
    "villagers",
]
FORMS = [
    ("{Q}{N} {V} were killed in the attack, officials said.", "killed"),
    ("Gunmen killed {Q}{N} {V} on Tuesday.", "killed"),
    ("A car bomb exploded near the market, killing {Q}{N} {V}.", "killed"),
    ("{Q}{N} {V} were wounded when shells hit the town.", "injured"),
    ("{Q}{N} {V} killed in overnight raid", "killed"),
    ("Militants abducted {Q}{N} {V} from the village.", "abducted"),
    ("{Q}{N} {V} died in the fighting.", "killed"),
    ("The strike left {Q}{N} {V} dead.", "killed"),
]


def _number(n: int, style: int) -> str:
    if style == 0:
        return spell_number(n)
    return format_digits(n) if n >= 1000 else str(n)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(2, 20_000),
    style=st.integers(0, 1),
    qualifier=st.sampled_from(QUALIFIERS),
    victims=st.sampled_from(VICTIMS),
    form=st.sampled_from(FORMS),
)
def test_generated_sentences_read_back_their_figure(
    n: int,
    style: int,
    qualifier: str,
    victims: str,
    form: tuple[str, str],
) -> None:
    template, outcome = form
    text = template.format(Q=qualifier, N=_number(n, style), V=victims)
    text = text[0].upper() + text[1:]
    doc = extract(text)
    assert [(c.outcome, c.count.estimate) for c in doc.casualties] == [(outcome, n)], text
    assert doc.totals[outcome].estimate == n


# --- further phenomena: companions, subsets, bombers, chained participles ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # companions named after the verb count with its subject
        ("The mayor was killed along with two of his guards.", {"killed": 3}),
        (
            "Jabbar, a district elder, was killed together with his driver, and his nephew was "
            "hurt in the blast.",
            {"killed": 2, "injured": 1},
        ),
        # a subset aside, then a further group
        ("Twelve rangers, including their captain, and four drivers were killed.", {"killed": 16}),
        # a subset after the verb never adds, and a clause after it is a figure of its own
        (
            "Seven people were killed, including a guard, and 20 others were injured.",
            {"killed": 7, "injured": 20},
        ),
        # a suicide bomber who detonated died in the blast
        ("A suicide bomber detonated at the checkpoint. Two guards were wounded.",
         {"killed": 1, "injured": 2}),
        ("Two suicide bombers detonated at the gate. The attackers were the only casualties.",
         {"killed": 2}),
        # ... and a stated figure for the bomber replaces the implied one
        ("A suicide bomber detonated in the market. In addition to the bomber, six people were "
         "killed.", {"killed": 7}),
        ("A suicide bomber detonated at the gate. Five people were killed, including the bomber.",
         {"killed": 5}),
        ("Both attackers detonated their vests, killing themselves and a guard.", {"killed": 3}),
        # two participles for the same people
        ("The captive was beaten and buried alive.", {"killed": 1}),
        ("A driver was abducted near the border before being shot dead.",
         {"abducted": 1, "killed": 1}),
        # two modifiers joined by "and" before one victim noun
        ("At least 12 Afghan and foreign troops were killed.", {"killed": 12}),
        # a toll raised by what the sentence reports, and the wounded who died
        ("Three guards were killed. The toll has since risen to seven.", {"killed": 7}),
        ("Two of the wounded later died, bringing the death toll to nine.", {"killed": 9}),
        ("The bodies of the two kidnapped surveyors were found on Friday.", {"killed": 2}),
        # a name set off by commas is the victim before it; "and" adds the next one
        ("Gunmen shot dead a district official, Ahmad Wali, and his son.", {"killed": 2}),
        ("His bodyguard was killed and his driver injured.", {"killed": 1, "injured": 1}),
        # subsets after active verbs, tolls and intransitive verbs never add
        ("A drone strike killed 11 herders, including two boys.", {"killed": 11}),
        ("By noon the toll rose to 14, among them three nurses.", {"killed": 14}),
        ("About 40 fighters had handed themselves over, including a captain.",
         {"surrendered": 40}),
        ("Nine guards were killed. Among the dead were two officers.", {"killed": 9}),
        ("A teacher was among the dead.", {"killed": 1}),
        # hostages taken, people still missing, a negated pair of outcomes
        ("The raiders took at least 15 people hostage.", {"abducted": 15}),
        ("Four fishermen were still missing.", {"missing": 4}),
        ("No villagers were killed or wounded.", {"killed": 0, "injured": 0}),
    ],
)
def test_further_phenomena(text: str, expected: dict[str, int]) -> None:
    assert totals(text) == expected
