"""Write tests/seeds/dispatches.jsonl from the seed .txt files and their expected published dates.

Run once from the project root after editing a seed: python tests/seeds/make_jsonl.py
Each line is {"id", "published", "text"}: the id is the path the CLI gives a .txt file,
the published date comes from tests/seeds/expected/<name>.json, and the text is the .txt file's
content unchanged (tests/test_seeds_data.py checks that the two stay byte-identical).
"""

from __future__ import annotations

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SEEDS = HERE.parents[1] / "seeds"


def main() -> None:
    lines = []
    for txt in sorted(SEEDS.glob("[0-9][0-9]_*.txt")):
        expected = json.loads((HERE / "expected" / f"{txt.stem}.json").read_text(encoding="utf-8"))
        text = txt.read_bytes().decode("utf-8")
        record = {"id": f"seeds/{txt.name}", "published": expected["published"], "text": text}
        lines.append(json.dumps(record, ensure_ascii=False))
    (HERE / "dispatches.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} records to tests/seeds/dispatches.jsonl")


if __name__ == "__main__":
    main()
