"""Running rules' inline examples: positive ones must match and yield their values,
negative ones (`never`) must not match at all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from conflictrules.engine.matching import Budget, Match, RuleSet
from conflictrules.engine.normalise import Normalised
from conflictrules.grammar import ast
from conflictrules.grammar.compiler import CompiledRule
from conflictrules.grammar.loader import Grammar
from conflictrules.semantics import casualties


@attrs.frozen(slots=True)
class ExampleResult:
    rule: CompiledRule
    example: ast.Example
    ok: bool
    problem: str = ""
    got: Mapping[str, Any] = attrs.field(factory=dict)

    def render(self) -> str:
        kind = "example" if self.example.positive else "never"
        return (
            f'{self.example.loc}: rule {self.rule.id}: {kind} "{self.example.text}": {self.problem}'
        )


def describe(match: Match, vague: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The values a match yields, keyed as examples write them."""
    out: dict[str, Any] = {}
    for cap in match.captures:
        value: Any = cap.text
        if cap.values:
            value = (
                cap.values.get("id")
                or cap.values.get("outcome")
                or cap.values.get("lemma")
                or cap.text
            )
        out.setdefault(cap.field, value)
    for key, value in match.rule.sets:
        out[key] = value
    if match.rule.layer == "casualty":
        out.update(casualties.describe(match, vague))
    elif match.first("count") is not None:
        count = casualties.count_of_match(match, vague)
        if count is not None:
            out.update(
                {
                    "count": count.estimate,
                    "count.low": count.low,
                    "count.high": count.high,
                    "count.approximate": count.approximate,
                    "count.qualifier": count.qualifier,
                }
            )
    return out


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return expected.lower() == got.lower()
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(expected) == bool(got) and (expected is not None) == (
            got is not None or expected is False
        )
    return bool(expected == got)


def run_example(
    rule: CompiledRule, example: ast.Example, vague: Mapping[str, int] | None = None
) -> ExampleResult:
    norm = Normalised(example.text)
    matches = RuleSet([rule]).run(norm, example.text, 0, Budget(5.0), only=[0])
    if not example.positive:
        if matches:
            return ExampleResult(rule, example, False, f"matched {matches[0].text!r} but must not")
        return ExampleResult(rule, example, True)
    if not matches:
        return ExampleResult(rule, example, False, "no match")
    best = max(matches, key=lambda m: m.span[1] - m.span[0])
    got = describe(best, vague)
    wrong = [
        f"{k}: expected {v!r}, got {got.get(k)!r}"
        for k, v in example.expected
        if not _same(v, got.get(k))
    ]
    if wrong:
        return ExampleResult(
            rule, example, False, "; ".join(wrong) + f" (matched {best.text!r})", got
        )
    return ExampleResult(rule, example, True, got=got)


def run_examples(
    grammar: Grammar, vague: Mapping[str, int] | None = None
) -> Iterator[ExampleResult]:
    for rule in grammar.rules:
        for example in rule.examples:
            yield run_example(rule, example, vague)
