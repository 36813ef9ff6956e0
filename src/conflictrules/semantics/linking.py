"""Linking: actors from their mentions, times and attributions from their matches, and each
casualty tied to its perpetrator, victim actor, time and attribution.

Every decision is local and explainable: a perpetrator or victim actor is an actor
mentioned inside the captured phrase; a time is the nearest time expression of the same
sentence; an attribution is the one whose claim holds the figure, else the one of the
same sentence, else a quote-less attribution of the next sentence that points back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

import attrs
import regex

from conflictrules.engine.matching import Match
from conflictrules.grammar.loader import Grammar
from conflictrules.model import Actor, Attribution, Casualty, TimeRef
from conflictrules.semantics.casualties import CasualtyDraft
from conflictrules.semantics.time import resolve

ACTOR_TYPES = {"state", "armed_group", "igo", "ngo", "media", "political", "population", "other"}
PRONOUNS = {
    "he",
    "she",
    "they",
    "it",
    "the spokesman",
    "the spokeswoman",
    "the official",
    "the ministry",
    "the group",
    "the statement",
}


@attrs.frozen(slots=True)
class Mention:
    span: tuple[int, int]
    id: str
    name: str
    type: str
    country: str | None
    sentence: int


def _acronym(name: str) -> str:
    words = [
        w
        for w in re.findall(r"[A-Za-z][\w'\-]*", name)
        if w.lower() not in {"the", "of", "and", "for", "al", "de", "la"}
    ]
    letters = "".join(w[0].upper() for w in words)
    return letters or re.sub(r"\W", "", name.upper())[:8] or "ACTOR"


def actors_from(
    text: str, matches: Sequence[Match], grammar: Grammar
) -> tuple[list[Actor], list[Mention]]:
    mentions: list[Mention] = []
    aliases: dict[str, tuple[str, str, str, str | None]] = {}
    for m in matches:
        if m.rule.layer != "actor":
            continue
        sets = dict(m.rule.sets)
        for cap in m.captures:
            if cap.field in ("actor", "alias.actor") and cap.values:
                v = cap.values
                mentions.append(
                    Mention(
                        cap.span,
                        v["id"],
                        v["name"],
                        v["type"],
                        v.get("country") or None,
                        m.sentence,
                    )
                )
        name = m.first("name")
        alias = m.first("alias")
        if name is not None and alias is not None:
            known = [x for x in mentions if name.span[0] <= x.span[0] and x.span[1] <= name.span[1]]
            if known:
                k = known[0]
                aliases[alias.text] = (k.id, k.name, k.type, k.country)
            else:
                kind = str(sets.get("type", "armed_group"))
                aliases[alias.text] = (
                    alias.text.upper(),
                    text[name.span[0] : name.span[1]],
                    kind if kind in ACTOR_TYPES else "other",
                    None,
                )
                mentions.append(
                    Mention(
                        name.span,
                        alias.text.upper(),
                        text[name.span[0] : name.span[1]],
                        aliases[alias.text][2],
                        None,
                        m.sentence,
                    )
                )
        org = m.first("organisation")
        if org is not None and name is None:
            kind = str(sets.get("type", "armed_group"))
            mentions.append(
                Mention(
                    org.span,
                    _acronym(org.text),
                    org.text,
                    kind if kind in ACTOR_TYPES else "other",
                    None,
                    m.sentence,
                )
            )
    if aliases:
        pattern = regex.compile(
            r"(?<![\w-])(?:"
            + "|".join(regex.escape(a) for a in sorted(aliases, key=len, reverse=True))
            + r")(?![\w-])"
        )
        taken = [x.span for x in mentions]
        for am in pattern.finditer(text):
            s, e = am.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            ident, nm, kind, country = aliases[am.group()]
            mentions.append(Mention((s, e), ident, nm, kind, country, -1))
    mentions.sort(key=lambda x: x.span)
    by_id: dict[str, list[Mention]] = {}
    for x in mentions:
        by_id.setdefault(x.id, []).append(x)
    actors = []
    for ident, ms in by_id.items():
        first = ms[0]
        actors.append(
            Actor(ident, first.name, first.type, first.country, tuple(sorted({x.span for x in ms})))
        )
    actors.sort(key=lambda a: a.mentions[0])
    return actors, mentions


def _inside(
    span: tuple[int, int] | None,
    mentions: Sequence[Mention],
    exclude_types: frozenset[str] = frozenset(),
) -> str | None:
    if span is None:
        return None
    for x in mentions:
        if span[0] <= x.span[0] and x.span[1] <= span[1] and x.type not in exclude_types:
            return x.id
    return None


def times_from(
    matches: Sequence[Match], published: datetime.date | None
) -> list[tuple[int, TimeRef]]:
    out: list[tuple[int, TimeRef]] = []
    for m in matches:
        if m.rule.layer != "time":
            continue
        cap = m.first("time")
        span = cap.span if cap is not None else m.span
        text = m.text if cap is None else cap.text
        original = m.text[span[0] - m.span[0] : span[1] - m.span[0]]
        iv = resolve(text, published)
        out.append(
            (
                m.sentence,
                TimeRef(
                    original,
                    iv.start.isoformat() if iv.start else None,
                    iv.end.isoformat() if iv.end else None,
                    span,
                ),
            )
        )
    return out


def attributions_from(
    text: str, matches: Sequence[Match], mentions: Sequence[Mention]
) -> tuple[list[Attribution], list[tuple[int, tuple[int, int] | None]]]:
    """Attributions, and for each its sentence and claim span (for linking)."""
    out: list[Attribution] = []
    where: list[tuple[int, tuple[int, int] | None]] = []
    last_person: Attribution | None = None
    last_any: Attribution | None = None
    for m in matches:
        if m.rule.layer != "attribution":
            continue
        sets = dict(m.rule.sets)
        src = m.first("source")
        verb = m.first("verb")
        if src is None:
            continue
        source_text = text[src.span[0] : src.span[1]]
        lemma = str(
            sets.get("verb")
            or ((verb.values or {}).get("lemma") if verb else None)
            or (verb.text.lower() if verb else "say")
        )
        medium_cap = m.first("medium")
        claim_cap = m.first("claim")
        claim = claim_cap.span if claim_cap is not None else None
        source_actor = _inside(src.span, mentions, frozenset({"population"}))
        stype = str(sets.get("source_type") or "")
        resolved_from = None
        if source_text.lower() in PRONOUNS:
            antecedent = last_person if source_text.lower() in ("he", "she") else last_any
            if antecedent is not None:
                resolved_from = source_text
                source_text = antecedent.source
                source_actor = antecedent.source_actor
                stype = antecedent.source_type
        if not stype:
            stype = _source_type(source_text, source_actor, mentions, src.span)
        att = Attribution(
            source_text,
            lemma,
            m.span,
            source_actor,
            stype,
            medium_cap.text if medium_cap is not None else None,
            claim,
            m.rule.id,
            resolved_from,
        )
        out.append(att)
        where.append((m.sentence, claim))
        last_any = att
        if stype == "person":
            last_person = att
    return out, where


def _source_type(
    source: str, actor: str | None, mentions: Sequence[Mention], span: tuple[int, int]
) -> str:
    words = source.split()
    for x in mentions:
        if x.span == span or (x.span[0] <= span[0] and span[1] <= x.span[1]):
            return "media" if x.type == "media" else "organization"
    if re.search(r"\b(report|statement|document|investigation|study|survey)\b", source, re.I):
        return "document"
    if re.search(
        r"\b(residents|witnesses|sources|officials|activists|villagers|locals|people)\b",
        source,
        re.I,
    ):
        return "group"
    if len(words) >= 2 and words[-1][:1].isupper() and words[-2][:1].isupper():
        return "person"
    if actor is not None:
        return "organization"
    return "unknown"


def link_casualties(
    text: str,
    drafts: Sequence[CasualtyDraft],
    mentions: Sequence[Mention],
    times: Sequence[tuple[int, TimeRef]],
    attributions: Sequence[Attribution],
    claims: Sequence[tuple[int, tuple[int, int] | None]],
) -> list[Casualty]:
    out: list[Casualty] = []
    last_whole: int | None = None
    for d in drafts:
        perpetrator = _inside(d.perpetrator_span, mentions, frozenset({"population", "media"}))
        victim_actor = _inside(d.victims_span, mentions, frozenset({"media"}))
        time = _nearest_time(d, times)
        attribution = _attribution_for(d, attributions, claims)
        subset_of = last_whole if d.subset and last_whole is not None else None
        c = Casualty(
            outcome=d.outcome,
            count=d.count,
            span=d.span,
            text=text[d.span[0] : d.span[1]],
            rule=d.rule,
            victims=d.victims,
            victim_actor=victim_actor,
            perpetrator=perpetrator,
            time=time,
            attribution=attribution,
            negated=d.negated,
            hedge=d.hedge,
            subset_of=subset_of,
            sentence=d.sentence,
            toll=d.toll,
        )
        if not d.subset:
            last_whole = len(out)
        out.append(c)
    return out


def _nearest_time(d: CasualtyDraft, times: Sequence[tuple[int, TimeRef]]) -> TimeRef | None:
    best: tuple[int, TimeRef] | None = None
    for sentence, t in times:
        if sentence != d.sentence or t.span is None:
            continue
        dist = t.span[0] - d.span[1] if t.span[0] >= d.span[1] else d.span[0] - t.span[1]
        dist = max(dist, 0)
        if best is None or dist < best[0]:
            best = (dist, t)
    return best[1] if best else None


def _attribution_for(
    d: CasualtyDraft,
    attributions: Sequence[Attribution],
    claims: Sequence[tuple[int, tuple[int, int] | None]],
) -> int | None:
    same_sentence = None
    for i, (sentence, claim) in enumerate(claims):
        if claim is not None and claim[0] <= d.span[0] and d.span[1] <= claim[1]:
            return i
        if sentence == d.sentence and same_sentence is None:
            same_sentence = i
    return same_sentence
