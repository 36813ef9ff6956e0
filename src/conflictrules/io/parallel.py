"""Running an extractor over a stream of records, in-process or on a pool of processes.

:func:`extract_records` yields ``(record, document)`` pairs in input order whatever the
number of jobs. With ``jobs > 1`` records are grouped into chunks and sent to a
``ProcessPoolExecutor``; at most ``in_flight`` chunks are outstanding at any time, so
memory stays flat however long the input is, and results are yielded as soon as the
oldest chunk is done (``imap``-style). The extractor is handed to each worker once, when
the worker starts (inherited under ``fork``, pickled otherwise), never per chunk.

Extraction never raises for a document: an exception becomes an ``errors`` entry of that
document's output object, and a record's own errors (from reading it) come first.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol

import attrs

from conflictrules.io.readers import Record
from conflictrules.model import Document

__all__ = ["SupportsExtract", "default_jobs", "extract_records", "process_record"]


class SupportsExtract(Protocol):
    """What this module needs of an extractor (``conflictrules.Extractor`` has it)."""

    def extract(
        self, text: str, published: str | None = None, id: str | None = None
    ) -> Document: ...


def default_jobs() -> int:
    """The number of CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def process_record(
    extractor: SupportsExtract, record: Record, default_published: str | None = None
) -> Document:
    """Extract one record: its own date, else ``default_published``; its errors kept."""
    published = record.published or default_published
    try:
        doc = extractor.extract(record.text, published=published, id=record.id)
    except Exception as e:  # a bad document is an errors entry, never an exception
        where = record.id or record.source or "document"
        message = f"{where}: extraction failed: {type(e).__name__}: {e}"
        doc = Document(id=record.id, published=published, errors=(message,))
    if record.errors:
        doc = attrs.evolve(doc, errors=(*record.errors, *doc.errors))
    return doc


# --- worker side --------------------------------------------------------------------------

_WORKER_EXTRACTOR: SupportsExtract | None = None


def _init_worker(extractor: SupportsExtract) -> None:
    global _WORKER_EXTRACTOR
    # Ctrl-C goes to the whole process group: let the parent alone decide what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_EXTRACTOR = extractor


def _run_chunk(chunk: list[Record], default_published: str | None) -> list[Document]:
    extractor = _WORKER_EXTRACTOR
    if extractor is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without an extractor")
    return [process_record(extractor, record, default_published) for record in chunk]


# --- parent side --------------------------------------------------------------------------


def _chunks(records: Iterable[Record], size: int, max_chars: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    chars = 0
    for record in records:
        chunk.append(record)
        chars += len(record.text)
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _pool_context() -> multiprocessing.context.BaseContext | None:
    # fork shares the already compiled extractor with the workers at no cost; it is the
    # Linux default before Python 3.14 and safe here (the CLI starts no threads). Other
    # platforms keep their default (spawn on macOS and Windows).
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def extract_records(
    extractor: SupportsExtract,
    records: Iterable[Record],
    *,
    jobs: int = 1,
    default_published: str | None = None,
    chunk_size: int = 16,
    max_chunk_chars: int = 1_000_000,
    in_flight: int | None = None,
) -> Generator[tuple[Record, Document], None, None]:
    """Yield ``(record, document)`` for every record, in input order.

    ``jobs <= 1`` runs in this process. Otherwise chunks of up to ``chunk_size`` records
    (and about ``max_chunk_chars`` characters) go to ``jobs`` worker processes, with at
    most ``in_flight`` chunks (default ``2 * jobs``) outstanding. An input that fits in
    one chunk is processed in this process, without starting a pool. Closing the
    generator early (or an exception, ``KeyboardInterrupt`` included) cancels the queued
    chunks and shuts the pool down.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if jobs <= 1:
        for record in records:
            yield record, process_record(extractor, record, default_published)
        return

    chunks = _chunks(records, chunk_size, max_chunk_chars)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:
        for record in first:
            yield record, process_record(extractor, record, default_published)
        return

    limit = max(1, in_flight if in_flight is not None else 2 * jobs)
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_pool_context(),
        initializer=_init_worker,
        initargs=(extractor,),
    )
    pending: deque[tuple[list[Record], Future[list[Document]]]] = deque()

    def oldest() -> Iterator[tuple[Record, Document]]:
        chunk, future = pending.popleft()
        docs = future.result()
        if len(docs) != len(chunk):  # pragma: no cover - a worker bug
            raise RuntimeError(f"a worker returned {len(docs)} documents for {len(chunk)}")
        yield from zip(chunk, docs, strict=True)

    try:
        for chunk in itertools.chain((first, second), chunks):
            pending.append((chunk, pool.submit(_run_chunk, chunk, default_published)))
            while len(pending) >= limit or (pending and pending[0][1].done()):
                yield from oldest()
        while pending:
            yield from oldest()
    except BaseException:
        # Interrupted, a worker died, or the consumer stopped early: drop what is queued.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
