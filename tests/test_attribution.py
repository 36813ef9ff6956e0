"""The attribution layer: frames, sources, media, anaphora, claims, and which casualty
figures each attribution vouches for (issue #5).

Every sentence here is written for these tests. Offsets are checked through the text they
point at: ``text[start:end]``.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import conflictrules
from conflictrules.model import Attribution, Document


@functools.lru_cache(maxsize=1)
def extractor() -> conflictrules.Extractor:
    return conflictrules.Extractor()


def extract(text: str) -> Document:
    return extractor().extract(text, published="2023-06-15")


def one(text: str, **match: str) -> Attribution:
    """The attribution whose fields contain the given values."""
    doc = extract(text)
    found = [
        a
        for a in doc.attributions
        if all(v.lower() in str(getattr(a, k) or "").lower() for k, v in match.items())
    ]
    assert found, [a.to_dict() for a in doc.attributions]
    return found[0]


def at(text: str, span: tuple[int, int] | None) -> str:
    assert span is not None
    return text[span[0] : span[1]]


# ------------------------------------------------------------------------------ frames


def test_source_says_that_claim() -> None:
    text = "The ministry said that 12 soldiers were killed near the dam."
    a = one(text, verb="say")
    assert a.source == "ministry" and a.source_type == "organization"
    assert at(text, a.span) == "The ministry said"
    assert at(text, a.claim) == "12 soldiers were killed near the dam"


def test_claim_then_source_says() -> None:
    text = "Nine people died in the blast, a hospital director said."
    a = one(text, verb="say")
    assert a.source == "hospital director" and a.source_type == "person"
    assert at(text, a.span) == "a hospital director said"
    assert at(text, a.claim) == "Nine people died in the blast"


def test_claim_then_says_named_person_with_role() -> None:
    text = "Three houses burned down, said Omar Haddad, a local councillor."
    a = one(text, verb="say")
    assert a.source == "Omar Haddad" and a.source_type == "person"
    assert at(text, a.span).startswith(", said Omar Haddad, a local councillor")
    assert at(text, a.claim) == "Three houses burned down"


def test_source_told_a_news_agency() -> None:
    text = "A regional governor told Reuters that the bridge had collapsed."
    a = one(text, verb="tell")
    assert a.medium == "Reuters"
    assert at(text, a.span) == "A regional governor told Reuters"
    assert at(text, a.claim) == "the bridge had collapsed"


def test_according_to_a_source() -> None:
    text = "Two guards were wounded, according to a security source."
    a = one(text, verb="according to")
    assert a.source == "security source"
    assert at(text, a.span) == "according to a security source"
    assert at(text, a.claim) == "Two guards were wounded"


def test_according_to_at_the_start() -> None:
    text = "According to the local health office, 30 people were treated for burns."
    a = one(text, verb="according to")
    assert a.source == "local health office"
    assert at(text, a.claim) == "30 people were treated for burns"


def test_says_in_a_statement() -> None:
    text = "The brigade said in a statement that it had repelled the assault."
    a = one(text, verb="say")
    assert at(text, a.span) == "The brigade said in a statement"
    assert at(text, a.claim) == "it had repelled the assault"


def test_reported_on_its_telegram_channel() -> None:
    text = "The group reported on its Telegram channel that two drones were downed."
    a = one(text, verb="report")
    assert a.medium == "Telegram"
    assert at(text, a.span) == "The group reported on its Telegram channel"


def test_in_a_statement_source_said() -> None:
    text = "In a statement, the Wagner Group said its men had left the mine."
    a = one(text, verb="say")
    assert a.source_actor == "WAGNER"
    assert at(text, a.claim) == "its men had left the mine"


def test_quote_first_with_role_and_statement() -> None:
    text = (
        '"We will not stop working," said Leila Mansour, head of the relief committee, '
        "in a statement."
    )
    a = one(text, verb="say")
    assert a.source == "Leila Mansour" and a.source_type == "person"
    assert at(text, a.claim) == "We will not stop working"
    assert at(text, a.span).endswith("in a statement")


def test_source_says_without_that() -> None:
    text = "The governor said 17 fishermen were missing after the storm."
    a = one(text, verb="say")
    assert a.source == "governor"
    assert at(text, a.span) == "The governor said"
    assert at(text, a.claim) == "17 fishermen were missing after the storm"
    (c,) = extract(text).casualties
    assert c.attribution == 0


def test_source_told_a_news_agency_without_that() -> None:
    text = "A district official told AFP the road had been cut since dawn."
    a = one(text, verb="tell")
    assert (a.source, a.medium) == ("district official", "AFP")
    assert at(text, a.span) == "A district official told AFP"
    assert at(text, a.claim) == "the road had been cut since dawn"


def test_told_the_news_agency_keeps_the_agency_out_of_the_claim() -> None:
    text = "A regional governor told the Xinhua news agency that the bridge had collapsed."
    a = one(text, verb="tell")
    assert a.medium == "Xinhua"
    assert at(text, a.span) == "A regional governor told the Xinhua news agency"
    assert at(text, a.claim) == "the bridge had collapsed"


def test_reported_on_telegram_claim_and_figure() -> None:
    text = "The militia reported on its Telegram channel that six fighters were captured."
    doc = extract(text)
    a = one(text, verb="report")
    assert (a.source, a.medium) == ("militia", "Telegram")
    assert at(text, a.span) == "The militia reported on its Telegram channel"
    assert at(text, a.claim) == "six fighters were captured"
    assert [c.attribution for c in doc.casualties] == [0]


def test_in_a_statement_source_said_offsets() -> None:
    text = "In a statement, the Red Cross said two volunteers were injured."
    doc = extract(text)
    a = one(text, verb="say")
    assert a.source_actor == "ICRC"
    assert at(text, a.span) == "the Red Cross said"
    assert at(text, a.claim) == "two volunteers were injured"
    assert [c.attribution for c in doc.casualties] == [0]


@pytest.mark.parametrize(
    ("text", "span", "claim", "stype"),
    [
        (
            "A UN team found in a report that 60 detainees had died in custody.",
            "A UN team found in a report",
            "60 detainees had died in custody",
            "organization",
        ),
        (
            "A Reuters investigation found that 300 homes were razed.",
            "A Reuters investigation found",
            "300 homes were razed",
            "media",
        ),
    ],
)
def test_findings_offsets(text: str, span: str, claim: str, stype: str) -> None:
    a = one(text, verb="find")
    assert at(text, a.span) == span and at(text, a.claim) == claim
    assert a.source_type == stype


def test_put_the_toll_at() -> None:
    text = "Local officials on Monday put the toll from the blast at 12 dead."
    doc = extract(text)
    a = one(text, verb="put")
    assert a.source == "Local officials" and a.source_type == "group"
    assert at(text, a.span) == "Local officials on Monday put the toll from the blast at"
    assert at(text, a.claim) == "12 dead"
    assert [c.attribution for c in doc.casualties] == [0]


def test_claim_of_responsibility_offsets() -> None:
    text = "Al-Shabaab claimed responsibility for the bombing, which killed 9 soldiers."
    doc = extract(text)
    a = one(text, verb="claim")
    assert a.source_actor == "ALSHABAAB"
    assert at(text, a.span) == "Al-Shabaab claimed responsibility for the bombing"
    assert at(text, a.claim) == "which killed 9 soldiers"
    assert [(c.attribution, c.perpetrator) for c in doc.casualties] == [(0, "ALSHABAAB")]


@pytest.mark.parametrize(
    ("text", "verb", "span", "claim"),
    [
        (
            "The ministry stated that 8 police officers were killed.",
            "state",
            "The ministry stated",
            "8 police officers were killed",
        ),
        (
            "The military denied that any civilians were killed.",
            "deny",
            "The military denied",
            "any civilians were killed",
        ),
        (
            "The rebels accused the army of killing 14 villagers.",
            "accuse",
            "The rebels accused",
            "the army of killing 14 villagers",
        ),
        (
            "Officials warned that more than 200 people could be trapped.",
            "warn",
            "Officials warned",
            "more than 200 people could be trapped",
        ),
        (
            "The agency quoted a local commander as saying the village was empty.",
            "quote",
            "The agency quoted",
            "a local commander as saying the village was empty",
        ),
        (
            "The report cited witnesses who saw 20 bodies.",
            "cite",
            "The report cited",
            "witnesses who saw 20 bodies",
        ),
        (
            "Rebels claimed that they had shot down a helicopter.",
            "claim",
            "Rebels claimed",
            "they had shot down a helicopter",
        ),
    ],
)
def test_more_reporting_verbs_with_offsets(text: str, verb: str, span: str, claim: str) -> None:
    a = one(text, verb=verb)
    assert a.verb == verb
    assert at(text, a.span) == span and at(text, a.claim) == claim


def test_the_militia_is_the_last_armed_group() -> None:
    text = "Hezbollah fighters fired rockets. The militia said the strike was a warning."
    a = one(text, verb="say")
    assert a.source_actor == "HEZBOLLAH"


@pytest.mark.parametrize(
    ("text", "source", "actor"),
    [
        (
            "A UN panel of experts found in a report that the ceasefire was broken.",
            "UN panel of experts",
            "UN",
        ),
        (
            "An Amnesty International investigation last year found that prisoners were beaten.",
            "Amnesty International investigation",
            "AMNESTY",
        ),
    ],
)
def test_findings(text: str, source: str, actor: str) -> None:
    a = one(text, verb="find")
    assert a.source == source and a.source_actor == actor
    assert "that" not in at(text, a.claim).split()[:1]


# ----------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("text", "source", "actor", "stype"),
    [
        (
            "SDF commander Rojhat Berxwedan told AFP the front was calm.",
            "Rojhat Berxwedan",
            "SDF",
            "person",
        ),
        (
            "Health Minister Samir Othman said the clinic was closed.",
            "Samir Othman",
            None,
            "person",
        ),
        (
            "Turkey's interior ministry said the border was shut.",
            "Turkey's interior ministry",
            "TUR",
            "organization",
        ),
        (
            "The Israeli military said one rocket was intercepted.",
            "Israeli military",
            "ISR",
            "organization",
        ),
        ("Residents said the market was empty.", "Residents", None, "group"),
        ("Two US officials said the talks had stalled.", "Two US officials", "USA", "group"),
        ("A security source said the road was mined.", "security source", None, "person"),
        ("Witnesses said the gunmen wore uniforms.", "Witnesses", None, "group"),
        ("Al Jazeera reported that the crossing had reopened.", "Al Jazeera", "ALJAZEERA", "media"),
    ],
)
def test_sources(text: str, source: str, actor: str | None, stype: str) -> None:
    a = extract(text).attributions[0]
    assert (a.source, a.source_actor, a.source_type) == (source, actor, stype)


def test_a_document_source() -> None:
    text = (
        "At least 40 homes were destroyed, according to a report by the Norwegian Refugee Council."
    )
    a = one(text, verb="according to")
    assert a.source_type == "document" and a.source_actor == "NRC"


def test_a_media_report_is_a_media_source() -> None:
    a = one("The town fell on Sunday, according to a BBC report.", verb="according to")
    assert a.source_type == "media" and a.source_actor == "BBC"


def test_a_state_organ_source_is_its_state() -> None:
    text = "MOGADISHU - The police said the suspects had fled."
    a = one(text, verb="say")
    assert a.source_actor == "SOM"


# ------------------------------------------------------------------------------ media


@pytest.mark.parametrize(
    ("text", "medium"),
    [
        ("The commander told the BBC that his men were exhausted.", "BBC"),
        ("The group said in a video posted on Telegram that it held the pass.", "Telegram"),
        ("The spokesman said on X that the strike missed.", "X"),
        ("A doctor told Reuters by telephone that the wards were full.", "Reuters"),
    ],
)
def test_medium(text: str, medium: str) -> None:
    assert extract(text).attributions[0].medium == medium


# ---------------------------------------------------------------------------- anaphora


def test_he_is_the_last_person() -> None:
    text = (
        "Coalition spokesman Mark Delaney said the raid was over. "
        "He told AFP that no soldiers were hurt."
    )
    doc = extract(text)
    second = doc.attributions[1]
    assert (second.source, second.verb, second.medium) == ("Mark Delaney", "tell", "AFP")
    assert second.resolved_from == "He"


def test_surname_is_the_last_person_of_that_name() -> None:
    text = (
        "Coalition spokesman Mark Delaney said the raid was over. "
        '"The town is quiet," Delaney added.'
    )
    second = extract(text).attributions[1]
    assert (second.source, second.verb, second.resolved_from) == ("Mark Delaney", "add", "Delaney")


def test_the_spokesman_is_the_last_spokesman() -> None:
    text = (
        "An army spokesman in Bamako said the convoy was attacked. "
        "The spokesman added that the attackers fled."
    )
    doc = extract(text)
    second = doc.attributions[1]
    assert second.source == "army spokesman in Bamako" and second.verb == "add"
    assert second.resolved_from == "The spokesman"


def test_it_is_the_last_organisation() -> None:
    text = (
        "The UN refugee agency said 2,000 people crossed the border. "
        "Most were women and children, it said."
    )
    second = extract(text).attributions[1]
    assert second.source_actor == "UNHCR" and second.resolved_from == "it"


def test_the_group_is_the_last_armed_group() -> None:
    text = "Hezbollah fighters fired rockets at a base. The group said the strike was a warning."
    a = one(text, verb="say")
    assert a.source_actor == "HEZBOLLAH"


# ---------------------------------------------------------------- figures and claims


def test_a_figure_inside_a_claim_gets_that_attribution() -> None:
    text = "Police said 14 people were killed, while residents put the toll higher."
    doc = extract(text)
    (c,) = [c for c in doc.casualties if c.outcome == "killed"]
    assert c.attribution is not None
    assert doc.attributions[c.attribution].source == "Police"


def test_the_figure_takes_the_innermost_claim() -> None:
    text = "Villagers said the army had told them that 30 men were detained."
    doc = extract(text)
    (c,) = doc.casualties
    assert c.attribution is not None
    assert doc.attributions[c.attribution].source == "army"


def test_a_following_sentence_takes_the_attribution_of_the_sentence_before() -> None:
    text = "Local officials said militants raided the camp at dawn. Eight guards were killed."
    doc = extract(text)
    (c,) = doc.casualties
    assert c.attribution is not None and doc.attributions[c.attribution].source == "Local officials"


def test_claim_of_responsibility() -> None:
    text = "A bomb killed 11 people at a bus station. ISWAP claimed responsibility for the attack."
    doc = extract(text)
    a = one(text, verb="claim")
    assert a.source_actor == "ISWAP"
    assert [c.perpetrator for c in doc.casualties] == ["ISWAP"]


def test_no_group_claimed_is_no_claim() -> None:
    doc = extract("No group claimed responsibility for the attack.")
    assert [a.verb for a in doc.attributions] == []


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Moscow denies targeting civilians.", "deny"),
        ("Kinshasa accuses Kigali of backing the rebels.", "accuse"),
        ("The army has repeatedly denied the allegations.", "deny"),
        ("The UN estimated that 500 families were displaced.", "estimate"),
        ("A monitor acknowledged that its count was incomplete.", "acknowledge"),
    ],
)
def test_other_reporting_verbs(text: str, verb: str) -> None:
    assert verb in [a.verb for a in extract(text).attributions]


# ----------------------------------------------------------------------------- property

SOURCES = [  # text, a substring of the source, source_actor
    ("the SDF", "SDF", "SDF"),
    ("Idlib residents", "Idlib residents", None),
    ("a security source", "security source", None),
    ("Health Minister Karim Nassar", "Karim Nassar", None),
    ("Russia's defence ministry", "defence ministry", "RUS"),
    ("two US officials", "US officials", "USA"),
    ("the UN refugee agency", "UN refugee agency", "UNHCR"),
    ("Witnesses", "Witnesses", None),
    ("a local elder", "local elder", None),
    ("the Arakan Army", "Arakan Army", "AA"),
]
VERBS = [  # text, lemma, medium
    ("said", "say", None),
    ("told Reuters", "tell", "Reuters"),
    ("confirmed", "confirm", None),
    ("reported", "report", None),
    ("added", "add", None),
    ("warned", "warn", None),
    ("announced", "announce", None),
    ("acknowledged", "acknowledge", None),
]
FRAMES = [
    "{S} {V} that {C}.",
    "{S} {V} {C}.",
    "{C}, {S} {V}.",
    "{S} {V} on Monday that {C}.",
    '"{C}," {S} {V}.',
    "{S} {V} in a statement that {C}.",
    "In a statement, {S} {V} {C}.",
]
#: frames where the verb comes before its source ("..., said X") or there is no verb
#: ("according to X"); "told Reuters X" is not English, so TELL is left out of them
VERB_FIRST_FRAMES = ["{C}, {V} {S}.", '"{C}," {V} {S}.']
ACCORDING_FRAMES = ["{C}, according to {S}.", "According to {S}, {C}."]
CLAIMS = [
    "12 civilians were killed in the raid",
    "the convoy was hit near the border",
    "four soldiers were wounded",
    "the town had fallen to the rebels",
]


@given(
    source=st.sampled_from(SOURCES),
    verb=st.sampled_from(VERBS),
    frame=st.sampled_from(FRAMES),
    claim=st.sampled_from(CLAIMS),
)
def test_any_source_verb_frame_and_claim_comes_back(
    source: tuple[str, str, str | None],
    verb: tuple[str, str, str | None],
    frame: str,
    claim: str,
) -> None:
    s_text, s_expected, s_actor = source
    v_text, lemma, medium = verb
    subject = s_text[0].upper() + s_text[1:] if frame.startswith("{S}") else s_text
    text = frame.format(S=subject, V=v_text, C=claim)
    doc = extract(text)
    found = [a for a in doc.attributions if a.verb == lemma]
    assert len(found) == 1, (text, [a.to_dict() for a in doc.attributions])
    a = found[0]
    assert s_expected.lower() in a.source.lower(), (text, a.to_dict())
    assert a.source_actor == s_actor, (text, a.to_dict())
    assert a.medium == medium, (text, a.to_dict())
    assert at(text, a.claim) == claim, (text, a.to_dict())


@given(
    source=st.sampled_from(SOURCES),
    verb=st.sampled_from([v for v in VERBS if v[1] != "tell"]),
    frame=st.sampled_from(VERB_FIRST_FRAMES),
    claim=st.sampled_from(CLAIMS),
)
def test_any_source_after_its_verb_comes_back(
    source: tuple[str, str, str | None],
    verb: tuple[str, str, str | None],
    frame: str,
    claim: str,
) -> None:
    s_text, s_expected, s_actor = source
    v_text, lemma, _medium = verb
    text = frame.format(S=s_text, V=v_text, C=claim)
    found = [a for a in extract(text).attributions if a.verb == lemma]
    assert len(found) == 1, (text, [a.to_dict() for a in extract(text).attributions])
    a = found[0]
    assert s_expected.lower() in a.source.lower(), (text, a.to_dict())
    assert a.source_actor == s_actor, (text, a.to_dict())
    assert at(text, a.claim) == claim, (text, a.to_dict())


@given(
    source=st.sampled_from(SOURCES),
    frame=st.sampled_from(ACCORDING_FRAMES),
    claim=st.sampled_from(CLAIMS),
)
def test_any_source_according_to_comes_back(
    source: tuple[str, str, str | None], frame: str, claim: str
) -> None:
    s_text, s_expected, s_actor = source
    text = frame.format(S=s_text, C=claim)
    found = [a for a in extract(text).attributions if a.verb == "according to"]
    assert len(found) == 1, (text, [a.to_dict() for a in extract(text).attributions])
    a = found[0]
    assert s_expected.lower() in a.source.lower(), (text, a.to_dict())
    assert a.source_actor == s_actor, (text, a.to_dict())
    assert at(text, a.claim) == claim, (text, a.to_dict())
