"""Issue 21 end to end, through Airflow on the sandbox: a candidate goes red (run 1) -> HR's pre-adverse decision,
its notice written and handed over -> the candidate disputes the red finding -> a final adverse decision is
refused while the dispute is open -> run 2 re-reads the candidate's sources and records what it found -> HR
records the outcome -> the final adverse decision and its notice. Every step is sealed in the audit trail
(``crosscheck audit verify`` passes) and is in the candidate's export.

The runs are ``crosscheck run`` (the three daily DAGs through ``dag.test``); every HR step is the installed
command, except the pre-adverse decision, letter and delivery, which are dated three weeks back through the
same Python API the command calls (the command has no back-dating option) so that the waiting period after the
notice is over by the time of the final decision.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.pipeline.conftest import REPORT_DAY, PipelineEnv, make_env

PAST = f"{REPORT_DAY}T09:00:00+00:00"  # the pre-adverse steps: the morning of run 1's report day

BACKDATED = """
import json, sys
from datetime import datetime
from include.config import load_config
from include.notices import deliver_notice, record_decision, write_notice
from include.warehouse import connect
app, at = sys.argv[1], datetime.fromisoformat(sys.argv[2])
config = load_config()
import os
wh = connect(os.environ["AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"])
try:
    d = record_decision(wh, app, "pre_adverse", "The registry does not list this employer", "hr@example.com",
                        config, at=at)
    letter = write_notice(wh, d.decision_id, config, "hr@example.com", at=at)
    done = deliver_notice(wh, letter.notice_id, config, "handed_over", "hr@example.com",
                          note="handed over at the interview", at=at)
finally:
    wh.close()
print(json.dumps({"decision": d.decision_id, "findings": d.finding_ids, "notice": letter.notice_id,
                  "delivery": done.delivery_id, "wait_until": str(done.wait_until)}))
"""


def _python(env: PipelineEnv, code: str, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-c", code, *args], env=env.env, cwd=env.tmp, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc


def _ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-4000:])
    return proc.stdout


def _latest_run(wh) -> str:
    return str(wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1")[0]["run_id"])


@pytest.fixture(scope="module")
def story(tmp_path_factory, sandbox):
    """The whole story once (two pipeline runs); the tests below read what it left."""
    tmp = tmp_path_factory.mktemp("e2e-disputes")
    env = make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sandbox)
    env.crosscheck("run", "--date", REPORT_DAY, check=True)
    out: dict = {"env": env}
    wh = env.warehouse()
    try:
        run1 = out["run1"] = _latest_run(wh)
        red = wh.query(
            "SELECT d.candidate_id, d.finding_id, d.application_id FROM discrepancies d "
            "JOIN candidate_levels l ON l.candidate_id = d.candidate_id AND l.run_id = ? "
            "WHERE l.level = 'red' AND d.severity = 'red' AND d.status = 'open' AND d.last_seen_run = ? "
            "AND d.application_id IN (SELECT application_id FROM applications) "
            # a candidate with a public profile, so that the re-read of run 2 has a profile to read again
            # (run 2 reads no other profile: they are all fresh)
            "AND d.candidate_id IN (SELECT candidate_id FROM candidates WHERE github_login IS NOT NULL "
            "OR orcid IS NOT NULL) "
            "ORDER BY d.candidate_id, d.finding_id LIMIT 1", [run1, run1])
        assert red, "run 1 produced no red candidate with an application: the story cannot start"
        out.update(red[0])
    finally:
        wh.close()
    cid, fid, app = out["candidate_id"], out["finding_id"], out["application_id"]

    out["pre"] = json.loads(_python(env, BACKDATED, app, PAST).stdout)
    out["dispute"] = _ok(env.crosscheck("dispute", "record", fid, "--statement",
                                        "I was employed there from 2019; my contract and payslips are attached.",
                                        "--received", "2026-11-23", "--by", "hr@example.com"))
    out["final_refused"] = env.crosscheck("decision", "record", app, "--decision", "final_adverse",
                                          "--reason", "Unverified employer", "--by", "lead@example.com")
    out["list_before"] = json.loads(_ok(env.crosscheck("dispute", "list", "--json")))

    env.crosscheck("run", "--date", REPORT_DAY, check=True)
    wh = env.warehouse()
    try:
        out["run2"] = _latest_run(wh)
        out["status_after_run2"] = wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [fid])[0]["status"]
        out["level_after_run2"] = wh.query("SELECT level, reasons FROM candidate_levels WHERE run_id = ? AND "
                                           "candidate_id = ?", [out["run2"], cid])[0]
    finally:
        wh.close()
    report = env.tmp / "data" / "reports" / f"report-{REPORT_DAY}-en.html"
    out["report_after_run2"] = report.read_text(encoding="utf-8")

    out["outcome"] = _ok(env.crosscheck("dispute", "outcome", fid, "--outcome", "upheld", "--reason",
                                        "The employer's registry number does not exist; the contract names it",
                                        "--by", "lead@example.com"))
    final = _ok(env.crosscheck("decision", "record", app, "--decision", "final_adverse", "--reason",
                               "Unverified employer after reinvestigation", "--by", "lead@example.com"))
    out["final_id"] = final.split()[1]
    written = _ok(env.crosscheck("notice", "write", out["final_id"], "--by", "lead@example.com"))
    out["final_notice"] = written.split()[1]
    out["final_delivery"] = _ok(env.crosscheck("notice", "deliver", out["final_notice"], "--method", "handed_over",
                                               "--by", "lead@example.com", "--note", "by hand"))
    return out


def test_the_dispute_makes_the_finding_disputed_and_holds_the_final_decision(story):
    assert f"finding {story['finding_id']} disputed" in story["dispute"] and "due 2026-12-23" in story["dispute"]
    assert story["pre"]["findings"] and story["finding_id"] in story["pre"]["findings"]
    refused = story["final_refused"]
    assert refused.returncode == 1 and f"finding {story['finding_id']} is disputed" in refused.stderr
    (d,) = story["list_before"]
    assert (d["finding_id"], d["state"], d["rereads"]) == (story["finding_id"], "awaiting_reread", [])


def test_run_two_rereads_the_candidate_and_keeps_the_finding_disputed(story):
    env, run2, cid = story["env"], story["run2"], story["candidate_id"]
    assert run2 != story["run1"]
    plan = env.tmp / "data" / "runs" / run2 / "plan"
    assert json.loads((plan / "disputes.json").read_text(encoding="utf-8")) == [
        {"dispute_id": story["list_before"][0]["dispute_id"], "candidate_id": cid}]
    planned = [c for chunk in json.loads((plan / "profiles.json").read_text(encoding="utf-8")) for c in chunk]
    assert planned == [cid]  # every other profile is fresh: only the disputed candidate's is read again
    assert story["status_after_run2"] == "disputed"  # the re-check did not reset it to open
    level = story["level_after_run2"]
    assert level["level"] == "red"
    assert {"finding_id": story["finding_id"], "disputed": True}.items() <= next(
        r for r in level["reasons"] if r.get("finding_id") == story["finding_id"]).items()
    html = story["report_after_run2"]
    assert 'id="disputes"' in html and f'data-dispute="{story["finding_id"]}"' in html
    assert "re-read: the same evidence" in html  # the sandbox world did not change between the runs
    wh = env.warehouse()
    try:
        manifest = wh.query("SELECT manifest FROM pipeline_runs WHERE run_id = ?", [run2])[0]["manifest"]
    finally:
        wh.close()
    manifest = json.loads(manifest) if isinstance(manifest, str) else manifest
    assert manifest["disputes_reread"] == 1


def test_outcome_then_final_notice_and_every_step_sealed_and_exported(story):
    env, cid, fid = story["env"], story["candidate_id"], story["finding_id"]
    assert "upheld" in story["outcome"] and "the finding is open" in story["outcome"]
    assert "handed over" in story["final_delivery"]
    listed = json.loads(_ok(env.crosscheck("dispute", "list", "--all", "--json")))
    (d,) = listed
    assert [(r["run_id"], r["evidence"]) for r in d["rereads"]] == [(story["run2"], "same")]
    assert (d["outcome"]["outcome"], d["outcome"]["actor"], d["state"]) == ("upheld", "lead@example.com", "closed")

    verify = env.crosscheck("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "audit chain OK: 2 runs verified" in verify.stdout

    wh = env.warehouse()
    try:
        seals = wh.query("SELECT kind, ref, run_id FROM audit_seals ORDER BY seq")
        decisions = wh.query("SELECT decision_id, decision FROM notice_decisions WHERE candidate_id = ? "
                             "ORDER BY decided_at", [cid])
    finally:
        wh.close()
    kinds = [s["kind"] for s in seals]
    story_kinds = ["run", "decision", "notice", "delivery", "dispute", "run", "dispute-outcome", "decision", "notice",
                   "delivery"]
    it = iter(kinds)
    assert all(k in it for k in story_kinds), kinds  # every step, in this order
    refs = {(s["kind"], s["ref"]) for s in seals}
    assert {("decision", story["pre"]["decision"]), ("notice", story["pre"]["notice"]),
            ("delivery", story["pre"]["delivery"]), ("dispute", d["dispute_id"]),
            ("dispute-outcome", d["dispute_id"])} <= refs
    assert [r["run_id"] for r in seals if r["kind"] == "run"] == [story["run1"], story["run2"]]
    assert [x["decision"] for x in decisions] == ["pre_adverse", "final_adverse"]

    out = env.tmp / "export" / "candidate.json"
    out.parent.mkdir(mode=0o700)
    _ok(env.crosscheck("candidate", "export", cid, "--out", str(out)))
    export = json.loads(out.read_text(encoding="utf-8"))
    assert [x["decision"] for x in sorted(export["notice_decisions"], key=lambda x: x["decided_at"])] == [
        "pre_adverse", "final_adverse"]
    assert len(export["notice_letters"]) == 2 and len(export["notice_deliveries"]) == 2
    (x,) = export["disputes"]
    assert x["statement"].startswith("I was employed there from 2019")
    assert [r["run_id"] for r in x["rereads"]] == [story["run2"]] and x["outcome"]["outcome"] == "upheld"
    assert fid in {f["finding_id"] for f in export["findings"]}
    readable = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "You disputed this finding" in readable and "Outcome: the finding stands." in readable
