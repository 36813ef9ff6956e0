"""Reading documents: ``.txt`` files, JSONL, CSV, directories and standard input.

Everything streams: JSONL and CSV files are read one line / row at a time, so a file of
any size is read in constant memory (a single text document is necessarily read whole).

Problems with one record never stop the others: a malformed JSONL line, a CSV row with
the wrong number of fields or a file that is not valid UTF-8 gives a :class:`Record` with
``text=""`` (or the text decoded with replacement) and a message in ``errors``, so that
every input is accounted for in the output. Problems that make a whole input unusable
(a path that does not exist, a CSV without the text column) raise :class:`InputError`
when :func:`iter_records` is called, before any record is produced.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, Literal

import attrs

__all__ = [
    "STDIN_NAME",
    "InputError",
    "InputSource",
    "Record",
    "check_inputs",
    "iter_inputs",
    "iter_records",
    "read_csv_header",
    "resolve_inputs",
]

#: The name standard input goes by in ids and messages.
STDIN_NAME = "<stdin>"

#: File extensions a walked directory contributes (case-insensitive); other files are skipped.
TEXT_EXTENSIONS = (".txt",)
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
CSV_EXTENSIONS = (".csv",)

EncodingErrors = Literal["strict", "replace"]
Kind = Literal["text", "jsonl", "csv", "stdin"]

_BOM = codecs.BOM_UTF8
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\Z", re.S)
_STDIN_SPOOL_BYTES = 16 * 1024 * 1024


class InputError(Exception):
    """An input that cannot be read at all (missing path, CSV without the text column).

    ``str(e)`` is a complete one-line message naming the input.
    """


@attrs.frozen(slots=True)
class Record:
    """One input document, as read, before extraction.

    ``errors`` are problems with this record (malformed line, invalid UTF-8, ...); a
    record with errors still yields an output object, whose ``errors`` carry them.
    ``source`` names the file it came from (``"<stdin>"`` for standard input) and
    ``extra`` holds further CSV columns asked for with ``extra_columns``.
    """

    id: str | None
    text: str
    published: str | None = None
    errors: tuple[str, ...] = ()
    source: str = ""
    extra: Mapping[str, str] = attrs.field(factory=dict, eq=False)


@attrs.frozen(slots=True)
class InputSource:
    """One concrete input after paths are resolved: a file of a known kind, or stdin."""

    kind: Kind
    path: str


def _kind_of(path: str) -> Kind:
    lower = path.lower()
    if lower.endswith(JSONL_EXTENSIONS):
        return "jsonl"
    if lower.endswith(CSV_EXTENSIONS):
        return "csv"
    return "text"


def _walk(directory: str, on_skip: Callable[[str], None] | None) -> list[InputSource]:
    """The supported files under ``directory``, in sorted order of their path components.

    Hidden files and directories (name starting with ".") are ignored silently; other
    files with an unsupported extension are reported through ``on_skip``.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    for root, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_root = os.path.relpath(root, directory)
        parts: tuple[str, ...] = () if rel_root == os.curdir else tuple(rel_root.split(os.sep))
        for name in filenames:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if name.lower().endswith(TEXT_EXTENSIONS + JSONL_EXTENSIONS + CSV_EXTENSIONS):
                found.append(((*parts, name), path))
            elif on_skip is not None:
                on_skip(path)
    found.sort()
    return [InputSource(_kind_of(path), path) for _, path in found]


def resolve_inputs(
    paths: Sequence[str], *, on_skip: Callable[[str], None] | None = None
) -> list[InputSource]:
    """Turn command-line paths into the list of inputs, in order.

    ``-`` (or no path at all) is standard input; a directory is walked recursively in
    sorted order, taking ``.txt``, ``.jsonl``/``.ndjson`` and ``.csv`` files; a file named
    explicitly is read by its extension, any extension other than JSONL and CSV being read
    as one text document. Raises :class:`InputError` for a path that does not exist or
    standard input named twice.
    """
    if not paths:
        return [InputSource("stdin", STDIN_NAME)]
    inputs: list[InputSource] = []
    seen_stdin = False
    for path in paths:
        if path == "-":
            if seen_stdin:
                raise InputError("standard input ('-') given more than once")
            seen_stdin = True
            inputs.append(InputSource("stdin", STDIN_NAME))
        elif os.path.isdir(path):
            inputs.extend(_walk(path, on_skip))
        elif os.path.exists(path):
            inputs.append(InputSource(_kind_of(path), path))
        else:
            raise InputError(f"{path}: no such file or directory")
    return inputs


def _set_csv_field_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # pragma: no cover - platforms with a 32-bit C long
            limit //= 2


def _open_csv(path: str) -> IO[str]:
    # utf-8-sig drops a spreadsheet's byte-order mark; surrogateescape keeps invalid
    # bytes as lone surrogates so that a bad row is reported instead of stopping the file.
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")


def read_csv_header(path: str) -> list[str]:
    """The column names of a CSV file (whitespace around names removed); [] when empty."""
    _set_csv_field_limit()
    try:
        with _open_csv(path) as f:
            header = next(csv.reader(f), [])
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    except csv.Error as e:
        raise InputError(f"{path}: malformed CSV header: {e}") from e
    return [name.strip() for name in header]


def _check_header(path: str, header: list[str], columns: Sequence[tuple[str, str]]) -> None:
    for column, option in columns:
        if column not in header:
            shown = ", ".join(repr(h) for h in header[:20]) or "none"
            more = ", ..." if len(header) > 20 else ""
            raise InputError(
                f"{path}: no column {column!r} (columns: {shown}{more}); "
                f"choose the column with {option}"
            )


def check_inputs(
    inputs: Sequence[InputSource],
    *,
    text_column: str = "text",
    required_columns: Sequence[tuple[str, str]] = (),
) -> None:
    """Check every CSV input up front: raise :class:`InputError` if a column is missing.

    ``required_columns`` are further ``(column, option)`` pairs that must be present;
    ``option`` names the command-line option that chooses it, for the message. An empty
    CSV file (not even a header) has no records and passes.
    """
    for source in inputs:
        if source.kind != "csv":
            continue
        header = read_csv_header(source.path)
        if header:
            _check_header(source.path, header, [(text_column, "--text-column"), *required_columns])


def iter_records(
    paths: Sequence[str],
    *,
    text_column: str = "text",
    id_column: str = "id",
    published_column: str = "published",
    extra_columns: Sequence[str] = (),
    encoding_errors: EncodingErrors = "strict",
    stdin: IO[str] | IO[bytes] | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[Record]:
    """Stream the records of ``paths`` in input order (see the module docstring).

    Paths are resolved and CSV headers checked at call time, so that :class:`InputError`
    is raised before anything is read. ``stdin`` defaults to ``sys.stdin`` at call time.
    """
    inputs = resolve_inputs(paths, on_skip=on_skip)
    check_inputs(inputs, text_column=text_column)
    return iter_inputs(
        inputs,
        text_column=text_column,
        id_column=id_column,
        published_column=published_column,
        extra_columns=extra_columns,
        encoding_errors=encoding_errors,
        stdin=stdin,
    )


def iter_inputs(
    inputs: Sequence[InputSource],
    *,
    text_column: str = "text",
    id_column: str = "id",
    published_column: str = "published",
    extra_columns: Sequence[str] = (),
    encoding_errors: EncodingErrors = "strict",
    stdin: IO[str] | IO[bytes] | None = None,
) -> Iterator[Record]:
    """Stream the records of already resolved inputs (see :func:`resolve_inputs`)."""
    if encoding_errors not in ("strict", "replace"):
        raise ValueError(f"encoding_errors must be 'strict' or 'replace', not {encoding_errors!r}")
    for source in inputs:
        if source.kind == "text":
            yield _read_text_file(source.path, encoding_errors)
        elif source.kind == "jsonl":
            yield from _read_jsonl_file(source.path, encoding_errors)
        elif source.kind == "csv":
            yield from _read_csv(
                source.path,
                text_column=text_column,
                id_column=id_column,
                published_column=published_column,
                extra_columns=extra_columns,
                encoding_errors=encoding_errors,
            )
        else:
            yield from _read_stdin(sys.stdin if stdin is None else stdin, encoding_errors)


# --- decoding ---------------------------------------------------------------------------


def _decode(data: bytes, where: str, offset: int, policy: EncodingErrors) -> tuple[str | None, str]:
    """Decode UTF-8: (text, "") when valid; otherwise (None, error) under "strict" and
    (replaced text, flag) under "replace". ``offset`` is added to the reported byte."""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as e:
        at = offset + e.start
        if policy == "strict":
            return None, f"{where}: invalid UTF-8 at byte {at}"
        text = data.decode("utf-8", errors="replace")
        return text, f"{where}: invalid UTF-8 at byte {at}; decoded with replacement"


def _surrogates(text: str, where: str, policy: EncodingErrors, what: str) -> tuple[str | None, str]:
    """Lone surrogates (from JSON escapes, or undecodable CSV bytes kept by
    surrogateescape) cannot be written as UTF-8: refuse under "strict", replace them
    one-for-one (offsets unchanged) under "replace"."""
    if not _SURROGATE.search(text):
        return text, ""
    if policy == "strict":
        return None, f"{where}: {what}"
    return _SURROGATE.sub("\ufffd", text), f"{where}: {what}; decoded with replacement"


def _clean(value: str) -> str:
    return _SURROGATE.sub("\ufffd", value)


def _published(value: Any, where: str) -> tuple[str | None, str]:
    """A record's own publication date: ``YYYY-MM-DD`` (a time after it is dropped)."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, str):
        m = _ISO_DATE.match(value.strip())
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), ""
            except ValueError:
                pass
    shown = value if isinstance(value, str) else json.dumps(value)
    return None, f"{where}: invalid published date {_clean(shown)!r} (expected YYYY-MM-DD); ignored"


# --- .txt ---------------------------------------------------------------------------------


def _read_text_file(path: str, policy: EncodingErrors) -> Record:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return Record(path, "", errors=(f"{path}: cannot read: {e.strerror or e}",), source=path)
    text, problem = _decode(data, path, 0, policy)
    return Record(path, text or "", errors=(problem,) if problem else (), source=path)


# --- JSONL --------------------------------------------------------------------------------


def _read_jsonl_file(path: str, policy: EncodingErrors) -> Iterator[Record]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; the generator must stream
    except OSError as e:
        yield Record(path, "", errors=(f"{path}: cannot read: {e.strerror or e}",), source=path)
        return
    with f:
        yield from _jsonl_lines(f, path, policy)


def _jsonl_lines(lines: IO[bytes], name: str, policy: EncodingErrors) -> Iterator[Record]:
    offset = 0
    for lineno, raw in enumerate(lines, 1):
        start = offset
        offset += len(raw)
        if lineno == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
            start += len(_BOM)
        if not raw.strip():
            continue
        yield _jsonl_record(raw, name, lineno, start, policy)


def _jsonl_record(raw: bytes, name: str, lineno: int, start: int, policy: EncodingErrors) -> Record:
    where = f"{name}:{lineno}"

    def bad(message: str, *, flags: tuple[str, ...] = ()) -> Record:
        return Record(where, "", errors=(*flags, f"{where}: {message}"), source=name)

    line, problem = _decode(raw, where, start, policy)
    if line is None:
        return Record(where, "", errors=(problem,), source=name)
    flags = (problem,) if problem else ()
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return bad(f"malformed JSON: {e.msg} at column {e.colno}", flags=flags)
    except RecursionError:
        return bad("malformed JSON: nested too deeply", flags=flags)
    if not isinstance(obj, dict):
        return bad(f"expected a JSON object, got {type(obj).__name__}", flags=flags)

    errors = list(flags)
    rid = obj.get("id")
    if isinstance(rid, str) and rid:
        record_id = _clean(rid)
    elif isinstance(rid, int) and not isinstance(rid, bool):
        record_id = str(rid)
    else:
        record_id = where
        if rid is not None:
            errors.append(f"{where}: 'id' must be a string or an integer; using {where!r}")
    published, problem = _published(obj.get("published"), where)
    if problem:
        errors.append(problem)

    if "text" not in obj:
        errors.append(f'{where}: no "text" field')
        return Record(record_id, "", published, tuple(errors), source=name)
    text = obj["text"]
    if not isinstance(text, str):
        errors.append(f'{where}: "text" must be a string, got {json.dumps(text)[:40]}')
        return Record(record_id, "", published, tuple(errors), source=name)
    checked, problem = _surrogates(text, where, policy, 'unpaired surrogate in "text"')
    if problem:
        errors.append(problem)
    return Record(record_id, checked or "", published, tuple(errors), source=name)


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(
    path: str,
    *,
    text_column: str,
    id_column: str,
    published_column: str,
    extra_columns: Sequence[str],
    encoding_errors: EncodingErrors,
) -> Iterator[Record]:
    """Rows of a CSV file. ROW in ids and messages is the row number a spreadsheet shows
    (the header is row 1), which is the line number when no field spans lines."""
    _set_csv_field_limit()
    try:
        f = _open_csv(path)
    except OSError as e:
        yield Record(path, "", errors=(f"{path}: cannot read: {e.strerror or e}",), source=path)
        return
    with f:
        reader = csv.reader(f)
        try:
            header = [name.strip() for name in next(reader, [])]
        except csv.Error as e:
            raise InputError(f"{path}: malformed CSV header: {e}") from e
        if not header:
            return
        _check_header(path, header, [(text_column, "--text-column")])
        col = {name: i for i, name in reversed(list(enumerate(header)))}
        text_i = col[text_column]
        id_i = col.get(id_column)
        pub_i = col.get(published_column)
        extra_i = {name: col[name] for name in extra_columns if name in col}
        row_no = 1
        while True:
            row_no += 1
            where = f"{path}:{row_no}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield Record(where, "", errors=(f"{where}: malformed CSV: {e}",), source=path)
                continue
            if not row:  # a blank line
                continue
            if len(row) != len(header):
                yield Record(
                    where,
                    "",
                    errors=(f"{where}: expected {len(header)} fields, got {len(row)}",),
                    source=path,
                )
                continue
            yield _csv_record(row, where, path, text_i, id_i, pub_i, extra_i, encoding_errors)


def _csv_record(
    row: list[str],
    where: str,
    path: str,
    text_i: int,
    id_i: int | None,
    pub_i: int | None,
    extra_i: Mapping[str, int],
    policy: EncodingErrors,
) -> Record:
    errors: list[str] = []
    record_id = _clean(row[id_i].strip()) if id_i is not None else ""
    published, problem = _published(row[pub_i], where) if pub_i is not None else (None, "")
    if problem:
        errors.append(problem)
    text, problem = _surrogates(row[text_i], where, policy, "invalid UTF-8 in the text column")
    if problem:
        errors.append(problem)
    return Record(
        record_id or where,
        text or "",
        published,
        tuple(errors),
        source=path,
        extra={name: _clean(row[i]) for name, i in extra_i.items()},
    )


# --- standard input -----------------------------------------------------------------------


def _read_stdin(stream: IO[str] | IO[bytes], policy: EncodingErrors) -> Iterator[Record]:
    """Standard input is JSONL when every non-blank line starts with "{" (after leading
    whitespace), else one text document. Deciding needs the whole stream, so it is spooled
    (in memory up to 16 MB, then to a temporary file) and then read like a file."""
    raw: IO[bytes] | None = getattr(stream, "buffer", None)
    with tempfile.SpooledTemporaryFile(max_size=_STDIN_SPOOL_BYTES, mode="w+b") as spool:
        is_jsonl = True
        first = True
        source: Iterator[bytes] = (
            iter(raw)
            if raw is not None
            else (
                line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line
                for line in stream
            )
        )
        for line in source:
            spool.write(line)
            if first:
                first = False
                if line.startswith(_BOM):
                    line = line[len(_BOM) :]
            if is_jsonl:
                stripped = line.lstrip()
                if stripped and not stripped.startswith(b"{"):
                    is_jsonl = False
        spool.seek(0)
        if is_jsonl:
            yield from _jsonl_lines(spool, STDIN_NAME, policy)
        else:
            text, problem = _decode(spool.read(), STDIN_NAME, 0, policy)
            yield Record(
                STDIN_NAME, text or "", errors=(problem,) if problem else (), source=STDIN_NAME
            )
