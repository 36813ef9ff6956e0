"""Any text in, a valid Document out: property tests over arbitrary Unicode and over text
made of the grammars' own words, explicit hard cases, limits, and a hostile grammar run
through the command line."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conflictrules import cli
from conflictrules.engine.sentences import MAX_SENTENCE, split_sentences
from conflictrules.extractor import MAX_DOCUMENT_CHARS, Extractor, load_grammar
from conflictrules.grammar import ast
from conflictrules.grammar.syntax import parse_file
from conflictrules.model import Document

SEEDS = Path(__file__).resolve().parent / "seeds" / "dispatches.jsonl"
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile_pack"
BUDGET_ERROR = "time budget of"

# a short budget keeps a pathological example from stalling the suite; hitting it is a
# valid outcome (an entry in errors), not a failure
PROPERTY_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.lru_cache(maxsize=1)
def extractor() -> Extractor:
    return Extractor(budget_seconds=5.0)


def check_document(text: str, doc: Document) -> None:
    """The invariants every Document must hold for the text it was read from."""
    assert isinstance(doc, Document)
    n = len(text)

    def within(span: tuple[int, int] | None) -> None:
        assert span is not None
        start, end = span
        assert 0 <= start <= end <= n, (span, n)

    for c in doc.casualties:
        within(c.span)
        assert text[c.span[0] : c.span[1]] == c.text
        assert c.count.estimate is None or c.count.estimate >= 0
        if c.time is not None and c.time.span is not None:
            within(c.time.span)
            assert text[c.time.span[0] : c.time.span[1]] == c.time.text
        if c.subset_of is not None:
            assert 0 <= c.subset_of < len(doc.casualties)
        if c.attribution is not None:
            assert 0 <= c.attribution < len(doc.attributions)
    for a in doc.actors:
        assert a.mentions
        for m in a.mentions:
            within(m)
    for a in doc.attributions:
        within(a.span)
        if a.claim is not None:
            within(a.claim)
    # totals and casualties agree: an outcome is totalled exactly when a figure has it
    assert set(doc.totals) == {c.outcome for c in doc.casualties}
    for count in doc.totals.values():
        assert count.estimate is None or count.estimate >= 0
    assert all(isinstance(e, str) and e for e in doc.errors)
    json.dumps(doc.to_dict())  # serialisable as the contract says


def extract_checked(text: str, **kw: Any) -> Document:
    doc = extractor().extract(text, **kw)
    check_document(text, doc)
    return doc


# --- property: arbitrary Unicode ------------------------------------------------------------


@PROPERTY_SETTINGS
@given(st.text(max_size=400))
@example("")
@example("\ud800 lone surrogate \udfff")
@example("\x00\x01\x02\x7f\x1b[31m")
def test_any_unicode_text_gives_a_valid_document(text: str) -> None:
    doc = extract_checked(text)
    assert all(BUDGET_ERROR in e for e in doc.errors)


# --- property: text made of the grammars' own words -----------------------------------------


def _grammar_vocabulary() -> list[str]:
    grammar = load_grammar()
    words: set[str] = set()
    for wl in grammar.lists.values():
        words.update(sorted(wl.forms)[:400])
    for path in grammar.files:
        rf = parse_file(path, Path(path).read_text(encoding="utf-8"))
        stack: list[Any] = [
            st_.pattern for st_ in rf.statements if isinstance(st_, (ast.Define, ast.RuleDecl))
        ]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Literal):
                words.add(node.text)
            elif isinstance(node, (ast.Seq, ast.Alt)):
                stack.extend(node.items if isinstance(node, ast.Seq) else node.options)
            elif isinstance(node, (ast.Repeat, ast.Capture, ast.NotAhead)):
                stack.append(node.item)
    return sorted(words)


VOCABULARY = _grammar_vocabulary()
NUMBERS = ["0", "1", "3", "10", "12", "1,400", "2 000", "1.2", "99", "2024", "15-20", "10–15"]
NUMBER_WORDS = ["one", "two", "three", "a dozen", "dozens", "hundreds", "twenty-one", "forty"]
PUNCTUATION = [".", ",", ";", ":", "!", "?", "(", ")", '"', "'", "“", "”", "‘", "’", "–", "—", "-"]
ODD = ["\u00a0", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\t", "\x00", "\U0001f600"]
NAMES = ["Ahmad", "Kyiv", "الجيش", "חמאס", "Дніпро", "Mogadishu", "Al-Shabaab", "ISIS"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\r\n", "\n\n", "\r\n\r\n", ", ", " – ", "\u00a0", ". "]

tokens = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(VOCABULARY),
    st.sampled_from(NUMBERS + NUMBER_WORDS),
    st.sampled_from(PUNCTUATION + ODD + NAMES),
    st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True),
)


@st.composite
def grammar_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(tokens, max_size=40))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True))


@PROPERTY_SETTINGS
@given(grammar_texts())
@example("At least 10 civilians were killed and 45 injured on Monday, police said.")
@example("Between 10–15 soldiers were killed\r\nNo one was hurt.\r\n")
@example("“Three people,” the army said, “were shot\u00a0dead.”")
def test_text_made_of_the_grammars_words_gives_a_valid_document(text: str) -> None:
    extract_checked(text, published="2024-03-14")


def test_the_vocabulary_reaches_the_rules() -> None:
    """The grammar-word strategy is only useful if such texts do match rules."""
    assert len(VOCABULARY) > 500
    text = " ".join(VOCABULARY[::7][:300])
    assert extractor().match(text)


# --- explicit hard cases ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" \t\r\n\u00a0\u2003\u200b\ufeff\n\n", id="whitespace-only"),
        pytest.param(bytes(range(256)).decode("latin-1") * 20, id="binary-junk-latin1"),
        pytest.param(bytes(range(256)).decode("utf-8", "replace") * 20, id="binary-junk-utf8"),
        pytest.param("".join(chr(c) for c in range(32)) * 50, id="control-characters"),
        pytest.param("\x00" * 5000, id="nul-bytes"),
        pytest.param("a" * 100_000, id="one-long-word"),
        pytest.param("killed " + "a" * 3000, id="trigger-then-long-word"),
        pytest.param("." * 10_000 + " Ten people were killed.", id="dots"),
        pytest.param("\n" * 10_000 + "Ten people were killed.", id="newlines"),
        pytest.param("Ten\u200b people\u200b were\u200b killed" * 500, id="zero-width-spaces"),
        pytest.param("\ud83d\ude00" * 100 + " Ten people were killed.", id="surrogate-pairs"),
    ],
)
def test_hard_texts(text: str) -> None:
    start = time.monotonic()
    extract_checked(text)
    assert time.monotonic() - start < 60


def test_mixed_scripts_and_right_to_left_names() -> None:
    text = (
        "Ten soldiers were killed in Kyiv. قُتل عشرة جنود في كييف. "
        "Hamas (חמאס) said five people were wounded.\u200f Дніпро: 3 injured."
    )
    doc = extract_checked(text)
    assert {c.count.estimate for c in doc.casualties} >= {10, 5}


def test_curly_quotes_nbsp_and_en_dash_ranges() -> None:
    text = "“Between 10–15 civilians were\u00a0killed,” a\u00a0spokesman said; 20—30 were hurt."
    doc = extract_checked(text)
    killed = [c for c in doc.casualties if c.outcome == "killed"]
    assert [(c.count.low, c.count.high) for c in killed] == [(10, 15)]
    assert doc.totals["killed"].low == 10 and doc.totals["killed"].high == 15


def test_windows_line_endings_give_the_same_facts() -> None:
    lf = (
        "Gunmen kill 12 in Nigeria\n\n"
        "At least 12 villagers were killed and 4 wounded on Monday.\n"
        "Police said three suspects were arrested.\n"
    )
    crlf = lf.replace("\n", "\r\n")
    a = extract_checked(lf, published="2024-01-10")
    b = extract_checked(crlf, published="2024-01-10")

    def facts(text: str, doc: Document) -> list[Any]:
        return [(c.outcome, c.count.estimate, c.text.replace("\r", "")) for c in doc.casualties]

    assert facts(lf, a) == facts(crlf, b)
    assert {k: v.estimate for k, v in a.totals.items()} == {
        k: v.estimate for k, v in b.totals.items()
    }


def test_a_sentence_never_exceeds_the_cap() -> None:
    text = ("word " * 3000) + ("x" * 5000) + " end."
    spans = split_sentences(text)
    assert spans and all(0 < e - s <= MAX_SENTENCE for s, e in spans)
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


def test_sentence_splitting_is_linear_on_unfinished_lines() -> None:
    """Many short lines that never end a sentence ("a,") once took quadratic time."""
    small, large = "a,\n" * 25_000, "a,\n" * 200_000
    t0 = time.process_time()
    split_sentences(small)
    t1 = time.process_time()
    split_sentences(large)
    t2 = time.process_time()
    assert t2 - t1 < 8 * (t1 - t0) + 1.0  # 8x the text: about 8x the time, not 64x


def test_a_run_of_number_words_is_fast() -> None:
    words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    text = f"{words} fifteen sixteen percent were killed"
    start = time.process_time()
    doc = extract_checked(text)
    assert doc.errors == () and time.process_time() - start < 0.5


# --- the largest document -------------------------------------------------------------------


def test_a_20_mb_document_finishes_within_its_budget() -> None:
    """docs/limits.md: 20,000,000 characters at most; past the budget the document gets an
    errors entry and the run goes on. (A budget of 1 s here; the default is 20 s.)"""
    base = "\n\n".join(json.loads(line)["text"] for line in SEEDS.read_text("utf-8").splitlines())
    text = (base * (MAX_DOCUMENT_CHARS // len(base) + 1))[: MAX_DOCUMENT_CHARS + 1]
    ex = Extractor(budget_seconds=1.0)
    start = time.monotonic()
    doc = ex.extract(text, id="big")
    elapsed = time.monotonic() - start
    assert doc.id == "big"
    assert any("over the limit of 20,000,000" in e for e in doc.errors)
    assert any(e.startswith(BUDGET_ERROR) for e in doc.errors)
    assert elapsed < 120  # about 4 s of CPU when measured; docs/limits.md
    check_document(text, doc)
    # the extractor is still usable
    assert extract_checked("Two people were killed.").totals["killed"].estimate == 2


# --- a hostile grammar through the command line -----------------------------------------------


def test_cli_with_a_hostile_grammar_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("aaaa", encoding="utf-8")
    (folder / "b.txt").write_text("a" * 40 + "!", encoding="utf-8")
    (folder / "c.txt").write_text("No one was hurt.", encoding="utf-8")
    # the command line has no budget option: its Extractor gets a short one here, and
    # only the hostile pack (the built-in one would only make it slower to compile)
    monkeypatch.setattr(
        "conflictrules.extractor.Extractor",
        functools.partial(Extractor, budget_seconds=0.5, default=False, plugins=False),
    )
    status = cli.main(["extract", str(folder), "--grammar", str(HOSTILE), "--jobs", "1"])
    out, err = capsys.readouterr()
    docs = [json.loads(line) for line in out.splitlines()]
    assert [Path(d["id"]).name for d in docs] == ["a.txt", "b.txt", "c.txt"]
    assert status == cli.EXIT_RECORD_ERRORS == 3
    assert [len(d["errors"]) for d in docs] == [0, 1, 0]
    assert docs[1]["errors"][0].startswith(BUDGET_ERROR)
    assert str(folder / "b.txt") in err and "Traceback" not in err
