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


def _origin(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return f"entry point ({dist.name} {dist.version})"
    return f"entry point ({ep.value})"


def _plugin_pack(ep: metadata.EntryPoint) -> PackInfo:
    """One plugin's pack: import the entry point's target (the only code that runs), call
    it if callable, and read the manifest of the folder it names."""
    where = f"grammar plugin {ep.name!r} ({ep.value})"
    try:
        target = ep.load()
        location = target() if callable(target) else target
    except Exception as exc:  # a broken plugin must name itself, not crash the caller
        raise GrammarError(
            f"{where} failed to load: {type(exc).__name__}: {exc}",
            None,
            "reinstall or uninstall the plugin's package",
        ) from None
    if isinstance(location, (str, os.PathLike)):
        folder = os.fspath(location)
    elif hasattr(location, "is_dir") and hasattr(location, "joinpath"):
        folder = str(location)  # an importlib.resources Traversable on the file system
    else:
        raise GrammarError(
            f"{where} returned {location!r}, not a folder",
            None,
            "the entry point must return the pack folder's path",
        )
    try:
        return read_manifest(folder, origin=_origin(ep))
    except GrammarError as err:
        raise GrammarError(f"{where}: {err.message}", err.location, err.hint) from None


def plugin_packs() -> list[PackInfo]:
    """Packs installed through the ``conflictrules.grammars`` entry-point group, by name."""
    eps = metadata.entry_points(group=ENTRY_POINT_GROUP)
    seen: set[tuple[str, str]] = set()
    out: list[PackInfo] = []
    for ep in sorted(eps, key=lambda e: (e.name, e.value)):
        if (ep.name, ep.value) in seen:  # the same distribution found twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        out.append(_plugin_pack(ep))
    return out


def installed_packs() -> list[PackInfo]:
    """Every pack this installation knows without being told: the built-in ``default``
    pack, then the plugins' packs (each with name, version, path and origin)."""
    return [default_pack(), *plugin_packs()]


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
        pack = read_manifest(text)
        if any(_same_pack(pack, p) for p in packs):
            continue  # the folder of a pack loaded already (an installed plugin's, say)
        packs.append(pack)
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


def _same_pack(a: PackInfo, b: PackInfo) -> bool:
    return os.path.realpath(a.path) == os.path.realpath(b.path) and a.files == b.files


Locator = Callable[[], str]
