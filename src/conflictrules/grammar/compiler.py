"""Compiling a rule's pattern to one `regex` pattern, with its captures and trigger words.

The compiler does the things rules should never spell out: optional white space between
elements, word boundaries around words, hyphen/space variants inside literals, named
lists for word lists, and prefixed names for captures nested in definitions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

import attrs
import regex

from conflictrules.grammar import ast
from conflictrules.grammar.errors import GrammarError, Location
from conflictrules.grammar.wordlists import WordList, surface_variants

SEP = r"\s*"

Binding = ast.Define | WordList


@attrs.frozen(slots=True)
class CaptureInfo:
    field: str  # the field name, dotted for nested captures ("count.number")
    wordlist: WordList | None  # when the capture is exactly one list reference


@attrs.frozen(slots=True)
class CompiledRule:
    id: str
    layer: str
    priority: int
    pattern: Any  # regex.Pattern[str]
    captures: Mapping[str, CaptureInfo]  # regex group name -> capture info
    sets: tuple[tuple[str, ast.Value], ...]
    examples: tuple[ast.Example, ...]
    loc: Location
    triggers: frozenset[str] | None  # lower-cased words one of which every match contains
    source: str  # the regex source, for explain and check


class Scope:
    """The names one rule file can see: its own definitions and lists, and its imports'."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.names: dict[str, Binding] = {}
        self.parents: list[Scope] = []

    def lookup(self, name: str, seen: set[int] | None = None) -> Binding | None:
        if name in self.names:
            return self.names[name]
        seen = seen if seen is not None else set()
        seen.add(id(self))
        for parent in self.parents:
            if id(parent) in seen:
                continue
            found = parent.lookup(name, seen)
            if found is not None:
                return found
        return None

    def all_names(self, seen: set[int] | None = None) -> set[str]:
        seen = seen if seen is not None else set()
        seen.add(id(self))
        out = set(self.names)
        for parent in self.parents:
            if id(parent) not in seen:
                out |= parent.all_names(seen)
        return out


def _literal_regex(text: str) -> str:
    pieces = [p for p in re.split(r"\s+", text.strip()) if p]
    parts = []
    for piece in pieces:
        sub = [regex.escape(s) for s in re.split(r"(?<=\w)-(?=\w)", piece)]
        parts.append(r"[\-\s]?".join(sub) if len(sub) > 1 else sub[0])
    body = r"(?:\s+|\s*-\s*)".join(parts)
    if re.match(r"\w", pieces[0]):
        body = r"\b" + body
    if re.search(r"\w$", pieces[-1]):
        body += r"\b"
    return body


class _Compiler:
    def __init__(self, rule_id: str, scopes: Mapping[int, Scope], defining: dict[int, Scope]):
        self.rule_id = rule_id
        self.scopes = scopes  # id(Define) -> the scope it was defined in
        self.defining = defining
        self.lists: dict[str, list[str]] = {}
        self.list_keys: dict[str, str] = {}
        self.captures: dict[str, CaptureInfo] = {}
        self.group_count = 0
        self.stack: list[str] = []

    def list_ref(self, wl: WordList) -> str:
        key = self.list_keys.get(wl.name + "@" + wl.path)
        if key is None:
            key = f"L{len(self.list_keys)}_{wl.name}"
            self.list_keys[wl.name + "@" + wl.path] = key
            self.lists[key] = sorted(wl.forms)
        body = rf"(?<!\w)\L<{key}>(?!\w)"
        return f"(?-i:{body})" if wl.case_sensitive else body

    def word_set(self, words: list[str]) -> str:
        """An alternation of plain words as one named list: a set lookup, not backtracking."""
        forms = sorted({v.lower() for w in words for v in surface_variants(w)})
        key = f"W{len(self.lists)}"
        self.lists[key] = forms
        return rf"(?<!\w)\L<{key}>(?!\w)"

    def compile(self, node: ast.Node, scope: Scope, prefix: str) -> str:
        if isinstance(node, ast.Literal):
            return _literal_regex(node.text)
        if isinstance(node, ast.Raw):
            try:
                regex.compile(node.regex)
            except regex.error as exc:
                raise GrammarError(f"invalid regular expression: {exc}", node.loc) from None
            return f"(?:{node.regex})"
        if isinstance(node, ast.Ref):
            binding = self.resolve(node, scope)
            if isinstance(binding, WordList):
                return self.list_ref(binding)
            if node.name in self.stack:
                chain = " -> ".join([*self.stack, node.name])
                raise GrammarError(f"definition refers to itself: {chain}", node.loc)
            self.stack.append(node.name)
            try:
                body = self.compile(binding.pattern, self.scopes[id(binding)], prefix)
            finally:
                self.stack.pop()
            return f"(?:{body})"
        if isinstance(node, ast.Seq):
            out = []
            for i, item in enumerate(node.items):
                out.append(self.compile_item(item, scope, prefix, leading=i > 0))
            return "".join(out)
        if isinstance(node, ast.Alt):
            words = _plain_words(node)
            if words is not None and len(words) >= 4:
                return self.word_set(words)
            return "(?:" + "|".join(self.compile(o, scope, prefix) for o in node.options) + ")"
        if isinstance(node, ast.Repeat):
            return self.compile_item(node, scope, prefix, leading=False)
        if isinstance(node, ast.Capture):
            field = f"{prefix}.{node.name}" if prefix else node.name
            group = "g" + str(self.group_count) + "_" + re.sub(r"\W", "_", field)
            self.group_count += 1
            wl = None
            if isinstance(node.item, ast.Ref):
                binding = self.resolve(node.item, scope)
                wl = binding if isinstance(binding, WordList) else None
            self.captures[group] = CaptureInfo(field, wl)
            return f"(?P<{group}>{self.compile(node.item, scope, field)})"
        if isinstance(node, ast.NotAhead):
            return f"(?!{SEP}{self.compile(node.item, scope, prefix)})"
        raise TypeError(node)

    def compile_item(self, node: ast.Node, scope: Scope, prefix: str, leading: bool) -> str:
        sep = SEP if leading else ""
        if isinstance(node, ast.Repeat):
            inner = self.compile(node.item, scope, prefix)
            if node.max == 1:
                return f"(?:{sep}{inner})?" if node.min == 0 else f"{sep}{inner}"
            # the item once, repeated with trailing space: never the item's regex twice
            return f"{sep}(?:{inner}{SEP}){{{node.min},{node.max}}}"
        if isinstance(node, ast.NotAhead):
            return self.compile(node, scope, prefix)
        return sep + self.compile(node, scope, prefix)

    def resolve(self, node: ast.Ref, scope: Scope) -> Binding:
        binding = scope.lookup(node.name)
        if binding is None:
            close = difflib.get_close_matches(node.name, sorted(scope.all_names()), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "define it, or import the file that does"
            )
            raise GrammarError(f"unknown name {node.name!r}", node.loc, hint)
        return binding


_PLAIN = re.compile(r"[A-Za-z][A-Za-z']*(?: [A-Za-z][A-Za-z']*)*$")


def _plain_words(node: ast.Alt) -> list[str] | None:
    """The options' texts when every option is a plain literal (letters, single spaces)."""
    out = []
    for option in node.options:
        if not isinstance(option, ast.Literal) or not _PLAIN.match(option.text.strip()):
            return None
        out.append(option.text.strip())
    return out


def triggers_of(
    node: ast.Node, scope: Scope, scopes: Mapping[int, Scope], depth: int = 0
) -> frozenset[str] | None:
    """Lower-cased words of which every match must contain one, or None if unknown."""
    if depth > 40:
        return None
    if isinstance(node, ast.Literal):
        m = re.match(r"\w+", node.text.lower())
        return frozenset([m.group()]) if m else None
    if isinstance(node, ast.Ref):
        binding = scope.lookup(node.name)
        if isinstance(binding, WordList):
            words = binding.first_words()
            return frozenset(words) if words else None
        if binding is None:
            return None
        return triggers_of(binding.pattern, scopes[id(binding)], scopes, depth + 1)
    if isinstance(node, ast.Capture):
        return triggers_of(node.item, scope, scopes, depth + 1)
    if isinstance(node, ast.Repeat):
        return triggers_of(node.item, scope, scopes, depth + 1) if node.min > 0 else None
    if isinstance(node, ast.Alt):
        union: set[str] = set()
        for option in node.options:
            t = triggers_of(option, scope, scopes, depth + 1)
            if t is None:
                return None
            union |= t
        return frozenset(union)
    if isinstance(node, ast.Seq):
        best: frozenset[str] | None = None
        for item in node.items:
            t = triggers_of(item, scope, scopes, depth + 1)
            if t is not None and (best is None or _selectivity(t) > _selectivity(best)):
                best = t
        return best
    return None


_COMMON = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "and",
        "or",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "by",
        "with",
        "for",
        "from",
        "as",
        "that",
        "this",
        "it",
        "its",
    ]
)


def _selectivity(words: frozenset[str]) -> float:
    common = len(words & _COMMON)
    return -(common * 1000) - len(words)


def compile_rule(rule: ast.RuleDecl, scope: Scope, scopes: Mapping[int, Scope]) -> CompiledRule:
    comp = _Compiler(rule.id, scopes, {})
    # a match starts at the start of a word (or at punctuation): never inside a word, which
    # spares the engine from trying every character position
    source = r"(?:(?<!\w)|(?=\W))" + comp.compile(rule.pattern, scope, "")
    try:
        named_lists: dict[str, Any] = comp.lists  # regex takes named lists as keywords
        pattern = regex.compile(source, flags=regex.IGNORECASE | regex.V0, **named_lists)
    except regex.error as exc:
        raise GrammarError(f"rule {rule.id} does not compile: {exc}", rule.loc) from None
    triggers = triggers_of(rule.pattern, scope, scopes)
    return CompiledRule(
        rule.id,
        rule.layer,
        rule.priority,
        pattern,
        dict(comp.captures),
        rule.sets,
        rule.examples,
        rule.loc,
        triggers,
        source,
    )
