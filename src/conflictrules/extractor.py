"""The Extractor: built once (grammars compiled and cached), then run on many documents.

Pipeline: text -> sentences -> normalised sentence -> prefiltered rules -> overlap
resolution per layer -> semantics per layer (casualties, actors, time, attribution) ->
linking -> totals -> Document. A document never raises: problems go to ``errors``.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from conflictrules.engine.matching import Budget, BudgetExceeded, Match, RuleSet, resolve_overlaps
from conflictrules.engine.normalise import Normalised
from conflictrules.engine.sentences import split_sentences
from conflictrules.grammar.loader import Grammar, PackInfo, load_packs
from conflictrules.model import Casualty, Document
from conflictrules.packs import resolve_packs
from conflictrules.semantics import linking
from conflictrules.semantics.casualties import CasualtyDraft, casualties_from
from conflictrules.semantics.totals import incident_totals

LAYERS = ("casualty", "actor", "time", "attribution")
MAX_DOCUMENT_CHARS = 20_000_000
DEFAULT_BUDGET_SECONDS = 20.0


def _fingerprint(packs: Sequence[PackInfo]) -> tuple[tuple[str, float, int], ...]:
    out = []
    for p in packs:
        for root, _dirs, files in os.walk(p.path):
            for f in sorted(files):
                if f.endswith((".rules", ".tsv", ".cfg")):
                    full = os.path.join(root, f)
                    st = os.stat(full)
                    out.append((full, st.st_mtime, st.st_size))
    return tuple(sorted(out))


@functools.lru_cache(maxsize=16)
def _load_cached(packs: tuple[PackInfo, ...], fingerprint: tuple[Any, ...]) -> Grammar:
    return load_packs(packs)


def load_grammar(
    grammars: Sequence[str | os.PathLike[str]] = (), *, plugins: bool = True, default: bool = True
) -> Grammar:
    """Compile the packs (cached per process while their files are unchanged)."""
    packs = tuple(resolve_packs(list(grammars), plugins=plugins, default=default))
    return _load_cached(packs, _fingerprint(packs))


def _as_date(published: str | datetime.date | None) -> datetime.date | None:
    if published is None or published == "":
        return None
    if isinstance(published, datetime.datetime):
        return published.date()
    if isinstance(published, datetime.date):
        return published
    return datetime.date.fromisoformat(str(published)[:10])


class Extractor:
    """Compiled grammars plus settings; thread-safe and picklable (rebuilt per process)."""

    def __init__(
        self,
        grammars: Sequence[str | os.PathLike[str]] = (),
        *,
        vague: Mapping[str, int] | None = None,
        plugins: bool = True,
        default: bool = True,
        budget_seconds: float | None = DEFAULT_BUDGET_SECONDS,
    ) -> None:
        self._config = (
            tuple(os.fspath(g) for g in grammars),
            dict(vague or {}) or None,
            plugins,
            default,
            budget_seconds,
        )
        self.grammar = load_grammar(self._config[0], plugins=plugins, default=default)
        self.vague = self._config[1]
        self.budget_seconds = budget_seconds
        self.rulesets = {layer: RuleSet(self.grammar.layer(layer)) for layer in LAYERS}

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self._config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a worker rebuilds the grammar from its packs (compiled once per process, cached)
        grammars, vague, plugins, default, budget = state["config"]
        fresh = Extractor(
            grammars, vague=vague, plugins=plugins, default=default, budget_seconds=budget
        )
        self._config = fresh._config
        self.grammar = fresh.grammar
        self.vague = fresh.vague
        self.budget_seconds = fresh.budget_seconds
        self.rulesets = fresh.rulesets

    @property
    def packs(self) -> tuple[PackInfo, ...]:
        return self.grammar.packs

    # -- matching ---------------------------------------------------------------------

    def match(
        self, text: str, layers: Iterable[str] = LAYERS, budget: Budget | None = None
    ) -> list[Match]:
        """Every resolved rule match of the given layers, in text order."""
        budget = budget or Budget(self.budget_seconds)
        sets = [
            self.rulesets[layer] if layer in self.rulesets else RuleSet(self.grammar.layer(layer))
            for layer in layers
        ]
        found: list[Match] = []
        for i, (start, end) in enumerate(split_sentences(text)):
            norm = Normalised(text[start:end], base=start)
            for rs in sets:
                found.extend(rs.run(norm, text, i, budget))
        return resolve_overlaps(found)

    # -- extraction -------------------------------------------------------------------

    def extract(
        self, text: str, published: str | datetime.date | None = None, id: str | None = None
    ) -> Document:
        errors: list[str] = []
        pub_text: str | None = None
        pub_date: datetime.date | None = None
        try:
            pub_date = _as_date(published)
            pub_text = pub_date.isoformat() if pub_date else None
        except (ValueError, TypeError):
            errors.append(
                f"published: {published!r} is not a date (use YYYY-MM-DD); "
                "relative times are left unresolved"
            )
            pub_text = str(published)
        if not isinstance(text, str):
            errors.append(f"text: expected a string, got {type(text).__name__}")
            return Document(id, pub_text, errors=tuple(errors))
        if len(text) > MAX_DOCUMENT_CHARS:
            errors.append(
                f"text: {len(text):,} characters is over the limit of "
                f"{MAX_DOCUMENT_CHARS:,}; only the first {MAX_DOCUMENT_CHARS:,} "
                "were read"
            )
            text = text[:MAX_DOCUMENT_CHARS]
        try:
            matches = self.match(text)
        except BudgetExceeded:
            errors.append(
                f"time budget of {self.budget_seconds} s exceeded: the document "
                "was not fully read (a rule may backtrack badly; see docs/limits.md)"
            )
            return Document(id, pub_text, errors=tuple(errors))
        try:
            return self._build(text, matches, id, pub_text, pub_date, errors)
        except Exception as exc:  # a bug must not lose the document
            errors.append(f"internal error: {type(exc).__name__}: {exc}")
            return Document(id, pub_text, errors=tuple(errors))

    def _build(
        self,
        text: str,
        matches: list[Match],
        id: str | None,
        pub_text: str | None,
        pub_date: datetime.date | None,
        errors: list[str],
    ) -> Document:
        drafts: list[CasualtyDraft] = []
        for m in matches:
            if m.rule.layer == "casualty":
                drafts.extend(casualties_from(m, self.vague))
        actors, mentions = linking.actors_from(text, matches, self.grammar)
        attributions, claims = linking.attributions_from(text, matches, mentions)
        times = linking.times_from(matches, pub_date)
        casualties: list[Casualty] = linking.link_casualties(
            text, drafts, mentions, times, attributions, claims
        )
        return Document(
            id,
            pub_text,
            tuple(casualties),
            tuple(actors),
            tuple(attributions),
            incident_totals(casualties),
            tuple(errors),
        )

    def extract_many(self, items: Iterable[str | Mapping[str, Any]]) -> Iterator[Document]:
        """Stream documents in input order: strings, or mappings with text/id/published."""
        for item in items:
            if isinstance(item, str):
                yield self.extract(item)
            elif isinstance(item, Mapping):
                text = item.get("text")
                ident = item.get("id")
                doc = self.extract(
                    text if isinstance(text, str) else "",
                    item.get("published"),
                    None if ident is None else str(ident),
                )
                if not isinstance(text, str):
                    doc = attrs.evolve(doc, errors=(*doc.errors, "record has no 'text' string"))
                yield doc
            else:
                yield Document(
                    None,
                    None,
                    errors=(f"expected a string or a mapping, got {type(item).__name__}",),
                )


@functools.lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    return Extractor()
