"""pytest plugin (entry point ``pytest11``): every example of a ``.rules`` file that sits in
a grammar pack (a folder with ``pack.cfg``) becomes a test item.

A failure shows the example, what was expected, what came out and the rule id.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conflictrules.grammar.loader import MANIFEST, Grammar, read_manifest


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".rules" and (file_path.parent / MANIFEST).is_file():
        return RulesFile.from_parent(parent, path=file_path)
    return None


def _grammar_for(pack_dir: Path) -> Grammar:
    from conflictrules.extractor import load_grammar
    from conflictrules.packs import default_pack_path

    if os.path.realpath(pack_dir) == os.path.realpath(default_pack_path()):
        return load_grammar(plugins=False)
    return load_grammar([str(pack_dir)], plugins=False)


class RulesFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        read_manifest(str(self.path.parent))
        grammar = _grammar_for(self.path.parent)
        for rule in grammar.rules:
            if os.path.realpath(rule.loc.path) != os.path.realpath(self.path):
                continue
            for n, example in enumerate(rule.examples, 1):
                kind = "example" if example.positive else "never"
                yield ExampleItem.from_parent(
                    self, name=f"{rule.id}[{kind}{n}]", rule=rule, example=example
                )


class ExampleFailed(Exception):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, rule: Any, example: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule
        self.example = example

    def runtest(self) -> None:
        from conflictrules.grammar.examples import run_example

        result = run_example(self.rule, self.example)
        if not result.ok:
            raise ExampleFailed(result.render())

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, self.example.loc.line - 1, f"{self.rule.id}: {self.example.text}"
