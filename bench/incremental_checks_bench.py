"""Incremental checks against full re-checks, the check step's engine side (a script, not a test).

    .venv/bin/python bench/incremental_checks_bench.py [--candidates 20000] [--changed 300] [--entities 10000]

Day 1 checks every synthetic candidate (``bench/engine_bench.py``'s generator) and keeps, as
``candidate_checks`` would, each one's fingerprints and next due day. Then, each in a fresh index (a
check worker's new process): the next day with ``--changed`` resumes changed; the day after with one
entity added to the register and nothing else; the first of the next month with no change. Each
day times a full re-check (every candidate through the rules) and an incremental one (fingerprints,
only the new, changed and due candidates through the rules, the others' earlier findings kept) and
checks that both give the same findings. Warehouse reads and writes are not in these figures: both
runs load every bundle and write every finding.
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
from include.models import RegistryName
from include.pipeline.incremental import Decision, Fingerprints, decide
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
    bundles = [make_bundle(i, names, rng) for i in range(args.candidates)]

    def worker(ents: list) -> tuple[RegistryIndex, Fingerprints]:
        """A check worker's fresh process: a new index, empty caches (building it is not timed)."""
        index = RegistryIndex(ents)
        return index, Fingerprints(index, config)

    def store(d: Decision, day: date, due: date | None) -> dict:
        return {"fingerprint": d.inputs, "register_digest": d.register, "registry_fingerprint": d.registry,
                "checked_day": day.isoformat(), "next_check": due.isoformat() if due else None}

    index, fps = worker(entities)
    stored, kept = {}, {}
    for b in bundles:
        cid = b.candidate.candidate_id
        found, due = check_candidate_due(b, index, config, RunContext("day1", DAY1))
        stored[cid], kept[cid] = store(decide(RunContext("day1", DAY1), fps, b, None), DAY1, due), found

    for i in rng.sample(range(len(bundles)), args.changed):  # day 2's changes: a resume title each
        job = bundles[i].resume_jobs[0]
        bundles[i].resume_jobs[0] = job.model_copy(update={"title": f"Principal {job.title or 'Engineer'}"})
    extra = entities[0].model_copy(update={"entity_id": f"{entities[0].registry}:bench-new", "parent_ids": [],
                                           "names": [RegistryName(name="Zzyzx Quuxbar Holdings", kind="legal")]})
    turn = date(DAY1.year + DAY1.month // 12, DAY1.month % 12 + 1, 1)
    days = [(f"{args.changed} resumes changed", DAY1 + timedelta(days=1), entities),
            ("1 entity added to the register", DAY1 + timedelta(days=2), [*entities, extra]),
            ("the month turns", turn, [*entities, extra])]

    print(f"{args.candidates:,} candidates, {args.entities:,} registry entities, one check process each run "
          f"(a fresh index and caches)")
    print("day         what                             full s  incremental s  speed-up  changed  time due"
          "    kept  equal")
    for what, day, ents in days:
        run = RunContext(f"{day}", day)
        index, _ = worker(ents)
        t0 = time.perf_counter()
        full = {b.candidate.candidate_id: check_candidate_due(b, index, config, run)[0] for b in bundles}
        t_full = time.perf_counter() - t0
        index, fps = worker(ents)
        t0 = time.perf_counter()
        incremental, counts = {}, {"new": 0, "changed": 0, "time_due": 0, "kept": 0}
        for b in bundles:
            cid = b.candidate.candidate_id
            d = decide(run, fps, b, stored[cid])
            counts[d.reason] += 1
            if d.reason == "kept":
                incremental[cid] = kept[cid]
                stored[cid].update(register_digest=d.register, registry_fingerprint=d.registry)
                continue
            found, due = check_candidate_due(b, index, config, run)
            incremental[cid] = kept[cid] = found
            stored[cid] = store(d, day, due)
        t_inc = time.perf_counter() - t0
        equal = all(_key(full[c]) == _key(incremental[c]) for c in full)
        print(f"{day}  {what:<31} {t_full:>7.1f}  {t_inc:>13.1f}  {t_full / t_inc:>7.1f}×  {counts['changed']:>7,}"
              f"  {counts['time_due']:>8,}  {counts['kept']:>6,}  {equal}")
        if not equal:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
