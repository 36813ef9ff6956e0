"""How often a GTD row's perpetrator group comes back as an actor, and as a perpetrator.

    /work/main/.venv/bin/python bench/gtd_perpetrators.py [../shared/eval/gtd_dev.csv] [--show N]

For every row whose `perpetrator` (GTD's gname) is not "Unknown":

* the group's actor id is what conflictrules reads in the gname itself (its name with the
  parenthetical dropped, else the acronym in the parentheses); a gname that reads as no
  single actor ("Separatists", "Muslim extremists") has no id and counts as a miss;
* the group *appears in the text* when its name (without the parenthetical) or its acronym
  occurs in the summary, case-insensitively;
* it is *returned as an actor* when that id is among the document's actors, and *a
  casualty's perpetrator* when some casualty of the document has it as `perpetrator`.

Prints the shares over the rows where the group appears in the text (the figure asked for
in issue #4) and over all named rows, the gnames without an id, and with --show the first
N rows where the group appears but is not a casualty's perpetrator. Measuring only: the
rows are GTD's and stay out of the project (../shared/eval/README.md).
"""

from __future__ import annotations

import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout

import conflictrules

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gtd_dev.csv"


def group_id(ex: conflictrules.Extractor, gname: str) -> str | None:
    """The actor id conflictrules reads in a GTD group name, or None."""
    base = re.sub(r"\s*\([^)]*\)", "", gname).strip()
    acronyms = re.findall(r"\(([A-Z][\w\-/]+)\)", gname)
    for candidate in (base, *acronyms):
        actors = ex.extract(candidate).actors
        covering = [a for a in actors if any(e - s >= 0.6 * len(candidate) for s, e in a.mentions)]
        if len(covering) == 1:
            return covering[0].id
    return None


def appears(gname: str, text: str) -> bool:
    base = re.sub(r"\s*\([^)]*\)", "", gname).strip()
    names = [base, *re.findall(r"\(([A-Z][\w\-/]+)\)", gname)]
    low = text.lower()
    return any(n and n.lower() in low for n in names)


def main() -> int:
    args = sys.argv[1:]
    show = int(args[args.index("--show") + 1]) if "--show" in args else 0
    paths = [a for a in args if not a.startswith("--") and not a.isdigit()]
    path = Path(paths[0]) if paths else DEFAULT
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["perpetrator"].strip() not in ("", "Unknown")]
    ex = conflictrules.Extractor()
    ids = {g: group_id(ex, g) for g in sorted({r["perpetrator"] for r in rows})}
    named = present = as_actor = as_perp = present_with_casualty = perp_with_casualty = 0
    all_actor = all_perp = 0
    shown = 0
    no_id: Counter[str] = Counter()
    t0 = time.perf_counter()
    for row in rows:
        named += 1
        gid = ids[row["perpetrator"]]
        doc = ex.extract(row["text"])
        actor_ids = {a.id for a in doc.actors}
        perps = {c.perpetrator for c in doc.casualties}
        found_actor = gid is not None and gid in actor_ids
        found_perp = gid is not None and gid in perps
        all_actor += found_actor
        all_perp += found_perp
        if gid is None:
            no_id[row["perpetrator"]] += 1
        if not appears(row["perpetrator"], row["text"]):
            continue
        present += 1
        as_actor += found_actor
        as_perp += found_perp
        if doc.casualties:
            present_with_casualty += 1
            perp_with_casualty += found_perp
        if show and shown < show and not found_perp:
            shown += 1
            print(
                f"- {row['id']} {row['perpetrator']} -> {gid}: actors={sorted(actor_ids)} "
                f"perpetrators={sorted(str(p) for p in perps)}\n  {row['text'][:300]}"
            )
    seconds = time.perf_counter() - t0

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} = {a / b:.1%}" if b else "0/0"

    print(
        f"{path.name}: {named} rows name a perpetrator group; it appears in the text in "
        f"{pct(present, named)}"
    )
    print(
        f"of those {present} rows: returned as an actor {pct(as_actor, present)}; "
        f"a casualty's perpetrator {pct(as_perp, present)} "
        f"({pct(perp_with_casualty, present_with_casualty)} of the rows with a casualty)"
    )
    print(
        f"over all {named} named rows: actor {pct(all_actor, named)}; "
        f"perpetrator {pct(all_perp, named)}"
    )
    if no_id:
        print(
            "group names that read as no single actor: "
            + ", ".join(f"{g} ({n})" for g, n in no_id.most_common())
        )
    print(f"{named} documents in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
