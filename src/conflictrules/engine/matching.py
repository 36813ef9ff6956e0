"""Running compiled rules over sentences: prefilter, match, resolve overlaps.

The prefilter is one pass over each sentence's words: a rule runs only on sentences that
contain one of its trigger words (computed by the compiler from the rule's required
words and lists). Overlapping matches of one layer are settled by priority, then length,
then position; matches of different layers never compete.

A rule is then not tried at every position of the sentence, as ``finditer`` would: the
compiler tells where a match can start (``CompiledRule.starts``: the tokens a match can
begin with, and how far before an element every match contains), and the rule's pattern is
tried with ``match`` at those positions only, left to right, each search resuming where the
last match ended. That finds exactly the matches ``finditer`` finds (the positions skipped
are positions where the pattern cannot match), at a fraction of the cost: most of a
sentence's positions are never tried. An anchor's check (the rule from the anchor on,
loosened) is itself a regex call, so it is tried only at the anchor tokens that can tell:
none when no token can begin a match, only those whose window can hold such a token, and
with an unbounded reach, only the last that passes. Every regex call, check or match, gets
what is left of the document's time budget as its timeout.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate, chain

import attrs
import regex

from conflictrules.engine.normalise import Normalised
from conflictrules.grammar.compiler import (
    ANY,
    DIGIT,
    UPPER,
    WORDS,
    CaptureInfo,
    CompiledRule,
    FirstSet,
    StartSpec,
)

_WORDS = regex.compile(r"\w+")
# a token: a run of word characters or one other character but white space, with the white
# space before it (taken whole, and only after a token or at the start: no quadratic search
# through trailing white space)
_TOKEN = regex.compile(r"((?<!\s)\s*+)(?:(\w+)|([^\w\s]))")


@attrs.frozen(slots=True)
class Capture:
    field: str
    text: str
    span: tuple[int, int]  # original offsets
    values: Mapping[str, str] | None  # the word-list row, when the capture is one list item


@attrs.frozen(slots=True)
class Match:
    rule: CompiledRule
    span: tuple[int, int]  # original offsets
    text: str  # the original text of the span
    captures: tuple[Capture, ...]
    sentence: int

    def first(self, field: str) -> Capture | None:
        for c in self.captures:
            if c.field == field:
                return c
        return None

    def all(self, field: str) -> list[Capture]:
        return [c for c in self.captures if c.field == field]


class BudgetExceeded(Exception):
    """A document used up its matching time budget."""


class Budget:
    """A per-document time budget, passed to the regex module as timeouts."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BudgetExceeded
        return left


class Sentence:
    """A normalised sentence read once for every rule set that runs on it: its words (for
    the prefilter) and its tokens (for the start positions).

    The tokens are read in ``__init__`` (almost every sentence needs them), the rest when
    first needed. The lists handed out (``starts``, ``by_key``'s values, what ``tokens``
    returns) are shared: read them, do not change them."""

    __slots__ = (
        "_by_first",
        "_chunks",
        "_digits",
        "_lower_words",
        "_parts",
        "_upper",
        "_words",
        "by_key",
        "ends",
        "firsts",
        "keys",
        "starts",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower_words: set[str] | None = None
        self._chunks: list[int] | None = None
        self._words: list[int] | None = None
        self._upper: list[int] | None = None
        self._by_first: dict[str, list[int]] | None = None
        self._digits: list[int] | None = None
        # one pass of the tokenizer: (white space before, word, punctuation) per token, one
        # of word and punctuation empty; the offsets are the running sums of the lengths
        parts: list[tuple[str, str, str]] = _TOKEN.findall(text)
        self._parts = parts
        offsets = list(accumulate(map(len, chain.from_iterable(parts))))
        self.starts: list[int] = offsets[0::3]
        self.ends: list[int] = offsets[2::3]
        self.firsts: list[str] = [w[:1] for _, w, _ in parts]  # "" for punctuation
        # case-folded word / punctuation -> indices, in order
        by_key: dict[str, list[int]] = {}
        for i, (_, word, punct) in enumerate(parts):
            key = word.casefold() if word else punct
            found = by_key.get(key)
            if found is None:
                by_key[key] = [i]
            else:
                found.append(i)
        self.by_key = by_key
        self.keys: set[str] = set(by_key)

    @property
    def lower_words(self) -> set[str]:
        """The prefilter's view: the word runs of the lower-cased text."""
        if self._lower_words is None:
            self._lower_words = set(_WORDS.findall(self.text.lower()))
        return self._lower_words

    @property
    def words(self) -> list[int]:
        if self._words is None:
            self._words = [i for i, f in enumerate(self.firsts) if f]
        return self._words

    @property
    def upper(self) -> list[int]:
        if self._upper is None:
            self._upper = [i for i, f in enumerate(self.firsts) if f and f.isupper()]
        return self._upper

    @property
    def chunks(self) -> list[int]:
        """Start offsets of the chunks (runs of word characters, apostrophes and hyphens,
        and each other punctuation mark): the tokens but those that continue a run."""
        if self._chunks is None:
            out: list[int] = []
            joins = False  # the previous token can be part of a run
            for s, (space, word, punct) in zip(self.starts, self._parts, strict=True):
                part = bool(word) or punct == "'" or punct == "-"
                if space or not (part and joins):
                    out.append(s)
                joins = part
            self._chunks = out
        return self._chunks

    @property
    def by_first(self) -> dict[str, list[int]]:
        """Word tokens by their first character, as written."""
        if self._by_first is None:
            out: dict[str, list[int]] = {}
            firsts = self.firsts
            for i in self.words:
                out.setdefault(firsts[i], []).append(i)
            self._by_first = out
        return self._by_first

    @property
    def digits(self) -> list[int]:
        if self._digits is None:
            firsts = self.firsts
            self._digits = [i for i in self.words if firsts[i].isdigit()]
        return self._digits

    def tokens(self, first: FirstSet) -> list[int]:
        """Indices of the tokens a first-token set allows, in order (not memoised: a first
        set is seldom asked about twice in a sentence, and keeping them cost more)."""
        kinds = first.kinds
        by_key = self.by_key
        hit = self.keys.intersection(first.words)  # the listed words that occur
        if not kinds:
            # only listed words (the commonest case): their index lists are disjoint
            if not hit:
                return []
            if len(hit) == 1:
                return by_key[hit.pop()]
            out: list[int] = []
            for key in hit:
                out += by_key[key]
            out.sort()
            return out
        if ANY in kinds:
            return list(range(len(self.starts)))
        chosen: set[int]
        if WORDS in kinds:
            chosen = set(self.words)
        else:
            chosen = set()
            if UPPER in kinds:
                chosen.update(self.upper)
            if DIGIT in kinds:
                chosen.update(self.digits)
            by_first: dict[str, list[int]] | None = None
            for k in kinds:
                if k[0] == "=" and len(k) == 2:
                    if by_first is None:
                        by_first = self.by_first
                    found = by_first.get(k[1])
                    if found:
                        chosen.update(found)
        if first.unless:
            # words the kinds admit but a look-ahead rules out (words listed still count)
            for key in self.keys.intersection(first.unless):
                chosen.difference_update(by_key[key])
        for key in hit:
            chosen.update(by_key[key])
        for key in kinds:
            if len(key) == 1:
                found = by_key.get(key)
                if found:
                    chosen.update(found)
        return sorted(chosen)

    def positions(self, specs: Sequence[StartSpec], budget: Budget) -> list[int]:
        """Every position where a match of one of the specs can start, in order: a token
        the spec's first set allows (or any token), with the white space before it when a
        match may begin with white space, inside a window before an anchor if any."""
        if len(specs) == 1:
            return self._positions(specs[0], budget)
        out: set[int] = set()
        for spec in specs:
            out.update(self._positions(spec, budget))
        return sorted(out)

    def _positions(self, spec: StartSpec, budget: Budget) -> list[int]:
        """The positions of one spec, in order and each once (so with no set to fill and
        sort): a token's positions (its start, and with ``space`` the white space before
        it) come after the previous token's, and the windows are disjoint and in order."""
        first = spec.first
        starts = self.starts
        anchors = None if spec.anchor is None else self.tokens(spec.anchor)
        if anchors is not None and not anchors:
            return []  # no anchor, no match (and the first tokens are not worth reading)
        idx: Sequence[int] = range(len(starts)) if first is None else self.tokens(first)
        if not idx:
            return []
        space = first is None or first.space
        out: list[int] = []
        if anchors is None:
            if not space:
                return [starts[i] for i in idx]
            ends = self.ends
            for i in idx:
                s = starts[i]
                low = ends[i - 1] if i else 0
                if low < s:
                    out.extend(range(low, s + 1))
                else:
                    out.append(s)
            return out
        # the windows only matter from the first token to the last (a window ends at a
        # token's start: one that ends before the first token's ends before its space too)
        los, his = self._windows(spec, anchors, budget, starts[idx[0]], starts[idx[-1]])
        n = len(los)
        if not n:
            return out
        k = 0
        if not space:
            # a token's start is in one window at most: the first that does not end before
            for i in idx:
                s = starts[i]
                while his[k] < s:
                    k += 1
                    if k == n:
                        return out
                if los[k] <= s:
                    out.append(s)
            return out
        # the windows and the tokens are both in text order: walk them together
        ends = self.ends
        for i in idx:
            s = starts[i]
            low = ends[i - 1] if i else 0
            while k < n and his[k] < low:
                k += 1
            if k == n:
                break
            j = k
            while j < n and los[j] <= s:
                lo, hi = max(low, los[j]), min(s, his[j])
                if lo <= hi:
                    out.extend(range(lo, hi + 1))
                j += 1
        return out

    def _windows(
        self,
        spec: StartSpec,
        found: Sequence[int],
        budget: Budget,
        least: int = 0,
        most: int | None = None,
    ) -> tuple[list[int], list[int]]:
        """Disjoint ranges [lo, hi] (as two lists, in order) of the positions at most
        ``reach`` chunks (None: any number) before an anchor token (``found``: the tokens
        ``spec.anchor`` allows) where the rest of the rule (``spec.check``) can match.

        Only the positions from ``least`` to ``most`` are asked about: the anchor tokens
        whose range ends before ``least`` or begins after ``most`` may be left out (and
        their check not tried), and so may be those before the last that passes when
        ``reach`` is None."""
        reach = spec.reach
        starts = self.starts
        check = spec.check
        text = self.text
        if found and starts[found[0]] < least:
            found = found[bisect.bisect_left(found, least, key=starts.__getitem__) :]
        if reach is None:
            # one range, [0, the last anchor token that passes]: try them from the end
            for j in reversed(found):
                if check is None or check.match(text, starts[j], timeout=budget.remaining()):
                    return [0], [starts[j]]
            return [], []
        chunks = self.chunks
        los: list[int] = []
        his: list[int] = []
        for j in found:  # in text order, so the ranges come sorted by lo and by hi
            a = starts[j]
            m = bisect.bisect_left(chunks, a) - reach - 1
            lo = chunks[m] + 1 if m >= 0 else 0
            if most is not None and lo > most:
                break
            if check is not None and not check.match(text, a, timeout=budget.remaining()):
                continue
            while los and lo <= his[-1] + 1:  # overlaps or touches the previous range
                lo = min(lo, los.pop())
                his.pop()
            los.append(lo)
            his.append(a)
        return los, his


class RuleSet:
    """Rules indexed by trigger word, ready to run on sentences."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        self.always: tuple[int, ...] = tuple(i for i, r in enumerate(rules) if r.triggers is None)
        index: dict[str, list[int]] = {}
        for i, r in enumerate(rules):
            for word in r.triggers or ():
                index.setdefault(word, []).append(i)
        self.index = {w: tuple(v) for w, v in index.items()}
        self._keys = frozenset(self.index)
        # per rule, its captures by group number, in the rule's order
        self._groups = [
            tuple((r.pattern.groupindex[name], info) for name, info in r.captures.items())
            for r in rules
        ]

    def candidates(self, text: str | Sentence) -> list[int]:
        """Indices of the rules worth running on ``text``, in rule order."""
        if isinstance(text, Sentence):
            words = text.lower_words
        else:
            words = set(_WORDS.findall(text.lower()))
        hit: set[int] = set(self.always)
        index = self.index
        for word in self._keys & words:
            hit.update(index[word])
        return sorted(hit)

    def run(
        self,
        norm: Normalised,
        original: str,
        sentence: int,
        budget: Budget,
        only: Iterable[int] | None = None,
        prepared: Sentence | None = None,
    ) -> list[Match]:
        out: list[Match] = []
        text = norm.text
        sent = prepared if prepared is not None and prepared.text == text else Sentence(text)
        for i in self.candidates(sent) if only is None else only:
            rule = self.rules[i]
            try:
                found = _find(rule, sent, budget)
            except TimeoutError:
                raise BudgetExceeded from None
            for m in found:
                if m.end() == m.start():
                    continue
                out.append(_to_match(rule, self._groups[i], m, norm, original, sentence))
        return out


def _find(rule: CompiledRule, sent: Sentence, budget: Budget) -> list[regex.Match[str]]:
    """What ``rule.pattern.finditer(sent.text)`` yields, trying only the positions where
    the compiler says a match can start."""
    text = sent.text
    pattern = rule.pattern
    if rule.starts is None:
        return list(pattern.finditer(text, timeout=budget.remaining()))
    found: list[regex.Match[str]] = []
    pos = 0
    match, remaining = pattern.match, budget.remaining
    for s in sent.positions(rule.starts, budget):
        if s < pos:
            continue
        m = match(text, s, timeout=remaining())
        if m is None:
            continue
        if m.end() == s:
            # an empty match: finditer's rules for what follows one are its own, so let
            # it carry on from here (it finds this same empty match first)
            found.extend(pattern.finditer(text, s, timeout=budget.remaining()))
            break
        found.append(m)
        pos = m.end()
    return found


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding white space (compiled repetitions carry a trailing
    space, and a sequence's separator may lead)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _to_match(
    rule: CompiledRule,
    groups: Sequence[tuple[int, CaptureInfo]],
    m: regex.Match[str],
    norm: Normalised,
    original: str,
    sentence: int,
) -> Match:
    caps: list[Capture] = []
    spans = m.allspans()  # every group's spans in one call (a pattern has up to 85 groups)
    for group, info in groups:
        for span in spans[group]:
            s, e = _trimmed(norm.text, *span)
            if e <= s:
                continue
            os_, oe = norm.span(s, e)
            text = norm.text[s:e]
            values = info.wordlist.lookup(text) if info.wordlist is not None else None
            caps.append(Capture(info.field, text, (os_, oe), values))
    caps.sort(key=lambda c: (c.span[0], -c.span[1]))
    start, end = norm.span(*_trimmed(norm.text, m.start(), m.end()))
    return Match(rule, (start, end), original[start:end], tuple(caps), sentence)


def resolve_overlaps(matches: Sequence[Match]) -> list[Match]:
    """Keep, per layer, the non-overlapping matches: priority, then length, then position."""
    by_layer: dict[str, list[Match]] = {}
    for m in matches:
        by_layer.setdefault(m.rule.layer, []).append(m)
    kept: list[Match] = []
    for layer_matches in by_layer.values():
        ordered = sorted(
            layer_matches,
            key=lambda m: (-m.rule.priority, -(m.span[1] - m.span[0]), m.span[0], m.rule.id),
        )
        taken: list[tuple[int, int]] = []
        for m in ordered:
            s, e = m.span
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            kept.append(m)
    kept.sort(key=lambda m: (m.span[0], m.rule.layer, m.span[1]))
    return kept
