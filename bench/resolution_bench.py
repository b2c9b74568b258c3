"""Employer resolution at scale: ``bulk_resolve`` (SQL over the snapshot) against a naive rapidfuzz baseline.

A script, not a test. Each step runs in its own process (``run_all.py`` chains them) so that the
peak memory reported (``ru_maxrss``) is the step's own, not the generator's:

    .venv/bin/python bench/resolution_bench.py prepare  --entities 100000
    .venv/bin/python bench/resolution_bench.py load     --entities 100000 [--engine postgres]
    .venv/bin/python bench/resolution_bench.py sample   --entities 100000 --names 10000
    .venv/bin/python bench/resolution_bench.py resolve  --entities 100000 --names 10000 [--engine postgres]
    .venv/bin/python bench/resolution_bench.py baseline --entities 100000 --names 10000 [--budget 60]

Files live under ``--workdir`` (default ``.var/bench``) and are reused. The last line a step prints
is ``RESULT <json>``. The baseline is ``rapidfuzz.process.extractOne`` of the normalised name over
every normalised registry name (WRatio, cutoff 90); it runs on the first queries of the sample only,
as many as fit in ``--budget`` seconds, and its time is extrapolated to the whole sample.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 1
PG = {"conn_type": "postgres", "host": "127.0.0.1", "port": 5432, "login": "postgres", "schema": "test"}


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def folder(args: argparse.Namespace) -> Path:
    d = Path(args.workdir) / f"e{args.entities}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def spec(args: argparse.Namespace) -> dict[str, Any]:
    if args.engine == "postgres":
        return dict(PG, extra={"search_path": f"cc_bench_e{args.entities}"})
    return {"conn_type": "duckdb", "host": str(folder(args) / "warehouse.duckdb")}


def step_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from sandbox.registry_files.generate import write_snapshot

    d = folder(args)
    marker = d / "prepared.json"
    if marker.exists():
        return json.loads(marker.read_text()) | {"cached": True}
    t = time.perf_counter()
    files = write_snapshot(d, args.entities, seed=SEED)
    out = {
        "entities": args.entities,
        "counts": files.counts,
        "seconds": round(time.perf_counter() - t, 1),
        "bytes": files.companies_house.stat().st_size + files.gleif.stat().st_size,
    }
    marker.write_text(json.dumps(out))
    return out


def step_load(args: argparse.Namespace) -> dict[str, Any]:
    from include.snapshots.load import load_snapshot
    from include.warehouse import connect

    d = folder(args)
    marker = d / f"loaded-{args.engine}.json"
    if marker.exists() and not args.force:
        return json.loads(marker.read_text()) | {"cached": True}
    if args.engine == "duckdb":
        for p in d.glob("warehouse.duckdb*"):
            p.unlink()
    wh = connect(spec(args))
    if args.engine == "postgres":
        wh.execute(f"DROP SCHEMA IF EXISTS cc_bench_e{args.entities} CASCADE")
    wh.migrate()
    t = time.perf_counter()
    reports = [load_snapshot(wh, p) for p in sorted(d.glob("*.csv"))]
    seconds = time.perf_counter() - t
    names = wh.query("SELECT count(*) AS n FROM registry_names")[0]["n"]
    wh.close()
    rows = sum(r.rows_read for r in reports)
    out = {
        "engine": args.engine,
        "entities": sum(r.entities for r in reports),
        "names": names,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_mib": peak_mib(),
        "malformed": sum(r.malformed for r in reports),
    }
    marker.write_text(json.dumps(out))
    return out


def step_sample(args: argparse.Namespace) -> dict[str, Any]:
    from sandbox.registry_files.sample import employer_sample

    path = folder(args) / f"sample-{args.names}.jsonl"
    if path.exists():
        return {"path": str(path), "cached": True}
    t = time.perf_counter()
    sample = employer_sample(args.names, args.entities, seed=SEED)
    with path.open("w", encoding="utf-8") as fh:
        for s in sample:
            fh.write(json.dumps({"name": s.name, "entity_id": s.entity_id, "variation": s.variation}) + "\n")
    return {"path": str(path), "seconds": round(time.perf_counter() - t, 1)}


def read_sample(args: argparse.Namespace) -> list[dict[str, Any]]:
    path = folder(args) / f"sample-{args.names}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def score(sample: list[dict[str, Any]], found: dict[str, tuple[str | None, list[str]]]) -> dict[str, Any]:
    """Recall on derived names (per variation), false hits on fabricated ones, wrong-entity hits."""
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    fab = fab_hits = wrong = 0
    for s in sample:
        eid, family = found.get(s["name"], (None, []))
        if s["entity_id"] is None:
            fab += 1
            fab_hits += eid is not None
            continue
        total[s["variation"]] += 1
        good = eid == s["entity_id"] or s["entity_id"] in family
        ok[s["variation"]] += good
        wrong += eid is not None and not good
    derived = sum(total.values())
    return {
        "recall": round(sum(ok.values()) / max(1, derived), 4),
        "derived": derived,
        "fabricated": fab,
        "fabricated_hits": fab_hits,
        "wrong_entity": wrong,
        "by_variation": {k: round(ok[k] / total[k], 3) for k in sorted(total)},
    }


def step_resolve(args: argparse.Namespace) -> dict[str, Any]:
    from include.engine.bulk_resolve import resolve_names
    from include.warehouse import connect

    sample = read_sample(args)
    names = [s["name"] for s in sample]
    wh = connect(spec(args))
    resolve_names(wh, ["warm up imports Ltd"])
    before = rss_mib()
    stats: dict[str, Any] = {}
    t = time.perf_counter()
    res = resolve_names(wh, names, stats)
    seconds = time.perf_counter() - t
    wh.close()
    found = {n: (r.entity_id, sorted(r.family)) for n, r in res.items()}
    out_path = folder(args) / f"bulk-{args.names}-{args.engine}.json"
    out_path.write_text(json.dumps({n: v[0] for n, v in found.items()}))
    return {
        "engine": args.engine,
        "entities": args.entities,
        "names": len(names),
        "seconds": round(seconds, 2),
        "names_per_s": round(len(names) / seconds),
        "rss_before_mib": before,
        "peak_mib": peak_mib(),
        "stats": stats,
        **score(sample, found),
    }


def step_baseline(args: argparse.Namespace) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from include.engine.names import normalise_company
    from include.warehouse import connect

    sample = read_sample(args)
    wh = connect(spec(args))
    rows = wh.query("SELECT normalized, entity_id FROM registry_names")
    wh.close()
    choices = [r["normalized"] for r in rows]
    owners = [r["entity_id"] for r in rows]
    del rows
    found: dict[str, tuple[str | None, list[str]]] = {}
    t = time.perf_counter()
    done = 0
    for s in sample:
        hit = process.extractOne(
            normalise_company(s["name"]), choices, scorer=fuzz.WRatio, processor=None, score_cutoff=90
        )
        found[s["name"]] = (owners[hit[2]] if hit else None, [])
        done += 1
        if time.perf_counter() - t > args.budget and done >= 20:
            break
    seconds = time.perf_counter() - t
    subset = sample[:done]
    bulk_path = folder(args) / f"bulk-{args.names}-duckdb.json"
    bulk = json.loads(bulk_path.read_text()) if bulk_path.exists() else {}
    bulk_same = score(subset, {s["name"]: (bulk.get(s["name"]), []) for s in subset}) if bulk else None
    per_query = seconds / done
    return {
        "entities": args.entities,
        "names": len(sample),
        "queries_run": done,
        "seconds": round(seconds, 2),
        "per_query_ms": round(per_query * 1000, 2),
        "extrapolated_s": round(per_query * len(sample)),
        "names_per_s": round(1 / per_query, 1),
        "peak_mib": peak_mib(),
        **score(subset, found),
        "bulk_on_same_subset": bulk_same,
    }


def step_export(args: argparse.Namespace) -> dict[str, Any]:
    """Registry names and the normalised sample as TSV, for comparators outside the project venv."""
    import csv

    from include.engine.names import normalise_company
    from include.warehouse import connect

    d = folder(args)
    reg = d / "registry-names.tsv"
    if not reg.exists():
        wh = connect(spec(args))
        rows = wh.query("SELECT normalized, entity_id FROM registry_names ORDER BY entity_id, name, kind")
        wh.close()
        with reg.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t").writerows((r["normalized"], r["entity_id"]) for r in rows)
    with (d / f"queries-{args.names}.tsv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        for s in read_sample(args):
            out.writerow((normalise_company(s["name"]), s["name"], s["entity_id"] or "", s["variation"]))
    return {"registry": str(reg), "queries": args.names}


STEPS = {
    "prepare": step_prepare,
    "load": step_load,
    "sample": step_sample,
    "resolve": step_resolve,
    "baseline": step_baseline,
    "export": step_export,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=sorted(STEPS))
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--names", type=int, default=1_000)
    ap.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    ap.add_argument("--workdir", default=str(ROOT / ".var" / "bench"))
    ap.add_argument("--budget", type=float, default=60.0, help="seconds the baseline may run")
    ap.add_argument("--force", action="store_true", help="reload even when a load is cached")
    args = ap.parse_args()
    print("RESULT " + json.dumps(STEPS[args.step](args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
