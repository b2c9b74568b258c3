"""A warehouse state of N candidates as the report reads it, written straight through the warehouse API
(no sources, no engine): for the report's benchmark (``bench/report_bench.py``) and for the tests of the
report's size bounds (``tests/report/test_site.py``).

Deterministic for a seed. Requisitions are skewed like real hiring (a few take thousands of applicants,
most a few dozen); about 60% of candidates have findings (1 to 4), 5% of findings are cleared, 10% are
new in the run, 3% changed since the previous run; levels follow the open findings.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from include.engine.kinds import KINDS
from include.warehouse import Warehouse

RUN, PREV_RUN = "cc-bench-2", "cc-bench-1"
DAY, PREV_DAY = date(2026, 11, 21), date(2026, 11, 20)
NEXT_RUN, NEXT_DAY = "cc-bench-3", date(2026, 11, 22)  # the day after (``next_day``)
FIRST = ("Ana", "Ben", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hiro", "Ines", "Jonas", "小明", "Oluwaseun")
LAST = ("Silva", "Okafor", "Müller", "Nguyen", "Kowalski", "王", "Haddad", "Featherstonehaugh", "Sato", "García")
EMPLOYERS = ("Halcyon Software Ltd", "Old Mill Analytics", "Northwind Traders", "华为技术有限公司", "Contoso GmbH",
             "Blue Harbor Logistics", "Tailspin Toys Inc", "Fabrikam Research")
SEVERITY_WEIGHTS = (("red", 10), ("yellow", 40), ("blue", 50))


@dataclass(frozen=True)
class StateSize:
    candidates: int
    requisitions: int
    findings: int
    biggest_requisition: int


def _evidence(rng: random.Random, cid: str) -> str:
    employer = rng.choice(EMPLOYERS)
    start = f"{rng.randint(2008, 2022)}-{rng.randint(1, 12):02d}"
    return json.dumps([
        {"side": "resume", "source": "greenhouse", "record_ref": f"https://harvest.greenhouse.io/v3/employments/{cid}",
         "values": {"employer": employer, "title": "Senior Software Engineer", "start": start, "end": None,
                    "employment_type": "full_time"}},
        {"side": "profile", "source": "linkedin", "record_ref": f"linkedin:{cid}",
         "values": {"employer": employer, "title": "Software Engineer", "start": start, "end": "2023-06"}},
        {"side": "registry", "source": "companies_house", "record_ref": "https://find-and-update.company-information"
         f".service.gov.uk/company/{rng.randint(10**7, 10**8 - 1)}",
         "values": {"name": employer.upper(), "status": "active", "incorporated": "2004-05-12"}},
    ], ensure_ascii=False)


def fill(wh: Warehouse, n: int, seed: int = 22, requisitions: int | None = None, chunk: int = 5000) -> StateSize:
    """Write ``n`` consenting candidates with applications, findings and levels for run ``RUN`` (and a
    sealed-looking previous run ``PREV_RUN``) into a migrated, empty warehouse."""
    rng = random.Random(seed)
    n_jobs = requisitions or max(2, n // 200)
    wh.bulk_insert("jobs", ["job_id", "source", "name", "run_id"],
                   [(f"greenhouse:{9000 + j}", "greenhouse", f"Requisition {j}: Senior Engineer", RUN)
                    for j in range(n_jobs)])
    # a Zipf-like skew: job j takes weight 1/(j+1), so the first few have thousands of candidates at 100k
    weights = [1.0 / (j + 1) for j in range(n_jobs)]
    per_job: dict[int, int] = {}
    findings = 0
    kinds = list(KINDS)
    for base in range(0, n, chunk):
        cands, apps, rows, levels, digests = [], [], [], [], []
        for i in range(base, min(n, base + chunk)):
            cid = f"greenhouse:{100000 + i}"
            job = rng.choices(range(n_jobs), weights)[0]
            per_job[job] = per_job.get(job, 0) + 1
            cands.append((cid, "greenhouse", str(100000 + i), rng.choice(FIRST), rng.choice(LAST), True,
                          json.dumps({"given": True}), f"https://app.greenhouse.io/people/{100000 + i}", RUN))
            app_id = f"greenhouse:a{100000 + i}"
            apps.append((app_id, cid, f"greenhouse:{9000 + job}", f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"))
            k = rng.choices((0, 1, 2, 3, 4), (40, 30, 20, 6, 4))[0]
            open_sev: list[tuple[str, str, str]] = []
            for x in range(k):
                fid = f"f{i:07d}{x}"
                kind = rng.choice(kinds)
                sev = rng.choices([s for s, _ in SEVERITY_WEIGHTS], [w for _, w in SEVERITY_WEIGHTS])[0]
                status = "cleared" if rng.random() < 0.05 else "open"
                first = RUN if rng.random() < 0.10 else PREV_RUN
                employer = rng.choice(EMPLOYERS)
                rows.append((
                    fid, cid, app_id, kind, sev,
                    (f"The resume says {employer} from 2019-03 to present; the profile says it ended in 2023-06, "
                     "and the registry has the company dissolved in 2022."),
                    f"Could you walk us through your time at {employer}, and when your role there ended?",
                    _evidence(rng, cid), f"{kind}@3", status, first, RUN, "d-" + fid,
                    "Explained in the interview" if status == "cleared" else None,
                    "hr@example.com" if status == "cleared" else None,
                    "2026-11-20T10:00:00+00:00" if status == "cleared" else None,
                ))
                digest = f"r-{fid}"
                if first == PREV_RUN:
                    changed = rng.random() < 0.03
                    digests.append((PREV_RUN, fid, digest + ("-old" if changed else "")))
                digests.append((RUN, fid, digest))
                if status == "open" and sev in ("red", "yellow"):
                    open_sev.append((fid, kind, sev))
            findings += k
            level = "red" if any(s == "red" for *_, s in open_sev) else "yellow" if open_sev else "blue"
            levels.append((RUN, cid, level, json.dumps([{"reason": "finding", "finding_id": f, "kind": kd,
                                                         "severity": s} for f, kd, s in open_sev]), DAY.isoformat()))
        wh.bulk_insert("candidates", ["candidate_id", "source", "source_id", "first_name", "last_name",
                                      "consent_given", "consent", "record_url", "run_id"], cands)
        wh.bulk_insert("applications", ["application_id", "candidate_id", "job_id", "applied_at"], apps)
        wh.bulk_insert("discrepancies", ["finding_id", "candidate_id", "application_id", "kind", "severity", "summary",
                                         "question", "evidence", "rule_version", "status", "first_seen_run",
                                         "last_seen_run", "evidence_digest", "cleared_reason", "cleared_by",
                                         "cleared_at"], rows)
        wh.bulk_insert("candidate_levels", ["run_id", "candidate_id", "level", "reasons", "computed_at"], levels)
        wh.bulk_insert("run_findings", ["run_id", "finding_id", "row_digest"], digests)
    for seq, (run, day) in enumerate(((PREV_RUN, PREV_DAY), (RUN, DAY)), 1):  # both look sealed (not verifiable)
        wh.execute(
            "INSERT INTO pipeline_runs (run_id, seq, report_day, dag_ids, state, manifest, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, 'success', ?, ?, ?)",
            [run, seq, day.isoformat(), json.dumps([]), json.dumps({}), str(seq - 1) * 64, str(seq) * 64],
        )
    return StateSize(n, n_jobs, findings, max(per_job.values(), default=0))


def next_day(wh: Warehouse, changed: Sequence[str]) -> list[str]:
    """The day after ``fill``'s: run ``NEXT_RUN`` on ``NEXT_DAY`` sees every finding of ``RUN`` again, the
    findings of the candidates ``changed`` with a re-read summary (their row digests changed), nothing new,
    the levels as before. Returns the ids of the findings changed."""
    ids = [r["finding_id"] for r in wh.query_in(
        "SELECT finding_id FROM discrepancies WHERE candidate_id IN ({ids}) AND last_seen_run = ?",
        list(changed), [RUN])]
    wh.execute_in("UPDATE discrepancies SET summary = summary || ' The registry was read again.', "
                  "evidence_digest = evidence_digest || '-2' WHERE finding_id IN ({ids})", ids)
    wh.execute("UPDATE discrepancies SET last_seen_run = ? WHERE last_seen_run = ?", [NEXT_RUN, RUN])
    wh.execute("INSERT INTO candidate_levels (run_id, candidate_id, level, reasons, computed_at) "
               "SELECT ?, candidate_id, level, reasons, ? FROM candidate_levels WHERE run_id = ?",
               [NEXT_RUN, NEXT_DAY.isoformat(), RUN])
    wh.execute("INSERT INTO run_findings (run_id, finding_id, row_digest) SELECT ?, finding_id, row_digest "
               "FROM run_findings WHERE run_id = ?", [NEXT_RUN, RUN])
    wh.execute_in("UPDATE run_findings SET row_digest = row_digest || '-2' WHERE finding_id IN ({ids}) AND run_id = ?",
                  ids, [NEXT_RUN])
    wh.execute(
        "INSERT INTO pipeline_runs (run_id, seq, report_day, dag_ids, state, manifest, prev_hash, hash) "
        "VALUES (?, 3, ?, ?, 'success', ?, ?, ?)",
        [NEXT_RUN, NEXT_DAY.isoformat(), json.dumps([]), json.dumps({}), "2" * 64, "3" * 64],
    )
    return ids
