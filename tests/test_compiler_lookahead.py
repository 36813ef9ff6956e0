"""Word lists at the end of a look-ahead (``!LIST``) leave out the forms another form
begins up to the end of a word: the same answer from a smaller regex.

These tests compile one grammar twice, once with every form kept (``_enough_to_test``
replaced by the identity) and compare every match.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import conflictrules.grammar.compiler as compiler
from conflictrules.grammar.compiler import _enough_to_test
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
"""

WORDS = ["men", "were", "was", "has", "been", "not", "shot", "dead", "to", "death", "shot-dead"]
WORDS += ["stabbed", "burned", "alive", "kidnapped", "and", "killed", "by", "fled", "Al", "al"]
WORDS += ["Al-Amin", "Amin", "wounded", "woundedly"]


def compiled(tmp_path: Path, prune: bool) -> Any:
    folder = tmp_path / ("pruned" if prune else "whole")
    folder.mkdir()
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(RULES))
    (folder / "verbs.tsv").write_text(VERBS)
    (folder / "names.tsv").write_text("form\nAl\nAl Amin\nAl-Amin\nAmin\n")
    with pytest.MonkeyPatch.context() as mp:
        if not prune:
            mp.setattr(compiler, "_enough_to_test", lambda forms, fold: forms)
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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8))
@example(["men", "shot", "dead", "by", "x"])
@example(["men", "were", "shot-dead", "x", "y"])
@example(["Al", "Amin", "fled"])
def test_same_matches_as_every_form(both: tuple[Any, Any], words: list[str]) -> None:
    text = " ".join(words)
    pruned, whole = both
    for rule_id in ("test.alone", "test.defined", "test.either", "test.inside", "test.case"):
        assert spans(pruned.rule(rule_id), text) == spans(whole.rule(rule_id), text)
