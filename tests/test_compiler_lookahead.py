"""Look-aheads compile smaller: a word list at the end of one (``!LIST``) leaves out the
forms another form begins up to the end of a word, look-aheads in a row are one
(``!A !B`` as ``!(A | B)``), and word lists side by side in one are one list.

These tests compile one grammar twice, once as every other pattern compiles (no look-ahead
compiled apart, none merged), and compare every match.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import conflictrules.grammar.compiler as compiler
from conflictrules.grammar.compiler import SEP, _enough_to_test
from conflictrules.grammar.loader import load_packs, read_manifest

VERBS = "form\nshot\nshot dead\nshot-dead\nshot to death\nstabbed\nstabbed to death\nburned\n"
VERBS += "burned alive\nkidnapped and killed\nkilled\nwounded\n"

RULES = """
list VERB = "verbs.tsv"
list NAMES = "names.tsv" case-sensitive
define AUX = was | were | is | are | "has been"
# the list alone, in a definition, in an alternation and after other elements
rule test.alone
  match men !VERB /\\w+/
  example "men fled"
rule test.defined
  match men !(AUX VERB) /\\w+/ /\\w+/
  example "men were seen"
rule test.either
  match men !(VERB | AUX "not" VERB) /\\w+/
  example "men fled"
# not at the end of the look-ahead: every form is needed
rule test.inside
  match men !(VERB by) /\\w+/
  example "men shot dead in"
rule test.case
  match !NAMES /\\w+/ fled
  example "men fled"
# look-aheads in a row, with lists of either case and a regex among them
rule test.several
  match men !VERB !AUX !/\\d+/ /\\w+/
  example "men fled"
rule test.mixed
  match !NAMES !(AUX "not") !VERB /\\w+/ fled
  example "men fled"
rule test.lists
  match men !(AUX | VERB | /\\d/ | NAMES) /\\w+/
  example "men fled"
# fewer than four words compile as literals (no word end after an apostrophe), not a list
define FEW = "boys'" | girls
rule test.few
  match men !(FEW | VERB) /\\S+/
  example "men fled"
"""

WORDS = ["men", "were", "was", "has", "been", "not", "shot", "dead", "to", "death", "shot-dead"]
WORDS += ["stabbed", "burned", "alive", "kidnapped", "and", "killed", "by", "fled", "Al", "al"]
WORDS += ["Al-Amin", "Amin", "wounded", "woundedly", "is", "are", "12", "1st", "boys'x"]


RULE_IDS = ["test.alone", "test.defined", "test.either", "test.inside", "test.case"]
RULE_IDS += ["test.several", "test.mixed", "test.lists", "test.few"]


def compiled(tmp_path: Path, prune: bool) -> Any:
    folder = tmp_path / ("pruned" if prune else "whole")
    folder.mkdir()
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(RULES))
    (folder / "verbs.tsv").write_text(VERBS)
    (folder / "names.tsv").write_text("form\nAl\nAl Amin\nAl-Amin\nAmin\n")
    with pytest.MonkeyPatch.context() as mp:
        if not prune:
            mp.setattr(compiler._Compiler, "compile_test", compiler._Compiler.compile)
            mp.setattr(compiler, "_merge_tests", list)
        return load_packs([read_manifest(str(folder))])


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    tmp = tmp_path_factory.mktemp("lookahead")
    return compiled(tmp, True), compiled(tmp, False)


def spans(rule: Any, text: str) -> list[tuple[int, int]]:
    return [m.span() for pos in range(len(text) + 1) if (m := rule.pattern.match(text, pos))]


def test_forms_begun_by_another_are_left_out() -> None:
    forms = frozenset(["shot", "shot dead", "Shot-Dead", "shots", "shooting", "kill", "killed"])
    assert _enough_to_test(forms, fold=True) == {"shot", "shots", "shooting", "kill", "killed"}
    # case matters in a case-sensitive list: "Al" does not begin "AL Amin"
    assert _enough_to_test(frozenset(["Al", "AL Amin", "Al Amin"]), fold=False) == {
        "Al",
        "AL Amin",
    }


def test_the_pruned_regex_is_smaller(both: tuple[Any, Any]) -> None:
    pruned, whole = both
    assert "death" not in pruned.rule("test.alone").source
    assert "death" in whole.rule("test.alone").source
    assert "death" in pruned.rule("test.inside").source  # followed by "by": all forms kept
    # three look-aheads in a row are one, their two lists one trie
    tests = regex.compile(r"\(\?!" + regex.escape(SEP))  # a look-ahead past the white space: "!X"
    assert len(tests.findall(pruned.rule("test.several").source)) == 1
    assert len(tests.findall(whole.rule("test.several").source)) == 3
    opening = regex.compile(r"(?:\(\?<!\\w\)|\\b)\(\?:")  # a word list: a word start, "(?:"
    lists = [len(opening.findall(g.rule("test.several").source)) for g in (pruned, whole)]
    assert lists[1] - lists[0] == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8))
@example(["men", "shot", "dead", "by", "x"])
@example(["men", "were", "shot-dead", "x", "y"])
@example(["Al", "Amin", "fled"])
@example(["men", "are", "x"])
@example(["men", "12", "x"])
@example(["al", "fled"])  # "Al" is a case-sensitive list's: "al" is not
@example(["men", "al"])
@example(["men", "boys'x"])
def test_same_matches_as_every_form(both: tuple[Any, Any], words: list[str]) -> None:
    text = " ".join(words)
    pruned, whole = both
    for rule_id in RULE_IDS:
        assert spans(pruned.rule(rule_id), text) == spans(whole.rule(rule_id), text)
