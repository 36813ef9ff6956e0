"""conflictrules: typed, checkable facts from conflict news, with grammars kept as data.

>>> import conflictrules
>>> doc = conflictrules.extract("At least 10 civilians were killed.", published="2019-03-14")
>>> doc.casualties[0].count.estimate
10
"""

from __future__ import annotations

import datetime

from conflictrules.extractor import Extractor, default_extractor
from conflictrules.grammar.errors import GrammarError
from conflictrules.model import Actor, Attribution, Casualty, Count, Document, TimeRef

__all__ = [
    "Actor",
    "Attribution",
    "Casualty",
    "Count",
    "Document",
    "Extractor",
    "GrammarError",
    "TimeRef",
    "extract",
]
__version__ = "0.1.0"


def extract(
    text: str, published: str | datetime.date | None = None, id: str | None = None
) -> Document:
    """Extract with the default grammar (built once per process and reused)."""
    return default_extractor().extract(text, published=published, id=id)
