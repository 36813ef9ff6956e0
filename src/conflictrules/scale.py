"""Extraction on a distributed engine: one function per partition, for Dask or PySpark.

``extract_partition`` turns one partition of documents (a pandas DataFrame, or any
iterable of texts or records) into results; ``extract_bag`` and ``extract_dataframe`` map
it over a Dask bag or dataframe. Nothing here imports Dask or pandas until it is used:
install ``conflictrules[dask]`` for them.

The extractor is never rebuilt per record. An :class:`~conflictrules.Extractor` pickles as
its configuration only (a few hundred bytes); a worker that unpickles it builds its
grammar once per process (an in-process cache keyed by the pack files) and, when the
grammar was compiled before on that machine, from the compiled-pattern cache in
``~/.cache/conflictrules`` in well under a second. See docs/scale.md.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from conflictrules.extractor import Extractor
from conflictrules.model import Document

__all__ = [
    "RESULT_COLUMNS",
    "extract_bag",
    "extract_dataframe",
    "extract_partition",
    "result_meta",
]

# the columns of a result DataFrame: the document's id and publication date, its incident
# totals for the two outcomes most users chart, and the whole document as JSON
RESULT_COLUMNS = ("id", "published", "killed", "injured", "json")

# an Extractor, or the grammar pack paths to build one from (None: the default grammar)
ExtractorSpec: TypeAlias = "Extractor | Sequence[str | os.PathLike[str]] | str | None"


@functools.lru_cache(maxsize=8)
def _extractor_for(grammars: tuple[str, ...]) -> Extractor:
    return Extractor(grammars)


def _extractor(spec: ExtractorSpec) -> Extractor:
    """The extractor to use: the one given, else one per process for these grammar paths
    (None: the default grammar)."""
    if isinstance(spec, Extractor):
        return spec
    if spec is None:
        return _extractor_for(())
    if isinstance(spec, (str, os.PathLike)):
        return _extractor_for((os.fspath(spec),))
    return _extractor_for(tuple(os.fspath(p) for p in spec))


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")


def _pandas() -> Any:
    """pandas, imported when a DataFrame is at hand (an optional dependency, untyped)."""
    return importlib.import_module("pandas")


def _records_of_frame(
    frame: Any, text_column: str, id_column: str | None, published_column: str | None
) -> list[dict[str, Any]]:
    if text_column not in frame.columns:
        raise KeyError(f"no column {text_column!r} (columns: {', '.join(map(str, frame.columns))})")
    columns = {"text": text_column}
    if id_column is not None and id_column in frame.columns:
        columns["id"] = id_column
    if published_column is not None and published_column in frame.columns:
        columns["published"] = published_column
    isna = _pandas().isna
    out: list[dict[str, Any]] = []
    series = {key: frame[col].tolist() for key, col in columns.items()}
    for i in range(len(frame)):
        record: dict[str, Any] = {}
        for key, values in series.items():
            value = values[i]
            if value is not None and not isinstance(value, str) and isna(value) is True:
                value = None  # NaN, NaT, pd.NA
            record[key] = value
        if record.get("text") is None:
            record["text"] = ""
        if record.get("id") is not None and not isinstance(record["id"], str):
            record["id"] = str(record["id"])
        if record.get("published") is not None and not isinstance(record["published"], str):
            record["published"] = str(record["published"])[:10]
        out.append(record)
    return out


def _result_row(doc: Document) -> dict[str, Any]:
    data = doc.to_dict()
    totals = data.get("totals") or {}
    return {
        "id": data.get("id"),
        "published": data.get("published"),
        "killed": (totals.get("killed") or {}).get("estimate"),
        "injured": (totals.get("injured") or {}).get("estimate"),
        "json": json.dumps(data, ensure_ascii=False),
    }


def result_meta() -> Any:
    """An empty pandas DataFrame with the result columns and types (Dask's ``meta``)."""
    pd = _pandas()
    return pd.DataFrame(
        {
            "id": pd.Series([], dtype="object"),
            "published": pd.Series([], dtype="object"),
            "killed": pd.Series([], dtype="Int64"),
            "injured": pd.Series([], dtype="Int64"),
            "json": pd.Series([], dtype="object"),
        }
    )


def extract_partition(
    df_or_records: Any,
    extractor_or_grammar_paths: ExtractorSpec = None,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    published_column: str | None = "published",
) -> Any:
    """Extract every document of one partition, in order.

    ``df_or_records`` is a pandas DataFrame (the text in ``text_column``, optional id and
    publication date in ``id_column`` and ``published_column``), or an iterable of texts or
    of mappings (read with the same keys). ``extractor_or_grammar_paths`` is an
    :class:`Extractor`, or grammar pack paths for one built once per process (None: the
    default grammar).

    A DataFrame gives a DataFrame with :data:`RESULT_COLUMNS` (``json`` holds the whole
    document, exactly what ``conflictrules extract`` prints) and the input's index; any
    other input gives a list of document dicts (``Document.to_dict()``). A document never
    raises: problems are in its ``errors``.
    """
    if isinstance(df_or_records, (str, bytes)):
        raise TypeError("extract_partition takes a partition (texts or records), not one text")
    ex = _extractor(extractor_or_grammar_paths)
    if _is_dataframe(df_or_records):
        frame = df_or_records
        records = _records_of_frame(frame, text_column, id_column, published_column)
        rows = [_result_row(doc) for doc in ex.extract_many(records)]
        out = _pandas().DataFrame(rows, columns=list(RESULT_COLUMNS), index=frame.index)
        return out.astype(result_meta().dtypes.to_dict())
    items: list[str | Mapping[str, Any]] = []
    source: Iterable[str | Mapping[str, Any]] = df_or_records
    for item in source:
        if isinstance(item, Mapping) and (text_column != "text" or id_column != "id"):
            item = _renamed(item, text_column, id_column, published_column)
        items.append(item)
    return [doc.to_dict() for doc in ex.extract_many(items)]


def _renamed(
    item: Mapping[str, Any], text_column: str, id_column: str | None, published_column: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"text": item.get(text_column)}
    if id_column is not None and item.get(id_column) is not None:
        out["id"] = item[id_column]
    if published_column is not None and item.get(published_column) is not None:
        out["published"] = item[published_column]
    return out


def extract_bag(
    bag: Any,
    extractor_or_grammar_paths: ExtractorSpec = None,
    *,
    text_key: str = "text",
    id_key: str | None = "id",
    published_key: str | None = "published",
) -> Any:
    """A Dask bag of document dicts from a bag of texts or records, partition by partition
    (so the extractor is set up once per partition at most, never per record)."""
    return bag.map_partitions(
        extract_partition,
        extractor_or_grammar_paths,
        text_column=text_key,
        id_column=id_key,
        published_column=published_key,
    )


def extract_dataframe(
    ddf: Any,
    extractor_or_grammar_paths: ExtractorSpec = None,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    published_column: str | None = "published",
) -> Any:
    """A Dask dataframe of results (:data:`RESULT_COLUMNS`, same index) from one with a
    text column."""
    return ddf.map_partitions(
        extract_partition,
        extractor_or_grammar_paths,
        text_column=text_column,
        id_column=id_column,
        published_column=published_column,
        meta=result_meta(),
    )
