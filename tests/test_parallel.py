"""Running on many processes: the Extractor travels as its configuration and is rebuilt
once per process; results do not depend on where they were computed.

(``--jobs 2`` giving byte-identical output to ``--jobs 1`` is tested in test_cli.py, and
``extract_records`` keeping order with a bounded number of chunks in flight in
test_io.py.)
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

from conflictrules.extractor import Extractor
from conflictrules.io.parallel import extract_records
from conflictrules.io.readers import Record

TEXTS = [
    "At least 10 civilians were killed when shells hit the market, residents said.",
    "Gunmen abducted three aid workers near the border late Monday.",
    "No one was hurt.",
    "",
    "Russian airstrikes killed 12 people, including four children, in Idlib.",
] * 4


def test_an_extractor_pickles_as_its_configuration() -> None:
    ex = Extractor(budget_seconds=7.0, vague={"dozens": 24})
    data = pickle.dumps(ex)
    assert len(data) < 2_000  # no compiled grammar inside
    back = pickle.loads(data)
    assert back.budget_seconds == 7.0 and back.vague == {"dozens": 24}
    assert back.grammar is ex.grammar  # rebuilt from the per-process cache
    assert [d.to_dict() for d in back.extract_many(TEXTS)] == [
        d.to_dict() for d in ex.extract_many(TEXTS)
    ]


def test_a_fresh_process_rebuilds_the_same_extractor(tmp_path: Path) -> None:
    ex = Extractor()
    blob = tmp_path / "extractor.pickle"
    blob.write_bytes(pickle.dumps(ex))
    script = (
        "import json, pickle, sys\n"
        f"ex = pickle.loads(open({str(blob)!r}, 'rb').read())\n"
        f"texts = json.loads({json.dumps(json.dumps(TEXTS))})\n"
        "print(json.dumps([d.to_dict() for d in ex.extract_many(texts)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == [d.to_dict() for d in ex.extract_many(TEXTS)]


def test_two_workers_give_what_one_gives() -> None:
    records = [Record(id=f"r{i}", text=t) for i, t in enumerate(TEXTS)]
    ex = Extractor()
    serial = [d.to_dict() for _r, d in extract_records(ex, records, jobs=1)]
    pooled = [d.to_dict() for _r, d in extract_records(ex, records, jobs=2, chunk_size=3)]
    assert pooled == serial
