"""End-to-end pipeline time per 1k applications: `crosscheck run` through Airflow against the sandbox,
on generated worlds of growing size, each in a fresh DuckDB warehouse (a benchmark, not a test).

    .venv/bin/python bench/pipeline_e2e_bench.py --sizes 100,1000 [--work DIR]

Prints, per size: wall time of `crosscheck run`, seconds per 1k applications, the ratio to the previous
size, each DAG's own time (ingest / check / report, as `crosscheck run` reports them) and the peak RSS of
the run's processes (the sandbox serves from this process and is not counted). With --work, worlds,
warehouses and Airflow logs are kept there for inspection.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


DAG_TIME = re.compile(r"crosscheck: crosscheck_(\w+): (\w+) in ([0-9.]+)s")


def run_once(n: int, work: Path) -> tuple[float, float, str, dict[str, float]]:
    from include.sandbox.generator import generate
    from include.sandbox.server import Sandbox
    from include.sandbox.world import World

    world = work / f"world-{n}"
    generate(42, world, n_candidates=n, report_day="2026-11-21")
    config = work / f"c-{n}.yaml"
    config.write_text((ROOT / "include/sandbox/crosscheck.yaml").read_text() + f"\ndata_dir: {work / f'data-{n}'}\n")
    with Sandbox(World.load(world)) as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
        env.update({f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sb.connections().items()})
        env.update({"AIRFLOW_CONN_CROSSCHECK_WAREHOUSE": json.dumps({"conn_type": "duckdb",
                                                                      "host": str(work / f"wh-{n}.duckdb")}),
                    "AIRFLOW_HOME": str(work / f"af-{n}"), "CROSSCHECK_CONFIG": str(config),
                    "PYTHONPATH": str(ROOT)})
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "include.cli", "run", "--date", "2026-11-21"], env=env,
                              capture_output=True, text=True, check=False)
        seconds = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    (work / f"run-{n}.out").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    dags = {m[1]: float(m[3]) for m in DAG_TIME.finditer(proc.stdout + proc.stderr)}
    return seconds, peak, "ok" if proc.returncode == 0 else f"exit {proc.returncode}", dags


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--work", help="keep worlds, warehouses and logs in this directory (default: a temporary one)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cores: {os.cpu_count()}")
    print(f"{'candidates':>10} {'seconds':>8} {'s per 1k':>9} {'vs previous':>11} {'ingest':>7} {'check':>6} "
          f"{'report':>6} {'peak MiB':>9}  result")
    prev = None
    with contextlib.ExitStack() as stack:
        if args.work:
            work = Path(args.work)
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-e2e-bench-")))
        for n in sizes:
            seconds, peak, result, dags = run_once(n, work)
            ratio = f"{seconds / prev[1]:.1f}x for {n / prev[0]:.0f}x" if prev else "-"
            times = " ".join(f"{dags.get(d, float('nan')):{w}.0f}" for d, w in (("ingest", 7), ("check", 6), ("report", 6)))
            print(f"{n:>10} {seconds:8.1f} {seconds / n * 1000:9.1f} {ratio:>11} {times} {peak:9.0f}  {result}", flush=True)
            prev = (n, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
