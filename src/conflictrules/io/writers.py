"""Writing documents: JSONL, a JSON array, CSV (one row per casualty) and a text table.

Every writer streams: ``begin()`` once, ``write(doc)`` per document, ``end()`` once; none
holds more than one document. :func:`atomic_output` gives a file that appears under its
name only when writing finished, so a failed or interrupted run leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any, TextIO

from conflictrules.model import Casualty, Count, Document

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "CsvWriter",
    "JsonArrayWriter",
    "JsonlWriter",
    "TableWriter",
    "Writer",
    "atomic_output",
    "make_writer",
]

FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "table")

#: The columns of ``--format csv``, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "published",
    "outcome",
    "estimate",
    "low",
    "high",
    "qualifier",
    "approximate",
    "count_text",
    "victims",
    "victim_actor",
    "perpetrator",
    "time_text",
    "time_start",
    "time_end",
    "attribution_source",
    "attribution_source_actor",
    "negated",
    "hedge",
    "subset_of",
    "toll",
    "span_start",
    "span_end",
    "text",
    "rule",
    "errors",
)

#: How the errors of a document are joined into the one ``errors`` cell of ``--format csv``.
CSV_ERROR_SEPARATOR = " | "


class Writer:
    """Base class: writes documents to a text stream, one at a time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def begin(self) -> None:
        """Write whatever precedes the first document."""

    def write(self, doc: Document) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Write whatever follows the last document and flush."""
        self.stream.flush()


def _dumps(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False)


class JsonlWriter(Writer):
    """One JSON object per line."""

    def write(self, doc: Document) -> None:
        self.stream.write(_dumps(doc))
        self.stream.write("\n")


class JsonArrayWriter(Writer):
    """One JSON array, written as it goes: ``[``, one object per line, ``]``."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._count = 0

    def begin(self) -> None:
        self.stream.write("[")

    def write(self, doc: Document) -> None:
        self.stream.write(",\n" if self._count else "\n")
        self.stream.write(_dumps(doc))
        self._count += 1

    def end(self) -> None:
        self.stream.write("\n]\n" if self._count else "]\n")
        super().end()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CsvWriter(Writer):
    """One row per casualty (see :data:`CSV_COLUMNS`); a document without casualties
    still gets one row, with the casualty columns empty, so every document appears."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._csv = csv.writer(stream, lineterminator="\n")

    def begin(self) -> None:
        self._csv.writerow(CSV_COLUMNS)

    def write(self, doc: Document) -> None:
        errors = CSV_ERROR_SEPARATOR.join(doc.errors)
        if not doc.casualties:
            row = dict.fromkeys(CSV_COLUMNS, "")
            row.update(id=_cell(doc.id), published=_cell(doc.published), errors=errors)
            self._csv.writerow(row[c] for c in CSV_COLUMNS)
            return
        for cas in doc.casualties:
            self._csv.writerow(self._row(doc, cas, errors))

    @staticmethod
    def _row(doc: Document, cas: Casualty, errors: str) -> list[str]:
        source = source_actor = None
        if cas.attribution is not None and 0 <= cas.attribution < len(doc.attributions):
            attribution = doc.attributions[cas.attribution]
            source, source_actor = attribution.source, attribution.source_actor
        time = cas.time
        values: dict[str, Any] = {
            "id": doc.id,
            "published": doc.published,
            "outcome": cas.outcome,
            "estimate": cas.count.estimate,
            "low": cas.count.low,
            "high": cas.count.high,
            "qualifier": cas.count.qualifier,
            "approximate": cas.count.approximate,
            "count_text": cas.count.text,
            "victims": cas.victims,
            "victim_actor": cas.victim_actor,
            "perpetrator": cas.perpetrator,
            "time_text": time.text if time else None,
            "time_start": time.start if time else None,
            "time_end": time.end if time else None,
            "attribution_source": source,
            "attribution_source_actor": source_actor,
            "negated": cas.negated,
            "hedge": cas.hedge,
            "subset_of": cas.subset_of,
            "toll": cas.toll,
            "span_start": cas.span[0],
            "span_end": cas.span[1],
            "text": cas.text,
            "rule": cas.rule,
            "errors": errors,
        }
        return [_cell(values[c]) for c in CSV_COLUMNS]


def _figure(count: Count) -> str:
    """``10``, ``10-20`` (a stated range), ``?`` (no estimate)."""
    if count.estimate is None:
        return "?"
    if count.low is not None and count.high is not None and count.low != count.high:
        return f"{count.low}-{count.high}"
    return str(count.estimate)


def _count_text(count: Count) -> str:
    """``10``, ``10-20``, ``~40``, ``10 (at least)``, ``12 (dozens)``, ``? (several)``."""
    figure = ("~" if count.approximate else "") + _figure(count)
    notes = [n for n in (count.qualifier, count.vague) if n]
    return f"{figure} ({', '.join(notes)})" if notes else figure


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TableWriter(Writer):
    """Aligned text for people: per document its id, one line per casualty, the totals,
    the actors, the attributions and the errors, then a blank line."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._count = 0

    def write(self, doc: Document) -> None:
        out: list[str] = []
        if self._count:
            out.append("")
        self._count += 1
        head = f"== {doc.id if doc.id is not None else '(no id)'}"
        if doc.published:
            head += f"  (published {doc.published})"
        out.append(head)
        rows = [self._casualty_cells(doc, c) for c in doc.casualties]
        if rows:
            widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
            for r in rows:
                cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=True) if w]
                out.append(("  " + "  ".join(cells)).rstrip())
        else:
            out.append("  no casualties")
        if doc.totals:
            totals = ", ".join(
                f"{outcome}={_figure(count)}" for outcome, count in doc.totals.items()
            )
            out.append(f"  totals: {totals}")
        if doc.actors:
            actors = "; ".join(f"{a.id} {a.name} ({a.type})" for a in doc.actors)
            out.append(f"  actors: {actors}")
        for i, a in enumerate(doc.attributions):
            who = a.source + (f" ({a.source_actor})" if a.source_actor else "")
            via = f" via {a.medium}" if a.medium else ""
            out.append(f"  attribution [{i}]: {who} {a.verb}{via}")
        for error in doc.errors:
            out.append(f"  error: {error}")
        self.stream.write("\n".join(out) + "\n")

    @staticmethod
    def _casualty_cells(doc: Document, cas: Casualty) -> list[str]:
        source = ""
        if cas.attribution is not None and 0 <= cas.attribution < len(doc.attributions):
            source = f"src={doc.attributions[cas.attribution].source}"
        time = ""
        if cas.time is not None:
            time = f"time={_one_line(cas.time.text, 40)}"
            if cas.time.start or cas.time.end:
                time += f" [{cas.time.start or ''}..{cas.time.end or ''}]"
        return [
            ("not " if cas.negated else "") + cas.outcome,
            _count_text(cas.count),
            cas.victims or "",
            f"victim={cas.victim_actor}" if cas.victim_actor else "",
            f"perp={cas.perpetrator}" if cas.perpetrator else "",
            source,
            f"hedge={cas.hedge}" if cas.hedge else "",
            time,
            f'"{_one_line(cas.text)}"',
        ]


_WRITERS: dict[str, type[Writer]] = {
    "jsonl": JsonlWriter,
    "json": JsonArrayWriter,
    "csv": CsvWriter,
    "table": TableWriter,
}


def make_writer(fmt: str, stream: TextIO) -> Writer:
    """The writer for one of :data:`FORMATS`."""
    try:
        return _WRITERS[fmt](stream)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Open ``path`` for writing so that it changes only if the block completes.

    Writes go to a temporary file in the same directory, which replaces ``path``
    (``os.replace``) at the end; on any exception, ``KeyboardInterrupt`` included, the
    temporary file is removed and ``path`` is left untouched. The new file gets the mode
    of the file it replaces, or the usual mode for a new file.
    """
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
