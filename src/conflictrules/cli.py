"""The ``conflictrules`` command line (see docs/cli.md).

One small function per subcommand: ``_add_NAME(subparsers)`` declares its options and sets
``handler=_cmd_NAME``, which takes the parsed arguments and returns the exit status.
:func:`build_parser` calls every function in :data:`SUBCOMMANDS`; a new subcommand is one
more pair of functions and one more entry there.

Exit statuses: 0 success; 1 grammar error or internal failure; 2 usage or input error
(nothing is written); 3 every document was written but some records had errors (the
count is on standard error, the reasons in each object's ``errors``); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TextIO

from conflictrules.cli_grammar import SUBCOMMANDS as GRAMMAR_SUBCOMMANDS
from conflictrules.io.parallel import SupportsExtract, default_jobs, extract_records
from conflictrules.io.readers import (
    STDIN_NAME,
    InputError,
    InputSource,
    Record,
    check_inputs,
    iter_inputs,
    read_csv_header,
    resolve_inputs,
)
from conflictrules.io.writers import FORMATS, atomic_output, make_writer
from conflictrules.model import Document

__all__ = [
    "EXIT_GRAMMAR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RECORD_ERRORS",
    "EXIT_USAGE",
    "SUBCOMMANDS",
    "Console",
    "build_parser",
    "main",
]

PROG = "conflictrules"

EXIT_OK = 0
EXIT_GRAMMAR = 1  # a grammar error, or an internal failure (a worker process died)
EXIT_USAGE = 2  # bad options, or an input that cannot be read at all
EXIT_RECORD_ERRORS = 3  # finished, but some records had errors
EXIT_INTERRUPTED = 130


# --- console: messages and progress on standard error ---------------------------------------


class Console:
    """Messages and the progress line on standard error.

    ``error`` is always shown; ``warn`` and ``note`` are silenced by ``quiet``. The progress
    line (documents done and documents per second) is shown when the stream is a
    terminal or ``progress`` is true, and never when ``quiet`` is true.
    """

    TTY_INTERVAL = 0.2
    LOG_INTERVAL = 5.0

    def __init__(
        self, *, quiet: bool = False, progress: bool = False, stream: TextIO | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.show_progress = not quiet and (progress or self.tty)
        self.done = 0
        self._start = time.monotonic()
        self._last_draw = self._start
        self._drawn = False

    def _print(self, line: str) -> None:
        self._clear()
        print(line, file=self.stream, flush=True)

    def _clear(self) -> None:
        if self._drawn and self.tty:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def error(self, message: str) -> None:
        self._print(f"{PROG}: error: {message}")

    def warn(self, message: str) -> None:
        if not self.quiet:
            self._print(f"{PROG}: warning: {message}")

    def note(self, message: str) -> None:
        if not self.quiet:
            self._print(f"{PROG}: {message}")

    def fail(self, message: str, status: int) -> int:
        self.error(message)
        return status

    def _status(self) -> str:
        elapsed = time.monotonic() - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        noun = "document" if self.done == 1 else "documents"
        return f"{PROG}: {self.done:,} {noun}, {rate:,.1f} docs/s, {elapsed:,.1f}s"

    def tick(self, n: int = 1) -> None:
        self.done += n
        if not self.show_progress:
            return
        now = time.monotonic()
        if now - self._last_draw < (self.TTY_INTERVAL if self.tty else self.LOG_INTERVAL):
            return
        self._last_draw = now
        if self.tty:
            self.stream.write("\r\x1b[K" + self._status())
            self.stream.flush()
            self._drawn = True
        else:
            print(self._status(), file=self.stream, flush=True)

    def finish(self) -> None:
        if self.show_progress:
            self._print(self._status())


class _Tally:
    """Counts records and those with errors; names each bad file once on stderr."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.total = 0
        self.bad = 0
        self.by_source: dict[str, int] = {}

    def add(self, record: Record, doc: Document) -> None:
        self.total += 1
        self.console.tick()
        if not doc.errors:
            return
        self.bad += 1
        source = record.source or str(record.id)
        seen = self.by_source.get(source, 0)
        self.by_source[source] = seen + 1
        if not seen:
            first = doc.errors[0]
            self.console.warn(first if first.startswith(source) else f"{source}: {first}")

    def finish(self) -> int:
        """Print the summary; the exit status for what was seen."""
        self.console.finish()
        for source, n in self.by_source.items():
            if n > 1:
                self.console.warn(f"{source}: {n} records with errors")
        if self.bad:
            self.console.warn(
                f"{self.bad} of {self.total} records had errors "
                '(the reasons are in the "errors" field of their output)'
            )
            return EXIT_RECORD_ERRORS
        return EXIT_OK


# --- argument parsing -------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line: ``conflictrules: error: ...``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _date_arg(value: str) -> str:
    try:
        if not _DATE.match(value):
            raise ValueError
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {value!r}: expected YYYY-MM-DD, e.g. 2019-03-14"
        ) from None


def _jobs_arg(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"invalid number of jobs {value!r}: expected 1 or more")
    return jobs


def _budget_arg(value: str) -> float:
    """Seconds of CPU per document; 0 (also written none or off) for no limit."""
    if value.strip().lower() in ("none", "off"):
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(
            f"invalid time budget {value!r}: expected seconds (e.g. 20 or 2.5), "
            "or 0 / none for no limit"
        )
    return seconds


def _count_arg(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"invalid number {value!r}: expected 0 or more")
    return n


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by the subcommands that run the extractor over inputs."""
    p.add_argument(
        "--grammar",
        action="append",
        default=[],
        metavar="PATH",
        help="a grammar pack or rule file to load after the default one (repeatable)",
    )
    p.add_argument(
        "--published",
        type=_date_arg,
        metavar="DATE",
        help="publication date (YYYY-MM-DD) for records without their own; "
        "relative times ('last week') are resolved against it",
    )
    p.add_argument(
        "--encoding-errors",
        choices=("strict", "replace"),
        default="strict",
        help="invalid UTF-8: 'strict' (default) reports the record with empty text; "
        "'replace' decodes it with U+FFFD and flags it",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_jobs_arg,
        metavar="N",
        help="worker processes (default: the number of CPUs; 1 runs in-process); "
        "output order is input order whatever N is",
    )
    p.add_argument(
        "--budget",
        type=_budget_arg,
        metavar="SECONDS",
        help="CPU time each document may spend in matching before it is given up "
        "(default 20); 0 or 'none': no limit, which saves the regex module reading the "
        "clock during every match (docs/limits.md)",
    )
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="show progress on stderr even when it is not a terminal",
    )
    shown.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress, notes or warnings on stderr; only fatal errors",
    )


def _add_extract(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "extract",
        help="extract casualties, actors and attributions from documents",
        description="Read documents (.txt, .jsonl, .csv, directories, or - for standard "
        "input) and write one object per document, in input order.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="input files or directories; '-' or nothing reads standard input",
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="jsonl", help="output format")
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE (replaced only when the run completes) instead of stdout",
    )
    p.add_argument("--text-column", default="text", metavar="NAME", help="CSV text column")
    p.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="CSV id column (when absent, ids are PATH:ROW)",
    )
    _add_run_options(p)
    p.set_defaults(handler=_cmd_extract)


def _add_eval(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "eval",
        help="score incident totals against human-coded counts in a CSV file",
        description="Run the extractor over a CSV of texts with coded killed/wounded "
        "counts and print exact-match accuracy of the incident totals.",
    )
    p.add_argument("file", metavar="FILE.csv", help="a CSV file with a header row")
    p.add_argument("--text-column", default="text", metavar="NAME")
    p.add_argument("--id-column", default="id", metavar="NAME")
    p.add_argument(
        "--killed-column",
        metavar="NAME",
        help="gold killed counts (default: 'killed')",
    )
    p.add_argument(
        "--wounded-column",
        metavar="NAME",
        help="gold injured counts (default: 'wounded'); a default column that is absent "
        "is skipped with a note",
    )
    p.add_argument(
        "--published-column",
        default="published",
        metavar="NAME",
        help="per-row publication date column, used when present (default: 'published')",
    )
    p.add_argument(
        "--show",
        type=_count_arg,
        default=0,
        metavar="N",
        help="list the first N disagreements",
    )
    _add_run_options(p)
    p.set_defaults(handler=_cmd_eval)


#: Functions that each add one subcommand to the subparsers of :func:`build_parser`.
SUBCOMMANDS: list[Callable[[Any], None]] = [_add_extract, _add_eval, *GRAMMAR_SUBCOMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Typed, checkable facts (casualties, actors, attribution, time) from "
        "conflict news, with declarative grammars.",
    )
    subparsers = parser.add_subparsers(title="subcommands", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


# --- shared pieces of the subcommands ---------------------------------------------------


def _load_extractor(
    grammars: Sequence[str], console: Console, budget: float | None = None
) -> SupportsExtract | int:
    """The Extractor for ``--grammar`` paths and ``--budget`` (None: the default budget;
    0: none), or the exit status after a clear message."""
    try:
        from conflictrules.extractor import Extractor
        from conflictrules.grammar.errors import GrammarError
    except ImportError as e:  # pragma: no cover - only while the package is incomplete
        return console.fail(f"the extractor cannot be loaded: {e}", EXIT_GRAMMAR)
    try:
        if budget is None:
            return Extractor(grammars=tuple(grammars))
        return Extractor(grammars=tuple(grammars), budget_seconds=budget or None)
    except GrammarError as e:
        return console.fail(str(e), EXIT_GRAMMAR)
    except OSError as e:
        name = e.filename if e.filename is not None else "grammar"
        return console.fail(f"{name}: cannot read: {e.strerror or e}", EXIT_USAGE)


def _stdout_for(fmt: str) -> TextIO:
    """Standard output, made to write UTF-8 for the data formats (whatever the locale);
    a terminal table keeps the terminal's encoding and replaces what it cannot show."""
    out = sys.stdout
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    reconfigure = getattr(out, "reconfigure", None)
    if encoding != "utf8" and reconfigure is not None:
        with contextlib.suppress(Exception):
            if fmt == "table" and out.isatty():
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8")
    return out


@contextlib.contextmanager
def _stdout_stream(fmt: str) -> Iterator[TextIO]:
    yield _stdout_for(fmt)


def _output(path: str | None, fmt: str) -> contextlib.AbstractContextManager[TextIO]:
    if path is None or path == "-":
        return _stdout_stream(fmt)
    return atomic_output(path)


def _run_jobs(args: argparse.Namespace) -> int:
    return int(args.jobs) if args.jobs is not None else default_jobs()


def _stdin_note(inputs: Sequence[InputSource], console: Console) -> None:
    if any(s.kind == "stdin" for s in inputs):
        isatty = getattr(sys.stdin, "isatty", None)
        if isatty is not None and isatty():
            console.note(f"reading {STDIN_NAME}; end with Ctrl-D (Ctrl-Z Enter on Windows)")


# --- extract ----------------------------------------------------------------------------


def _cmd_extract(args: argparse.Namespace) -> int:
    console = Console(quiet=args.quiet, progress=args.progress)
    try:
        inputs = resolve_inputs(
            args.paths,
            on_skip=lambda p: console.note(f"skipping {p} (not .txt, .jsonl or .csv)"),
        )
        check_inputs(inputs, text_column=args.text_column)
    except InputError as e:
        return console.fail(str(e), EXIT_USAGE)
    extractor = _load_extractor(args.grammar, console, args.budget)
    if isinstance(extractor, int):
        return extractor
    _stdin_note(inputs, console)
    records = iter_inputs(
        inputs,
        text_column=args.text_column,
        id_column=args.id_column,
        encoding_errors=args.encoding_errors,
    )
    tally = _Tally(console)
    try:
        with _output(args.output, args.format) as stream:
            writer = make_writer(args.format, stream)
            writer.begin()
            for record, doc in extract_records(
                extractor, records, jobs=_run_jobs(args), default_published=args.published
            ):
                writer.write(doc)
                tally.add(record, doc)
            writer.end()
    except InputError as e:  # an input changed after it was checked
        return console.fail(str(e), EXIT_USAGE)
    except BrokenPipeError:
        raise
    except OSError as e:  # the output cannot be created or written
        where = args.output if args.output not in (None, "-") else "standard output"
        return console.fail(f"{where}: cannot write: {e.strerror or e}", EXIT_USAGE)
    return tally.finish()


# --- eval -------------------------------------------------------------------------------

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|dozens?"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = re.compile(
    "|".join(
        [
            r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",  # 05/15/2016, 2016-05-15, 15.05.2016
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+|-)(?:of\s+)?{_MONTH}(?:,?(?:\s+|-)\d{{4}})?\b",
            rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?",  # May 15, 2016
            rf"\b{_MONTH},?\s+\d{{4}}\b",  # May 2016
            r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b",  # 2016-2018
            r"\b(?:in|since|until|till|during|year|early|late|mid|of)\s+(?:19|20)\d\ds?\b",
            r"\b\d{1,2}:\d\d\b",  # 10:30
            r"\b\d+(?:st|nd|rd|th)\b",  # ordinals: 3rd battalion
        ]
    ),
    re.IGNORECASE,
)
_FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)


def states_figure(text: str) -> bool:
    """Whether ``text`` states a figure: digits or number words, once dates, times and
    ordinals are removed (a heuristic, for ``eval``'s "rows with a figure")."""
    return bool(_FIGURE.search(_DATES.sub(" ", text)))


def _gold(value: str | None) -> int | None:
    """A coded count: a non-negative number; empty, negative or not a number is unknown."""
    try:
        x = float((value or "").strip())
    except ValueError:
        return None
    return int(x) if math.isfinite(x) and x >= 0 else None


class _Score:
    def __init__(self) -> None:
        self.rows = self.exact = self.near = 0
        self.figure_rows = self.figure_exact = 0

    def add(self, gold: int, got: int, figure: bool) -> None:
        self.rows += 1
        self.exact += got == gold
        self.near += abs(got - gold) <= 1
        if figure:
            self.figure_rows += 1
            self.figure_exact += got == gold


def _pct(k: int, n: int) -> str:
    return f"{k:>6} {100 * k / n:5.1f}%" if n else f"{'n/a':>13}"


def _got(doc: Document, outcome: str) -> int:
    count = doc.totals.get(outcome)
    return count.estimate if count is not None and count.estimate is not None else 0


def _eval_columns(
    args: argparse.Namespace, header: list[str], console: Console
) -> list[tuple[str, str]] | int:
    """The (outcome, column) pairs to score, or an exit status after a message."""
    if args.text_column not in header:
        return console.fail(
            f"{args.file}: no column {args.text_column!r}; choose it with --text-column",
            EXIT_USAGE,
        )
    pairs: list[tuple[str, str]] = []
    for outcome, option, given, default in (
        ("killed", "--killed-column", args.killed_column, "killed"),
        ("injured", "--wounded-column", args.wounded_column, "wounded"),
    ):
        column = given if given is not None else default
        if column in header:
            pairs.append((outcome, column))
        elif given is not None:
            return console.fail(f"{args.file}: no column {column!r} (from {option})", EXIT_USAGE)
        else:
            console.note(f"{args.file}: no column {column!r}; {outcome} not scored")
    if not pairs:
        return console.fail(
            f"{args.file}: no gold column; choose them with --killed-column/--wounded-column",
            EXIT_USAGE,
        )
    return pairs


def _cmd_eval(args: argparse.Namespace) -> int:
    console = Console(quiet=args.quiet, progress=args.progress)
    try:
        if args.file == "-" or os.path.isdir(args.file):
            return console.fail(f"{args.file}: eval needs one CSV file", EXIT_USAGE)
        if not os.path.exists(args.file):
            return console.fail(f"{args.file}: no such file or directory", EXIT_USAGE)
        header = read_csv_header(args.file)
    except InputError as e:
        return console.fail(str(e), EXIT_USAGE)
    pairs = _eval_columns(args, header, console)
    if isinstance(pairs, int):
        return pairs
    extractor = _load_extractor(args.grammar, console, args.budget)
    if isinstance(extractor, int):
        return extractor

    records = iter_inputs(
        [InputSource("csv", args.file)],
        text_column=args.text_column,
        id_column=args.id_column,
        published_column=args.published_column,
        extra_columns=[column for _, column in pairs],
        encoding_errors=args.encoding_errors,
    )
    scores = {outcome: _Score() for outcome, _ in pairs}
    shown: list[str] = []
    tally = _Tally(console)
    started = time.monotonic()
    try:
        for record, doc in extract_records(
            extractor, records, jobs=_run_jobs(args), default_published=args.published
        ):
            tally.add(record, doc)
            figure = states_figure(record.text)
            for outcome, column in pairs:
                gold = _gold(record.extra.get(column))
                if gold is None:
                    continue
                got = _got(doc, outcome)
                scores[outcome].add(gold, got, figure)
                if got != gold and len(shown) < args.show:
                    text = " ".join(record.text[:200].split())
                    shown.append(f"  {record.id}  {outcome:<7}  gold {gold}  got {got}  | {text}")
    except InputError as e:
        return console.fail(str(e), EXIT_USAGE)
    elapsed = time.monotonic() - started
    status = tally.finish()

    out = _stdout_for("table")
    rate = tally.total / elapsed if elapsed > 0 else 0.0
    print(
        f"{args.file}: {tally.total} rows, {tally.bad} with errors, {rate:,.1f} docs/s",
        file=out,
    )
    print(
        f"{'outcome':<8} {'gold rows':>9} {'exact':>13}   {'figure rows':>11} "
        f"{'exact (figure)':>14}   {'within ±1':>13}",
        file=out,
    )
    for outcome, s in scores.items():
        print(
            f"{outcome:<8} {s.rows:>9} {_pct(s.exact, s.rows)}   {s.figure_rows:>11} "
            f"{_pct(s.figure_exact, s.figure_rows):>14}   {_pct(s.near, s.rows)}",
            file=out,
        )
    if args.show:
        print(f"disagreements (first {len(shown)}):" if shown else "no disagreements", file=out)
        for line in shown:
            print(line, file=out)
    return status


# --- entry point ------------------------------------------------------------------------


def _quiet_broken_pipe() -> None:
    """After the reader of stdout went away (``| head``): stop writing, quietly."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (never raises for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, or a usage error already printed
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_broken_pipe()
        return EXIT_OK
    except Exception as e:  # a worker process died, or a bug: one line, not a traceback
        if os.environ.get("CONFLICTRULES_DEBUG"):
            raise
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(e, BrokenProcessPool):
            message = f"a worker process died ({e}); try --jobs 1"
        else:
            message = f"internal error: {type(e).__name__}: {e}"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return EXIT_GRAMMAR
