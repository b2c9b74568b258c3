"""Pipeline scaling: the engine (``check_candidate``) over 1k, 10k and 100k synthetic applications.

A script, not a test:

    .venv/bin/python bench/pipeline_bench.py [--sizes 1000,10000,100000] [--entities 10000]

Each size runs in a fresh process with a fresh ``RegistryIndex`` (built from a generated snapshot,
parsed by the snapshot loader's own row parsers), so no cache carries over between sizes. Employers
on resumes come from one pool of 20,000 labelled employer names for every size (registered names
with benign variations, and fabricated ones); bundle generation is excluded from the time. Prints time per 1k applications
and the ratio between consecutive sizes (linear scaling is 10x; the target is <= 12x).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2026, 11, 21)
EMPLOYERS = 20_000  # one pool for every size, so that sizes differ only in how many applications
TITLES = [
    "Software Engineer",
    "Senior Software Engineer",
    "Data Scientist",
    "Product Manager",
    "Sales Manager",
    "Engineering Manager",
    "Junior Developer",
    "Head of Data",
    "高级软件工程师",
]


def registry(n: int, seed: int) -> list[Any]:
    from include.snapshots import companies_house, gleif
    from sandbox.registry_files.generate import entity_stream

    fmt = {"companies_house": (companies_house, companies_house.COLUMNS), "gleif": (gleif, gleif.HEADER)}
    index = {k: m.column_index(cols) for k, (m, cols) in fmt.items()}
    out = []
    for ent in entity_stream(n, seed):
        module, cols = fmt[ent.registry]
        out.append(module.parse_row([ent.row.get(c, "") for c in cols], index[ent.registry]))
    return out


def ym(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def bundle(i: int, employers: list[str], rng: random.Random) -> Any:
    from include.engine.run import CandidateBundle
    from include.models import Candidate, Consent, Education, Employment

    cid = f"greenhouse:{i}"
    consent = Consent(
        given=rng.random() < 0.9, source_field="custom_field:x", value="true", read_at="2026-11-21"
    )
    cand = Candidate(
        candidate_id=cid,
        source="greenhouse",
        source_id=str(i),
        consent=consent,
        updated_at="2026-11-21T00:00:00Z",
    )
    month = 2026 * 12 + 10 - rng.randint(0, 24)
    resume, prof = [], []
    for j in range(rng.randint(2, 5)):
        length = rng.randint(6, 48)
        start = month - length
        employer = rng.choice(employers)
        title = rng.choice(TITLES)
        resume.append(
            Employment(
                employment_id=f"greenhouse:{i}:{j}",
                candidate_id=cid,
                source="greenhouse",
                employer=employer,
                title=title,
                start_raw=ym(start),
                end_raw=None if j == 0 else ym(month),
                employment_type="full_time",
                record_ref=f"gh:{i}:{j}",
            )
        )
        if rng.random() < 0.8:
            prof.append(
                Employment(
                    employment_id=f"linkedin:{i}:{j}",
                    candidate_id=cid,
                    source="linkedin",
                    employer=employer.upper() if rng.random() < 0.3 else employer,
                    title=title if rng.random() < 0.8 else rng.choice(TITLES),
                    start_raw=ym(start + rng.choice([0, 0, 0, 1, 4])),
                    end_raw=None if j == 0 else ym(month),
                    record_ref=f"li:{i}:{j}",
                )
            )
        month = start - rng.choice([0, 1, 2, 5, 14])
    edus = [
        Education(
            education_id=f"greenhouse:{i}:d",
            candidate_id=cid,
            source="greenhouse",
            school="Uni",
            start_raw=ym(month - 36),
            end_raw=ym(month),
            record_ref=f"gh:{i}:d",
        )
    ]
    return CandidateBundle(cand, f"greenhouse:app{i}", resume, edus, prof)


def run_size(size: int, entities: int, seed: int, chunk: int = 2000) -> dict[str, Any]:
    from include.config import Config
    from include.engine.resolve import RegistryIndex
    from include.engine.run import check_candidate
    from include.run_context import RunContext
    from sandbox.registry_files.sample import employer_sample

    config = Config.model_validate(
        {
            "hiring_company": {
                "name": "Example Robotics Ltd",
                "industry_codes": {"sic": ["26110"]},
                "competitors": ["Rival Dynamics"],
            }
        }
    )
    t0 = time.perf_counter()
    ents = registry(entities, seed)
    employers = [s.name for s in employer_sample(EMPLOYERS, entities, seed)]
    t1 = time.perf_counter()
    index = RegistryIndex(ents)
    t2 = time.perf_counter()
    del ents
    rng = random.Random(seed)
    checked = findings = 0
    check_s = 0.0
    while checked < size:
        bundles = [bundle(checked + k, employers, rng) for k in range(min(chunk, size - checked))]
        start = time.perf_counter()
        for b in bundles:
            findings += len(check_candidate(b, index, config, RunContext("bench", DAY)))
        check_s += time.perf_counter() - start
        checked += len(bundles)
    return {
        "applications": size,
        "entities": entities,
        "distinct_employers": len(set(employers)),
        "generate_s": round(t1 - t0, 1),
        "index_s": round(t2 - t1, 1),
        "check_s": round(check_s, 2),
        "per_1k_s": round(check_s / size * 1000, 3),
        "findings": findings,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size in this process
    args = ap.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_size(args.one, args.entities, args.seed)), flush=True)
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--entities",
                str(args.entities),
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1].removeprefix("RESULT ")))
    print(
        f"{'applications':>12} {'check s':>9} {'s per 1k':>9} {'x prev':>7} {'findings':>9} {'peak MiB':>9}"
    )
    prev = None
    for r in results:
        ratio = f"{r['check_s'] / prev['check_s']:.1f}x" if prev else "-"
        print(
            f"{r['applications']:>12,} {r['check_s']:>9.1f} {r['per_1k_s']:>9.3f} {ratio:>7} {r['findings']:>9,} "
            f"{r['peak_mib']:>9,.0f}"
        )
        prev = r
    print(
        f"registry entities {args.entities:,}; cores {os.cpu_count()}; one process (the engine is single-threaded; "
        "the DAG fans candidate batches out over workers)"
    )
    print("RESULT " + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
