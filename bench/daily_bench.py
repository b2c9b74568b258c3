"""The daily run: day 1 on a history of N candidates, then day 2 with 1% of the applications new or changed,
both through Airflow in one warehouse (a benchmark, not a test).

    .venv/bin/python bench/daily_bench.py [--history 10000] [--fraction 0.01] [--registry 100000] [--work DIR]
    make bench-daily BENCH_DAILY_ARGS="--history 100000"

It generates a sandbox world of N candidates (one application each; ``N * fraction / 2`` more are held
back to arrive on day 2: ``sandbox.mutate.hold_back``), loads a register of ``--registry`` entities as
snapshot files into a fresh DuckDB warehouse (as ``bench/pipeline_e2e_bench.py`` does; not timed), and
initialises a fresh Airflow metadata database (not timed). Day 1: the sandbox serves the world and
``crosscheck run --date 2026-11-21`` runs. Day 2: ``sandbox.mutate.advance_world`` writes the next
day's world, a ``--fraction`` of its applications new (the held-back candidates) or changed (a stage,
an e-mail address, a new current job; ``updated_at`` within day 2), a new sandbox serves it, and
``crosscheck run --date 2026-11-22`` runs on the same warehouse, Airflow home and data folder.

For each day it prints the wall time of ``crosscheck run`` and each DAG's time; the requests each source
answered, counted by the sandbox (``Sandbox.stats``: every answer, 304s included, whatever the
pipeline reports), with the 304s and the busiest endpoints, and the pipeline's own request counts when
its manifest has them; candidates re-checked (the check plan's candidates, and the manifest's
``candidates_checked``) against all candidates in the warehouse; profiles planned and registry API
look-ups; peak RSS of the largest process and of the run's process tree (the sandbox serves from this
process and is not counted); the largest report file written that day; and the costliest tasks. Day 2
also gives requests per changed candidate for each profile source (the stale refresh included: the
sandbox cannot tell it apart). The last line is day 2 as a ratio of day 1, in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline_e2e_bench import DAY, load_registry, run_cli, write_config

DAY2 = (date.fromisoformat(DAY) + timedelta(days=1)).isoformat()
PROFILE_SOURCES = ("orcid", "github")
SOURCES_SHOWN = ("greenhouse", "lever", "orcid", "github", "companies_house", "gleif", "opencorporates", "reviews")


def prepare_worlds(work: Path, history: int, fraction: float, seed: int) -> tuple[Path, Path, dict[str, int]]:
    """Day 1's world of ``history`` candidates (generated once per size and seed, then reused) and day 2's."""
    from sandbox.generator import generate
    from sandbox.mutate import HELD_BACK, advance_world, hold_back

    share = max(1, round(history * fraction))
    arriving = share // 2
    day1 = work / f"world-{history}-s{seed}-f{fraction}"
    if not ((day1 / "world.json").exists() and ((day1 / HELD_BACK).exists() or not arriving)):
        shutil.rmtree(day1, ignore_errors=True)
        t0 = time.monotonic()
        generate(seed, day1, n_candidates=history + arriving, report_day=DAY)
        hold_back(day1, arriving, seed)
        print(f"  (world of {history:,} candidates, {arriving:,} more held back for day 2, generated in "
              f"{time.monotonic() - t0:.0f}s)", flush=True)
    day2 = work / f"{day1.name}-day2"
    shutil.rmtree(day2, ignore_errors=True)
    t0 = time.monotonic()
    changes = advance_world(day1, day2, fraction, seed, DAY2)
    print(f"  (day 2's world: {changes['new']:,} new, {changes['stage']:,} moved on a stage, {changes['contact']:,} "
          f"new e-mail, {changes['resume']:,} new current job; written in {time.monotonic() - t0:.0f}s)", flush=True)
    return day1, day2, changes


def init_airflow(home: Path, config: Path) -> float:
    """A fresh Airflow metadata database in ``home``, as ``crosscheck run`` would create it; seconds taken."""
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
    env.update({"AIRFLOW_HOME": str(home), "CROSSCHECK_CONFIG": str(config), "PYTHONPATH": str(ROOT)})
    t0 = time.monotonic()
    code = "from include.cli_run import init_airflow_db, prepare_airflow_env; prepare_airflow_env(); init_airflow_db()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.monotonic() - t0


def run_id_of(out: Path) -> str | None:
    for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("crosscheck: run ") and " for report day " in line:
            return line.split()[2]
    return None


def manifest_parts(data_dir: Path, run_id: str | None) -> dict[str, Any]:
    folder = data_dir / "runs" / str(run_id) / "manifest"
    parts: dict[str, Any] = {}
    for path in sorted(folder.glob("*.json")) if run_id else []:
        with contextlib.suppress(ValueError, OSError):
            parts[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return parts


def plan_size(data_dir: Path, run_id: str | None, name: str) -> int | None:
    """Items in one of the run's plans (``check``: candidates re-checked; ``profiles``: candidates whose
    profiles are read; ``registries``: names sent to the registry APIs), or None if it has none."""
    path = data_dir / "runs" / str(run_id) / "plan" / f"{name}.json"
    if not run_id or not path.exists():
        return None
    return sum(len(chunk) for chunk in json.loads(path.read_text(encoding="utf-8")))


def pipeline_requests(parts: dict[str, Any]) -> dict[str, int]:
    """Requests per source as the pipeline's own manifest parts count them (a ``requests`` key, a number
    or ``{source: n}``), if it does: the sandbox's count is the one compared."""
    out: dict[str, int] = {}
    for name, part in parts.items():
        value = part.get("requests") if isinstance(part, dict) else None
        if isinstance(value, dict) and name.startswith("source-") and isinstance(value.get("requests"), int):
            value = value["requests"]  # one source's client counters: {"requests": n, "not_modified": n, ...}
        if isinstance(value, int) and name.startswith("source-"):
            out[name.removeprefix("source-")] = out.get(name.removeprefix("source-"), 0) + value
        elif isinstance(value, dict):
            for source, n in value.items():
                if isinstance(n, dict):  # a chunk's client counters: {"requests": n, "not_modified": n, ...}
                    n = n.get("requests")
                if isinstance(n, int):
                    out[source] = out.get(source, 0) + n
    return out


def largest_report(reports: Path, since: float) -> tuple[str, int, int, int]:
    """The largest file written under ``reports`` since ``since`` (epoch seconds): its path relative
    to ``reports``, its size, and how many files and bytes were written in all."""
    best, size, files, total = "-", 0, 0, 0
    for path in reports.rglob("*") if reports.is_dir() else []:
        with contextlib.suppress(OSError):
            st = path.stat()
            if path.is_file() and st.st_mtime >= since:
                files += 1
                total += st.st_size
                if st.st_size > size:
                    best, size = str(path.relative_to(reports)), st.st_size
    return best, size, files, total


def candidates_in(warehouse: Path) -> tuple[int, int]:
    """Candidates in the warehouse, and those with consent (the ones a full run checks)."""
    from include.warehouse import connect

    wh = connect({"conn_type": "duckdb", "host": str(warehouse)})
    try:
        row = wh.query("SELECT count(*) AS n, count(*) FILTER (WHERE consent_given) AS c FROM candidates")[0]
        return int(row["n"]), int(row["c"])
    finally:
        wh.close()


def run_day(label: str, day: str, world: Path, work: Path, warehouse: Path, config: Path, port: int = 0
            ) -> dict[str, Any]:
    """One day's run against the sandbox serving ``world`` on ``port`` (0: any free port). Day 2 is served
    on day 1's port: the sources' addresses are part of what the pipeline stores (record URLs), and in
    production they do not move overnight, so a new port would make every record look changed."""
    from sandbox.server import Sandbox
    from sandbox.world import World

    data_dir = work / "data"
    out = work / f"run-{label.replace(' ', '')}.out"
    started = time.time()
    with Sandbox(World.load(world), port=port) as sb:
        r = run_cli(day, sb, warehouse, config, work / "af", out)
        stats = sb.stats()
    run_id = run_id_of(out)
    parts = manifest_parts(data_dir, run_id)
    check = parts.get("crosscheck", {})
    return {**r, "label": label, "day": day, "run_id": run_id, "port": sb.port, "stats": stats, "pipeline": pipeline_requests(parts),
            # re-checked: the check step's own count (incremental checks), else every planned candidate
            "rechecked": (check.get("incremental") or {}).get("rechecked", plan_size(data_dir, run_id, "check")),
            "checked": check.get("candidates_checked"),
            "check_plan": (check.get("incremental") or {}).get("plan") or {},
            "profiles": plan_size(data_dir, run_id, "profiles"),
            "lookups": parts.get("registry-plan", {}).get("api_lookups"),
            "report": largest_report(data_dir / "reports", started), "candidates": candidates_in(warehouse),
            "load": os.getloadavg()[1]}


DAY1_STATE = "day1-state"
STATE_PARTS = ("warehouse.duckdb", "data", "af")


def keep_day1(work: Path, first: dict[str, Any]) -> None:
    """Day 1's warehouse, data folder and Airflow home, and its figures, copied to ``work/day1-state``."""
    state = work / DAY1_STATE
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir()
    for part in STATE_PARTS:
        src = work / part
        if src.is_dir():
            shutil.copytree(src, state / part, symlinks=True)
        elif src.exists():
            shutil.copy2(src, state / part)
    (state / "day1.json").write_text(json.dumps(first, default=list), encoding="utf-8")


def restore_day1(work: Path) -> dict[str, Any]:
    """The kept day-1 state put back in ``work`` (a fresh copy: day 2 changes it); day 1's figures."""
    state = work / DAY1_STATE
    if not (state / "day1.json").is_file():
        raise SystemExit(f"daily_bench: no day-1 state in {state}: run with --keep-day1 first")
    for part in STATE_PARTS:
        dst = work / part
        shutil.rmtree(dst, ignore_errors=True) if dst.is_dir() else dst.unlink(missing_ok=True)
        src = state / part
        if src.is_dir():
            shutil.copytree(src, dst, symlinks=True)
        elif src.exists():
            shutil.copy2(src, dst)
    first = json.loads((state / "day1.json").read_text(encoding="utf-8"))
    first["tasks"] = {t: tuple(v) for t, v in first["tasks"].items()}
    first["report"] = tuple(first["report"])
    return first


def mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n / 2**10:,.0f} KiB"


def print_day(r: dict[str, Any], changed: int | None) -> None:
    stats = r["stats"]
    total = sum(stats["requests"].values())
    dags = ", ".join(f"{d} {s:.0f}s" for d, s in r["dags"].items())
    print(f"{r['label']} ({r['day']}, run {r['run_id']}): {r['result']}", flush=True)
    print(f"  wall time: {r['seconds']:.1f}s ({dags}); machine load average over the last 5 minutes {r['load']:.1f}")
    print(f"  requests: {total:,} in all; " + ", ".join(f"{s} {stats['requests'].get(s, 0):,}" for s in SOURCES_SHOWN))
    not_modified = {s: v.get("304", 0) for s, v in stats["by_status"].items() if v.get("304")}
    if not_modified:
        print("  of which 304 Not Modified: " + ", ".join(f"{s} {n:,}" for s, n in not_modified.items()))
    endpoints = sorted(((n, f"{s} {e}") for s, by in stats["by_endpoint"].items() for e, n in by.items()), reverse=True)
    print("  busiest endpoints: " + ", ".join(f"{name} {n:,}" for n, name in endpoints[:6]))
    if changed:
        print(f"  per changed candidate ({changed:,}), stale refresh included: "
              + ", ".join(f"{s} {stats['requests'].get(s, 0) / changed:.2f}" for s in PROFILE_SOURCES))
    own = r["pipeline"]
    print("  the pipeline's manifest counts: " + (", ".join(f"{s} {n:,}" for s, n in sorted(own.items())) if own
                                                 else "no request counts in its manifest"))
    rechecked = r["rechecked"]
    everyone, consenting = r["candidates"]
    print(f"  candidates re-checked: {rechecked if rechecked is not None else 'n/a'} of {consenting:,} with consent "
          f"({everyone:,} in the warehouse)" + (" (all: the pipeline re-checks every one)" if rechecked == consenting else "")
          + f"; manifest candidates_checked {r['checked']}; profiles planned "
          f"for {r['profiles'] if r['profiles'] is not None else 'n/a'}; registry API look-ups {r['lookups']}")
    plan = r.get("check_plan") or {}
    if plan:
        why = ", ".join(f"{k} {n:,}" for k, n in plan.get("loaded_by_reason", {}).items() if n)
        print(f"  check plan: {plan.get('loaded', 0):,} loaded ({why or 'none'}), {plan.get('carried_unread', 0):,} "
              f"carried unread ({plan.get('carried_after_register_change', 0):,} of them after a register change)")
    by_dag = ", ".join(f"{d.removeprefix('crosscheck_')} {m:,.0f}" for d, m in (r.get("dag_mib") or {}).items())
    print(f"  peak RSS: largest process {r['single_mib']:,.0f} MiB (in {r['peak_in']}), process tree "
          f"{r['tree_mib']:,.0f} MiB" + (f"; by DAG: {by_dag} MiB" if by_dag else ""))
    name, size, files, written = r["report"]
    print(f"  largest report file: {name} {mib(size)} ({files} report files, {mib(written)} written)")
    top = sorted(r["tasks"].items(), key=lambda kv: -kv[1][0])[:8]
    print("  costliest tasks: " + ", ".join(f"{t} {sec:.0f}s" + (f" (x{k})" if k > 1 else "") for t, (sec, k) in top),
          flush=True)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--history", type=int, default=10_000, help="candidates (= applications) before day 2")
    ap.add_argument("--fraction", type=float, default=0.01, help="share of the applications new or changed on day 2")
    ap.add_argument("--registry", type=int, default=100_000,
                    help="entities in the bulk registry snapshot loaded first (0: registries through their APIs only)")
    ap.add_argument("--seed", type=int, default=42, help="the world's seed (and which applications change)")
    ap.add_argument("--work", help="keep worlds, the warehouse and logs here (default: a temporary folder)")
    ap.add_argument("--keep-day1", action="store_true",
                    help="with --work: copy day 1's warehouse, Airflow home and data folder to WORK/day1-state, "
                         "so --day2-only can measure day 2 again (day 1 at 100k takes over an hour)")
    ap.add_argument("--day2-only", action="store_true",
                    help="with --work: restore WORK/day1-state (kept by --keep-day1) and run day 2 only, "
                         "against day 1's recorded figures")
    ap.add_argument("--github-quota", type=int, default=1_000_000,
                    help="the sandbox's hourly GitHub quota per token (GitHub's own is 5,000; see pipeline_e2e_bench)")
    args = ap.parse_args(argv)
    if args.history < 2 or not 0 < args.fraction <= 1:
        ap.error("--history is at least 2 and --fraction above 0 and at most 1")
    if (args.keep_day1 or args.day2_only) and not args.work:
        ap.error("--keep-day1 and --day2-only need --work (the folder day 1's state is kept in)")
    from sandbox.apis import github

    github.LIMITS["token"] = args.github_quota
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; history {args.history:,} candidates; "
          f"day 2: {args.fraction:.1%} of the applications new or changed; registry snapshot "
          f"{args.registry:,} entities; sandbox GitHub quota {args.github_quota:,} an hour", flush=True)
    with contextlib.ExitStack() as stack:
        if args.work:
            work = Path(args.work).resolve()
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-daily-bench-")))
        day1, day2, changes = prepare_worlds(work, args.history, args.fraction, args.seed)
        warehouse = work / "warehouse.duckdb"
        for stale in (warehouse, Path(f"{warehouse}.wal")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(work / "data", ignore_errors=True)
        config = write_config(work / "crosscheck.yaml", work / "data")
        if args.day2_only:
            first = restore_day1(work)
            print(f"  (day 1's state restored from {work / DAY1_STATE}, its figures as recorded)", flush=True)
        else:
            if args.registry:
                print(f"  ({load_registry(args.registry, day1, warehouse)})", flush=True)
            print(f"  (Airflow metadata database initialised in {init_airflow(work / 'af', config):.0f}s)", flush=True)
            first = run_day("day 1", DAY, day1, work, warehouse, config)
            if args.keep_day1:
                keep_day1(work, first)
        print_day(first, None)
        second = run_day("day 2", DAY2, day2, work, warehouse, config, port=first["port"])
        print_day(second, changes["candidates"])
    requests = [sum(r["stats"]["requests"].values()) for r in (first, second)]
    re1, re2 = first["rechecked"], second["rechecked"]
    print(f"day2/day1: wall {ratio(second['seconds'], first['seconds'])}, requests {ratio(requests[1], requests[0])}, "
          f"re-checked {ratio(re2, re1) if re1 and re2 is not None else 'n/a'}, "
          f"peak RSS {ratio(second['single_mib'], first['single_mib'])}", flush=True)
    return 0 if first["result"] == second["result"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
