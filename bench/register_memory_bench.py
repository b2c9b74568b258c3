"""Memory of the register the check step loads (a script, not a test).

    .venv/bin/python bench/register_memory_bench.py [--entities 100000]

Writes a generated register of N entities as snapshot files, loads it into a temporary DuckDB warehouse
as the monthly snapshot DAG does, then measures with tracemalloc, in the same process:

* baseline: every entity and name row read in one statement and built into plain models (what
  ``load_registry_entities`` did before it read pages);
* ``load_registry_entities``: a page of entities at a time, models sharing one fields set, short
  repeated values interned.

Prints, for each, the Python memory held by the loaded models and the peak while loading, and the
ratios; it checks that both give equal models.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from include.models import IndustryCode, RegistryEntity, RegistryName
from include.warehouse.registry_cache import load_registry_entities


def plain_load(wh: Any) -> list[RegistryEntity]:
    """The baseline: all rows at once, each model validated with its own fields set."""
    names: dict[str, list[RegistryName]] = {}
    for n in wh.query("SELECT * FROM registry_names ORDER BY entity_id, position, name"):
        names.setdefault(n["entity_id"], []).append(RegistryName(name=n["name"], kind=n["kind"], language=n["language"]))
    return [RegistryEntity(entity_id=e["entity_id"], registry=e["registry"], names=names.get(e["entity_id"], []),
                           status=e["status"], created=e["created"], dissolved=e["dissolved"],
                           jurisdiction=e["jurisdiction"],
                           industry_codes=[IndustryCode(**c) for c in (e["industry_codes"] or [])],
                           parent_ids=list(e["parent_ids"] or []), record_url=e["record_url"] or "")
            for e in wh.query("SELECT * FROM registry_entities ORDER BY entity_id")]


def measure(load: Callable[[], list[RegistryEntity]]) -> tuple[list[RegistryEntity], float, float, float]:
    """The models, MiB held after loading, MiB at the peak while loading, seconds."""
    gc.collect()
    tracemalloc.start()
    t0 = time.monotonic()
    out = load()
    seconds = time.monotonic() - t0
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, held / 2**20, peak / 2**20, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=100_000)
    args = ap.parse_args()
    from include.snapshots.load import load_snapshot
    from include.warehouse import connect
    from sandbox.snapshots import export_snapshots

    print(f"cores: {os.cpu_count()}; register: {args.entities:,} generated entities", flush=True)
    with tempfile.TemporaryDirectory(prefix="cc-register-mem-") as tmp:
        files = export_snapshots({}, Path(tmp) / "files", pad_to=args.entities)
        wh = connect({"conn_type": "duckdb", "host": str(Path(tmp) / "wh.duckdb")})
        try:
            wh.migrate()
            for path in (files.companies_house, files.gleif):
                load_snapshot(wh, path)
            base, b_held, b_peak, b_s = measure(lambda: plain_load(wh))
            del base  # not held while the next one is measured
            lean, l_held, l_peak, l_s = measure(lambda: load_registry_entities(wh))
            same = lean == plain_load(wh)
        finally:
            wh.close()
    print(f"{'loader':<26} {'held MiB':>9} {'peak MiB':>9} {'seconds':>8}")
    print(f"{'baseline (all rows, plain)':<26} {b_held:9.0f} {b_peak:9.0f} {b_s:8.1f}")
    print(f"{'load_registry_entities':<26} {l_held:9.0f} {l_peak:9.0f} {l_s:8.1f}")
    print(f"held {l_held / b_held:.2f}x, peak {l_peak / b_peak:.2f}x the baseline; {len(lean):,} entities; "
          f"equal models: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
