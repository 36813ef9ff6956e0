"""Sentences and normalisation: boundaries, and offsets that always point into the original."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictrules.engine.normalise import Normalised
from conflictrules.engine.sentences import MAX_SENTENCE, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gen. Mahmoud met U.S. envoys on Jan. 4. They left.",
         ["Gen. Mahmoud met U.S. envoys on Jan. 4.", "They left."]),
        ("Checkpoint No. 7 was hit. Two died.", ["Checkpoint No. 7 was hit.", "Two died."]),
        ("Capt. J. R. Okafor said so. Others agreed.",
         ["Capt. J. R. Okafor said so.", "Others agreed."]),
        ('"We will not leave," the mayor said. "Never."',
         ['"We will not leave," the mayor said.', '"Never."']),
        ("He said: “It is over.” Then he left!", ["He said: “It is over.”", "Then he left!"]),
        ("Five killed in Mosul raid\n\nGunmen attacked a checkpoint overnight.",
         ["Five killed in Mosul raid", "Gunmen attacked a checkpoint overnight."]),
        ("The strike hit the\nmarket at noon.", ["The strike hit the\nmarket at noon."]),
        ("Is it over? Nobody knows.", ["Is it over?", "Nobody knows."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_an_overlong_sentence_is_cut_at_spaces() -> None:
    text = "word " * 2000
    spans = split_sentences(text)
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text.strip()


def test_normalised_text_maps_quotes_dashes_and_spaces() -> None:
    original = "Some\u00a0\u201cten\u201d\u200b were\r\n\n   killed \u2013 officials"
    norm = Normalised(original, base=100)
    assert norm.text == 'Some "ten" were killed - officials'
    start = norm.text.index("killed")
    assert norm.span(start, start + 6) == (100 + original.index("killed"),
                                           100 + original.index("killed") + 6)


TEXT = st.text(alphabet=st.sampled_from(list("ab .,\n\t\u00a0\u200b\u2019\u2013\u201cXY1")),
               max_size=80)


@given(TEXT)
def test_every_normalised_span_maps_back_to_the_same_characters(text: str) -> None:
    norm = Normalised(text)
    for i, ch in enumerate(norm.text):
        j = norm.to_original(i)
        assert 0 <= j < len(text)
        if ch.isalnum():
            assert text[j] == ch


@given(TEXT)
def test_sentences_are_ordered_trimmed_and_in_bounds(text: str) -> None:
    last = 0
    for s, e in split_sentences(text):
        assert last <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        last = e
