"""The engine's per-sentence bookkeeping (tokens, chunks, first-token sets, start positions)
equals a plain reference: the straightforward one-token-at-a-time reading it replaced."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictrules.engine.matching import Budget, Sentence
from conflictrules.grammar.compiler import ANY, DIGIT, UPPER, WORDS, FirstSet, StartSpec

# --- the reference -----------------------------------------------------------------------

_TOKEN = regex.compile(r"(\w+)|[^\w\s]")
_CHUNK_CHAR = regex.compile(r"[\w'\-]")


@dataclass
class Reference:
    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    firsts: list[str] = field(default_factory=list)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, m in enumerate(_TOKEN.finditer(self.text)):
            self.starts.append(m.start())
            self.ends.append(m.end())
            word = m.group(1)
            self.firsts.append("" if word is None else word[0])
            key = m.group() if word is None else word.casefold()
            self.by_key.setdefault(key, []).append(i)
            self.keys.append(key)

    def chunks(self) -> list[int]:
        text = self.text
        return [
            s
            for s, f in zip(self.starts, self.firsts, strict=True)
            if not ((f or text[s] in "'-") and s > 0 and _CHUNK_CHAR.match(text, s - 1))
        ]

    def tokens(self, first: FirstSet) -> list[int]:
        kinds = first.kinds
        if ANY in kinds:
            return list(range(len(self.starts)))
        chosen: set[int] = set()
        for i, f in enumerate(self.firsts):
            if (
                f
                and self.keys[i] not in first.unless
                and (
                    WORDS in kinds
                    or (UPPER in kinds and f.isupper())
                    or (DIGIT in kinds and f.isdigit())
                    or "=" + f in kinds
                )
            ):
                chosen.add(i)
        for key, found in self.by_key.items():
            if key in first.words or (len(key) == 1 and key in kinds):
                chosen.update(found)
        return sorted(chosen)

    def positions(self, specs: tuple[StartSpec, ...]) -> list[int]:
        """Every position of every spec's tokens and windows, into a set."""
        out: set[int] = set()
        starts, ends, n = self.starts, self.ends, len(self.starts)
        for spec in specs:
            first = spec.first
            space = first is None or first.space
            idx = range(n) if first is None else self.tokens(first)
            windows: list[tuple[int, int]] | None = None
            if spec.anchor is not None:
                windows = []
                chunks = self.chunks()
                for j in self.tokens(spec.anchor):
                    a = starts[j]
                    if spec.check is not None and not spec.check.match(self.text, a):
                        continue
                    if spec.reach is None:
                        lo = 0
                    else:
                        m = bisect.bisect_left(chunks, a) - spec.reach - 1
                        lo = chunks[m] + 1 if m >= 0 else 0
                    windows.append((lo, a))
            for i in idx:
                s = starts[i]
                low = (ends[i - 1] if i else 0) if space else s
                for p in range(low, s + 1):
                    if windows is None or any(lo <= p <= hi for lo, hi in windows):
                        out.add(p)
        return sorted(out)


# --- the strategies ----------------------------------------------------------------------

PIECES = [
    *["a", "a", "ab", "B", "Ab", "1", "12", "٣", "Ⅻ", "é", "İ", "ß", "ss", "ǅ", "x\u0301", "_"],
    *["'", "-", "'s", ".", ",", "(", "\u200b", "\x00"],
    *[" ", " ", " ", " ", "  ", "\t", "\u00a0", "\u2028"],
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
WORD_KEYS = ["a", "ab", "b", "ss", "ß", "é", "i̇", "12", "1", "x\u0301", "'", ","]
KINDS = [ANY, DIGIT, UPPER, WORDS, "=a", "=A", "=1", "=é", "=İ", "'", "-", ",", "."]
FIRSTS = st.builds(
    FirstSet,
    st.frozensets(st.sampled_from(WORD_KEYS), max_size=4),
    st.frozensets(st.sampled_from(KINDS), max_size=2),
    st.booleans(),
    st.frozensets(st.sampled_from(WORD_KEYS), max_size=3),  # ruled out (unless listed)
)
CHECKS = [regex.compile(p) for p in (r"\w", r"a", r"[A-Z]", r"\d+ ?\w*", r"(?i)ab", r"'s")]


@st.composite
def texts_and_specs(draw: st.DrawFn) -> tuple[str, tuple[StartSpec, ...]]:
    """A text and specs whose first sets mostly name words of the text (so they meet)."""
    text = draw(st.lists(st.sampled_from(PIECES), min_size=3, max_size=30).map("".join))
    keys = sorted(Reference(text).by_key) or ["a"]
    firsts = st.builds(
        FirstSet,
        st.frozensets(st.sampled_from(keys), min_size=1, max_size=3)
        | st.frozensets(st.sampled_from(WORD_KEYS), max_size=3),
        st.just(frozenset()) | st.frozensets(st.sampled_from(KINDS), max_size=2),
        st.booleans(),
        st.just(frozenset()) | st.frozensets(st.sampled_from(keys), max_size=2),
    )
    spec = st.builds(
        StartSpec,
        st.none() | firsts,
        firsts | firsts | st.none(),
        st.none() | st.integers(0, 3),
        st.none() | st.sampled_from(CHECKS),
    )
    return text, tuple(draw(st.lists(spec, min_size=1, max_size=3)))


LIMITS = settings(max_examples=100, derandomize=True, deadline=None)


# --- the tests ---------------------------------------------------------------------------


@LIMITS
@given(TEXTS)
def test_tokens_and_chunks_equal_the_reference(text: str) -> None:
    sent, ref = Sentence(text), Reference(text)
    assert sent.starts == ref.starts
    assert sent.ends == ref.ends
    assert sent.firsts == ref.firsts
    assert sent.by_key == ref.by_key
    assert sent.keys == set(ref.by_key)
    assert sent.chunks == ref.chunks()


@LIMITS
@given(TEXTS, st.lists(FIRSTS, min_size=1, max_size=4))
def test_first_set_tokens_equal_the_reference(text: str, firsts: list[FirstSet]) -> None:
    sent, ref = Sentence(text), Reference(text)
    for first in firsts:
        assert sent.tokens(first) == ref.tokens(first), first


@LIMITS
@given(texts_and_specs())
def test_start_positions_equal_the_reference(case: tuple[str, tuple[StartSpec, ...]]) -> None:
    text, specs = case
    assert Sentence(text).positions(specs, Budget(None)) == Reference(text).positions(specs)


def test_a_long_run_of_trailing_white_space_has_no_token() -> None:
    # (the tokenizer reads the white space before a token only from its start: a search
    # that started again at every space of this run would take minutes, not milliseconds)
    text = "a, b" + " \u00a0" * 50_000
    sent = Sentence(text)
    assert sent.starts == [0, 1, 3]
    assert sent.chunks == [0, 1, 3]


@LIMITS
@given(TEXTS, FIRSTS, FIRSTS, st.frozensets(st.sampled_from(WORD_KEYS), max_size=3))
def test_joined_and_ruled_out_first_sets_admit_what_they_should(
    text: str, a: FirstSet, b: FirstSet, ruled_out: frozenset[str]
) -> None:
    ref = Reference(text)
    # a join admits every token either side admits (it may admit more, never less)
    assert set(ref.tokens(a | b)) >= set(ref.tokens(a)) | set(ref.tokens(b))
    # ruling words out drops exactly the tokens that are one of them (unless any token goes)
    expected = ref.tokens(a)
    if ANY not in a.kinds:
        expected = [i for i in expected if ref.keys[i] not in ruled_out]
    assert ref.tokens(a.excluding(ruled_out)) == expected
    assert Sentence(text).tokens(a.excluding(ruled_out)) == expected


def test_a_listed_word_is_admitted_though_the_kinds_rule_it_out() -> None:
    sent = Sentence("of the Of ab")
    first = FirstSet(frozenset({"the"}), frozenset({WORDS}), False, frozenset({"of", "the"}))
    assert sent.tokens(first) == [1, 3]  # "the" is listed; "of" and "Of" are ruled out
