"""Normalising text for matching while keeping every offset into the original.

Quotes, dashes and exotic spaces are mapped one character to one character; zero-width
characters are dropped and runs of white space collapse to one space. A piecewise
offset map takes every position of the normalised text back to the original.
"""

from __future__ import annotations

import bisect

import regex

_ONE_TO_ONE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2004": " ",
        "\u2005": " ",
        "\u2006": " ",
        "\u2008": " ",
        "\u205f": " ",
        "\u3000": " ",
        "\x85": " ",  # with the next five: the rest of what \s matches
        "\u2000": " ",
        "\u2001": " ",
        "\u1680": " ",
        "\u2028": " ",
        "\u2029": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\x0b": " ",
        "\x0c": " ",
    }
)
# what changes length: runs of spaces (after the 1:1 map), zero-width and control chars
_SQUEEZE = regex.compile(r" {2,}|[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f]+")


class Normalised:
    """A normalised copy of ``original[base:...]`` with a map back to original offsets."""

    __slots__ = ("_breaks", "_shifts", "base", "text")

    def __init__(self, original: str, base: int = 0) -> None:
        self.base = base
        mapped = original.translate(_ONE_TO_ONE)
        breaks: list[int] = []  # normalised positions where the shift changes
        shifts: list[int] = []  # original - normalised offset from that position on
        if not _SQUEEZE.search(mapped):
            self.text = mapped
        else:
            out: list[str] = []
            pos = 0
            shift = 0
            for m in _SQUEEZE.finditer(mapped):
                out.append(mapped[pos : m.start()])
                kept = " " if m.group().startswith(" ") else ""
                out.append(kept)
                shift += len(m.group()) - len(kept)
                breaks.append(sum(map(len, out)))
                shifts.append(shift)
                pos = m.end()
            out.append(mapped[pos:])
            self.text = "".join(out)
        self._breaks = breaks
        self._shifts = shifts

    def to_original(self, pos: int) -> int:
        """The original offset of normalised position ``pos`` (a start offset)."""
        i = bisect.bisect_right(self._breaks, pos)
        return self.base + pos + (self._shifts[i - 1] if i else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span (end exclusive) back to the original."""
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), self.to_original(end - 1) + 1
