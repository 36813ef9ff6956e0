"""Incident-level totals: one figure per outcome, read as if the document reports one incident.

The contract's reading, in order of the casualties in the text:
- negated figures ("no one was killed") count as an explicit 0;
- a subset ("including four children") does not add;
- the same figure repeated for the same outcome is counted once;
- a running toll ("the death toll rose to 20") replaces what came before;
- a cumulative figure over a period ("since the beginning of the year") is not part of
  the incident, unless it is the only figure for that outcome;
- otherwise distinct figures add up ("two soldiers ... and three civilians").
"""

from __future__ import annotations

from collections.abc import Sequence

from conflictrules.model import Casualty, Count


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def incident_totals(casualties: Sequence[Casualty]) -> dict[str, Count]:
    by_outcome: dict[str, list[Casualty]] = {}
    for c in casualties:
        by_outcome.setdefault(c.outcome, []).append(c)
    totals: dict[str, Count] = {}
    for outcome, items in by_outcome.items():
        incident = [c for c in items if not _cumulative(c)] or items
        estimate = low = high = 0
        low_ok = high_ok = True
        seen: set[int] = set()
        for c in incident:
            if c.subset_of is not None:
                continue
            est = 0 if c.negated else c.count.estimate
            if est is None:
                continue
            lo = 0 if c.negated else c.count.low
            hi = 0 if c.negated else c.count.high
            if c.toll:
                estimate, seen = est, {est}
                low, high, low_ok, high_ok = lo or 0, hi or 0, lo is not None, hi is not None
                continue
            if est in seen:
                continue
            seen.add(est)
            estimate += est
            low_ok = low_ok and lo is not None
            high_ok = high_ok and hi is not None
            low += lo or 0
            high += hi or 0
        totals[outcome] = Count(estimate, low if low_ok else None, high if high_ok else None)
    return dict(sorted(totals.items(), key=lambda kv: kv[0]))


def _cumulative(c: Casualty) -> bool:
    t = c.time
    if t is None:
        return False
    words = t.text.lower()
    return words.startswith(("since", "so far", "this year", "in the past", "over the past"))
