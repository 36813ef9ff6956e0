"""Word lists and gazetteers: tab-separated data files turned into regex named lists."""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from conflictrules.grammar.errors import GrammarError, Location

GAZETTEER_COLUMNS = ("id", "name", "type", "country", "aliases", "adjectives", "metonyms")
_SPACES = re.compile(r"[\s\-‐‑–]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def normalise_form(form: str, case_sensitive: bool) -> str:
    """The key under which a form (or a matched text) is looked up."""
    key = _SPACES.sub(" ", form.translate(_QUOTES)).strip()
    return key if case_sensitive else key.lower()


def surface_variants(form: str) -> set[str]:
    """The spellings one form matches: as written, and hyphen/space variants."""
    form = form.translate(_QUOTES).strip()
    out = {form, re.sub(r"\s*-\s*", " ", form)}
    if form.count(" ") == 1:
        out.add(form.replace(" ", "-"))
    return {v for v in out if v}


@attrs.frozen(slots=True)
class WordList:
    """A named list: surface forms, each carrying the values of its row."""

    name: str
    path: str
    case_sensitive: bool
    rows: Mapping[str, Mapping[str, str]]  # normalised form -> row values
    forms: frozenset[str]  # every surface spelling the regex should match

    def lookup(self, text: str) -> Mapping[str, str] | None:
        return self.rows.get(normalise_form(text, self.case_sensitive))

    def first_words(self) -> set[str]:
        """Lower-cased first words of every form (the prefilter's trigger words)."""
        out = set()
        for form in self.forms:
            m = re.match(r"\w+", form.lower())
            if m:
                out.add(m.group())
        return out


def _read_tsv(path: str, loc: Location) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise GrammarError(
            f"word list file not found: {path}",
            loc,
            "the path is relative to the rule file's folder",
        ) from None
    except UnicodeDecodeError as exc:
        raise GrammarError(f"{path} is not UTF-8 (byte {exc.start})", loc) from None
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            continue
        if len(cells) > len(header):
            raise GrammarError(
                f"{len(cells)} columns where the header has {len(header)}",
                Location(path, n, 1, line),
            )
        rows.append((n, cells + [""] * (len(header) - len(cells))))
    if header is None:
        raise GrammarError(f"{path} has no header line", Location(path, 1, 1))
    return header, rows


def load_list(
    name: str,
    path: str,
    loc: Location,
    *,
    case_sensitive: bool = False,
    where: tuple[str, str] | None = None,
) -> WordList:
    header, rows = _read_tsv(path, loc)
    if header[0] != "form":
        raise GrammarError(
            f"the first column of a word list must be 'form', not {header[0]!r}",
            Location(path, 1, 1),
        )
    if where is not None and where[0] not in header:
        raise GrammarError(f"no column {where[0]!r} in {path} (columns: {', '.join(header)})", loc)
    table: dict[str, Mapping[str, str]] = {}
    forms: set[str] = set()
    for _n, cells in rows:
        values = dict(zip(header[1:], cells[1:], strict=True))
        if where is not None and values.get(where[0]) != where[1]:
            continue
        form = cells[0]
        if not form:
            continue
        for variant in surface_variants(form):
            forms.add(variant)
            table.setdefault(normalise_form(variant, case_sensitive), values)
    return WordList(name, path, case_sensitive, table, frozenset(forms))


def load_gazetteer(
    name: str, path: str, loc: Location, extra_rows: list[dict[str, str]] | None = None
) -> WordList:
    """A gazetteer in the actors format: every name, alias, adjective and metonym is a form.

    Row values: id, name, type, country, and ``kind`` (name, alias, adjective, metonym).
    Matching is case-sensitive: "IS" the group is not "is" the verb.
    """
    header, rows = _read_tsv(path, loc)
    missing = [c for c in GAZETTEER_COLUMNS if c not in header]
    if missing:
        raise GrammarError(
            f"gazetteer {path} lacks columns: {', '.join(missing)}",
            Location(path, 1, 1),
            "header: " + "\t".join(GAZETTEER_COLUMNS),
        )
    records = [dict(zip(header, cells, strict=True)) for _n, cells in rows]
    records.extend(extra_rows or [])
    return gazetteer_from_records(name, path, records)


def gazetteer_from_records(name: str, path: str, records: list[dict[str, str]]) -> WordList:
    by_id: dict[str, dict[str, str]] = {}
    for rec in records:  # a later row with the same id replaces the earlier one
        by_id[rec["id"]] = rec
    table: dict[str, Mapping[str, str]] = {}
    forms: set[str] = set()
    kinds = (
        ("name", "name"),
        ("aliases", "alias"),
        ("adjectives", "adjective"),
        ("metonyms", "metonym"),
    )
    for rec in by_id.values():
        for column, kind in kinds:
            for form in (rec.get(column) or "").split("|"):
                form = form.strip()
                if not form:
                    continue
                values = {
                    "id": rec["id"],
                    "name": rec["name"],
                    "type": rec["type"],
                    "country": rec.get("country", ""),
                    "kind": kind,
                }
                for variant in surface_variants(form):
                    key = normalise_form(variant, True)
                    if key in table and table[key]["id"] != rec["id"]:
                        continue  # first come wins; the data test reports collisions
                    forms.add(variant)
                    table[key] = values
    return WordList(name, path, True, table, frozenset(forms))
