"""pytest plugin (entry point ``pytest11``): every example of a ``.rules`` file that sits in
a grammar pack (a folder with ``pack.cfg``) becomes a test item.

A failure shows the example, what was expected, what came out and the rule id. The pack is
loaded on top of the built-in one (``conflictrules.testing.examples.grammar_for``); a
grammar error in it is reported as ``file:line:col`` with a caret, as a collection error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.loader import MANIFEST, Grammar, read_manifest


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".rules" and (file_path.parent / MANIFEST).is_file():
        return RulesFile.from_parent(parent, path=file_path)
    return None


def _grammar_for(pack_dir: Path) -> Grammar:
    from conflictrules.testing.examples import grammar_for

    return grammar_for(pack_dir)


class GrammarFailed(Exception):
    pass


class RulesFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            read_manifest(str(self.path.parent))
            grammar = _grammar_for(self.path.parent)
        except GrammarError as err:
            raise GrammarFailed(str(err)) from None
        for rule in grammar.rules:
            if os.path.realpath(rule.loc.path) != os.path.realpath(self.path):
                continue
            for n, example in enumerate(rule.examples, 1):
                kind = "example" if example.positive else "never"
                yield ExampleItem.from_parent(
                    self, name=f"{rule.id}[{kind}{n}]", rule=rule, example=example
                )

    def repr_failure(self, excinfo: Any) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, GrammarFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ExampleFailed(Exception):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, rule: Any, example: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule
        self.example = example

    def runtest(self) -> None:
        from conflictrules.grammar.examples import run_example
        from conflictrules.testing.examples import explain_failure

        result = run_example(self.rule, self.example)
        if not result.ok:
            raise ExampleFailed(explain_failure(result))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, self.example.loc.line - 1, f"{self.rule.id}: {self.example.text}"
