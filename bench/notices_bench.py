"""Decisions and notices: how long recording, writing, delivering and the overdue list take (a script,
not a test).

    .venv/bin/python bench/notices_bench.py [--applications 500] [--attention 20000]

Phase 1 records a decision, writes its letter and marks it handed over for each of ``--applications``
applications on a fresh DuckDB file (each step is its own sealed transaction, so the seal over the
covered tables is part of the cost). Phase 2 inserts ``--attention`` decisions directly and times the
overdue list (``attention``) the report and the HR page read. Phase 3 times working-day counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from include.config import Config, HiringCompany
from include.notices import attention, deliver_notice, record_decision, write_notice
from include.notices.workdays import add_working_days, calendar
from include.warehouse import connect

PLACES = ("US-CA", "CN", "GB", "DE", "JP")


def seed(wh, n: int, offset: int = 0) -> list[str]:
    ids = [f"greenhouse:{offset + i}" for i in range(n)]
    wh.upsert("candidates", [{"candidate_id": c, "source": "greenhouse", "source_id": c.split(":")[1],
                              "first_name": "A", "last_name": "B", "consent_given": True, "updated_at": "2026-11-01",
                              "location": PLACES[i % len(PLACES)]} for i, c in enumerate(ids)], ["candidate_id"])
    wh.upsert("applications", [{"application_id": f"app-{c}", "candidate_id": c, "status": "active"} for c in ids],
              ["application_id"])
    return ids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--applications", type=int, default=500)
    ap.add_argument("--attention", type=int, default=20000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="notices-bench-"))
    cfg = Config(hiring_company=HiringCompany(name="Bench Ltd"), data_dir=str(tmp / "data"))
    wh = connect({"conn_type": "duckdb", "host": str(tmp / "w.duckdb")})
    wh.migrate()
    ids = seed(wh, args.applications)
    steps = {"record": 0.0, "write": 0.0, "deliver": 0.0}
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    for c in ids:
        t0 = time.perf_counter()
        d = record_decision(wh, f"app-{c}", "proceed", "fine", "bench", cfg, at=at)
        t1 = time.perf_counter()
        letter = write_notice(wh, d.decision_id, cfg, "bench", at=at)
        t2 = time.perf_counter()
        deliver_notice(wh, letter.notice_id, cfg, "handed_over", "bench", at=at)
        t3 = time.perf_counter()
        steps["record"] += t1 - t0
        steps["write"] += t2 - t1
        steps["deliver"] += t3 - t2
    n = len(ids)
    print(f"phase 1: {n} applications, DuckDB, each step sealed")
    for k, v in steps.items():
        print(f"  {k:<8} {v / n * 1000:8.1f} ms per application ({v:.1f} s in all)")

    more = seed(wh, args.attention, offset=10_000_000)
    rows = [{"decision_id": f"d{i:031d}", "application_id": f"app-{c}", "candidate_id": c, "decision": "proceed",
             "reason": "r", "decided_by": "b", "decided_at": "2026-11-02T09:00:00+00:00", "jurisdiction": "GB",
             "finding_ids": [], "result_day": "2026-11-02", "notice_due_on": "2026-11-05"} for i, c in enumerate(more)]
    wh.upsert("notice_decisions", rows, ["decision_id"])
    t0 = time.perf_counter()
    items = attention(wh, date(2026, 11, 20))
    took = time.perf_counter() - t0
    print(f"phase 2: attention() over {n + len(more)} decisions: {len(items)} lines in {took * 1000:.0f} ms")

    for place in ("CN", "GB", "US", None):
        calendar(place).is_working_day(date(2026, 1, 1))  # warm the holiday tables
        days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
        t0 = time.perf_counter()
        for d0 in days:
            add_working_days(place, d0, 5)
        took = time.perf_counter() - t0
        print(f"phase 3: add_working_days({place!s:>4}, day, 5) x 365: {took / 365 * 1e6:7.1f} µs per call")
    wh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
