"""Splitting text into sentences, as (start, end) offsets into the original text.

A sentence ends at '.', '!' or '?' (with any closing quotes or brackets) followed by
white space and a capital, digit or opening quote, unless the word before the period is
an abbreviation ("Gen.", "No.", "Jan."), an initial ("J.") or a dotted acronym ("U.S.")
followed by a word that does not start a sentence. Blank lines always end a sentence; a
single line break ends one when the line before looks finished (a headline, a caption).
"""

from __future__ import annotations

import regex

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "cpl",
        "pvt",
        "pte",
        "brig",
        "adm",
        "cmdr",
        "cdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "vols",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "est",
        "dept",
        "inc",
        "corp",
        "co",
        "ltd",
        "jr",
        "sr",
        "vs",
        "v",
        "al",
        "e.g",
        "i.e",
        "cf",
        "sq",
        "km",
        "mln",
        "bn",
    ]
)
_CANDIDATE = regex.compile(r"""[.!?]+["'”’)\]]*(?=\s)|\n[ \t]*\n\s*|\n""")
_NEXT_STARTS = regex.compile(r"""\s*["'“‘(\[]?[\p{Lu}\p{N}]""")
_WORD_BEFORE = regex.compile(r"([\w.]+)[.!?]*[\"'”’)\]]*$")
_DOTTED = regex.compile(r"(?:\w\.){2,}$")
MAX_SENTENCE = 2000  # characters; longer runs are cut at a space so matching stays bounded


def _ends_sentence(text: str, start: int, m: regex.Match[str]) -> bool:
    mark = m.group()
    if mark.startswith("\n"):
        if mark.count("\n") >= 2:
            return True
        before = text[max(start, m.start() - 512) : m.start()].rstrip()  # bounded: no O(n^2)
        if not before:
            return False
        last = before[-1]
        nxt = _NEXT_STARTS.match(text, m.end())
        if last in '.!?:"”’)' and nxt is not None:
            return True
        # a line with no final punctuation: a headline or caption if the next line
        # starts with a capital and this line does not end mid-phrase
        return nxt is not None and last not in ",;-(" and len(before) - before.rfind("\n") < 120
    if _NEXT_STARTS.match(text, m.end()) is None:
        return False
    if mark[0] != ".":
        return True
    wb = _WORD_BEFORE.search(text, max(start, m.start() - 40), m.start() + 1)
    if wb is None:
        return True
    word = wb.group(1).rstrip(".")
    low = word.lower()
    if low in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial
    return not (_DOTTED.search(wb.group(1) + ".") and len(word) <= 6)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, trimmed of surrounding white space, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if m.start() < start:
            continue
        if _ends_sentence(text, start, m):
            end = m.end() if not m.group().startswith("\n") else m.start()
            _add(text, start, end, spans)
            start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        if cut <= start:
            cut = start + MAX_SENTENCE
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
