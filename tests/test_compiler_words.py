"""A word list matches whole words only. Where every form begins (ends) with a word
character the compiler writes that as ``\\b``, tested in place, instead of a look-behind
(look-ahead), which the regex module enters and leaves like a group."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conflictrules.grammar.compiler import FLAGS, _alternation, _whole_words

FORM = st.text(alphabet="ab-' é1", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.characters(), st.characters())
@example("\u0301", "\u200d")  # a combining mark, a joiner
@example("_", "-")
def test_a_word_boundary_next_to_a_word_character_is_the_look_around(x: str, y: str) -> None:
    start, start_b = regex.compile(r"(?<!\w)a", FLAGS), regex.compile(r"\ba", FLAGS)
    end, end_b = regex.compile(r"a(?!\w)", FLAGS), regex.compile(r"a\b", FLAGS)
    assert bool(start.match(x + "a", 1)) == bool(start_b.match(x + "a", 1))
    assert bool(end.match("a" + y)) == bool(end_b.match("a" + y))


def test_the_word_boundary_is_used_only_at_word_characters() -> None:
    assert _whole_words(frozenset(["killed", "shot dead"]), "X") == r"\bX\b"
    assert _whole_words(frozenset(["killed", "'s"]), "X") == r"(?<!\w)X\b"
    assert _whole_words(frozenset(["killed", "al-"]), "X") == r"\bX(?!\w)"
    assert _whole_words(frozenset(), "X") == r"(?<!\w)X(?!\w)"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(FORM, min_size=1, max_size=4),
    st.lists(st.one_of(FORM, st.sampled_from([" ", "x", "-", "'", "é"])), max_size=8),
)
@example(["a-"], ["a-", "b"])
@example(["'a"], ["b", "'a"])
def test_a_list_matches_as_with_look_arounds(forms: list[str], pieces: list[str]) -> None:
    text = "".join(pieces)
    body = _alternation(frozenset(forms), True)
    ours = regex.compile(_whole_words(frozenset(forms), body), FLAGS)
    plain = regex.compile(r"(?<!\w)" + body + r"(?!\w)", FLAGS)
    for pos in range(len(text) + 1):
        a, b = ours.match(text, pos), plain.match(text, pos)
        assert (a and a.span()) == (b and b.span())
