"""Tests of the aidworkers pack, as a plugin author writes them.

Run from this folder after installing the package: ``pytest``. Besides these tests, pytest
collects every inline example of the pack's .rules files (conflictrules' pytest plugin).
"""

from __future__ import annotations

import os

import pytest
from conflictrules_aidworkers import pack_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictrules import Extractor
from conflictrules.extractor import load_grammar
from conflictrules.packs import installed_packs
from conflictrules.testing.examples import assert_pack_examples, pack_rules
from conflictrules.testing.strategies import assert_phrase, phrases, sentences

PACK = pack_path()
# the grammar as an installed plugin is used: the built-in pack, then every plugin's
GRAMMAR = load_grammar()
RULES = pack_rules(PACK, GRAMMAR)
CASUALTY_RULES = [r for r in RULES if r.layer == "casualty"]
# derandomized: the same draws on every run, so a red build means a changed grammar (as
# conflictrules' own round-trip test does); raise max_examples locally to search further
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_the_pack_is_installed_through_its_entry_point() -> None:
    by_name = {p.name: p for p in installed_packs()}
    assert "aidworkers" in by_name, "pip install the package first"
    pack = by_name["aidworkers"]
    assert pack.version == "0.1.0"
    assert pack.origin.startswith("entry point (conflictrules-aidworkers")
    assert os.path.realpath(pack.path) == os.path.realpath(PACK)


def test_every_rule_of_the_pack_is_loaded_with_examples() -> None:
    ids = {r.id for r in RULES}
    assert {"casualty.aid_worker_attack", "facility.attack_passive"} <= ids
    from_the_package = {r.id for r in GRAMMAR.rules if "conflictrules_aidworkers" in r.loc.path}
    assert {r.id for r in RULES} == from_the_package
    assert all(any(e.positive for e in r.examples) for r in RULES)


def test_every_inline_example_holds() -> None:
    assert_pack_examples(PACK, GRAMMAR)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_matches_what_it_generates(rule) -> None:  # type: ignore[no-untyped-def]
    @PROPERTY
    @given(phrases(rule, GRAMMAR))
    def round_trip(phrase: tuple[str, dict[str, str | int]]) -> None:
        assert_phrase(rule, *phrase)

    round_trip()


@pytest.mark.parametrize("rule", CASUALTY_RULES, ids=lambda r: r.id)
def test_extract_reports_the_casualty_in_a_sentence(rule) -> None:  # type: ignore[no-untyped-def]
    extractor = Extractor()

    # figures drawn as digits: COUNT also accepts what no report writes and the number
    # semantics cannot read ("dozen medics"), which would make no casualty record
    figures = st.integers(1, 250_000).map(lambda n: f"{n:,}")
    # employers without a final full stop: the sentence splitter ends a sentence at
    # "U.A.E." before a capital ("a U.A.E. Red Cross team"), so the rule never sees it whole
    employers = st.sampled_from(["MSF", "WFP", "ICRC", "UNICEF", "World Food Programme"])

    @PROPERTY
    @given(sentences(rule, GRAMMAR, defines={"COUNT": figures, "EMPLOYER": employers}))
    def extracted(sentence: tuple[str, dict[str, str | int]]) -> None:
        text, expected = sentence
        doc = extractor.extract(text)
        assert not doc.errors
        mine = [c for c in doc.casualties if c.rule == rule.id]
        assert mine, f"{rule.id} did not fire in {text!r}: {doc.casualties}"
        want = expected["count"] if isinstance(expected.get("count"), int) else 1  # "a nurse"
        assert mine[0].count.estimate == want, (text, mine[0])

    extracted()


def test_end_to_end_sentences() -> None:
    doc = Extractor().extract(
        "Gunmen shot dead two MSF nurses in Khartoum on Tuesday. An ambush on a WFP convoy "
        "killed three convoy drivers near Kassala, World Central Kitchen said.",
        published="2025-03-05",
    )
    got = sorted((c.rule, c.outcome, c.count.estimate, c.victims) for c in doc.casualties)
    assert got == [
        ("casualty.aid_convoy_attack", "killed", 3, "convoy drivers"),
        ("casualty.aid_worker_active", "killed", 2, "MSF nurses"),
    ]
    # the pack's gazetteer rows merge into the built-in actor gazetteer
    assert {"MSF", "WFP", "WCK"} <= {a.id for a in doc.actors}


def test_facility_layer_through_match() -> None:
    extractor = Extractor()
    text = "The maternity hospital in Omdurman was struck by a drone on Sunday."
    found = [(m.rule.id, m.text) for m in extractor.match(text, layers=["facility"])]
    assert found == [
        ("facility.attack_passive", "The maternity hospital in Omdurman was struck by a drone")
    ]
    # extract() interprets the built-in layers only: the facility match adds no casualty
    assert extractor.extract(text).casualties == ()
