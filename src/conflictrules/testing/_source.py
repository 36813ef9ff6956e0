"""A compiled rule's syntax tree and the names it can see, re-derived from its pack's files.

``CompiledRule`` keeps the regex, not the tree, so the strategies parse the loaded packs'
rule files again (data only, as the loader does) and rebuild each file's scope the way
``grammar.loader.load_packs`` does: own definitions and lists, imports from the same pack
first, then from packs loaded earlier, gazetteers merged across packs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from conflictrules.grammar import ast
from conflictrules.grammar.compiler import CompiledRule, Scope
from conflictrules.grammar.errors import GrammarError, GrammarErrors
from conflictrules.grammar.loader import Grammar, PackInfo, _collect_files
from conflictrules.grammar.wordlists import WordList, load_list


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
    errors: list[GrammarError] = []
    files_by_pack = [(pack, _collect_files(pack, errors)) for pack in grammar.packs]
    if errors:
        raise GrammarErrors(errors)
    scopes: dict[str, Scope] = {}
    def_scopes: dict[int, Scope] = {}
    loaded: dict[str, WordList] = {}
    for _pack, rfiles in files_by_pack:
        for rf in rfiles:
            scope = Scope(rf.path)
            scopes[rf.path] = scope
            for st in rf.statements:
                if isinstance(st, ast.Define):
                    scope.names.setdefault(st.name, st)
                    def_scopes[id(st)] = scope
                elif isinstance(st, ast.ListDecl):
                    scope.names.setdefault(st.name, _word_list(st, rf.path, grammar, loaded))
    modules: dict[str, Scope] = {}
    for _pack, rfiles in files_by_pack:
        local = {rf.module: scopes[rf.path] for rf in rfiles}
        for rf in rfiles:
            for st in rf.statements:
                if isinstance(st, ast.Import):
                    target = local.get(st.name) or modules.get(st.name)
                    if target is not None and target is not scopes[rf.path]:
                        scopes[rf.path].parents.append(target)
        modules.update(local)
    rules: dict[tuple[str, str], RuleSource] = {}
    for _pack, rfiles in files_by_pack:
        for rf in rfiles:
            for st in rf.statements:
                if isinstance(st, ast.RuleDecl):
                    rules[(st.id, _real(rf.path))] = RuleSource(st, scopes[rf.path], def_scopes)
    return _Index(rules, def_scopes)


def _word_list(
    decl: ast.ListDecl, rule_file: str, grammar: Grammar, loaded: dict[str, WordList]
) -> WordList:
    """The word list a declaration names: the loaded one when it is the same file (and
    always for gazetteers, which the loader merged across packs), else read again."""
    path = os.path.join(os.path.dirname(rule_file), decl.file)
    known = grammar.lists.get(decl.name)
    if known is not None and (decl.gazetteer or _real(known.path) == _real(path)):
        return known
    key = f"{_real(path)}|{decl.where}|{decl.case_sensitive}"
    if key not in loaded:
        loaded[key] = load_list(
            decl.name, path, decl.loc, case_sensitive=decl.case_sensitive, where=decl.where
        )
    return loaded[key]


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
