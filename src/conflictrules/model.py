"""The typed records conflictrules returns.

Every class is an attrs frozen, slotted value class. ``to_dict()`` gives exactly the JSON
shape fixed in the public contract (docs/json.md); extra fields are added, never renamed.
All spans are ``(start, end)`` character offsets into the caller's original text, end
exclusive, so that ``text[start:end]`` is the matched text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

OUTCOMES: tuple[str, ...] = (
    "killed",
    "injured",
    "missing",
    "abducted",
    "detained",
    "displaced",
    "surrendered",
    "escaped",
)
ACTOR_TYPES: tuple[str, ...] = (
    "state",
    "armed_group",
    "igo",
    "ngo",
    "media",
    "political",
    "population",
    "other",
)
SOURCE_TYPES: tuple[str, ...] = ("person", "organization", "media", "group", "document", "unknown")

Span = tuple[int, int]


def _check_span(instance: object, attribute: attrs.Attribute[Any], value: Span) -> None:
    start, end = value
    if not (0 <= start <= end):
        raise ValueError(
            f"{attribute.name} must be (start, end) with 0 <= start <= end, got {value!r}"
        )


def _one_of(options: tuple[str, ...]) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in options:
            raise ValueError(f"{attribute.name} must be one of {', '.join(options)}; got {value!r}")

    return check


@attrs.frozen(slots=True)
class Count:
    """A count of people as a coder would record it.

    ``estimate`` is the single figure to record; ``low``/``high`` the stated bounds (None
    when open); ``approximate`` marks hedged figures ("around", "some", "nearly").
    """

    estimate: int | None
    low: int | None = None
    high: int | None = None
    approximate: bool = False
    qualifier: str | None = None
    text: str = ""
    vague: str | None = None  # the vague word ("dozens") when the figure came from the table

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "approximate": self.approximate,
            "qualifier": self.qualifier,
            "text": self.text,
            "vague": self.vague,
        }

    def total_dict(self) -> dict[str, Any]:
        """The shape used in ``Document.totals``."""
        return {"estimate": self.estimate, "low": self.low, "high": self.high}


@attrs.frozen(slots=True)
class TimeRef:
    """When a figure happened: the surface text and the resolved interval (ISO dates)."""

    text: str
    start: str | None = None
    end: str | None = None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "span": list(self.span) if self.span is not None else None,
        }


@attrs.frozen(slots=True)
class Casualty:
    outcome: str = attrs.field(validator=_one_of(OUTCOMES))
    count: Count
    span: Span = attrs.field(validator=_check_span)
    text: str
    rule: str
    victims: str | None = None
    victim_actor: str | None = None
    perpetrator: str | None = None
    time: TimeRef | None = None
    attribution: int | None = None
    negated: bool = False
    hedge: str | None = None  # "feared", "may have been", "unverified", ...
    subset_of: int | None = None  # index of the casualty this one is a part of
    sentence: int = 0
    toll: bool = False  # a running toll ("the death toll rose to 20"): replaces earlier figures

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "count": self.count.to_dict(),
            "victims": self.victims,
            "victim_actor": self.victim_actor,
            "perpetrator": self.perpetrator,
            "time": self.time.to_dict() if self.time is not None else None,
            "attribution": self.attribution,
            "negated": self.negated,
            "hedge": self.hedge,
            "subset_of": self.subset_of,
            "toll": self.toll,
            "span": list(self.span),
            "text": self.text,
            "rule": self.rule,
        }


@attrs.frozen(slots=True)
class Actor:
    id: str
    name: str
    type: str = attrs.field(validator=_one_of(ACTOR_TYPES))
    country: str | None = None
    mentions: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "country": self.country,
            "mentions": [list(m) for m in self.mentions],
        }


@attrs.frozen(slots=True)
class Attribution:
    source: str
    verb: str
    span: Span = attrs.field(validator=_check_span)
    source_actor: str | None = None
    source_type: str = attrs.field(default="unknown", validator=_one_of(SOURCE_TYPES))
    medium: str | None = None
    claim: Span | None = None
    rule: str = ""
    resolved_from: str | None = None  # surface text of an anaphor ("he") resolved to source

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_actor": self.source_actor,
            "source_type": self.source_type,
            "verb": self.verb,
            "medium": self.medium,
            "span": list(self.span),
            "claim": list(self.claim) if self.claim is not None else None,
            "rule": self.rule,
            "resolved_from": self.resolved_from,
        }


@attrs.frozen(slots=True)
class Document:
    id: str | None
    published: str | None
    casualties: tuple[Casualty, ...] = ()
    actors: tuple[Actor, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    totals: Mapping[str, Count] = attrs.field(factory=dict)
    errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "published": self.published,
            "casualties": [c.to_dict() for c in self.casualties],
            "totals": {k: v.total_dict() for k, v in self.totals.items()},
            "actors": [a.to_dict() for a in self.actors],
            "attributions": [a.to_dict() for a in self.attributions],
            "errors": list(self.errors),
        }
