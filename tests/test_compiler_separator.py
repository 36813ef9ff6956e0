"""The separator the compiler puts between elements: all the white space there is, and
one way only through it (what keeps "A? B" under a repetition from backtracking twice
per turn, see tests/test_safety.py), written without an atomic group."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conflictrules.grammar.compiler import SEP

TEXT = st.text(alphabet=" \t\n\u00a0\u2003\u200bab,-", max_size=12)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=0, max_value=12))
@example("a  \t b", 1)
@example("  ", 0)
@example("ab", 2)
def test_the_separator_reads_the_whole_run_of_white_space(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    found = regex.match(SEP, text, pos)
    possessive = regex.match(r"\s*+", text, pos)
    assert found is not None and possessive is not None
    assert found.span() == possessive.span()
    # and gives none of it back: nothing after it can start on white space, whatever
    # comes between
    assert regex.match(SEP + r"\s", text, pos) is None
    ours = regex.match(SEP + r"(?:\s|)" + SEP + "b", text, pos)
    theirs = regex.match(r"\s*+(?:\s|)\s*+b", text, pos)
    assert (ours and ours.span()) == (theirs and theirs.span())


def test_the_separator_holds_no_atomic_group() -> None:
    # an atomic group (or a possessive repeat) makes the regex module save every capture
    # group of the pattern each time it is entered: the separator is on every path
    assert "(?>" not in SEP and "*+" not in SEP and "++" not in SEP
    assert regex.compile(SEP).groups == 0
