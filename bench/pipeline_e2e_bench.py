"""End-to-end pipeline time per 1k applications: `crosscheck run` through Airflow against the sandbox,
on generated worlds of growing size, each in a fresh DuckDB warehouse (a benchmark, not a test).

    .venv/bin/python bench/pipeline_e2e_bench.py --sizes 1000,10000 [--registry 100000] [--work DIR]

Per size it generates a sandbox world of that many candidates (one application each, both ATSs), serves
it, and runs the whole daily pipeline once (`crosscheck run --date 2026-11-21`: ingest -> check -> report,
every task through Airflow's `dag.test`). With ``--registry N`` the warehouse first gets a register of N
entities as bulk snapshot files (Companies House free company data CSV + GLEIF golden copy CSV): the
world's live Companies House companies, its LEI records and their parents (the Level 2 relationship
file), padded with generated entities
(``sandbox.snapshots``), loaded by the same code as the monthly snapshot DAG (timed on its own
line, not counted in the run); the run then resolves employers locally first and calls the registry
APIs only for misses (dissolved companies, OpenCorporates-only ones, fabricated employers).

Prints, per size: wall time of `crosscheck run`, seconds per 1k applications, the ratio to the
previous size (the cost target: 10x the applications <= 12x the time), each DAG's own time, the peak
RSS of the largest single process of the run (and the DAG running when it peaked) and of the run's
whole process tree (sampled every 0.2 s; the sandbox serves from this process and is not counted), the
(candidate, kind) pairs flagged with the lowest precision and recall of any kind against the world's
labels (and, below the row, each kind that scored under 1.000), and how many employer names
resolved locally out of all; below each row, the eight costliest tasks (seconds summed over mapped
runs, from the Airflow log's ``dag.test`` start and end lines). The machine's core
count and load come first. With --work, worlds, warehouses and Airflow logs are kept there.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = "2026-11-21"
DAG_TIME = re.compile(r"crosscheck: crosscheck_(\w+): (\w+) in ([0-9.]+)s")
AIRFLOW_LOG = re.compile(r"Airflow's log: (\S+)")
TASK_EDGE = re.compile(r"^(\S+?)Z? .*\[DAG TEST\] (starting|end task) task_id=(\w+) map_index=(-?\d+)")


def task_times(log: Path) -> dict[str, tuple[float, int]]:
    """Seconds and runs per task id (mapped indexes summed), from ``dag.test``'s start and end lines."""
    from datetime import datetime

    started: dict[tuple[str, str], datetime] = {}
    out: dict[str, tuple[float, int]] = {}
    with log.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not (m := TASK_EDGE.match(line)):
                continue
            at, key = datetime.fromisoformat(m[1]), (m[3], m[4])
            if m[2] == "starting":
                started[key] = at
            elif key in started:
                seconds, runs = out.get(m[3], (0.0, 0))
                out[m[3]] = (seconds + (at - started.pop(key)).total_seconds(), runs + 1)
    return out


class PeakRss:
    """Samples a process tree's resident memory: the largest single process, and the tree's sum."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.single = self.tree = 0
        self.single_at = 0.0  # time.monotonic() of the largest single-process sample
        self.samples: list[tuple[float, int]] = []  # (time.monotonic(), the largest process's RSS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                procs = [self.root, *self.root.children(recursive=True)]
                rss = []
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        rss.append(p.memory_info().rss)
                if rss:
                    self.samples.append((time.monotonic(), max(rss)))
                    if max(rss) > self.single:
                        self.single, self.single_at = max(rss), time.monotonic()
                    self.tree = max(self.tree, sum(rss))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRss:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def load_registry(n: int, world: Path, warehouse: Path) -> str:
    """The world's live Companies House companies and GLEIF records, padded with generated entities to
    ``n``, written as snapshot files and loaded into a fresh warehouse as the monthly snapshot DAG does."""
    from include.snapshots.load import load_snapshot
    from include.snapshots.normalised import renormalise_if_stale
    from include.warehouse import connect
    from sandbox.snapshots import export_snapshots

    files_dir = world / f"registry-{n}"
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    files = export_snapshots(data, files_dir, pad_to=n)
    del data
    t0 = time.monotonic()
    wh = connect({"conn_type": "duckdb", "host": str(warehouse)})
    try:
        wh.migrate()
        loaded = sum(load_snapshot(wh, path).entities for path in (files.companies_house, files.gleif))
        links = load_snapshot(wh, files.relationships).relationships
        renormalise_if_stale(wh)
    finally:
        wh.close()
    c = files.counts
    return (f"registry snapshot: {loaded:,} entities ({c['companies_house']:,} Companies House and {c['gleif']:,} "
            f"GLEIF of the world, {c['generated']:,} generated) and {links:,} parent links loaded in "
            f"{time.monotonic() - t0:.0f}s")


def run_once(n: int, work: Path, registry: int) -> dict[str, object]:
    from sandbox.generator import generate
    from sandbox.server import Sandbox
    from sandbox.world import World

    world = work / f"world-{n}"
    if not (world / "world.json").exists():
        t0 = time.monotonic()
        generate(42, world, n_candidates=n, report_day=DAY)
        print(f"  (world of {n:,} candidates generated in {time.monotonic() - t0:.0f}s)", flush=True)
    warehouse = work / f"wh-{n}.duckdb"
    for stale in (warehouse, Path(f"{warehouse}.wal")):
        stale.unlink(missing_ok=True)
    if registry:
        print(f"  ({load_registry(registry, world, warehouse)})", flush=True)
    config = write_config(work / f"c-{n}.yaml", work / f"data-{n}")
    with Sandbox(World.load(world)) as sb:
        r = run_cli(DAY, sb, warehouse, config, work / f"af-{n}", work / f"run-{n}.out")
    return {"n": n, **r, **accuracy(warehouse, world), "plan": registry_plan(work / f"data-{n}")}


def write_config(path: Path, data_dir: Path) -> Path:
    """The sandbox's Crosscheck configuration with its own ``data_dir`` (run folders, reports)."""
    path.write_text((ROOT / "sandbox/crosscheck.yaml").read_text() + f"\ndata_dir: {data_dir}\n")
    return path


def run_cli(day: str, sb: Any, warehouse: Path, config: Path, airflow_home: Path, out: Path,
            args: tuple[str, ...] = ()) -> dict[str, Any]:
    """``crosscheck run --date day`` in a child process against the sandbox ``sb`` and the DuckDB
    ``warehouse``; its output goes to ``out``. Returns the wall time (``seconds``), ``result``, each
    DAG's time (``dags``), the task times of the Airflow log (``tasks``), the peak RSS of the largest
    process (``single_mib``, and the DAG running then: ``peak_in``; each DAG's: ``dag_mib``) and of the process
    tree (``tree_mib``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
    env.update({f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sb.connections().items()})
    env.update({"AIRFLOW_CONN_CROSSCHECK_WAREHOUSE": json.dumps({"conn_type": "duckdb", "host": str(warehouse)}),
                "AIRFLOW_HOME": str(airflow_home), "CROSSCHECK_CONFIG": str(config), "PYTHONPATH": str(ROOT)})
    t0 = time.monotonic()
    log_path: Path | None = None
    ended: list[tuple[float, str]] = []  # (time.monotonic(), dag) as each DAG's line is printed
    dags: dict[str, float] = {}
    with out.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "include.cli", "run", "--date", day, *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with PeakRss(proc.pid) as peak:
            assert proc.stdout is not None
            for line in proc.stdout:
                fh.write(line)
                if m := DAG_TIME.search(line):
                    ended.append((time.monotonic(), m[1]))
                    dags[m[1]] = float(m[3])
                elif m := AIRFLOW_LOG.search(line):
                    log_path = Path(m[1])
            code = proc.wait()
    seconds = time.monotonic() - t0
    peak_in = next((dag for at, dag in ended if at >= peak.single_at), "after")
    return {"seconds": seconds, "result": "ok" if code == 0 else f"exit {code}", "dags": dags, "peak_in": peak_in,
            "dag_mib": peak_by_dag(peak.samples, ended),
            "tasks": task_times(log_path) if log_path else {}, "single_mib": peak.single / 2**20,
            "tree_mib": peak.tree / 2**20}


def peak_by_dag(samples: list[tuple[float, int]], ended: list[tuple[float, str]]) -> dict[str, float]:
    """The largest process's peak RSS (MiB) while each DAG ran: the samples up to the line that printed
    its end, after the one before."""
    out: dict[str, float] = {}
    start = 0.0
    for at, dag in ended:
        window = [rss for t, rss in samples if start <= t <= at]
        out[dag] = max(window, default=0) / 2**20
        start = at
    return out


def accuracy(warehouse: Path, world: Path) -> dict[str, object]:
    """Findings written, and the lowest precision and recall of any kind against the world's labels."""
    from evaluation.warehouse import labelled_pairs, predicted_pairs, score
    from include.warehouse import connect

    try:
        wh = connect({"conn_type": "duckdb", "host": str(warehouse)})
    except Exception as exc:  # noqa: BLE001 - a failed run may leave no warehouse; the row says so
        return {"findings": -1, "min_p": float("nan"), "min_r": float("nan"), "error": str(exc)}
    try:
        predicted = predicted_pairs(wh)
    finally:
        wh.close()
    scores = score(predicted, labelled_pairs(world))
    below = {k: s for k, s in scores.items() if s["precision"] < 1 or s["recall"] < 1}
    return {"findings": len(predicted), "min_p": min(s["precision"] for s in scores.values()),
            "min_r": min(s["recall"] for s in scores.values()),
            "below": "; ".join(f"{k} P {s['precision']:.3f} R {s['recall']:.3f}" for k, s in sorted(below.items()))}


def registry_plan(data_dir: Path) -> str:
    """How many employer names the run resolved locally and how many it sent to the registry APIs."""
    parts = sorted(data_dir.glob("runs/*/manifest/registry-plan.json"))
    if not parts:
        return "?"
    plan = json.loads(parts[-1].read_text(encoding="utf-8"))
    return f"{plan['resolved_locally']}/{plan['names']}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="candidates (= applications) per run, comma-separated")
    ap.add_argument("--registry", type=int, default=0, help="entities in a bulk registry snapshot loaded first")
    ap.add_argument("--work", help="keep worlds, warehouses and logs in this directory (default: a temporary one)")
    ap.add_argument("--github-quota", type=int, default=1_000_000,
                    help="the sandbox's hourly GitHub quota per token (GitHub's own is 5,000: a world of more "
                         "than ~12k candidates would wait for its reset, which measures the quota, not Crosscheck)")
    args = ap.parse_args()
    from sandbox.apis import github

    github.LIMITS["token"] = args.github_quota
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; "
          f"registry snapshot: {args.registry:,} entities" if args.registry else
          f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; registries through their APIs only",
          flush=True)
    print(f"sandbox GitHub quota: {args.github_quota:,} requests an hour per token (GitHub's: 5,000)", flush=True)
    head = (f"{'apps':>7} {'seconds':>8} {'s/1k':>6} {'vs previous':>14} {'ingest':>7} {'check':>6} {'report':>6} "
            f"{'peak MiB':>8} {'in':>7} {'tree MiB':>8} {'flagged':>8} {'min P':>5} {'min R':>5} {'local':>11}  result")
    rows: list[str] = []
    prev = None
    with contextlib.ExitStack() as stack:
        if args.work:
            work = Path(args.work).resolve()  # the warehouse path goes to Airflow, which wants it absolute
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-e2e-bench-")))
        for n in sizes:
            r = run_once(n, work, args.registry)
            s = float(r["seconds"])  # type: ignore[arg-type]
            ratio = f"{s / prev[1]:.1f}x for {n / prev[0]:.0f}x" if prev else "-"
            dags: dict[str, float] = r["dags"]  # type: ignore[assignment]
            times = " ".join(f"{dags.get(d, float('nan')):{w}.0f}" for d, w in (("ingest", 7), ("check", 6),
                                                                                   ("report", 6)))
            rows.append(f"{n:>7} {s:8.1f} {s / n * 1000:6.1f} {ratio:>14} {times} {r['single_mib']:8.0f} {r['peak_in']:>7} "
                        f"{r['tree_mib']:8.0f} {r['findings']:>8} {r['min_p']:5.3f} {r['min_r']:5.3f} {r['plan']:>11}  {r['result']}")
            print(head, *rows, sep="\n", flush=True) if len(rows) == 1 else print(rows[-1], flush=True)
            tasks: dict[str, tuple[float, int]] = r["tasks"]  # type: ignore[assignment]
            top = sorted(tasks.items(), key=lambda kv: -kv[1][0])[:8]
            print(f"        task seconds at {n:,}: " + ", ".join(f"{t} {sec:.0f}" + (f" (x{k})" if k > 1 else "")
                                                          for t, (sec, k) in top), flush=True)
            if r.get("below"):
                print(f"        kinds below 1.000 at {n:,}: {r['below']}", flush=True)
            prev = (n, s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
