"""The command line, run in-process (``main([...])``) and once as a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "conflictrules.extractor",
    reason="conflictrules.extractor is not importable yet; the CLI needs the real Extractor",
    exc_type=ImportError,
)

from conflictrules import cli
from conflictrules.cli import main
from conflictrules.io import writers

KILLED = "At least 10 civilians were killed in the strike on Tuesday, residents said."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def lines_of(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder with a good, an invalid-UTF-8 and an empty .txt, and a JSONL file with one
    malformed line among good ones."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_good.txt").write_text(KILLED, encoding="utf-8")
    (d / "b_bad.txt").write_bytes(b"Two soldiers were \xff wounded.")
    (d / "c_empty.txt").write_bytes(b"")
    (d / "d_batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Three people were wounded."})
        + "\n{not json\n"
        + json.dumps({"id": "j3", "text": "Nothing happened.", "published": "2020-02-02"})
        + "\n",
        encoding="utf-8",
    )
    return d


def test_directory_every_record_in_order(capsys: pytest.CaptureFixture[str], mixed: Path) -> None:
    status, out, err = run(capsys, "extract", str(mixed), "--jobs", "1")
    docs = lines_of(out)
    assert [d["id"] for d in docs] == [
        str(mixed / "a_good.txt"),
        str(mixed / "b_bad.txt"),
        str(mixed / "c_empty.txt"),
        "j1",
        f"{mixed / 'd_batch.jsonl'}:2",
        "j3",
    ]
    assert docs[0]["errors"] == []
    assert "killed" in docs[0]["totals"]
    assert docs[1]["errors"] == [f"{mixed / 'b_bad.txt'}: invalid UTF-8 at byte 18"]
    assert docs[2]["errors"] == [] and docs[2]["casualties"] == []
    assert docs[4]["errors"][0].startswith(f"{mixed / 'd_batch.jsonl'}:2: malformed JSON")
    assert docs[5]["published"] == "2020-02-02"
    assert status == cli.EXIT_RECORD_ERRORS == 3
    assert str(mixed / "b_bad.txt") in err
    assert str(mixed / "d_batch.jsonl") in err
    assert "conflictrules: warning: 2 of 6 records had errors" in err
    assert "Traceback" not in err


def test_encoding_errors_replace(capsys: pytest.CaptureFixture[str], mixed: Path) -> None:
    bad = mixed / "b_bad.txt"
    status, out, _err = run(capsys, "extract", str(bad), "--encoding-errors", "replace")
    (doc,) = lines_of(out)
    assert doc["errors"] == [f"{bad}: invalid UTF-8 at byte 18; decoded with replacement"]
    assert status == 3


def test_all_good_exits_zero_quietly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "ok.txt"
    p.write_text(KILLED, encoding="utf-8")
    status, out, err = run(capsys, "extract", str(p), "--published", "2019-03-14")
    (doc,) = lines_of(out)
    assert status == 0 and err == ""
    assert doc["id"] == str(p) and doc["published"] == "2019-03-14"


def test_published_default_does_not_override_a_records_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text(
        json.dumps({"text": "a", "published": "2001-01-01"}) + "\n" + json.dumps({"text": "b"}),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "extract", str(p), "--published", "2019-03-14")
    assert [d["published"] for d in lines_of(out)] == ["2001-01-01", "2019-03-14"]
    assert status == 0


@pytest.mark.parametrize("value", ["14/03/2019", "2019-02-30", "yesterday"])
def test_bad_published_is_a_usage_error(capsys: pytest.CaptureFixture[str], value: str) -> None:
    status, out, err = run(capsys, "extract", "--published", value, "-")
    assert status == 2 and out == ""
    assert err.startswith("conflictrules: error: argument --published: invalid date")
    assert "YYYY-MM-DD" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["-1", "soon", "inf", "nan"])
def test_bad_budget_is_a_usage_error(capsys: pytest.CaptureFixture[str], value: str) -> None:
    status, out, err = run(capsys, "extract", "--budget", value, "-")
    assert status == 2 and out == ""
    assert err.startswith("conflictrules: error: argument --budget: invalid time budget")
    assert "0 / none for no limit" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_budget_reaches_every_worker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jobs: str
) -> None:
    p = tmp_path / "in.jsonl"
    p.write_text(
        "".join(json.dumps({"id": f"r{i}", "text": KILLED}) + "\n" for i in range(4)),
        encoding="utf-8",
    )
    base_status, base, _ = run(capsys, "extract", str(p), "--jobs", jobs)
    for unlimited in ("0", "none", "OFF"):
        status, out, _ = run(capsys, "extract", str(p), "--jobs", jobs, "--budget", unlimited)
        assert (status, out) == (base_status, base) == (0, base)
    # a budget too small for anything: every document is given up, with the reason
    status, out, _ = run(capsys, "extract", str(p), "--jobs", jobs, "--budget", "1e-9")
    docs = lines_of(out)
    assert status == 3 and len(docs) == 4
    assert all(d["casualties"] == [] for d in docs)
    assert all("time budget of 1e-09 s exceeded" in d["errors"][0] for d in docs)


def test_jobs_2_is_byte_identical_to_jobs_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p = tmp_path / "many.jsonl"
    phrases = [
        "At least {n} civilians were killed when shells hit the market.",
        "{n} soldiers were wounded in an ambush, the army said.",
        "Police said nobody was hurt.",
        "Gunmen abducted {n} villagers overnight.",
    ]
    with open(p, "w", encoding="utf-8") as f:
        for i in range(40):
            text = phrases[i % 4].format(n=i + 2)
            f.write(json.dumps({"id": f"r{i:02d}", "text": text}) + "\n")
    for fmt in ("jsonl", "csv"):
        s1, out1, _ = run(capsys, "extract", str(p), "--jobs", "1", "--format", fmt)
        s2, out2, _ = run(capsys, "extract", str(p), "--jobs", "2", "--format", fmt)
        assert (s1, s2) == (0, 0)
        assert out1 == out2
    _, out, _ = run(capsys, "extract", str(p), "--jobs", "2")
    assert [d["id"] for d in lines_of(out)] == [f"r{i:02d}" for i in range(40)]


def test_missing_csv_column_exits_2_before_any_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "a.txt"
    good.write_text(KILLED, encoding="utf-8")
    table = tmp_path / "b.csv"
    table.write_text("id,body\n1,Two soldiers were wounded.\n", encoding="utf-8")
    status, out, err = run(capsys, "extract", str(good), str(table))
    assert status == 2 and out == ""
    assert err.startswith(f"conflictrules: error: {table}: no column 'text'")
    assert len(err.strip().splitlines()) == 1
    status, out, err = run(capsys, "extract", str(table), "--text-column", "body")
    assert status == 0 and [d["id"] for d in lines_of(out)] == ["1"]


def test_nonexistent_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, "extract", str(tmp_path / "missing.jsonl"))
    assert status == 2 and out == ""
    assert err == f"conflictrules: error: {tmp_path / 'missing.jsonl'}: no such file or directory\n"


def test_output_file_is_written_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mixed: Path
) -> None:
    target = tmp_path / "out.json"
    status, out, _ = run(capsys, "extract", str(mixed), "-o", str(target), "--format", "json")
    assert status == 3 and out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 6

    # a failed run (input error) leaves the previous output as it was
    before = target.read_bytes()
    bad_csv = tmp_path / "t.csv"
    bad_csv.write_text("body\nx\n", encoding="utf-8")
    status, _, _ = run(capsys, "extract", str(bad_csv), "-o", str(target))
    assert status == 2 and target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["in", "out.json", "t.csv"]


def test_output_interrupted_mid_write(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    mixed: Path,
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n", encoding="utf-8")
    real_write = writers.JsonlWriter.write
    calls = 0

    def write_then_interrupt(self: writers.JsonlWriter, doc: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real_write(self, doc)

    monkeypatch.setattr(writers.JsonlWriter, "write", write_then_interrupt)
    status, _out, err = run(capsys, "extract", str(mixed), "--output", str(target), "-j", "1")
    assert status == 130 and "interrupted" in err
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["in", "out.jsonl"]


def test_output_directory_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("x", encoding="utf-8")
    target = tmp_path / "no" / "such" / "out.jsonl"
    status, out, err = run(capsys, "extract", str(src), "-o", str(target))
    assert status == 2 and out == ""
    assert err.startswith(f"conflictrules: error: {target}: cannot write")


def test_formats(capsys: pytest.CaptureFixture[str], mixed: Path) -> None:
    _, out, _ = run(capsys, "extract", str(mixed), "--format", "json", "-q")
    assert [d["id"] for d in json.loads(out)][-1] == "j3"
    _, out, _ = run(capsys, "extract", str(mixed), "--format", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"] for r in rows} >= {"j1", "j3", str(mixed / "c_empty.txt")}
    assert list(rows[0]) == list(writers.CSV_COLUMNS)
    _, out, _ = run(capsys, "extract", str(mixed), "--format", "table", "-q")
    assert f"== {mixed / 'a_good.txt'}" in out and "== j3  (published 2020-02-02)" in out


def test_stdin_jsonl_and_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "s", "text": "x"}\n'))
    status, out, _ = run(capsys, "extract")
    assert status == 0 and [d["id"] for d in lines_of(out)] == ["s"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(KILLED + "\n"))
    status, out, _ = run(capsys, "extract", "-")
    assert status == 0 and [d["id"] for d in lines_of(out)] == ["<stdin>"]


def test_quiet_and_progress(capsys: pytest.CaptureFixture[str], mixed: Path) -> None:
    status, _, err = run(capsys, "extract", str(mixed), "--quiet")
    assert status == 3 and err == ""
    _, _, err = run(capsys, "extract", str(mixed), "--progress")
    assert "6 documents" in err and "docs/s" in err
    status, _, err = run(capsys, "extract", str(mixed), "--progress", "--quiet")
    assert status == 2 and "not allowed with" in err


def test_grammar_error_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pack = tmp_path / "broken"
    pack.mkdir()
    (pack / "bad.rules").write_text("rule oops priority\n  match ((( \n", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("x", encoding="utf-8")
    status, out, err = run(capsys, "extract", str(src), "--grammar", str(pack))
    assert status == 1 and out == ""
    assert err.startswith("conflictrules: error: ") and "Traceback" not in err
    status, out, err = run(capsys, "extract", str(src), "--grammar", str(tmp_path / "none"))
    assert status in (1, 2) and out == "" and err.startswith("conflictrules: error: ")


def test_usage(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys)
    assert status == 2 and "extract" in err
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "eval" in out
    status, _, err = run(capsys, "extract", "--format", "xml")
    assert status == 2 and err.startswith("conflictrules: error: argument --format")
    status, _, err = run(capsys, "extract", "--jobs", "0")
    assert status == 2 and "--jobs" in err


def test_states_figure() -> None:
    assert cli.states_figure("Three people died.")
    assert cli.states_figure("Gunmen killed 4 guards.")
    assert not cli.states_figure("05/15/2016: Assailants attacked a post on March 3, 2016.")
    assert not cli.states_figure("In 2017, the 3rd battalion withdrew at 10:30.")
    assert not cli.states_figure("There were no reported casualties.")


def test_eval(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    with open(gold, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "killed", "wounded"])
        w.writerow(["g1", KILLED, "10", "0"])
        w.writerow(["g2", "A bomb exploded near a school; no group claimed it.", "0", ""])
        w.writerow(["g3", "Officials said nine police officers died.", "9", "2"])
        w.writerow(["g4", "Unknown figure.", "", ""])
    status, out, err = run(capsys, "eval", str(gold), "--show", "5", "-j", "1")
    assert status == 0, err
    assert f"{gold}: 4 rows, 0 with errors" in out
    killed = next(ln for ln in out.splitlines() if ln.startswith("killed"))
    injured = next(ln for ln in out.splitlines() if ln.startswith("injured"))
    assert killed.split()[1] == "3"  # gold rows: g1, g2, g3
    assert killed.split()[4] == "2"  # of which state a figure: g1, g3
    assert injured.split()[1] == "2"
    assert "disagreements" in out or "no disagreements" in out

    status, out, err = run(capsys, "eval", str(gold), "--killed-column", "deaths")
    assert status == 2 and out == "" and "'deaths'" in err

    acled = tmp_path / "acled.csv"
    acled.write_text("id,text,fatalities\na,Two men were killed.,2\n", encoding="utf-8")
    status, out, err = run(capsys, "eval", str(acled), "--killed-column", "fatalities")
    assert status == 0 and "injured not scored" in err
    assert [ln.split()[0] for ln in out.splitlines()[2:]] == ["killed"]


def test_console_script_subprocess(tmp_path: Path) -> None:
    src_dir = Path(cli.__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src_dir), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from conflictrules.cli import main; raise SystemExit(main())",
            "extract",
            "-",
            "--published",
            "2019-03-14",
        ],
        input=KILLED.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (doc,) = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert doc["id"] == "<stdin>" and doc["published"] == "2019-03-14"
    assert b"Traceback" not in proc.stderr
