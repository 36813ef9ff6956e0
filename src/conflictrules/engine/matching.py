"""Running compiled rules over sentences: prefilter, match, resolve overlaps.

The prefilter is one pass over each sentence's words: a rule runs only on sentences that
contain one of its trigger words (computed by the compiler from the rule's required
words and lists). Overlapping matches of one layer are settled by priority, then length,
then position; matches of different layers never compete.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

import attrs
import regex

from conflictrules.engine.normalise import Normalised
from conflictrules.grammar.compiler import CompiledRule

_WORDS = regex.compile(r"\w+")


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

    def candidates(self, text: str) -> list[int]:
        """Indices of the rules worth running on ``text``, in rule order."""
        hit: set[int] = set(self.always)
        index = self.index
        for word in set(_WORDS.findall(text.lower())):
            rules = index.get(word)
            if rules:
                hit.update(rules)
        return sorted(hit)

    def run(
        self,
        norm: Normalised,
        original: str,
        sentence: int,
        budget: Budget,
        only: Iterable[int] | None = None,
    ) -> list[Match]:
        out: list[Match] = []
        text = norm.text
        for i in self.candidates(text) if only is None else only:
            rule = self.rules[i]
            try:
                found = list(rule.pattern.finditer(text, timeout=budget.remaining()))
            except TimeoutError:
                raise BudgetExceeded from None
            for m in found:
                if m.end() == m.start():
                    continue
                out.append(_to_match(rule, m, norm, original, sentence))
        return out


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding white space (compiled repetitions carry a trailing
    space, and a sequence's separator may lead)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _to_match(
    rule: CompiledRule, m: regex.Match[str], norm: Normalised, original: str, sentence: int
) -> Match:
    caps: list[Capture] = []
    for group, info in rule.captures.items():
        for span in m.spans(group):
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
