"""Compiling many regex sources at once, on every core, for a grammar's first build.

The `regex` module's compiler is pure Python: the default grammar's 3.8 MB of pattern
source takes about a minute on one core, nearly all of it there. A first build (or one
after an edit that touches a word list every casualty rule uses) hands the sources it is
missing to worker processes, which compile them and send back the compiled programs (the
plain data ``ProgramStore`` keeps); the parent then builds each pattern from its program
in microseconds.

The workers are fresh interpreters (``sys.executable``) started with ``subprocess``, not
``multiprocessing``: they never import the caller's ``__main__``, so a script without an
``if __name__ == "__main__"`` guard is never run twice, and a daemon process (a Dask or
multiprocessing worker) may still start them. Data goes through pipes as ``marshal``
bytes. Anything that goes wrong (no interpreter, a worker that dies, a program that does
not load) is no error: the sources concerned are compiled in this process as before, where
a real compile error is reported with its rule's location.

``CONFLICTRULES_BUILD_JOBS`` sets the number of workers (``1``: none, compile in this
process); by default, one per CPU this process may use.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

#: below this much missing source (characters), starting workers costs more than it saves
MIN_PARALLEL_CHARS = 200_000

_WORKER = "from conflictrules.grammar.build_workers import worker_main; worker_main()"


def build_jobs() -> int:
    """How many worker processes a build may use: ``$CONFLICTRULES_BUILD_JOBS``, else the
    number of CPUs this process may run on."""
    env = os.environ.get("CONFLICTRULES_BUILD_JOBS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(
                f"CONFLICTRULES_BUILD_JOBS must be a whole number of processes, not {env!r}"
            ) from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def shares(sources: Sequence[str], workers: int) -> list[list[str]]:
    """The sources split into at most ``workers`` groups of about equal total length
    (longest first, each to the lightest group), none empty."""
    groups: list[list[str]] = [[] for _ in range(max(1, min(workers, len(sources))))]
    loads = [0] * len(groups)
    for source in sorted(sources, key=len, reverse=True):
        k = loads.index(min(loads))
        groups[k].append(source)
        loads[k] += len(source)
    return [g for g in groups if g]


def compile_programs(sources: Sequence[str], jobs: int | None = None) -> dict[str, tuple[Any, ...]]:
    """Programs for the sources, compiled by worker processes: source -> the arguments of
    the regex core's ``compile``. Sources a worker could not compile are left out (the
    caller compiles them itself); with one job, or too little source to be worth it,
    nothing is compiled here and the result is empty."""
    unique = sorted(set(sources))
    jobs = build_jobs() if jobs is None else jobs
    if jobs < 2 or len(unique) < 2 or sum(map(len, unique)) < MIN_PARALLEL_CHARS:
        return {}
    if not sys.executable or getattr(sys, "frozen", False):
        # no interpreter, or a frozen application whose executable is the application
        # itself (started with "-c", it would not compile anything)
        return {}
    env = dict(os.environ)
    # the worker imports this package and regex from where this process found them
    import regex

    import conflictrules

    roots = [
        os.path.dirname(os.path.dirname(os.path.abspath(m.__file__ or "")))
        for m in (conflictrules, regex)
    ]
    env["PYTHONPATH"] = os.pathsep.join([*roots, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    procs: list[tuple[list[str], subprocess.Popen[bytes]]] = []
    out: dict[str, tuple[Any, ...]] = {}
    try:
        for group in shares(unique, jobs):
            proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            procs.append((group, proc))
            assert proc.stdin is not None
            proc.stdin.write(marshal.dumps(group))  # the worker reads it all, then compiles
            proc.stdin.close()
        for group, proc in procs:
            assert proc.stdout is not None
            data = proc.stdout.read()
            if proc.wait() != 0:
                continue
            try:
                programs = marshal.loads(data)
            except (ValueError, EOFError, TypeError):
                continue
            if not isinstance(programs, list) or len(programs) != len(group):
                continue
            for source, args in zip(group, programs, strict=True):
                if isinstance(args, tuple) and args and args[0] == source:
                    out[source] = args
    except OSError:  # no interpreter to start, a broken pipe: compile here instead
        pass
    finally:
        for _group, proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return out


def worker_main() -> None:
    """A worker: reads a marshalled list of sources on stdin, writes the list of their
    programs (None for one that did not compile) on stdout."""
    sources = marshal.loads(sys.stdin.buffer.read())  # all of it first: the parent waits

    from conflictrules.grammar.compiler import capture_program

    programs: list[tuple[Any, ...] | None] = []
    for source in sources:
        try:
            _pattern, args = capture_program(source, {})
        except Exception:  # the parent compiles it again and reports the error
            args = None
        programs.append(args)
    sys.stdout.buffer.write(marshal.dumps(programs))
    sys.stdout.buffer.flush()
