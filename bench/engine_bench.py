"""Engine throughput: synthetic applications against a synthetic registry (a script, not a test).

    .venv/bin/python bench/engine_bench.py [--applications 100000] [--entities 10000] [--seed 1]

Applications are generated in chunks and discarded after checking, so peak memory is the engine's
(index + caches), not the benchmark's. Generation time is excluded from the throughput.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from include.config import Config
from include.engine.resolve import RegistryIndex
from include.engine.run import CandidateBundle, check_candidate
from include.models import (
    Candidate,
    Consent,
    Education,
    Employment,
    IndustryCode,
    RegistryEntity,
    RegistryName,
)
from include.run_context import RunContext

SYLLABLES = [
    "hal",
    "cy",
    "on",
    "blu",
    "wa",
    "ter",
    "nor",
    "th",
    "wind",
    "qua",
    "ntix",
    "vel",
    "ora",
    "zen",
    "tek",
    "mar",
    "lin",
    "kor",
    "avi",
    "sol",
    "ra",
    "dex",
    "pho",
    "nix",
    "tri",
    "um",
    "gal",
    "ex",
    "ion",
    "ber",
]
GENERIC = [
    "Software",
    "Solutions",
    "Systems",
    "Analytics",
    "Robotics",
    "Technologies",
    "Group",
    "Labs",
    "Digital",
]
SUFFIXES = ["Ltd", "Limited", "LLC", "Inc.", "GmbH", "S.A.", "PLC", ""]
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
DAY = date(2026, 11, 21)


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make_registry(n: int, rng: random.Random) -> tuple[list[RegistryEntity], list[str]]:
    entities, names, seen = [], [], set()
    while len(entities) < n:
        base = f"{word(rng)} {rng.choice(GENERIC)}"
        if base in seen:
            continue
        seen.add(base)
        i = len(entities)
        created = f"{rng.randint(1980, 2018)}-{rng.randint(1, 12):02d}-01"
        dissolved = f"{rng.randint(2019, 2025)}-06-30" if rng.random() < 0.05 else None
        entities.append(
            RegistryEntity(
                entity_id=f"companies_house:{i:08d}",
                registry="companies_house",
                names=[RegistryName(name=f"{base} {rng.choice(SUFFIXES)}".strip().upper(), kind="legal")],
                status="dissolved" if dissolved else "active",
                created=created,
                dissolved=dissolved,
                industry_codes=[
                    IndustryCode(scheme="uk_sic_2007", code=rng.choice(["62012", "26110", "70229"]))
                ],
                parent_ids=[f"companies_house:{rng.randrange(i):08d}"] if i and rng.random() < 0.05 else [],
                record_url=f"https://registry.test/{i}",
            )
        )
        names.append(base)
    return entities, names


def ym(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def make_bundle(i: int, names: list[str], rng: random.Random) -> CandidateBundle:
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
        start, end = month - length, month
        employer = rng.choice(names) if rng.random() < 0.92 else f"{word(rng)} {rng.choice(GENERIC)} Global"
        title = rng.choice(TITLES)
        resume.append(
            Employment(
                employment_id=f"greenhouse:{i}:{j}",
                candidate_id=cid,
                source="greenhouse",
                employer=f"{employer} {rng.choice(SUFFIXES)}".strip(),
                title=title,
                start_raw=ym(start),
                end_raw=None if j == 0 else ym(end),
                employment_type="full_time",
                record_ref=f"gh:{i}:{j}",
            )
        )
        if rng.random() < 0.8:
            shift = rng.choice([0, 0, 0, 1, 4])
            prof.append(
                Employment(
                    employment_id=f"linkedin:{i}:{j}",
                    candidate_id=cid,
                    source="linkedin",
                    employer=employer.upper() if rng.random() < 0.3 else employer,
                    title=title if rng.random() < 0.8 else rng.choice(TITLES),
                    start_raw=ym(start + shift),
                    end_raw=None if j == 0 else ym(end),
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applications", type=int, default=100_000)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--chunk", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
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
    entities, names = make_registry(args.entities, rng)
    t1 = time.perf_counter()
    index = RegistryIndex(entities)
    t2 = time.perf_counter()
    del entities
    checked = findings = 0
    check_time = 0.0
    while checked < args.applications:
        n = min(args.chunk, args.applications - checked)
        bundles = [make_bundle(checked + k, names, rng) for k in range(n)]
        start = time.perf_counter()
        for b in bundles:
            findings += len(check_candidate(b, index, config, RunContext("bench", DAY)))
        check_time += time.perf_counter() - start
        checked += n
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"registry entities     {args.entities:>10,}  (generated {t1 - t0:.1f}s, indexed {t2 - t1:.1f}s)")
    print(f"applications checked  {checked:>10,}  in {check_time:.1f}s (generation excluded)")
    print(f"throughput            {checked / check_time:>10,.0f}  applications/s on one process")
    print(f"findings              {findings:>10,}")
    print(f"peak RSS              {peak_kb / 1024:>10,.0f}  MiB")
    print(
        f"cores                 {os.cpu_count():>10}  (the engine is single-threaded per process; "
        "the pipeline fans batches out over workers)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
