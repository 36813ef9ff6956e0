"""Running a pack's inline examples as tests, from a grammar author's own test suite.

    from conflictrules.testing.examples import example_params, assert_example

    @pytest.mark.parametrize(("rule", "example"), example_params("path/to/pack"))
    def test_example(rule, example):
        assert_example(rule, example)

or, in one test, ``assert_pack_examples("path/to/pack")``. (The pytest plugin does the
same without any test code: ``pytest`` collects the ``.rules`` files of a pack folder.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from conflictrules.grammar import ast
from conflictrules.grammar.compiler import CompiledRule
from conflictrules.grammar.examples import ExampleResult, run_example
from conflictrules.grammar.loader import Grammar, read_manifest

__all__ = [
    "assert_example",
    "assert_pack_examples",
    "example_cases",
    "example_params",
    "explain_failure",
    "grammar_for",
    "pack_rules",
    "run_pack_examples",
]

PackPath = str | os.PathLike[str]


def _real(path: PackPath) -> str:
    return os.path.realpath(os.fspath(path))


def _pack_folder(pack: PackPath) -> str:
    text = os.fspath(pack)
    return os.path.dirname(os.path.abspath(text)) if os.path.isfile(text) else text


def grammar_for(pack: PackPath | None = None) -> Grammar:
    """The grammar a pack is tested in: the built-in pack, then ``pack`` on top of it.

    ``None`` (or the built-in pack's own folder) gives the built-in pack alone. Installed
    plugins are loaded too only when the pack's manifest ``requires`` other packs; a pack
    that is also installed as a plugin is loaded once.
    """
    from conflictrules.extractor import load_grammar
    from conflictrules.packs import default_pack_path

    if pack is None or _real(_pack_folder(pack)) == _real(default_pack_path()):
        return load_grammar(plugins=False)
    info = read_manifest(os.fspath(pack))
    return load_grammar([os.fspath(pack)], plugins=bool(info.requires))


def pack_rules(pack: PackPath | None = None, grammar: Grammar | None = None) -> list[CompiledRule]:
    """The rules defined by the pack's own files (not those of the packs beneath it)."""
    from conflictrules.packs import default_pack_path

    grammar = grammar if grammar is not None else grammar_for(pack)
    folder = _real(_pack_folder(pack if pack is not None else default_pack_path()))
    if pack is not None and os.path.isfile(os.fspath(pack)):
        only = _real(pack)
        return [r for r in grammar.rules if _real(r.loc.path) == only]
    return [r for r in grammar.rules if os.path.dirname(_real(r.loc.path)) == folder]


def example_cases(
    pack: PackPath | None = None, grammar: Grammar | None = None
) -> list[tuple[CompiledRule, ast.Example]]:
    """Every (rule, example) of the pack, positive and ``never`` ones, in file order."""
    return [(r, e) for r in pack_rules(pack, grammar) for e in r.examples]


def example_params(pack: PackPath | None = None, grammar: Grammar | None = None) -> list[Any]:
    """``example_cases`` as ``pytest.param``s with readable ids (``casualty.passive[example2]``)."""
    import pytest

    out = []
    counters: dict[str, int] = {}
    for rule, example in example_cases(pack, grammar):
        kind = "example" if example.positive else "never"
        n = counters[rule.id + kind] = counters.get(rule.id + kind, 0) + 1
        out.append(pytest.param(rule, example, id=f"{rule.id}[{kind}{n}]"))
    return out


def explain_failure(result: ExampleResult) -> str:
    """A failed example: where it is, the rule, the text, what was expected and what came out."""
    lines = [result.render()]
    if result.example.expected:
        want = " ".join(f"{k}={v!r}" for k, v in result.example.expected)
        lines.append(f"  expected: {want}")
    if result.got:
        shown = {k: v for k, v in result.got.items() if v is not None and v is not False}
        lines.append("  got:      " + " ".join(f"{k}={v!r}" for k, v in shown.items()))
    return "\n".join(lines)


def assert_example(
    rule: CompiledRule, example: ast.Example, vague: Mapping[str, int] | None = None
) -> None:
    result = run_example(rule, example, vague)
    if not result.ok:
        raise AssertionError(explain_failure(result))


def run_pack_examples(
    pack: PackPath | None = None,
    grammar: Grammar | None = None,
    vague: Mapping[str, int] | None = None,
) -> list[ExampleResult]:
    return [run_example(r, e, vague) for r, e in example_cases(pack, grammar)]


def assert_pack_examples(
    pack: PackPath | None = None,
    grammar: Grammar | None = None,
    vague: Mapping[str, int] | None = None,
) -> None:
    """Every example of the pack holds; otherwise one ``AssertionError`` listing them all."""
    failed = [r for r in run_pack_examples(pack, grammar, vague) if not r.ok]
    if failed:
        raise AssertionError(
            f"{len(failed)} grammar example(s) failed:\n"
            + "\n".join(explain_failure(r) for r in failed)
        )
