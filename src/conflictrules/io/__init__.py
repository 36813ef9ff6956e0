"""Input and output for the command line and for batch use.

- :mod:`conflictrules.io.readers`: documents from ``.txt``, JSONL, CSV, directories and
  standard input, streamed as :class:`Record` objects.
- :mod:`conflictrules.io.writers`: JSONL, JSON array, CSV and table output, and
  :func:`atomic_output`.
- :mod:`conflictrules.io.parallel`: :func:`extract_records`, an extractor run over records
  in-process or on worker processes, in input order.
"""

from conflictrules.io.parallel import default_jobs, extract_records, process_record
from conflictrules.io.readers import (
    STDIN_NAME,
    InputError,
    InputSource,
    Record,
    check_inputs,
    iter_inputs,
    iter_records,
    read_csv_header,
    resolve_inputs,
)
from conflictrules.io.writers import FORMATS, Writer, atomic_output, make_writer

__all__ = [
    "FORMATS",
    "STDIN_NAME",
    "InputError",
    "InputSource",
    "Record",
    "Writer",
    "atomic_output",
    "check_inputs",
    "default_jobs",
    "extract_records",
    "iter_inputs",
    "iter_records",
    "make_writer",
    "process_record",
    "read_csv_header",
    "resolve_inputs",
]
