"""Disputes at scale (a script, not a test): what a dispute costs HR and what open disputes cost a run.

    .venv/bin/python bench/disputes_bench.py [--candidates 10000] [--disputes 500] [--recorded 20]

A DuckDB warehouse in a temporary folder with ``--candidates`` candidates (one employment and one red finding
each), sealed once; then ``--disputes`` disputes are inserted as rows (as if recorded over months) and
``--recorded`` more are recorded through ``record_dispute`` (each one sealed over every covered table, as HR's
page does). Prints per-step seconds: recording one dispute, the outcome of one, what ingest asks
(``candidates_to_reread``, ``employers_to_reread``), the re-read record after a run, writing a run's findings
with the disputed ones kept, and the report's open-dispute list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from include.audit.coverage import seal
from include.disputes import (
    candidates_to_reread,
    employers_to_reread,
    record_dispute,
    record_outcome,
    record_rereads,
    reread_plan,
)
from include.findings import upsert_findings
from include.models import EvidenceItem, Finding
from include.warehouse import connect
from include.warehouse.disputes import open_disputes

TODAY = date(2026, 11, 21)


def finding(cid: str, n: int) -> Finding:
    ev = [EvidenceItem(side="resume", source="greenhouse", record_ref=f"{cid}/e1", values={"employer": f"Co {n}"})]
    return Finding(finding_id=f"f-{n:07d}", candidate_id=cid, application_id=f"greenhouse:app{n}",
                   kind="employer_not_in_registry", severity="red", summary="s", question="q", evidence=ev,
                   rule_version="1.0.0", evidence_digest=f"d{n}")


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:<58} {time.perf_counter() - t0:8.3f} s")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--candidates", type=int, default=10_000)
    p.add_argument("--disputes", type=int, default=500)
    p.add_argument("--recorded", type=int, default=20)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wh = connect({"conn_type": "duckdb", "host": str(Path(tmp) / "wh.duckdb")})
        wh.migrate()
        ids = [f"greenhouse:{n}" for n in range(a.candidates)]
        wh.upsert("candidates", [{"candidate_id": c, "source": "greenhouse", "source_id": c.split(":")[1],
                                  "consent_given": True} for c in ids], ["candidate_id"])
        wh.upsert("employments", [{"employment_id": f"{c}/e1", "candidate_id": c, "source": "greenhouse",
                                   "employer": f"Co {n % 997}"} for n, c in enumerate(ids)], ["employment_id"])
        findings = [finding(c, n) for n, c in enumerate(ids)]
        upsert_findings(wh, findings, "run-1", set(ids))
        seal(wh, "bench", "setup", "bench")
        n_rows = min(a.disputes, a.candidates - a.recorded)
        rows = [{"dispute_id": f"d{n:07d}", "finding_id": findings[n].finding_id, "candidate_id": ids[n],
                 "statement": "x", "received_on": (TODAY - timedelta(days=n % 40)).isoformat(),
                 "due_on": (TODAY - timedelta(days=n % 40) + timedelta(days=30)).isoformat(),
                 "recorded_by": "hr", "recorded_at": f"2026-11-{1 + n % 20:02d}T00:00:00+00:00",
                 "evidence_digest": findings[n].evidence_digest, "status_before": "open"} for n in range(n_rows)]
        wh.upsert("finding_disputes", rows, ["dispute_id"])
        wh.execute_in("UPDATE discrepancies SET status = 'disputed' WHERE finding_id IN ({ids})",
                      [r["finding_id"] for r in rows])
        seal(wh, "bench", "disputes", "bench")
        print(f"{a.candidates} candidates and findings, {n_rows} open disputes as rows")
        times = []
        for n in range(n_rows, n_rows + a.recorded):
            t0 = time.perf_counter()
            record_dispute(wh, findings[n].finding_id, "statement", TODAY, "hr", today=TODAY)
            times.append(time.perf_counter() - t0)
        print(f"{'record_dispute (sealed), median of ' + str(a.recorded):<58} {statistics.median(times):8.3f} s")
        timed("record_outcome (sealed), one", record_outcome, wh, findings[n_rows].finding_id, "upheld", "r", "hr")
        plan = timed("reread_plan (ingest's plan)", reread_plan, wh)
        timed("candidates_to_reread", candidates_to_reread, wh)
        timed("employers_to_reread", employers_to_reread, wh)
        timed("upsert_findings of run 2 (disputed kept)", upsert_findings, wh, findings, "run-2", set(ids))
        n = timed("record_rereads after run 2", record_rereads, wh, "run-2", plan, set(ids))
        print(f"  re-reads recorded: {n}")
        opened = timed("open_disputes (the report's list)", open_disputes, wh, TODAY)
        print(f"  open disputes: {len(opened)}, overdue: {sum(d['overdue'] for d in opened)}")
        wh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
