"""`conflictrules check`, `explain` and `grammars`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conflictrules.cli import main


def make_pack(folder: Path, rules: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pack.cfg").write_text("[pack]\nname = mine\nversion = 2.1\nfiles = mine.rules\n")
    (folder / "mine.rules").write_text(rules)
    return folder


def test_check_default_pack_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert "0 problems" in err


def test_check_reports_file_line_col_and_caret(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pack = make_pack(tmp_path / "p", "import numbers\nrule casualty.mine\n"
                     "  match {count: COUNT} {v: VICTM} were killed\n  example \"5 men\"\n")
    assert main(["check", str(pack)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{pack / 'mine.rules'}:3:28: unknown name 'VICTM'")
    assert out[1].strip() == "match {count: COUNT} {v: VICTM} were killed"
    assert out[2].index("^") == out[1].index("VICTM")


def test_check_runs_examples_and_fails_on_a_wrong_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = make_pack(tmp_path / "p", "import numbers\nrule casualty.mine\n"
                     "  match {count: COUNT} goners\n  set outcome=killed\n"
                     "  example \"5 goners\" => count=6\n  never \"7 goners\"\n")
    assert main(["check", str(pack)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{pack / 'mine.rules'}:5:")
    assert "count: expected 6, got 5" in lines[0]
    assert "matched '7 goners' but must not" in lines[1]
    assert "1 rules in 1 files, 2 examples, 0 unsafe: 2 problems" in captured.err


HOSTILE = Path(__file__).parent / "data" / "hostile_pack"


def test_check_rejects_rules_that_backtrack_catastrophically(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(HOSTILE)]) == 1
    captured = capsys.readouterr()
    rules_file = HOSTILE / "hostile.rules"
    located = [line for line in captured.out.splitlines() if line.startswith(f"{rules_file}:")]
    # one error per rule of the pack, each at the repetition to make possessive
    assert [line.split(":")[1:3] for line in located] == [["8", "10"], ["13", "10"], ["18", "10"]]
    assert all("catastrophic backtracking in rule casualty." in line for line in located)
    assert "3 rules in 1 files, 3 examples, 3 unsafe: 3 problems" in captured.err


def test_check_without_the_safety_analysis_lets_the_hostile_pack_through(
        capsys: pytest.CaptureFixture[str]) -> None:
    # its examples hold: only the analysis rejects it
    assert main(["check", "--no-safety", str(HOSTILE)]) == 0
    assert "3 rules in 1 files, 3 examples: 0 problems" in capsys.readouterr().err


def test_check_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "/no/such/pack"]) == 2
    assert "no such pack" in capsys.readouterr().err


def test_explain_shows_rule_captures_spans_and_records(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = "At least 10 civilians were killed and 45 injured on Monday."
    assert main(["explain", text, "--published", "2019-03-14"]) == 0
    out = capsys.readouterr().out
    assert "+ casualty.passive (priority 50) [0:48]" in out
    assert "count = 'At least 10' [0:11]" in out
    assert "outcome = 'killed' [27:33] -> {'outcome': 'killed'" in out
    assert "casualty 0: killed 10" in out
    assert "casualty 1: injured 45" in out
    assert "totals: injured=45, killed=10" in out


def test_explain_says_why_a_rule_did_not_fire(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "The weather was fine.", "--rule", "casualty.passive"]) == 0
    out = capsys.readouterr().out
    assert "casualty.passive: skipped by the prefilter (needs one of:" in out
    assert "killed" in out.split("needs one of:")[1]


def test_explain_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "x", "--rule", "casualty.nope"]) == 2
    assert "no rule 'casualty.nope'" in capsys.readouterr().err


def test_grammars_lists_the_builtin_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grammars", "--json"]) == 0
    packs = json.loads(capsys.readouterr().out)
    default = packs[0]
    assert (default["name"], default["origin"]) == ("default", "built-in")
    assert (Path(default["path"]) / "pack.cfg").is_file()
