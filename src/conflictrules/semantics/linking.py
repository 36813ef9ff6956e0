"""Linking: actors from their mentions, times and attributions from their matches, and each
casualty tied to its perpetrator, victim actor, time and attribution.

Every decision is local and explainable; docs/actors.md, docs/attribution.md and
docs/time.md give the rules in prose. In short:

* **Actors.** A gazetteer form is a mention of its actor, except a capital named as a place
  ("shelling in Damascus"). A parenthetical alias holds for the rest of the document. An
  organisation the gazetteer does not know gets an id from its name ("the Guardians of
  Gezira Brigade" is ``GUARDIANSOFGEZIRABRIGADE``). A state organ named without its state
  ("the army", "a coast guard spokesman") is the state of the last organ of the same kind
  that named its state, else the document's *home state*: the state of the dateline
  ("KYIV -"), else the state mentioned most often.
* **Perpetrator**, first rule that gives one (docs/actors.md, "Roles"): (1) an actor in
  the captured perpetrator phrase; "its forces" is the sentence's source, "the attackers"
  the last attacker; (2) a pronoun doing the harm ("an airstrike it carried out") is the
  sentence's source; (3) the attacker of the casualty's sentence (an actor before an
  attack noun or verb, "Russian airstrikes", "ISIS launched"); (4) the carry-over: the
  attacker of one of the two sentences before, or the perpetrator of the last figure of
  the sentence before, unless the text turns to another incident ("Separately, ...")
  ("Russian aircraft conducted strikes ... At least 10 civilians were killed"); (5) a
  revised toll keeps the perpetrator of the figure it revises; (6) a claim of
  responsibility or an attribution of blame made after the figure. Populations and media
  are never perpetrators, and a perpetrator is never the victims' own actor.
* **Victim actor**: the last actor inside the victim phrase ("young Rohingya men"), or
  the one right after it ("militants of the PKK"); "others" and "more" take the victim
  actor of the figure before them; "their fellow fighters" the sentence's first actor
  that is not the perpetrator.
* **Time**: the nearest time expression of the sentence that is not part of an
  attribution ("said on Monday" dates the statement, not the event), else one of the
  previous sentence of the same paragraph.
* **Attribution**: the one whose claim holds the figure (the innermost), else the nearest
  of the same sentence, else the last of the previous sentence of the same paragraph.
"""

from __future__ import annotations

import bisect
import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import attrs
import regex

from conflictrules.engine.matching import Capture, Match
from conflictrules.engine.sentences import split_sentences
from conflictrules.grammar.loader import Grammar
from conflictrules.grammar.wordlists import WordList
from conflictrules.model import ACTOR_TYPES, Actor, Attribution, Casualty, TimeRef
from conflictrules.semantics.casualties import CasualtyDraft
from conflictrules.semantics.time import resolve

Span = tuple[int, int]
Row = Mapping[str, str]

NOT_PERPETRATORS = frozenset({"population", "media"})


@attrs.frozen(slots=True)
class Mention:
    """One stretch of text that names an actor."""

    span: Span
    id: str
    name: str
    type: str
    country: str | None
    sentence: int
    kind: str = "name"  # name, alias, adjective, metonym, organ, organisation, loyal, learned
    attacker: bool = False  # the actor attacks in its sentence ("Russian airstrikes")
    attack: Span | None = None  # the attack noun or verb that makes it an attacker


@attrs.frozen(slots=True)
class AttributionLink:
    """What linking keeps about one attribution besides its public record."""

    sentence: int
    claim: Span | None
    span: Span
    responsible: str | None = None  # the actor a claim of responsibility or blame names
    role: str | None = None  # the source noun ("spokesman"), for anaphora


# ------------------------------------------------------------------------------ helpers

_ARTICLE = re.compile(r"^(?:the|The|THE|a|A|an|An)\s+")
_KNOWN_IDS: dict[int, tuple[WordList, frozenset[str]]] = {}
_PLACE_RES: dict[int, tuple[WordList, re.Pattern[str]]] = {}


def _strip_article(text: str) -> str:
    return _ARTICLE.sub("", text.strip())


def _row(gaz: WordList | None, text: str) -> Row | None:
    if gaz is None:
        return None
    return gaz.lookup(_strip_article(text))


def _known_ids(gaz: WordList | None) -> frozenset[str]:
    if gaz is None:
        return frozenset()
    cached = _KNOWN_IDS.get(id(gaz))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    ids = frozenset(row["id"] for row in gaz.rows.values())
    _KNOWN_IDS[id(gaz)] = (gaz, ids)
    return ids


def _place_regex(words: WordList | None) -> re.Pattern[str] | None:
    """One regex for the words before a capital (the PLACE_WORD list), longest first."""
    if words is None:
        return None
    cached = _PLACE_RES.get(id(words))
    if cached is not None and cached[0] is words:
        return cached[1]
    forms = sorted(words.forms, key=len, reverse=True)
    alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    pattern = re.compile(rf"(?i)(?<![\w-])(?:{alternation})\s+(?:the\s+)?$")
    _PLACE_RES[id(words)] = (words, pattern)
    return pattern


def _is_place(text: str, x: Mention, words: WordList | None) -> bool:
    """A capital named as a place: "shelling in Damascus" (not "the government in
    Damascus", "Damascus accused", "Moscow's view")."""
    pattern = _place_regex(words)
    if pattern is None or words is None or re.match(r"['’]", text[x.span[1] : x.span[1] + 1]):
        return False
    m = pattern.search(text[max(0, x.span[0] - 40) : x.span[0]])
    if m is None:
        return False
    form = re.sub(r"(?i)\s+(?:the\s+)?$", "", m.group())
    row = words.lookup(form)
    return row is None or row.get("reads", "place") == "place"


def caps_id(name: str) -> str:
    """A readable id from a name: capitals, ASCII letters and digits only, no article."""
    folded = unicodedata.normalize("NFKD", _strip_article(name))
    ascii_only = "".join(ch for ch in folded if ch.isascii())
    out = re.sub(r"[^A-Z0-9]", "", ascii_only.upper())
    return out or "ACTOR"


def _mention(
    span: Span,
    row: Row,
    sentence: int,
    kind: str | None = None,
    attacker: bool = False,
    attack: Span | None = None,
) -> Mention:
    kind_ = kind or row.get("kind") or "name"
    typ = row.get("type", "other")
    return Mention(
        span,
        row["id"],
        row.get("name") or row["id"],
        typ if typ in ACTOR_TYPES else "other",
        row.get("country") or None,
        sentence,
        kind_,
        attacker,
        attack,
    )


def _inside(span: Span, mentions: Iterable[Mention], exclude: frozenset[str]) -> list[Mention]:
    return [
        x
        for x in mentions
        if span[0] <= x.span[0] and x.span[1] <= span[1] and x.type not in exclude
    ]


_TOPIC_SHIFT = re.compile(
    r"(?i)\s*(?:separately|meanwhile|elsewhere|in\s+other\s+(?:news|developments)"
    r"|in\s+a\s+separate\s+(?:incident|attack|development)|further\s+(?:north|south|east|west)"
    r"|on\s+the\s+\w+\s+front|also\s+on\s+\w+)\b"
)


class TextGeometry:
    """Sentence and paragraph geometry of a document (``sentences``: its sentence spans,
    as ``split_sentences`` finds them, when the caller has them already)."""

    def __init__(self, text: str, sentences: Sequence[Span] | None = None) -> None:
        self.text = text
        self.sentences = split_sentences(text) if sentences is None else list(sentences)
        self._starts = [s for s, _ in self.sentences]
        self._breaks = [m.start() for m in re.finditer(r"\n", text)]

    def sentence_span(self, i: int) -> Span:
        if 0 <= i < len(self.sentences):
            return self.sentences[i]
        return (0, len(self.text))

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self._breaks, pos)

    def sentence_paragraph(self, i: int) -> int:
        return self.paragraph(self.sentence_span(i)[0])

    def shifts_topic(self, i: int) -> bool:
        """Sentence i turns to another incident: "Separately, ...", "Meanwhile, ..."."""
        s, e = self.sentence_span(i)
        return _TOPIC_SHIFT.match(self.text[s:e]) is not None


# ------------------------------------------------------------------------------- actors

_DATELINE = re.compile(
    r"(?m)^[ \t]*(?P<city>[A-Z][A-Z'’.\-]+(?:[ ][A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,[ \t]*(?P<region>[A-Z][\w'’.\- ]{1,60}?))?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?"
    r"[-–—]{1,2}[ \t]"
)
_QUALIFIED_BEFORE = re.compile(r"^(?:['’]s?)?\s*(?:[a-z][\w\-]*\s+){0,2}$")
_QUALIFIED_AFTER = re.compile(r"^\s+(?:of|in)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$")


def home_state(text: str, mentions: Sequence[Mention], gaz: WordList | None) -> Row | None:
    """The state a document reports from: its dateline's, else the most mentioned state."""
    m = _DATELINE.search(text[:2000])
    if m is not None and gaz is not None:
        for candidate in (m.group("region"), m.group("city").title()):
            if not candidate:
                continue
            row = _row(gaz, candidate)
            if row is not None and row.get("type") == "state":
                return row
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for x in mentions:
        if x.type == "state" and x.kind != "organ":
            counts[x.id] += 1
            first.setdefault(x.id, x)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].span[0]))
    x = first[best]
    return {"id": x.id, "name": x.name, "type": x.type, "country": x.country or ""}


def _qualifier(text: str, span: Span, ordered: Sequence[Mention]) -> Mention | None:
    """The actor an organ belongs to when the text names it: "the Israeli army",
    "Russia's defence ministry", "security forces of the government in Damascus"."""
    starts = [x.span[0] for x in ordered]
    i = bisect.bisect_left(starts, span[0])
    for x in reversed(ordered[max(0, i - 4) : i]):
        if x.span[1] <= span[0] and x.type not in NOT_PERPETRATORS:
            if _QUALIFIED_BEFORE.match(text[x.span[1] : span[0]]):
                return x
            break
    for x in ordered[i : i + 4]:
        if x.span[0] >= span[1] and x.type not in NOT_PERPETRATORS:
            if x.span[0] - span[1] < 60 and _QUALIFIED_AFTER.match(text[span[1] : x.span[0]]):
                return x
            break
    return None


def _head_row(heads: WordList | None, name: str) -> Row | None:
    if heads is None:
        return None
    words = name.split()
    return heads.lookup(words[-1]) if words else None


def _owner(text: str, span: Span, gaz: WordList | None, head: Row) -> tuple[Span, Row, str] | None:
    """The known actor an unknown organisation name belongs to: a state before an organ
    head ("Iraqi Security Forces", "Russian Forces": the state), or a group before a head
    ("Houthi Forces", "Hamas Brigades": the group)."""
    prefix = _known_prefix(text, span, gaz)
    if prefix is None:
        return None
    (ps, pe), row = prefix
    if row.get("type") == "state" and head.get("organ") == "yes":
        return (ps, pe), row, "organ"
    if row.get("type") in ("armed_group", "political") and len(text[pe : span[1]].split()) <= 2:
        return span, row, "name"
    return None


def _known_prefix(text: str, span: Span, gaz: WordList | None) -> tuple[Span, Row] | None:
    """A known name or adjective opening an organisation's name ("Iraqi Security Forces")."""
    words = [
        (m.start() + span[0], m.end() + span[0])
        for m in re.finditer(r"\S+", text[span[0] : span[1]])
    ]
    for k in (3, 2, 1):
        if len(words) <= k:
            continue
        s, e = words[0][0], words[k - 1][1]
        row = _row(gaz, text[s:e])
        if row is not None:
            return (s, e), row
    return None


def actors_from(
    text: str, matches: Sequence[Match], grammar: Grammar
) -> tuple[list[Actor], list[Mention]]:
    gaz = grammar.lists.get("ACTOR")
    heads = grammar.lists.get("ORG_HEAD")
    place_words = grammar.lists.get("PLACE_WORD")
    known = _known_ids(gaz)
    attack_by: list[Span] = []
    mentions: list[Mention] = []
    organs: list[tuple[Span, str, int]] = []
    learned: dict[str, tuple[Row, int]] = {}  # alias -> actor row, where the alias was defined
    for m in matches:
        if m.rule.layer != "actor":
            continue
        for cap in m.captures:
            f = cap.field
            if f in ("actor", "attacker") and cap.values:
                attack = m.first("attack") if f == "attacker" else None
                span = cap.span
                if attack is not None:  # "Peshmerga forces", "M23 rebels": one form
                    longer = _row(gaz, text[span[0] : attack.span[1]])
                    if longer is not None and longer["id"] == cap.values["id"]:
                        span = (span[0], attack.span[1])
                mentions.append(
                    _mention(
                        span,
                        cap.values,
                        m.sentence,
                        attacker=attack is not None,
                        attack=attack.span if attack is not None else None,
                    )
                )
            elif f == "organ":
                organs.append(
                    (cap.span, (cap.values or {}).get("key") or cap.text.lower(), m.sentence)
                )
            elif f == "unit":
                organs.append((cap.span, "military", m.sentence))
            elif f == "attack_by":
                attack_by.append(m.span)
        name, alias = m.first("name"), m.first("alias")
        if name is not None and alias is not None:
            _alias(text, m, name, alias, gaz, heads, known, mentions, learned)
        org = m.first("organisation")
        if org is not None:
            _organisation(text, m, org, gaz, heads, known, mentions)
        loyal = m.first("loyal")
        if loyal is not None:
            row = _row(gaz, loyal.text)
            if row is not None:
                mentions.append(_mention(loyal.span, row, m.sentence))
            else:
                generated = {
                    "id": caps_id(loyal.text) + "_LOYALISTS",
                    "name": text[m.span[0] : m.span[1]],
                    "type": "armed_group",
                    "country": "",
                }
                mentions.append(_mention(m.span, generated, m.sentence, "loyal"))
    mentions = _apply_learned(text, mentions, learned, gaz)
    mentions = [
        x
        for x in mentions
        if x.kind != "metonym" or x.attacker or not _is_place(text, x, place_words)
    ]
    mentions = _dedupe(mentions)
    if attack_by:  # "shelling by the SDF": the actor after "by" is an attacker
        ends = {e: (s, e) for s, e in attack_by}
        for i, x in enumerate(mentions):
            gap = re.match(r"\s*$", text[max(0, x.span[0] - 1) : x.span[0]])
            for end, span in ends.items():
                if end <= x.span[0] <= end + 2 and gap is not None:
                    mentions[i] = attrs.evolve(x, attacker=True, attack=span)
    mentions.extend(_organ_mentions(text, organs, mentions, gaz))
    mentions = _dedupe(mentions)
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


def _alias(
    text: str,
    m: Match,
    name: Capture,
    alias: Capture,
    gaz: WordList | None,
    heads: WordList | None,
    known: frozenset[str],
    mentions: list[Mention],
    learned: dict[str, tuple[Row, int]],
) -> None:
    """ "the Kurdistan Workers' Party (PKK)": both spans name one actor, known or new."""
    whole = _row(gaz, text[name.span[0] : alias.span[1] + 1])
    if whole is not None:  # a form with its parenthesis: "Communist Party of India (Maoist)"
        mentions.append(_mention((name.span[0], alias.span[1] + 1), whole, m.sentence))
        return
    row = _row(gaz, name.text)
    alias_row = _row(gaz, alias.text)
    if row is None and alias_row is not None and alias_row.get("kind") in ("name", "alias"):
        row = alias_row
    if row is None:
        ident = re.sub(r"[^A-Z0-9_]", "", alias.text.upper().replace("-", "_"))
        if not ident or ident in known:
            ident = caps_id(name.text)
        head = _head_row(heads, name.text)
        kind = head.get("type", "other") if head is not None else "other"
        row = {"id": ident, "name": _strip_article(name.text), "type": kind, "country": ""}
    mentions.append(_mention(name.span, row, m.sentence, "name"))
    mentions.append(_mention(alias.span, row, m.sentence, "alias"))
    learned[alias.text] = (row, alias.span[1])


def _organisation(
    text: str,
    m: Match,
    org: Capture,
    gaz: WordList | None,
    heads: WordList | None,
    known: frozenset[str],
    mentions: list[Mention],
) -> None:
    longer = _extend_right(text, org.span[0], org.span[1], gaz)
    if longer is not None:  # "Armed Forces" of "Armed Forces of Ukraine"
        mentions.append(_mention((org.span[0], longer[0]), longer[1], m.sentence))
        return
    row = _row(gaz, org.text)
    if row is not None:
        mentions.append(_mention(org.span, row, m.sentence))
        return
    if _known_parts(text, m, org, gaz, heads, mentions):
        return
    head = m.first("organisation.head")
    values = (head.values if head is not None else None) or {}
    owner = _owner(text, org.span, gaz, values)
    if owner is not None:
        mentions.append(_mention(owner[0], owner[1], m.sentence, owner[2]))
        return
    pieces = [org.span]
    cuts = list(re.finditer(r",\s*(?:and\s+)?(?:the\s+)?|\s+and\s+(?:the\s+)?", org.text))
    if cuts and heads is not None:  # "the X Brigade and the Y Front": two organisations
        s0 = org.span[0]
        bounds = [s0] + [s0 + c.end() for c in cuts]
        ends = [s0 + c.start() for c in cuts] + [org.span[1]]
        split = list(zip(bounds, ends, strict=True))
        if all(_head_row(heads, text[a:b]) is not None for a, b in split):
            pieces = split
    for a, b in pieces:
        head_row = _head_row(heads, text[a:b]) or values
        ident = caps_id(text[a:b])
        if ident in known:
            ident += "_GROUP"
        generated = {
            "id": ident,
            "name": _strip_article(text[a:b]),
            "type": head_row.get("type", "other"),
            "country": "",
        }
        mentions.append(_mention((a, b), generated, m.sentence, "organisation"))


def _extend_right(text: str, start: int, end: int, gaz: WordList | None) -> tuple[int, Row] | None:
    """A known name that starts at ``start`` and ends after ``end`` (at most 6 words on)."""
    found = None
    for w in list(re.finditer(r"\S+", text[end : end + 80]))[:6]:
        stop = end + w.end()
        row = _row(gaz, text[start:stop].rstrip(".,;:"))
        if row is not None:
            found = (start + len(text[start:stop].rstrip(".,;:")), row)
    return found


def _known_parts(
    text: str,
    m: Match,
    org: Capture,
    gaz: WordList | None,
    heads: WordList | None,
    mentions: list[Mention],
) -> bool:
    """A coordination the shape took for one name: "the Syrian Democratic Forces and the
    Lebanese Forces" is two actors, "Envoys of Al-Aqsa Martyrs Brigades" one. The text is
    cut at "and", "of" and commas in the way that covers most of it with known names; True
    when some part is known. The known parts are then mentions, and the last part a new
    organisation when it is unknown and ends with a head word."""
    s0, e0 = org.span
    separators = r",\s*(?:and\s+)?(?:the\s+)?|\s+(?:and|of)\s+(?:the\s+)?"
    seps = [(s0 + x.start(), s0 + x.end()) for x in re.finditer(separators, text[s0:e0])]
    if not seps or len(seps) > 6:
        return False
    memo: dict[Span, Row | None] = {}

    def lookup(a: int, b: int) -> Row | None:
        if (a, b) not in memo:
            row = _row(gaz, text[a:b])
            if row is None and heads is not None and not re.search(r",|\sand\s", text[a:b]):
                head = _head_row(heads, text[a:b])
                owner = _owner(text, (a, b), gaz, head) if head is not None else None
                row = owner[1] if owner is not None else None
            memo[(a, b)] = row
        return memo[(a, b)]

    best: tuple[int, int, list[tuple[Span, Row | None]]] | None = None
    for mask in range(1, 2 ** len(seps)):
        cuts = [sep for i, sep in enumerate(seps) if mask >> i & 1]
        starts = [s0] + [c[1] for c in cuts]
        ends = [c[0] for c in cuts] + [e0]
        parts = [((a, b), lookup(a, b)) for a, b in zip(starts, ends, strict=True)]
        longer = _extend_right(text, parts[-1][0][0], e0, gaz)
        if longer is not None:  # "... and Central Committee of Sudanese Doctors"
            parts[-1] = ((parts[-1][0][0], longer[0]), longer[1])
        covered = sum(b - a for (a, b), row in parts if row is not None)
        if covered and (best is None or (covered, -len(parts)) > (best[0], best[1])):
            best = (covered, -len(parts), parts)
    if best is None:
        return False
    head = m.first("organisation.head")
    values = (head.values if head is not None else None) or {}
    for (a, b), row in best[2]:
        if row is not None:
            mentions.append(_mention((a, b), row, m.sentence))
        elif b == e0 and values and text[a:b].split()[-1:] == [text[s0:e0].split()[-1]]:
            generated = {
                "id": caps_id(text[a:b]),
                "name": text[a:b],
                "type": values.get("type", "other"),
                "country": "",
            }
            mentions.append(_mention((a, b), generated, m.sentence, "organisation"))
    return True


def _apply_learned(
    text: str, mentions: list[Mention], learned: dict[str, tuple[Row, int]], gaz: WordList | None
) -> list[Mention]:
    """Aliases defined in the text hold after their definition: new aliases are found
    again, and a known form given another meaning here ("Anadolu Agency (AA)") is re-read."""
    if not learned:
        return mentions
    out = []
    for x in mentions:
        hit = learned.get(text[x.span[0] : x.span[1]])
        if hit is not None and x.span[0] >= hit[1] and hit[0]["id"] != x.id:
            x = _mention(x.span, hit[0], x.sentence, "learned", x.attacker, x.attack)
        out.append(x)
    new = {a: v for a, v in learned.items() if _row(gaz, a) is None}
    if new:
        taken = sorted(x.span for x in out)
        for s, e in _occurrences(text, new):
            row, defined = new[text[s:e]]
            if s < defined or any(s < te and ts < e for ts, te in taken):
                continue
            out.append(_mention((s, e), row, -1, "learned"))
    return out


_WORDISH = regex.compile(r"[\w-]")


def _occurrences(text: str, forms: Iterable[str]) -> list[Span]:
    """Where the forms occur as whole words (not after or before a word character or a
    hyphen), left to right, the longest at each position, none overlapping the last:
    what a regex alternation of the forms, longest first, would find with ``finditer``
    (a document's few aliases are not worth compiling a pattern for)."""
    longest: dict[int, int] = {}
    for form in forms:
        if not form:
            continue
        i = text.find(form)
        while i >= 0:
            e = i + len(form)
            if (
                (i == 0 or not _WORDISH.match(text, i - 1))
                and not _WORDISH.match(text, e)
                and e > longest.get(i, -1)
            ):
                longest[i] = e
            i = text.find(form, i + 1)
    out: list[Span] = []
    last = 0
    for s in sorted(longest):
        if s >= last:
            out.append((s, longest[s]))
            last = longest[s]
    return out


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen: dict[Span, Mention] = {}
    for x in mentions:
        old = seen.get(x.span)
        if old is None or (x.attacker and not old.attacker):
            seen[x.span] = x
    return sorted(seen.values(), key=lambda x: x.span)


def _organ_mentions(
    text: str, organs: list[tuple[Span, str, int]], mentions: list[Mention], gaz: WordList | None
) -> list[Mention]:
    if not organs:
        return []
    home = home_state(text, mentions, gaz)
    last_by_key: dict[str, Row] = {}
    out: list[Mention] = []
    for span, key, sentence in sorted(organs):
        q = _qualifier(text, span, mentions)
        if q is not None:
            if q.type == "state":
                last_by_key[key] = {
                    "id": q.id,
                    "name": q.name,
                    "type": q.type,
                    "country": q.country or "",
                }
            continue
        row = last_by_key.get(key) or home
        if row is not None:
            out.append(_mention(span, row, sentence, "organ"))
    return out


# -------------------------------------------------------------------------------- times


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


# ------------------------------------------------------------------------- attributions

_PRONOUN_TYPES = {
    "he": ("person",),
    "she": ("person",),
    "it": ("organization", "media", "document"),
    "they": ("group", "organization"),
}
_CLAIM_TRIM = " \t\n,;:\"'“”‘’-–—"
_THAT = re.compile(r"^\s*(?:,\s*)?(?:that\b)?\s*")


def _trim(text: str, s: int, e: int) -> Span | None:
    while s < e and text[s] in _CLAIM_TRIM:
        s += 1
    while e > s and text[e - 1] in _CLAIM_TRIM + ".!?":
        e -= 1
    return (s, e) if e - s >= 3 and re.search(r"\w", text[s:e]) else None


def _claim(text: str, geo: TextGeometry, m: Match) -> Span | None:
    """What the source asserts: the rest of the sentence after "X said (that)", or the
    part before ", X said" / ", according to X" / a quote-first frame."""
    ss, se = geo.sentence_span(m.sentence)
    before = _trim(text, ss, m.span[0])
    that = _THAT.match(text[m.span[1] : se])
    after_start = m.span[1] + (that.end() if that is not None else 0)
    after = _trim(text, after_start, se)
    if m.rule.id.endswith("says_subject"):
        return before
    if m.rule.id.endswith("according_to"):
        return before or after
    return after or before


def _source_actor(span: Span, mentions: Sequence[Mention]) -> Mention | None:
    """The actor a source speaks for: a news outlet, else an organisation or group, else a
    state ("the health ministry of Yemen's Houthi movement" speaks for the Houthis)."""
    inside = _inside(span, mentions, frozenset({"population"}))
    for pick in (
        [x for x in inside if x.type == "media"],
        [x for x in inside if x.type not in ("media", "state")],
        inside,
    ):
        if pick:
            return pick[0]
    return None


def attributions_from(
    text: str,
    matches: Sequence[Match],
    mentions: Sequence[Mention],
    geo: TextGeometry | None = None,
) -> tuple[list[Attribution], list[AttributionLink]]:
    """Attributions, and for each what linking needs: sentence, claim, responsibility."""
    geo = TextGeometry(text) if geo is None else geo
    out: list[Attribution] = []
    links: list[AttributionLink] = []
    for m in matches:
        if m.rule.layer != "attribution":
            continue
        src = m.first("source")
        if src is None:
            continue
        att, link = _attribution(text, geo, m, src, mentions, out, links)
        out.append(att)
        links.append(link)
    return out, links


def _attribution(
    text: str,
    geo: TextGeometry,
    m: Match,
    src: Capture,
    mentions: Sequence[Mention],
    earlier: Sequence[Attribution],
    earlier_links: Sequence[AttributionLink],
) -> tuple[Attribution, AttributionLink]:
    sets = dict(m.rule.sets)
    verb = m.first("verb")
    lemma = str(
        sets.get("verb")
        or ((verb.values or {}).get("lemma") if verb else None)
        or (verb.text.lower() if verb else "say")
    )
    surface = src.text  # labels use the normalised text: "Russia's", not "Russia’s"
    person = m.first("source.person")
    role = m.first("source.role")
    appos = m.first("appos")
    own_mentions = _inside(src.span, mentions, frozenset())
    if person is not None and any(
        x.span[0] < person.span[1] and person.span[0] < x.span[1] for x in own_mentions
    ):
        person = None  # "Islamic State" has the shape of a name but is an actor
    actor_span = (src.span[0], max(src.span[1], appos.span[1] if appos else 0))
    actor = _source_actor(actor_span, mentions)
    role_type = (role.values or {}).get("type") if role is not None else None
    if person is not None:
        source = person.text
        stype = "person"
    else:
        source = _strip_article(surface)
        if actor is not None and actor.type == "media" and role_type in (None, "document", "media"):
            stype = "media"
        elif role_type:
            stype = role_type
        elif actor is not None:
            stype = "group" if actor.type == "population" else "organization"
        else:
            stype = "unknown"
    resolved_from = None
    antecedent = _antecedent(surface, person, role, own_mentions, earlier, earlier_links)
    if antecedent is not None:
        resolved_from = surface
        source = antecedent.source
        stype = antecedent.source_type
        actor_id = antecedent.source_actor if actor is None else actor.id
    else:
        actor_id = actor.id if actor is not None else None
        if actor_id is None and role is not None and surface.lower().startswith("the "):
            actor_id = _last_group_before(src.span[0], mentions, role.text)
    media = m.all("medium")
    medium = media[-1] if media else None  # "in a video posted on Telegram": Telegram
    responsible = None
    if sets.get("responsibility") == "source":
        responsible = actor_id
    resp = m.first("responsible")
    if resp is not None:
        inside = _inside(resp.span, mentions, NOT_PERPETRATORS)
        responsible = inside[0].id if inside else None
    att = Attribution(
        source,
        lemma,
        m.span,
        actor_id,
        stype if stype in ("person", "organization", "media", "group", "document") else "unknown",
        medium.text if medium is not None else None,
        _claim(text, geo, m),
        m.rule.id,
        resolved_from,
    )
    link = AttributionLink(
        m.sentence,
        att.claim,
        m.span,
        responsible,
        role.text.lower() if role is not None else None,
    )
    return att, link


def _antecedent(
    surface: str,
    person: Capture | None,
    role: Capture | None,
    own_mentions: Sequence[Mention],
    earlier: Sequence[Attribution],
    links: Sequence[AttributionLink],
) -> Attribution | None:
    """The earlier attribution an anaphoric source stands for: "he" (the last person),
    "it" (the last organisation), "they", "the spokesman" (the last source with that noun),
    "Ryan" (the last person of that name)."""
    low = surface.lower().strip()
    if low in _PRONOUN_TYPES:
        types = _PRONOUN_TYPES[low]
        for a in reversed(earlier):
            if a.source_type in types:
                return a
        return None
    single = person.text.strip() if person is not None else surface.strip()
    if " " not in single and single[:1].isupper() and not own_mentions and role is None:
        name = single
        for a in reversed(earlier):
            if a.source_type == "person" and a.source.split()[-1:] == [name] and a.source != name:
                return a
        return None
    if role is not None and not own_mentions and low.startswith("the ") and person is None:
        noun = role.text.lower()
        for a, link in zip(reversed(earlier), reversed(links), strict=True):
            if a.source_type == "document":
                continue
            if link.role == noun or re.search(rf"\b{re.escape(noun)}\b", a.source.lower()):
                return a
    return None


def _last_group_before(pos: int, mentions: Sequence[Mention], noun: str) -> str | None:
    """ "the group said": the last armed or political group named before."""
    if noun.lower() not in ("group", "movement", "militia", "organisation", "organization"):
        return None
    for x in reversed(mentions):
        if x.span[1] <= pos and x.type in ("armed_group", "political"):
            return x.id
    return None


# ---------------------------------------------------------------------------- casualties

_PRONOUN_AGENT = re.compile(
    r"(?i)\b(?:it|they)\s+(?:(?:has|have|had|also|then|later|reportedly)\s+){0,2}"
    r"(?:carried\s+out|conducted|launched|fired|arrested|detained|killed|struck|hit|attacked"
    r"|shelled|bombed|captured|abducted|executed|rounded\s+up)\b"
)
_PRONOUN_SUBJECT = re.compile(
    r"(?i)\b(?:it|they)\s+(?:(?:has|have|had|also|then|later|reportedly)\s+){0,2}$"
)
_DEFINITE_AGENT = re.compile(
    r"(?i)^(?:the\s+)?(?:attackers|assailants|gunmen|militants|fighters|raiders|insurgents"
    r"|rebels|jihadists|militiamen|group|militia|bombers|kidnappers|abductors)$"
)
_INDEFINITE_AGENT = re.compile(r"(?i)\b(?:unidentified|unknown|suspected|bandits|armed men)\b")
_POSSESSIVE = re.compile(r"(?i)\b(?:its|their)\s+$")
_OTHERS = re.compile(r"(?i)^(?:\w+\s+)?(?:others|more)$")
_THEIR_VICTIMS = re.compile(r"(?i)^(?:of\s+)?(?:their|its)\b")
_THEIR_BEFORE = re.compile(r"(?i)\b(?:of\s+)?(?:their|its)\s+(?:own\s+)?$")
_OTHERS_TEXT = re.compile(r"(?i)^[\w,\-]+(?:\s+[\w\-]+)?\s+(?:others|more)\b")


def link_casualties(
    text: str,
    drafts: Sequence[CasualtyDraft],
    mentions: Sequence[Mention],
    times: Sequence[tuple[int, TimeRef]],
    attributions: Sequence[Attribution],
    links: Sequence[AttributionLink],
    geo: TextGeometry | None = None,
) -> list[Casualty]:
    geo = TextGeometry(text) if geo is None else geo
    ordered = sorted(mentions, key=lambda x: x.span)
    victim_spans = [d.victims_span for d in drafts if d.victims_span is not None]
    attackers = [  # "3,000 ISIS fighters have surrendered": fighters, not attackers
        x
        for x in ordered
        if x.attacker
        and x.type not in NOT_PERPETRATORS
        and not any(_victim_side(text, x, v) for v in victim_spans)
    ]
    out: list[Casualty] = []
    last_whole: int | None = None
    # the times of events (not those inside an attribution: "said on Monday"), by
    # sentence, computed once for the document rather than once per figure
    events: dict[int, list[TimeRef]] = {}
    for s, t in times:
        if t.span is not None and not _in_attribution(t.span, links):
            events.setdefault(s, []).append(t)
    for d in drafts:
        victim_actor = _victim_actor(text, d, ordered, out)
        own = d.victims_span is not None and bool(
            re.search(r"(?i)\bown\b", text[max(0, d.victims_span[0] - 5) : d.victims_span[1]])
        )
        perpetrator = _perpetrator(
            text, d, ordered, attackers, attributions, links, victim_actor, geo, out, own
        )
        if victim_actor is None and d.victims_span is not None:
            before = text[max(0, d.victims_span[0] - 16) : d.victims_span[0]]
            if _THEIR_VICTIMS.match(d.victims or "") or _THEIR_BEFORE.search(before):
                own = re.search(r"(?i)\bown\s+$", before) is not None
                victim_actor = perpetrator if own else _their(d, ordered, perpetrator)
        time = _time_for(d, events, geo)
        attribution = _attribution_for(d, links, geo)
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


def _victim_side(text: str, x: Mention, victims: Span) -> bool:
    """An "attacker" that is in fact the victims: "killed 15 al-Shabaab fighters"."""
    spans = [x.span] + ([x.attack] if x.attack is not None else [])
    if any(victims[0] < e and s < victims[1] for s, e in spans):
        return True
    return x.span[1] <= victims[0] and not text[x.span[1] : victims[0]].strip()


def _victim_actor(
    text: str, d: CasualtyDraft, ordered: Sequence[Mention], done: Sequence[Casualty]
) -> str | None:
    span = d.victims_span
    if span is not None:
        inside = _inside(span, ordered, frozenset({"media"}))
        if inside:
            return inside[-1].id  # the head comes last: "Syrian Alawites", "young Rohingya men"
        m = re.match(r"\s+(?:of|from)\s+(?:the\s+)?", text[span[1] : span[1] + 12])
        if m is not None:
            at = span[1] + m.end()
            for x in ordered:
                if x.span[0] == at and x.type != "media":
                    return x.id
    if _OTHERS.match(d.victims or "") or _OTHERS_TEXT.match(text[d.span[0] : d.span[1]]):
        for c in reversed(done):  # "four others": the side of the figure before
            if c.sentence >= d.sentence - 1 and c.victim_actor is not None:
                return c.victim_actor
            if c.sentence < d.sentence - 1:
                break
    return None


def _their(d: CasualtyDraft, ordered: Sequence[Mention], perpetrator: str | None) -> str | None:
    """ "pushed 3,000 of their fellow fighters to surrender": the sentence's first actor
    that is not the perpetrator."""
    for x in ordered:
        if (
            x.sentence == d.sentence
            and x.span[1] <= d.span[0]
            and x.id != perpetrator
            and x.type not in NOT_PERPETRATORS
        ):
            return x.id
    return None


def _perpetrator(
    text: str,
    d: CasualtyDraft,
    ordered: Sequence[Mention],
    attackers: Sequence[Mention],
    attributions: Sequence[Attribution],
    links: Sequence[AttributionLink],
    victim_actor: str | None,
    geo: TextGeometry,
    done: Sequence[Casualty],
    own_side: bool = False,
) -> str | None:
    own = own_side  # "arrested 11 of its own soldiers": perpetrator and victims are one side

    def ok(ident: str | None) -> bool:
        return ident is not None and (ident != victim_actor or own)

    span = d.perpetrator_span
    if span is not None:
        for x in ordered:  # an actor the phrase names: "Russian airstrikes", "Security forces"
            overlaps = x.span[0] < span[1] and span[0] < x.span[1]
            if overlaps and x.type not in NOT_PERPETRATORS and ok(x.id):
                return x.id
        phrase = text[span[0] : span[1]].strip()
        if _POSSESSIVE.search(text[max(0, span[0] - 8) : span[0]]) or re.match(
            r"(?i)(?:its|their|it|they)\b", phrase
        ):
            # "Turkey's defence ministry said its forces had killed": the speaker's side
            for a, link in zip(attributions, links, strict=True):
                if link.sentence == d.sentence and ok(a.source_actor):
                    return a.source_actor
            for x in reversed(ordered):
                earlier = x.sentence == d.sentence and x.span[1] <= span[0]
                if earlier and x.type not in NOT_PERPETRATORS and ok(x.id):
                    return x.id
            return None
        if _DEFINITE_AGENT.match(phrase) and re.match(
            r"(?i)the\b", text[max(0, span[0] - 4) : span[1]]
        ):
            for x in reversed(attackers):
                if x.span[1] <= span[0] and ok(x.id):
                    return x.id  # "the attackers": the last attacker named before
        if _INDEFINITE_AGENT.search(phrase):
            return None  # "unidentified gunmen": nobody we know
    # "the army said it had arrested 11", "an airstrike it carried out ... killed 15": the
    # pronoun is the sentence's source
    ss = geo.sentence_span(d.sentence)[0]
    lead = text[ss : d.span[0]]
    if _PRONOUN_AGENT.search(lead) or _PRONOUN_SUBJECT.search(lead):
        for a, link in zip(attributions, links, strict=True):
            same_sentence = link.sentence == d.sentence and link.span[1] <= d.span[0]
            if same_sentence and ok(a.source_actor):
                return a.source_actor
    # the attacker of the casualty's own sentence, nearest first
    same = [x for x in attackers if x.sentence == d.sentence and ok(x.id)]
    if same:
        return min(same, key=lambda x: _distance(x.span, d.span)).id
    # the carry-over: the attacker of one of the two sentences before, or the perpetrator
    # of the last figure of the sentence before; never across a change of subject
    # ("Separately, ...", "Meanwhile, ...")
    for back in (1, 2):
        before = d.sentence - back
        if before < 0 or geo.shifts_topic(before + 1):
            break
        prev = [x for x in attackers if x.sentence == before and ok(x.id)]
        if prev:
            return prev[-1].id
        if back == 1:
            for c in reversed(done):
                if c.sentence == before and ok(c.perpetrator):
                    return c.perpetrator
    # a revised toll revises the figure before it, and keeps its perpetrator
    if d.toll:
        for c in reversed(done):
            if ok(c.perpetrator):
                return c.perpetrator
    # claims of responsibility and attributions of blame made after the figure
    for link in links:
        if link.responsible is None or not ok(link.responsible):
            continue
        if link.sentence >= d.sentence or d.toll:
            return link.responsible
    return None


def _distance(a: Span, b: Span) -> int:
    if a[1] <= b[0]:
        return b[0] - a[1]
    if b[1] <= a[0]:
        return (a[0] - b[1]) + 1  # ties go to the one before
    return 0


def _in_attribution(span: Span, links: Sequence[AttributionLink]) -> bool:
    return any(a.span[0] <= span[0] and span[1] <= a.span[1] for a in links)


def _time_for(
    d: CasualtyDraft, events: Mapping[int, list[TimeRef]], geo: TextGeometry
) -> TimeRef | None:
    """The time of a figure: the nearest event time of its sentence, else the last of the
    sentence before it in the same paragraph."""
    same = events.get(d.sentence)
    if same:
        return min(same, key=lambda t: _distance(t.span or (0, 0), d.span))
    prev = d.sentence - 1
    if prev >= 0 and geo.sentence_paragraph(prev) == geo.sentence_paragraph(d.sentence):
        before = events.get(prev)
        if before:
            return before[-1]
    return None


def _attribution_for(
    d: CasualtyDraft, links: Sequence[AttributionLink], geo: TextGeometry
) -> int | None:
    holding = [
        (link.claim[1] - link.claim[0], i)
        for i, link in enumerate(links)
        if link.claim is not None and link.claim[0] <= d.span[0] and d.span[1] <= link.claim[1]
    ]
    if holding:
        return min(holding)[1]
    same = [i for i, link in enumerate(links) if link.sentence == d.sentence]
    if same:
        return min(same, key=lambda i: _distance(links[i].span, d.span))
    prev = d.sentence - 1
    if prev >= 0 and geo.sentence_paragraph(prev) == geo.sentence_paragraph(d.sentence):
        before = [i for i, link in enumerate(links) if link.sentence == prev]
        if before:
            return before[-1]
    return None
