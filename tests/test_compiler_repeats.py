"""Repeats of large items: the item's regex once, the same matches as ``x{1,n}``.

The regex module builds ``x{1,n}`` as ``x x{0,n-1}``, two copies of x's nodes. The compiler
writes such a repeat (when x is large and no other repeat encloses it) as ``x{0,n}`` with a
test that x matched at least once. These tests compile the same grammar both ways (the
size threshold set to 0, or out of reach) and compare every match and every capture.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import conflictrules.grammar.compiler as compiler
from conflictrules.grammar.loader import load_packs, read_manifest

RULES = """
define NUM = one | two | three | four
define WHO = men | women | boys | girls
define ITEM = {count: NUM} (of the)? {who: WHO}?
# a top-level repeat whose item has captures and optional parts (backtracking matters)
rule test.list
  match (ITEM ("," | and)?){1,4} (were | was) killed
  example "two men and three women were killed" => count="two"
# a repeat inside another: the inner one must stay as it is
rule test.nested
  match ((NUM WHO?){1,3} and){1,2} died
  example "two men three and one died"
# a repeat inside a look-ahead, and one after it
rule test.guarded
  match !(NUM{1,2} boys) (NUM WHO){1,3} fled
  example "two men fled"
# a repeat with a larger minimum, left to the regex module
rule test.twice
  match (NUM WHO){2,3} fled
  example "two men three women fled"
# a list: an item, then separator and item, again and again
rule test.series
  match ITEM (("," | and) ITEM){0,3} (were | was) killed
  example "two men , three women were killed" => count="two"
# a list inside another repeat, and a repeat whose last element is another item
rule test.series_nested
  match (NUM ((and | ",") NUM){0,2} WHO){1,2} fled
  example "two and three men fled"
# a list after another element: the separator before its first item is that item's
rule test.series_after
  match fled ITEM (("," | and) ITEM){0,2} (were | was)
  example "fled two men and three were" => count="two"
rule test.not_series
  match ITEM (and NUM){0,2} fled
  example "two men and three fled"
"""

RULE_IDS = ["test.list", "test.nested", "test.guarded", "test.twice", "test.series"]
RULE_IDS += ["test.series_nested", "test.not_series", "test.series_after"]
WORDS = ["one", "two", "three", "four", "men", "women", "boys", "girls", "of", "the", "and"]
WORDS += [",", "were", "was", "killed", "died", "fled", "x"]


def compiled(tmp_path: Path, threshold: int) -> Any:
    folder = tmp_path / f"p{threshold}"
    folder.mkdir()
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(RULES))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compiler, "ONCE_MIN_CHARS", threshold)
        return load_packs([read_manifest(str(folder))])


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    tmp = tmp_path_factory.mktemp("repeats")
    return compiled(tmp, 0), compiled(tmp, 10**9)


def every_match(rule: Any, text: str) -> list[tuple[int, tuple[int, int], dict[str, list[Any]]]]:
    """At every position: the match's span and each field's captures (all of them)."""
    out = []
    for pos in range(len(text) + 1):
        m = rule.pattern.match(text, pos)
        if m is None:
            continue
        fields: dict[str, list[Any]] = {}
        for group, info in rule.captures.items():
            fields.setdefault(info.field, []).extend(m.spans(group))
        out.append((pos, m.span(), {k: sorted(v) for k, v in fields.items()}))
    return out


def test_the_item_is_in_the_regex_once(both: tuple[Any, Any]) -> None:
    once, copied = both
    item = regex.compile(r"\(\?P<g\d+_count>")
    rule = once.rule("test.list")
    assert len(item.findall(rule.source)) == 1
    assert "(?(once" in rule.source
    # the regex module builds the plain repeat's item twice: its nodes show in the size
    assert sys.getsizeof(rule.pattern) < 0.8 * sys.getsizeof(copied.rule("test.list").pattern)
    # inside another repeat, and with a minimum of 2, the repeat is written as before
    assert "(?(once" not in once.rule("test.twice").source
    # a list's item once, with its captures
    assert len(item.findall(once.rule("test.series").source)) == 1
    assert len(item.findall(copied.rule("test.series").source)) == 2
    assert "(?(once" not in once.rule("test.not_series").source
    after = once.rule("test.series_after").source
    assert len(item.findall(after)) == 1
    assert r"\bfled\b\s*(?:(?(once" in after  # X begins with a word: the plain separator
    nested = once.rule("test.nested").source
    assert nested.count("(?(once") == 1 and nested.count("{1,3}") == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14))
# the inner repeat's test would pass on a second turn of the outer one with no item, from
# the first turn's capture, were the inner repeat written the new way too
@example(["two", "and", "and", "died"])
@example(["one", "boys", "two", "men", "fled"])
# the same for a list inside a repeat: its second turn starts without a separator
@example(["two", "men", "three", "women", "fled"])
@example(["two", "men", ",", "three", "of", "the", "women", "and", "one", "were", "killed"])
def test_same_matches_and_captures_as_the_plain_repeat(
    both: tuple[Any, Any], words: list[str]
) -> None:
    text = " ".join(words)
    once, copied = both
    for rule_id in RULE_IDS:
        assert every_match(once.rule(rule_id), text) == every_match(copied.rule(rule_id), text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("two men and three women were killed", "two men and three women were killed"),
        ("four of the girls , one boys was killed", "four of the girls , one boys was killed"),
        ("were killed", None),  # the item at least once
        ("and were killed", None),
    ],
)
def test_at_least_once(both: tuple[Any, Any], text: str, found: str | None) -> None:
    once, _copied = both
    m = once.rule("test.list").pattern.match(text)
    assert (m.group() if m else None) == found
