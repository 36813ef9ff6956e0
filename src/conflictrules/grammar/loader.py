"""Loading grammar packs: manifests, rule files, imports, word lists, overrides.

Loading reads data only: no file of a pack is ever executed. Errors name the file, line
and column; every error found is reported, not just the first.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Sequence

import attrs

from conflictrules.grammar import ast
from conflictrules.grammar.compiler import (
    CompiledRule,
    RulePlan,
    Scope,
    build_rule,
    plan_rule,
    prefetch_programs,
    release_analysis,
)
from conflictrules.grammar.errors import GrammarError, GrammarErrors, Location
from conflictrules.grammar.wordlists import WordList, load_gazetteer, load_list

MANIFEST = "pack.cfg"


@attrs.frozen(slots=True)
class PackInfo:
    name: str
    version: str
    path: str
    description: str = ""
    requires: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    origin: str = "path"  # "built-in", "entry point <dist>", "path"


@attrs.frozen(slots=True)
class Grammar:
    """Every compiled rule of the loaded packs, in load order, and the lists they use."""

    packs: tuple[PackInfo, ...]
    rules: tuple[CompiledRule, ...]
    lists: dict[str, WordList]
    files: tuple[str, ...]

    def layer(self, name: str) -> tuple[CompiledRule, ...]:
        return tuple(r for r in self.rules if r.layer == name)

    def rule(self, rule_id: str) -> CompiledRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def read_manifest(folder: str, origin: str = "path") -> PackInfo:
    path = os.path.join(folder, MANIFEST)
    if os.path.isfile(folder) and folder.endswith(".rules"):
        # a single rule file is a pack of one file
        name = os.path.splitext(os.path.basename(folder))[0]
        return PackInfo(
            name,
            "0",
            os.path.dirname(os.path.abspath(folder)),
            "",
            (),
            (os.path.basename(folder),),
            origin,
        )
    if not os.path.isdir(folder):
        raise GrammarError(
            f"grammar pack not found: {folder}",
            None,
            "give a folder with a pack.cfg, or a .rules file",
        )
    if not os.path.isfile(path):
        files = tuple(sorted(f for f in os.listdir(folder) if f.endswith(".rules")))
        if not files:
            raise GrammarError(f"{folder} has no {MANIFEST} and no .rules files", None)
        return PackInfo(
            os.path.basename(os.path.abspath(folder)), "0", folder, "", (), files, origin
        )
    parser = configparser.ConfigParser()
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", 1) or 1
        raise GrammarError(f"malformed manifest: {exc.message}", Location(path, line, 1)) from None
    if not parser.has_section("pack"):
        raise GrammarError("the manifest needs a [pack] section", Location(path, 1, 1))
    sec = parser["pack"]
    for key in ("name", "files"):
        if not sec.get(key, "").strip():
            raise GrammarError(
                f"the manifest's [pack] section needs '{key} = ...'", Location(path, 1, 1)
            )
    return PackInfo(
        name=sec["name"].strip(),
        version=sec.get("version", "0").strip(),
        path=folder,
        description=sec.get("description", "").strip(),
        requires=tuple(sec.get("requires", "").split()),
        files=tuple(sec["files"].split()),
        origin=origin,
    )


def _collect_files(pack: PackInfo, errors: list[GrammarError]) -> list[ast.RuleFile]:
    """Parse the pack's files in manifest order, following imports inside the pack."""
    parsed: dict[str, ast.RuleFile] = {}
    order: list[str] = []

    def visit(fname: str, loc: Location | None) -> None:
        if fname in parsed:
            return
        path = os.path.join(pack.path, fname)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            errors.append(GrammarError(f"rule file not found: {path}", loc))
            return
        except UnicodeDecodeError as exc:
            errors.append(GrammarError(f"{path} is not UTF-8 (byte {exc.start})", loc))
            return
        # imported here: pyparsing (10 MB, 75 ms) is needed only when rule files are read,
        # never by a build from the compiled-grammar cache
        from conflictrules.grammar.syntax import parse_file

        try:
            rf = parse_file(path, text)
        except GrammarErrors as errs:
            errors.extend(errs.errors)
            return
        parsed[fname] = rf
        for st in rf.statements:
            if isinstance(st, ast.Import):
                target = st.name + ".rules"
                if os.path.isfile(os.path.join(pack.path, target)):
                    visit(target, st.loc)
        order.append(fname)

    for fname in pack.files:
        visit(fname, Location(os.path.join(pack.path, MANIFEST), 1, 1))
    return [parsed[f] for f in order]


@attrs.frozen
class LinkedPacks:
    """The packs parsed and linked, not compiled: each rule file's scope (its own
    definitions and lists, its imports), and every rule declaration that survives the
    id checks, in load order (an ``override`` comes after the rule it replaces)."""

    packs: tuple[PackInfo, ...]
    files: tuple[str, ...]
    decls: tuple[tuple[ast.RuleDecl, Scope], ...]
    def_scopes: dict[int, Scope]  # id(Define) -> the scope it was defined in
    lists: dict[str, WordList]

    def effective(self) -> list[tuple[ast.RuleDecl, Scope]]:
        """The rules that take effect: an override replaces the rule of that id."""
        out: dict[str, tuple[ast.RuleDecl, Scope]] = {}
        for decl, scope in self.decls:
            out.pop(decl.id, None)
            out[decl.id] = (decl, scope)
        return list(out.values())


def link_packs(packs: Sequence[PackInfo]) -> LinkedPacks:
    """Parse the packs' rule files and resolve every name (raising GrammarErrors for what
    does not load): what ``load_packs`` compiles, and what tools that need the syntax
    trees (the safety analysis, the test strategies) read."""
    errors: list[GrammarError] = []
    linked = _link(packs, errors)
    if errors:
        raise GrammarErrors(errors)
    return linked


def _link(packs: Sequence[PackInfo], errors: list[GrammarError]) -> LinkedPacks:
    """link_packs, adding the rule id errors to ``errors`` (raised with the compile errors
    by load_packs, so that one run reports both)."""
    files_by_pack: list[tuple[PackInfo, list[ast.RuleFile]]] = []
    for pack in packs:
        files_by_pack.append((pack, _collect_files(pack, errors)))
    if errors:
        raise GrammarErrors(errors)

    # word lists and gazetteers (gazetteers of the same name merge across packs)
    scopes: dict[str, Scope] = {}  # rule file path -> scope
    modules: dict[str, Scope] = {}  # module name -> scope (later packs see earlier ones)
    def_scopes: dict[int, Scope] = {}
    gazetteer_rows: dict[str, list[tuple[str, Location]]] = {}
    all_lists: dict[str, WordList] = {}
    for _pack, rfiles in files_by_pack:
        for rf in rfiles:
            scope = Scope(rf.path)
            scopes[rf.path] = scope
            for st in rf.statements:
                if isinstance(st, (ast.Define, ast.ListDecl)) and st.name in scope.names:
                    errors.append(GrammarError(f"{st.name} is defined twice in this file", st.loc))
                    continue
                if isinstance(st, ast.Define):
                    scope.names[st.name] = st
                    def_scopes[id(st)] = scope
                elif isinstance(st, ast.ListDecl):
                    path = os.path.join(os.path.dirname(rf.path), st.file)
                    if st.gazetteer:
                        gazetteer_rows.setdefault(st.name, []).append((path, st.loc))
                        continue
                    try:
                        wl = load_list(
                            st.name, path, st.loc, case_sensitive=st.case_sensitive, where=st.where
                        )
                    except GrammarError as err:
                        errors.append(err)
                        continue
                    scope.names[st.name] = wl
                    all_lists[st.name] = wl
    merged: dict[str, WordList] = {}
    for name, sources in gazetteer_rows.items():
        try:
            first = load_gazetteer(name, sources[0][0], sources[0][1])
            extra: list[dict[str, str]] = []
            for path, loc in sources[1:]:
                more = load_gazetteer(name, path, loc)
                extra.extend(_rows_of(more))
            if extra:
                from conflictrules.grammar.wordlists import gazetteer_from_records

                first = gazetteer_from_records(name, sources[0][0], _rows_of(first) + extra)
            merged[name] = first
            all_lists[name] = first
        except GrammarError as err:
            errors.append(err)
    for _pack, rfiles in files_by_pack:
        for rf in rfiles:
            scope = scopes[rf.path]
            for st in rf.statements:
                if isinstance(st, ast.ListDecl) and st.gazetteer and st.name in merged:
                    scope.names[st.name] = merged[st.name]
    # imports: same pack first, then modules of packs loaded earlier
    for _pack, rfiles in files_by_pack:
        local = {rf.module: scopes[rf.path] for rf in rfiles}
        for rf in rfiles:
            for st in rf.statements:
                if isinstance(st, ast.Import):
                    target = local.get(st.name) or modules.get(st.name)
                    if target is None:
                        errors.append(
                            GrammarError(
                                f"cannot import {st.name!r}",
                                st.loc,
                                f"no {st.name}.rules in this pack or earlier packs",
                            )
                        )
                    elif target is not scopes[rf.path]:
                        scopes[rf.path].parents.append(target)
        modules.update(local)
    if errors:
        raise GrammarErrors(errors)

    # rules: ids unique across packs unless overridden explicitly
    decls: list[tuple[ast.RuleDecl, Scope]] = []
    where: dict[str, str] = {}
    for _pack, rfiles in files_by_pack:
        for rf in rfiles:
            for st in rf.statements:
                if not isinstance(st, ast.RuleDecl):
                    continue
                if st.id in where and not st.override:
                    errors.append(
                        GrammarError(
                            f"rule {st.id} is already defined in {where[st.id]}",
                            st.loc,
                            "rename it, or write 'override' after the id to replace that rule",
                        )
                    )
                    continue
                if st.override and st.id not in where:
                    errors.append(
                        GrammarError(
                            f"rule {st.id} overrides nothing",
                            st.loc,
                            "no earlier pack defines this id; drop 'override'",
                        )
                    )
                    continue
                decls.append((st, scopes[rf.path]))
                where[st.id] = str(st.loc)
    files = tuple(rf.path for _p, rfs in files_by_pack for rf in rfs)
    return LinkedPacks(
        tuple(p for p, _ in files_by_pack), files, tuple(decls), def_scopes, all_lists
    )


def load_packs(packs: Sequence[PackInfo]) -> Grammar:
    """Link and compile the packs. Every rule is first compiled to regex source; when
    none has an error, the sources of the rules that take effect that the active
    ``ProgramStore`` lacks are compiled on all cores at once
    (``compiler.prefetch_programs``), then those rules are built."""
    errors: list[GrammarError] = []
    linked = _link(packs, errors)
    # every declaration is planned (so an overridden rule's errors are still reported);
    # only the rules that take effect are compiled (an override replaces the rule of its
    # id, and comes last)
    plans: dict[str, RulePlan] = {}
    try:
        for decl, scope in linked.decls:
            try:
                plan = plan_rule(decl, scope, linked.def_scopes)
            except GrammarError as err:
                errors.append(err)
                continue
            plans.pop(decl.id, None)
            plans[decl.id] = plan
    finally:
        release_analysis()
    if errors:
        raise GrammarErrors(errors)
    prefetch_programs(plans.values())
    compiled: list[CompiledRule] = []
    for plan in plans.values():
        try:
            compiled.append(build_rule(plan))
        except GrammarError as err:
            errors.append(err)
    if errors:
        raise GrammarErrors(errors)
    return Grammar(linked.packs, tuple(compiled), linked.lists, linked.files)


def _rows_of(wl: WordList) -> list[dict[str, str]]:
    """Gazetteer rows back from a loaded gazetteer (for merging packs)."""
    by_id: dict[str, dict[str, str]] = {}
    for form in sorted(wl.forms):
        values = wl.lookup(form)
        if values is None:
            continue
        rec = by_id.setdefault(
            values["id"],
            {
                "id": values["id"],
                "name": values["name"],
                "type": values["type"],
                "country": values.get("country", ""),
                "aliases": "",
                "adjectives": "",
                "metonyms": "",
            },
        )
        column = {
            "name": "aliases",
            "alias": "aliases",
            "adjective": "adjectives",
            "metonym": "metonyms",
        }[values["kind"]]
        rec[column] = "|".join(x for x in (rec[column], form) if x)
    return list(by_id.values())
