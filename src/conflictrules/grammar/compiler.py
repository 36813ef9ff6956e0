"""Compiling a rule's pattern to one `regex` pattern, with its captures and trigger words.

The compiler does the things rules should never spell out: optional white space between
elements, word boundaries around words, hyphen/space variants inside literals, word lists
as trie-shaped alternations, and prefixed names for captures nested in definitions.

Two things serve speed only, never meaning: where a match can start (StartSpec, so the
engine tries a rule at a few positions of a sentence instead of all), and a store of
compiled regex programs (ProgramStore, so a grammar compiled once compiles again in a
fraction of a second).
"""

from __future__ import annotations

import contextlib
import contextvars
import copyreg
import difflib
import functools
import hashlib
import marshal
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import regex

from conflictrules.grammar import ast
from conflictrules.grammar.errors import GrammarError, Location
from conflictrules.grammar.wordlists import WordList, surface_variants

# between elements: all the white space there is, never giving any back (as \s*+ would, but
# \s*+ is an atomic group, on entering which the regex module saves every capture group
# of the pattern; a look-ahead that holds no group saves nothing: see docs/scale.md)
SEP = r"\s*(?!\s)"

#: a repeat ``x{1,n}`` whose item compiles to at least this many characters is written so
#: that the item is in the regex once (see _Compiler.compile_item)
ONCE_MIN_CHARS = 2000

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
    # where a match can start (alternatives); None: anywhere (see StartSpec)
    starts: tuple[StartSpec, ...] | None = None


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


def _whole_words(forms: frozenset[str], body: str) -> str:
    """An alternation of the forms (``body``) matched only as whole words: not after a
    word character, nor before one. Where every form begins (ends) with a word character
    that is ``\\b``, which the regex module tests in place; a look-behind (look-ahead) is
    entered and left as a group, with its bookkeeping, and word lists are on most paths
    of a pattern."""
    head, tail = _word_edges(forms)
    return ("\\b" if head else r"(?<!\w)") + body + ("\\b" if tail else r"(?!\w)")


@functools.lru_cache(maxsize=256)
def _word_edges(forms: frozenset[str]) -> tuple[bool, bool]:
    """Whether every form begins, and whether every form ends, with a word character."""
    head = bool(forms) and all(f and _WORD_CHAR.match(f[0]) for f in forms)
    tail = bool(forms) and all(f and _WORD_CHAR.match(f[-1]) for f in forms)
    return head, tail


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
    def __init__(
        self,
        rule_id: str,
        scopes: Mapping[int, Scope],
        defining: dict[int, Scope],
        analysis: _StartAnalysis | None = None,
    ):
        self.rule_id = rule_id
        self.scopes = scopes  # id(Define) -> the scope it was defined in
        self.defining = defining
        # named lists for regex.compile (none since lists compile to alternations; kept
        # for callers that pass them on)
        self.lists: dict[str, list[str]] = {}
        self.captures: dict[str, CaptureInfo] = {}
        self.group_count = 0
        self.stack: list[str] = []
        self.repeat_depth = 0  # how many regex repeats enclose what is being compiled
        # first tokens, for separators (shared by the compilers of one grammar: its
        # memo holds every definition's first token)
        self.analysis = analysis

    def list_ref(self, wl: WordList, test: bool = False) -> str:
        fold = not wl.case_sensitive
        forms = _enough_to_test(wl.forms, fold) if test else wl.forms
        body = _whole_words(forms, _alternation(forms, fold))
        return f"(?-i:{body})" if wl.case_sensitive else body

    def word_set(self, words: list[str]) -> str:
        """An alternation of plain words, tried longest first (see _alternation)."""
        forms = frozenset(v.lower() for w in words for v in surface_variants(w))
        return _whole_words(forms, _alternation(forms, True))

    def expand(self, node: ast.Ref, binding: ast.Define, prefix: str, test: bool) -> str:
        """A definition's pattern in place of a reference to it."""
        if node.name in self.stack:
            chain = " -> ".join([*self.stack, node.name])
            raise GrammarError(f"definition refers to itself: {chain}", node.loc)
        self.stack.append(node.name)
        try:
            scope = self.scopes[id(binding)]
            if test:
                return f"(?:{self.compile_test(binding.pattern, scope, prefix)})"
            return f"(?:{self.compile(binding.pattern, scope, prefix)})"
        finally:
            self.stack.pop()

    def compile_test(self, node: ast.Node, scope: Scope, prefix: str) -> str:
        """What ends a look-ahead (``!X``), where only whether something matches counts,
        not what: a word list there needs no form that another of its forms begins up to
        the end of a word (see _enough_to_test). Anything else compiles as usual."""
        if isinstance(node, ast.Ref):
            binding = self.resolve(node, scope)
            if isinstance(binding, WordList):
                return self.list_ref(binding, test=True)
            return self.expand(node, binding, prefix, test=True)
        if isinstance(node, ast.Alt):
            if _plain_words(node) is not None:  # one word set, or literals (see compile)
                words = self.test_words(node, scope)
                return self.compile(node, scope, prefix) if words is None else _test_list(words)
            # options that are word lists become one list: one trie to walk, not several
            forms: set[str] = set()
            parts = []
            for option in node.options:
                words = self.test_words(option, scope)
                if words is None:
                    parts.append(self.compile_test(option, scope, prefix))
                else:
                    forms |= words
            if forms:
                parts.insert(0, _test_list(frozenset(forms)))
            return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        if isinstance(node, ast.Seq) and node.items:
            *head, last = _merge_tests(node.items)
            out = [
                self.compile_item(item, scope, prefix, leading=i > 0) for i, item in enumerate(head)
            ]
            if isinstance(last, ast.Ref | ast.Alt | ast.Seq):
                out.append((SEP if head else "") + self.compile_test(last, scope, prefix))
            else:
                out.append(self.compile_item(last, scope, prefix, leading=bool(head)))
            return "".join(out)
        return self.compile(node, scope, prefix)

    def test_words(self, node: ast.Node, scope: Scope) -> frozenset[str] | None:
        """The lower-cased forms ``node`` compiles to as a case-insensitive word list (a
        list reference, four plain words or more, a definition or an alternation of
        those), or None: in a test they may join other lists' forms in one list."""
        if isinstance(node, ast.Ref):
            binding = self.resolve(node, scope)
            if isinstance(binding, WordList):
                if binding.case_sensitive or not all(f.isascii() for f in binding.forms):
                    return None
                return frozenset(f.lower() for f in binding.forms)
            if node.name in self.stack:
                return None  # compiling it says what is wrong
            self.stack.append(node.name)
            try:
                return self.test_words(binding.pattern, self.scopes[id(binding)])
            finally:
                self.stack.pop()
        if isinstance(node, ast.Alt):
            plain = _plain_words(node)
            if plain is not None:
                if len(plain) < 4:
                    return None  # compiled as literals (see compile), not as a word set
                return frozenset(v.lower() for w in plain for v in surface_variants(w))
            out: set[str] = set()
            for option in node.options:
                words = self.test_words(option, scope)
                if words is None:
                    return None
                out |= words
            return frozenset(out)
        return None

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
            return self.expand(node, binding, prefix, test=False)
        if isinstance(node, ast.Seq):
            out = []
            items = _merge_tests(node.items)
            i = 0
            while i < len(items):
                series = None
                if i + 1 < len(items):
                    series = self.series(items[i], items[i + 1], scope, prefix, leading=i > 0)
                if series is not None:
                    out.append(series)
                    i += 2
                    continue
                out.append(self.compile_item(items[i], scope, prefix, leading=i > 0))
                i += 1
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
            return f"(?!{SEP}{self.compile_test(node.item, scope, prefix)})"
        raise TypeError(node)

    def series(
        self, item: ast.Node, more: ast.Node, scope: Scope, prefix: str, leading: bool
    ) -> str | None:
        """``X (SEPARATOR X){0,n}`` (a list: "COMPANION (NEXT COMPANION){0,3}") with X in
        the regex once, or None when these two elements are not that or X is small.

        Written plainly, X is in the regex twice (68 KB each for COMPANION). As one repeat,
        ``(?:(?(onceN)SEPARATOR|)X(?P<onceN>)){0,n+1}`` with a test that the group took
        part, the first turn is X and every later one SEPARATOR X: the same tries in the
        same order (plus one failing try of none at the end). Only outside other repeats,
        where the group cannot keep a capture from an enclosing repeat's earlier turn."""
        if not (
            isinstance(item, ast.Ref)
            and isinstance(more, ast.Repeat)
            and more.min == 0
            and more.max > 1
            and isinstance(more.item, ast.Seq)
            and len(more.item.items) >= 2
            and isinstance(more.item.items[-1], ast.Ref)
            and more.item.items[-1].name == item.name
            and self.repeat_depth == 0
        ):
            return None
        binding = self.resolve(item, scope)
        if isinstance(binding, WordList):
            return None
        # measured on a scratch compiler: compiling here would register X's captures
        scratch = _Compiler(self.rule_id, self.scopes, self.defining, self.analysis)
        scratch.stack = list(self.stack)
        if len(scratch.compile(item, scope, prefix)) < ONCE_MIN_CHARS:
            return None
        self.repeat_depth += 1
        try:
            separator = self.compile(ast.Seq(more.item.items[:-1]), scope, prefix)
            body = self.compile(item, scope, prefix)
        finally:
            self.repeat_depth -= 1
        # the first turn is X: the separator before it is X's, as before any element
        lead = self.separator_before(item, scope) if leading else ""
        return lead + self.at_least_once(
            lambda once: f"(?:(?({once}){separator}{SEP}|){body}(?P<{once}>){SEP})",
            more.max + 1,
        )

    def at_least_once(self, turn: Callable[[str], str], most: int) -> str:
        """``turn`` repeated up to ``most`` times, at least once, without the regex
        module's copies of a repeat's minimum count (it builds "x{1,6}" as "x x{0,5}"):
        ``turn(group)`` must end each turn with an empty group of that name, and the test
        after the repeat that the group took part fails the one try of no turn. The same
        tries in the same order, the turn built once. Only for a repeat inside no other:
        there the group would keep its capture from the enclosing repeat's earlier turn."""
        once = f"once{self.group_count}"
        self.group_count += 1
        return f"{turn(once)}{{0,{most}}}(?({once})|(?!))"

    def separator_before(self, node: ast.Node, scope: Scope) -> str:
        """The separator before an element: plain ``\\s*`` where the element can neither
        match nothing nor begin with white space (giving back white space would only make
        it fail at once: one way through, and no look-ahead to enter), else SEP."""
        if self.analysis is None:
            self.analysis = _analysis_for(self.scopes)
        return self.analysis.separator_before(node, scope)

    def compile_item(self, node: ast.Node, scope: Scope, prefix: str, leading: bool) -> str:
        if isinstance(node, ast.Repeat):
            if not leading:
                sep = ""
            elif node.min > 0 or node.max == 1:  # the item comes next (or, if "?", nothing)
                sep = self.separator_before(node.item, scope)
            else:
                sep = SEP  # before a repeat that may be empty: what comes next is unknown
            repeats = node.max != 1  # "x?" is no regex repeat (below)
            self.repeat_depth += repeats
            try:
                inner = self.compile(node.item, scope, prefix)
            finally:
                self.repeat_depth -= repeats
            if node.max == 1:
                # "(?:x|)" matches as "(?:x)?" does (x first, then nothing) without being a
                # repeat: the regex module sets up every repeat of a pattern at each match
                # call, which cost the largest patterns ~25 us a call in tries' and optional
                # elements' "?" alone (11 us left now)
                return f"(?:{sep}{inner}|)" if node.min == 0 else f"{sep}{inner}"
            # the item once, repeated with trailing space: never the item's regex twice
            if node.min == 1 and self.repeat_depth == 0 and len(inner) >= ONCE_MIN_CHARS:
                # FIGURES' 55 KB item would otherwise be built twice in each rule using it
                return sep + self.at_least_once(
                    lambda once: f"(?:{inner}(?P<{once}>){SEP})", node.max
                )
            return f"{sep}(?:{inner}{SEP}){{{node.min},{node.max}}}"
        if isinstance(node, ast.NotAhead):
            return self.compile(node, scope, prefix)
        sep = self.separator_before(node, scope) if leading else ""
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


@functools.lru_cache(maxsize=256)
def _alternation(forms: frozenset[str], fold: bool) -> str:
    """The forms as one alternation that tries them longest first (what a `regex` named
    list does), shaped as a trie so that a failing position costs a few character tests
    instead of one test per form.

    Every form that matches at a position is a prefix of the text there, so all of them
    lie on one path of the trie; preferring a longer continuation at every node therefore
    tries them in the same order as a named list (longest first). Under IGNORECASE two
    different children must never match the same character: keys are lower-cased, which
    is exact for ASCII; lists with other characters keep a flat, longest-first
    alternation (the same branch a named list compiles to, without the trie's speed).
    """
    unique = sorted(set(forms))
    if not unique:
        return "(?!)"
    if fold and not all(f.isascii() for f in unique):
        flat = sorted(unique, key=len, reverse=True)  # stable: as regex sorts a named list
        return "(?:" + "|".join(regex.escape(f) for f in flat) + ")"
    trie: dict[str, Any] = {}
    for form in unique:
        node = trie
        for ch in form.lower() if fold else form:
            node = node.setdefault(ch, {})
        node[""] = None
    return "(?:" + _emit_trie(trie) + ")"


def _enough_to_test(forms: frozenset[str], fold: bool) -> frozenset[str]:
    r"""The forms without those another form begins up to a character that ends a word.
    Wherever "shot dead" matches as a word list matches ("(?<!\w)...(?!\w)"), "shot"
    matches too, so a test of whether any form is next ("!HARM_PASSIVE") gives the same
    answer without the longer forms (a fifth of the passive verbs' list)."""
    keys = {f.lower() if fold else f for f in forms}
    out = set()
    for form in forms:
        key = form.lower() if fold else form
        if not any(key[:i] in keys and not _WORD_CHAR.match(key[i]) for i in range(1, len(key))):
            out.add(form)
    return frozenset(out)


def _emit_trie(node: dict[str, Any]) -> str:
    # children whose continuations are the same share them behind a character class
    # ("aid[ \-]worker"): the text's next character picks one child at most, so this
    # matches the same strings in the same order, in a fraction of the regex
    by_tail: dict[str, list[str]] = {}
    for ch, child in sorted(node.items()):
        if ch:
            by_tail.setdefault(_emit_trie(child), []).append(ch)
    parts = []
    for tail, chars in by_tail.items():
        if len(chars) == 1:
            head = regex.escape(chars[0])
        else:
            head = "[" + "".join(_class_char(c) for c in chars) + "]"
        parts.append(head + tail)
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    if "" in node:
        return f"(?:{body}|)"  # not "?": see compile_item
    return body


def _class_char(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


_PLAIN = re.compile(r"[A-Za-z][A-Za-z']*(?: [A-Za-z][A-Za-z']*)*$")


def _test_list(forms: frozenset[str]) -> str:
    """Lower-cased forms as one case-insensitive word list at the end of a look-ahead."""
    kept = _enough_to_test(forms, True)
    return _whole_words(kept, _alternation(kept, True))


def _merge_tests(items: Sequence[ast.Node]) -> list[ast.Node]:
    """The items with each run of look-aheads in a row as one: "!A !B" is "!(A | B)"
    (nothing may follow that is A or B), one look-ahead to enter instead of two, and word
    lists among them joined in one (see _Compiler.compile_test)."""
    out: list[ast.Node] = []
    run: list[ast.NotAhead] = []
    for item in [*items, None]:
        if isinstance(item, ast.NotAhead):
            run.append(item)
            continue
        if len(run) > 1:
            out.append(ast.NotAhead(ast.Alt(tuple(t.item for t in run))))
        else:
            out.extend(run)
        run = []
        if item is not None:
            out.append(item)
    return out


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


# --- compiled patterns, kept across runs ---------------------------------------------------
#
# Nearly all the time of building a grammar goes into the `regex` module's compiler, which
# parses each pattern in Python; a compiled Pattern cannot be saved (it pickles as its
# source and compiles again when loaded). What the regex module hands its C core at the
# end of compiling (the pattern's program: lists of ints, group names, named lists) is
# plain data, though, and building a Pattern from it takes microseconds. A ProgramStore
# keeps those programs, keyed by everything that determines them (the pattern's source,
# flags and named lists, the regex version), so a program is reused only for the very
# pattern it was made from; extractor.load_grammar reads and writes stores in the cache
# folder (docs/scale.md). A program is what the regex module pickles a pattern as (the
# arguments of its C core's compile, the program packed in a few MB of bytes: a tenth of
# the same program as a list of ints); should that or anything else fail (another regex
# version, an unreadable file), patterns are compiled the ordinary way: a store is only a
# shortcut.

FLAGS = regex.IGNORECASE | regex.V0
_STORE_FORMAT = 2  # 2: programs as the regex module pickles them (packed in bytes)


def _regex_core() -> Any:
    """The regex module's C core, whose ``compile`` takes a finished program."""
    main = getattr(regex, "_main", None)
    core = getattr(main, "_regex", None)
    return core if callable(getattr(core, "compile", None)) else None


def _program_key(source: str, lists: Mapping[str, Sequence[str]]) -> str:
    h = hashlib.sha256()
    h.update(f"{_STORE_FORMAT}|{regex.__version__}|{int(FLAGS)}|".encode())
    h.update(source.encode("utf-8", "surrogatepass"))
    for name in sorted(lists):
        h.update(b"\x00" + name.encode() + b"\x00")
        h.update("\x01".join(lists[name]).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def signed(payload: bytes) -> bytes:
    """``payload`` behind its SHA-256 digest, as a cache file holds it."""
    return hashlib.sha256(payload).digest() + payload


def verified(data: bytes) -> memoryview | None:
    """The payload of ``signed`` output (read in place, not copied), or None when the
    digest does not match: a damaged or cut file."""
    view = memoryview(data)
    digest, payload = bytes(view[:32]), view[32:]
    if len(digest) < 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


class ProgramStore:
    """Compiled regex programs by pattern key; ``changed`` when one was added."""

    def __init__(
        self,
        programs: Mapping[str, tuple[Any, ...]] | None = None,
        more: Callable[[], Iterable[Mapping[str, tuple[Any, ...]]]] | None = None,
    ) -> None:
        self.programs: dict[str, tuple[Any, ...]] = dict(programs or {})
        # where else to look when a program is missing (other grammars' stores, which
        # often share rules: the default pack's), read at the first miss only
        self._more = more
        self.used: set[str] = set()  # keys compiled through this store
        self.changed = False
        self.hits = 0
        self.misses = 0

    @property
    def unused(self) -> bool:
        """True when the store holds programs nothing compiled with it used."""
        return len(self.used) < len(self.programs)

    # -- on disk ---------------------------------------------------------------------------

    def dumps(self, used_only: bool = False) -> bytes:
        programs = self.programs
        if used_only:
            programs = {k: v for k, v in programs.items() if k in self.used}
        return signed(
            marshal.dumps((_STORE_FORMAT, regex.__version__, sys.version_info[:2], programs))
        )

    @classmethod
    def loads(
        cls,
        data: bytes,
        more: Callable[[], Iterable[Mapping[str, tuple[Any, ...]]]] | None = None,
    ) -> ProgramStore:
        """A store from ``dumps`` output; an empty one if the data is damaged or was
        written by another version of regex, Python or this format."""
        payload = verified(data)
        if payload is None:
            return cls(more=more)
        try:
            fmt, version, python, programs = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return cls(more=more)
        if (fmt, version, tuple(python)) != (
            _STORE_FORMAT,
            regex.__version__,
            tuple(sys.version_info[:2]),
        ) or not isinstance(programs, dict):
            return cls(more=more)
        return cls(programs, more)

    # -- use -------------------------------------------------------------------------------

    def _read_more(self) -> None:
        """Take in the programs of the other stores (once: at the first miss)."""
        if self._more is not None:
            more, self._more = self._more, None
            for programs in more():
                for k, v in programs.items():
                    self.programs.setdefault(k, v)

    def compile(self, source: str, lists: dict[str, Any]) -> Any:
        core = _regex_core()
        key = _program_key(source, lists)
        self.used.add(key)
        if key not in self.programs:
            self._read_more()
        args = self.programs.get(key)
        if core is not None and args is not None and args and args[0] == source:
            try:
                pattern = core.compile(*args)
                self.hits += 1
                return pattern
            except Exception:  # a program this core does not take: compile afresh
                del self.programs[key]
        self.misses += 1
        pattern, program = capture_program(source, lists)
        if program is not None:
            self.programs[key] = program
            self.changed = True
        return pattern

    def prefetch(self, sources: Iterable[str], jobs: int | None = None) -> int:
        """Compile the sources this store has no program for on worker processes (see
        ``build_workers``), so that compiling them next is a look-up; returns how many
        programs were added. Sources compiled with named lists are not prefetched."""
        from conflictrules.grammar.build_workers import compile_programs

        keys = {source: _program_key(source, {}) for source in sources}
        if any(k not in self.programs for k in keys.values()):
            self._read_more()
        missing = [s for s, k in keys.items() if k not in self.programs]
        added = 0
        for source, program in compile_programs(missing, jobs).items():
            self.programs[keys[source]] = program
            self.changed = True
            added += 1
        return added


def capture_program(source: str, lists: Mapping[str, Any]) -> tuple[Any, tuple[Any, ...] | None]:
    """``regex.compile(source, IGNORECASE | V0, **lists)`` and the pattern's program: the
    arguments its C core's ``compile`` rebuilds it from, as the regex module pickles a
    pattern (plain data, the program packed in bytes), or None when this version of regex
    pickles patterns some other way."""
    # not from the regex module's own cache: a pattern of this source compiled afresh
    pattern = regex.compile(source, flags=FLAGS, cache_pattern=False, **lists)
    core = _regex_core()
    reduce = copyreg.dispatch_table.get(type(pattern))
    if core is None or reduce is None:
        return pattern, None
    reduced = reduce(pattern)
    if not isinstance(reduced, tuple) or len(reduced) != 2 or reduced[0] is not core.compile:
        return pattern, None
    args = reduced[1]
    if not isinstance(args, tuple) or not args or args[0] != source:
        return pattern, None
    args = tuple(int(a) if isinstance(a, int) else a for a in args)
    try:
        marshal.dumps(args)
    except ValueError:  # not plain data: this regex version differs; do not keep it
        return pattern, None
    return pattern, args


_STORE: contextvars.ContextVar[ProgramStore | None] = contextvars.ContextVar(
    "conflictrules_program_store", default=None
)


@contextlib.contextmanager
def using_store(store: ProgramStore) -> Iterator[ProgramStore]:
    """Compile rules with ``store`` (reusing its programs, adding new ones) in this block."""
    token = _STORE.set(store)
    try:
        yield store
    finally:
        _STORE.reset(token)


def compile_pattern(source: str, lists: Mapping[str, Sequence[str]] | None = None) -> Any:
    """``regex.compile(source, IGNORECASE | V0, **lists)``, through the active store."""
    named: dict[str, Any] = dict(lists or {})
    store = _STORE.get()
    if store is None:
        return regex.compile(source, flags=FLAGS, **named)
    return store.compile(source, named)


#: what every rule's regex begins with: a match starts at a word's start or at punctuation
RULE_PREFIX = r"(?!\s)(?:(?<!\w)|(?=\W))"


@attrs.frozen(slots=True)
class RulePlan:
    """A rule compiled to regex source (its pattern's, its anchors' checks'), before any
    pattern is built: what a build compiles, all sources at once (``sources``)."""

    decl: ast.RuleDecl
    source: str
    lists: Mapping[str, Sequence[str]]
    captures: Mapping[str, CaptureInfo]
    triggers: frozenset[str] | None
    specs: tuple[StartSpec, ...] | None  # with check_source set and check still None

    def sources(self) -> list[str]:
        """Every regex source the rule needs compiled (none with named lists)."""
        if self.lists:
            return []
        checks = [sp.check_source for sp in self.specs or () if sp.check_source is not None]
        return [self.source, *checks]


def plan_rule(rule: ast.RuleDecl, scope: Scope, scopes: Mapping[int, Scope]) -> RulePlan:
    comp = _Compiler(rule.id, scopes, {})
    # a match starts at the start of a word (or at punctuation): never inside a word, which
    # spares the engine from trying every character position, and never on white space
    # (where optional leading items could only be skipped: the match from the token after
    # it gives them their chance)
    source = RULE_PREFIX + comp.compile(rule.pattern, scope, "")
    triggers = triggers_of(rule.pattern, scope, scopes)
    specs = _analysis_for(scopes).specs(rule.pattern, scope)
    if specs is not None:  # RULE_PREFIX: never the white space before a first token
        specs = [
            attrs.evolve(sp, first=attrs.evolve(sp.first, space=False))
            if sp.first is not None and sp.first.space
            else sp
            for sp in specs
        ]
    return RulePlan(
        rule,
        source,
        dict(comp.lists),
        dict(comp.captures),
        triggers,
        None if specs is None else tuple(specs),
    )


def build_rule(plan: RulePlan) -> CompiledRule:
    """The rule with its patterns compiled (through the active ``ProgramStore``)."""
    rule = plan.decl
    try:
        pattern = compile_pattern(plan.source, plan.lists)
    except regex.error as exc:
        raise GrammarError(f"rule {rule.id} does not compile: {exc}", rule.loc) from None
    specs = plan.specs
    if specs is not None:
        specs = tuple(
            attrs.evolve(sp, check=compile_pattern(sp.check_source))
            if sp.check_source is not None
            else sp
            for sp in specs
        )
    return CompiledRule(
        rule.id,
        rule.layer,
        rule.priority,
        pattern,
        plan.captures,
        rule.sets,
        rule.examples,
        rule.loc,
        plan.triggers,
        plan.source,
        specs,
    )


def prefetch_programs(plans: Iterable[RulePlan]) -> int:
    """Compile the plans' sources on worker processes ahead of ``build_rule`` when a
    ``ProgramStore`` is active and lacks them (see ``build_workers``); the number added."""
    store = _STORE.get()
    if store is None:
        return 0
    return store.prefetch([s for plan in plans for s in plan.sources()])


# --- where a match can start ------------------------------------------------------------
#
# The engine does not try a rule at every position of a sentence: it tries it only where a
# match can start, as computed here from the rule's syntax tree. Everything below is a
# necessary condition (it may let through a position where the rule then fails, never the
# reverse), so matching with it finds exactly what trying every position finds.
#
# A sentence is read as tokens: runs of word characters and single other non-space
# characters. A *chunk* is a run of word characters, apostrophes and hyphens (so "al-Qaeda's"
# is one chunk of four tokens); a WORD never spans two chunks, which makes chunks the unit in
# which the length of a stretch of pattern can be bounded.

ANY = "any"  # any token, and a match may start with white space
DIGIT = "digit"  # a word token whose first character is a digit
UPPER = "upper"  # a word token whose first character is upper case
WORDS = "word"  # any word token
_WORD_CHAR = regex.compile(r"\w")
_CHUNKS = regex.compile(r"[\w'\-]+|[^\w\s'\-]")
_TOKENS = regex.compile(r"\w+|[^\w\s]")
_ONE_ASCII_WORD = regex.compile(r"[A-Za-z0-9_]+")


@attrs.frozen(slots=True)
class FirstSet:
    """What the first token of a match can be.

    ``words``: case-folded word tokens (whole runs of word characters); ``kinds``: DIGIT,
    UPPER, WORDS, ANY, ``"=c"`` (a word token starting with the character c), or a single
    punctuation character; ``space``: a match may begin with white space before it;
    ``unless``: case-folded word tokens that the kinds do not admit after all (a match
    cannot begin with them: "!SRC_STOP NAME" never begins with "of"), though ``words``
    still does.
    """

    words: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    space: bool = False
    unless: frozenset[str] = frozenset()

    def __or__(self, other: FirstSet) -> FirstSet:
        # a token either side admits through its kinds is admitted: only a word both sides
        # exclude stays excluded (a side without kinds admits nothing through them)
        if not self.kinds:
            unless = other.unless
        elif not other.kinds:
            unless = self.unless
        else:
            unless = self.unless & other.unless
        words = self.words | other.words
        return FirstSet(words, self.kinds | other.kinds, self.space or other.space, unless - words)

    def excluding(self, words: frozenset[str]) -> FirstSet:
        """The set without tokens that are one of ``words`` (what a look-ahead before the
        element rules out); unchanged when it admits anything, punctuation included."""
        if not words or self.anything:
            return self
        return FirstSet(
            self.words - words,
            self.kinds,
            self.space,
            self.unless | words if self.kinds else frozenset(),
        )

    @property
    def anything(self) -> bool:
        return ANY in self.kinds

    @property
    def wordlike(self) -> bool:
        """True when only listed words and punctuation can start the element."""
        return not any(k in (ANY, DIGIT, UPPER, WORDS) or k[0] == "=" for k in self.kinds)


NOTHING = FirstSet()
EVERYTHING = FirstSet(kinds=frozenset([ANY]), space=True)


@attrs.frozen(slots=True)
class StartSpec:
    """Where one alternative of a rule can start: at a token allowed by ``first`` (None:
    any), and, with an ``anchor`` (an element every match contains), before a token the
    anchor allows: at most ``reach`` chunks before it (None: any distance)."""

    first: FirstSet | None
    anchor: FirstSet | None = None
    reach: int | None = 0
    # what must match at an anchor token for it to count: the rule from the anchor on
    # (loosened: optional space between all elements, look-arounds and optional tail
    # dropped), a regex.Pattern compiled from check_source by build_rule; None: the anchor
    # token alone
    check: Any = attrs.field(default=None, eq=False, repr=False)
    check_source: str | None = None


CHECK_BUDGET = 4000  # characters of regex in an anchor's check


def _first_regex(first: FirstSet) -> str | None:
    """A regex matching (at least) the first token a FirstSet allows; None when it would
    allow anything, or when its words are not plain ASCII (a case-folded key is not always
    what IGNORECASE matches)."""
    if first.anything or not all(w.isascii() for w in first.words):
        return None
    options: list[str] = []
    if first.kinds & {DIGIT, UPPER, WORDS}:
        options.append(r"\w")  # (isdigit and isupper reach beyond \d and \p{Lu})
    else:
        if first.words:
            options.append(_whole_words(first.words, _alternation(first.words, True)))
        exact = sorted(k[1] for k in first.kinds if k[0] == "=" and len(k) == 2)
        if exact:
            options.append("(?-i:[" + "".join(regex.escape(c) for c in exact) + "])")
    punct = sorted(k for k in first.kinds if len(k) == 1)
    options.extend(regex.escape(c) for c in punct)
    return "(?:" + "|".join(options) + ")" if options else None


def _char_kind(ch: str, fold: bool) -> str:
    if ch == _SENTINEL_UPPER:
        return WORDS if fold else UPPER
    if ch == _SENTINEL_LETTER:
        return WORDS
    if _WORD_CHAR.match(ch):
        if ch.isdigit():
            return DIGIT
        if fold:
            return WORDS
        return UPPER if ch.isupper() else "=" + ch  # case-sensitive: this very character
    if ch.isspace() or ch.lower() != ch or ch.upper() != ch or ch in _SENTINELS:
        return ANY
    return ch


_SENTINEL_UPPER = "\ue000"  # stands for \p{Lu} while a raw regex is analysed
_SENTINEL_LETTER = "\ue001"  # \p{L} and friends
_SENTINEL_OTHER = "\ue002"  # any other property: anything
_SENTINELS = frozenset([_SENTINEL_UPPER, _SENTINEL_LETTER, _SENTINEL_OTHER])
# syntax Python's parser would read differently from the regex module (named lists, reverse
# search, POSIX classes, nested sets, fuzzy constraints): such a raw regex is not analysed
_REGEX_ONLY = regex.compile(r"\\L<|\(\?r|\[:|\[\[|\{[^}]*[eids]\s*[<=]")
_PROPERTY = regex.compile(r"\\([pP])\{\^?([^}]*)\}|\\([pP])([A-Za-z])")
_UPPER_PROPS = frozenset(["lu", "uppercaseletter", "upper", "uppercase", "gc=lu"])
_LETTER_PROPS = frozenset(
    ["l", "letter", "ll", "lowercaseletter", "lt", "lm", "lo", "alpha", "alphabetic", "gc=l"]
)


def _python_re_parser() -> Any:
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse

        return sre_parse


def _property_sentinel(m: regex.Match[str]) -> str:
    negated = (m.group(1) or m.group(3)) == "P" or m.group(0).startswith(("\\p{^", "\\P{^"))
    name = (m.group(2) or m.group(4) or "").lower().replace("_", "").replace(" ", "")
    if negated:
        return _SENTINEL_OTHER
    if name in _UPPER_PROPS:
        return _SENTINEL_UPPER
    if name in _LETTER_PROPS:
        return _SENTINEL_LETTER
    return _SENTINEL_OTHER


@attrs.frozen(slots=True)
class _RawInfo:
    first: FirstSet
    nullable: bool
    chunks: int | None


@functools.lru_cache(maxsize=512)
def _raw_info(source: str, fold: bool) -> _RawInfo:
    """First token, nullability and chunk bound of a raw regex (conservative: anything it
    cannot read, such as regex-module-only syntax, is ANY and unbounded)."""
    unknown = _RawInfo(EVERYTHING, True, None)
    if _REGEX_ONLY.search(source):
        return unknown
    text = _PROPERTY.sub(_property_sentinel, source)
    try:
        parsed = _python_re_parser().parse(text)
    except Exception:  # any syntax Python's re does not know
        return unknown
    try:
        kinds, nullable = _re_first(list(parsed), fold)
        width, chunky = _re_width(list(parsed))
    except _Unknown:
        return unknown
    first = EVERYTHING if ANY in kinds else FirstSet(kinds=frozenset(kinds))
    if width == 0:
        chunks: int | None = 0
    elif chunky:
        chunks = 1
    else:
        chunks = width if width < _MAXREPEAT else None
    return _RawInfo(first, nullable, chunks)


class _Unknown(Exception):
    pass


_ZERO_WIDTH = frozenset(["AT", "ASSERT", "ASSERT_NOT"])
_REPEATS = frozenset(["MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"])
_MAXREPEAT = 1 << 30


def _op_name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _class_kinds(items: list[tuple[Any, Any]], fold: bool) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        name = _op_name(op)
        if name == "LITERAL":
            out.add(_char_kind(chr(av), fold))
        elif name == "RANGE":
            lo, hi = av
            if hi - lo > 4096:
                out.add(ANY)
            else:
                out.update(_char_kind(chr(c), fold) for c in range(lo, hi + 1))
        elif name == "CATEGORY":
            cat = _op_name(av)
            out.add(DIGIT if cat == "CATEGORY_DIGIT" else WORDS if cat == "CATEGORY_WORD" else ANY)
        else:  # NEGATE and anything else
            out.add(ANY)
    return out


def _re_first(seq: list[tuple[Any, Any]], fold: bool) -> tuple[set[str], bool]:
    """Kinds of the first consumed character of a parsed sequence, and whether it can
    match the empty string."""
    kinds: set[str] = set()
    for op, av in seq:
        name = _op_name(op)
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            kinds.add(_char_kind(chr(av), fold))
            return kinds, False
        if name == "IN":
            kinds |= _class_kinds(list(av), fold)
            return kinds, False
        if name in ("ANY", "NOT_LITERAL"):
            kinds.add(ANY)
            return kinds, False
        if name == "SUBPATTERN":
            _group, add, delete, body = av
            inner_fold = (fold or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE
            k, nullable = _re_first(list(body), inner_fold)
        elif name == "ATOMIC_GROUP":
            k, nullable = _re_first(list(av), fold)
        elif name == "BRANCH":
            k, nullable = set(), False
            for alt in av[1]:
                ak, an = _re_first(list(alt), fold)
                k |= ak
                nullable = nullable or an
        elif name in _REPEATS:
            low, _high, body = av
            k, nullable = _re_first(list(body), fold)
            nullable = nullable or low == 0
        else:
            raise _Unknown(name)
        kinds |= k
        if not nullable:
            return kinds, False
    return kinds, True


def _is_chunk_char(ch: str) -> bool:
    return ch in _SENTINELS - {_SENTINEL_OTHER} or ch in "'-" or bool(_WORD_CHAR.match(ch))


def _class_chunky(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        name = _op_name(op)
        if name == "LITERAL":
            if not _is_chunk_char(chr(av)):
                return False
        elif name == "RANGE":
            lo, hi = av
            if hi - lo > 4096 or not all(_is_chunk_char(chr(c)) for c in range(lo, hi + 1)):
                return False
        elif name == "CATEGORY":
            if _op_name(av) not in ("CATEGORY_DIGIT", "CATEGORY_WORD"):
                return False
        else:
            return False
    return True


def _re_width(seq: list[tuple[Any, Any]]) -> tuple[int, bool]:
    """The longest match in characters (_MAXREPEAT or more: unbounded) and whether every
    consumed character is a chunk character (a word character, apostrophe or hyphen)."""
    width = 0
    chunky = True
    for op, av in seq:
        name = _op_name(op)
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            w, c = 1, _is_chunk_char(chr(av))
        elif name == "IN":
            w, c = 1, _class_chunky(list(av))
        elif name in ("ANY", "NOT_LITERAL"):
            w, c = 1, False
        elif name == "SUBPATTERN":
            w, c = _re_width(list(av[3]))
        elif name == "ATOMIC_GROUP":
            w, c = _re_width(list(av))
        elif name == "BRANCH":
            w, c = 0, True
            for alt in av[1]:
                aw, ac = _re_width(list(alt))
                w, c = max(w, aw), c and ac
        elif name in _REPEATS:
            _low, high, body = av
            bw, c = _re_width(list(body))
            w = _MAXREPEAT if high >= _MAXREPEAT and bw else bw * high
        else:
            raise _Unknown(name)
        width = min(_MAXREPEAT, width + w)
        chunky = chunky and c
    return width, chunky


def _literal_first(text: str) -> FirstSet:
    t = text.strip()
    if not t:
        return EVERYTHING
    if _WORD_CHAR.match(t[0]):
        run = regex.match(r"\w+", t)
        assert run is not None
        if t[run.end() : run.end() + 1] == "-":
            # "year-old" also matches "yearold": the first word is not a whole token
            return FirstSet(kinds=frozenset([WORDS]))
        return FirstSet(words=frozenset([run.group().casefold()]))
    kind = _char_kind(t[0], True)
    return EVERYTHING if kind == ANY else FirstSet(kinds=frozenset([kind]))


def _literal_chunks(text: str) -> int:
    pieces = text.split()
    return len(_TOKENS.findall(text)) + max(0, len(pieces) - 1)


def _form_first(forms: Iterable[str]) -> FirstSet:
    words: set[str] = set()
    kinds: set[str] = set()
    for form in forms:
        if not form:
            continue
        run = regex.match(r"\w+", form)
        if run is not None:
            words.add(run.group().casefold())
        else:
            kinds.add(_char_kind(form[0], True))
    if ANY in kinds:
        return EVERYTHING
    return FirstSet(frozenset(words), frozenset(kinds))


_ANALYSIS: list[tuple[Mapping[int, Scope], _StartAnalysis]] = []  # the last one made
_ANALYSIS_LOCK = threading.Lock()


def _analysis_for(scopes: Mapping[int, Scope]) -> _StartAnalysis:
    """The start analysis of a grammar's definitions (``scopes``), made once for all its
    rules while they are planned: its memo of first tokens and chunk bounds is what a
    rule's planning, its separators and its checks ask of again and again."""
    with _ANALYSIS_LOCK:
        if _ANALYSIS and _ANALYSIS[0][0] is scopes:
            return _ANALYSIS[0][1]
        analysis = _StartAnalysis(scopes)
        _ANALYSIS[:] = [(scopes, analysis)]
        return analysis


def release_analysis() -> None:
    """Let go of the last grammar's start analysis (and with it that grammar's syntax
    trees): call when its rules are planned."""
    with _ANALYSIS_LOCK:
        _ANALYSIS.clear()


class _StartAnalysis:
    """First tokens, nullability and chunk bounds of pattern nodes (see StartSpec)."""

    def __init__(self, scopes: Mapping[int, Scope]) -> None:
        self.scopes = scopes
        self.first_memo: dict[int, tuple[FirstSet, bool]] = {}
        # the separator before an element, by the element's and its scope's identity: a
        # definition's elements are compiled again wherever it is used
        self.separators: dict[tuple[int, int], str] = {}
        self.chunk_memo: dict[int, int | None] = {}

    def separator_before(self, node: ast.Node, scope: Scope) -> str:
        """See ``_Compiler.separator_before``."""
        key = (id(node), id(scope))
        found = self.separators.get(key)
        if found is None:
            first, nullable = self.first(node, scope)
            found = SEP if nullable or first.space or ANY in first.kinds else r"\s*"
            self.separators[key] = found
        return found

    def first(self, node: ast.Node, scope: Scope, depth: int = 0) -> tuple[FirstSet, bool]:
        """The node's first token (when its match is not empty) and whether it can match
        the empty string; as compiled by _Compiler.compile (no leading separator)."""
        if depth > 60:
            return EVERYTHING, True
        if isinstance(node, ast.Literal):
            return _literal_first(node.text), False
        if isinstance(node, ast.Raw):
            info = _raw_info(node.regex, True)
            return info.first, info.nullable
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, WordList):
                return _form_first(binding.forms), not binding.forms
            if binding is None:
                return EVERYTHING, True
            key = id(binding)
            if key not in self.first_memo:
                self.first_memo[key] = self.first(binding.pattern, self.scopes[key], depth + 1)
            return self.first_memo[key]
        if isinstance(node, ast.Capture):
            return self.first(node.item, scope, depth + 1)
        if isinstance(node, ast.NotAhead):
            return NOTHING, True
        if isinstance(node, ast.Alt):
            out, nullable = NOTHING, False
            for option in node.options:
                f, n = self.first(option, scope, depth + 1)
                out, nullable = out | f, nullable or n
            return out, nullable
        if isinstance(node, ast.Repeat):
            f, n = self.first(node.item, scope, depth + 1)
            if n and node.max > 1:  # an empty round, its trailing separator, another round
                f = f | FirstSet(space=True)
            return f, n or node.min == 0
        if isinstance(node, ast.Seq):
            out = NOTHING
            # the words look-aheads so far rule out: when an item gives the first token,
            # the items before it matched nothing, so every look-ahead among them was
            # tried at that very token
            ruled_out: frozenset[str] = frozenset()
            for i, item in enumerate(node.items):
                if isinstance(item, ast.NotAhead):
                    ruled_out |= self.one_word_forms(item.item, scope, depth + 1)
                    continue  # matches nothing, so it never gives the first token
                f, n = self.first(item, scope, depth + 1)
                if i > 0:
                    f = f | FirstSet(space=True)  # the separator before the item
                out = out | f.excluding(ruled_out)
                if not n:
                    return out, False
            return out, True
        return EVERYTHING, True

    def one_word_forms(self, node: ast.Node, scope: Scope, depth: int = 0) -> frozenset[str]:
        """Case-folded words of which each, as a whole token, is matched by the node (at
        least): a look-ahead ``!node`` fails at such a token. Only case-insensitive plain
        ASCII words are taken (what IGNORECASE matches of them is their case-folded key);
        anything else gives none, which only means fewer tokens ruled out."""
        if depth > 60:
            return frozenset()
        if isinstance(node, ast.Literal):
            text = node.text.strip()
            return frozenset([text.lower()]) if _ONE_ASCII_WORD.fullmatch(text) else frozenset()
        if isinstance(node, ast.Capture):
            return self.one_word_forms(node.item, scope, depth + 1)
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, WordList):
                if binding.case_sensitive:
                    return frozenset()
                return frozenset(f.lower() for f in binding.forms if _ONE_ASCII_WORD.fullmatch(f))
            if isinstance(binding, ast.Define):
                return self.one_word_forms(binding.pattern, self.scopes[id(binding)], depth + 1)
            return frozenset()
        if isinstance(node, ast.Alt):
            out: set[str] = set()
            for option in node.options:
                out |= self.one_word_forms(option, scope, depth + 1)
            return frozenset(out)
        if isinstance(node, ast.Seq) and len(node.items) == 1:
            return self.one_word_forms(node.items[0], scope, depth + 1)
        if isinstance(node, ast.Repeat) and node.min == 1:
            return self.one_word_forms(node.item, scope, depth + 1)
        return frozenset()

    def chunks(self, node: ast.Node, scope: Scope, depth: int = 0) -> int | None:
        """At most how many chunks a match of the node spans (None: unbounded)."""
        if depth > 60:
            return None
        if isinstance(node, ast.Literal):
            return _literal_chunks(node.text)
        if isinstance(node, ast.Raw):
            return _raw_info(node.regex, True).chunks
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, WordList):
                return max((len(_CHUNKS.findall(f)) for f in binding.forms), default=0)
            if binding is None:
                return None
            key = id(binding)
            if key not in self.chunk_memo:
                self.chunk_memo[key] = self.chunks(binding.pattern, self.scopes[key], depth + 1)
            return self.chunk_memo[key]
        if isinstance(node, ast.Capture):
            return self.chunks(node.item, scope, depth + 1)
        if isinstance(node, ast.NotAhead):
            return 0
        if isinstance(node, ast.Alt):
            total = 0
            for option in node.options:
                c = self.chunks(option, scope, depth + 1)
                if c is None:
                    return None
                total = max(total, c)
            return total
        if isinstance(node, ast.Repeat):
            c = self.chunks(node.item, scope, depth + 1)
            return None if c is None else c * node.max
        if isinstance(node, ast.Seq):
            total = 0
            for item in node.items:
                c = self.chunks(item, scope, depth + 1)
                if c is None:
                    return None
                total += c
            return total
        return None

    def specs(self, node: ast.Node, scope: Scope, depth: int = 0) -> list[StartSpec] | None:
        """Where a match of the node can start; None: anywhere."""
        if depth > 60:
            return None
        if isinstance(node, ast.Capture):
            return self.specs(node.item, scope, depth + 1)
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, ast.Define):
                return self.specs(binding.pattern, self.scopes[id(binding)], depth + 1)
        if isinstance(node, ast.Alt) and _plain_words(node) is None:
            out: list[StartSpec] = []
            plain = NOTHING
            for option in node.options:
                found = self.specs(option, scope, depth + 1)
                if found is None:
                    return None
                for spec in found:
                    if spec.anchor is not None:
                        out.append(spec)
                    elif spec.first is not None:
                        plain = plain | spec.first  # alternatives without an anchor: one set
            return [StartSpec(plain), *out] if plain != NOTHING else out
        first, nullable = self.first(node, scope, depth + 1)
        if nullable:
            return None
        spec_first = None if first.anything else first
        # the anchor: the first required element after the first that only listed words
        # (or punctuation) can start; what follows it in the rule is checked at each of
        # its tokens before any position before it is tried
        items = self.flatten(node, scope, depth + 1)
        reach: int | None = 0
        for k, (item, item_scope) in enumerate(items):
            f, n = self.first(item, item_scope, depth + 1)
            if k > 0 and not n and f.wordlike and not f.space and (f.words or f.kinds):
                source = self.suffix(items[k:], depth + 1)  # compiled by build_rule
                return [StartSpec(spec_first, f, reach, None, source)]
            c = self.chunks(item, item_scope, depth + 1)
            reach = None if reach is None or c is None else reach + c
        return None if spec_first is None else [StartSpec(spec_first)]

    def suffix(self, items: list[tuple[ast.Node, Scope]], depth: int) -> str | None:
        """A regex matching at least what the elements match in a row, kept short: the
        elements are taken whole while the regex stays under CHECK_BUDGET characters, then
        the next required one by its first token only (None when it would say no more than
        the first element's first token, or when the first element alone is over budget)."""
        comp = _Compiler("check", self.scopes, {}, self)
        parts: list[tuple[str, bool]] = []  # (regex, nullable)
        size = 0
        one_token = False  # the first element taken is one token, whatever it matches
        for item, scope in items:
            if self.chunks(item, scope, depth) == 0:
                continue  # a look-around: dropping it only loosens the check
            nullable = self.first(item, scope, depth)[1]
            body = comp.compile_item(item, scope, "", leading=False)
            if size + len(body) <= CHECK_BUDGET or not parts:
                if not parts:
                    one_token = self.one_token(item, scope)
                parts.append((body, nullable))
                size += len(body)
                continue
            if not nullable:
                token = _first_regex(self.first(item, scope, depth)[0])
                if token is not None:
                    parts.append((token, False))
            break
        while parts and parts[-1][1]:
            parts.pop()  # an optional tail constrains nothing
        if not parts or (len(parts) == 1 and (one_token or size > CHECK_BUDGET)):
            return None
        return SEP.join(body for body, _n in parts)

    def one_token(self, node: ast.Node, scope: Scope) -> bool:
        """Whether every match of the node is one token (a word of a list, a literal word):
        then its first token says all a check of it would ("killed" as an anchor of
        "killed himself | took his own life" says less)."""
        if isinstance(node, ast.Capture):
            return self.one_token(node.item, scope)
        if isinstance(node, ast.Literal):
            return len(_TOKENS.findall(node.text)) == 1
        if isinstance(node, ast.Alt):
            return all(self.one_token(option, scope) for option in node.options)
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, WordList):
                return all(len(_TOKENS.findall(form)) == 1 for form in binding.forms)
            if isinstance(binding, ast.Define):
                return self.one_token(binding.pattern, self.scopes[id(binding)])
        return False

    def flatten(self, node: ast.Node, scope: Scope, depth: int) -> list[tuple[ast.Node, Scope]]:
        """The elements every match runs through in order (sequences, captures and
        definitions opened up), for choosing an anchor."""
        if depth > 60:
            return [(node, scope)]
        if isinstance(node, ast.Capture):
            return self.flatten(node.item, scope, depth + 1)
        if isinstance(node, ast.Ref):
            binding = scope.lookup(node.name)
            if isinstance(binding, ast.Define):
                return self.flatten(binding.pattern, self.scopes[id(binding)], depth + 1)
        if isinstance(node, ast.Seq):
            out: list[tuple[ast.Node, Scope]] = []
            for item in node.items:
                out.extend(self.flatten(item, scope, depth + 1))
            return out
        return [(node, scope)]
