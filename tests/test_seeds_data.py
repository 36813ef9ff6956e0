"""Checks on the seed data itself (seeds/), not on the extractor.

The seeds are dispatches written by the project, each with what a careful coder reads out
of it (tests/seeds/expected/<name>.json). These tests keep that data honest: every expectation
parses and points at an existing text, every phrase it quotes is really in that text, its
outcomes and dates are valid contract values, and tests/seeds/dispatches.jsonl carries exactly
the same texts as the .txt files.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = ROOT / "tests" / "seeds" / "expected"
JSONL = ROOT / "tests" / "seeds" / "dispatches.jsonl"

OUTCOMES = {
    "killed",
    "injured",
    "missing",
    "abducted",
    "detained",
    "displaced",
    "surrendered",
    "escaped",
}
REQUIRED_KEYS = {"id", "published", "casualties", "must_not", "attributions", "actors", "totals"}
CASUALTY_HINTS = {
    "outcome",
    "estimate",
    "low",
    "high",
    "qualifier",
    "approximate",
    "vague",
    "victims",
    "perpetrator",
    "victim_actor",
    "attribution_source",
    "time_text",
    "time_start",
    "headline",
    "repeat",
    "subset",
    "revised",
    "hedged",
    "negated",
    "evidence",
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

TEXTS = sorted(SEEDS.glob("[0-9][0-9]_*.txt"))
EXPECTED_FILES = sorted(EXPECTED.glob("*.json"))


def _load(path: pathlib.Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be an object"
    return data


def _text_of(expected: dict[str, Any]) -> str:
    return (ROOT / expected["id"]).read_text(encoding="utf-8")


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def test_there_are_eight_dispatches_each_with_one_expectation() -> None:
    assert len(TEXTS) == 8
    assert [p.stem for p in TEXTS] == [p.stem for p in EXPECTED_FILES]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_dispatch_shape(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    headline, blank, *rest = text.split("\n")
    assert headline.strip() and headline == headline.strip(), "first line is the headline"
    assert blank == "", "a blank line follows the headline"
    assert sum(1 for p in "\n".join(rest).split("\n\n") if p.strip()) >= 3, "paragraphs"
    assert 150 <= len(text.split()) <= 450


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_expected_file_is_well_formed(path: pathlib.Path) -> None:
    exp = _load(path)
    assert exp.keys() >= REQUIRED_KEYS
    assert exp["id"] == f"seeds/{path.stem}.txt"
    assert (ROOT / exp["id"]).is_file(), f"{exp['id']} does not exist"
    _date(exp["published"])
    assert exp["casualties"], "every seed reports at least one casualty figure"
    for key in ("must_not", "actors"):
        assert all(isinstance(s, str) and s for s in exp[key])
    assert len(set(exp["actors"])) == len(exp["actors"]), "actor ids are listed once"


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_casualties_use_contract_values(path: pathlib.Path) -> None:
    exp = _load(path)
    published = _date(exp["published"])
    actors = set(exp["actors"])
    for cas in exp["casualties"]:
        assert set(cas) <= CASUALTY_HINTS, f"unknown hint in {cas}"
        assert cas["outcome"] in OUTCOMES, cas
        est = cas["estimate"]
        if est is None:
            assert cas.get("vague"), f"only a vague word may leave the estimate open: {cas}"
        else:
            assert isinstance(est, int) and not isinstance(est, bool) and est >= 0, cas
            assert (est == 0) == bool(cas.get("negated")), f"zero iff negated: {cas}"
        if cas.get("low") is not None and cas.get("high") is not None:
            assert cas["low"] <= cas["high"], cas
        if "approximate" in cas:
            assert isinstance(cas["approximate"], bool)
        for key in ("perpetrator", "victim_actor"):
            if cas.get(key) is not None:
                assert cas[key] in actors, f"{key} {cas[key]!r} is not among the actors"
        if "time_start" in cas:
            assert "time_text" in cas, cas
            assert _date(cas["time_start"]) <= published, cas


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_quoted_phrases_occur_verbatim(path: pathlib.Path) -> None:
    exp = _load(path)
    text = _text_of(exp)
    for phrase in exp["must_not"]:
        assert phrase in text, f"must_not phrase not in text: {phrase!r}"
    for cas in exp["casualties"]:
        for key in ("time_text", "evidence"):
            if key in cas:
                assert cas[key] in text, f"{key} not in text: {cas[key]!r}"
    sources = [a["source"] for a in exp["attributions"]]
    sources += [c["attribution_source"] for c in exp["casualties"] if "attribution_source" in c]
    for source in sources:
        assert source.lower() in text.lower(), f"source not named in text: {source!r}"


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_weekdays_resolve_to_the_last_such_day(path: pathlib.Path) -> None:
    """'on Monday', 'late Tuesday', 'yesterday' count back from the publication date."""
    exp = _load(path)
    published = _date(exp["published"])
    for cas in exp["casualties"]:
        if "time_start" not in cas:
            continue
        words = re.findall(r"[a-z]+", cas["time_text"].lower())
        start = _date(cas["time_start"])
        if words == ["yesterday"]:
            assert start == published - dt.timedelta(days=1), cas
        day = next((WEEKDAYS.index(w) for w in words if w in WEEKDAYS), None)
        if day is not None and "weekend" not in words:
            back = (published.weekday() - day) % 7
            assert start == published - dt.timedelta(days=back), cas


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_attributions_and_totals(path: pathlib.Path) -> None:
    exp = _load(path)
    actors = set(exp["actors"])
    for att in exp["attributions"]:
        assert att.get("source") and att.get("verb"), att
        if att.get("source_actor") is not None:
            assert att["source_actor"] in actors, att
    totals = exp["totals"]
    mentioned = {c["outcome"] for c in exp["casualties"]}
    assert set(totals) == mentioned, "totals name exactly the outcomes mentioned"
    for outcome, value in totals.items():
        assert isinstance(value, int) and not isinstance(value, bool) and value >= 0
        figures = [
            c["estimate"]
            for c in exp["casualties"]
            if c["outcome"] == outcome and c["estimate"] is not None
        ]
        assert value >= max(figures, default=0), f"{outcome} total below its largest figure"


def test_jsonl_carries_the_same_texts() -> None:
    records = [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"seeds/{p.name}" for p in TEXTS]
    for record in records:
        txt = ROOT / record["id"]
        assert record["text"].encode("utf-8") == txt.read_bytes(), record["id"]
        exp = _load(EXPECTED / f"{txt.stem}.json")
        assert record["published"] == exp["published"], record["id"]
