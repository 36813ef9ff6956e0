"""Finding grammar packs: the built-in default, installed plugins, and paths.

Plugins register under the entry-point group ``conflictrules.grammars``; the entry point
names a callable (or a string) that returns the pack folder. Only that import runs: the
pack itself is data and is never executed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path

from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.loader import PackInfo, read_manifest

ENTRY_POINT_GROUP = "conflictrules.grammars"


def default_pack_path() -> str:
    """The folder of the built-in pack, in a wheel or in a source checkout."""
    shipped = resources.files("conflictrules") / "grammars" / "default"
    if shipped.is_dir():
        return str(shipped)
    checkout = Path(__file__).resolve().parents[2] / "grammars" / "default"
    if checkout.is_dir():
        return str(checkout)
    raise GrammarError(
        "the built-in grammar pack is missing from this installation",
        None,
        "reinstall conflictrules",
    )


def default_pack() -> PackInfo:
    return read_manifest(default_pack_path(), origin="built-in")


def plugin_packs() -> list[PackInfo]:
    """Packs installed through the ``conflictrules.grammars`` entry-point group."""
    out: list[PackInfo] = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            target = ep.load()
        except Exception as exc:  # a broken plugin must name itself, not crash the caller
            raise GrammarError(
                f"grammar plugin {ep.name!r} ({ep.value}) failed to load: {exc}", None
            ) from None
        location = target() if callable(target) else target
        if not isinstance(location, (str, os.PathLike)):
            raise GrammarError(
                f"grammar plugin {ep.name!r} returned {location!r}, not a folder",
                None,
                "the entry point must return the pack folder's path",
            )
        dist = ep.dist.name if ep.dist is not None else "?"
        out.append(read_manifest(os.fspath(location), origin=f"entry point ({dist})"))
    return out


def resolve_packs(
    grammars: list[str | os.PathLike[str]], *, plugins: bool = True, default: bool = True
) -> list[PackInfo]:
    """The packs to load, in order: default, plugins, then the given paths or plugin names."""
    packs: list[PackInfo] = [default_pack()] if default else []
    installed = plugin_packs() if plugins else []
    packs.extend(installed)
    by_name = {p.name: p for p in packs}
    for g in grammars:
        text = os.fspath(g)
        if not os.path.exists(text) and text in by_name:
            continue  # naming an installed pack is fine: it is loaded already
        packs.append(read_manifest(text))
    names = {p.name for p in packs}
    for p in packs:
        for req in p.requires:
            if req not in names:
                raise GrammarError(
                    f"pack {p.name!r} ({p.path}) requires pack {req!r}, which is "
                    "not installed or given",
                    None,
                )
    return packs


Locator = Callable[[], str]
