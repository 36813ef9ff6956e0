"""Incident-level totals: one figure per outcome, read as if the document reports one incident.

The contract's reading, in order of the casualties in the text:
- negated figures ("no one was killed") count as an explicit 0;
- a subset ("including four children") does not add;
- a figure that refers back ("the hostages were killed", "killing them") counts as many as
  the latest earlier figure for the same people ("three elders were abducted");
- the same figure repeated for the same outcome and the same people is counted once ("Two
  soldiers were killed ... The two soldiers were killed when ..."); the same number for
  other people adds ("one soldier ... one civilian");
- a running toll ("the death toll rose to 20") replaces what came before;
- an implied figure (hedge "implied": "a suicide bomber detonated" implies the bomber
  died) counts only when no stated figure for the same outcome names those people at least
  as many times ("In addition to the assailant, ...", "two guards and the bomber");
- a cumulative figure over a period ("since the beginning of the year") is not part of
  the incident, unless it is the only figure for that outcome;
- otherwise distinct figures add up ("two soldiers ... and three civilians").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from conflictrules.model import Casualty, Count

# victim heads that say little about who the people were: a repeat may name them better
_GENERIC = frozenset(["people", "person", "individual", "other", "victim", "casualty", "civilian"])
# an anaphor naming these refers to whoever the earlier figure counted
_ANY_GROUP = frozenset(
    ["victim", "casualty", "hostage", "captive", "abductee", "them", "themselves"]
)
# one head for the words a summary uses for the attacker ("the bomber ... the assailant")
_SAME_HEAD = {
    "attacker": "assailant",
    "bomber": "assailant",
    "gunman": "assailant",
    "perpetrator": "assailant",
    "shooter": "assailant",
    "captive": "hostage",
    "abductee": "hostage",
}
_DETERMINERS = frozenset(["the", "these", "those", "a", "an", "his", "her", "their", "its"])


def _head(victims: str | None) -> str | None:
    """The head noun of a victims phrase, singular and lower-cased ("police officers" ->
    "officer"), or None when there is none."""
    if not victims:
        return None
    found: list[str] = re.findall(r"[A-Za-z][\w\-]*", victims.split(" and ")[-1])
    words = [w.lower() for w in found if w.lower() not in _DETERMINERS]
    if not words:
        return None
    head = words[-1]
    if head.endswith("men"):
        head = head[:-3] + "man"
    elif head.endswith("ies") and len(head) > 4:
        head = head[:-3] + "y"
    elif head.endswith("s") and not head.endswith("ss") and len(head) > 3:
        head = head[:-1]
    return _SAME_HEAD.get(head, head)


def _same_people(a: Casualty, b: Casualty) -> bool:
    """Whether two figures of the same number may count the same people: the same head
    noun, or one unnamed; a generic word ("people") matches any group of two or more,
    while one person and "one person" may well be two."""
    ha, hb = _head(a.victims), _head(b.victims)
    if ha is None or hb is None or ha == hb:
        return True
    return (a.count.estimate or 0) > 1 and (ha in _GENERIC or hb in _GENERIC)


def _plus(a: int | None, b: int) -> int | None:
    return None if a is None else a + b


def resolve_anaphors(casualties: Sequence[Casualty]) -> list[Casualty]:
    """Give each figure that refers back ("the hostages", "them") the count of its antecedent:
    the latest earlier figure whose people it names (any figure for "the victims")."""
    out: list[Casualty] = []
    for c in casualties:
        if c.count.estimate is None and not c.negated:
            head = _head(c.victims) or _head(c.count.text)
            for prev in reversed(out):
                if prev.count.estimate is None or prev.negated or prev.subset_of is not None:
                    continue
                prev_head = _head(prev.victims)
                if (
                    head in _ANY_GROUP
                    or head is None
                    or prev_head == head
                    or (head == "hostage" and prev.outcome == "abducted")
                ):
                    extra = c.count.low or 0  # others named with it ("themselves and a guard")
                    count = attrs.evolve(
                        c.count,
                        estimate=prev.count.estimate + extra,
                        low=_plus(prev.count.low, extra),
                        high=_plus(prev.count.high, extra),
                    )
                    c = attrs.evolve(c, count=count)
                    break
        out.append(c)
    return out


def incident_totals(casualties: Sequence[Casualty]) -> dict[str, Count]:
    resolved = resolve_anaphors(casualties)
    by_outcome: dict[str, list[Casualty]] = {}
    for c in resolved:
        by_outcome.setdefault(c.outcome, []).append(c)
    totals: dict[str, Count] = {}
    for outcome, items in by_outcome.items():
        incident = [c for c in items if not _cumulative(c)] or items
        incident = [c for c in incident if not _superseded(c, incident)]
        estimate = low = high = 0
        low_ok = high_ok = True
        seen: list[Casualty] = []
        counted = False  # an outcome whose only figure is an unresolved anaphor has no total
        for c in incident:
            if c.subset_of is not None:
                continue
            est = 0 if c.negated else c.count.estimate
            if est is None:  # an unresolved anaphor counts the others named with it
                est = c.count.low
            if est is None:
                continue
            lo = 0 if c.negated else c.count.low
            hi = 0 if c.negated else c.count.high
            counted = True
            if c.toll:
                estimate, seen = est, [c]
                low, high, low_ok, high_ok = lo or 0, hi or 0, lo is not None, hi is not None
                continue
            if any(_value(s) == est and _same_people(s, c) for s in seen):
                continue
            seen.append(c)
            estimate += est
            low_ok = low_ok and lo is not None
            high_ok = high_ok and hi is not None
            low += lo or 0
            high += hi or 0
        if counted:
            totals[outcome] = Count(estimate, low if low_ok else None, high if high_ok else None)
    return dict(sorted(totals.items(), key=lambda kv: kv[0]))


IMPLIED = "implied"


def _superseded(c: Casualty, others: Sequence[Casualty]) -> bool:
    """Whether an implied figure gives way to a stated one for the same people: one whose
    victims or text name them ("the two bombers and a guard were killed", "four people,
    including the bomber, ...") and whose number is at least as large."""
    if c.hedge != IMPLIED or c.negated:
        return False
    head = _head(c.victims)
    need = c.count.estimate or 0
    if head is None:
        return False
    for o in others:
        value = _value(o)
        if o is c or o.hedge == IMPLIED or o.negated or value is None or value < need:
            continue
        words = [*(o.victims or "").split(" and "), *re.findall(r"[A-Za-z][\w\-]*", o.text)]
        if any(_head(w) == head for w in words if w):
            return True
    return False


def _value(c: Casualty) -> int | None:
    return 0 if c.negated else c.count.estimate if c.count.estimate is not None else c.count.low


def _cumulative(c: Casualty) -> bool:
    t = c.time
    if t is None:
        return False
    words = t.text.lower()
    return words.startswith(
        (
            "since",
            "so far",
            "this year",
            "in the past",
            "over the past",
            "in the last",
            "over the last",
        )
    )
