"""The separator the compiler puts between elements: all the white space there is, and
one way only through it (what keeps "A? B" under a repetition from backtracking twice
per turn, see tests/test_safety.py), written without an atomic group."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import conflictrules.grammar.compiler as compiler
from conflictrules.grammar import safety
from conflictrules.grammar.compiler import SEP
from conflictrules.grammar.loader import load_packs, read_manifest

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


# --- the plain separator before an element that cannot begin with white space ----------

RULES = """
define NUM = one | two | three
define WHO = men | women | "armed men"
define SPACED = /\\s?x/
# optional elements, a repeat that may be empty and one that may not, a look-ahead
rule test.row
  match NUM? {who: WHO} (of the)? ("," WHO){0,2} !NUM (were | was) SPACED? killed
  example "two men were killed"
rule test.repeats
  match (NUM WHO?){1,3} (and NUM){0,2} {end: fled | died}
  example "two men and three fled"
# an element that may begin with white space keeps the separator that gives none back
rule test.spaced
  match NUM SPACED{1,2} WHO
  example "two x men"
"""
RULE_IDS = ["test.row", "test.repeats", "test.spaced"]
WORDS = ["one", "two", "three", "men", "women", "armed", "of", "the", ",", "were", "was"]
WORDS += ["killed", "and", "fled", "died", "x", " x", ""]


def compiled(tmp_path: Path, plain: bool) -> Any:
    folder = tmp_path / ("plain" if plain else "guarded")
    folder.mkdir()
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(RULES))
    with pytest.MonkeyPatch.context() as mp:
        if not plain:
            mp.setattr(compiler._Compiler, "separator_before", lambda *_a: SEP)
        return load_packs([read_manifest(str(folder))])


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    tmp = tmp_path_factory.mktemp("separators")
    return compiled(tmp, True), compiled(tmp, False)


def test_the_plain_separator_is_used_where_it_gives_one_way(both: tuple[Any, Any]) -> None:
    plain, guarded = both
    row = plain.rule("test.row").source
    assert row.count(r"\s*(?!\s)") < guarded.rule("test.row").source.count(r"\s*(?!\s)")
    assert r"\s*\b(?:" in row or r"\s*\bof" in row  # before a word: plain
    # before SPACED (it may begin with white space) the separator still gives none back
    spaced = plain.rule("test.spaced").source
    assert regex.search(r"\\bthree\\b\)+" + regex.escape(SEP), spaced)
    assert not regex.search(r"\\bthree\\b\)+\\s\*\(\?:", spaced)


def every_match(rule: Any, text: str) -> list[tuple[tuple[int, int], list[Any]]]:
    out = []
    for pos in range(len(text) + 1):
        m = rule.pattern.match(text, pos)
        if m is not None:
            out.append((m.span(), sorted((g, m.spans(g)) for g in rule.captures)))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from([" ", "  ", " \t"]))
@example(["two", "men", ",", "women", "were", " x", "killed"], " ")
@example(["two", "x", "", "x", "men"], "  ")
def test_same_matches_as_with_the_separator_everywhere(
    both: tuple[Any, Any], words: list[str], space: str
) -> None:
    text = space.join(words)
    plain, guarded = both
    for rule_id in RULE_IDS:
        assert every_match(plain.rule(rule_id), text) == every_match(guarded.rule(rule_id), text)


def test_a_separator_that_could_give_back_would_be_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety check reads the compiled regex: with the plain separator before an
    element that may begin with white space, the space could go to either side, twice a
    turn; the separator the compiler writes there gives none back."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(
        textwrap.dedent(
            """
            define SPACED = /\\s?x/
            rule casualty.t
              match (one SPACED){0,40} fled
              example "one x fled"
            """
        )
    )
    packs = [read_manifest(str(folder))]
    assert safety.check_rules(packs) == []
    monkeypatch.setattr(compiler._Compiler, "separator_before", lambda *_a: r"\s*")
    assert safety.check_rules(packs)


def test_a_rule_compiles_the_same_whatever_was_planned_before_it(tmp_path: Path) -> None:
    """The rules of a grammar share one start analysis while they are planned (its memo
    of first tokens and separators): a rule's regex must not depend on which rules came
    before it."""
    rules = textwrap.dedent(RULES)
    head, *blocks = rules.split("\nrule ")
    reordered = "\n".join([head, *("rule " + b for b in reversed(blocks))])
    grammars = []
    for name, text in (("forward", rules), ("backward", reordered)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
        (folder / "main.rules").write_text(text)
        grammars.append(load_packs([read_manifest(str(folder))]))
    forward, backward = grammars
    assert [r.id for r in forward.rules] == list(reversed([r.id for r in backward.rules]))
    for rule_id in RULE_IDS:
        assert forward.rule(rule_id).source == backward.rule(rule_id).source
    assert compiler._ANALYSIS == []  # let go of once the grammar is planned
