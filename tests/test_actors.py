"""The actor layer: gazetteer mentions, lists, aliases, organs, unknown organisations,
populations, places, and the roles actors play in casualties (issue #4).

Every sentence here is written for these tests.
"""

from __future__ import annotations

import csv
import functools
import re
import textwrap
from pathlib import Path

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import conflictrules
from conflictrules.model import Document
from conflictrules.semantics import linking

REPO = Path(__file__).resolve().parents[1]
GAZETTEER = REPO / "grammars" / "default" / "actors.tsv"


@functools.lru_cache(maxsize=1)
def extractor() -> conflictrules.Extractor:
    return conflictrules.Extractor()


def extract(text: str, published: str | None = "2024-05-10") -> Document:
    return extractor().extract(text, published=published)


def ids(doc: Document) -> set[str]:
    return {a.id for a in doc.actors}


def spans_of(doc: Document, text: str, ident: str) -> list[str]:
    for a in doc.actors:
        if a.id == ident:
            return [text[s:e] for s, e in a.mentions]
    return []


# ------------------------------------------------------------------ gazetteer mentions


@pytest.mark.parametrize(
    ("text", "ident", "mention"),
    [
        ("The Israeli army said it had struck a depot.", "ISR", "Israeli"),
        ("Russia's defense ministry denied the report.", "RUS", "Russia"),
        ("Turkish warplanes bombed two villages.", "TUR", "Turkish"),
        ("The Kremlin rejected the accusation.", "RUS", "Kremlin"),
        (
            "Fighters of the Syrian Democratic Forces held the bridge.",
            "SDF",
            "Syrian Democratic Forces",
        ),
        ("Officials in Kabul blamed the Islamic State group.", "ISIS", "Islamic State group"),
        ("The Huthis fired a drone at a tanker.", "HOUTHIS", "Huthis"),
    ],
)
def test_gazetteer_mentions_and_state_organs(text: str, ident: str, mention: str) -> None:
    doc = extract(text)
    assert mention in spans_of(doc, text, ident)


def test_actor_records_carry_type_and_country() -> None:
    doc = extract("Hamas and the Israeli military exchanged fire near Rafah.")
    by_id = {a.id: a for a in doc.actors}
    assert by_id["HAMAS"].type == "armed_group" and by_id["HAMAS"].country == "PSE"
    assert by_id["ISR"].type == "state" and by_id["ISR"].country == "ISR"


# ------------------------------------------------------------------------ coordination


def test_coordinated_names() -> None:
    text = "Russia, Turkey and the US-led coalition agreed to a pause."
    doc = extract(text)
    assert spans_of(doc, text, "RUS") == ["Russia"]
    assert spans_of(doc, text, "TUR") == ["Turkey"]
    assert spans_of(doc, text, "USCOALITION") == ["US-led coalition"]


def test_coordinated_adjectives_with_a_shared_head() -> None:
    text = "Russian, Syrian and Iranian forces pushed into the valley."
    doc = extract(text)
    assert {"RUS", "SYR", "IRN"} <= ids(doc)
    assert spans_of(doc, text, "IRN") == ["Iranian"]


def test_two_known_organisations_joined_by_and_stay_two() -> None:
    text = "The Syrian Democratic Forces and the Lebanese Forces issued statements."
    doc = extract(text)
    assert spans_of(doc, text, "SDF") == ["Syrian Democratic Forces"]
    assert spans_of(doc, text, "LF") == ["Lebanese Forces"]


def _list_forms() -> list[tuple[str, str]]:
    """Gazetteer names and aliases that name one actor, without parentheses."""
    wl = extractor().grammar.lists["ACTOR"]
    out = []
    with open(GAZETTEER, encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            for form in row["aliases"].split("|"):
                form = form.strip()
                if not form or "(" in form or "," in form or " and " in form:
                    continue
                if re.search(r"\.\s+[A-Z]", form):  # "D.R. Congo": a sentence break to the splitter
                    continue
                found = wl.lookup(form)
                if found is not None and found["id"] == row["id"]:
                    out.append((form, row["id"]))
    return sorted(set(out))


LIST_FORMS = _list_forms()
SHAPES = [
    "{0}, {1} and {2} signed the accord.",
    "Both {0} and {1} signed the accord.",
    "{0} as well as {1} signed the accord.",
    "Envoys of {0}, {1}, {2} and {3} signed the accord.",
    "{0} or {1} may sign the accord.",
    "The accord was signed by {0} and {1}.",
]


@given(
    shape=st.sampled_from(SHAPES),
    picks=st.lists(st.sampled_from(LIST_FORMS), min_size=4, max_size=4, unique_by=lambda p: p[1]),
)
def test_any_gazetteer_name_in_any_list_shape_comes_back_with_id_and_span(
    shape: str, picks: list[tuple[str, str]]
) -> None:
    text = shape.format(*(form for form, _ in picks))
    used = shape.count("{")
    doc = extract(text)
    pos = 0
    for form, ident in picks[:used]:
        start = text.index(form, pos)
        pos = start + len(form)
        spans = {a.id: a.mentions for a in doc.actors}
        assert (start, start + len(form)) in spans.get(ident, ()), (text, form, ident, spans)


# ----------------------------------------------------------------------------- aliases


def test_parenthetical_alias_of_an_unknown_group_holds_for_the_rest_of_the_document() -> None:
    text = (
        "Gunmen of the Sentinels of Dawn Brigade (SDB) attacked a checkpoint. "
        "Two days later SDB fighters ambushed a patrol."
    )
    doc = extract(text)
    assert spans_of(doc, text, "SDB") == ["Sentinels of Dawn Brigade", "SDB", "SDB"]
    assert {a.id: a.type for a in doc.actors}["SDB"] == "armed_group"


def test_parenthetical_alias_of_a_known_actor_uses_its_id() -> None:
    text = "The US Africa Command (AFRICOM) said one strike hit a camp."
    doc = extract(text)
    assert "AFRICOM" not in ids(doc)
    assert spans_of(doc, text, "USA") == ["US Africa Command", "AFRICOM"]


def test_an_alias_given_another_meaning_in_the_text_is_read_that_way() -> None:
    text = "The Anadolu Agency (AA) reported the raid. Later AA said two more died."
    doc = extract(text)
    assert spans_of(doc, text, "ANADOLU")[-1] == "AA"
    assert "AA" not in ids(doc)


# --------------------------------------------------------------- organs and home state


def test_organ_without_its_state_is_the_dateline_state() -> None:
    text = "KYIV - The army said it repelled an assault near the river."
    doc = extract(text)
    assert "army" in spans_of(doc, text, "UKR")


def test_organ_takes_the_state_of_the_last_organ_of_its_kind() -> None:
    text = (
        "Kenyan police arrested four men on Friday. A police spokesman said the suspects "
        "would appear in court."
    )
    doc = extract(text)
    assert "police" in spans_of(doc, text, "KEN")[1:]


def test_organ_without_a_dateline_is_the_most_mentioned_state() -> None:
    text = (
        "Fighting spread across Mali on Sunday. Malian officials said the junta had sent "
        "reinforcements to the north of Mali."
    )
    doc = extract(text)
    assert "junta" in spans_of(doc, text, "MLI")


def test_numbered_units_are_state_organs() -> None:
    text = "KHARTOUM - The 22nd Infantry Division said it had retaken the bridge."
    doc = extract(text)
    assert "22nd Infantry Division" in spans_of(doc, text, "SDN")


def test_a_state_name_before_an_organ_head_is_that_state() -> None:
    text = "Iraqi Security Forces cleared the town."
    assert "IRQ" in ids(extract(text))


# ---------------------------------------------------------------- unknown organisations


@pytest.mark.parametrize(
    ("text", "ident", "kind"),
    [
        (
            "A militia calling itself the Lions of Wadi Brigade claimed the raid.",
            "LIONSOFWADIBRIGADE",
            "armed_group",
        ),
        ("The Upper Kala Liberation Front denied it.", "UPPERKALALIBERATIONFRONT", "armed_group"),
        ("Members of the Green Valley Party marched.", "GREENVALLEYPARTY", "political"),
    ],
)
def test_unknown_organisations_by_their_shape(text: str, ident: str, kind: str) -> None:
    doc = extract(text)
    by_id = {a.id: a for a in doc.actors}
    assert ident in by_id and by_id[ident].type == kind


def test_fighters_loyal_to_someone() -> None:
    text = "Fighters loyal to warlord Haji Dost Mirza took the pass."
    doc = extract(text)
    (actor,) = [a for a in doc.actors if a.id.endswith("_LOYALISTS")]
    assert actor.id == "HAJIDOSTMIRZA_LOYALISTS" and actor.type == "armed_group"
    assert [text[s:e] for s, e in actor.mentions] == ["Fighters loyal to warlord Haji Dost Mirza"]


def test_fighters_loyal_to_a_known_actor_are_that_actor() -> None:
    doc = extract("Militias loyal to Hezbollah were deployed.")
    assert "HEZBOLLAH" in ids(doc)


def test_possessives_name_the_actor_without_the_s() -> None:
    text = "Hezbollah's fighters and the UN's envoy met near Tyre."
    doc = extract(text)
    assert spans_of(doc, text, "HEZBOLLAH") == ["Hezbollah"]
    assert spans_of(doc, text, "UN") == ["UN"]


def test_alias_learned_for_a_known_actor_holds_later_in_the_document() -> None:
    text = (
        "The Kurdistan Workers' Party (PKK) denied the claim. "
        "Later the PKK said five of its men were killed."
    )
    doc = extract(text)
    assert spans_of(doc, text, "PKK") == ["Kurdistan Workers' Party", "PKK", "PKK"]
    assert [c.victim_actor for c in doc.casualties] == ["PKK"]


_ALIAS_TEXT = st.text(alphabet="ab -_.(é", max_size=24)


@settings(max_examples=300, deadline=None)
@given(_ALIAS_TEXT, st.lists(st.text(alphabet="ab -é", min_size=1, max_size=4), max_size=4))
@example("ab-ab ab abab", ["ab", "abab", "b"])
@example("a a b", ["a a", "a", "a b"])
def test_learned_aliases_are_found_as_a_longest_first_alternation_finds_them(
    text: str, forms: list[str]
) -> None:
    """A document's learned aliases are found by scanning for each (no pattern compiled
    per document): the same spans as finditer with the forms as one alternation."""
    pattern = regex.compile(
        r"(?<![\w-])(?:"
        + "|".join(regex.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        + r")(?![\w-])"
    )
    expected = [m.span() for m in pattern.finditer(text)] if forms else []
    assert linking._occurrences(text, set(forms)) == expected


# ------------------------------------------------------------ populations and places


def test_populations_are_typed_population_and_never_perpetrators() -> None:
    text = "Alawite gunmen killed three farmers near the coast."
    doc = extract(text)
    assert {a.id: a.type for a in doc.actors}["ALAWITES"] == "population"
    assert [c.perpetrator for c in doc.casualties] == [None]


def test_a_population_named_as_victims_is_the_victim_actor_not_the_perpetrator() -> None:
    text = "Israeli troops shot dead two Palestinians near Jenin."
    doc = extract(text)
    assert {a.id: a.type for a in doc.actors}["PALESTINIANS"] == "population"
    assert [(c.perpetrator, c.victim_actor) for c in doc.casualties] == [("ISR", "PALESTINIANS")]


def test_population_victims_are_the_victim_actor() -> None:
    doc = extract("Soldiers abducted twenty young Rohingya men from the camp.")
    assert [c.victim_actor for c in doc.casualties] == ["ROHINGYA"]


@pytest.mark.parametrize(
    ("text", "not_there"),
    [
        ("Herders clashed with fishermen on Lake Chad.", "TCD"),
        ("Pipelines leaked across the Niger Delta.", "NER"),
        ("Cartels ship cocaine from Latin America.", "USA"),
        ("Settlers moved into the Jordan Valley.", "JOR"),
    ],
)
def test_place_names_containing_a_state_are_not_the_state(text: str, not_there: str) -> None:
    assert not_there not in ids(extract(text))


def test_a_capital_is_the_state_except_as_a_place() -> None:
    assert ids(extract("Damascus accused Ankara of meddling.")) == {"SYR", "TUR"}
    assert "SYR" not in ids(extract("Heavy shelling was reported in Damascus."))
    assert "SYR" in ids(extract("The new government in Damascus denied it."))


# ----------------------------------------------------------------------------- roles


def test_perpetrator_from_an_attacker_subject() -> None:
    doc = extract("Israeli airstrikes killed 12 people in Rafah.")
    assert [c.perpetrator for c in doc.casualties] == ["ISR"]


def test_perpetrator_from_a_by_agent() -> None:
    doc = extract("Four traders were shot dead by al-Shabaab gunmen at a market.")
    assert [c.perpetrator for c in doc.casualties] == ["ALSHABAAB"]


def test_perpetrator_carried_from_the_previous_sentence() -> None:
    text = (
        "Witnesses said Russian jets carried out at least nine raids on the town. "
        "At least seven civilians were killed."
    )
    doc = extract(text)
    assert [c.perpetrator for c in doc.casualties if c.outcome == "killed"] == ["RUS"]


def test_claim_of_responsibility_sets_the_perpetrator() -> None:
    text = (
        "A car bomb exploded outside a hotel, killing five guards. "
        "Boko Haram claimed responsibility for the attack."
    )
    doc = extract(text)
    assert [c.perpetrator for c in doc.casualties] == ["BOKOHARAM"]


def test_attribution_of_blame_sets_the_perpetrator() -> None:
    text = (
        "Six villagers were killed in the attack. No group claimed responsibility; "
        "however, sources attributed the attack to the Taliban."
    )
    doc = extract(text)
    assert [c.perpetrator for c in doc.casualties] == ["TALIBAN"]


def test_definite_attackers_are_the_last_attacker() -> None:
    text = (
        "Fighters of the Arakan Army stormed a police post. "
        "The attackers also kidnapped three officers."
    )
    doc = extract(text)
    assert [c.perpetrator for c in doc.casualties] == ["AA"]


def test_victim_actor_from_the_victim_phrase() -> None:
    doc = extract("Kurdish forces said 40 ISIS fighters had surrendered.")
    assert [c.victim_actor for c in doc.casualties] == ["ISIS"]


def test_victims_of_a_group_named_after_them() -> None:
    doc = extract("The army killed 17 militants of the Kurdistan Workers' Party on Monday.")
    assert [c.victim_actor for c in doc.casualties] == ["PKK"]


def test_a_perpetrator_is_never_the_victims_own_side() -> None:
    doc = extract("Somali troops killed 15 al-Shabaab fighters near Jilib.")
    (c,) = doc.casualties
    assert c.victim_actor == "ALSHABAAB" and c.perpetrator != "ALSHABAAB"


# ------------------------------------------------------------------------------ packs


def test_a_pack_can_add_an_actor(tmp_path: Path) -> None:
    pack = tmp_path / "mypack"
    pack.mkdir()
    (pack / "pack.cfg").write_text(
        textwrap.dedent(
            """\
            [pack]
            name = mypack
            version = 0.1.0
            description = One more armed group.
            requires =
            files = extra_actors.rules
            """
        ),
        encoding="utf-8",
    )
    (pack / "extra_actors.rules").write_text('gazetteer ACTOR = "actors.tsv"\n', encoding="utf-8")
    (pack / "actors.tsv").write_text(
        "id\tname\ttype\tcountry\taliases\tadjectives\tmetonyms\n"
        "KVF\tKala Valley Front\tarmed_group\tSSD\tKala Valley Front|KVF\t\t\n",
        encoding="utf-8",
    )
    ex = conflictrules.Extractor(grammars=[pack])
    doc = ex.extract("KVF gunmen killed four herders.")
    assert "KVF" in {a.id for a in doc.actors}
    assert [c.perpetrator for c in doc.casualties] == ["KVF"]


def test_a_pack_can_override_an_actor(tmp_path: Path) -> None:
    """A pack row with an existing id replaces that actor's row whole (docs/actors.md):
    here "Nusra Front" is read as HTS, and NUSRA keeps only its other forms."""
    header = "id\tname\ttype\tcountry\taliases\tadjectives\tmetonyms\n"
    pack = tmp_path / "nusra_is_hts"
    pack.mkdir()
    (pack / "pack.cfg").write_text(
        "[pack]\nname = nusra_is_hts\nversion = 0.1.0\nfiles = extra_actors.rules\n",
        encoding="utf-8",
    )
    (pack / "extra_actors.rules").write_text('gazetteer ACTOR = "actors.tsv"\n', encoding="utf-8")
    (pack / "actors.tsv").write_text(
        header
        + "HTS\tHayat Tahrir al-Sham\tarmed_group\tSYR\tHayat Tahrir al-Sham|HTS|Nusra Front\t\t\n"
        + "NUSRA\tal-Nusra Front\tarmed_group\tSYR\tJabhat al-Nusra\t\t\n",
        encoding="utf-8",
    )
    text = "Nusra Front fighters killed two guards. Jabhat al-Nusra denied it."
    before = extract(text)
    assert spans_of(before, text, "NUSRA") == ["Nusra Front", "Jabhat al-Nusra"]
    doc = conflictrules.Extractor(grammars=[pack], plugins=False).extract(text)
    assert spans_of(doc, text, "HTS") == ["Nusra Front"]
    assert spans_of(doc, text, "NUSRA") == ["Jabhat al-Nusra"]
    assert [c.perpetrator for c in doc.casualties] == ["HTS"]
