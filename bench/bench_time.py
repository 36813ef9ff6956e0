"""Benchmark for conflictrules.semantics.time.resolve (run by hand; prints figures).

    /work/venv/bin/python bench/bench_time.py [N]

Resolves N (default 10,000) mixed time expressions, each against its own publication date,
three times: cold (every cache cleared), warm (the same calls again, answered by the
cache), and per kind, cold. The first call (building the resolver's patterns) is reported
on its own.
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout

from conflictrules.semantics import time as time_mod
from conflictrules.semantics.time import resolve

Case = tuple[str, datetime.date | None]

RELATIVE = [
    "on Wednesday", "late Monday", "early Tuesday", "Friday night", "last Sunday",
    "yesterday", "today", "overnight", "last night", "the day before",
    "in the past two days", "over the past 48 hours", "in the last three weeks",
    "the past week", "last week", "this week", "earlier this month", "earlier this year",
    "last month", "last year", "recent days", "in recent weeks", "two days ago",
    "a week ago", "three weeks ago", "since the beginning of the year", "since Monday",
    "over the weekend", "last weekend",
]  # fmt: skip
CALENDAR = [
    "in December", "Since December", "since January", "last March", "in March 2018",
    "in 2019", "since 2017", "between January and March", "from March 3 to March 5",
    "25 July", "on March 3", "December 28", "the 5th",
]  # fmt: skip
UNKNOWN = ["tomorrow", "that day", "since the start of the war", "banana", "at 3 p.m."]
ABSOLUTE_FORMATS = ["%B %d, %Y", "%d %B %Y", "on %d-%B-%Y", "%Y-%m-%d", "%b. %d, %Y"]


def mixed_cases(n: int, rng: random.Random) -> dict[str, list[Case]]:
    """n cases split over four kinds, each with its own publication date."""
    first = datetime.date(2005, 1, 1)

    def published() -> datetime.date:
        return first + datetime.timedelta(days=rng.randrange(7300))

    def absolute() -> str:
        date = first + datetime.timedelta(days=rng.randrange(7300))
        return date.strftime(rng.choice(ABSOLUTE_FORMATS))

    kinds: dict[str, Callable[[], Case]] = {
        "relative": lambda: (rng.choice(RELATIVE), published()),
        "calendar": lambda: (rng.choice(CALENDAR), published()),
        "absolute": lambda: (absolute(), rng.choice([None, published()])),
        "unknown": lambda: (rng.choice(UNKNOWN), published()),
    }
    weights = {"relative": 50, "calendar": 25, "absolute": 15, "unknown": 10}
    out: dict[str, list[Case]] = {kind: [] for kind in kinds}
    for kind in rng.choices(list(weights), weights=list(weights.values()), k=n):
        out[kind].append(kinds[kind]())
    return out


def clear_caches() -> None:
    time_mod._resolve_cached.cache_clear()
    time_mod._resolve_norm.cache_clear()


def run(cases: list[Case]) -> float:
    start = time.perf_counter()
    for text, published in cases:
        resolve(text, published)
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(20190314)
    by_kind = mixed_cases(n, rng)
    cases = [case for kind in by_kind.values() for case in kind]
    rng.shuffle(cases)

    start = time.perf_counter()
    resolve("March 14, 2019", None)  # the first call
    setup = time.perf_counter() - start
    print(f"first absolute date: {setup * 1000:8.1f} ms (once per process)")

    colds, warms = [], []
    for _ in range(3):
        clear_caches()
        colds.append(run(cases))
        warms.append(run(cases))
    cold, warm = statistics.median(colds), statistics.median(warms)
    print(f"{len(cases):,} mixed expressions (median of 3 runs):")
    print(f"  cold: {cold * 1000:8.1f} ms total, {cold / len(cases) * 1e6:7.1f} us/call")
    print(f"  warm: {warm * 1000:8.1f} ms total, {warm / len(cases) * 1e6:7.1f} us/call")
    print(f"  cache: {time_mod._resolve_cached.cache_info()}")

    print("cold, per kind:")
    for kind, kind_cases in by_kind.items():
        clear_caches()
        seconds = run(kind_cases)
        per_call = seconds / max(len(kind_cases), 1) * 1e6
        print(f"  {kind:24} {len(kind_cases):6,} calls {per_call:9.1f} us/call")


if __name__ == "__main__":
    main()
