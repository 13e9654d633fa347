"""Search quality on the development set: Recall@1, @5 and @10, overall and per kind.

A query counts as found at k when one of its expected national codes is among the first k
procedures returned. The queries (bench/data/search_dev.jsonl) were written by the team to
look like what people type: with and without diacritics, typos, questions, colloquial words,
procedure codes. Run: ``make bench BENCH=search_quality``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import load_real_data, result, setup_django

DATA = Path(__file__).resolve().parent / "data"
#: The development set tunes the search; the held-out set, written separately and never
#: looked at while tuning, checks that what was learnt carries over. Both are reported.
SETS = {"dev": DATA / "search_dev.jsonl", "holdout": DATA / "search_holdout.jsonl"}
KS = (1, 5, 10)
TARGETS = {1: 0.6, 5: 0.85, 10: 0.9}


def evaluate(name: str, path: Path, verbose: bool) -> dict[int, float]:
    from motcua.catalog.models import Procedure
    from motcua.catalog.search import search_procedures

    codes = dict(Procedure.objects.values_list("id", "code"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    hits: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(KS, 0))
    totals: dict[str, int] = defaultdict(int)
    misses = []
    for row in rows:
        found = [codes[i] for i in search_procedures(row["query"]).procedure_ids[:10]]
        expected = set(row["expected"])
        rank = next((i + 1 for i, code in enumerate(found) if code in expected), None)
        for kind in (row["kind"], "all"):
            totals[kind] += 1
            for k in KS:
                hits[kind][k] += rank is not None and rank <= k
        if rank != 1:
            misses.append((row["kind"], row["query"], rank, row["expected"], found[:3]))

    print(f"\n== {name} ({path.name})")
    print(f"{'kind':<12}{'n':>5}" + "".join(f"{'R@' + str(k):>8}" for k in KS))
    for kind in sorted(totals, key=lambda k: (k == "all", k)):
        line = f"{kind:<12}{totals[kind]:>5}"
        line += "".join(f"{hits[kind][k] / totals[kind]:>8.3f}" for k in KS)
        print(line)
    if verbose:
        print("\nnot first:")
        for kind, query, rank, expected, found in misses:
            print(f"  [{kind}] {query!r}: rank {rank or '>10'}; expected {expected}, got {found}")
    return {k: hits["all"][k] / totals["all"] for k in KS}


def main() -> int:
    setup_django()
    load_real_data()
    verbose = "--verbose" in sys.argv
    recalls = {name: evaluate(name, path, verbose) for name, path in SETS.items()}
    print()
    for name, by_k in recalls.items():
        for k in KS:
            print(result(f"recall_at_{k}_{name}", by_k[k], ">=", TARGETS[k]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
