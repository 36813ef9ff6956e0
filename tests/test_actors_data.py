"""Validate the shipped actor gazetteer, grammars/default/actors.tsv.

These tests read the TSV as data and need neither pycountry nor countryinfo (development
tools of scripts/build_actors.py). Only the last test, which regenerates the whole file,
runs when both are installed in the versions the file was generated with.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACTORS = ROOT / "grammars" / "default" / "actors.tsv"
BUILDER = ROOT / "scripts" / "build_actors.py"

HEADER = "id\tname\ttype\tcountry\taliases\tadjectives\tmetonyms"
TYPES = {"state", "armed_group", "igo", "ngo", "media", "political", "population", "other"}


def _split(cell: str) -> list[str]:
    return [form for form in cell.split("|") if form]


def _load_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    lines = ACTORS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == 7, f"line {number}: {len(cells)} columns"
        rid, name, rtype, country, aliases, adjectives, metonyms = cells
        rows.append(
            {
                "line": number,
                "id": rid,
                "name": name,
                "type": rtype,
                "country": country,
                "aliases": _split(aliases),
                "adjectives": _split(adjectives),
                "metonyms": _split(metonyms),
            }
        )
    return rows


ROWS = _load_rows()
BY_ID = {str(row["id"]): row for row in ROWS}


def _forms(row: dict[str, object], column: str) -> list[str]:
    value = row[column]
    assert isinstance(value, list)
    return [str(v) for v in value]


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_actors", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_actors"] = module
    spec.loader.exec_module(module)
    return module


def test_header_is_exact() -> None:
    first = ACTORS.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == HEADER


def test_file_is_utf8_without_carriage_returns() -> None:
    raw = ACTORS.read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw


def test_ids_are_unique_and_readable() -> None:
    ids = [str(row["id"]) for row in ROWS]
    assert len(ids) == len(set(ids))
    for rid in ids:
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9_]*", rid), rid


def test_types_are_valid() -> None:
    for row in ROWS:
        assert row["type"] in TYPES, row


def test_country_codes_are_three_upper_case_letters() -> None:
    for row in ROWS:
        country = str(row["country"])
        assert country == "" or re.fullmatch(r"[A-Z]{3}", country), row


def test_names_and_aliases_are_present_and_clean() -> None:
    for row in ROWS:
        assert str(row["name"]).strip(), row
        assert _forms(row, "aliases"), row
        for column in ("aliases", "adjectives", "metonyms"):
            forms = _forms(row, column)
            assert len(forms) == len(set(forms)), (row["id"], column)
            for form in forms:
                assert form == form.strip() and "\t" not in form, (row["id"], form)


def test_state_rows() -> None:
    states = [row for row in ROWS if row["type"] == "state"]
    assert len(states) >= 193
    for row in states:
        assert re.fullmatch(r"[A-Z]{3}", str(row["id"])), row
        assert row["country"] == row["id"], row
        assert _forms(row, "adjectives"), f"{row['id']} has no adjective"


def test_every_un_member_and_the_other_states_have_a_row() -> None:
    builder = _builder()
    members = set(builder.UN_MEMBERS)
    assert len(members) == 193
    wanted = members | {"PSE", "XKX", "TWN", "VAT", "ESH"}
    missing = sorted(code for code in wanted if BY_ID.get(code, {}).get("type") != "state")
    assert not missing


def test_non_state_ids_are_not_country_codes() -> None:
    states = {str(row["id"]) for row in ROWS if row["type"] == "state"}
    for row in ROWS:
        if row["type"] != "state":
            assert row["id"] not in states, row


def test_no_form_is_shared_by_two_actors() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for row in ROWS:
        for column in ("aliases", "adjectives", "metonyms"):
            for form in _forms(row, column):
                owners[form].add(str(row["id"]))
    shared = {form: sorted(ids) for form, ids in owners.items() if len(ids) > 1}
    assert not shared


@pytest.mark.parametrize(
    ("rid", "column", "forms"),
    [
        ("ISIS", "aliases", ["Islamic State", "IS", "ISIL", "Daesh", "ISIS"]),
        ("HTS", "aliases", ["Hayat Tahrir al-Sham", "Hay'at Tahrir al-Sham", "HTS"]),
        ("SDF", "aliases", ["Syrian Democratic Forces", "SDF"]),
        ("RUS", "aliases", ["Russia", "Russian Federation"]),
        ("RUS", "adjectives", ["Russian"]),
        ("RUS", "metonyms", ["Moscow", "Kremlin"]),
        ("TUR", "aliases", ["Turkey", "Türkiye"]),
        ("TUR", "adjectives", ["Turkish"]),
        ("TUR", "metonyms", ["Ankara"]),
        ("SYR", "aliases", ["Syria"]),
        ("SYR", "adjectives", ["Syrian"]),
        ("SYR", "metonyms", ["Damascus"]),
        ("UN", "aliases", ["United Nations", "UN", "U.N."]),
        ("AFP", "aliases", ["AFP", "Agence France-Presse", "Agence France Presse"]),
        ("USA", "aliases", ["US", "U.S.", "United States", "America", "USA"]),
        ("USA", "adjectives", ["American", "US", "U.S."]),
        ("USA", "metonyms", ["Washington", "White House", "Pentagon"]),
        ("GBR", "aliases", ["UK", "U.K.", "Britain", "Great Britain"]),
        ("COD", "aliases", ["DR Congo", "DRC", "Democratic Republic of the Congo"]),
        ("CIV", "aliases", ["Ivory Coast", "Côte d'Ivoire"]),
        ("UKR", "metonyms", ["Kyiv", "Kiev"]),
        ("SDN", "aliases", ["Sudanese Armed Forces"]),
    ],
)
def test_required_forms(rid: str, column: str, forms: list[str]) -> None:
    assert rid in BY_ID, rid
    present = _forms(BY_ID[rid], column)
    for form in forms:
        assert form in present, (rid, column, form)


def test_required_types() -> None:
    expected = {
        "ISIS": "armed_group",
        "HTS": "armed_group",
        "SDF": "armed_group",
        "RUS": "state",
        "UN": "igo",
        "ICRC": "igo",
        "MSF": "ngo",
        "AFP": "media",
        "ALAWITES": "population",
    }
    for rid, rtype in expected.items():
        assert BY_ID[rid]["type"] == rtype, rid


def test_coverage_per_type() -> None:
    counts: dict[str, int] = defaultdict(int)
    for row in ROWS:
        counts[str(row["type"])] += 1
    assert counts["armed_group"] >= 80
    assert counts["media"] >= 40
    assert counts["ngo"] >= 20
    assert counts["igo"] >= 30
    assert counts["population"] >= 20


def test_contested_metonyms_are_omitted() -> None:
    metonyms = {form for row in ROWS for form in _forms(row, "metonyms")}
    assert "Jerusalem" not in metonyms
    assert "Tel Aviv" not in metonyms


def test_curated_rows_are_merged_unchanged() -> None:
    """The generated file carries every row of scripts/actors_curated.tsv (no pycountry)."""
    builder = _builder()
    for row in builder.read_tsv(builder.CURATED):
        expected = builder.finish(row)
        shipped = BY_ID.get(expected.id)
        assert shipped is not None, f"{expected.id} missing: re-run scripts/build_actors.py"
        assert (
            shipped["name"],
            shipped["type"],
            shipped["country"],
            shipped["aliases"],
            shipped["adjectives"],
            shipped["metonyms"],
        ) == (
            expected.name,
            expected.type,
            expected.country,
            expected.aliases,
            expected.adjectives,
            expected.metonyms,
        ), f"{expected.id} differs: re-run scripts/build_actors.py"


def test_regenerating_gives_the_shipped_file() -> None:
    pytest.importorskip("pycountry")
    pytest.importorskip("countryinfo")
    from importlib.metadata import version

    stamp = f"pycountry {version('pycountry')} and countryinfo {version('countryinfo')}"
    if stamp not in ACTORS.read_text(encoding="utf-8"):
        pytest.skip(f"actors.tsv was generated with other versions than {stamp}")
    builder = _builder()
    rows, problems, _notes = builder.build()
    assert not problems
    assert builder.render(rows) == ACTORS.read_text(encoding="utf-8")
