"""Readers, writers, atomic output and the parallel runner (no real grammar needed)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conflictrules.io import parallel, readers
from conflictrules.io.parallel import extract_records, process_record
from conflictrules.io.readers import InputError, Record, iter_records
from conflictrules.io.writers import CSV_COLUMNS, atomic_output, make_writer
from conflictrules.model import Attribution, Casualty, Count, Document, TimeRef


def records(paths: list[Path | str], **kw: Any) -> list[Record]:
    return list(iter_records([str(p) for p in paths], **kw))


# --- .txt -----------------------------------------------------------------------------


def test_txt_is_one_document_with_its_path_as_id(tmp_path: Path) -> None:
    p = tmp_path / "report.txt"
    p.write_bytes(b"Two fishermen were hurt.\r\nNo one else.\n")
    (r,) = records([p])
    assert r.id == str(p)
    assert r.text == "Two fishermen were hurt.\r\nNo one else.\n"  # newlines untouched
    assert r.errors == ()
    assert r.published is None


def test_txt_empty_file_is_a_valid_empty_document(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    (r,) = records([p])
    assert (r.id, r.text, r.errors) == (str(p), "", ())


def test_txt_invalid_utf8_strict(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xc3\xa9 \xff ok")
    (r,) = records([p])
    assert r.text == ""
    assert r.errors == (f"{p}: invalid UTF-8 at byte 6",)


def test_txt_invalid_utf8_replace(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xc3\xa9 \xff ok")
    (r,) = records([p], encoding_errors="replace")
    assert r.text == "café \ufffd ok"
    assert r.errors == (f"{p}: invalid UTF-8 at byte 6; decoded with replacement",)


def test_explicit_file_with_other_extension_is_text(tmp_path: Path) -> None:
    p = tmp_path / "notes.md"
    p.write_text("# heading", encoding="utf-8")
    assert records([p])[0].text == "# heading"


# --- JSONL ----------------------------------------------------------------------------


def test_jsonl_lines_ids_published_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "first", "published": "2020-05-01"}),
        "",
        "   ",
        json.dumps({"text": "no id here"}),
        '{"text": "broken',
        json.dumps({"id": "n", "title": "no text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "text": "numeric id", "published": "2020-13-45"}),
        json.dumps({"text": "with time", "published": "2020-05-02T10:00:00Z"}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rs = records([p])
    assert [r.id for r in rs] == ["a1", f"{p}:4", f"{p}:5", "n", f"{p}:7", "7", f"{p}:9"]
    assert rs[0].published == "2020-05-01"
    assert rs[0].errors == ()
    assert rs[1].text == "no id here"
    assert rs[2].text == ""
    assert rs[2].errors[0].startswith(f"{p}:5: malformed JSON: ")
    assert rs[3].errors == (f'{p}:6: no "text" field',)
    assert rs[4].errors == (f"{p}:7: expected a JSON object, got list",)
    assert rs[5].text == "numeric id"
    assert rs[5].published is None
    assert "invalid published date '2020-13-45'" in rs[5].errors[0]
    assert rs[6].published == "2020-05-02"
    assert all(r.source == str(p) for r in rs)


def test_jsonl_bom_and_crlf(tmp_path: Path) -> None:
    p = tmp_path / "bom.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"text": "a"}\r\n{"text": "b"}\r\n')
    assert [r.text for r in records([p])] == ["a", "b"]


def test_jsonl_invalid_utf8_line(tmp_path: Path) -> None:
    p = tmp_path / "enc.jsonl"
    first = b'{"text": "ok"}\n'
    p.write_bytes(first + b'{"text": "bad \xff"}\n{"text": "after"}\n')
    rs = records([p])
    assert [r.text for r in rs] == ["ok", "", "after"]
    at = len(first) + len(b'{"text": "bad ')
    assert rs[1].errors == (f"{p}:2: invalid UTF-8 at byte {at}",)
    assert rs[1].id == f"{p}:2"
    rs = records([p], encoding_errors="replace")
    assert rs[1].text == "bad \ufffd"
    assert rs[1].errors == (f"{p}:2: invalid UTF-8 at byte {at}; decoded with replacement",)


def test_jsonl_unpaired_surrogate_escape(tmp_path: Path) -> None:
    p = tmp_path / "sur.jsonl"
    p.write_text('{"text": "x\\ud800y"}\n', encoding="utf-8")
    (r,) = records([p])
    assert r.text == "" and "unpaired surrogate" in r.errors[0]
    (r,) = records([p], encoding_errors="replace")
    assert r.text == "x\ufffdy"  # same length: offsets unchanged


def _tracking_open(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    opened: list[Any] = []

    def tracking(*args: Any, **kw: Any) -> Any:
        f = open(*args, **kw)  # noqa: SIM115
        opened.append(f)
        return f

    monkeypatch.setattr(readers, "open", tracking, raising=False)
    return opened


def test_jsonl_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Shelling hit the market; three people were wounded."}) + "\n"
    with open(p, "w", encoding="utf-8") as f:
        f.writelines(line for _ in range(50_000))
    size = p.stat().st_size
    opened = _tracking_open(monkeypatch)
    it = iter_records([str(p)])
    first = next(it)
    assert first.id == f"{p}:1"
    (f,) = opened
    assert f.tell() < size / 20  # only a buffer's worth was read
    assert sum(1 for _ in it) == 49_999


# --- CSV ------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_csv_columns_ids_and_bad_rows(tmp_path: Path) -> None:
    p = tmp_path / "events.csv"
    p.write_text(
        "id,text,published,killed\n"
        'e1,"Two guards were killed,\nreports said.",2018-02-03,2\n'
        "e2,too,many,fields,here\n"
        "\n"
        ",no id given,,0\n",
        encoding="utf-8",
    )
    rs = records([p], extra_columns=["killed"])
    assert [r.id for r in rs] == ["e1", f"{p}:3", f"{p}:5"]
    assert rs[0].text == "Two guards were killed,\nreports said."
    assert rs[0].published == "2018-02-03"
    assert rs[0].extra == {"killed": "2"}
    assert rs[1].errors == (f"{p}:3: expected 4 fields, got 5",)
    assert rs[1].text == ""
    assert rs[2].text == "no id given" and rs[2].errors == ()


def test_csv_custom_columns_and_missing_id_column(tmp_path: Path) -> None:
    p = tmp_path / "notes.csv"
    write_csv(p, [["body", "ref"], ["alpha", "r1"], ["beta", "r2"]])
    rs = records([p], text_column="body", id_column="ref")
    assert [(r.id, r.text) for r in rs] == [("r1", "alpha"), ("r2", "beta")]
    rs = records([p], text_column="body")  # no "id" column: PATH:ROW, header is row 1
    assert [r.id for r in rs] == [f"{p}:2", f"{p}:3"]


def test_csv_missing_text_column_is_raised_before_any_record(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("fine", encoding="utf-8")
    p = tmp_path / "b.csv"
    write_csv(p, [["id", "body"], ["1", "x"]])
    with pytest.raises(InputError) as e:
        iter_records([str(good), str(p)])  # raised at call time, nothing yielded
    assert str(p) in str(e.value) and "'text'" in str(e.value)
    assert "--text-column" in str(e.value)


def test_csv_bom_header_and_large_field(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    big = "word " * 100_000  # beyond csv's default 128 KiB field limit
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["id", "text"], ["x", big]])
    (r,) = records([p])
    assert r.text == big and r.errors == ()


def test_csv_invalid_utf8(tmp_path: Path) -> None:
    p = tmp_path / "enc.csv"
    p.write_bytes(b"id,text\n1,ok\n2,bad \xff\n")
    rs = records([p])
    assert rs[0].text == "ok"
    assert rs[1].text == "" and rs[1].errors == (f"{p}:3: invalid UTF-8 in the text column",)
    rs = records([p], encoding_errors="replace")
    assert rs[1].text == "bad \ufffd" and rs[1].errors[0].endswith("decoded with replacement")


def test_csv_empty_file_has_no_records(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert records([p]) == []


def test_csv_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.csv"
    write_csv(p, [["id", "text"], *([str(i), "A convoy was ambushed."] for i in range(50_000))])
    size = p.stat().st_size
    opened = _tracking_open(monkeypatch)
    it = iter_records([str(p)])
    assert next(it).id == "0"
    assert opened[-1].buffer.tell() < size / 20
    assert sum(1 for _ in it) == 49_999


# --- directories, paths, stdin --------------------------------------------------------


def test_directory_walk_sorted_recursive(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.d").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "a.d" / "y.TXT").write_text("y", encoding="utf-8")
    (tmp_path / "c.txt").write_text("c", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text('{"text": "d"}\n', encoding="utf-8")
    (tmp_path / "e.pdf").write_bytes(b"%PDF")
    (tmp_path / ".x.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".hidden" / "h.txt").write_text("hidden", encoding="utf-8")
    skipped: list[str] = []
    rs = records([tmp_path], on_skip=skipped.append)
    assert [r.text for r in rs] == ["y", "z", "c", "d"]
    assert rs[0].id == os.path.join(str(tmp_path), "a.d", "y.TXT")
    assert skipped == [os.path.join(str(tmp_path), "e.pdf")]


def test_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="no such file or directory"):
        iter_records([str(missing)])


def test_stdin_twice_is_an_error() -> None:
    with pytest.raises(InputError, match="more than once"):
        iter_records(["-", "-"])


def test_stdin_jsonl() -> None:
    stream = io.StringIO('{"id": "s1", "text": "one"}\n\n  {"text": "two"}\n')
    rs = records(["-"], stdin=stream)
    assert [(r.id, r.text) for r in rs] == [("s1", "one"), ("<stdin>:3", "two")]


def test_stdin_text_when_a_line_does_not_start_with_brace() -> None:
    text = '{"looks": "like json"}\nbut this line is prose.\n'
    rs = records([], stdin=io.StringIO(text))  # no path at all reads stdin too
    assert [(r.id, r.text) for r in rs] == [("<stdin>", text)]


def test_stdin_binary_invalid_utf8_and_empty() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"plain \xff text\n"), encoding="utf-8")
    (r,) = records(["-"], stdin=stream)
    assert r.text == "" and r.errors == ("<stdin>: invalid UTF-8 at byte 6",)
    assert records(["-"], stdin=io.StringIO("\n\n")) == []


# --- writers --------------------------------------------------------------------------


def sample_docs() -> list[Document]:
    text = "Local residents said at least 10 civilians were killed."
    count = Count(10, 10, None, False, "at least", "at least 10")
    cas = Casualty(
        outcome="killed",
        count=count,
        span=(22, 55),
        text=text[22:55],
        rule="casualty.passive",
        victims="civilians",
        perpetrator="RUS",
        time=TimeRef("on Monday", "2019-03-11", "2019-03-11"),
        attribution=0,
    )
    hurt = Casualty(
        outcome="injured",
        count=Count(3, 3, 5, True, "between", "3 to 5"),
        span=(0, 5),
        text="three",
        rule="casualty.active",
    )
    att = Attribution(source="Local residents", verb="say", span=(0, 20))
    return [
        Document(
            "d1",
            "2019-03-14",
            casualties=(cas, hurt),
            attributions=(att,),
            totals={"killed": count},
        ),
        Document("d2", None, errors=("d2.txt: invalid UTF-8 at byte 3", "second problem")),
    ]


def render(fmt: str, docs: list[Document]) -> str:
    out = io.StringIO()
    w = make_writer(fmt, out)
    w.begin()
    for d in docs:
        w.write(d)
    w.end()
    return out.getvalue()


def test_jsonl_writer() -> None:
    docs = sample_docs()
    lines = render("jsonl", docs).splitlines()
    assert [json.loads(line) for line in lines] == [d.to_dict() for d in docs]


def test_json_writer() -> None:
    docs = sample_docs()
    assert json.loads(render("json", docs)) == [d.to_dict() for d in docs]
    assert json.loads(render("json", [])) == []


def test_csv_writer_one_row_per_casualty_and_per_empty_document() -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", sample_docs()))))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [(r["id"], r["outcome"]) for r in rows] == [
        ("d1", "killed"),
        ("d1", "injured"),
        ("d2", ""),
    ]
    k = rows[0]
    assert (k["estimate"], k["low"], k["high"], k["qualifier"]) == ("10", "10", "", "at least")
    assert (k["approximate"], k["negated"]) == ("false", "false")
    assert (k["victims"], k["perpetrator"], k["attribution_source"]) == (
        "civilians",
        "RUS",
        "Local residents",
    )
    assert (k["time_text"], k["time_start"], k["span_start"], k["span_end"]) == (
        "on Monday",
        "2019-03-11",
        "22",
        "55",
    )
    assert k["rule"] == "casualty.passive" and k["errors"] == ""
    assert rows[2]["errors"] == "d2.txt: invalid UTF-8 at byte 3 | second problem"
    assert render("csv", []).splitlines() == [",".join(CSV_COLUMNS)]


def test_table_writer() -> None:
    text = render("table", sample_docs())
    assert "== d1  (published 2019-03-14)" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("killed"))
    assert "10 (at least)" in line and "civilians" in line
    assert "perp=RUS" in line and "src=Local residents" in line
    assert "~3-5 (between)" in text
    assert "totals: killed=10" in text
    assert "attribution [0]: Local residents say" in text
    assert "== d2\n  no casualties\n  error: d2.txt: invalid UTF-8 at byte 3" in text


# --- atomic output --------------------------------------------------------------------


def test_atomic_output_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_output(target) as f:
        f.write("new\n")
        assert target.read_text(encoding="utf-8") == "old\n"  # not yet
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_atomic_output_failure_leaves_target_untouched(
    tmp_path: Path, exc: type[BaseException]
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(exc), atomic_output(target) as f:
        f.write("half")
        raise exc()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_atomic_output_new_file_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    with pytest.raises(ValueError), atomic_output(target) as f:
        f.write("x")
        raise ValueError
    assert os.listdir(tmp_path) == []


# --- parallel -------------------------------------------------------------------------


class EchoExtractor:
    """A picklable stand-in: one 'killed' casualty per digit run; 'CRASH' raises."""

    def extract(self, text: str, published: str | None = None, id: str | None = None) -> Document:
        if "CRASH" in text:
            raise ValueError("cannot handle this")
        n = sum(ch.isdigit() for ch in text)
        totals = {"killed": Count(n)} if n else {}
        return Document(id, published, totals=totals, errors=(f"pid-free note {len(text)}",))


def make_records(n: int) -> Iterator[Record]:
    for i in range(n):
        text = "CRASH" if i == 5 else "x" * i + str(i)
        errors = ("read problem",) if i == 7 else ()
        yield Record(f"r{i}", text, "2020-01-02" if i % 2 else None, errors, source="mem")


def test_process_record_keeps_record_errors_and_catches_exceptions() -> None:
    ex = EchoExtractor()
    doc = process_record(ex, Record("a", "x1", None, ("bad line",)), "2019-01-01")
    assert doc.published == "2019-01-01"
    assert doc.errors == ("bad line", "pid-free note 2")
    doc = process_record(ex, Record("b", "CRASH"))
    assert doc.id == "b"
    assert doc.errors == ("b: extraction failed: ValueError: cannot handle this",)


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_matches_serial_and_keeps_order(jobs: int) -> None:
    ex = EchoExtractor()
    serial = [d.to_dict() for _, d in extract_records(ex, make_records(40), jobs=1)]
    pairs = list(extract_records(ex, make_records(40), jobs=jobs, chunk_size=3, in_flight=2))
    assert [d.to_dict() for _, d in pairs] == serial
    assert [r.id for r, _ in pairs] == [f"r{i}" for i in range(40)]
    assert serial[5]["errors"][0].startswith("r5: extraction failed")
    assert serial[7]["errors"][0] == "read problem"


def test_parallel_bounded_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    consumed = 0

    def counting() -> Iterator[Record]:
        nonlocal consumed
        for r in make_records(200):
            consumed += 1
            yield r

    it = extract_records(EchoExtractor(), counting(), jobs=2, chunk_size=4, in_flight=3)
    next(it)
    assert consumed <= 4 * 4  # in-flight chunks plus the one being filled
    it.close()  # stopping early shuts the pool down


def test_parallel_small_input_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*a: Any, **k: Any) -> None:
        raise AssertionError("no pool for one chunk")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    out = list(extract_records(EchoExtractor(), make_records(5), jobs=4, chunk_size=8))
    assert len(out) == 5
