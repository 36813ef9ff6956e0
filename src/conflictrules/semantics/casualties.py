"""From casualty-layer matches to casualty records.

A rule's captures are grouped into records: ``count``, ``victims``, ``outcome`` ... make
record 1, ``count_2``, ``outcome_2`` ... record 2, and so on; a capture ``record_2`` wrapping
a whole phrase puts every capture inside it into record 2 (``record_2.count`` is record 2's
``count``). A record lacking a field takes it from record 1 (the ellipsis in "10 civilians
were killed and 45 injured"). Fields fixed by the rule's ``set`` clause apply to every
record unless suffixed.

What a record counts:

* every ``count`` capture is a figure, and several in one record add up ("two soldiers and
  three policemen");
* every ``person`` capture is one person ("a policeman", "another", "his driver", "the
  hostage", a name), added to the figures ("Rahimi and two of his guards" is 3);
* an ``anaphor`` capture ("the hostages", "them") refers back to an earlier figure: the
  record's estimate is None here (its ``low`` counts the other people named with it) and
  :mod:`conflictrules.semantics.totals` resolves it;
* a later record that names nobody ("... was abducted and was killed later") counts the
  people of record 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from conflictrules.engine.matching import Capture, Match
from conflictrules.model import OUTCOMES, Count
from conflictrules.semantics.numbers import build_count

_RECORD = re.compile(r"^(?P<base>[a-z_]+?)(?:_(?P<n>\d+))?(?P<rest>\..*)?$")
OUTCOME_SYNONYMS = {
    "wounded": "injured",
    "hurt": "injured",
    "dead": "killed",
    "executed": "killed",
    "arrested": "detained",
    "kidnapped": "abducted",
    "fled": "displaced",
}


@attrs.define(slots=True)
class CasualtyDraft:
    """A casualty before linking (actors, time, attribution are filled in later)."""

    outcome: str
    count: Count
    span: tuple[int, int]
    rule: str
    sentence: int
    victims: str | None = None
    victims_span: tuple[int, int] | None = None
    perpetrator_text: str | None = None
    perpetrator_span: tuple[int, int] | None = None
    negated: bool = False
    hedge: str | None = None
    subset: bool = False  # "including four children": part of an earlier figure
    toll: bool = False  # a running toll ("the death toll rose to 20") replaces earlier ones
    extras: dict[str, Any] = attrs.field(factory=dict)


def _split_field(field: str) -> tuple[str, int, str]:
    head, _, rest = field.partition(".")
    wrapped = re.fullmatch(r"record_(\d+)", head)
    if wrapped and rest:
        base, _, inner = rest.partition(".")
        return base, int(wrapped.group(1)), inner
    m = re.fullmatch(r"([a-z_]+?)_(\d+)", head)
    if m:
        return m.group(1), int(m.group(2)), rest
    return head, 1, rest


def _records(match: Match) -> dict[int, dict[str, list[Capture]]]:
    out: dict[int, dict[str, list[Capture]]] = {}
    for cap in match.captures:
        base, n, rest = _split_field(cap.field)
        key = base + ("." + rest if rest else "")
        out.setdefault(n, {}).setdefault(key, []).append(cap)
    for key, _value in match.rule.sets:
        _base, n, _rest = _split_field(key)
        out.setdefault(n, {})
    return out or {1: {}}


def _sets(match: Match, n: int, fields: dict[str, list[Capture]] | None = None) -> dict[str, Any]:
    """The rule's fixed fields for record n: its own (suffixed) ones, and the unsuffixed ones
    unless record n > 1 captured that field itself."""
    out: dict[str, Any] = {}
    for key, value in match.rule.sets:
        base, k, rest = _split_field(key)
        name = base + ("." + rest if rest else "")
        suffixed = re.search(r"_\d+$", key.partition(".")[0]) is not None
        if (suffixed and k == n) or (
            not suffixed and name not in out and not (n > 1 and fields and name in fields)
        ):
            out[name] = value
    return out


# determiners a ``person`` capture may be; any other text is the person's name
_PERSON_WORDS = frozenset(
    [
        "a",
        "an",
        "one",
        "the",
        "his",
        "her",
        "their",
        "its",
        "another",
        "him",
        "himself",
        "her",
        "herself",
        "he",
        "she",
    ]
)


def _person_name(cap: Capture) -> str | None:
    """The name a ``person`` capture holds ("Abdul Rahim"), None for "a", "the", "his"..."""
    words = cap.text.split()
    if (
        not words
        or words[0].lower() in _PERSON_WORDS
        or words[0].lower().startswith(("a ", "one "))
    ):
        return None
    if cap.text.lower().startswith(("an additional", "one more", "a single")):
        return None
    return cap.text


def _count_of(fields: dict[str, list[Capture]], vague: Mapping[str, int] | None) -> Count | None:
    anaphors = fields.get("anaphor", [])
    found: list[tuple[int, Count]] = [
        (p.span[0], Count(1, 1, 1, False, None, p.text)) for p in fields.get("person", [])
    ]
    for cap in fields.get("count", []):
        s, e = cap.span

        def inner(name: str, s: int = s, e: int = e) -> str | None:
            for c in fields.get("count." + name, []):
                if s <= c.span[0] and c.span[1] <= e:
                    return c.text
            return None

        number, high, qual, vg = (
            inner("number"),
            inner("number_high"),
            inner("qualifier"),
            inner("vague"),
        )
        if number is None and high is None and vg is None:
            number = cap.text
        c = build_count(
            text=cap.text, number=number, number_high=high, qualifier=qual, vague=vg, table=vague
        )
        if c is not None:
            found.append((s, c))
    if anaphors:
        # "the hostages were killed", "killing themselves and a guard": as many as the figure
        # referred to (resolved in totals) plus the others named, who are the lower bound
        words = sorted([*anaphors, *fields.get("victims", [])], key=lambda c: c.span)
        known = sum(c.estimate or 0 for _, c in found) if found else None
        return Count(None, known, None, False, None, " ".join(c.text for c in words))
    if not found:
        return None
    parts = [c for _, c in sorted(found, key=lambda sc: sc[0])]
    if len(parts) == 1:
        return parts[0]

    def total(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    first = parts[0]
    text = " + ".join(p.text for p in parts)
    return Count(
        total([p.estimate for p in parts]),
        total([p.low for p in parts]),
        total([p.high for p in parts]),
        any(p.approximate for p in parts),
        first.qualifier,
        text,
        first.vague,
    )


def _outcome(fields: dict[str, list[Capture]], sets: dict[str, Any]) -> str | None:
    if sets.get("outcome"):
        value = str(sets["outcome"])
    else:
        caps = fields.get("outcome", [])
        if not caps:
            return None
        cap = caps[0]
        value = (cap.values or {}).get("outcome") or cap.text.lower()
    value = OUTCOME_SYNONYMS.get(value, value)
    return value if value in OUTCOMES else None


def casualties_from(match: Match, vague: Mapping[str, int] | None = None) -> list[CasualtyDraft]:
    records = _records(match)
    first_fields = records.get(1, {})
    out: list[CasualtyDraft] = []
    inherited: dict[str, Any] = {}
    for n in sorted(records):
        fields = records[n]
        sets = _sets(match, n, fields)
        outcome = _outcome(fields, sets)
        if outcome is None and n > 1:
            outcome = _outcome(first_fields, _sets(match, 1))
        count = _count_of(fields, vague)
        if count is None and n > 1 and not any(k in fields for k in ("count", "person")):
            # "one officer was abducted and was killed later": the same people
            count = _count_of(first_fields, vague)
        if count is None and "count" in sets:
            value = sets["count"]
            est = int(value) if isinstance(value, (int, float)) else None
            count = Count(est, est, est, False, None, "")
        if outcome is None or count is None:
            continue
        own = [c.span for cs in fields.values() for c in cs]
        span = (min(s for s, _ in own), max(e for _, e in own)) if own else match.span
        if n == 1:
            span = (min(span[0], match.span[0]), span[1]) if own else match.span
        victims = fields.get("victims")
        perp = fields.get("perpetrator") or (first_fields.get("perpetrator") if n > 1 else None)
        d = CasualtyDraft(
            outcome=outcome, count=count, span=span, rule=match.rule.id, sentence=match.sentence
        )
        named = [p for p in fields.get("person", []) if _person_name(p) is not None]
        if named:  # "Rahimi and his driver": the name stands for its own victim
            victims = sorted([*(victims or []), *named], key=lambda c: c.span)
        if victims:
            d.victims = " and ".join(v.text for v in victims)
            d.victims_span = (victims[0].span[0], victims[-1].span[1])
        elif n > 1 and "victims" in inherited:
            d.victims, d.victims_span = inherited["victims"]
        if perp:
            d.perpetrator_text = perp[0].text
            d.perpetrator_span = perp[0].span
        d.negated = bool(sets.get("negated")) or bool(fields.get("negation"))
        hedge = fields.get("hedge")
        d.hedge = (
            hedge[0].text.lower() if hedge else (str(sets["hedge"]) if sets.get("hedge") else None)
        )
        d.subset = bool(sets.get("subset"))
        d.toll = bool(sets.get("toll"))
        if n == 1 and d.victims is not None:
            inherited["victims"] = (d.victims, d.victims_span)
        out.append(d)
    return out


def count_of_match(match: Match, vague: Mapping[str, int] | None = None) -> Count | None:
    """The count captured by a match's first record (for number-layer rules)."""
    return _count_of(_records(match).get(1, {}), vague)


def describe(match: Match, vague: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The values a casualty rule yields, keyed as examples write them (record 2: `_2`)."""
    out: dict[str, Any] = {}
    for i, d in enumerate(casualties_from(match, vague), 1):
        sfx = "" if i == 1 else f"_{i}"
        out["count" + sfx] = d.count.estimate
        out["count" + sfx + ".qualifier"] = d.count.qualifier
        out["count" + sfx + ".low"] = d.count.low
        out["count" + sfx + ".high"] = d.count.high
        out["count" + sfx + ".approximate"] = d.count.approximate
        out["outcome" + sfx] = d.outcome
        out["victims" + sfx] = d.victims
        out["perpetrator" + sfx] = d.perpetrator_text
        out["negated" + sfx] = d.negated
        out["hedge" + sfx] = d.hedge
        out["subset" + sfx] = d.subset
        out["toll" + sfx] = d.toll
    return out
