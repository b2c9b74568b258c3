"""Incremental profile reads through the pipeline's ingest steps (ATS, plan, mapped profile chunks) against
the sandbox over HTTP, on a real DuckDB warehouse, day after day:

- day 2 with nothing changed reads no profile at all, and the profile jobs the checks need are all still
  there, unchanged;
- one changed application makes its candidate's profiles read again, and only theirs;
- reads older than profiles.max_age_days are refreshed with conditional requests: GitHub answers 304 and
  the stored jobs stay;
- a budget smaller than the history leaves the rest pending, counted in the plan, and the next run reads
  them;
- a full run reads everyone again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from include.config import Config
from include.pipeline import ingest
from include.pipeline.runs import chunks
from include.run_context import RunContext
from include.warehouse import connect
from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import greenhouse_client, profile_client

DAY = date(2026, 11, 21)
N = 60


def _sandbox():
    data, labels = build_world(42, N, DAY.isoformat())
    return Sandbox(World(data, labels))


@pytest.fixture(scope="module")
def shared():
    with _sandbox() as sb:
        yield sb


def _config(tmp_path, **profiles: Any) -> Config:
    return Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"},
                                  "data_dir": str(tmp_path / "data"), "profiles": profiles})


@pytest.fixture()
def wh(tmp_path):
    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    w.migrate()
    yield w
    w.close()


def _make(sb):
    def make(source, lander):
        if source == "greenhouse":
            return greenhouse_client(sb, on_payload=lander)
        return profile_client(sb, source, lander)
    return make


def run_day(sb, wh, cfg, day: date, full: bool = False, defined=lambda s: True) -> dict[str, Any]:
    """One day's ingest of the ATS and the profiles, as the DAG runs it: plan, then the mapped chunks.
    The profile requests the sandbox answered, the plan's figures and the chunks' parts."""
    run = RunContext(f"cc-inc-{day.isoformat()}-{int(full)}", day, full)
    make = _make(sb)
    ingest.ingest_ats("greenhouse", make, wh, cfg, run, with_timeline=False)
    before = {s: sb.counts.get(s, 0) for s in ("orcid", "github")}
    reads, summary = ingest.plan_profile_reads(wh, cfg, run, defined)
    parts = [ingest.ingest_profiles(chunk, i, make, wh, cfg, run, {c: reads[c] for c in chunk})
             for i, chunk in enumerate(chunks(list(reads), 8))]
    asked = {s: sb.counts.get(s, 0) - before[s] for s in before}
    return {"asked": asked, "plan": summary, "reads": reads, "parts": parts}


def profile_jobs(wh) -> list[tuple]:
    rows = wh.query("SELECT employment_id, candidate_id, source, employer, title, start_raw, end_raw, record_ref "
                    "FROM employments WHERE source IN ('orcid', 'github') ORDER BY employment_id")
    return [tuple(r.values()) for r in rows]


def listed(wh) -> dict[str, int]:
    rows = wh.query("SELECT COUNT(orcid) AS orcid, COUNT(github_login) AS github FROM candidates WHERE consent_given")
    return {"orcid": int(rows[0]["orcid"]), "github": int(rows[0]["github"])}


def test_day_two_with_nothing_changed_reads_no_profile_and_keeps_every_profile_job(shared, wh, tmp_path):
    cfg = _config(tmp_path)
    first = run_day(shared, wh, cfg, DAY)
    n = listed(wh)
    assert n["orcid"] >= 3 and n["github"] >= 3
    assert first["asked"] == n  # day 1: every listed profile, once
    assert first["plan"]["github"]["planned_by_reason"]["new"] == n["github"]
    jobs = profile_jobs(wh)
    assert {j[2] for j in jobs} == {"orcid", "github"}

    second = run_day(shared, wh, cfg, DAY + timedelta(days=1))
    assert second["asked"] == {"orcid": 0, "github": 0}
    assert second["reads"] == {}
    assert second["plan"]["github"]["fresh"] == n["github"] and second["plan"]["pending"] == 0
    assert profile_jobs(wh) == jobs  # what the checks read is all there, as it was


def test_one_changed_application_rereads_only_that_candidates_profiles(wh, tmp_path):
    cfg = _config(tmp_path)
    with _sandbox() as sb:
        run_day(sb, wh, cfg, DAY)
        jobs = profile_jobs(wh)
        world = sb.world.data
        changed = next(c for c in world["candidates"] if c["ats"] == "greenhouse" and c.get("consent")
                       and (c["links"] or {}).get("github") and (c["links"] or {}).get("orcid"))
        changed["updated_at"] = f"{DAY + timedelta(days=1)}T08:00:00Z"  # the application moved on day 2
        sb.world.invalidate()
        second = run_day(sb, wh, cfg, DAY + timedelta(days=1))
    cid = f"greenhouse:{changed['id']}"
    assert list(second["reads"]) == [cid]
    assert second["plan"]["github"]["planned_by_reason"] == {"forced": 0, "changed": 1, "new": 0, "stale": 0}
    assert all(0 < second["asked"][s] <= 3 for s in ("orcid", "github")), second["asked"]
    assert second["asked"] == {"orcid": 1, "github": 1}
    assert second["reads"][cid] == {"orcid": None, "github": None}  # a changed candidate is read in full
    assert profile_jobs(wh) == jobs  # the same profiles, read again, give the same jobs


def test_stale_reads_are_refreshed_conditionally_and_a_304_keeps_the_jobs(shared, wh, tmp_path):
    cfg = _config(tmp_path, max_age_days=7)
    run_day(shared, wh, cfg, DAY)
    jobs = profile_jobs(wh)
    n = listed(wh)
    day = DAY + timedelta(days=8)
    wh.execute("UPDATE profile_reads SET read_at = ?", [f"{DAY - timedelta(days=1)}T00:00:00+00:00"])
    refresh = run_day(shared, wh, cfg, day)
    assert refresh["plan"]["github"]["planned_by_reason"]["stale"] == n["github"]
    assert refresh["asked"] == n  # ORCID offers no validator: re-read in full; GitHub asked conditionally
    stats = [p["requests"]["github"] for p in refresh["parts"]]
    assert sum(s["not_modified"] for s in stats) == n["github"]  # nothing changed on GitHub: all 304
    outcomes = [p["reads"]["github"]["outcomes"] for p in refresh["parts"]]
    assert sum(o.get("not_modified", 0) for o in outcomes) == n["github"]
    assert profile_jobs(wh) == jobs  # the 304s kept the GitHub jobs
    stamps = {r["read_at"] for r in wh.query("SELECT read_at FROM profile_reads WHERE outcome <> 'invalid'")}
    assert all(s > f"{DAY}" for s in stamps)  # refreshed: fresh again for another week


def test_a_budget_smaller_than_the_history_leaves_the_rest_pending_for_the_next_runs(shared, wh, tmp_path):
    cfg = _config(tmp_path, github={"requests_per_run": 4}, orcid={"requests_per_run": 1000})
    n = None
    seen: list[str] = []
    pending = []
    for i in range(3):
        got = run_day(shared, wh, cfg, DAY + timedelta(days=i))
        n = n or listed(wh)
        assert got["asked"]["github"] == max(0, min(4, n["github"] - 4 * i))
        pending.append(got["plan"]["github"]["pending"])
        seen += [c for c, srcs in got["reads"].items() if "github" in srcs]
    assert n is not None
    assert pending[0] == max(0, n["github"] - 4) and pending[1] == max(0, n["github"] - 8)
    assert len(seen) == len(set(seen))  # the backlog drains without reading anyone twice


def test_a_full_run_reads_everyone_again_in_full(shared, wh, tmp_path):
    cfg = _config(tmp_path)
    run_day(shared, wh, cfg, DAY)
    full = run_day(shared, wh, cfg, DAY + timedelta(days=1), full=True)
    assert full["asked"] == listed(wh)
    assert sum(p["requests"]["github"]["not_modified"] for p in full["parts"]) == 0


def test_consent_withdrawn_then_given_again_reads_the_profiles_in_full(wh, tmp_path):
    """Withdrawal takes the profile jobs and their read state; consent given again is a new read, never a
    304 that would keep facts no longer stored."""
    cfg = _config(tmp_path)
    with _sandbox() as sb:
        run_day(sb, wh, cfg, DAY)
        person = next(c for c in sb.world.data["candidates"] if c["ats"] == "greenhouse" and c.get("consent")
                      and (c["links"] or {}).get("github"))
        cid = f"greenhouse:{person['id']}"
        assert wh.query("SELECT 1 AS x FROM profile_reads WHERE candidate_id = ?", [cid])
        person["consent"], person["updated_at"] = False, f"{DAY + timedelta(days=1)}T08:00:00Z"
        sb.world.invalidate()
        run_day(sb, wh, cfg, DAY + timedelta(days=1))
        assert not wh.query("SELECT 1 AS x FROM profile_reads WHERE candidate_id = ?", [cid])
        assert not wh.query("SELECT 1 AS x FROM employments WHERE candidate_id = ? AND source = 'github'", [cid])
        person["consent"], person["updated_at"] = True, f"{DAY + timedelta(days=2)}T08:00:00Z"
        sb.world.invalidate()
        again = run_day(sb, wh, cfg, DAY + timedelta(days=2))
    assert again["reads"] == {cid: {s: None for s in again["reads"][cid]}} and "github" in again["reads"][cid]
    assert again["asked"]["github"] == 1
    assert sum(p["requests"]["github"]["not_modified"] for p in again["parts"]) == 0
    assert wh.query("SELECT outcome FROM profile_reads WHERE candidate_id = ? AND source = 'github'", [cid]) \
        == [{"outcome": "read"}]


def test_a_source_without_a_connection_loses_its_jobs_and_is_read_in_full_once_it_is_back(shared, wh, tmp_path):
    cfg = _config(tmp_path)
    run_day(shared, wh, cfg, DAY)
    n = listed(wh)
    assert any(j[2] == "github" for j in profile_jobs(wh))
    skipped = run_day(shared, wh, cfg, DAY + timedelta(days=1), defined=lambda s: s != "github")
    assert "github" not in skipped["plan"] and skipped["asked"] == {"orcid": 0, "github": 0}
    assert not [j for j in profile_jobs(wh) if j[2] == "github"]  # no finding may cite an unread source
    assert [j for j in profile_jobs(wh) if j[2] == "orcid"]
    back = run_day(shared, wh, cfg, DAY + timedelta(days=2))
    assert back["plan"]["github"]["planned_by_reason"]["new"] == n["github"] == back["asked"]["github"]
    assert sum(p["requests"]["github"]["not_modified"] for p in back["parts"]) == 0
