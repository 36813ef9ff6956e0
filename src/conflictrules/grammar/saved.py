"""A compiled grammar saved whole, so that a warm build skips parsing and compiling.

The compiled-pattern store (``ProgramStore``) spares the regex module's compiler; this
spares the rest of a build (parsing the rule files, compiling rules to regex source,
working out start positions and triggers), which is most of it. The saved grammar is a
pickle in which each regex pattern is kept as its source (and rebuilt through the active
``ProgramStore``, so from its saved program), keyed by:

* the content of every file of the packs (not their times: a fresh clone reuses it),
* the source of this package's grammar compiler and loader, and the versions of Python
  and regex (a changed compiler never reuses a grammar an older one compiled).

A saved grammar that cannot be read (damaged, written by another version) is ignored and
rebuilt. The cache folder is the user's own (``Extractor``'s ``cache_dir``): a pickle runs
code when loaded, so that folder must not be writable by others; grammar packs themselves
are never pickled or run, only read as text.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import regex

from conflictrules.grammar.compiler import compile_pattern, signed, verified
from conflictrules.grammar.loader import Grammar, PackInfo

_FORMAT = 1
_CODE = ("ast.py", "compiler.py", "loader.py", "syntax.py", "wordlists.py", "saved.py")
_SUFFIX = ".grammar"


def _rebuild_pattern(source: str, flags: int, lists: dict[str, list[str]]) -> Any:
    """A pattern from its source, through the active program store when it was compiled
    the way the compiler compiles every rule."""
    pattern = compile_pattern(source, lists)
    if pattern.flags == flags:
        return pattern
    named: dict[str, Any] = dict(lists)
    return regex.compile(source, flags=flags, **named)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, regex.Pattern):
            lists = {k: sorted(v) for k, v in (obj.named_lists or {}).items()}
            return _rebuild_pattern, (obj.pattern, obj.flags, lists)
        return NotImplemented


@functools.cache
def _code_digest() -> bytes:
    h = hashlib.sha256(f"{_FORMAT}|{sys.version_info[:2]}|{regex.__version__}".encode())
    here = Path(__file__).parent
    for name in _CODE:
        with contextlib.suppress(OSError):
            h.update(name.encode() + b"\x00" + (here / name).read_bytes())
    return h.digest()


def grammar_key(packs: Sequence[PackInfo]) -> str:
    """A key that changes whenever a file of the packs or the compiler changes."""
    h = hashlib.sha256(_code_digest())
    for p in packs:
        h.update(b"\x00pack\x00" + p.name.encode() + b"\x00" + os.fsencode(p.path))
        for root, dirs, files in os.walk(p.path):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".rules", ".tsv", ".cfg")):
                    full = os.path.join(root, f)
                    h.update(b"\x00" + os.fsencode(os.path.relpath(full, p.path)) + b"\x00")
                    with open(full, "rb") as fh:
                        h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()[:40]


def saved_path(folder: str, packs: Sequence[PackInfo]) -> str:
    return os.path.join(folder, grammar_key(packs) + _SUFFIX)


def dumps(grammar: Grammar) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(grammar)
    return signed(buf.getvalue())


def loads(data: bytes) -> Grammar | None:
    """The grammar saved in ``data``, or None when it is damaged or not a grammar. Call it
    with the program store active (``using_store``) so that patterns reuse their programs."""
    payload = verified(data)
    if payload is None:
        return None
    try:
        grammar = pickle.loads(payload)
    except Exception:  # a class that changed shape, a missing module: rebuild instead
        return None
    return grammar if isinstance(grammar, Grammar) else None


def read(path: str) -> Grammar | None:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return loads(data)


def write(path: str, grammar: Grammar, keep: int = 16) -> None:
    """Save atomically (a temp file, then a rename); keep the ``keep`` most recent saved
    grammars of the folder. A cache that cannot be written is no error."""
    folder = os.path.dirname(path)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        data = dumps(grammar)
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        entries = sorted(
            (e for e in os.scandir(folder) if e.name.endswith(_SUFFIX)),
            key=lambda e: e.stat().st_mtime,
        )
        for old in entries[:-keep]:
            os.remove(old.path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        with contextlib.suppress(OSError):
            os.remove(tmp)
