"""The grammar language: parsing, compiling, errors with file:line:col and a caret."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from conflictrules.engine.matching import Budget, RuleSet
from conflictrules.engine.normalise import Normalised
from conflictrules.extractor import Extractor, load_grammar
from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.examples import run_example, run_examples
from conflictrules.grammar.loader import load_packs, read_manifest


def write_pack(
    folder: Path, rules: str, *, name: str = "mine", extra: dict[str, str] | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.cfg").write_text(f"[pack]\nname = {name}\nversion = 1.0\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(rules))
    for fname, content in (extra or {}).items():
        (folder / fname).write_text(content)
    return folder


def load(folder: Path):  # type: ignore[no-untyped-def]
    return load_packs([read_manifest(str(folder))])


def matches(grammar, rule_id: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    rule = grammar.rule(rule_id)
    return [m.text for m in RuleSet([rule]).run(Normalised(text), text, 0, Budget(5), only=[0])]


def test_every_example_of_the_default_pack_holds() -> None:
    failures = [r.render() for r in run_examples(load_grammar()) if not r.ok]
    assert failures == []


def test_every_default_rule_has_a_positive_example() -> None:
    for rule in load_grammar().rules:
        assert any(e.positive for e in rule.examples), rule.id


def test_whitespace_hyphen_and_case_are_handled_by_the_compiler(tmp_path: Path) -> None:
    g = load(
        write_pack(
            tmp_path / "p",
            """
        rule test.words
          match "shot dead" by police
          example "Shot  Dead by POLICE"
    """,
        )
    )
    assert matches(g, "test.words", "two men were shot-dead by police") == ["shot-dead by police"]
    assert matches(g, "test.words", "shot\n dead by police") == ["shot\n dead by police"]
    assert matches(g, "test.words", "shot deadby police") == []


def test_word_lists_carry_values_and_match_longest_form(tmp_path: Path) -> None:
    g = load(
        write_pack(
            tmp_path / "p",
            """
        list VERB = "verbs.tsv"
        rule test.verb
          match {what: VERB}
          example "gunned down" => what=killed
    """,
            extra={"verbs.tsv": "form\toutcome\ngunned\tother\ngunned down\tkilled\n"},
        )
    )
    rule = g.rule("test.verb")
    m = RuleSet([rule]).run(
        Normalised("they gunned down two"), "they gunned down two", 0, Budget(5), only=[0]
    )
    assert [(c.field, c.text, dict(c.values or {})) for c in m[0].captures] == [
        ("what", "gunned down", {"outcome": "killed"})
    ]


def test_optional_alternation_and_bounded_repetition(tmp_path: Path) -> None:
    g = load(
        write_pack(
            tmp_path / "p",
            """
        define ADJ = young | old | local
        rule test.seq
          match {n: /\\d+/} ADJ{0,2} (men | women) (were | "have been")? seen
          example "3 young local women have been seen" => n="3"
    """,
        )
    )
    assert matches(g, "test.seq", "5 men seen") == ["5 men seen"]
    assert matches(g, "test.seq", "5 old young local men seen") == []
    assert matches(g, "test.seq", "5 old women were seen") == ["5 old women were seen"]


def test_nested_captures_are_prefixed(tmp_path: Path) -> None:
    g = load(
        write_pack(
            tmp_path / "p",
            """
        define PAIR = {a: x} {b: y}
        rule test.nest
          match {outer: PAIR}
          example "x y" => outer.a="x" outer.b="y"
    """,
        )
    )
    assert all(r.ok for r in run_examples(g))


@pytest.mark.parametrize(
    ("rules", "where", "message"),
    [
        (
            'rule test.a\n  match {count:COUNT} were killed\n  example "x"\n',
            ":2:16:",
            "unknown name 'COUNT'",
        ),
        (
            'rule test.a\n  match {count: x were killed\n  example "x"\n',
            ":2:",
            "cannot parse the pattern",
        ),
        ("define lower = x\n", ":1:8:", "must be UPPER_CASE"),
        ("rule test.a\n  match x\n", ":1:6:", "has no example"),
        ("frobnicate X\n", ":1:1:", "unknown statement 'frobnicate'"),
        (
            'rule test.a\n  match /(unclosed/\n  example "x"\n',
            ":2:9:",
            "invalid regular expression",
        ),
        (
            'define A = B\ndefine B = A\nrule test.a\n  match A\n  example "x"\n',
            ":",
            "refers to itself",
        ),
        ('rule test.a\n  match x{5,2}\n  example "x"\n', ":2:", "min <= max"),
    ],
)
def test_mistakes_name_file_line_column_with_a_caret(
    tmp_path: Path, rules: str, where: str, message: str
) -> None:
    folder = write_pack(tmp_path / "p", rules)
    with pytest.raises(GrammarError) as info:
        load(folder)
    text = str(info.value)
    first = text.splitlines()[0]
    assert first.startswith(str(folder / "main.rules") + where), text
    assert message in first
    assert text.splitlines()[2].strip() == "^"


def test_caret_points_at_the_column(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", 'rule test.a\n  match were {v: VICTM}\n  example "x"\n')
    with pytest.raises(GrammarError) as info:
        load(folder)
    _first, line, caret = str(info.value).splitlines()[:3]
    assert line[caret.index("^") :].startswith("VICTM")


def test_duplicate_rule_id_names_both_files(tmp_path: Path) -> None:
    rule = 'rule casualty.passive\n  match x\n  example "x"\n'
    folder = write_pack(tmp_path / "p", rule)
    with pytest.raises(GrammarError) as info:
        Extractor(grammars=[folder], plugins=False)
    text = str(info.value)
    assert str(folder / "main.rules") in text
    assert os.path.join("default", "casualties.rules") in text
    assert "override" in text


def test_override_replaces_a_builtin_rule(tmp_path: Path) -> None:
    folder = write_pack(
        tmp_path / "p",
        """
        rule casualty.nominal override
          match {count: /\\d+/} goners
          set outcome=killed
          example "5 goners" => count=5 outcome=killed
    """,
    )
    ex = Extractor(grammars=[folder], plugins=False)
    assert ex.grammar.rule("casualty.nominal").loc.path == str(folder / "main.rules")
    doc = ex.extract("Police said 7 goners.")
    assert [(c.outcome, c.count.estimate) for c in doc.casualties] == [("killed", 7)]


def test_override_of_nothing_is_an_error(tmp_path: Path) -> None:
    rules = 'rule casualty.nothing override\n  match x\n  example "x"\n'
    folder = write_pack(tmp_path / "p", rules)
    with pytest.raises(GrammarError, match="overrides nothing"):
        Extractor(grammars=[folder], plugins=False)


def test_failing_example_is_reported_with_expected_and_got(tmp_path: Path) -> None:
    g = load(
        write_pack(
            tmp_path / "p",
            """
        rule test.a
          match {n: /\\d+/} dead
          example "5 dead" => n="6"
          never "7 dead"
    """,
        )
    )
    results = [r for r in run_examples(g)]
    problems = [r.render() for r in results if not r.ok]
    assert len(problems) == 2
    assert "n: expected '6', got '5'" in problems[0]
    assert "matched '7 dead' but must not" in problems[1]
    assert problems[0].startswith(str(tmp_path / "p" / "main.rules") + ":4:")


def test_run_example_accepts_a_match_without_expectations(tmp_path: Path) -> None:
    g = load(write_pack(tmp_path / "p", 'rule test.a\n  match dead\n  example "all dead"\n'))
    rule = g.rule("test.a")
    assert run_example(rule, rule.examples[0]).ok
