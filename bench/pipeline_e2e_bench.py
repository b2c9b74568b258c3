"""End-to-end pipeline time per 1k applications: `crosscheck run` through Airflow against the sandbox,
on generated worlds of growing size, each in a fresh DuckDB warehouse (a benchmark, not a test).

    .venv/bin/python bench/pipeline_e2e_bench.py --sizes 100,1000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_once(n: int, work: Path) -> tuple[float, float, str]:
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
    return seconds, peak, "ok" if proc.returncode == 0 else f"exit {proc.returncode}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cores: {os.cpu_count()}")
    print(f"{'candidates':>10} {'seconds':>8} {'s per 1k':>9} {'vs previous':>11} {'peak MiB':>9}  result")
    prev = None
    with tempfile.TemporaryDirectory(prefix="cc-e2e-bench-") as tmp:
        for n in sizes:
            seconds, peak, result = run_once(n, Path(tmp))
            ratio = f"{seconds / prev[1]:.1f}x for {n / prev[0]:.0f}x" if prev else "-"
            print(f"{n:>10} {seconds:8.1f} {seconds / n * 1000:9.1f} {ratio:>11} {peak:9.0f}  {result}", flush=True)
            prev = (n, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
