"""Which rules cost the most, on real text (run by hand; prints a table).

    .venv/bin/python bench/bench_rules.py [--corpus PATH] [--mb 0.5] [--top 25]

Runs every layer's rules on the sentences of the first ``--mb`` MB of the corpus exactly as
the extractor does (prefilter, then the positions the compiler allows) and prints, per
rule: CPU seconds spent matching, the sentences it ran on, the positions it was tried at,
microseconds per attempt and the matches found. A rule with many attempts needs a more
selective start (a first word from a list, or a required word list close after its
start); a rule with a high cost per attempt backtracks: look for nested optional
repetitions of broad elements (``WORD{0,4}`` before an optional group, say).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout

from conflictrules.engine.matching import Budget, Sentence  # noqa: E402
from conflictrules.engine.normalise import Normalised  # noqa: E402
from conflictrules.engine.sentences import split_sentences  # noqa: E402
from conflictrules.extractor import LAYERS, Extractor  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus_bench.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--mb", type=float, default=0.5)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        lines = f.read(int(args.mb * 1_000_000)).splitlines()
    ex = Extractor(budget_seconds=None)
    budget = Budget(None)
    cost: collections.Counter[str] = collections.Counter()
    runs: collections.Counter[str] = collections.Counter()
    attempts: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    sentences = 0
    for text in lines:
        for start, end in split_sentences(text):
            sentences += 1
            sent = Sentence(Normalised(text[start:end]).text)
            for layer in LAYERS:
                rs = ex.rulesets[layer]
                for i in rs.candidates(sent):
                    rule = rs.rules[i]
                    runs[rule.id] += 1
                    t = time.process_time()
                    if rule.starts is None:
                        found = list(rule.pattern.finditer(sent.text))
                        attempts[rule.id] += len(sent.text) + 1
                    else:
                        found = []
                        pos = 0
                        for p in sent.positions(rule.starts, budget):
                            if p < pos:
                                continue
                            attempts[rule.id] += 1
                            m = rule.pattern.match(sent.text, p)
                            if m is not None and m.end() > p:
                                found.append(m)
                                pos = m.end()
                    cost[rule.id] += time.process_time() - t
                    hits[rule.id] += len(found)
    total = sum(cost.values())
    print(f"{len(lines)} documents, {sentences} sentences, {total:.2f} s matching (cpu)")
    header = ("rule", "cpu s", "share", "runs", "attempts", "us/att", "hits")
    print("{:34} {:>7} {:>6} {:>6} {:>9} {:>8} {:>6}".format(*header))
    for rule_id, c in cost.most_common(args.top):
        n = max(1, attempts[rule_id])
        print(
            f"{rule_id:34} {c:7.2f} {c / total:6.1%} {runs[rule_id]:6d} {attempts[rule_id]:9d}"
            f" {1e6 * c / n:8.1f} {hits[rule_id]:6d}"
        )


if __name__ == "__main__":
    main()
