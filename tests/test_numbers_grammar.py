"""The numbers layer end to end: the grammar finds the whole figure, semantics reads it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conflictrules.engine.matching import Budget, RuleSet
from conflictrules.engine.normalise import Normalised
from conflictrules.extractor import load_grammar
from conflictrules.semantics.casualties import count_of_match
from conflictrules.semantics.numbers import format_digits, spell_number

RULE = load_grammar().rule("number.count")


def read(text: str) -> tuple[str, int | None]:
    """The longest number match in text and its value."""
    found = RuleSet([RULE]).run(Normalised(text), text, 0, Budget(5.0), only=[0])
    assert found, f"no number found in {text!r}"
    best = max(found, key=lambda m: m.span[1] - m.span[0])
    count = count_of_match(best)
    return best.text, None if count is None else count.estimate


def written(n: int, style: int, flag: bool) -> str:
    if style == 0:
        return str(n)
    if style == 1:
        return format_digits(n, ",")
    if style == 2:
        return format_digits(n, " ")
    return spell_number(n, use_and=flag, hyphen=not flag)


@given(st.integers(0, 10**9), st.integers(0, 3), st.booleans(), st.booleans())
def test_every_integer_to_a_billion_reads_back(n: int, style: int, flag: bool,
                                              upper: bool) -> None:
    text = written(n, style, flag)
    if upper:
        text = text.upper()
    matched, value = read(f"officials counted {text} in total")
    assert matched == text
    assert value == n


def test_the_largest_spelled_numbers_are_read_whole() -> None:
    text = spell_number(999_999_999)
    assert read(text) == (text, 999_999_999)
    assert read("twenty-one") == ("twenty-one", 21)
