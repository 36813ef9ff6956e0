"""A grammar pack for conflictrules: attacks on aid workers, medics and health facilities.

The package holds no extraction code. Its entry point (group ``conflictrules.grammars``)
returns the folder of the pack, which conflictrules reads as data.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def pack_path() -> str:
    """The pack's folder (with its ``pack.cfg``)."""
    return str(Path(__file__).resolve().parent / "grammar")
