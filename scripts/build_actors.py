"""Build ``grammars/default/actors.tsv``, the default actor gazetteer of conflictrules.

Usage (from the repository root, with the development tools installed)::

    python scripts/build_actors.py            # regenerate grammars/default/actors.tsv
    python scripts/build_actors.py --check    # validate, and fail if the shipped file is stale

Where the data comes from
-------------------------

* State ids and names: ``pycountry`` (ISO 3166-1). The script writes one row for each of
  the 193 UN member states listed in ``UN_MEMBERS`` below, plus Palestine (PSE), Taiwan
  (TWN), the Holy See (VAT) and Western Sahara (ESH). Kosovo (XKX, a user-assigned code
  that ISO 3166-1 lacks) comes from the ``KOSOVO`` table below.
* Demonyms (the ``adjectives`` column), capitals (the ``metonyms`` column), the common
  English short name and English formal names: ``countryinfo`` (PyPI, MIT licence; its
  README says its data is "sourced primarily from Wikipedia").
* ``STATES`` below, written by hand from general knowledge, corrects and completes the two
  packages: noun demonyms replaced by adjectives ("Icelander" -> "Icelandic"), short forms
  and acronyms used in news ("US", "U.S.", "DRC", "UAE"), named state organs and forces
  that resolve to their state (the contract: "RUS for Russian aircraft and Russia's defense
  ministry"; so "IDF" is ISR, "Sudanese Armed Forces" SDN, "IRGC" IRN), seats of
  government used as metonyms ("Kremlin", "White House"), and forms removed because they
  are ambiguous or wrong (Jerusalem as Israel's metonym, "Congolese" for the Republic of
  the Congo, "Victoria" for Seychelles...).
* Every non-state row (international organisations, NGOs, media, armed and political
  groups, populations) is hand-curated in ``scripts/actors_curated.tsv``, which this
  script reads and merges, so that regenerating never loses it.

Derived variants: for every form written with a plain apostrophe the script adds the
typographic one ("Hay'at" -> "Hay’at"), and for every form with accented Latin letters
the unaccented spelling ("Médecins" -> "Medecins") unless it would be ambiguous
(``NO_FOLD``).

Checks (run on every build, and with ``--check``): the header; unique ids; known types;
ISO 3166-1 alpha-3 country codes (pycountry, plus XKX); non-empty names; forms free of tabs,
pipes and outer spaces; no non-state id that is also a country code; the 193 UN members
present; and no form shared by two rows (the collisions are printed; every deliberate
resolution is written in the data, see docs/actors.md).

The output is deterministic: state rows sorted by id, then the other rows by type (in the
contract's order) and id; the pycountry and countryinfo versions are recorded in a
comment. pycountry and countryinfo are development tools only; the library reads the
generated TSV and never imports them.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "scripts" / "actors_curated.tsv"
OUTPUT = ROOT / "grammars" / "default" / "actors.tsv"

HEADER = ("id", "name", "type", "country", "aliases", "adjectives", "metonyms")
TYPES = ("state", "armed_group", "igo", "ngo", "media", "political", "population", "other")
EXTRA_CODES = {"XKX"}  # user-assigned codes accepted as countries besides ISO 3166-1
ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9_]*$")

# The 193 member states of the United Nations (ISO 3166-1 alpha-3).
_UN_MEMBERS_TEXT = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA
BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK
COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD
GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ
LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE
MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT
QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF
SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR TZA
USA URY UZB VUT VEN VNM YEM ZMB ZWE
"""
UN_MEMBERS = _UN_MEMBERS_TEXT.split()
# Observers and other states or territories whose actors appear in conflict news.
OTHER_STATES = ["PSE", "TWN", "VAT", "ESH"]

# Kosovo is not in ISO 3166-1; XKX is the code used by the EU, the IMF and others.
KOSOVO: dict[str, str] = {
    "name": "Kosovo",
    "aliases": "Kosovo|Republic of Kosovo",
    "adjectives": "Kosovar|Kosovan",
    "metonyms": "Pristina|Prishtina|Priština",
}

# Hand-written corrections and additions, keyed by alpha-3. Keys:
#   name        canonical name (default: pycountry's common name, else its name)
#   aliases     forms added to the aliases
#   adjectives  forms added to the adjectives; "adjectives!" replaces countryinfo's demonym
#   metonyms    forms added to the metonyms; "metonyms!" replaces countryinfo's capital
#   drop        forms removed from what the packages give (before the additions)
STATES: dict[str, dict[str, str]] = {
    "AFG": {
        "aliases": "ANDSF|Afghan National Defence and Security Forces"
        "|Afghan National Defense and Security Forces",
    },
    "ARE": {"aliases": "UAE|U.A.E.|Emirates", "adjectives": "UAE"},
    "ARG": {"adjectives": "Argentine|Argentinian"},
    # St John's and St George's also name churches, hospitals and schools everywhere.
    "ATG": {"metonyms!": ""},
    "AUS": {"aliases": "Australian Defence Force"},
    "AZE": {"adjectives": "Azeri"},
    "BDI": {"metonyms": "Gitega"},
    "BEL": {"drop": "Brussels"},  # "Brussels" stands for the EU in news: a metonym of EU
    "BEN": {"metonyms": "Cotonou"},
    "BFA": {"aliases": "Burkina", "adjectives": "Burkinabè"},
    "BIH": {"aliases": "Bosnia|Bosnia-Herzegovina"},
    "BOL": {"metonyms": "La Paz"},
    "BRB": {"adjectives": "Bajan"},
    "BRN": {"name": "Brunei"},
    "BWA": {"adjectives": "Botswanan|Batswana"},
    "CAF": {"aliases": "CAR"},
    "CHE": {"metonyms": "Berne"},
    "CHN": {
        "aliases": "PRC|People's Liberation Army|PLA|Chinese People's Liberation Army",
        "metonyms": "Zhongnanhai",
    },
    "CIV": {"aliases": "Ivory Coast", "metonyms": "Abidjan"},
    "COD": {
        "name": "Democratic Republic of the Congo",
        "aliases": "DR Congo|DRC|D.R. Congo|DR of Congo|Democratic Republic of Congo"
        "|Democratic Republic of the Congo|Congo-Kinshasa|Congo|FARDC"
        "|Armed Forces of the Democratic Republic of the Congo",
        "adjectives": "DRC",
    },
    "COG": {
        # "Congo" and "Congolese" go to the much more frequently reported DR Congo.
        "name": "Republic of the Congo",
        "aliases": "Republic of Congo|Congo-Brazzaville|Congo Republic",
        "drop": "Congo|Congolese",
        "adjectives!": "Congo-Brazzaville",
    },
    "COM": {"adjectives": "Comorian"},
    "CPV": {"aliases": "Cape Verde", "adjectives!": "Cape Verdean|Cabo Verdean"},
    "DJI": {"adjectives!": "Djiboutian"},
    # "Dominican" goes to the Dominican Republic; Dominica keeps the attributive noun.
    "DMA": {"adjectives!": "Dominica"},
    "ECU": {"adjectives": "Ecuadorian"},
    "ESH": {
        "aliases": "Sahrawi Arab Democratic Republic|SADR",
        "adjectives": "Saharawi",
        "metonyms!": "",  # El Aaiún/Laayoune is administered by Morocco
    },
    "ETH": {
        "aliases": "ENDF|Ethiopian National Defense Force|Ethiopian National Defence Force",
    },
    "FRA": {"metonyms": "Élysée|Élysée Palace|Elysee Palace|Quai d'Orsay"},
    "FSM": {"name": "Micronesia"},
    "GBR": {
        "aliases": "UK|U.K.|Britain|Great Britain|Northern Ireland|MI6",
        "adjectives": "UK|U.K.",
        "metonyms": "Downing Street|Whitehall",
    },
    "GIN": {"aliases": "Guinea-Conakry"},
    "GRD": {"metonyms!": ""},
    "GNB": {"adjectives!": "Bissau-Guinean"},
    "GNQ": {"adjectives": "Equatoguinean"},
    "IDN": {"aliases": "TNI|Indonesian National Armed Forces"},
    "IND": {"aliases": "CRPF|Central Reserve Police Force|BSF|Border Security Force"},
    "IRN": {
        "aliases": "IRGC|Islamic Revolutionary Guard Corps|Islamic Revolutionary Guards Corps"
        "|Revolutionary Guards|Revolutionary Guard|Revolutionary Guard Corps|Quds Force"
        "|IRGC-QF|Basij|Guardian Council|Guardians Council",
        "metonyms": "Teheran",
    },
    "ISL": {"adjectives!": "Icelandic"},
    "ISR": {
        "aliases": "IDF|Israel Defense Forces|Israel Defence Forces|Israeli Defense Forces"
        "|Israeli Defence Forces|Shin Bet|Shabak|Mossad|Israel Police|Israel Prison Service",
        "metonyms!": "",  # Jerusalem and Tel Aviv: contested or not the seat; omitted
    },
    "KAZ": {"adjectives": "Kazakh", "metonyms!": "Astana|Nur-Sultan"},
    "KEN": {"aliases": "KDF|Kenya Defence Forces"},
    "KGZ": {"adjectives!": "Kyrgyz|Kyrgyzstani"},
    "KNA": {
        "aliases": "St Kitts and Nevis|St. Kitts and Nevis",
        "adjectives!": "Kittitian|Nevisian",
    },
    "KOR": {
        "aliases": "Republic of Korea|ROK",
        "adjectives": "ROK",
        "metonyms": "Blue House",
    },
    "LAO": {"adjectives": "Lao"},
    "LBN": {"aliases": "Lebanese Armed Forces|LAF"},
    "LBY": {"aliases": "Government of National Accord|GNA"},
    "LCA": {"aliases": "St Lucia|St. Lucia"},
    "LIE": {"adjectives!": "Liechtenstein"},
    "LKA": {"metonyms": "Sri Jayawardenepura Kotte"},
    "LSO": {"adjectives": "Basotho"},
    "LUX": {"adjectives!": "Luxembourgish"},
    "MCO": {"adjectives": "Monégasque"},
    "MDV": {"adjectives!": "Maldivian"},
    "MKD": {
        "aliases": "Republic of Macedonia|Republic of North Macedonia",
        "adjectives": "North Macedonian",
    },
    "MLI": {"aliases": "FAMa|Malian Armed Forces"},
    "MMR": {
        "aliases": "Burma|Tatmadaw|State Administration Council|SAC",
        "adjectives": "Myanmar",
        "metonyms!": "Naypyidaw|Naypyitaw|Nay Pyi Taw",
    },
    "MYS": {"metonyms": "Putrajaya"},
    "NLD": {"aliases": "Holland"},
    "NPL": {"adjectives": "Nepali"},
    "NZL": {"adjectives!": "New Zealand"},
    "PAK": {"aliases": "ISI|Inter-Services Intelligence|ISPR|Inter-Services Public Relations"},
    "PHL": {"aliases": "Armed Forces of the Philippines", "adjectives": "Philippine"},
    "PNG": {"aliases": "PNG"},
    "PRK": {
        "aliases": "DPRK|KPA|Korean People's Army",
        "adjectives": "DPRK",
    },
    "PSE": {
        "name": "Palestine",
        "aliases": "State of Palestine|Palestinian Authority|Palestinian National Authority",
    },
    "RUS": {
        "name": "Russia",
        "aliases": "FSB|GRU|SVR|Rosgvardia",
        "metonyms": "Kremlin",
    },
    "RWA": {"aliases": "Rwanda Defence Force|RDF", "adjectives": "Rwandese"},
    "SAU": {"aliases": "KSA", "adjectives": "Saudi"},
    "SDN": {"aliases": "Sudanese Armed Forces|SAF", "metonyms": "Port Sudan"},
    "SLB": {"adjectives!": "Solomon Islands|Solomon Island"},
    "SLV": {"adjectives": "Salvadorean"},
    "SOM": {
        "aliases": "Somali National Army|Federal Government of Somalia",
        "metonyms": "Villa Somalia",
    },
    "SSD": {
        "aliases": "SSPDF|South Sudan People's Defence Forces|South Sudan People's Defense Forces"
        "|SPLA|Sudan People's Liberation Army",
    },
    "STP": {"adjectives": "Santomean"},
    "SUR": {"adjectives!": "Surinamese"},
    "SVK": {"adjectives": "Slovakian"},
    "SVN": {"adjectives": "Slovenian"},
    "SWZ": {"metonyms": "Mbabane"},
    "SYC": {"metonyms!": ""},  # Victoria: far more often a person, a state or a lake
    "SYR": {"aliases": "Syrian Arab Army|SAA"},
    "TCD": {"metonyms": "Ndjamena"},
    "TJK": {"adjectives!": "Tajik|Tajikistani"},
    "TLS": {"adjectives": "Timorese"},
    "TTO": {"adjectives": "Tobagonian"},
    "TUR": {"aliases": "Turkey|Republic of Türkiye|Republic of Turkey"},
    "TWN": {"aliases": "Republic of China"},
    "UGA": {"aliases": "UPDF|Uganda People's Defence Force|Uganda People's Defence Forces"},
    "UKR": {
        "aliases": "Armed Forces of Ukraine|AFU|ZSU|SBU|Security Service of Ukraine|HUR|GUR"
        "|Azov Brigade|Azov Regiment|Azov Battalion",
        "metonyms": "Kiev|Bankova",
    },
    "USA": {
        "aliases": "US|U.S.|USA|U.S.A.|America|United States of America|CIA|CENTCOM"
        "|Central Command|US Central Command|U.S. Central Command|AFRICOM"
        "|US Africa Command|U.S. Africa Command|Africa Command|EUCOM|INDOPACOM",
        "adjectives": "US|U.S.",
        "metonyms": "Washington|Washington, D.C.|White House|Pentagon|State Department"
        "|US State Department|U.S. State Department",
    },
    "UZB": {"adjectives": "Uzbek"},
    "VAT": {
        "name": "Holy See",
        "aliases": "Vatican|Vatican City|Vatican City State|Holy See",
        "adjectives!": "Vatican",
        "metonyms!": "",
    },
    "VCT": {
        "aliases": "St Vincent and the Grenadines|St. Vincent and the Grenadines",
        "adjectives": "Vincentian",
    },
    "YEM": {
        "aliases": "Presidential Leadership Council",
        "metonyms!": "",  # Sanaa is held by the Houthis, Aden by the government's rivals
    },
}

# Ambiguous forms and how the data resolves them: the named actor is the only one to carry
# the form; None means no actor carries it. The build fails if the data drifts from these
# decisions (docs/actors.md explains them).
RESOLVED: dict[str, str | None] = {
    "IS": "ISIS",  # not Iceland (whose ISO alpha-2 code it is)
    "AA": "AA",  # Arakan Army, not Anadolu Agency
    "RSF": "RSF",  # Rapid Support Forces, not Reporters Without Borders (RWB)
    "SNA": "SNA",  # Syrian National Army; the Somali National Army only spelled out (SOM)
    "ADF": "ADF",  # Allied Democratic Forces, not the Australian or Ambazonia Defence Forces
    "AFP": "AFP",  # Agence France-Presse, not the Armed Forces of the Philippines
    "SAF": "SDN",  # Sudanese Armed Forces, not the Singapore Armed Forces
    "NPA": "NPA",  # New People's Army, not Norwegian People's Aid
    "CPC": "CPC",  # Coalition of Patriots for Change, not the Communist Party of China
    "ISI": "PAK",  # Inter-Services Intelligence, not the Islamic State of Iraq (2006-2013)
    "JEM": "JEM_SDN",  # Justice and Equality Movement (Sudan) ...
    "JeM": "JEM",  # ... and Jaish-e-Mohammed: told apart by case only
    "Congo": "COD",  # not the Republic of the Congo (Congo-Brazzaville)
    "Congolese": "COD",
    "Dominican": "DOM",  # not Dominica
    "Palestinian": "PSE",  # the population row is "Palestinians"
    "Brussels": "EU",  # not Belgium
    "Islamic Jihad": "PIJ",
    "PA": None,  # Palestinian Authority or Press Association: spelled out only
    "PTI": None,  # Press Trust of India or Pakistan Tehreek-e-Insaf
    "HM": None,  # Hizbul Mujahideen or His/Her Majesty
    "MENA": None,  # Middle East News Agency or the region
    "MAP": None,
    "TAP": None,
    "CNA": None,  # Chin National Army or Channel NewsAsia
    "ISS": None,
    "PLC": None,
    "GNU": None,
    "Korea": None,
    "Korean": None,
    "Macedonia": None,
    "Jerusalem": None,  # contested as Israel's metonym
    "Tel Aviv": None,
    "Sana'a": None,  # held by the Houthis: not a metonym of Yemen's government
    "Sanaa": None,
    "Aden": None,
    "Victoria": None,
    "Memorial": None,
    "Mehr": None,
    "Saba": None,
    "Ma'an": None,
    "Hawar": None,
    "Hashed": None,
    "Serb": None,
}

# Accented forms whose unaccented spelling means something else.
NO_FOLD = {"Malé", "San José"}

# Words that make an alternative spelling from countryinfo an English formal name.
_FORMAL = re.compile(
    r"\b(Republic|Kingdom|State|States|Federation|Commonwealth|Principality|Union"
    r"|Sultanate|Confederation|Duchy|Emirates|Islands|Nation)\b"
)
_ENGLISH_CHARS = re.compile(r"[A-Za-z][A-Za-z'ô .\-]*")
_NOT_ENGLISH = re.compile(r"\b(des|de|du|del|da|do|la|le|di)\b")


@dataclass
class Row:
    id: str
    name: str
    type: str
    country: str
    aliases: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    line: int = 0

    def forms(self) -> list[str]:
        return [*self.aliases, *self.adjectives, *self.metonyms]


def split_forms(text: str) -> list[str]:
    return [f for f in (part.strip() for part in text.split("|")) if f]


def unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def strip_article(form: str) -> str:
    for article in ("The ", "the "):
        if form.startswith(article):
            return form[len(article) :]
    return form


def fold(form: str) -> str:
    """The form without accents on Latin letters (é -> e), other characters kept."""
    decomposed = unicodedata.normalize("NFKD", form)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def with_variants(forms: list[str]) -> list[str]:
    """Forms followed by their typographic-apostrophe and unaccented spellings."""
    out: list[str] = []
    for form in forms:
        form = form.replace("\u2019", "'")
        out.append(form)
    extra: list[str] = []
    for form in out:
        folded = fold(form) if form not in NO_FOLD else form
        if folded != form and folded.isascii():
            extra.append(folded)
    out = unique(out + extra)
    curly = [f.replace("'", "\u2019") for f in out if "'" in f]
    return unique(out + curly)


# ----------------------------------------------------------------------------- reading


def read_tsv(path: Path) -> list[Row]:
    rows: list[Row] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise SystemExit(f"{path}:1: header must be exactly: {chr(9).join(HEADER)!r}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(HEADER):
            raise SystemExit(f"{path}:{number}: {len(cells)} columns, expected {len(HEADER)}")
        rid, name, rtype, country, aliases, adjectives, metonyms = cells
        rows.append(
            Row(
                rid.strip(),
                name.strip(),
                rtype.strip(),
                country.strip(),
                split_forms(aliases),
                split_forms(adjectives),
                split_forms(metonyms),
                number,
            )
        )
    return rows


# ----------------------------------------------------------------------------- states


def _clean_name(text: str | None) -> str | None:
    """A package name usable as a form: no inverted "X, Y of" or parenthesised forms."""
    if not text or "," in text or "(" in text:
        return None
    return strip_article(text.strip())


def _countryinfo_index() -> dict[str, dict[str, Any]]:
    from countryinfo import CountryInfo

    index: dict[str, dict[str, Any]] = {}
    for _key, data in sorted(CountryInfo.all().items()):
        code = (data.get("ISO") or {}).get("alpha3")
        if code and code not in index:
            index[code] = dict(data)
    return index


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def build_state(code: str, ci: dict[str, Any]) -> Row:
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise SystemExit(f"pycountry does not know {code}")
    extra = STATES.get(code, {})
    common = getattr(country, "common_name", None)
    official = getattr(country, "official_name", None)
    name = extra.get("name") or common or country.name
    if _clean_name(name) != name:
        raise SystemExit(f"{code}: canonical name {name!r} needs an override in STATES")

    aliases = [name]
    for candidate in (common, country.name, official, ci.get("name")):
        clean = _clean_name(candidate)
        if clean:
            aliases.append(clean)
    for alt in _as_list(ci.get("altSpellings")):
        alt = alt.strip()
        if _FORMAL.search(alt) and _ENGLISH_CHARS.fullmatch(alt) and not _NOT_ENGLISH.search(alt):
            aliases.append(strip_article(alt))

    adjectives: list[str] = []
    for demonym in _as_list(ci.get("demonym")):
        adjectives.extend(d.strip() for d in re.split(r",| and ", demonym))
    metonyms = [c.strip() for c in _as_list(ci.get("capital"))]

    if "adjectives!" in extra:
        adjectives = []
    if "metonyms!" in extra:
        metonyms = []
    drop = set(split_forms(extra.get("drop", "")))
    aliases = [a for a in aliases if a not in drop]
    adjectives = [a for a in adjectives if a not in drop]
    metonyms = [m for m in metonyms if m not in drop]
    aliases += split_forms(extra.get("aliases", ""))
    adjectives += split_forms(extra.get("adjectives", "") + "|" + extra.get("adjectives!", ""))
    metonyms += split_forms(extra.get("metonyms", "") + "|" + extra.get("metonyms!", ""))
    # A capital spelled like the state itself (Djibouti, Kuwait) adds nothing as a metonym.
    metonyms = [m for m in metonyms if m not in aliases]
    return Row(code, name, "state", code, unique(aliases), unique(adjectives), unique(metonyms))


def build_states() -> list[Row]:
    index = _countryinfo_index()
    rows = [build_state(code, index.get(code, {})) for code in UN_MEMBERS + OTHER_STATES]
    rows.append(
        Row(
            "XKX",
            KOSOVO["name"],
            "state",
            "XKX",
            split_forms(KOSOVO["aliases"]),
            split_forms(KOSOVO["adjectives"]),
            split_forms(KOSOVO["metonyms"]),
        )
    )
    return rows


# ----------------------------------------------------------------------------- checks


def country_codes() -> set[str]:
    import pycountry

    return {c.alpha_3 for c in pycountry.countries} | EXTRA_CODES


def check(rows: list[Row], codes: set[str]) -> tuple[list[str], list[str]]:
    """Problems that fail the build, and notes that are only printed."""
    problems: list[str] = []
    notes: list[str] = []
    seen: dict[str, Row] = {}
    for row in rows:
        where = f"{row.id or '?'} (line {row.line})" if row.line else row.id
        if not ID_RE.match(row.id):
            problems.append(f"{where}: id must be upper-case letters, digits and _")
        if row.id in seen:
            problems.append(f"{where}: duplicate id")
        seen[row.id] = row
        if not row.name:
            problems.append(f"{where}: empty name")
        if row.type not in TYPES:
            problems.append(f"{where}: unknown type {row.type!r}")
        if row.country and row.country not in codes:
            problems.append(f"{where}: unknown country code {row.country!r}")
        if row.type == "state":
            if row.country != row.id:
                problems.append(f"{where}: a state's country is its own id")
            if not row.adjectives:
                problems.append(f"{where}: a state needs at least one adjective")
        elif row.id in codes:
            problems.append(f"{where}: a non-state id must not be a country code")
        if not row.aliases:
            problems.append(f"{where}: no aliases")
        for form in row.forms():
            if form != form.strip() or "\t" in form or "|" in form:
                problems.append(f"{where}: bad form {form!r}")
    missing = [code for code in UN_MEMBERS if code not in seen]
    if len(set(UN_MEMBERS)) != 193 or missing:
        problems.append(f"UN members: {len(set(UN_MEMBERS))} listed, missing rows {missing}")

    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for form in row.forms():
            owners[form].add(row.id)
    for form, owner in RESOLVED.items():
        wanted = {owner} if owner else set()
        if owners.get(form, set()) != wanted:
            problems.append(
                f"form {form!r} is carried by {sorted(owners.get(form, set()))}, "
                f"RESOLVED says {owner}"
            )
    folded_owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for form in row.forms():
            folded_owners[form.casefold()].add(row.id)
    for form, ids in sorted(owners.items()):
        if len(ids) > 1:
            problems.append(f"form {form!r} is shared by {sorted(ids)}")
    for form, ids in sorted(folded_owners.items()):
        if len(ids) > 1 and not any(len(owners[f]) > 1 for f in owners if f.casefold() == form):
            spellings = sorted(
                {f for r in rows if r.id in ids for f in r.forms() if f.casefold() == form}
            )
            notes.append(
                f"case-only difference (kept, matching is case-sensitive): "
                f"{spellings} -> {sorted(ids)}"
            )
    return problems, notes


# ----------------------------------------------------------------------------- output


def finish(row: Row) -> Row:
    row.aliases = with_variants(row.aliases)
    row.adjectives = with_variants(row.adjectives)
    row.metonyms = [m for m in with_variants(row.metonyms) if m not in row.aliases]
    return row


def render(rows: list[Row]) -> str:
    lines = [
        "\t".join(HEADER),
        "# The default actor gazetteer of conflictrules. GENERATED by scripts/build_actors.py",
        f"# from pycountry {version('pycountry')} and countryinfo {version('countryinfo')}"
        " (states) and scripts/actors_curated.tsv (all",
        "# other rows): edit those and re-run; do not edit this file by hand. docs/actors.md",
        "# describes the format and conventions.",
    ]
    current = None
    for row in rows:
        if row.type != current:
            current = row.type
            lines.append(f"# --- {current}")
        lines.append(
            "\t".join(
                [
                    row.id,
                    row.name,
                    row.type,
                    row.country,
                    "|".join(row.aliases),
                    "|".join(row.adjectives),
                    "|".join(row.metonyms),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def build() -> tuple[list[Row], list[str], list[str]]:
    states = build_states()
    curated = read_tsv(CURATED)
    state_ids = {row.id for row in states}
    problems = [
        f"{row.id} (line {row.line}): states are generated; edit STATES in the script instead"
        for row in curated
        if row.type == "state" or row.id in state_ids
    ]
    rows = [finish(row) for row in states + curated]
    order = {t: i for i, t in enumerate(TYPES)}
    rows.sort(key=lambda r: (order.get(r.type, len(order)), r.id))
    more, notes = check(rows, country_codes())
    return rows, problems + more, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; fail if the data is bad or the shipped file is out of date",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    args = parser.parse_args(argv)

    rows, problems, notes = build()
    if not args.quiet:
        for note in notes:
            print("note:", note)
    for problem in problems:
        print("error:", problem, file=sys.stderr)
    if problems:
        return 1
    text = render(rows)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"error: {args.output} is out of date; run scripts/build_actors.py", file=sys.stderr
            )
            return 1
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    if not args.quiet:
        counts: dict[str, int] = defaultdict(int)
        for row in rows:
            counts[row.type] += 1
        summary = ", ".join(f"{t} {counts[t]}" for t in TYPES if counts[t])
        print(f"{len(rows)} rows ({summary})" + ("" if args.check else f" -> {args.output}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
