"""string_grouper (TF-IDF character trigrams, sparse cosine similarity) on the same labelled sample.

Not a project dependency: it runs under its own interpreter, where ``pip install string_grouper==0.8.0``
was done, reading what ``resolution_bench.py export`` wrote (registry names and the normalised
sample); no project import. ``run_all.py --string-grouper /path/to/python`` drives it.

    /tmp/sgvenv/bin/python bench/string_grouper_bench.py --entities 100000 --names 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, required=True)
    ap.add_argument("--names", type=int, required=True)
    ap.add_argument("--workdir", default=str(ROOT / ".var" / "bench"))
    ap.add_argument("--min-similarity", type=float, default=0.8)
    args = ap.parse_args()
    import pandas as pd
    from string_grouper import match_strings

    d = Path(args.workdir) / f"e{args.entities}"
    with (d / "registry-names.tsv").open(encoding="utf-8", newline="") as fh:
        reg = list(csv.reader(fh, delimiter="\t"))
    with (d / f"queries-{args.names}.tsv").open(encoding="utf-8", newline="") as fh:
        queries = list(csv.reader(fh, delimiter="\t"))  # normalised, name, label, variation
    master = pd.Series([r[0] for r in reg], name="name")
    distinct = sorted({q[0] for q in queries if q[0]})
    t = time.perf_counter()
    matches = match_strings(
        master, pd.Series(distinct, name="name"), min_similarity=args.min_similarity, max_n_matches=5
    )
    seconds = time.perf_counter() - t
    best: dict[str, tuple[float, str]] = {}
    for left, right, sim in zip(
        matches["left_index"], matches["right_name"], matches["similarity"], strict=True
    ):
        owner = reg[int(left)][1]
        if right not in best or sim > best[right][0]:
            best[right] = (float(sim), owner)
    derived = ok = fab = fab_hits = wrong = 0
    for norm, _, label, _ in queries:
        got = best.get(norm, (0.0, None))[1]
        if not label:
            fab += 1
            fab_hits += got is not None
        else:
            derived += 1
            ok += got == label
            wrong += got is not None and got != label
    out = {
        "entities": args.entities,
        "names": len(queries),
        "seconds": round(seconds, 2),
        "names_per_s": round(len(queries) / seconds),
        "recall": round(ok / max(1, derived), 4),
        "fabricated": fab,
        "fabricated_hits": fab_hits,
        "wrong_entity": wrong,
        "min_similarity": args.min_similarity,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print("RESULT " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
