"""A compiled rule's syntax tree and the names it can see, re-derived from its pack's files.

``CompiledRule`` keeps the regex, not the tree, so the strategies link the loaded packs'
rule files again with ``grammar.loader.link_packs`` (data only), which gives each rule the
scope the loader compiled it in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from conflictrules.grammar import ast
from conflictrules.grammar.compiler import CompiledRule, Scope
from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.loader import Grammar, PackInfo, link_packs


@attrs.frozen(slots=True)
class RuleSource:
    """What generating from one rule needs: its declaration and the names it can see."""

    decl: ast.RuleDecl
    scope: Scope
    def_scopes: Mapping[int, Scope]  # id(Define) -> the scope it was defined in


@attrs.frozen(slots=True)
class _Index:
    rules: Mapping[tuple[str, str], RuleSource]  # (rule id, real path of its file) -> source
    def_scopes: Mapping[int, Scope]


def _real(path: str) -> str:
    return os.path.realpath(path)


def _build_index(grammar: Grammar) -> _Index:
    linked = link_packs(grammar.packs)
    rules = {
        (decl.id, _real(decl.loc.path)): RuleSource(decl, scope, linked.def_scopes)
        for decl, scope in linked.effective()
    }
    return _Index(rules, linked.def_scopes)


_CACHE: dict[tuple[tuple[PackInfo, ...], tuple[str, ...]], _Index] = {}


def rule_source(rule: CompiledRule, grammar: Grammar) -> RuleSource:
    """The declaration and scope of ``rule`` as loaded in ``grammar``."""
    key = (grammar.packs, grammar.files)
    index = _CACHE.get(key)
    if index is None:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        index = _CACHE[key] = _build_index(grammar)
    found = index.rules.get((rule.id, _real(rule.loc.path)))
    if found is None:
        raise GrammarError(
            f"rule {rule.id} is not part of the given grammar",
            rule.loc,
            "pass the Grammar the rule was loaded from",
        )
    return found
