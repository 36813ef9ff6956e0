"""The time layer's share of extraction time (issue #6: keep it under 20%).

    /work/main/.venv/bin/python bench/bench_time_share.py [CORPUS] [--mb 2] [--published 2019-03-14]

Runs ``Extractor.extract`` on the first ``--mb`` megabytes of CORPUS (default
../shared/eval/corpus_bench.txt, one text per line), every text with the same publication
date so that every time expression is resolved, and measures inside the run what the time
layer costs: the time rules' matching (the time RuleSet over every sentence) plus
resolving what they found (``linking.times_from``: the calendar code, with
their caches as in any long run). Prints that time, the total extraction time and the
share. The grammar is compiled before timing starts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout

import conflictrules
from conflictrules.semantics import linking

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "corpus_bench.txt"


def timed(func: Callable[..., Any], bucket: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            bucket[0] += time.perf_counter() - start

    return wrapper


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--published", default="2019-03-14")
    args = ap.parse_args()

    budget = int(args.mb * 1_000_000)
    texts: list[str] = []
    size = 0
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if size >= budget:
                break
            texts.append(line.rstrip("\n"))
            size += len(line.encode("utf-8"))

    ex = conflictrules.Extractor()
    matching = [0.0]
    resolving = [0.0]
    time_rules = ex.rulesets["time"]
    time_rules.run = timed(time_rules.run, matching)  # type: ignore[method-assign]
    linking.times_from = timed(linking.times_from, resolving)  # type: ignore[assignment]

    start = time.perf_counter()
    for text in texts:
        ex.extract(text, published=args.published)
    total = time.perf_counter() - start

    layer = matching[0] + resolving[0]
    print(f"{len(texts):,} texts, {size / 1e6:.2f} MB, published={args.published}")
    print(f"extraction: {total:8.2f} s ({size / 1e6 / total:.3f} MB/s)")
    print(f"time layer: {layer:8.2f} s = matching {matching[0]:.2f} s", end="")
    print(f" + resolving {resolving[0]:.2f} s")
    print(f"time layer share: {layer / total:.1%} (target < 20%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
