"""Incremental checks against full re-checks, the check step's engine side (a script, not a test).

    .venv/bin/python bench/incremental_bench.py [--candidates 20000] [--changed 300] [--entities 10000]

Day 1 checks every synthetic candidate (``bench/engine_bench.py``'s generator) and keeps, as
``candidate_checks`` would, each one's fingerprint and next due day. Day 2 (the next day, same month)
changes ``--changed`` candidates' resumes; day 3 is the first of the next month, with no change. For
days 2 and 3 it times a full re-check (every candidate through the rules) and an incremental one
(every candidate fingerprinted, only the new, changed and due ones through the rules, the others'
day-1 findings kept) and checks that both give the same findings. Warehouse reads and writes are not
in these figures: both runs load every bundle and write every finding.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_bench import make_bundle, make_registry

from include.config import Config
from include.engine.resolve import RegistryIndex
from include.engine.run import check_candidate_due
from include.pipeline.incremental import Fingerprints, reason
from include.run_context import RunContext

DAY1 = date(2026, 11, 20)


def _key(findings: list) -> list[tuple[str, str]]:
    return sorted((f.finding_id, f.evidence_digest + f.severity + f.summary) for f in findings)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=20_000)
    ap.add_argument("--changed", type=int, default=300)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    config = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd", "industry_codes":
                                                       {"sic": ["26110"]}, "competitors": ["Rival Dynamics"]}})
    entities, names = make_registry(args.entities, rng)
    index = RegistryIndex(entities)
    bundles = [make_bundle(i, names, rng) for i in range(args.candidates)]
    fps = Fingerprints(index, config)

    run1 = RunContext("day1", DAY1)
    stored, kept = {}, {}
    for b in bundles:
        found, due = check_candidate_due(b, index, config, run1)
        cid = b.candidate.candidate_id
        stored[cid] = {"fingerprint": fps.of(b), "checked_day": DAY1.isoformat(),
                       "next_check": due.isoformat() if due else None}
        kept[cid] = found

    for i in rng.sample(range(len(bundles)), args.changed):  # day 2's changes: a resume title each
        job = bundles[i].resume_jobs[0]
        bundles[i].resume_jobs[0] = job.model_copy(update={"title": f"Principal {job.title or 'Engineer'}"})

    print(f"candidates {args.candidates:,}, registry entities {args.entities:,}, changed on day 2: {args.changed:,}")
    print("day         full s   incremental s   speed-up   re-checked (changed / time due)   kept   equal")
    for day in (DAY1 + timedelta(days=1), date(DAY1.year, DAY1.month + 1, 1) if DAY1.month < 12 else
                date(DAY1.year + 1, 1, 1)):
        run = RunContext(f"{day}", day)
        t0 = time.perf_counter()
        full = {b.candidate.candidate_id: check_candidate_due(b, index, config, run)[0] for b in bundles}
        t_full = time.perf_counter() - t0
        t0 = time.perf_counter()
        incremental, counts = {}, {"changed": 0, "time_due": 0, "kept": 0}
        for b in bundles:
            cid = b.candidate.candidate_id
            fp = fps.of(b)
            why = reason(run, fp, stored[cid])
            counts[why if why in counts else "changed"] += 1
            if why == "kept":
                incremental[cid] = kept[cid]
                continue
            found, due = check_candidate_due(b, index, config, run)
            incremental[cid] = kept[cid] = found
            stored[cid] = {"fingerprint": fp, "checked_day": day.isoformat(),
                           "next_check": due.isoformat() if due else None}
        t_inc = time.perf_counter() - t0
        equal = all(_key(full[c]) == _key(incremental[c]) for c in full)
        print(f"{day}  {t_full:>7.1f}   {t_inc:>13.1f}   {t_full / t_inc:>7.1f}×   "
              f"{counts['changed'] + counts['time_due']:>8,} ({counts['changed']:,} / {counts['time_due']:,})"
              f"{'':>17}{counts['kept']:>6,}   {equal}")
        if not equal:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
