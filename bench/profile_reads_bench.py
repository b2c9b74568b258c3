"""Incremental profile reads at a history of N candidates (a script, not a test):

    .venv/bin/python bench/profile_reads_bench.py [--history 10000] [--changed 300] [--github-budget 5000]

A DuckDB warehouse is filled with N consenting candidates (one application each; about 40% list an
ORCID iD, 60% a GitHub login), as the ATS step would have stored them, and the sandbox serves their ORCID
and GitHub profiles over HTTP. Then, through the pipeline's own steps (``plan_profile_reads``, then
``ingest_profiles`` over chunks):

- day 1: the first run on that history;
- day 2: nothing changed;
- day 8: ``--changed`` candidates' applications were updated, and the reads have aged as they do at
  steady state (spread evenly over the last 8 days, so an eighth are older than the 7-day maximum), and
  a tenth of those stale GitHub profiles changed their company.

Each day prints the requests the sandbox answered per source, the plan's figures, GitHub's 304s and
the GitHub quota spent, and for day 8 the requests per changed candidate and source beyond the stale
refresh. The ATS step is not part of it (it reads from its watermark, unchanged by this feature).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2026, 11, 21)


def orcid_of(i: int) -> str:
    from connectors.orcid import orcid_check_character

    base = f"0000000{i:08d}"
    digits = base + orcid_check_character(base)
    return "-".join(digits[k:k + 4] for k in range(0, 16, 4))


def build(n: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(sandbox world, candidate rows, application rows)."""
    github: dict[str, Any] = {}
    orcid: dict[str, Any] = {}
    cands, apps = [], []
    stamp = "2026-03-01T10:00:00Z"
    for i in range(n):
        cid = f"greenhouse:{100000 + i}"
        login = f"dev{i}" if i % 5 < 3 else None
        oid = orcid_of(i) if i % 5 in (0, 3) else None
        if login:
            github[login] = {"id": 500000 + i, "login": login, "name": None, "company": f"@company{i % 997}",
                             "blog": "", "location": None, "email": None, "bio": None,
                             "created_at": "2015-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
                             "public_repos": 3}
        if oid:
            orcid[oid] = {"given_names": "A", "family_name": f"P{i}", "employments": [
                {"put_code": 1, "organization": {"name": f"Company {i % 997} Ltd"}, "role_title": "Engineer",
                 "start_date": {"year": "2019", "month": "03"}, "end_date": None}]}
        cands.append({"candidate_id": cid, "source": "greenhouse", "source_id": str(100000 + i),
                      "first_name": "A", "last_name": f"P{i}", "emails": [], "phones": [], "consent_given": True,
                      "consent": {"given": True, "source_field": "custom_field:background_check_consent",
                                  "value": "true", "read_at": stamp},
                      "orcid": oid, "github_login": login, "updated_at": stamp, "run_id": "bench"})
        apps.append({"application_id": f"greenhouse:{900000 + i}", "candidate_id": cid, "job_id": "greenhouse:1",
                     "status": "active", "applied_at": stamp, "updated_at": stamp, "run_id": "bench"})
    return {"github": github, "orcid": orcid}, cands, apps


def day_run(sb: Any, wh: Any, cfg: Any, day: date, now: datetime) -> dict[str, Any]:
    import requests

    from connectors.github import GithubClient
    from connectors.orcid import OrcidClient
    from include.pipeline import ingest
    from include.pipeline.runs import chunks
    from include.run_context import RunContext
    from sandbox import credentials

    conns = sb.connections()
    host = conns["github_default"]["host"]

    def make(source: str, lander: Any) -> Any:
        if source == "orcid":
            return OrcidClient(conns["orcid_default"]["host"], on_payload=lander, rate_limit=None)
        return GithubClient(host, credentials.GITHUB_TOKEN, on_payload=lander)

    def quota() -> int:
        r = requests.get(f"{host}/users/__probe__", headers={"Authorization": f"Bearer {credentials.GITHUB_TOKEN}"},
                         timeout=10)
        return int(r.headers["x-ratelimit-used"])

    run = RunContext(f"bench-{day}", day)
    q0 = quota()  # each probe is one GitHub request, counted neither in ``asked`` nor in the quota spent
    before = {s: sb.counts.get(s, 0) for s in ("orcid", "github")}
    t = time.perf_counter()
    reads, plan = ingest.plan_profile_reads(wh, cfg, run, lambda s: True, now=now)
    t_plan = time.perf_counter() - t
    parts = [ingest.ingest_profiles(c, i, make, wh, cfg, run, {x: reads[x] for x in c})
             for i, c in enumerate(chunks(list(reads), 32))]
    seconds = time.perf_counter() - t
    asked = {s: sb.counts.get(s, 0) - before[s] for s in before}
    not_modified = sum((p.get("requests", {}).get("github") or {}).get("not_modified", 0) for p in parts)
    return {"asked": asked, "plan": plan, "github_304": not_modified, "github_quota_spent": quota() - q0 - 1,
            "seconds": round(seconds, 1), "plan_seconds": round(t_plan, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=10_000)
    ap.add_argument("--changed", type=int, default=300)
    ap.add_argument("--github-budget", type=int, default=5000)
    args = ap.parse_args()

    from include.config import Config
    from include.warehouse import connect
    from sandbox.apis import github as github_api
    from sandbox.server import Sandbox
    from sandbox.world import World

    github_api.LIMITS["token"] = 10**9  # the budget, not the sandbox's hourly quota, is what is measured
    world, cands, apps = build(args.history)
    with tempfile.TemporaryDirectory() as tmp, Sandbox(World(world, [])) as sb:
        cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": f"{tmp}/data",
                                     "profiles": {"github": {"requests_per_run": args.github_budget}}})
        wh = connect({"conn_type": "duckdb", "host": f"{tmp}/wh.duckdb"})
        wh.migrate()
        wh.upsert("candidates", cands, ["candidate_id"])
        wh.upsert("applications", apps, ["application_id"])
        listed = {"orcid": sum(1 for c in cands if c["orcid"]), "github": sum(1 for c in cands if c["github_login"])}
        print(f"history {args.history} candidates: {listed['orcid']} ORCID iDs, {listed['github']} GitHub logins")
        now = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
        out: dict[str, Any] = {"history": args.history, "listed": listed}
        out["day1"] = day_run(sb, wh, cfg, DAY, now)
        out["day2"] = day_run(sb, wh, cfg, DAY + timedelta(days=1), now + timedelta(days=1))
        # steady state: the reads spread over the last 8 days; a tenth of stale GitHub profiles changed
        day8 = now + timedelta(days=8)
        rows = wh.query("SELECT candidate_id, source FROM profile_reads ORDER BY candidate_id, source")
        for k, r in enumerate(rows):
            age = timedelta(days=k % 8, hours=1)
            wh.execute("UPDATE profile_reads SET read_at = ? WHERE candidate_id = ? AND source = ?",
                       [(day8 - age).isoformat(timespec="seconds"), r["candidate_id"], r["source"]])
        stale_gh = [r["candidate_id"] for k, r in enumerate(rows) if k % 8 == 7 and r["source"] == "github"]
        by_cid = {c["candidate_id"]: c for c in cands}
        for cid in stale_gh[::10]:
            world["github"][by_cid[cid]["github_login"]]["company"] = "Moved On Ltd"
        sb.world.invalidate()
        step = max(1, args.history // args.changed)
        changed = [cands[min(len(cands) - 1, k * step + k % 5)]["candidate_id"] for k in range(args.changed)]
        for cid in changed:
            wh.execute("UPDATE applications SET updated_at = ? WHERE candidate_id = ?",
                       [f"{DAY + timedelta(days=8)}T09:00:00Z", cid])
        changed_listed = {s: sum(1 for c in changed if by_cid[c]["orcid" if s == "orcid" else "github_login"])
                          for s in ("orcid", "github")}
        d8 = day_run(sb, wh, cfg, DAY + timedelta(days=8), day8)
        out["day8"] = d8
        wh.close()
    for name in ("day1", "day2", "day8"):
        d = out[name]
        p = d["plan"]
        print(f"{name}: requests orcid {d['asked']['orcid']}, github {d['asked']['github']} "
              f"(github 304s {d['github_304']}, github quota spent {d['github_quota_spent']}); "
              + "; ".join(f"{s} planned {p[s]['planned_by_reason']} fresh {p[s]['fresh']} pending {p[s]['pending']}"
                          for s in ("orcid", "github"))
              + f"; {d['seconds']} s (plan {d['plan_seconds']} s)")
    for s in ("orcid", "github"):
        stale = out["day8"]["plan"][s]["planned_by_reason"]["stale"]
        extra = out["day8"]["asked"][s] - stale
        per = extra / changed_listed[s] if changed_listed[s] else 0.0
        print(f"day8 {s}: {changed_listed[s]} changed candidates list a profile; {extra} requests beyond the "
              f"{stale} stale refreshes = {per:.2f} per changed candidate (target <= 3)")
        out[f"per_changed_{s}"] = round(per, 3)
    print("RESULT " + json.dumps(out, default=str))


if __name__ == "__main__":
    main()
