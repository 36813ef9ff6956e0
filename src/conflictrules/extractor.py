"""The Extractor: built once (grammars compiled and cached), then run on many documents.

Pipeline: text -> sentences -> normalised sentence -> prefiltered rules -> overlap
resolution per layer -> semantics per layer (casualties, actors, time, attribution) ->
linking -> totals -> Document. A document never raises: problems go to ``errors``.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import regex

from conflictrules.engine.matching import (
    Budget,
    BudgetExceeded,
    Match,
    RuleSet,
    Sentence,
    resolve_overlaps,
)
from conflictrules.engine.normalise import Normalised
from conflictrules.engine.sentences import split_sentences
from conflictrules.grammar import saved
from conflictrules.grammar.compiler import ProgramStore, using_store
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


def cache_dir() -> str | None:
    """Where compiled grammars are kept across runs: ``$CONFLICTRULES_CACHE_DIR`` (empty,
    ``0`` or ``off`` turns the cache off), else ``$XDG_CACHE_HOME/conflictrules``, else
    ``~/.cache/conflictrules`` (``%LOCALAPPDATA%`` on Windows)."""
    env = os.environ.get("CONFLICTRULES_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "none") else env
    base = os.environ.get("XDG_CACHE_HOME")
    if not base and sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "conflictrules")


def _store_path(packs: Sequence[PackInfo]) -> str | None:
    """The compiled-pattern file of this set of packs (named after their folders; what it
    holds is keyed by each pattern's own source, so an edited grammar reuses the patterns
    of every rule it did not change)."""
    folder = cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256(f"{_CACHE_FORMAT}|{regex.__version__}|{sys.version_info[:2]}".encode())
    for p in packs:
        h.update(b"\x00" + p.name.encode() + b"\x00" + os.fsencode(os.path.abspath(p.path)))
    return os.path.join(folder, h.hexdigest()[:32] + ".programs")


_CACHE_FORMAT = 1
_CACHE_KEEP = 16  # pack sets kept on disk (the least recently written go first)


def _read_store(path: str | None) -> ProgramStore:
    """The store saved at ``path``, which looks into the other stores of the cache folder
    (most recent first) for a program it lacks."""
    if path is None:
        return ProgramStore()

    def others() -> Iterator[Mapping[str, tuple[Any, ...]]]:
        try:
            entries = [
                e
                for e in os.scandir(os.path.dirname(path))
                if e.name.endswith(".programs") and e.path != path
            ]
            entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        except OSError:
            return
        for entry in entries:
            try:
                with open(entry.path, "rb") as f:
                    yield ProgramStore.loads(f.read()).programs
            except OSError:
                continue

    try:
        with open(path, "rb") as f:
            return ProgramStore.loads(f.read(), others)
    except OSError:
        return ProgramStore(more=others)


def _write_store(path: str | None, store: ProgramStore) -> None:
    """Save the store (the programs this build used) atomically; a cache that cannot be
    written is no error."""
    if path is None or not (store.changed or store.unused):
        return
    folder = os.path.dirname(path)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(store.dumps(used_only=True))
        os.replace(tmp, path)
        entries = sorted(
            (e for e in os.scandir(folder) if e.name.endswith(".programs")),
            key=lambda e: e.stat().st_mtime,
        )
        for old in entries[:-_CACHE_KEEP]:
            os.remove(old.path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(tmp)


@functools.lru_cache(maxsize=16)
def _load_cached(packs: tuple[PackInfo, ...], fingerprint: tuple[Any, ...]) -> Grammar:
    path = _store_path(packs)
    store = _read_store(path)
    folder = cache_dir()
    whole = saved.saved_path(folder, packs) if folder is not None else None
    if whole is not None:
        with using_store(store):
            found = saved.read(whole)
        if found is not None:
            _write_store(path, store)
            return found
    with using_store(store):
        grammar = load_packs(packs)
    _write_store(path, store)
    if whole is not None:
        saved.write(whole, grammar)
    return grammar


def load_grammar(
    grammars: Sequence[str | os.PathLike[str]] = (), *, plugins: bool = True, default: bool = True
) -> Grammar:
    """Compile the packs: once per process while their files are unchanged, and from the
    compiled patterns kept in :func:`cache_dir` when this grammar was compiled before."""
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
        return self._match(text, split_sentences(text), layers, budget)

    def _match(
        self,
        text: str,
        sentences: Sequence[tuple[int, int]],
        layers: Iterable[str] = LAYERS,
        budget: Budget | None = None,
    ) -> list[Match]:
        """``match`` on the sentences of ``text`` already found."""
        budget = budget or Budget(self.budget_seconds)
        sets = [
            self.rulesets[layer] if layer in self.rulesets else RuleSet(self.grammar.layer(layer))
            for layer in layers
        ]
        found: list[Match] = []
        for i, (start, end) in enumerate(sentences):
            norm = Normalised(text[start:end], base=start)
            sentence = Sentence(norm.text)  # read once, for every layer
            for rs in sets:
                found.extend(rs.run(norm, text, i, budget, prepared=sentence))
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
        sentences = split_sentences(text)  # read once, for matching and for linking
        try:
            matches = self._match(text, sentences)
        except BudgetExceeded:
            errors.append(
                f"time budget of {self.budget_seconds} s exceeded: the document "
                "was not fully read (a rule may backtrack badly; see docs/limits.md)"
            )
            return Document(id, pub_text, errors=tuple(errors))
        try:
            return self._build(text, sentences, matches, id, pub_text, pub_date, errors)
        except Exception as exc:  # a bug must not lose the document
            errors.append(f"internal error: {type(exc).__name__}: {exc}")
            return Document(id, pub_text, errors=tuple(errors))

    def _build(
        self,
        text: str,
        sentences: Sequence[tuple[int, int]],
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
        geometry = linking.TextGeometry(text, sentences)
        attributions, claims = linking.attributions_from(text, matches, mentions, geometry)
        times = linking.times_from(matches, pub_date)
        casualties: list[Casualty] = linking.link_casualties(
            text, drafts, mentions, times, attributions, claims, geometry
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
