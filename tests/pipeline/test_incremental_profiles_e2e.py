"""`crosscheck run` on two days through Airflow: the second day reads only what is due.

The GitHub budget is set one short of the consenting candidates' logins, so day 1 leaves one profile
pending (in the sealed manifest and on the report); day 2, with nothing changed in any source, reads
that one GitHub profile and nothing else; day 3 reads nothing at all and finds exactly what day 2 found.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.pipeline.conftest import REPORT_DAY, make_env

DAY2, DAY3 = ((date.fromisoformat(REPORT_DAY) + timedelta(days=d)).isoformat() for d in (1, 2))


@pytest.fixture(scope="module")
def two_days(tmp_path_factory, sandbox, world):
    logins = sum(1 for c in world.data["candidates"] if c.get("consent") and (c.get("links") or {}).get("github"))
    assert logins >= 3
    tmp = tmp_path_factory.mktemp("incremental")
    env = make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sandbox)
    with env.config_path.open("a", encoding="utf-8") as fh:
        fh.write(f"profiles:\n  github:\n    requests_per_run: {logins - 1}\n")
    asked = []
    for day in (REPORT_DAY, DAY2, DAY3):
        before = {s: sandbox.counts.get(s, 0) for s in ("orcid", "github")}
        env.crosscheck("run", "--date", day, check=True)
        asked.append({s: sandbox.counts.get(s, 0) - before[s] for s in before})
    wh = env.warehouse()
    try:
        runs = wh.query("SELECT run_id, manifest FROM pipeline_runs ORDER BY seq", [])
        # what each run found, with the digest of each finding's evidence (run_findings: one row per finding
        # a run wrote)
        found = [{(r["finding_id"], r["evidence_digest"]) for r in wh.query(
            "SELECT finding_id, evidence_digest FROM run_findings WHERE run_id = ?", [run["run_id"]])} for run in runs]
    finally:
        wh.close()
    return env, logins, asked, [r["manifest"] for r in runs], found


def test_day_one_reads_within_the_budget_and_counts_what_is_pending(two_days):
    env, logins, asked, manifests, _ = two_days
    plan = manifests[0]["profiles"]
    assert plan["github"]["budget"] == logins - 1 and plan["github"]["due"]["new"] == logins
    assert plan["github"]["pending"] == 1 and plan["pending"] == 1
    assert asked[0]["github"] == logins - 1
    github = manifests[0]["sources"]["github"]
    assert github["requests"]["requests"] == logins - 1  # the client's count matches what the source saw
    assert github["requests"]["not_modified"] == 0
    report = (env.tmp / "data" / "reports" / f"report-{REPORT_DAY}-en.html").read_text(encoding="utf-8")
    assert 'id="profiles-pending"' in report and "1 profile pending refresh" in report


def test_day_two_with_nothing_changed_reads_only_the_pending_profile(two_days):
    env, _, asked, manifests, _ = two_days
    plan = manifests[1]["profiles"]
    assert asked[1] == {"orcid": 0, "github": 1}
    assert plan["github"]["planned_by_reason"] == {"forced": 0, "changed": 0, "new": 1, "stale": 0}
    assert plan["orcid"]["planned"] == 0 and plan["pending"] == 0
    assert manifests[1]["sources"]["github"]["requests"]["requests"] == 1
    report = (env.tmp / "data" / "reports" / f"report-{DAY2}-en.html").read_text(encoding="utf-8")
    assert 'id="profiles-pending"' not in report


def test_day_three_reads_no_profile_and_finds_exactly_what_day_two_found(two_days):
    _, logins, asked, manifests, found = two_days
    assert asked[2] == {"orcid": 0, "github": 0}
    plan = manifests[2]["profiles"]
    assert plan["github"]["planned"] == 0 and plan["github"]["fresh"] == logins
    assert manifests[2]["sources"]["github"]["requests"]["requests"] == 0  # one empty chunk, no request
    # nothing to read is no reason to skip the rest of the day: registries, reviews and every DAG ran
    assert "reviews" in manifests[2]["sources"] and not manifests[2]["sources"]["reviews"].get("skipped")
    assert [d["state"] for d in manifests[2]["dag_runs"]] == ["success"] * 3
    # the same findings on the same evidence: every profile job the checks need is still in the warehouse
    assert found[2] == found[1] and found[1]
