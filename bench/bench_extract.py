"""Throughput, memory and build cost of conflictrules, with reference points (run by hand).

    .venv/bin/python bench/bench_extract.py [--corpus PATH] [--mb 4] [--repeat 3]
                                            [--no-full] [--no-spacy] [--no-jobs]
                                            [--serial-build]

On the bench corpus (one document per line), in one run:

* ``Extractor.extract_many`` on the first ``--mb`` MB (best of ``--repeat`` runs, after a
  warm-up run; and again with no time budget, ``budget_seconds=None``) and on the whole
  file (once, streamed from disk): MB/s and documents/s;
* the same documents through spaCy's blank English pipeline with a ``Matcher`` holding
  one pattern for the grammar's trigger words (install with ``pip install -e '.[bench]'``;
  ``spacy.blank("en")`` needs no model), and through one ``regex`` scan for the trigger
  words (a trie-shaped alternation), and through a split into words with a set lookup:
  what a user would pick instead, and the floor no extractor can beat;
* peak memory (the process's maximum resident set, read before spaCy is imported, and
  the growth traced by tracemalloc while extracting a 1 MB slice);
* the cost of building an Extractor in a fresh process: cold (empty compiled-grammar
  cache; its regex sources compiled by one worker process per CPU, and with
  ``--serial-build`` also in the building process alone) and warm (the cache that cold
  run wrote), and a second build in one process;
* ``conflictrules extract --jobs 2`` against ``--jobs 1`` on a slice of the corpus.

Times are wall-clock (``time.perf_counter``); CPU seconds are printed beside them since a
shared machine makes wall time noisy. Everything is printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout

import regex  # noqa: E402

from conflictrules.extractor import LAYERS, Extractor  # noqa: E402
from conflictrules.grammar.build_workers import build_jobs  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus_bench.txt"


def read_head(path: Path, megabytes: float) -> list[str]:
    """The first lines of the corpus, up to ``megabytes`` MB of UTF-8."""
    limit = int(megabytes * 1_000_000)
    out: list[str] = []
    size = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            n = len(line.encode("utf-8")) + 1
            if size + n > limit:
                break
            out.append(line)
            size += n
    return out


def stream(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\n")


def mb(lines: Iterable[str]) -> float:
    return sum(len(x.encode("utf-8")) + 1 for x in lines) / 1e6


class Timed:
    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu


def timed(fn: Callable[[], object]) -> Timed:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return Timed(time.perf_counter() - w, time.process_time() - c)


def best_of(fn: Callable[[], object], repeat: int) -> Timed:
    fn()  # warm-up
    runs = [timed(fn) for _ in range(repeat)]
    return min(runs, key=lambda t: t.wall)


def trigger_words(ex: Extractor) -> list[str]:
    words: set[str] = set()
    for layer in LAYERS:
        words.update(ex.rulesets[layer].index)
    return sorted(words)


def trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        parts = [regex.escape(c) + emit(n) for c, n in sorted(node.items()) if c]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return r"\b(?:" + emit(trie) + r")\b"


def line(label: str, size_mb: float, docs: int, t: Timed) -> str:
    return (
        f"  {label:<44} {size_mb / t.wall:8.3f} MB/s {docs / t.wall:9.1f} docs/s"
        f"   ({t.wall:7.2f} s wall, {t.cpu:7.2f} s cpu)"
    )


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """What ``code`` prints, split, run by a fresh interpreter on this checkout's source."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **(env or {}))
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=full_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def build_in_fresh_process(cache: str, jobs: int | None = None) -> tuple[float, float]:
    code = (
        "import time\n"
        "t = time.perf_counter()\n"
        "from conflictrules.extractor import Extractor\n"
        "i = time.perf_counter() - t\n"
        "t = time.perf_counter(); Extractor(); b = time.perf_counter() - t\n"
        "print(i, b)\n"
    )
    env = {"CONFLICTRULES_CACHE_DIR": cache}
    if jobs is not None:
        env["CONFLICTRULES_BUILD_JOBS"] = str(jobs)
    out = run_python(code, env=env)
    return float(out[0]), float(out[1])


def whole_file_in_fresh_process(corpus: Path) -> tuple[int, Timed, float]:
    """Documents, time and peak resident set of one streamed pass over the whole file, in
    a process of its own: this one holds the head slice and, later, spaCy."""
    code = (
        "import resource, sys, time\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from bench_extract import stream\n"
        "from conflictrules.extractor import Extractor\n"
        "ex = Extractor()\n"
        "w, c = time.perf_counter(), time.process_time()\n"
        "n = sum(1 for _doc in ex.extract_many(stream(sys.argv[1])))\n"
        "w, c = time.perf_counter() - w, time.process_time() - c\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "try:  # ru_maxrss outlives exec (Linux): it can be the parent's; VmHWM cannot\n"
        "    with open('/proc/self/status') as f:\n"
        "        hwm = [x for x in f if x.startswith('VmHWM:')]\n"
        "    peak = int(hwm[0].split()[1]) / 1024 if hwm else peak\n"
        "except OSError:\n"
        "    pass\n"
        "print(n, w, c, peak)\n"
    )
    out = run_python(code, str(corpus), str(Path(__file__).parent))
    return int(out[0]), Timed(float(out[1]), float(out[2])), float(out[3])


def bench_build(serial: bool, cache: str) -> None:
    """Cold builds (each with an empty cache), then warm ones from ``cache``, which the cold
    build with workers fills: the rest of the run (this process, the CLI) uses it too, so
    no figure depends on what the user's own cache holds."""
    print("Extractor build (fresh process each; import time apart):")
    if serial:
        with tempfile.TemporaryDirectory() as empty:
            _imp, cold_serial = build_in_fresh_process(empty, jobs=1)
    imp, cold = build_in_fresh_process(cache)
    _imp2, warm = build_in_fresh_process(cache)
    t = time.perf_counter()
    Extractor(budget_seconds=5.0)  # this process's first build: from the disk cache
    first = time.perf_counter() - t
    t = time.perf_counter()
    Extractor(budget_seconds=4.0)  # another configuration, same grammar: in-process cache
    again = time.perf_counter() - t
    print(f"  import conflictrules.extractor            {imp:7.2f} s")
    if serial:
        print(f"  cold, compiled in this process only        {cold_serial:7.2f} s")
    print(
        f"  cold (empty compiled-grammar cache)        {cold:7.2f} s   (target < 5 s;"
        f" {build_jobs()} build workers)"
    )
    print(f"  warm (compiled-grammar cache on disk)      {warm:7.2f} s   (target < 1 s)")
    print(f"  first build in this process (disk cache)   {first:7.3f} s")
    print(f"  again in the same process                  {again:7.3f} s")


def bench_jobs(corpus: Path, slice_mb: float) -> None:
    lines = read_head(corpus, slice_mb)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "slice.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i, text in enumerate(lines):
                f.write(json.dumps({"id": str(i), "text": text}) + "\n")
        times = {}
        outputs = {}
        for jobs in (1, 2):
            cmd = [sys.executable, "-m", "conflictrules", "extract", str(path)]
            cmd += ["--jobs", str(jobs), "--quiet"]
            env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
            t = time.perf_counter()
            proc = subprocess.run(cmd, env=env, capture_output=True, check=True)
            times[jobs] = time.perf_counter() - t
            outputs[jobs] = proc.stdout
    print(f"CLI on the first {slice_mb:g} MB ({len(lines)} documents, as JSONL):")
    print(f"  --jobs 1   {times[1]:7.2f} s")
    print(f"  --jobs 2   {times[2]:7.2f} s   speedup {times[1] / times[2]:.2f}x (target >= 1.7x)")
    print(f"  outputs byte-identical: {outputs[1] == outputs[2]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--mb", type=float, default=4.0, help="size of the head slice (MB)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-full", action="store_true", help="skip the whole-file run")
    ap.add_argument("--no-spacy", action="store_true", help="skip the spaCy reference")
    ap.add_argument("--no-jobs", action="store_true", help="skip the --jobs comparison")
    ap.add_argument("--jobs-mb", type=float, default=4.0, help="slice for --jobs (MB)")
    ap.add_argument(
        "--serial-build",
        action="store_true",
        help="also time a cold build without build workers (CONFLICTRULES_BUILD_JOBS=1)",
    )
    args = ap.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"no corpus at {args.corpus} (give --corpus PATH)")

    print(f"python {sys.version.split()[0]}, regex {regex.__version__}, cpus {os.cpu_count()}")
    print(f"corpus {args.corpus} ({args.corpus.stat().st_size / 1e6:.1f} MB)")
    cache = tempfile.mkdtemp(prefix="conflictrules-bench-")
    os.environ["CONFLICTRULES_CACHE_DIR"] = cache  # this process and every one it starts
    try:
        run(args, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def run(args: argparse.Namespace, cache: str) -> None:
    bench_build(args.serial_build, cache)

    ex = Extractor()
    head = read_head(args.corpus, args.mb)
    head_mb = mb(head)
    print(f"\nFirst {head_mb:.2f} MB: {len(head)} documents (best of {args.repeat}, warmed)")

    def ours() -> None:
        for _doc in ex.extract_many(head):
            pass

    t_ours = best_of(ours, args.repeat)
    print(line("conflictrules Extractor.extract_many", head_mb, len(head), t_ours))

    unlimited = Extractor(budget_seconds=None)  # same grammar: built in no time

    def ours_unlimited() -> None:
        for _doc in unlimited.extract_many(head):
            pass

    t_unlimited = best_of(ours_unlimited, args.repeat)
    print(line("  the same with no time budget", head_mb, len(head), t_unlimited))

    words = trigger_words(ex)
    scan = regex.compile(trie_regex(words), regex.IGNORECASE)

    def trigger_scan() -> None:
        for text in head:
            scan.findall(text)

    t_scan = best_of(trigger_scan, args.repeat)
    print(line(f"regex scan for the {len(words)} trigger words", head_mb, len(head), t_scan))

    word_re = regex.compile(r"\w+")
    wordset = frozenset(words)

    def word_scan() -> None:
        for text in head:
            [w for w in word_re.findall(text.lower()) if w in wordset]

    t_words = best_of(word_scan, args.repeat)
    print(line("split into words + set lookup", head_mb, len(head), t_words))

    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    t_spacy = None
    if not args.no_spacy:
        try:
            import spacy
            from spacy.matcher import Matcher
        except ImportError:
            print("  spaCy: not installed (pip install -e '.[bench]')")
        else:
            nlp = spacy.blank("en")
            matcher = Matcher(nlp.vocab)
            matcher.add("TRIGGER", [[{"LOWER": {"IN": words}}]])

            def spacy_run() -> None:
                for doc in nlp.pipe(head, batch_size=256):
                    matcher(doc)

            t_spacy = best_of(spacy_run, args.repeat)
            print(
                line(
                    f"spaCy {spacy.__version__} blank('en') + Matcher", head_mb, len(head), t_spacy
                )
            )

    print("\nRatios on the head slice (wall time; > 1 means conflictrules is faster):")
    if t_spacy is not None:
        print(
            f"  conflictrules / spaCy blank+Matcher     {t_spacy.wall / t_ours.wall:8.3f}"
            "   (target >= 1)"
        )
    print(
        f"  regex trigger scan / conflictrules      {t_ours.wall / t_scan.wall:8.1f}x slower"
        "   (target <= 5x)"
    )
    print(f"  word split + set / conflictrules        {t_ours.wall / t_words.wall:8.1f}x slower")
    print(
        f"  no time budget / default budget          {t_ours.wall / t_unlimited.wall:8.3f}"
        "   (--budget 0: the regex module reads no clock)"
    )

    print("\nMemory:")
    print(f"  peak resident set after the runs above   {peak_rss:7.1f} MB   (target < 250 MB)")
    slice_1mb = read_head(args.corpus, 1.0)
    tracemalloc.start()
    for _doc in ex.extract_many(slice_1mb):
        pass
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  traced growth while extracting 1 MB       {peak / 1e6:7.1f} MB")

    if not args.no_full:
        full_mb = args.corpus.stat().st_size / 1e6
        count, t_full, rss = whole_file_in_fresh_process(args.corpus)
        print(f"\nWhole file ({full_mb:.1f} MB, streamed, once, in a fresh process):")
        print(line("conflictrules Extractor.extract_many", full_mb, count, t_full))
        print(f"  peak resident set of that process         {rss:7.1f} MB   (target < 250 MB)")

    if not args.no_jobs:
        print()
        bench_jobs(args.corpus, args.jobs_mb)


if __name__ == "__main__":
    main()
