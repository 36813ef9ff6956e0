"""Throughput and scale-out: the fast matching path finds exactly what trying every
position finds, compiled grammars are kept across runs, and the Dask helpers give what
``extract_many`` gives."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictrules import extractor as extractor_mod
from conflictrules.engine import matching
from conflictrules.engine.matching import Budget, Sentence
from conflictrules.engine.normalise import Normalised
from conflictrules.extractor import Extractor, cache_dir, load_grammar
from conflictrules.grammar.compiler import (
    ANY,
    DIGIT,
    UPPER,
    WORDS,
    CompiledRule,
    ProgramStore,
    compile_pattern,
    using_store,
)
from conflictrules.grammar.loader import Grammar, load_packs, read_manifest

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Sentences written for these tests: every kind of figure, hyphens, apostrophes, quotes and
# dashes, upper-case wire copy, parentheses, odd white space, and text with no trigger.
SENTENCES = [
    "At least 10 civilians were killed and 45 others wounded when shells hit the market.",
    "Two soldiers and a policeman were killed in the ambush, the army said on Tuesday.",
    "Russian airstrikes killed 12 people, including four children, in Idlib province.",
    "Gunmen abducted three aid workers near the border late Monday, officials said.",
    "The death toll from the blast rose to 31 on Wednesday, according to hospital sources.",
    "No one was hurt in the attack; there were no casualties, police said.",
    "Some 1,400 people, mainly civilians, were reported killed since the beginning of the year.",
    "Between 30 and 40 fighters surrendered to the Syrian Democratic Forces (SDF) overnight.",
    "A 10-year-old girl was wounded by a stray bullet in the al-Rashid district.",
    "About 3 000 families fled their homes after the shelling, the U.N. said.",
    "Dozens of prisoners escaped from the jail in the north after the raid.",
    "The Kurdistan Workers' Party (PKK) claimed the attack in a statement.",
    "“Five were killed,” said Jiaker Amed, an SDF official, told AFP by telephone.",
    "Militants killed two Khasadars and wounded 15 others — a police officer said.",
    "THE FAMILY SAID TODAY THAT THE PEOPLE WHO KIDNAPPED 7 TOURISTS WERE ARRESTED.",
    "Hundreds of people were displaced, and scores more were feared dead, residents said.",
    "Turkish warplanes struck positions near Qandil; the ministry said 23 militants died.",
    "Islamic State fighters executed nine men in Raqqa in March 2016.",
    "The 93rd Mechanized Brigade said it lost three soldiers on 25 July 2025.",
    "Nobody was killed.  Nothing   happened\u2028here\u00a0at all.",
    "it was a quiet day in the valley with no reports of violence",
    "one-hundred-and-five people were evacuated; eleven were injured, two seriously.",
    "Police shot dead a suspect who had opened fire on a checkpoint in Kabul's west.",
    "Fighting between the army and rebels left 7 dead and 20 wounded in the past two days.",
    "The attack, which killed 14, was the deadliest since December, the monitor said.",
    "'s ( ) - -- , , . ' '' 12 -year 3-day 2,500km 10% 4 p.m. 1.2 million",
    "12 aerial strikes were carried out; 12 goats were killed; the 45 soldiers held out.",
    "Al-Shabaab militants stormed the hotel, killing at least 21 people and injuring 30.",
    "According to an AFP tally, more than 200 people have been killed in two weeks.",
    "x" * 50 + " killed " + "y-" * 40 + " 3 people were killed",
]


def plain_find(rule: CompiledRule, text: str) -> list[regex.Match[str]]:
    """What the engine did before it learnt where matches start: try every position."""
    return list(rule.pattern.finditer(text))


def fast_find(rule: CompiledRule, text: str) -> list[regex.Match[str]]:
    return matching._find(rule, Sentence(text), Budget(None))


def signature(rule: CompiledRule, found: list[regex.Match[str]]) -> list[Any]:
    groups = sorted(rule.pattern.groupindex)
    return [(m.span(), [m.spans(g) for g in groups]) for m in found]


def assert_same(grammar: Grammar, texts: list[str], *, every_rule: bool = True) -> None:
    for text in texts:
        norm = Normalised(text).text
        rules = grammar.rules
        if not every_rule:
            sentence = Sentence(norm)
            layers = {r.layer for r in rules}
            chosen: list[CompiledRule] = []
            for layer in sorted(layers):
                rs = matching.RuleSet(grammar.layer(layer))
                chosen.extend(rs.rules[i] for i in rs.candidates(sentence))
            rules = tuple(chosen)
        for rule in rules:
            expected = signature(rule, plain_find(rule, norm))
            assert signature(rule, fast_find(rule, norm)) == expected, (rule.id, text)


# --- the fast path finds what finditer finds ---------------------------------------------


def test_fast_matching_equals_finditer_on_written_sentences() -> None:
    assert_same(load_grammar(), SENTENCES)


def _vocabulary() -> list[str]:
    grammar = load_grammar()
    words: set[str] = set()
    for wl in grammar.lists.values():
        words.update(sorted(wl.forms)[:400])
    words.update(["the", "a", "of", "and", "were", "was", "by", "in", "on", "at", "said"])
    words.update(["3", "12", "1,400", "3 000", "2019", "25", "(", ")", ",", ".", "-", "'s"])
    words.update(["“", "”", '"', "'", ";", ":", "%", "X", "Abu", "al-Qaeda's", "U.S."])
    return sorted(words)


VOCAB = _vocabulary()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=18), st.randoms())
def test_fast_matching_equals_finditer_on_word_soup(words: list[str], rnd: Any) -> None:
    seps = [" ", " ", " ", "", "  ", "-", ", "]
    text = "".join(w + rnd.choice(seps) for w in words).strip()
    assert_same(load_grammar(), [text])


@pytest.mark.skipif(not (SHARED / "eval" / "gtd_dev.csv").is_file(), reason="no ../shared")
def test_fast_matching_equals_finditer_on_gtd_rows() -> None:
    with open(SHARED / "eval" / "gtd_dev.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in list(csv.DictReader(f))[300:400]]
    sentences = []
    for text in texts:
        sentences.extend(text[s:e] for s, e in matching_sentences(text))
    assert_same(load_grammar(), sentences, every_rule=False)


def matching_sentences(text: str) -> list[tuple[int, int]]:
    from conflictrules.engine.sentences import split_sentences

    return split_sentences(text)


def _outputs(texts: list[str]) -> list[str]:
    ex = Extractor(budget_seconds=None)
    return [json.dumps(ex.extract(t, id=str(i)).to_dict()) for i, t in enumerate(texts)]


def _before_after(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    after = _outputs(texts)
    with monkeypatch.context() as m:
        m.setattr(
            matching,
            "_find",
            lambda rule, sent, budget: list(
                rule.pattern.finditer(sent.text, timeout=budget.remaining())
            ),
        )
        before = _outputs(texts)
    assert after == before


def test_extract_output_is_byte_identical_to_the_plain_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _before_after([*SENTENCES, " ".join(SENTENCES)], monkeypatch)


@pytest.mark.skipif(not (SHARED / "eval" / "gtd_dev.csv").is_file(), reason="no ../shared")
def test_extract_output_on_gtd_rows_is_byte_identical_to_the_plain_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with open(SHARED / "eval" / "gtd_dev.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in list(csv.DictReader(f))[:300]]
    _before_after(texts, monkeypatch)


# --- the start analysis on rules written for it ------------------------------------------


def write_pack(folder: Path, rules: str, extra: dict[str, str] | None = None) -> Grammar:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.cfg").write_text("[pack]\nname = t\nversion = 1\nfiles = main.rules\n")
    (folder / "main.rules").write_text(textwrap.dedent(rules))
    for name, content in (extra or {}).items():
        (folder / name).write_text(content)
    return load_packs([read_manifest(str(folder))])


TRICKY = """
    list VERB = "verbs.tsv"
    list NAMES = "names.tsv" case-sensitive
    define WORD = /[\\w][\\w'\\-]*/
    define CAP = /(?-i:\\p{Lu}[\\w'\\-]*)/
    define MOD = !(the | a) WORD
    rule t.hyphen
      match "year-old" boy
      example "a 10 year-old boy"
    rule t.optional_first
      match (MOD{0,3} gunmen)? {v: VERB} /\\d+/
      example "unknown armed gunmen killed 3"
    rule t.lookbehind_first
      match /(?<!anti-)/ army {v: VERB}
      example "the army killed"
    rule t.alternatives
      match {n: NAMES} "'s"? (forces | army) | "(" /[A-Z]{2,5}/ ")" said
      example "Ruritania's forces"
    rule t.nullable
      match (killed)? (army)?
      example "army"
    rule t.punct_first
      match "," {v: VERB} by CAP{1,3}
      example ", killed by Red Brigade"
    rule t.caps
      match CAP{1,4} "(" /(?-i:[A-Z]{2,6})/ ")"
      example "the Red Hand Brigade (RHB) said"
    rule t.spelled
      match ("no one" | no-one | nobody) was {v: VERB}
      example "no-one was killed"
    rule t.leading_choice
      match NOT_NO (MOD{0,2} spokesman | CAP{1,2}) said
      example "the army spokesman said"
      example "Red Brigade said"
    define NOT_NO = /(?<!\\bno\\s)/
    rule t.last_word
      match CAP{1,3} (said | added)
      example "Red Brigade said"
    rule t.last_phrase
      match CAP{1,3} ("killed himself" | "took his own life")
      example "Abu-Dhabi Men killed himself"
    # a look-ahead before the first word rules out its one-word forms as first tokens,
    # but not "has" ("has also" is two words) nor the case-sensitive names
    define STOPS = of | in | "has also" | NAMES | ago{1,2}
    rule t.ruled_out
      match !STOPS WORD{1,2} (said | added)
      example "local residents said"
"""
TRICKY_LISTS = {
    "verbs.tsv": "form\toutcome\nkilled\tkilled\nshot dead\tkilled\nwounded\tinjured\n",
    "names.tsv": "form\nRuritania\nRed Brigade\nAbu-Dhabi\n",
}
TRICKY_TEXTS = [
    "a 10 year-old boy, a 10 yearold boy and a 10 year old boy",
    "unknown armed gunmen killed 3 and then gunmen shot dead 4, killed 5",
    "the anti-army killed, the army killed; army wounded",
    "Ruritania's forces (ABC) said, Ruritania army, (XY) said",
    "army killed army",
    "they said, killed by Red Brigade and , wounded by Abu-Dhabi Men",
    "the Red Hand Brigade (RHB) said; THE RED HAND (RH) said",
    "no one was killed, no-one was wounded, nobody was shot dead",
    "the army spokesman said; a tired old spokesman said, Red Brigade said and no Ruritania said",
    "",
    "   \u2028 killed 3",
    "Red Brigade killed 3, Red Brigade killed himself; Abu took his own life, Men took his",
    "of residents said, In town said; has also said, Ruritania said, ago ago added, OF said",
]


def test_fast_matching_equals_finditer_on_tricky_rules(tmp_path: Path) -> None:
    grammar = write_pack(tmp_path / "p", TRICKY, TRICKY_LISTS)
    assert_same(grammar, TRICKY_TEXTS)


TRICKY_WORDS = (
    "a the 10 year-old yearold year old boy unknown armed gunmen killed shot dead 3 "
    "anti-army army wounded Ruritania 's forces ( ) ABC said , by Red Brigade "
    "Abu-Dhabi no one no-one nobody was RHB spokesman himself took his own life added "
    "of In has also ago"
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(TRICKY_WORDS.split(" ")), max_size=14),
    st.sampled_from([" ", "", "  ", "-", ", "]),
)
def test_fast_matching_equals_finditer_on_tricky_soup(words: list[str], sep: str) -> None:
    assert_same(_tricky_grammar(), [sep.join(words)])


_TRICKY_CACHE: list[Grammar] = []


def _tricky_grammar() -> Grammar:
    if not _TRICKY_CACHE:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            _TRICKY_CACHE.append(write_pack(Path(d) / "p", TRICKY, TRICKY_LISTS))
    return _TRICKY_CACHE[0]


def test_start_analysis_of_tricky_rules(tmp_path: Path) -> None:
    g = write_pack(tmp_path / "p", TRICKY, TRICKY_LISTS)
    hyphen = g.rule("t.hyphen").starts
    assert hyphen is not None and hyphen[0].first is not None
    assert WORDS in hyphen[0].first.kinds  # "yearold" is one token, not "year"
    assert g.rule("t.nullable").starts is None  # an empty match: plain finditer
    opt = g.rule("t.optional_first").starts
    # an optional first element: the match may start at the verb, but never on white space
    assert opt is not None and opt[0].first is not None and not opt[0].first.space
    assert opt[0].first.words == {"gunmen", "shot", "killed", "wounded"}
    assert opt[0].anchor is not None and opt[0].anchor.words == {"killed", "shot", "wounded"}
    assert opt[0].reach == 4  # three modifiers and "gunmen"
    punct = g.rule("t.punct_first").starts
    assert punct is not None and punct[0].first is not None
    assert punct[0].first.kinds == {","}
    caps = g.rule("t.caps").starts
    assert caps is not None and caps[0].first is not None
    assert caps[0].first.kinds == {UPPER}
    assert caps[0].anchor is not None and caps[0].anchor.kinds == {"("}
    assert DIGIT not in caps[0].first.kinds and ANY not in caps[0].first.kinds
    # an anchor that is the rule's last element: checked only when its first token does
    # not say it all ("killed" may not go on to "himself")
    (word,) = g.rule("t.last_word").starts or ()
    assert word.anchor is not None and word.anchor.words == {"said", "added"}
    assert word.check is None
    (phrase,) = g.rule("t.last_phrase").starts or ()
    assert phrase.anchor is not None and phrase.anchor.words == {"killed", "took"}
    assert phrase.check is not None
    assert phrase.check.match("killed himself") and phrase.check.match("took his own life")
    assert not phrase.check.match("killed 3") and not phrase.check.match("took his")
    (ruled,) = g.rule("t.ruled_out").starts or ()
    assert ruled.first is not None and WORDS in ruled.first.kinds
    assert ruled.first.unless == {"of", "in", "ago"}
    positions = Sentence("of residents said , has also said").positions((ruled,), Budget(None))
    assert positions == [3, 13, 20, 24, 29]  # every word but "of"


def test_default_rules_mostly_know_where_they_start() -> None:
    rules = load_grammar().rules
    known = [r for r in rules if r.starts is not None]
    assert len(known) >= 0.8 * len(rules)


# --- compiled grammars kept across runs ---------------------------------------------------


def test_program_store_round_trip() -> None:
    source = r"(?<!\w)(?:kill(?:ed|ing)|shot\ dead)(?!\w)\s*(?P<n>\d+)"
    store = ProgramStore()
    with using_store(store):
        first = compile_pattern(source)
    assert store.misses == 1 and store.changed
    again = ProgramStore.loads(store.dumps())
    with using_store(again):
        second = compile_pattern(source)
    assert again.hits == 1 and not again.changed
    text = "they shot dead 4 and killed 12"
    assert [m.span("n") for m in first.finditer(text)] == [
        m.span("n") for m in second.finditer(text)
    ]
    assert second.pattern == first.pattern and second.groupindex == first.groupindex


@pytest.mark.parametrize("damage", [b"", b"junk", b"\x00" * 40])
def test_program_store_ignores_damaged_data(damage: bytes) -> None:
    assert ProgramStore.loads(damage).programs == {}
    good = ProgramStore()
    with using_store(good):
        compile_pattern(r"\bkilled\b")
    data = bytearray(good.dumps())
    data[-1] ^= 0xFF
    assert ProgramStore.loads(bytes(data)).programs == {}


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFLICTRULES_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache_dir() == os.path.join("/somewhere/cache", "conflictrules")
    monkeypatch.setenv("CONFLICTRULES_CACHE_DIR", "/elsewhere")
    assert cache_dir() == "/elsewhere"
    monkeypatch.setenv("CONFLICTRULES_CACHE_DIR", "off")
    assert cache_dir() is None


def test_grammar_cache_is_written_then_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "p"
    write_pack(pack, TRICKY, TRICKY_LISTS)
    monkeypatch.setenv("CONFLICTRULES_CACHE_DIR", str(tmp_path / "cache"))
    cold = load_grammar([str(pack)], default=False, plugins=False)
    files = list((tmp_path / "cache").glob("*.programs"))
    assert len(files) == 1
    extractor_mod._load_cached.cache_clear()  # as a new process would
    seen: list[ProgramStore] = []
    real = extractor_mod._read_store
    monkeypatch.setattr(
        extractor_mod, "_read_store", lambda path: seen.append(real(path)) or seen[-1]
    )
    warm = load_grammar([str(pack)], default=False, plugins=False)
    assert seen and seen[0].misses == 0 and seen[0].hits >= len(warm.rules)
    for rule in warm.rules:
        assert rule.source == cold.rule(rule.id).source
    assert_same(warm, TRICKY_TEXTS)


def test_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CONFLICTRULES_CACHE_DIR", str(blocker / "cache"))
    pack = write_pack_folder(tmp_path / "p")
    grammar = load_grammar([str(pack)], default=False, plugins=False)
    assert grammar.rule("t.hyphen") is not None


def write_pack_folder(folder: Path) -> Path:
    write_pack(folder, TRICKY, TRICKY_LISTS)
    return folder


# --- Dask ------------------------------------------------------------------------------------

DOCS = [
    {"id": "d1", "text": SENTENCES[0], "published": "2019-03-14"},
    {"id": "d2", "text": SENTENCES[1]},
    {"id": "d3", "text": SENTENCES[5] + " " + SENTENCES[2]},
    {"id": "d4", "text": ""},
    {"id": "d5", "text": SENTENCES[6], "published": "2020-01-31"},
    {"id": "d6", "text": SENTENCES[20]},
    {"id": "d7", "text": SENTENCES[13]},
]


def _expected() -> list[dict[str, Any]]:
    return [doc.to_dict() for doc in Extractor().extract_many(DOCS)]


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_bag_equals_extract_many(scheduler: str) -> None:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from conflictrules.scale import extract_bag

    bag = db.from_sequence(DOCS, npartitions=3)
    with dask.config.set(scheduler=scheduler):
        got = extract_bag(bag, Extractor()).compute()
    assert got == _expected()


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_dataframe_equals_extract_many(scheduler: str) -> None:
    dask = pytest.importorskip("dask")
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")

    from conflictrules.scale import RESULT_COLUMNS, extract_dataframe

    frame = pd.DataFrame(
        {
            "doc": [d["id"] for d in DOCS],
            "body": [d["text"] for d in DOCS],
            "date": [d.get("published") for d in DOCS],
        }
    )
    ddf = dd.from_pandas(frame, npartitions=2)
    with dask.config.set(scheduler=scheduler):
        out = extract_dataframe(
            ddf, None, text_column="body", id_column="doc", published_column="date"
        ).compute()
    assert list(out.columns) == list(RESULT_COLUMNS)
    assert [json.loads(j) for j in out["json"]] == _expected()
    expected_killed = [(d["totals"].get("killed") or {}).get("estimate") for d in _expected()]
    assert [None if pd.isna(k) else int(k) for k in out["killed"]] == expected_killed


def test_extract_partition_on_plain_records() -> None:
    from conflictrules.scale import extract_partition

    rows = [{"body": d["text"], "key": d["id"]} for d in DOCS]
    got = extract_partition(rows, text_column="body", id_column="key", published_column=None)
    plain = [{"text": d["text"], "id": d["id"]} for d in DOCS]
    assert got == [doc.to_dict() for doc in Extractor().extract_many(plain)]
    assert extract_partition([d["text"] for d in DOCS]) == [
        doc.to_dict() for doc in Extractor().extract_many([d["text"] for d in DOCS])
    ]
    with pytest.raises(TypeError):
        extract_partition("one text")


# --- a compiled grammar saved whole ---------------------------------------------------------


def _build(folder: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Grammar:
    monkeypatch.setenv("CONFLICTRULES_CACHE_DIR", str(cache))
    extractor_mod._load_cached.cache_clear()  # a fresh process, as far as the build goes
    return load_grammar([folder], plugins=False, default=False)


def test_a_saved_grammar_is_reused_and_matches_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_pack_folder(tmp_path / "p")
    cache = tmp_path / "cache"
    first = _build(folder, monkeypatch, cache)
    (saved_file,) = cache.glob("*.grammar")
    # the second build reads the saved grammar: no rule file is parsed again
    monkeypatch.setattr(extractor_mod, "load_packs", _must_not_parse)
    second = _build(folder, monkeypatch, cache)
    assert second is not first
    assert [r.id for r in second.rules] == [r.id for r in first.rules]
    for a, b in zip(first.rules, second.rules, strict=True):
        assert b.pattern.pattern == a.pattern.pattern and b.triggers == a.triggers
        assert b.starts == a.starts
    assert_same(second, TRICKY_TEXTS)
    assert saved_file.exists()


def _must_not_parse(*args: Any, **kwargs: Any) -> Grammar:
    raise AssertionError("the saved grammar was not used")


def test_an_edited_pack_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_pack_folder(tmp_path / "p")
    cache = tmp_path / "cache"
    _build(folder, monkeypatch, cache)
    rules = folder / "main.rules"
    rules.write_text(
        rules.read_text() + '\nrule t.added\n  match brandnewword\n  example "a brandnewword"\n'
    )
    again = _build(folder, monkeypatch, cache)
    assert "t.added" in {r.id for r in again.rules}
    assert len(list(cache.glob("*.grammar"))) == 2


def test_a_damaged_saved_grammar_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_pack_folder(tmp_path / "p")
    cache = tmp_path / "cache"
    first = _build(folder, monkeypatch, cache)
    (saved_file,) = cache.glob("*.grammar")
    data = bytearray(saved_file.read_bytes())
    data[-1] ^= 0xFF
    saved_file.write_bytes(bytes(data))
    again = _build(folder, monkeypatch, cache)
    assert [r.id for r in again.rules] == [r.id for r in first.rules]
    assert_same(again, TRICKY_TEXTS)


def test_a_build_from_the_saved_grammar_does_not_import_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyparsing (about 10 MB) is imported only to read rule files
    folder = write_pack_folder(tmp_path / "p")
    cache = tmp_path / "cache"
    _build(folder, monkeypatch, cache)
    code = (
        "import sys\n"
        "from conflictrules.extractor import load_grammar\n"
        f"g = load_grammar([{str(folder)!r}], plugins=False, default=False)\n"
        "print(len(g.rules), 'pyparsing' in sys.modules)\n"
    )
    env = dict(os.environ, CONFLICTRULES_CACHE_DIR=str(cache))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        str(len(load_grammar([folder], plugins=False, default=False).rules)),
        "False",
    ]
