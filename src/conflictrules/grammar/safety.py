"""Static detection of rules that can backtrack catastrophically.

A backtracking matcher (the ``regex`` module) that fails to match a rule at some position
tries every way the rule could have matched the text before giving up. When the rule can
match the *same* text in many ways (``(a+)+``: "aaaa" is a+ four times, or twice, or ...)
that number grows exponentially with the text, and one sentence can take hours.

This module finds such rules before they run, on what the compiler produces for each
rule (so it sees exactly the regex that will run, definitions and word lists included):

1. Each rule's regex is turned into a position automaton (one state per character class
   the regex can read; named lists ``\\L<...>`` become minimal letter automata) over a
   small alphabet: the letters a-z, digits, white space, each ASCII punctuation mark, and
   one symbol each for other letters, other digits and other characters. Repetitions are
   loops carrying their bound (``*`` and ``+`` in raw regexes are unbounded). Look-arounds
   that test one character (``\\b``, ``(?<!\\w)``, ``(?!\\d)`` ...) and possessive repetitions
   (``[\\w'-]*+``) are kept as constraints on the transitions; other look-arounds are
   assumed to succeed. Normalised text never has two white-space characters in a row,
   and the analysis knows it.
2. A loop is *ambiguous* when two different paths of the automaton leave one state and
   come back to it reading the same text (the exponential-ambiguity test on the product
   automaton of Allauzen, Mohri and Rastogi, 2008). Each ambiguous loop is a finding,
   with a witness text, the location of the repetition in the grammar, and the loops or
   alternatives that compete for the same text.
3. Each finding gets a worst-case *branching* estimate: how many ways a failing match
   can divide a stretch of text among the competing paths, limited by the repetitions'
   bounds and by the longest sentence the engine ever matches (``MAX_SENTENCE``). A
   rule's branching is that of its worst finding. Findings over ``MAX_BRANCHING`` are
   errors for ``conflictrules check`` (see docs/limits.md).

Only the repetitions that can loop matter (every cycle lies inside one), so each
outermost loop is analysed on its own and the result is reused wherever the same
definition is expanded again; a loop too large to analyse whole (``SPLIT_ABOVE``) is
analysed by the loops inside it.

The analysis over-approximates (look-aheads on words are ignored, so two alternatives a
``!X`` keeps apart may be reported as competing); bounded repetitions keep such false
alarms small, which is what the threshold is for. What it cannot see (a polynomial
blow-up between two different loops, back-references) is bounded at run time by the
per-document time budget.
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Union

import attrs
import regex

from conflictrules.engine.sentences import MAX_SENTENCE
from conflictrules.grammar import ast
from conflictrules.grammar.compiler import RULE_PREFIX, Scope, _Compiler, release_analysis
from conflictrules.grammar.errors import GrammarError, GrammarErrors, Location
from conflictrules.grammar.loader import Grammar, PackInfo, link_packs

#: A rule whose worst-case branching estimate exceeds this is rejected by ``check``.
#: 10^5 ways of matching one stretch of text is tens of milliseconds of backtracking per
#: start position; bounded ambiguities stay far below it, growing ones far above
#: (docs/limits.md).
MAX_BRANCHING = 100_000
#: The longest text one rule ever runs on (the sentence cap of the engine).
INPUT_CAP = MAX_SENTENCE
#: Work limits of the analysis itself (states of one product automaton, nodes of one
#: word-list automaton); past them a rule is reported as not fully analysed.
PRODUCT_CAP = 60_000
LIST_CAP = 40_000
SPLIT_ABOVE = 4_000  # states: a loop this large is analysed by its parts at once

# --- the alphabet ------------------------------------------------------------------------

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"
_NAMES: list[str] = [
    *"abcdefghijklmnopqrstuvwxyz",
    "<letter>",
    *"0123456789",
    "<digit>",
    "_",
    " ",
    *_PUNCT,
    "<other>",
]
_INDEX = {name: i for i, name in enumerate(_NAMES)}
NSYM = len(_NAMES)
ALL = (1 << NSYM) - 1
END = 1 << NSYM  # in a "next symbol" mask: the text (or the match) ends here
FULL = ALL | END


def _bit(name: str) -> int:
    return 1 << _INDEX[name]


LETTERS = sum(_bit(c) for c in "abcdefghijklmnopqrstuvwxyz") | _bit("<letter>")
DIGITS = sum(_bit(c) for c in "0123456789") | _bit("<digit>")
WORD = LETTERS | DIGITS | _bit("_")
SPACE = _bit(" ")
NONWORD = ALL & ~WORD
PUNCT = sum(_bit(c) for c in _PUNCT) | _bit("<other>")

# blocks: what a filter may know about the previous character
B_START, B_DIGIT, B_WORD, B_SPACE, B_OTHER = range(5)
NB = 5
_BLOCK_MASK = (0, DIGITS, WORD & ~DIGITS, SPACE, NONWORD & ~SPACE)
_UNI_DIGIT = regex.compile(r"\d")
_UNI_WORD = regex.compile(r"\w")

Filter = tuple[int, int, int, int, int]  # per previous-character block: allowed next symbols
TRUE: Filter = (FULL, FULL, FULL, FULL, FULL)


@functools.lru_cache(maxsize=4096)
def _char_mask(c: str) -> int:
    low = c.lower()
    if len(low) == 1 and "a" <= low <= "z":
        return _bit(low)
    if "0" <= c <= "9" or c == "_" or c in _PUNCT:
        return _bit(c)
    if c.isspace():
        return SPACE  # normalised text has only ' ' for white space
    if _UNI_DIGIT.match(c):
        return _bit("<digit>")
    if _UNI_WORD.match(c):
        return _bit("<letter>")
    return _bit("<other>")


def _range_mask(lo: int, hi: int) -> int:
    if hi < lo:
        return 0
    if hi - lo > 4000:
        mask = 0
        for cp in range(lo, min(hi, 127) + 1):
            mask |= _char_mask(chr(cp))
        if hi > 127:
            mask |= _bit("<letter>") | _bit("<digit>") | _bit("<other>") | SPACE
        return mask
    mask = 0
    for cp in range(lo, hi + 1):
        c = chr(cp)
        mask |= _char_mask(c) | _char_mask(c.upper())
    return mask


def _conj(a: Filter, b: Filter) -> Filter:
    if a is TRUE or a == TRUE:
        return b
    if b is TRUE or b == TRUE:
        return a
    return (a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3], a[4] & b[4])


def _disj(a: Filter, b: Filter) -> Filter:
    return (a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3], a[4] | b[4])


def _dead(f: Filter) -> bool:
    return not any(f)


def _ahead(mask: int, negated: bool) -> Filter:
    m = ((ALL & ~mask) | END) if negated else mask
    return (m, m, m, m, m)


def _behind(mask: int, negated: bool) -> Filter:
    out = [FULL]
    for b in range(1, NB):
        block = _BLOCK_MASK[b]
        inside = block & mask == block
        outside = not block & mask
        ok = True
        if (negated and inside) or (not negated and outside):
            ok = False
        out.append(FULL if ok else 0)
    return (out[0], out[1], out[2], out[3], out[4])


_NONWORD_NEXT = NONWORD | END
BOUNDARY: Filter = (FULL, _NONWORD_NEXT, _NONWORD_NEXT, WORD, WORD)
NOT_BOUNDARY: Filter = (FULL, WORD, WORD, _NONWORD_NEXT, _NONWORD_NEXT)
WORD_START: Filter = (FULL, 0, 0, WORD, WORD)
WORD_END: Filter = (FULL, _NONWORD_NEXT, _NONWORD_NEXT, 0, 0)
AT_END: Filter = (END, END, END, END, END)

# --- the regex, as a tree the automaton is built from --------------------------------------

Origin = tuple[tuple[int, ...], int, int]  # (open markers, source offset, first inner marker)


class _Sym:
    """One character of a class (plain slots: the parser makes hundreds of thousands)."""

    __slots__ = ("mask", "origin")

    def __init__(self, mask: int, origin: Origin) -> None:
        self.mask = mask
        self.origin = origin


class _Cat:
    __slots__ = ("items",)

    def __init__(self, items: tuple[_Node, ...]) -> None:
        self.items = items


class _Or:
    __slots__ = ("items",)

    def __init__(self, items: tuple[_Node, ...]) -> None:
        self.items = items


@attrs.frozen(slots=True)
class _Rep:
    item: _Node
    min: int
    max: int | None
    possessive: bool
    origin: Origin


@attrs.frozen(slots=True)
class _Filt:
    filter: Filter


@attrs.frozen(slots=True)
class _List:
    key: str
    origin: Origin


@attrs.frozen(slots=True)
class _Atomic:
    item: _Node


_Node = Union[_Sym, _Cat, _Or, _Rep, _Filt, _List, _Atomic]  # noqa: UP007 (a runtime alias)


class _Unsupported(Exception):
    pass


_POSIX = {
    "alpha": LETTERS,
    "alnum": LETTERS | DIGITS,
    "digit": DIGITS,
    "lower": LETTERS,
    "upper": LETTERS,
    "space": SPACE,
    "punct": PUNCT,
    "word": WORD,
    "xdigit": DIGITS | LETTERS,
}


_LETTER_PROPERTIES = {
    *("l", "lu", "ll", "lt", "lm", "lo", "letter", "alpha", "alphabetic", "upper"),
    *("uppercase", "lower", "lowercase", "uppercaseletter", "lowercaseletter"),
}


def _property_mask(name: str) -> int:
    key = name.lower().replace("_", "").replace(" ", "")
    key = key.split("=", 1)[-1].split(":", 1)[-1]
    if key in _LETTER_PROPERTIES:
        return LETTERS
    if key in ("n", "nd", "digit", "number", "decimalnumber"):
        return DIGITS
    if key in ("p", "punct", "punctuation", "s", "symbol"):
        return PUNCT
    if key in ("z", "zs", "space", "whitespace", "separator"):
        return SPACE
    if key in ("m", "mn", "mc", "mark", "w", "word", "alnum"):
        return WORD
    return ALL


_PLAIN_RUN = re.compile(r"[^\\\[().|*+?{^$)]+")


class _Parser:
    """A parser for the `regex` module's syntax (version 0) as the compiler emits it."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.marks: list[int] = []
        self.opened: list[int] = []
        self.raw_start: dict[int, int] = {}
        self.verbose = False
        self.stack: tuple[int, ...] = ()

    def parse(self) -> _Node:
        node = self.alternation()
        if self.pos != len(self.src):
            raise _Unsupported(f"unexpected {self.src[self.pos]!r} at {self.pos}")
        return node

    def origin(self, offset: int, first: int = -1) -> Origin:
        return (self.stack, offset, first)

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.pos < len(self.src) and self.src[self.pos] == "|":
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _Or(tuple(branches))

    def sequence(self) -> _Node:
        items: list[_Node] = []
        src = self.src
        while self.pos < len(src) and src[self.pos] not in "|)":
            if self.verbose and (src[self.pos].isspace() or src[self.pos] == "#"):
                if src[self.pos] == "#":
                    end = src.find("\n", self.pos)
                    self.pos = len(src) if end < 0 else end
                else:
                    self.pos += 1
                continue
            start = self.pos
            if not self.verbose:
                run = _PLAIN_RUN.match(src, start)
                if run is not None:
                    end = run.end()
                    if end < len(src) and src[end] in "*+?{":
                        end -= 1  # the last character takes the quantifier
                    if end > start:
                        stack = self.stack
                        for i in range(start, end):
                            items.append(_Sym(_char_mask(src[i]), (stack, i, -1)))
                        self.pos = end
                        continue
            opened = len(self.opened)
            atom = self.atom()
            if atom is None:
                continue
            first = self.opened[opened] if len(self.opened) > opened else -1
            items.append(self.quantified(atom, self.origin(start, first)))
        return items[0] if len(items) == 1 else _Cat(tuple(items))

    def quantified(self, atom: _Node, origin: Origin) -> _Node:
        src = self.src
        while self.pos < len(src):
            c = src[self.pos]
            lo: int
            hi: int | None
            if c == "*":
                lo, hi, length = 0, None, 1
            elif c == "+":
                lo, hi, length = 1, None, 1
            elif c == "?":
                lo, hi, length = 0, 1, 1
            elif c == "{":
                m = regex.match(r"\{\s*(\d*)\s*(,?)\s*(\d*)\s*\}", src[self.pos :])
                if m is None or not (m.group(1) or m.group(3)):
                    return atom
                lo = int(m.group(1) or 0)
                hi = (int(m.group(3)) if m.group(3) else None) if m.group(2) else lo
                length = m.end()
            else:
                return atom
            self.pos += length
            possessive = False
            if self.pos < len(src) and src[self.pos] in "?+":
                possessive = src[self.pos] == "+"
                self.pos += 1
            atom = _Rep(atom, lo, hi, possessive, origin)
        return atom

    def atom(self) -> _Node | None:
        src = self.src
        c = src[self.pos]
        start = self.pos
        if c == "(":
            return self.group()
        if c == "[":
            self.pos += 1
            return _Sym(self.char_class(), self.origin(start))
        self.pos += 1
        if c == ".":
            return _Sym(ALL, self.origin(start))
        if c == "^":
            return _Filt(TRUE)
        if c == "$":
            return _Filt(AT_END)
        if c == "\\":
            return self.escape(start)
        return _Sym(_char_mask(c), self.origin(start))

    def group(self) -> _Node | None:
        src = self.src
        self.pos += 1  # "("
        if src.startswith("?#", self.pos):
            end = src.find(")", self.pos)
            text = src[self.pos + 2 : end]
            self.pos = end + 1
            if text[:1] == "<" and text[1:].isdigit():
                mark = int(text[1:])
                self.marks.append(mark)
                self.stack = tuple(self.marks)
                self.opened.append(mark)
                self.raw_start[mark] = self.pos + 3  # a raw regex is emitted as (?:...)
            elif text[:1] == ">" and text[1:].isdigit() and self.marks:
                self.marks.pop()
                self.stack = tuple(self.marks)
            return None
        if src.startswith("?:", self.pos) or src.startswith("?|", self.pos):
            self.pos += 2
            return self.close(self.alternation())
        if src.startswith("?>", self.pos):
            self.pos += 2
            return _Atomic(self.close(self.alternation()))
        for prefix, behind, negated in (
            ("?=", False, False),
            ("?!", False, True),
            ("?<=", True, False),
            ("?<!", True, True),
        ):
            if src.startswith(prefix, self.pos):
                self.pos += len(prefix)
                inner = self.close(self.alternation())
                return _Filt(_lookaround(inner, behind, negated))
        m = regex.match(r"\?P?<(\w+)>", src[self.pos :])
        if m is not None:
            self.pos += m.end()
            return self.close(self.alternation())
        m = regex.match(r"\?\((\w+)\)", src[self.pos :])
        if m is not None:
            # a conditional (?(group)yes|no): either branch (an over-approximation)
            self.pos += m.end()
            return self.close(self.alternation())
        if src.startswith("?P=", self.pos) or src.startswith("?(", self.pos):
            raise _Unsupported("back-references and conditionals on look-arounds")
        m = regex.match(r"\?([a-zA-Z0-9]*)(?:-([a-zA-Z0-9]*))?([:)])", src[self.pos :])
        if m is not None:
            self.pos += m.end()
            on = m.group(1)
            if m.group(3) == ")":
                if "x" in on:
                    self.verbose = True
                return None
            saved = self.verbose
            if "x" in on:
                self.verbose = True
            if m.group(2) and "x" in m.group(2):
                self.verbose = False
            node = self.close(self.alternation())
            self.verbose = saved
            return node
        if src.startswith("?", self.pos):
            raise _Unsupported(f"group syntax at {self.pos}")
        return self.close(self.alternation())

    def close(self, node: _Node) -> _Node:
        if self.pos >= len(self.src) or self.src[self.pos] != ")":
            raise _Unsupported(f"missing ) at {self.pos}")
        self.pos += 1
        return node

    def escape(self, start: int) -> _Node:
        src = self.src
        if self.pos >= len(src):
            raise _Unsupported("trailing backslash")
        c = src[self.pos]
        self.pos += 1
        origin = self.origin(start)
        simple = {
            "d": DIGITS,
            "D": ALL & ~DIGITS,
            "w": WORD,
            "W": NONWORD,
            "s": SPACE,
            "S": ALL & ~SPACE,
            "X": ALL,
            "R": SPACE,
        }
        if c in simple:
            return _Sym(simple[c], origin)
        filters = {
            "b": BOUNDARY,
            "B": NOT_BOUNDARY,
            "A": TRUE,
            "G": TRUE,
            "K": TRUE,
            "Z": AT_END,
            "z": AT_END,
            "m": WORD_START,
            "M": WORD_END,
        }
        if c in filters:
            return _Filt(filters[c])
        if c == "L":
            m = regex.match(r"<(\w+)>", src[self.pos :])
            if m is None:
                raise _Unsupported("\\L without a name")
            self.pos += m.end()
            return _List(m.group(1), origin)
        if c in "pP":
            return _Sym(self.property(c == "P"), origin)
        if (c.isdigit() and c != "0") or c == "g":
            raise _Unsupported("back-references")
        return _Sym(_char_mask(self.escaped_char(c)), origin)

    def property(self, negated: bool) -> int:
        src = self.src
        if src[self.pos] == "{":
            end = src.index("}", self.pos)
            name = src[self.pos + 1 : end]
            self.pos = end + 1
        else:
            name = src[self.pos]
            self.pos += 1
        if name.startswith("^"):
            negated, name = not negated, name[1:]
        mask = _property_mask(name)
        return (ALL & ~mask) if negated and mask != ALL else mask

    def escaped_char(self, c: str) -> str:
        """The character an escape stands for (the escape letter already consumed)."""
        src = self.src
        controls = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}
        if c in controls:
            return controls[c]
        if c in "xuU":
            if c == "x" and src.startswith("{", self.pos):
                end = src.index("}", self.pos)
                code = src[self.pos + 1 : end]
                self.pos = end + 1
                return chr(int(code, 16))
            width = {"x": 2, "u": 4, "U": 8}[c]
            code = src[self.pos : self.pos + width]
            self.pos += width
            return chr(int(code, 16))
        if c == "N" and src.startswith("{", self.pos):
            end = src.index("}", self.pos)
            name = src[self.pos + 1 : end]
            self.pos = end + 1
            try:
                return unicodedata.lookup(name)
            except KeyError:
                return "\x00"
        if c == "0":
            m = regex.match(r"[0-7]{0,2}", src[self.pos :])
            digits = m.group() if m is not None else ""
            self.pos += len(digits)
            return chr(int("0" + digits, 8))
        return c

    def char_class(self) -> int:
        src = self.src
        negated = src.startswith("^", self.pos)
        if negated:
            self.pos += 1
        mask = 0
        first = True
        while True:
            if self.pos >= len(src):
                raise _Unsupported("unterminated class")
            c = src[self.pos]
            if c == "]" and not first:
                self.pos += 1
                break
            first = False
            if src.startswith("[:", self.pos):
                end = src.find(":]", self.pos + 2)
                if end > 0:
                    name = src[self.pos + 2 : end]
                    self.pos = end + 2
                    neg = name.startswith("^")
                    m = _POSIX.get(name.lstrip("^"), ALL)
                    mask |= (ALL & ~m) if neg else m
                    continue
            lo_char: str | None
            if c == "\\":
                self.pos += 1
                e = src[self.pos]
                self.pos += 1
                sets = {
                    "d": DIGITS,
                    "D": ALL & ~DIGITS,
                    "w": WORD,
                    "W": NONWORD,
                    "s": SPACE,
                    "S": ALL & ~SPACE,
                }
                if e in sets:
                    mask |= sets[e]
                    continue
                if e in "pP":
                    mask |= self.property(e == "P")
                    continue
                lo_char = "\b" if e == "b" else self.escaped_char(e)
            else:
                self.pos += 1
                lo_char = c
            if (
                src.startswith("-", self.pos)
                and self.pos + 1 < len(src)
                and src[self.pos + 1] != "]"
            ):
                self.pos += 1
                hi_char = src[self.pos]
                self.pos += 1
                if hi_char == "\\":
                    e = src[self.pos]
                    self.pos += 1
                    hi_char = self.escaped_char(e)
                mask |= _range_mask(ord(lo_char), ord(hi_char))
            else:
                mask |= _char_mask(lo_char) | _char_mask(lo_char.upper())
        return (ALL & ~mask) if negated else mask


def _single_mask(node: _Node) -> int | None:
    """The characters of a one-character pattern (a class, or alternatives of classes)."""
    if isinstance(node, _Sym):
        return node.mask
    if isinstance(node, _Cat) and len(node.items) == 1:
        return _single_mask(node.items[0])
    if isinstance(node, _Or):
        out = 0
        for item in node.items:
            m = _single_mask(item)
            if m is None:
                return None
            out |= m
        return out
    return None


def _lookaround(inner: _Node, behind: bool, negated: bool) -> Filter:
    if isinstance(inner, _Cat) and not inner.items:
        return (0, 0, 0, 0, 0) if negated else TRUE  # (?!) never holds, (?=) always
    mask = _single_mask(inner)
    if mask is None:
        return TRUE  # a longer look-around: assumed to hold (an over-approximation)
    return _behind(mask, negated) if behind else _ahead(mask, negated)


# --- word lists as small automata --------------------------------------------------------


@attrs.frozen(slots=True)
class _Dawg:
    """A minimal deterministic automaton of a word list whose states each read one symbol:
    ``labels[i]`` is the symbol state i reads, ``children[i]`` the states that may follow
    (state 0 is the start and reads nothing), ``final[i]`` whether a form ends there."""

    labels: tuple[int, ...]
    children: tuple[tuple[int, ...], ...]
    final: tuple[bool, ...]


_DAWG_CACHE: dict[int, tuple[tuple[str, ...], _Dawg | None]] = {}


def _dawg(forms: Sequence[str]) -> _Dawg | None:
    key = hash(tuple(forms))
    hit = _DAWG_CACHE.get(key)
    if hit is not None and hit[0] == tuple(forms):
        return hit[1]
    result = _build_dawg(forms)
    if len(_DAWG_CACHE) > 256:
        _DAWG_CACHE.clear()
    _DAWG_CACHE[key] = (tuple(forms), result)
    return result


_MASKS: dict[int, tuple[tuple[str, ...], int]] = {}


def _forms_mask(forms: Sequence[str]) -> int:
    key = hash(tuple(forms))
    hit = _MASKS.get(key)
    if hit is not None and hit[0] == tuple(forms):
        return hit[1]
    mask = 0
    for ch in set("".join(forms)):
        mask |= _char_mask(ch)
    if len(_MASKS) > 256:
        _MASKS.clear()
    _MASKS[key] = (tuple(forms), mask)
    return mask


def _build_dawg(forms: Sequence[str]) -> _Dawg | None:
    # a trie over symbols (characters folded to the alphabet)
    trie_children: list[dict[int, int]] = [{}]
    trie_final = [False]
    trie_label = [0]
    for form in forms:
        node = 0
        for ch in form:
            sym = _char_mask(ch)
            nxt = trie_children[node].get(sym)
            if nxt is None:
                nxt = len(trie_children)
                if nxt > LIST_CAP * 4:
                    return None
                trie_children.append({})
                trie_final.append(False)
                trie_label.append(sym)
                trie_children[node][sym] = nxt
            node = nxt
        trie_final[node] = True
    # minimise bottom-up: equal (label, final, children) states are merged
    order: list[int] = []
    stack = [0]
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(trie_children[n].values())
    canon: dict[tuple[int, bool, tuple[int, ...]], int] = {}
    rep: dict[int, int] = {}
    labels: list[int] = []
    children: list[tuple[int, ...]] = []
    final: list[bool] = []
    for n in reversed(order):
        kids = tuple(sorted(rep[c] for c in trie_children[n].values()))
        sig = (trie_label[n] if n else -1, trie_final[n], kids)
        found = canon.get(sig)
        if found is None:
            found = len(labels)
            canon[sig] = found
            labels.append(trie_label[n])
            children.append(kids)
            final.append(trie_final[n])
        rep[n] = found
    if len(labels) > LIST_CAP:
        return None
    root = rep[0]
    # renumber so the start is 0 and every edge goes forward
    new_order: list[int] = []
    seen: set[int] = set()
    indeg: Counter[int] = Counter()
    for kids in children:
        for k in kids:
            indeg[k] += 1
    queue = deque([root])
    while queue:
        n = queue.popleft()
        if n in seen:
            continue
        seen.add(n)
        new_order.append(n)
        for k in children[n]:
            indeg[k] -= 1
            if indeg[k] == 0:
                queue.append(k)
    number = {old: i for i, old in enumerate(new_order)}
    return _Dawg(
        tuple(labels[o] for o in new_order),
        tuple(tuple(number[k] for k in children[o]) for o in new_order),
        tuple(final[o] for o in new_order),
    )


# --- the position automaton ----------------------------------------------------------------


@attrs.frozen(slots=True)
class _Loop:
    bound: int | None  # None: unbounded
    parent: int  # the enclosing loop, or -1
    origin: Origin
    possessive: bool


@attrs.frozen(slots=True)
class _Frag:
    first: tuple[tuple[int, Filter], ...]
    last: tuple[tuple[int, Filter], ...]
    null: Filter | None


_EMPTY = _Frag((), (), TRUE)
Edge = tuple[int, Filter, int]  # (target, filter, loop whose back edge this is, or -1)


class _Automaton:
    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self.lists = lists
        self.labels: list[int] = []
        self.origins: list[Origin] = []
        self.edges: list[list[Edge]] = []
        self.edge_sets: list[set[Edge]] = []
        self.pos_loop: list[int] = []  # the innermost loop each position is in, or -1
        self.top: list[int] = []  # the outermost loop each position is in, or -1
        self.current_loop = -1
        self.current_top = -1
        self.loopy: dict[int, bool] = {}
        self.loops: list[_Loop] = []
        self.approximate: list[str] = []

    def position(self, mask: int, origin: Origin) -> int:
        self.labels.append(mask)
        self.origins.append(origin)
        self.edges.append([])
        self.edge_sets.append(set())
        self.pos_loop.append(self.current_loop)
        self.top.append(self.current_top)
        return len(self.labels) - 1

    def connect(
        self, last: Iterable[tuple[int, Filter]], first: Iterable[tuple[int, Filter]], tag: int
    ) -> None:
        # only edges inside one outermost loop can lie on a cycle: the others are left out
        # (they cannot matter to the analysis, and a rule has many of them)
        top = self.top
        by_top: dict[int, list[tuple[int, Filter]]] = {}
        for q, fq in first:
            if top[q] >= 0:
                by_top.setdefault(top[q], []).append((q, fq))
        if not by_top:
            return
        for p, fp in last:
            targets = by_top.get(top[p])
            if not targets:
                continue
            out = self.edges[p]
            known = self.edge_sets[p]
            for q, fq in targets:
                if fp is TRUE:
                    f = fq
                elif fq is TRUE:
                    f = fp
                else:
                    f = _conj(fp, fq)
                    if _dead(f):
                        continue
                edge = (q, f, tag)
                if edge not in known:
                    known.add(edge)
                    out.append(edge)

    def build(self, node: _Node, loop: int, in_loop: bool) -> _Frag:
        if self.current_top < 0 and not self.has_loop(node):
            # outside every loop nothing can lie on a cycle: no positions needed
            return _EMPTY
        if isinstance(node, _Sym):
            p = self.position(node.mask, node.origin)
            return _Frag(((p, TRUE),), ((p, TRUE),), None)
        if isinstance(node, _Filt):
            return _Frag((), (), node.filter)
        if isinstance(node, _Cat):
            frag = _EMPTY
            for item in node.items:
                frag = self.cat(frag, self.build(item, loop, in_loop))
            return frag
        if isinstance(node, _Or):
            frags = [self.build(item, loop, in_loop) for item in node.items]
            null: Filter | None = None
            for f in frags:
                if f.null is not None:
                    null = f.null if null is None else _disj(null, f.null)
            return _Frag(
                tuple(x for f in frags for x in f.first),
                tuple(x for f in frags for x in f.last),
                null,
            )
        if isinstance(node, _Atomic):
            inner = node.item
            if isinstance(inner, _Rep):
                return self.build(attrs.evolve(inner, possessive=True), loop, in_loop)
            return self.build(inner, loop, in_loop)
        if isinstance(node, _Rep):
            return self.repeat(node, loop, in_loop)
        return self.word_list(node, in_loop)

    def has_loop(self, node: _Node) -> bool:
        """Whether a repetition that can loop (more than once) is inside the node."""
        if isinstance(node, _Rep):
            return node.max is None or node.max >= 2 or self.has_loop(node.item)
        if isinstance(node, (_Cat, _Or)):
            key = id(node)  # the tree is alive while it is built
            hit = self.loopy.get(key)
            if hit is None:
                hit = any(self.has_loop(item) for item in node.items)
                self.loopy[key] = hit
            return hit
        if isinstance(node, _Atomic):
            return self.has_loop(node.item)
        return False

    def cat(self, a: _Frag, b: _Frag) -> _Frag:
        self.connect(a.last, b.first, -1)
        first = a.first
        if a.null is not None:
            extra = tuple((q, _conj(a.null, f)) for q, f in b.first)
            first = first + tuple(x for x in extra if not _dead(x[1]))
        last = b.last
        if b.null is not None:
            extra = tuple((p, _conj(f, b.null)) for p, f in a.last)
            last = last + tuple(x for x in extra if not _dead(x[1]))
        null = None if a.null is None or b.null is None else _conj(a.null, b.null)
        if null is not None and _dead(null):
            null = None
        return _Frag(first, last, null)

    def repeat(self, node: _Rep, loop: int, in_loop: bool) -> _Frag:
        if node.max == 0:
            return _EMPTY
        looped = node.max is None or node.max >= 2
        lid = loop
        if looped:
            lid = len(self.loops)
            self.loops.append(_Loop(node.max, loop, node.origin, node.possessive))
        saved, saved_top = self.current_loop, self.current_top
        self.current_loop = lid
        if self.current_top < 0 and looped:
            self.current_top = lid
        body = self.build(node.item, lid, in_loop or looped)
        self.current_loop, self.current_top = saved, saved_top
        last = body.last
        stop: Filter | None = None
        if node.possessive:
            # a possessive repetition never gives back: it stops only where no further
            # iteration can start (for a complex body: where none of its one-character
            # iterations can)
            single = _single_mask(node.item)
            if single is None:
                # the symbols an iteration starts with, except those that end an
                # iteration only when a look-ahead holds (the iteration may fail there)
                conditional = {p for p, f in body.last if f != TRUE}
                single = 0
                for p, f in body.first:
                    if f == TRUE and p not in conditional:
                        single |= self.labels[p]
            if single:
                stop = _ahead(single, negated=True)
                last = tuple((p, _conj(f, stop)) for p, f in last)
                last = tuple(x for x in last if not _dead(x[1]))
        if looped:
            self.connect(last if stop is None else body.last, body.first, lid)
        null = body.null
        if node.min == 0:
            zero = TRUE if stop is None else stop
            null = zero if null is None else _disj(null, zero)
        return _Frag(body.first, last, null)

    def word_list(self, node: _List, in_loop: bool) -> _Frag:
        forms = self.lists.get(node.key, ())
        if not forms:
            return _Frag((), (), None)
        if not in_loop:
            # outside any loop a list cannot take part in an ambiguous cycle: one position
            # stands for it
            p = self.position(_forms_mask(forms), node.origin)
            return _Frag(((p, TRUE),), ((p, TRUE),), None)
        dawg = _dawg(forms)
        if dawg is None:
            self.approximate.append(node.key)
            longest = max(len(f) for f in forms)
            token = _Rep(_Sym(_forms_mask(forms), node.origin), 1, longest, False, node.origin)
            return self.build(token, self.current_loop, True)
        base = len(self.labels)
        for i in range(1, len(dawg.labels)):
            self.position(dawg.labels[i], node.origin)
        for i in range(1, len(dawg.labels)):
            out = self.edges[base + i - 1]
            known = self.edge_sets[base + i - 1]
            for k in dawg.children[i]:
                out.append((base + k - 1, TRUE, -1))
                known.add((base + k - 1, TRUE, -1))
        first = tuple((base + k - 1, TRUE) for k in dawg.children[0])
        last = tuple((base + i - 1, TRUE) for i in range(1, len(dawg.labels)) if dawg.final[i])
        return _Frag(first, last, TRUE if dawg.final[0] else None)


def _sccs(n: int, succ: Sequence[Sequence[int]]) -> list[list[int]]:
    """Strongly connected components (iterative Tarjan)."""
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            if i < len(succ[v]):
                work[-1] = (v, i + 1)
                w = succ[v][i]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
    return out


# --- ambiguity --------------------------------------------------------------------------------

Local = dict[int, list[Edge]]


@attrs.frozen(slots=True)
class _Witness:
    """Two different cycles through one state that read the same text."""

    path1: tuple[tuple[int, int, int], ...]  # (from, to, loop tag) per step
    path2: tuple[tuple[int, int, int], ...]
    text: str


class _TooBig(Exception):
    pass


_SAMPLE = {i: name for i, name in enumerate(_NAMES)}
_SAMPLE[_INDEX["<letter>"]] = "é"
_SAMPLE[_INDEX["<digit>"]] = "٣"
_SAMPLE[_INDEX["<other>"]] = "€"
_MAX_BUBBLES = 12
_BLOCKS: dict[int, tuple[int, ...]] = {}


def _sample(mask: int) -> str:
    for name in ("a", "e", "s", "1", " ", "-", "'", ","):
        if mask & _bit(name):
            return name
    low = (mask & -mask).bit_length() - 1
    return _SAMPLE.get(low, "?")


def _blocks_of(mask: int) -> tuple[int, ...]:
    out = _BLOCKS.get(mask)
    if out is None:
        out = tuple(b for b in range(1, NB) if mask & _BLOCK_MASK[b])
        if len(_BLOCKS) > 100_000:
            _BLOCKS.clear()
        _BLOCKS[mask] = out
    return out


def _witnesses(local: Local, comp: Sequence[int], labels: Sequence[int]) -> list[_Witness]:
    """Pairs of different cycles through one state that read the same text.

    This is the product-automaton test for exponential ambiguity, explored from where it
    matters: two paths part at some state (two transitions reading the same symbol), run
    side by side (the off-diagonal part of the product) and meet again; inside one
    strongly connected component they can then go back to where they parted together.
    Only the off-diagonal part is explored, which is small unless the rule is ambiguous
    in many places. Divergences are grouped by the loops whose back edges the two
    transitions are (a nested repetition parts by taking two different back edges), and
    each group is explored on its own."""
    groups: dict[tuple[int, int], list[tuple[tuple[Any, ...], tuple[int, int, int]]]] = {}
    for p in comp:
        out = local[p]
        if len(out) < 2:
            continue
        for b in _blocks_of(labels[p]):
            for n1 in range(len(out)):
                d1, f1, t1 = out[n1]
                m1 = labels[d1] & f1[b]
                if not m1:
                    continue
                for n2 in range(n1 + 1, len(out)):
                    d2, f2, t2 = out[n2]
                    m = m1 & labels[d2] & f2[b]
                    if not m:
                        continue
                    for b2 in _blocks_of(m):
                        if b == B_SPACE and b2 == B_SPACE:
                            continue  # normalised text has no two spaces in a row
                        link = ("start", p, n1, n2, m & _BLOCK_MASK[b2])
                        groups.setdefault((min(t1, t2), max(t1, t2)), []).append(
                            (link, (d1, d2, b2))
                        )
    found: list[_Witness] = []
    explored = 0
    # nested repetitions (two different back edges) first
    for _tags, divergences in sorted(groups.items(), key=lambda g: g[0][0] == g[0][1]):
        parent: dict[tuple[int, int, int], tuple[Any, ...]] = {}
        queue: deque[tuple[int, int, int]] = deque()
        meetings: list[tuple[tuple[Any, ...], int]] = []
        for link, state in divergences:
            if state[0] == state[1]:
                meetings.append((link, state[0]))
            elif state not in parent:
                parent[state] = link
                queue.append(state)
        while queue and len(meetings) < _MAX_BUBBLES:
            state = queue.popleft()
            p, q, b = state
            out2 = local[q]
            for n1, (p2, f1, _t1) in enumerate(local[p]):
                m1 = labels[p2] & f1[b]
                if not m1:
                    continue
                for n2, (q2, f2, _t2) in enumerate(out2):
                    m = m1 & labels[q2] & f2[b]
                    if not m:
                        continue
                    for b2 in _blocks_of(m):
                        if b == B_SPACE and b2 == B_SPACE:
                            continue
                        step: tuple[Any, ...] = ("step", state, n1, n2, m & _BLOCK_MASK[b2])
                        if p2 == q2:
                            meetings.append((step, p2))
                            continue
                        nxt = (p2, q2, b2)
                        if nxt not in parent:
                            explored += 1
                            if explored > PRODUCT_CAP:
                                raise _TooBig
                            parent[nxt] = step
                            queue.append(nxt)
        seen: set[tuple[int, int, int, int]] = set()
        kept = 0
        for link, meet in meetings:
            if kept >= 4:
                break
            w = _bubble(local, parent, link, meet, seen)
            if w is not None:
                found.append(w)
                kept += 1
    return found


def _bubble(
    local: Local,
    parent: Mapping[tuple[int, int, int], tuple[Any, ...]],
    link: tuple[Any, ...],
    meet: int,
    seen: set[tuple[int, int, int, int]],
) -> _Witness | None:
    """The two paths from where they part to where they meet again (inside one strongly
    connected component they can then go back together: that is not spelled out)."""
    steps: list[tuple[int, int, int, int, int]] = []  # (pos 1, pos 2, edge 1, edge 2, mask)
    while link[0] == "step":
        _kind, (p, q, b), n1, n2, m = link
        steps.append((p, q, n1, n2, m))
        link = parent[(p, q, b)]
    _kind, home, n1, n2, m = link
    steps.append((home, home, n1, n2, m))
    steps.reverse()
    e1, e2 = local[home][n1], local[home][n2]
    key = (home, meet, e1[2], e2[2])
    if key in seen:
        return None
    seen.add(key)
    p1 = tuple((p, local[p][n1][0], local[p][n1][2]) for p, _q, n1, _n2, _m in steps)
    p2 = tuple((q, local[q][n2][0], local[q][n2][2]) for _p, q, _n1, n2, _m in steps)
    return _Witness(p1, p2, "".join(_sample(m) for *_rest, m in steps))


_SIGNATURES: dict[Any, list[_Witness] | None] = {}


def _component_witnesses(
    auto: _Automaton, comp: Sequence[int], excluded: frozenset[int], notes: list[int]
) -> list[tuple[_Witness, frozenset[int]]]:
    """The witnesses of one component (cached by its shape: a definition used many times
    is analysed once); a component too large to analyse whole is split by leaving out its
    outermost loops' back edges (their numbers go to ``notes``)."""
    members = set(comp)
    order = sorted(comp)
    local: Local = {
        p: [e for e in auto.edges[p] if e[0] in members and e[2] not in excluded] for p in order
    }
    rel = {p: i for i, p in enumerate(order)}
    loop_rel: dict[int, int] = {}
    key: Any = None
    cached: list[_Witness] | None = []
    if len(order) > SPLIT_ABOVE:
        # too large to hope for: go straight to its parts
        for p in order:
            for _d, _f, t in local[p]:
                if t >= 0:
                    loop_rel.setdefault(t, len(loop_rel))
        cached = None if loop_rel else []
    else:
        shape = []
        for p in order:
            edges = []
            for d, f, t in local[p]:
                r = -1 if t < 0 else loop_rel.setdefault(t, len(loop_rel))
                edges.append((rel[d], f, r))
            shape.append((auto.labels[p], tuple(edges)))
        key = tuple(shape)
        cached = _SIGNATURES.get(key, [])
    loops_by_rel = sorted(loop_rel, key=lambda lid: loop_rel[lid])
    cycle_loops = frozenset(loop_rel)
    if key is not None and cached == [] and key not in _SIGNATURES:
        try:
            found = _witnesses(local, order, auto.labels)
            relative = [
                _Witness(
                    tuple((rel[a], rel[b], -1 if t < 0 else loop_rel[t]) for a, b, t in w.path1),
                    tuple((rel[a], rel[b], -1 if t < 0 else loop_rel[t]) for a, b, t in w.path2),
                    w.text,
                )
                for w in found
            ]
            cached = relative
        except _TooBig:
            cached = None
        if len(_SIGNATURES) > 4096:
            _SIGNATURES.clear()
        _SIGNATURES[key] = cached
    if cached is not None:
        return [
            (
                _Witness(
                    tuple(
                        (order[a], order[b], -1 if t < 0 else loops_by_rel[t])
                        for a, b, t in w.path1
                    ),
                    tuple(
                        (order[a], order[b], -1 if t < 0 else loops_by_rel[t])
                        for a, b, t in w.path2
                    ),
                    w.text,
                ),
                cycle_loops,
            )
            for w in cached
        ]
    # too large: leave out the outermost loops and look at what is left inside them
    outer = {lid for lid in cycle_loops if not _ancestors(auto.loops, lid) & cycle_loops}
    notes.extend(sorted(outer))
    out: list[tuple[_Witness, frozenset[int]]] = []
    rest = excluded | outer
    succ = [[rel[e[0]] for e in local[p] if e[2] not in rest] for p in order]
    for sub in _sccs(len(order), succ):
        if len(sub) == 1 and sub[0] not in succ[sub[0]]:
            continue
        out.extend(_component_witnesses(auto, [order[i] for i in sub], rest, notes))
    return out


def _ancestors(loops: Sequence[_Loop], lid: int) -> set[int]:
    out = set()
    parent = loops[lid].parent
    while parent >= 0:
        out.add(parent)
        parent = loops[parent].parent
    return out


# --- findings and estimates -----------------------------------------------------------------


@attrs.frozen(slots=True)
class Finding:
    """One ambiguous repetition of a rule: where, what competes for the text, how bad."""

    rule: str
    location: Location
    message: str
    hint: str
    branching: int  # worst-case ways to match one stretch of text (an estimate)
    witness: str  # a text both competing paths read (one turn of the loop)
    kind: str  # "nested", "alternatives" or "separator"
    related: tuple[Location, ...] = ()


@attrs.frozen(slots=True)
class RuleReport:
    """The safety analysis of one rule.

    ``branching`` is the rule's worst-case branching: that of its worst ambiguous
    repetition (1 when the rule is unambiguous); ``check_rules`` compares it with
    ``MAX_BRANCHING``. ``combined`` multiplies the estimates of all its findings: the
    bound for one crafted input that exercises every ambiguity of the rule at once, for
    information (ambiguities in alternatives do not really multiply)."""

    rule: str
    location: Location
    branching: int
    findings: tuple[Finding, ...]
    complete: bool = True  # False when the analysis hit one of its work limits
    note: str = ""
    combined: int = 1

    def ok(self, limit: int = MAX_BRANCHING) -> bool:
        return self.branching <= limit


def format_count(n: int) -> str:
    """10^k for large numbers, digits with commas for small ones."""
    if n < 1_000_000:
        return f"{n:,}"
    digits = len(str(n)) - 1 if n >= 10**300 else math.floor(math.log10(n))
    return f"10^{digits}"


def _binomial_sum(m: int, k: int) -> int:
    total = 0
    term = 1
    for j in range(0, k + 1):
        if j:
            term = term * (m - j + 1) // j
        total += term
    return total


class _Locator:
    """Turns origins (markers and source offsets) into grammar locations."""

    def __init__(
        self, rule: ast.RuleDecl, marks: Sequence[ast.Node], raw_start: Mapping[int, int]
    ) -> None:
        self.rule = rule
        self.marks = marks
        self.raw_start = raw_start

    def node_loc(self, mark: int) -> Location | None:
        if mark >= len(self.marks):
            return None
        loc = getattr(self.marks[mark], "loc", None)
        return loc if isinstance(loc, Location) else None

    def in_raw(self, origin: Origin) -> bool:
        stack, _offset, first = origin
        return (
            bool(stack)
            and stack[-1] < len(self.marks)
            and isinstance(self.marks[stack[-1]], ast.Raw)
            and first < 0
        )

    def at(self, origin: Origin) -> Location:
        stack, offset, first = origin
        if self.in_raw(origin):
            node = self.marks[stack[-1]]
            assert isinstance(node, ast.Raw)
            raw = node.loc
            col = raw.col + 1 + max(0, offset - self.raw_start.get(stack[-1], offset))
            return Location(raw.path, raw.line, col, raw.line_text)
        for mark in ([first] if first >= 0 else []) + list(reversed(stack)):
            loc = self.node_loc(mark)
            if loc is not None:
                return loc
        return self.rule.loc

    def via(self, origin: Origin) -> str:
        """The definitions a position is reached through ("WORD in MODIFIER")."""
        names = [
            node.name
            for node in (self.marks[m] for m in origin[0] if m < len(self.marks))
            if isinstance(node, ast.Ref)
        ]
        return " in ".join(reversed(names[-2:]))


def _short(loc: Location, base: Location) -> str:
    return f"{loc.line}:{loc.col}" if loc.path == base.path else str(loc)


def _estimate(
    loops: Sequence[_Loop], w: _Witness, cycle_loops: frozenset[int], home_loop: int
) -> tuple[int, Counter[int], Counter[int]]:
    """The worst-case number of ways the two competing paths can share out a stretch of
    text, with the loops each uses per turn (home_loop: the innermost loop of the cycle
    that the place where the paths part is in)."""

    def bound(lid: int) -> int:
        b = loops[lid].bound
        return INPUT_CAP if b is None else min(b, INPUT_CAP)

    def total(lid: int) -> int:
        """Iterations of a loop in one match: its bound times those of the enclosing
        loops that are part of the same cycle."""
        t = bound(lid)
        parent = loops[lid].parent
        while parent >= 0 and t < INPUT_CAP:
            if parent in cycle_loops:
                t *= bound(parent)
            parent = loops[parent].parent
        return min(t, INPUT_CAP)

    uses1 = Counter(t for _a, _b, t in w.path1 if t >= 0)
    uses2 = Counter(t for _a, _b, t in w.path2 if t >= 0)
    # the way back from where the paths meet to where they parted is shared: it goes
    # round the innermost loop holding both, unless both paths already went round it
    shared: Counter[int] = Counter()
    if home_loop >= 0 and not (home_loop in uses1 and home_loop in uses2):
        shared[home_loop] = 1
    length = max(1, len(w.path1))
    cap = max(1, INPUT_CAP // length)
    if not uses1 and not uses2 and not shared:
        return 2, uses1, uses2  # nothing found that repeats it: two ways, once

    def runs(uses: Counter[int]) -> int:
        """How many times in a row a cycle using these back edges can be taken."""
        return max(1, min((total(lid) // n for lid, n in uses.items()), default=INPUT_CAP))

    if uses1 == uses2:
        # the same loops either way: every iteration of the scarcest may go either way
        iterations = min((total(lid) for lid in uses1 + shared), default=INPUT_CAP)
        return 2 ** min(iterations, cap), uses1, uses2
    # one way takes loops the other does not: count the ways of placing the scarcer
    # among the turns of the other
    a, b = min(runs(uses1 + shared), cap), min(runs(uses2 + shared), cap)
    small = min(a, b)
    est = _binomial_sum(cap, small) if a + b > cap else math.comb(a + b, small)
    return est, uses1, uses2


def _home_loop(auto: _Automaton, w: _Witness, cycle_loops: frozenset[int]) -> int:
    """The innermost loop of the cycle that holds both where the paths part and where
    they meet: the way back from one to the other goes round it."""

    def chain(pos: int) -> list[int]:
        out = []
        lid = auto.pos_loop[pos]
        while lid >= 0:
            if lid in cycle_loops:
                out.append(lid)
            lid = auto.loops[lid].parent
        return out

    meet = set(chain(w.path1[-1][1]))
    for lid in chain(w.path1[0][0]):
        if lid in meet:
            return lid
    return -1


def _findings(
    rule: ast.RuleDecl,
    auto: _Automaton,
    witnesses: Sequence[tuple[_Witness, frozenset[int]]],
    where: _Locator,
) -> list[Finding]:
    out: dict[tuple[Any, ...], Finding] = {}
    loops = auto.loops
    for w, cycle_loops in witnesses:
        home_loop = _home_loop(auto, w, cycle_loops)
        estimate, uses1, uses2 = _estimate(loops, w, cycle_loops, home_loop)
        if uses1 != uses2:
            only = sorted(
                set((uses1 - uses2) + (uses2 - uses1)), key=lambda lid: _depth(loops, lid)
            )
            if not only:
                only = sorted(set(uses1) | set(uses2), key=lambda lid: _depth(loops, lid))
            outer, inner = only[0], only[-1]
            loc = where.at(loops[outer].origin)
            inner_loc = where.at(loops[inner].origin)
            via = where.via(loops[inner].origin)
            where_inner = f" (in {via})" if via else ""
            if outer == inner or (inner_loc == loc and not where_inner):
                what = "this repetition can divide the same text among its iterations"
            elif inner in _ancestors(loops, outer) or outer in _ancestors(loops, inner):
                what = (
                    f"a repetition inside a repetition: the inner one{where_inner} at "
                    f"{_short(inner_loc, loc)} and this one can divide the same text "
                    "between their iterations"
                )
            else:
                what = (
                    f"this repetition and the one{where_inner} at {_short(inner_loc, loc)} "
                    "can divide the same text between them"
                )
            what += f", e.g. {w.text * 3!r}"
            raw = [lid for lid in only if where.in_raw(loops[lid].origin)]
            if raw:
                hint = (
                    "make the repetition in the raw regex possessive ('*' -> '*+', "
                    "'+' -> '++') or atomic '(?>...)' so that it never gives back "
                    "characters, or drop one of the two repetitions"
                )
            else:
                hint = (
                    "repeat the item once (X{1,8} rather than (X{1,4}){1,2}), or make the "
                    "inner part unable to match what the next iteration starts with"
                )
            related = tuple(dict.fromkeys(where.at(loops[lid].origin) for lid in only[1:]))
            key: tuple[Any, ...] = ("nested", loc, inner_loc)
            kind = "nested"
        else:
            common = sorted(uses1, key=lambda lid: _depth(loops, lid))
            lid = common[-1] if common else home_loop
            loc = where.at(loops[lid].origin) if lid >= 0 else rule.loc
            diff = [
                (a, b) for (_x, a, _t), (_y, b, _u) in zip(w.path1, w.path2, strict=True) if a != b
            ]
            pa, pb = diff[0] if diff else (w.path1[0][1], w.path2[0][1])
            la, lb = where.at(auto.origins[pa]), where.at(auto.origins[pb])
            related = tuple(x for x in dict.fromkeys((la, lb)) if x != loc)
            if auto.labels[pa] == SPACE and auto.labels[pb] == SPACE:
                # both read the same space: the white space the compiler allows between
                # items, once after an optional or repeated item and once before the next
                what = (
                    "the space between two items of this repetition can be matched by "
                    "two different separators (the one after an optional or repeated "
                    "item and the one before the next), so every iteration may be "
                    "matched two ways"
                )
                hint = (
                    "avoid an optional item at the start of a repeated group: write "
                    "(A B | B){0,n} rather than (A? B){0,n}; see docs/limits.md"
                )
                kind = "separator"
            else:
                if la == lb:
                    parts = f"two ways through the pattern at {_short(la, loc)}"
                else:
                    parts = f"the parts at {_short(la, loc)} and {_short(lb, loc)}"
                what = (
                    f"under this repetition {parts} can both match {w.text!r}, so each "
                    "iteration may be matched more than one way"
                )
                hint = (
                    "make the alternatives exclusive (each text matched one way only), "
                    "e.g. by excluding one from the other with !X, or repeat fewer times"
                )
                kind = "alternatives"
            key = (kind, loc, frozenset((la, lb)))
        finding = Finding(rule.id, loc, what, hint, estimate, w.text, kind, related)
        previous = out.get(key)
        if previous is None or previous.branching < finding.branching:
            out[key] = finding
    return sorted(out.values(), key=lambda f: -f.branching)


def _depth(loops: Sequence[_Loop], lid: int) -> int:
    d = 0
    while lid >= 0:
        lid = loops[lid].parent
        d += 1
    return d


class _Shaper:
    """Keys that identify a loop's subtree across rules: its structure, its word lists
    (by content) and the grammar nodes its positions come from. A definition expanded in
    many rules has the same key everywhere, so it is analysed once."""

    def __init__(self, lists: Mapping[str, Sequence[str]], where: _Locator) -> None:
        self.lists = lists
        self.where = where
        self.memo: dict[int, Any] = {}  # id(node) -> key (the tree is alive meanwhile)

    def place(self, origin: Origin) -> Any:
        stack, offset, first = origin
        marks = self.where.marks
        inner = id(marks[stack[-1]]) if stack and stack[-1] < len(marks) else None
        outer = id(marks[first]) if 0 <= first < len(marks) else None
        raw = offset - self.where.raw_start.get(stack[-1], 0) if stack else offset
        return (inner, outer, raw if self.where.in_raw(origin) else None)

    def key(self, node: _Node) -> Any:
        hit = self.memo.get(id(node))
        if hit is not None:
            return hit
        out: Any
        if isinstance(node, _Sym):
            out = ("s", node.mask, self.place(node.origin))
        elif isinstance(node, _Filt):
            out = ("f", node.filter)
        elif isinstance(node, (_Cat, _Or)):
            out = (type(node).__name__, tuple(self.key(i) for i in node.items))
        elif isinstance(node, _Rep):
            out = (
                "r",
                self.key(node.item),
                node.min,
                node.max,
                node.possessive,
                self.place(node.origin),
            )
        elif isinstance(node, _Atomic):
            out = ("a", self.key(node.item))
        else:
            out = ("l", hash(tuple(self.lists.get(node.key, ()))), self.place(node.origin))
        self.memo[id(node)] = out
        return out


def _size(node: _Node, lists: Mapping[str, Sequence[str]], memo: dict[int, int]) -> int:
    """About how many positions the automaton of a node has (word lists inside loops
    count their letter automata)."""
    hit = memo.get(id(node))
    if hit is not None:
        return hit
    if isinstance(node, _Sym):
        out = 1
    elif isinstance(node, (_Cat, _Or)):
        out = sum(_size(i, lists, memo) for i in node.items)
    elif isinstance(node, (_Rep, _Atomic)):
        out = _size(node.item, lists, memo)
    elif isinstance(node, _List):
        dawg = _dawg(lists.get(node.key, ()))
        out = len(dawg.labels) if dawg is not None else 2
    else:
        out = 0
    memo[id(node)] = out
    return out


def _top_loops(
    tree: _Node, lists: Mapping[str, Sequence[str]], too_large: list[_Rep]
) -> list[_Rep]:
    """The outermost repetitions that can loop: every cycle lies inside one of them. A
    repetition too large to analyse whole gives its inner ones instead (and goes to
    ``too_large``)."""
    out: list[_Rep] = []
    memo: dict[int, int] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _Rep):
            if node.max is None or node.max >= 2:
                if _size(node, lists, memo) > SPLIT_ABOVE:
                    too_large.append(node)
                    stack.append(node.item)
                else:
                    out.append(node)
            else:
                stack.append(node.item)
        elif isinstance(node, (_Cat, _Or)):
            stack.extend(reversed(node.items))
        elif isinstance(node, _Atomic):
            stack.append(node.item)
    return out


_LOOP_CACHE: dict[Any, tuple[tuple[Finding, ...], tuple[str, ...], bool]] = {}


def _analyse_loop(
    rule: ast.RuleDecl, node: _Rep, lists: Mapping[str, Sequence[str]], where: _Locator
) -> tuple[tuple[Finding, ...], tuple[str, ...], bool]:
    auto = _Automaton(lists)
    auto.build(node, -1, False)
    succ = [[e[0] for e in out] for out in auto.edges]
    witnesses: list[tuple[_Witness, frozenset[int]]] = []
    split: list[int] = []
    for comp in _sccs(len(succ), succ):
        if len(comp) == 1 and comp[0] not in succ[comp[0]]:
            continue
        witnesses.extend(_component_witnesses(auto, comp, frozenset(), split))
    notes = []
    if split:
        places = sorted({str(where.at(auto.loops[lid].origin)) for lid in split})
        notes.append(
            "too large to analyse as a whole (its parts were): the repetitions at "
            + ", ".join(places)
        )
    if auto.approximate:
        notes.append("word lists approximated: " + ", ".join(sorted(set(auto.approximate))))
    return tuple(_findings(rule, auto, witnesses, where)), tuple(notes), not split


def analyse_source(
    rule: ast.RuleDecl,
    source: str,
    lists: Mapping[str, Sequence[str]],
    marks: Sequence[ast.Node] = (),
) -> RuleReport:
    """The safety report of one rule from its (instrumented) regex source."""
    parser = _Parser(source)
    try:
        tree = parser.parse()
    except (_Unsupported, ValueError, IndexError) as exc:
        return RuleReport(rule.id, rule.loc, 1, (), False, f"not analysed: {exc}")
    where = _Locator(rule, marks, parser.raw_start)
    shaper = _Shaper(lists, where)
    found: dict[tuple[Location, str], Finding] = {}
    notes: list[str] = []
    too_large: list[_Rep] = []
    loops = _top_loops(tree, lists, too_large)
    complete = not too_large
    if too_large:
        places = ", ".join(sorted({str(where.at(r.origin)) for r in too_large}))
        notes.append(
            f"too large to analyse as a whole (its parts were): the repetitions at {places}"
        )
    for loop in loops:
        # without markers every position is placed at the rule: its loops are its own
        key = shaper.key(loop) if marks else (rule.loc, shaper.key(loop))
        hit = _LOOP_CACHE.get(key)
        if hit is None:
            hit = _analyse_loop(rule, loop, lists, where)
            if len(_LOOP_CACHE) > 2048:
                _LOOP_CACHE.clear()
            _LOOP_CACHE[key] = hit
        loop_findings, loop_notes, loop_complete = hit
        for f in loop_findings:
            f = attrs.evolve(f, rule=rule.id)
            previous = found.get((f.location, f.message))
            if previous is None or previous.branching < f.branching:
                found[(f.location, f.message)] = f
        notes.extend(n for n in loop_notes if n not in notes)
        complete = complete and loop_complete
    findings = sorted(found.values(), key=lambda f: -f.branching)
    combined = 1
    for f in findings:
        combined *= max(1, f.branching)
    worst = max((f.branching for f in findings), default=1)
    return RuleReport(
        rule.id, rule.loc, worst, tuple(findings), complete, "; ".join(notes), combined
    )


# --- from packs to rules ----------------------------------------------------------------------


class _MarkingCompiler(_Compiler):
    """The rule compiler, leaving a comment marker around every located node so that
    positions of the regex can be traced back to the grammar."""

    def __init__(self, rule_id: str, scopes: Mapping[int, Scope]) -> None:
        super().__init__(rule_id, scopes, {})
        self.marks: list[ast.Node] = []

    def compile(self, node: ast.Node, scope: Scope, prefix: str) -> str:
        out = super().compile(node, scope, prefix)
        if getattr(node, "loc", None) is None:
            return out
        self.marks.append(node)
        i = len(self.marks) - 1
        return f"(?#<{i}){out}(?#>{i})"


def _rules_of(
    packs: Sequence[PackInfo],
) -> list[tuple[ast.RuleDecl, Scope, dict[int, Scope]]]:
    """The effective rules of the packs with the scope each is compiled in."""
    linked = link_packs(packs)
    return [(decl, scope, linked.def_scopes) for decl, scope in linked.effective()]


GrammarLike = Union[Grammar, PackInfo, str, "os.PathLike[str]", Sequence[Any]]


def _packs_of(target: GrammarLike) -> list[PackInfo]:
    if isinstance(target, Grammar):
        return list(target.packs)
    if isinstance(target, PackInfo):
        return [target]
    if isinstance(target, (str, os.PathLike)):
        target = [target]
    items = list(target)
    if all(isinstance(p, PackInfo) for p in items):
        return items
    from conflictrules.packs import resolve_packs

    paths = [os.fspath(p) if not isinstance(p, PackInfo) else p.path for p in items]
    return resolve_packs(paths, plugins=False, default=True) if paths else []


def analyse_rules(
    grammar_or_packs: GrammarLike, rules: Collection[str] | None = None
) -> list[RuleReport]:
    """A safety report for every rule the packs (or an already loaded grammar) define, or
    for the rules with the given ids.

    Raises GrammarErrors when a rule does not compile."""
    packs = _packs_of(grammar_or_packs)
    # loops are shared between rules by the identity of their grammar nodes, which live
    # as long as this call: start afresh
    _LOOP_CACHE.clear()
    reports = []
    errors: list[GrammarError] = []
    try:
        for decl, scope, def_scopes in _rules_of(packs):
            if rules is not None and decl.id not in rules:
                continue
            comp = _MarkingCompiler(decl.id, def_scopes)
            try:
                body = comp.compile(decl.pattern, scope, "")
            except GrammarError as err:
                errors.append(err)  # a grammar that does not compile (the loader says so)
                continue
            reports.append(analyse_source(decl, RULE_PREFIX + body, comp.lists, comp.marks))
    finally:
        release_analysis()  # the compilers' shared start analysis, as the loader does
    if errors:
        raise GrammarErrors(errors)
    return reports


def check_rules(
    grammar_or_packs: GrammarLike,
    rules: Collection[str] | None = None,
    limit: int = MAX_BRANCHING,
) -> list[GrammarError]:
    """Errors for the repetitions that can backtrack catastrophically, each at the
    file:line:col to fix, with the rules affected (empty when every rule's worst-case
    branching is within ``limit``).

    Takes a loaded ``Grammar`` (preferred: ``load_grammar(...)`` as ``check`` has it),
    ``PackInfo``s, or pack paths (then loaded after the built-in pack); ``rules`` limits
    the report to those rule ids (the rules of the files being checked). A rule that does
    not compile gives its GrammarError."""
    try:
        reports = analyse_rules(grammar_or_packs, rules)
    except GrammarErrors as errs:
        return list(errs.errors)
    except GrammarError as err:
        return [err]
    # one error per place to fix (the worst finding there), naming every rule affected
    grouped: dict[Location, list[Finding]] = {}
    for report in reports:
        for f in report.findings:
            if f.branching > limit:
                grouped.setdefault(f.location, []).append(f)
    errors: list[GrammarError] = []
    for loc, found in grouped.items():
        rules = list(dict.fromkeys(f.rule for f in found))
        named = ", ".join(rules[:3]) + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")
        worst = max(found, key=lambda f: f.branching)
        errors.append(
            GrammarError(
                f"catastrophic backtracking in rule{'s' if len(rules) > 1 else ''} {named}: "
                f"{worst.message}; about {format_count(worst.branching)} ways to match the "
                f"same text before a failing match gives up (limit {format_count(limit)})",
                loc,
                worst.hint,
            )
        )
    return errors


#: The name ``conflictrules check`` calls (the same function).
check_grammar = check_rules
