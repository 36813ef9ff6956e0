"""A first build compiles regex sources on worker processes (grammar/build_workers.py)."""

from __future__ import annotations

import collections
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictrules.grammar import build_workers
from conflictrules.grammar.compiler import (
    ProgramStore,
    _regex_core,
    capture_program,
    using_store,
)
from conflictrules.grammar.loader import load_packs
from conflictrules.packs import resolve_packs

# small sources, made worth a worker by lowering the threshold in each test
SOURCES = [
    r"(?:killed|wounded|injured)\s*+(?P<n>\d+)",
    r"(?<!\w)(?:at\s+least|nearly)\s*+\d{1,3}(?:,\d{3})*+",
    r"(?-i:\p{Lu}\w+)\s*+(?:said|told)",
    r"[^,.;]{1,40}+,",
]


@pytest.fixture
def no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_workers, "MIN_PARALLEL_CHARS", 0)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20), st.integers(min_value=1, max_value=6))
def test_shares_split_every_source_once_and_evenly(sources: list[str], workers: int) -> None:
    groups = build_workers.shares(sources, workers)
    assert collections.Counter(s for g in groups for s in g) == collections.Counter(sources)
    assert all(groups) and len(groups) <= max(1, workers)
    if groups:
        loads = [sum(map(len, g)) for g in groups]
        # each source goes to the lightest group, longest first: never more than one
        # source's length apart
        assert max(loads) - min(loads) <= max(map(len, sources))


def test_workers_send_back_the_programs_this_process_compiles(no_threshold: None) -> None:
    programs = build_workers.compile_programs(SOURCES, jobs=2)
    assert set(programs) == set(SOURCES)
    for source in SOURCES:
        pattern, here = capture_program(source, {})
        assert here is not None and programs[source][0] == source
        # (not equal to ``here`` item for item: sets inside a program are laid out in
        # hash order, which differs between processes)
        rebuilt = _regex_core().compile(*programs[source])
        text = "Officials said at least 1,204 were killed 12, wounded 3"
        assert [m.span() for m in rebuilt.finditer(text)] == [
            m.span() for m in pattern.finditer(text)
        ]


def test_a_source_that_does_not_compile_is_left_to_the_caller(no_threshold: None) -> None:
    programs = build_workers.compile_programs([*SOURCES, "(?P<broken"], jobs=2)
    assert set(programs) == set(SOURCES)


def test_no_interpreter_means_no_workers_and_no_error(
    no_threshold: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    assert build_workers.compile_programs(SOURCES, jobs=2) == {}


def test_a_frozen_application_starts_no_workers(
    no_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert build_workers.compile_programs(SOURCES, jobs=2) == {}


def test_one_job_or_little_source_compiles_nothing_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_workers.compile_programs(SOURCES, jobs=2) == {}  # under the threshold
    monkeypatch.setattr(build_workers, "MIN_PARALLEL_CHARS", 0)
    assert build_workers.compile_programs(SOURCES, jobs=1) == {}
    monkeypatch.setenv("CONFLICTRULES_BUILD_JOBS", "1")
    assert build_workers.compile_programs(SOURCES) == {}


def test_build_jobs_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTRULES_BUILD_JOBS", "3")
    assert build_workers.build_jobs() == 3
    monkeypatch.setenv("CONFLICTRULES_BUILD_JOBS", "all")
    with pytest.raises(ValueError, match="CONFLICTRULES_BUILD_JOBS must be a whole number"):
        build_workers.build_jobs()


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """Workers are fresh interpreters, never a re-import of the caller's __main__."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from conflictrules.grammar import build_workers
            build_workers.MIN_PARALLEL_CHARS = 0
            print("top level ran")
            found = build_workers.compile_programs({SOURCES!r}, jobs=2)
            print(len(found))
            """
        )
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split("\n")[:2] == ["top level ran", str(len(SOURCES))]


RULES = """define COUNT = /\\d+/ | "at least" /\\d+/ | two | three | four
define VICTIM = civilians | people | guards | soldiers
define MONTH = january | february | march | april
define DATE = MONTH /\\d{1,2}/ ("," /\\d{4}/)?

rule casualty.mine priority 10
  match {count: COUNT} VICTIM (were | was) (killed | wounded)
  example "at least 12 civilians were killed" => count="at least 12"

rule casualty.mine_too priority 10
  match (killed | wounded) {count: COUNT} VICTIM
  example "wounded 4 people" => count=4

rule time.mine priority 10
  match {time: on DATE}
  example "on March 3, 2015" => time="on March 3, 2015"
"""


def test_a_build_uses_the_workers_programs(
    no_threshold: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """load_packs compiles every source on the workers first: the rules are then built
    from their programs (store hits only), and match as a build in one process does."""
    (tmp_path / "pack.cfg").write_text("[pack]\nname = mine\nversion = 1\nfiles = mine.rules\n")
    (tmp_path / "mine.rules").write_text(RULES)
    packs = resolve_packs([str(tmp_path)], plugins=False, default=False)
    monkeypatch.setenv("CONFLICTRULES_BUILD_JOBS", "2")
    store = ProgramStore()
    with using_store(store):
        parallel = load_packs(packs)
    assert store.changed and store.misses == 0 and store.hits >= 3
    monkeypatch.setenv("CONFLICTRULES_BUILD_JOBS", "1")
    serial_store = ProgramStore()
    with using_store(serial_store):
        serial = load_packs(packs)
    assert serial_store.hits == 0 and serial_store.misses == store.hits
    assert set(serial_store.programs) == set(store.programs)
    text = "On March 3, 2015 at least 12 civilians were killed and gunmen wounded 4 people."
    found = {}
    for a, b in zip(parallel.rules, serial.rules, strict=True):
        assert a.id == b.id and a.source == b.source
        spans = [m.span() for m in a.pattern.finditer(text)]
        assert spans == [m.span() for m in b.pattern.finditer(text)]
        found[a.id] = [text[s:e] for s, e in spans]
    assert found == {
        "casualty.mine": ["at least 12 civilians were killed"],
        "casualty.mine_too": ["wounded 4 people"],
        "time.mine": ["On March 3, 2015"],
    }
