"""The sandbox's seeded data set: a fictional hiring world with known, planted discrepancies.

``generate(seed, out_dir)`` writes ``world.json`` and ``labels.csv`` in the format of WORLD.md
(beside this file). The same seed gives byte-identical files. Labels are not a list of intentions:
each candidate is built, then docs/KINDS.md is applied to its ground truth
(``sandbox.gen.truth``), and generation fails if a plant did not produce exactly its kind
(plus documented side effects, e.g. a fabricated employer is also missing from the profiles).

    python -m sandbox.generator --seed 42 --out DIR [--candidates N] [--report-day D]
                                        [--vocabulary default|holdout]

Besides the two files of WORLD.md it writes ``names.csv``: every employer name written on a resume or
profile in one of the real-world classes (ticker, brand, Chinese script, pinyin, namesake ...), with
its class; the evaluation uses it to show no red finding comes from such a name.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from include.engine.kinds import KINDS
from sandbox.gen import vocab as V
from sandbox.gen.brands import form_class
from sandbox.gen.build_registry import build_registry
from sandbox.gen.candidates import build, new_person, plans
from sandbox.gen.people import Ctx
from sandbox.gen.profiles import glued
from sandbox.gen.registry import assign_leis, render
from sandbox.gen.render import Ids, assign_profile_ids, candidate_record, github_record, orcid_record
from sandbox.gen.reviews import requisitions, reviews
from sandbox.gen.titles import GROUPS

HIRING = {"name": "Example Robotics Ltd", "registry_ids": {"companies_house": "01234567"},
          "industry_codes": {"sic": ["26110", "28990"]}, "competitors": ["Rival Dynamics", "Acme Automation Inc"]}
NO_CONSENT_SHARE = 0.1


def build_world(seed: int, n_candidates: int = 400, report_day: str = "2026-11-21",
                vocabulary: str = "default") -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The world (WORLD.md's dict) and its label rows, in memory."""
    world, labels, _names = build_world_and_names(seed, n_candidates, report_day, vocabulary)
    return world, labels


def build_world_and_names(seed: int, n_candidates: int = 400, report_day: str = "2026-11-21",
                          vocabulary: str = "default") -> tuple[dict[str, Any], list[dict[str, str]],
                                                                list[dict[str, str]]]:
    """``build_world`` plus the rows of ``names.csv`` (name, class, company key, the name registries list)."""
    day = date.fromisoformat(report_day)
    rng = random.Random(seed)
    vocab = V.get(vocabulary)
    reg = build_registry(rng, day, vocab=vocab)
    fake = list(vocab.fake_words)
    rng.shuffle(fake)
    ctx = Ctx(rng, reg, day, fake_words=fake)
    ids = Ids(random.Random(rng.random()))
    jobs = requisitions(rng, day)
    n_without = round(n_candidates * NO_CONSENT_SHARE)
    consents = [False] * n_without + [True] * (n_candidates - n_without)
    rng.shuffle(consents)
    ats_order = ["greenhouse" if i % 2 == 0 else "lever" for i in range(n_candidates)]
    rng.shuffle(ats_order)
    with_plans = iter(plans(rng, consents.count(True)))
    without_plans = iter(plans(rng, n_without))
    people, found = [], []
    for i in range(n_candidates):
        p = new_person(ctx, ids, i, ats_order[i], consents[i], jobs)
        kinds = next(with_plans) if p.consent else next(without_plans)
        found.append(build(ctx, p, kinds))
        people.append(p)
    assign_leis(reg)
    out_rng = random.Random(rng.random())
    candidates, orcid, github = [], {}, {}
    for p in people:
        assign_profile_ids(p, ids, out_rng)
        candidates.append(candidate_record(p, ids, out_rng, day, GROUPS.get(p.track, "sw")))
        if p.orcid_id:
            orcid[p.orcid_id] = orcid_record(p, ids, out_rng)
        if p.github_login:
            github[p.github_login] = github_record(p, ids, out_rng, day)
    usage = Counter(j.company.key for p in people for j in p.jobs if j.company)
    employers = [reg.by_key[k] for k, _ in sorted(usage.items(), key=lambda kv: (-kv[1], kv[0]))]
    registries = render(reg, day)
    world = {"seed": seed, "generated_for_day": report_day, "vocabulary": vocabulary,
             "hiring_company": HIRING, "jobs": jobs,
             "candidates": candidates, "orcid": orcid, "github": github, **registries,
             "reviews": reviews(rng, reg, employers, day)}
    unknown = sorted({kind for f in found for kind in f} - set(KINDS))
    if unknown:  # a kind the truth labels but no rule module declares: the world would lie about the engine
        raise ValueError(f"the generator labels kinds that no rule declares: {', '.join(unknown)}")
    labels = [{"candidate_id": p.candidate_id, "kind": kind,
               "note": ("planted: " if kind in p.plan else "follows from the plants: ") + f[kind]}
              for p, f in zip(people, found) if p.consent for kind in KINDS if kind in f]
    return world, labels, name_classes(people, reg)


def name_classes(people: list[Any], reg: Any) -> list[dict[str, str]]:
    """Every written employer name of a real-world class, once, sorted."""
    seen: dict[str, dict[str, str]] = {}
    for p in people:
        written = [(j.company, j.name) for j in p.jobs] + [(pj.company, pj.name) for pj in p.profile_jobs()]
        for c, name in written:
            if c is None:
                continue
            cls = form_class(c, name) or ("namesake" if c.key in reg.namesakes and not c.forms else "")
            if cls and cls != "legal":
                seen.setdefault(name, {"name": name, "class": cls, "company": c.key,
                                       "registered_as": c.native or c.legal or c.display})
        if p.github and p.github.company and (p.github.company.forms or p.github.name == glued(p.github.company)):
            c, name = p.github.company, p.github.name
            cls = "handle" if name.startswith("@") else "glued" if name == glued(c) else form_class(c, name)
            if cls and cls != "legal":
                seen.setdefault(name, {"name": name, "class": cls, "company": c.key,
                                       "registered_as": c.native or c.legal or c.display})
    return [seen[k] for k in sorted(seen)]


def generate(seed: int, out_dir: Path, n_candidates: int = 400, report_day: str = "2026-11-21",
             vocabulary: str = "default") -> Path:
    """Write ``out_dir/world.json``, ``labels.csv`` and ``names.csv``; returns ``out_dir``."""
    out_dir = Path(out_dir)
    world, labels, names = build_world_and_names(seed, n_candidates, report_day, vocabulary)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(world, ensure_ascii=False, indent=1) + "\n"
    (out_dir / "world.json").write_text(text, encoding="utf-8")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["candidate_id", "kind", "note"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(labels)
    (out_dir / "labels.csv").write_text(buf.getvalue(), encoding="utf-8")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["name", "class", "company", "registered_as"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(names)
    (out_dir / "names.csv").write_text(buf.getvalue(), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sandbox.generator", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True, help="directory to write world.json and labels.csv to")
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--report-day", default="2026-11-21", help="YYYY-MM-DD: the day the labels hold for")
    ap.add_argument("--vocabulary", choices=V.NAMES, default="default",
                    help="name pools: default (the demo worlds) or holdout (pools the engine was never tuned on)")
    args = ap.parse_args(argv)
    out = generate(args.seed, Path(args.out), args.candidates, args.report_day, args.vocabulary)
    labels = list(csv.DictReader((out / "labels.csv").open(encoding="utf-8")))
    counts = Counter(row["kind"] for row in labels)
    classes = Counter(row["class"] for row in csv.DictReader((out / "names.csv").open(encoding="utf-8")))
    print(f"world written to {out}: {args.candidates} candidates, {len(labels)} labels "
          f"({args.vocabulary} vocabulary)")
    for kind in KINDS:
        print(f"  {kind:34} {counts.get(kind, 0)}")
    print("  names written in a real-world class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
