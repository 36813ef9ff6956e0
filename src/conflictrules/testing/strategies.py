"""Hypothesis strategies that generate text from grammar rules, with what the rule must yield.

``phrases(rule)`` draws ``(text, expected)`` pairs from a compiled rule's syntax tree:

* a literal as written or in lower case (the compiler matches literals in any case), and
  the phrase's first letter capitalised when it starts with a literal, as in a sentence;
* a word list reference: one of the list's forms; a definition: its pattern, recursively;
* alternatives: one of them, the shortest first (so failures shrink to short examples, as
  ``hypothesis.extra.lark`` does); repetitions: between min and max copies;
* a capture: whatever its pattern generated, recorded as the expected value of its field;
* a negative look-ahead ``!X``: nothing, and a drawn text in which X follows there is
  rejected;
* a raw regex ``/.../``: a strategy for the known raws of the built-in pack (words, capitalised
  words, figures, days, months, years), one given by the caller in ``raws={regex: strategy}``,
  or ``hypothesis.strategies.from_regex`` when Python's ``re`` reads the regex (``\\p{Lu}``,
  possessive quantifiers and atomic groups are translated for it, and each draw is checked
  against the real regex); a regex of look-arounds only draws nothing; otherwise
  ``CannotGenerate``. ``defines={NAME: strategy}`` replaces a definition's expansion (the
  built-in ``SPELLED`` is drawn as real spelled numbers).

``expected`` maps each top-level captured field to the text of its first capture, keyed
as rule examples write fields (nested fields such as ``count.qualifier`` are left out: two
parses of one text may split them differently for the same value); for the casualty and
number layers a ``count`` (or ``count_2``...) whose captures are all plain figures ("12",
"1,400") is the count's estimate instead (an int).
``check_phrase`` matches the rule alone against a text and compares.

``sentences(rule)`` embeds phrases in sentences of news-like context.

Hypothesis is imported when a strategy is built, never when this module is imported.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import regex

from conflictrules.grammar import ast
from conflictrules.grammar.compiler import SEP, CompiledRule, Scope, _Compiler
from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.loader import Grammar
from conflictrules.grammar.wordlists import WordList, normalise_form
from conflictrules.testing._source import RuleSource, rule_source

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from conflictrules.grammar.examples import ExampleResult

__all__ = [
    "DEFAULT_TEMPLATES",
    "CannotGenerate",
    "Expected",
    "assert_phrase",
    "check_phrase",
    "known_defines",
    "known_raws",
    "pack_phrases",
    "phrases",
    "sentences",
]

Expected = dict[str, "str | int"]

#: Sentences that ``sentences`` embeds phrases in (``{}`` is the phrase). Their words next
#: to the phrase are function words and punctuation, so they do not extend a match.
DEFAULT_TEMPLATES: tuple[str, ...] = (
    "Officials said on Tuesday that {} in the attack.",
    "According to residents, {} during the night.",
    "{} near the border, a local official told reporters.",
    "In a statement on Sunday, the ministry said {}.",
    "Local media reported that {} after the shelling.",
    "The spokesman added that {} and called for an investigation.",
)

COUNT_LAYERS = ("casualty", "number")
#: How many copies beyond its minimum a repetition draws, by default.
MAX_REPEAT = 3
_PLAIN_FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_COUNT_FIELD = re.compile(r"count(?:_\d+)?")


class CannotGenerate(GrammarError):
    """The strategies cannot generate from this rule (the message says which element and
    why, at ``file:line:col``)."""


# --- tokens of a drawn phrase ---------------------------------------------------------------


@attrs.frozen(slots=True)
class _Open:
    field: str


@attrs.frozen(slots=True)
class _Close:
    field: str


@attrs.frozen(slots=True)
class _Forbid:
    pattern: Any  # regex.Pattern[str]: white space, then what must not follow
    what: str


class _Lit(str):
    """Text drawn from a literal (the only kind whose case may be changed)."""

    __slots__ = ()


_Token = str | _Open | _Close | _Forbid
_Tokens = tuple[_Token, ...]


@attrs.frozen(slots=True)
class _Rendered:
    text: str
    captures: tuple[tuple[str, int, int], ...]  # field, start, end (trimmed), in text order
    forbids: tuple[tuple[int, Any], ...]  # position, pattern


_NO_SPACE_BEFORE = tuple(",.;:)!?'’")
_NO_SPACE_AFTER = ("(",)


def _join(out: str, piece: str) -> str:
    if not out or not piece:
        return out + piece
    if piece.startswith(_NO_SPACE_BEFORE) or out.endswith(_NO_SPACE_AFTER):
        return out + piece
    return out + " " + piece


def _render(tokens: _Tokens, capitalise: bool = False) -> _Rendered:
    """Join the drawn pieces into text; ``capitalise`` the first letter when the text starts
    with a literal (as at the start of a sentence)."""
    out = ""
    opened: dict[str, list[int]] = {}
    caps: list[tuple[str, int, int]] = []
    forbids: list[tuple[int, Any]] = []
    for tok in tokens:
        if isinstance(tok, str):
            if capitalise and not out and isinstance(tok, _Lit):
                tok = tok[:1].upper() + tok[1:]
            out = _join(out, tok)
        elif isinstance(tok, _Open):
            opened.setdefault(tok.field, []).append(len(out))
        elif isinstance(tok, _Close):
            start = opened[tok.field].pop()
            s, e = start, len(out)
            while s < e and out[s].isspace():
                s += 1
            while e > s and out[e - 1].isspace():
                e -= 1
            if e > s:
                caps.append((tok.field, s, e))
        else:
            forbids.append((len(out), tok.pattern))
    caps.sort(key=lambda c: (c[1], -c[2]))
    return _Rendered(out, tuple(caps), tuple(forbids))


def _allowed(r: _Rendered, full: str, offset: int) -> bool:
    """No negative look-ahead of the phrase is contradicted by what follows it in ``full``."""
    return not any(p.match(full, offset + pos) for pos, p in r.forbids)


def _expected(r: _Rendered, layer: str) -> Expected:
    out: Expected = {}
    all_texts: dict[str, list[str]] = {}
    for field, s, e in r.captures:
        if "." in field:
            continue  # nested captures are parts of a field; ambiguous parses may split
            # them differently for the same value ("one soldier": ONE or NUMBER)
        text = r.text[s:e]
        out.setdefault(field, text)
        all_texts.setdefault(field, []).append(text)
    if layer in COUNT_LAYERS:
        for field, texts in all_texts.items():
            if _COUNT_FIELD.fullmatch(field) and all(_PLAIN_FIGURE.fullmatch(t) for t in texts):
                out[field] = sum(int(t.replace(",", "")) for t in texts)
    return out


# --- known raws ------------------------------------------------------------------------------

_WORDS = (
    "local",
    "armed",
    "young",
    "unarmed",
    "elderly",
    "foreign",
    "senior",
    "rural",
    "regional",
    "unidentified",
    "masked",
    "suspected",
    "former",
    "off-duty",
    "pro-government",
    "female",
)
_CAPWORDS = (
    "Ahmed",
    "Mariam",
    "Goma",
    "Kassala",
    "Amina",
    "Juba",
    "Hassan",
    "Diallo",
    "Bentiu",
    "Nasser",
    "Al-Amin",
    "O'Brien",
)
_POPULATIONS = ("Rohingya", "Palestinians", "Ukrainians", "Syrians", "Afghans", "Yazidis")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_ASIDES = (
    "women",
    "mostly women and children",
    "civilians from the area",
    "two of them nurses",
    "according to the local council",
)
_ACRONYMS = ("MDB", "KLF", "JNIM", "ARSA", "UFDD", "M23")
# what an unknown raw regex draws from when at least three of these words fit it
_VOCABULARY = (*_CAPWORDS, *_WORDS, *_ACRONYMS)

# the raw regexes of the built-in pack (grammars/default), as written there
RAW_WORD = r"[\w][\w'\-]*"
RAW_CAPWORD = r"(?-i:\p{Lu}[\w'\-]*)"
RAW_NUM = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?"
RAW_DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d{1,3}(?: \d{3})+(?![\d])|\d+(?:\.\d+)?(?!\d)"
RAW_POPULATION = r"(?-i:\p{Lu}\w+(?:s|ya|ans))\b"
RAW_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
RAW_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
RAW_ALIAS = r"(?-i:[A-Z][A-Za-z0-9\-]{1,9})"


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def known_raws() -> dict[str, SearchStrategy[str]]:
    """Strategies for the raw regexes of the built-in pack, keyed by the regex as written."""
    from hypothesis import strategies as st

    from conflictrules.semantics.numbers import format_digits

    def figure(n: int, style: int) -> str:
        return format_digits(n) if style == 1 and n >= 1000 else str(n)

    def spaced(n: int) -> str:
        return format_digits(n, " ")

    small = st.integers(0, 60)
    any_size = st.one_of(small, st.integers(61, 250_000))
    figures = st.builds(figure, any_size, st.sampled_from([0, 1]))
    decimals = st.builds(lambda a, b: f"{a}.{b}", st.integers(1, 9), st.integers(1, 9))
    asides = st.sampled_from(_ASIDES)
    years = st.integers(1990, 2030).map(str)
    return {
        RAW_WORD: st.sampled_from(_WORDS),
        RAW_CAPWORD: st.sampled_from(_CAPWORDS),
        RAW_NUM: st.one_of(figures, decimals),
        RAW_DIGITS: st.one_of(figures, st.integers(1000, 250_000).map(spaced), decimals),
        r"\d+": small.map(str),
        RAW_POPULATION: st.sampled_from(_POPULATIONS),
        RAW_MONTH: st.builds(
            lambda m, dot: m + ("." if dot and len(m) <= 4 and m != "May" else ""),
            st.sampled_from(_MONTHS),
            st.booleans(),
        ),
        RAW_DAY: st.one_of(st.integers(1, 31).map(str), st.integers(1, 31).map(_ordinal)),
        r"\d{4}": years,
        r"(?:19|20)\d{2}": years,
        r"\d{4}-\d{2}-\d{2}": st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(
            dt.date.isoformat
        ),
        r"[^,.;]{1,80}": asides,
        r"[^-.;]{1,80}": asides,
        r"[^()]{1,80}": asides,
        RAW_ALIAS: st.sampled_from(_ACRONYMS),
    }


_TRAILING_LOOKAHEAD = re.compile(r"(?:\(\?![^()]*\))+$")


def known_defines() -> dict[str, SearchStrategy[str]]:
    """Strategies for definitions of the built-in pack whose expansions the grammar allows
    far more loosely than news writes them: ``SPELLED`` (any run of number words) is drawn
    as real spelled numbers ("three hundred and forty", "twenty-one")."""
    from hypothesis import strategies as st

    from conflictrules.semantics.numbers import spell_number

    return {
        "SPELLED": st.builds(
            lambda n, use_and, hyphen: spell_number(n, use_and=use_and, hyphen=hyphen),
            st.one_of(st.integers(1, 20), st.integers(21, 999_999)),
            st.booleans(),
            st.booleans(),
        )
    }


_META = set("\\^$.|?*+()[]{}")


def _alphabet(pattern: str) -> str:
    """Characters to draw a raw regex's text from: letters, digits, a space, and the
    punctuation the regex itself names (so ``[^,]+`` gives words, not line noise)."""
    named = {c for c in pattern if not c.isalnum() and c not in _META and c.isprintable()}
    named |= {m for m in re.findall(r"\\(.)", pattern) if not m.isalnum()}
    return "".join(sorted(set(string.ascii_letters + string.digits + " ") | named))


def _only_lookarounds(pattern: str) -> bool:
    """Whether the regex is a sequence of look-arounds (it matches no text of its own)."""
    i = 0
    if not pattern:
        return False
    while i < len(pattern):
        if not pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            return False
        depth, in_class = 0, False
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                i += 2
                continue
            if in_class:
                in_class = ch != "]"
            elif ch == "[":
                in_class = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            i += 1
        else:
            return False
    return True


_CLASS_EQUIVALENTS = {"Lu": "A-Z", "Ll": "a-z", "L": "A-Za-z", "N": "0-9", "Nd": "0-9"}


def _for_python_re(pattern: str) -> str | None:
    """The regex in Python's ``re`` syntax, for drawing text: itself when ``re`` reads it;
    else with the ``regex``-only constructs that have a plain equivalent for generation
    replaced (``\\p{Lu}`` and friends by ASCII classes, possessive quantifiers and atomic
    groups by ordinary ones); None when that is not enough."""
    if _python_re_reads(pattern):
        return pattern
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            m = re.match(r"\\p\{(\w+)\}", pattern[i:])
            if m and m.group(1) in _CLASS_EQUIVALENTS:
                ascii_class = _CLASS_EQUIVALENTS[m.group(1)]
                out.append(ascii_class if in_class else f"[{ascii_class}]")
                i += m.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # "[]...]": a literal bracket first
                out.append("[]")
                i += 2
                continue
        elif ch == "+" and out and out[-1] in ("*", "+", "?", "}"):
            i += 1  # possessive: drop the '+'
            continue
        elif pattern.startswith("(?>", i):
            out.append("(?:")
            i += 3
            continue
        out.append(ch)
        i += 1
    plain = "".join(out)
    return plain if _python_re_reads(plain) else None


def _python_re_reads(pattern: str) -> bool:
    """Whether Python's ``re`` reads the regex with the same meaning (no regex-only syntax)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            re.compile(pattern)
        except (re.error, FutureWarning, DeprecationWarning):
            return False
    return True


# --- building a rule's strategy --------------------------------------------------------------


def _case_variants(text: str) -> list[str]:
    return list(dict.fromkeys([text, text.lower()]))


class _Builder:
    def __init__(
        self,
        rule: CompiledRule,
        source: RuleSource,
        raws: Mapping[str, SearchStrategy[str]],
        vary_case: bool,
        defines: Mapping[ast.Define, SearchStrategy[str]],
        max_repeat: int | None = None,
    ) -> None:
        self.rule = rule
        self.source = source
        self.raws = raws
        self.vary_case = vary_case
        self.defines = defines
        self.max_repeat = max_repeat
        self.stack: list[str] = []

    def resolve(self, node: ast.Ref, scope: Scope) -> ast.Define | WordList:
        binding = scope.lookup(node.name)
        if binding is None:  # the loader compiled this rule, so this cannot happen
            raise CannotGenerate(f"unknown name {node.name!r}", node.loc)
        return binding

    def min_len(self, node: ast.Node, scope: Scope, depth: int = 0) -> int:
        """A lower bound of the text's length (to put the shortest alternatives first)."""
        if depth > 60:
            return 0
        if isinstance(node, ast.Literal):
            return len(node.text)
        if isinstance(node, ast.Raw):
            return 1
        if isinstance(node, ast.Ref):
            binding = self.resolve(node, scope)
            if isinstance(binding, WordList):
                return min((len(f) for f in binding.forms), default=0)
            inner = self.source.def_scopes[id(binding)]
            return self.min_len(binding.pattern, inner, depth + 1)
        if isinstance(node, ast.Seq):
            return sum(self.min_len(i, scope, depth + 1) for i in node.items)
        if isinstance(node, ast.Alt):
            return min(self.min_len(o, scope, depth + 1) for o in node.options)
        if isinstance(node, ast.Repeat):
            return node.min * self.min_len(node.item, scope, depth + 1)
        if isinstance(node, ast.Capture):
            return self.min_len(node.item, scope, depth + 1)
        return 0

    def build(self, node: ast.Node, scope: Scope, prefix: str) -> SearchStrategy[_Tokens]:
        from hypothesis import strategies as st

        if isinstance(node, ast.Literal):
            variants = _case_variants(node.text) if self.vary_case else [node.text]
            return st.sampled_from(variants).map(lambda t: (_Lit(t),))
        if isinstance(node, ast.Raw):
            return self.raw(node).map(lambda t: (t,))
        if isinstance(node, ast.Ref):
            binding = self.resolve(node, scope)
            if isinstance(binding, WordList):
                forms = sorted(binding.forms, key=lambda f: (len(f), f))
                if not forms:
                    raise CannotGenerate(f"word list {node.name} has no forms", node.loc)
                return st.sampled_from(forms).map(lambda t: (t,))
            if binding in self.defines:
                return self.defines[binding].map(lambda t: (t,))
            if node.name in self.stack:
                raise CannotGenerate(f"definition refers to itself: {node.name}", node.loc)
            self.stack.append(node.name)
            try:
                return self.build(binding.pattern, self.source.def_scopes[id(binding)], prefix)
            finally:
                self.stack.pop()
        if isinstance(node, ast.Seq):
            parts = [self.build(item, scope, prefix) for item in node.items]
            return st.tuples(*parts).map(_concat)
        if isinstance(node, ast.Alt):
            options = sorted(node.options, key=lambda o: self.min_len(o, scope))
            return st.one_of([self.build(o, scope, prefix) for o in options])
        if isinstance(node, ast.Repeat):
            item = self.build(node.item, scope, prefix)
            most = (
                node.max if self.max_repeat is None else min(node.max, node.min + self.max_repeat)
            )
            return st.lists(item, min_size=node.min, max_size=most).map(_concat)
        if isinstance(node, ast.Capture):
            field = f"{prefix}.{node.name}" if prefix else node.name
            inner = self.build(node.item, scope, field)
            return inner.map(lambda t: (_Open(field), *t, _Close(field)))
        if isinstance(node, ast.NotAhead):
            return st.just((self.forbid(node, scope, prefix),))
        raise TypeError(node)

    def forbid(self, node: ast.NotAhead, scope: Scope, prefix: str) -> _Forbid:
        comp = _Compiler(self.rule.id, self.source.def_scopes, {})
        body = comp.compile(node.item, scope, prefix)
        lists: dict[str, Any] = comp.lists
        pattern = regex.compile(SEP + body, flags=regex.IGNORECASE | regex.V0, **lists)
        return _Forbid(pattern, body)

    def raw(self, node: ast.Raw) -> SearchStrategy[str]:
        if node.regex in self.raws:
            return self.raws[node.regex]
        bare = _TRAILING_LOOKAHEAD.sub("", node.regex)
        if bare != node.regex and bare in self.raws:  # a DAY followed by (?!\d) is still a DAY
            return self.raws[bare]
        real = regex.compile(node.regex, flags=regex.IGNORECASE | regex.V0)
        fitting = [w for w in _VOCABULARY if real.fullmatch(w)]
        if len(fitting) >= 3:  # a word-like raw: draw words of news text, not line noise
            from hypothesis import strategies as st

            return st.sampled_from(fitting)
        if _only_lookarounds(node.regex):
            from hypothesis import strategies as st

            return st.just("")  # a condition on the context, no text of its own
        plain = _for_python_re(node.regex)
        if plain is None:
            raise CannotGenerate(
                f"rule {self.rule.id}: cannot generate text for the raw regex /{node.regex}/: "
                "it uses regex-module-only syntax",
                node.loc,
                "pass phrases(..., raws={regex: strategy}) with a strategy for it",
            )
        from hypothesis import strategies as st

        strategy = st.from_regex(plain, fullmatch=True, alphabet=_alphabet(plain))
        try:
            strategy.validate()
        except Exception as exc:  # hypothesis rejects some constructs
            raise CannotGenerate(
                f"rule {self.rule.id}: cannot generate text for the raw regex "
                f"/{node.regex}/: {exc}",
                node.loc,
                "pass phrases(..., raws={regex: strategy}) with a strategy for it",
            ) from None
        if plain == node.regex:
            return strategy
        # drawn from an approximation: keep what the real regex (as compiled) accepts
        return strategy.filter(lambda t: real.fullmatch(t) is not None)


def _concat(parts: Iterable[_Tokens]) -> _Tokens:
    out: list[_Token] = []
    for p in parts:
        out.extend(p)
    return tuple(out)


# --- public strategies -----------------------------------------------------------------------


def _grammar_and_rule(
    rule: CompiledRule | str, grammar: Grammar | None
) -> tuple[CompiledRule, Grammar]:
    from conflictrules.testing.examples import grammar_for

    if isinstance(rule, str):
        g = grammar if grammar is not None else grammar_for(None)
        return g.rule(rule), g
    if grammar is None:
        grammar = grammar_for(os.path.dirname(rule.loc.path))
    return rule, grammar


def _defines_table(
    source: RuleSource, defines: Mapping[str, SearchStrategy[str]] | None
) -> dict[ast.Define, SearchStrategy[str]]:
    """Definitions drawn from a given strategy: the caller's (by name, wherever defined),
    and the built-in ones (only for the built-in pack's own definitions)."""
    from conflictrules.packs import default_pack_path

    builtin = os.path.realpath(default_pack_path())
    out: dict[ast.Define, SearchStrategy[str]] = {}
    known = known_defines()
    for scope in {id(s): s for s in source.def_scopes.values()}.values():
        for name, binding in scope.names.items():
            if not isinstance(binding, ast.Define):
                continue
            if defines and name in defines:
                out[binding] = defines[name]
            elif name in known and os.path.dirname(os.path.realpath(scope.path)) == builtin:
                out[binding] = known[name]
    return out


def _tokens(
    rule: CompiledRule,
    grammar: Grammar,
    raws: Mapping[str, SearchStrategy[str]] | None,
    vary_case: bool,
    defines: Mapping[str, SearchStrategy[str]] | None = None,
    max_repeat: int | None = None,
) -> SearchStrategy[_Tokens]:
    table = {**known_raws(), **(raws or {})}
    source = rule_source(rule, grammar)
    builder = _Builder(rule, source, table, vary_case, _defines_table(source, defines), max_repeat)
    return builder.build(source.decl.pattern, source.scope, "")


def phrases(
    rule: CompiledRule | str,
    grammar: Grammar | None = None,
    *,
    raws: Mapping[str, SearchStrategy[str]] | None = None,
    defines: Mapping[str, SearchStrategy[str]] | None = None,
    vary_case: bool = True,
    max_repeat: int | None = MAX_REPEAT,
) -> SearchStrategy[tuple[str, Expected]]:
    """Texts the rule must match, with the values it must yield: ``(text, expected)``.

    ``rule`` is a compiled rule or a rule id; ``grammar`` the loaded grammar it belongs to
    (by default: the built-in pack plus the pack the rule's file sits in). ``raws`` gives
    strategies for raw regexes (keyed by the regex as written in the rule file);
    ``defines`` strategies for definitions, by name, drawn instead of their patterns;
    ``vary_case=False`` keeps literals exactly as written; ``max_repeat`` caps how many
    copies beyond its minimum a repetition draws (``None``: up to the rule's own bound;
    nested repetitions multiply, and news text rarely lists more than a few figures).

    Raises ``CannotGenerate`` (a ``GrammarError`` with file:line:col) at once when some
    element of the rule cannot be generated.
    """
    from hypothesis import strategies as st

    compiled, g = _grammar_and_rule(rule, grammar)
    layer = compiled.layer
    capitalise = st.booleans() if vary_case else st.just(False)
    return (
        st.tuples(_tokens(compiled, g, raws, vary_case, defines, max_repeat), capitalise)
        .map(lambda x: _render(*x))
        .filter(lambda r: bool(r.text.strip()) and _allowed(r, r.text, 0))
        .map(lambda r: (r.text, _expected(r, layer)))
    )


def sentences(
    rule: CompiledRule | str,
    grammar: Grammar | None = None,
    *,
    templates: Sequence[str] = DEFAULT_TEMPLATES,
    raws: Mapping[str, SearchStrategy[str]] | None = None,
    defines: Mapping[str, SearchStrategy[str]] | None = None,
    vary_case: bool = False,
    max_repeat: int | None = MAX_REPEAT,
) -> SearchStrategy[tuple[str, Expected]]:
    """Whole sentences with a phrase of ``rule`` inside: ``(sentence, expected)``.

    Each template holds ``{}`` where the phrase goes. Literals are kept as written by
    default (``vary_case=True`` varies them as ``phrases`` does).
    """
    from hypothesis import strategies as st

    for t in templates:
        if t.count("{}") != 1:
            raise ValueError(f"a template needs exactly one '{{}}': {t!r}")
    compiled, g = _grammar_and_rule(rule, grammar)
    layer = compiled.layer

    def embed(r: _Rendered, template: str) -> tuple[str, str, int]:
        before, after = template.split("{}")
        return before + r.text + after, r.text, len(before)

    return (
        st.tuples(
            _tokens(compiled, g, raws, vary_case, defines, max_repeat), st.sampled_from(templates)
        )
        .map(lambda x: (_render(x[0], capitalise=x[1].startswith("{}")), x[1]))
        .filter(lambda x: bool(x[0].text.strip()))
        .map(lambda x: (x[0], *embed(*x)))
        .filter(lambda x: _allowed(x[0], x[1], x[3]))
        .map(lambda x: (x[1], _expected(x[0], layer)))
    )


def pack_phrases(
    grammar: Grammar,
    rules: Iterable[CompiledRule] | None = None,
    *,
    raws: Mapping[str, SearchStrategy[str]] | None = None,
    defines: Mapping[str, SearchStrategy[str]] | None = None,
) -> SearchStrategy[tuple[CompiledRule, str, Expected]]:
    """Phrases of any rule of a pack: ``(rule, text, expected)``.

    ``rules`` defaults to every rule of ``grammar``; a rule that cannot be generated
    raises ``CannotGenerate`` here, not during the test.
    """
    from hypothesis import strategies as st

    chosen = list(grammar.rules if rules is None else rules)
    if not chosen:
        raise ValueError("no rules to generate from")

    Tagged = tuple[CompiledRule, str, Expected]

    def tag(r: CompiledRule) -> Callable[[tuple[str, Expected]], Tagged]:
        return lambda p: (r, p[0], p[1])

    return st.one_of([phrases(r, grammar, raws=raws, defines=defines).map(tag(r)) for r in chosen])


# --- checking --------------------------------------------------------------------------------


def _same_capture(want: str, got: Any, wordlist: WordList | None) -> bool:
    """Same text (case and white space aside), or, for a capture of one word list, forms of
    the same row ("had died" and "died" both say outcome=killed)."""
    if not isinstance(got, str):
        return False
    if normalise_form(want, False) == normalise_form(got, False):
        return True
    if wordlist is None:
        return False
    a, b = wordlist.lookup(want), wordlist.lookup(got)
    return a is not None and a == b


def check_phrase(
    rule: CompiledRule,
    text: str,
    expected: Mapping[str, str | int],
    vague: Mapping[str, int] | None = None,
) -> ExampleResult:
    """Match ``rule`` alone against ``text``; ok when some match yields ``expected``.

    A string value is compared with the field's first captured text (case and white space
    aside), an int with the count estimate the layer's semantics give. The result renders
    as ``file:line:col: rule ID: example "TEXT": what went wrong``.
    """
    from conflictrules.engine.matching import Budget, RuleSet
    from conflictrules.engine.normalise import Normalised
    from conflictrules.grammar.examples import ExampleResult, describe

    example = ast.Example(text, tuple(expected.items()), rule.loc)
    matches = RuleSet([rule]).run(Normalised(text), text, 0, Budget(5.0), only=[0])
    if not matches:
        return ExampleResult(rule, example, False, "no match")
    lists = {info.field: info.wordlist for info in rule.captures.values() if info.wordlist}
    problems: list[tuple[list[str], dict[str, Any], str]] = []
    for m in sorted(matches, key=lambda m: (m.span[0] - m.span[1], m.span[0])):
        got: dict[str, Any] = {}
        for cap in m.captures:
            got.setdefault(cap.field, cap.text)
        values = describe(m, vague)
        wrong = []
        for key, want in expected.items():
            if isinstance(want, int) and not isinstance(want, bool):
                got[key] = values.get(key)
                if got[key] != want:
                    wrong.append(f"{key}: expected {want!r}, got {got[key]!r}")
            elif not _same_capture(str(want), got.get(key), lists.get(key)):
                wrong.append(f"{key}: expected {want!r}, got {got.get(key)!r}")
        if not wrong:
            return ExampleResult(rule, example, True, got=got)
        problems.append((wrong, got, m.text))
    wrong, got, matched = min(problems, key=lambda p: len(p[0]))
    return ExampleResult(rule, example, False, "; ".join(wrong) + f" (matched {matched!r})", got)


def assert_phrase(
    rule: CompiledRule,
    text: str,
    expected: Mapping[str, str | int],
    vague: Mapping[str, int] | None = None,
) -> None:
    """``check_phrase``, raising ``AssertionError`` with its message when it fails."""
    result = check_phrase(rule, text, expected, vague)
    if not result.ok:
        raise AssertionError(result.render())
