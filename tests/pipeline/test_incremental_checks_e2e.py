"""Incremental checks end to end through Airflow (`crosscheck run`): an incremental run's findings equal a
full re-check's (`crosscheck run --full`) on the same warehouse state.

Day 1 (2026-11-27) checks everyone into warehouse A; HR clears one finding; A is copied to B. Day 2
(2026-11-30) follows input changes in the ATS (a title, a new job, an end date) and a time-dependent
change without any input change: a recorded non-compete agreement ended on 2026-11-29, so its finding
must go. Day 3 (2026-12-01) changes no input at all, but the month turns: every current job is a month
longer. A runs days 2 and 3 incrementally, B runs them with --full; after each day both hold the same
findings (ids, kinds, severities, texts, evidence and its digests, statuses, first sightings), the same
run_findings digests, the same levels, and the incremental run re-checked fewer candidates than it kept.
"""

from __future__ import annotations

import json
import shutil

import pytest

from sandbox.generator import build_world
from sandbox.server import Sandbox
from sandbox.world import World
from tests.pipeline.conftest import make_env

DAY1, DAY2, DAY3 = "2026-11-27", "2026-11-30", "2026-12-01"
N = 40
NON_COMPETE = "greenhouse:63321586"  # planted: left a competitor 8 months before day 1
LEAVING = "greenhouse:97613739"  # planted: at a competitor (Teslin Motion) until day 1's month


def _cid(c: dict) -> str:
    return f"{c['ats']}:{c['id']}"


def _latest(wh) -> tuple[str, dict]:
    row = wh.query("SELECT run_id, manifest FROM pipeline_runs ORDER BY seq DESC LIMIT 1")[0]
    manifest = row["manifest"]
    return row["run_id"], json.loads(manifest) if isinstance(manifest, str) else manifest


def _state(env) -> dict:
    """The latest run's outputs, with run ids as their report days (the two warehouses' run ids differ)."""
    wh = env.warehouse()
    try:
        run_id, manifest = _latest(wh)
        days = {r["run_id"]: str(r["report_day"]) for r in wh.query("SELECT run_id, report_day FROM pipeline_runs")}
        this = days.__getitem__
        findings = {}
        for r in wh.query("SELECT * FROM discrepancies WHERE last_seen_run = ? ORDER BY finding_id", [run_id]):
            ev = r["evidence"] if isinstance(r["evidence"], str) else json.dumps(r["evidence"], sort_keys=True)
            msg = r["message"] if isinstance(r["message"], str) or r["message"] is None else json.dumps(
                r["message"], sort_keys=True)
            findings[r["finding_id"]] = (r["candidate_id"], r["application_id"], r["kind"], r["severity"],
                                         r["summary"], r["question"], json.loads(ev), r["evidence_digest"],
                                         r["rule_version"], r["status"], r["cleared_reason"],
                                         this(r["first_seen_run"]), msg and json.loads(msg))
        digests = sorted((r["finding_id"], r["row_digest"]) for r in
                         wh.query("SELECT finding_id, row_digest FROM run_findings WHERE run_id = ?", [run_id]))
        levels = sorted((r["candidate_id"], r["level"], json.dumps(r["reasons"], sort_keys=True, default=str))
                        for r in wh.query("SELECT candidate_id, level, reasons FROM candidate_levels "
                                          "WHERE run_id = ?", [run_id]))
    finally:
        wh.close()
    return {"findings": findings, "run_findings": digests, "levels": levels, "manifest": manifest}


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    data, _labels = build_world(42, N, DAY1)
    people = {_cid(c): c for c in data["candidates"]}
    people[NON_COMPETE]["non_compete"] = {"has_agreement": True, "ends_on": "2026-11-29"}
    # left the competitor in November: still "current" in November, one month gone on 1 December
    job = next(e for e in people[LEAVING]["employments"] if "Teslin" in e["company_name"])
    job["end"] = "2026-11"
    sw = World(data, _labels)
    out: dict = {}
    with Sandbox(sw) as sb:
        a_tmp, b_tmp = tmp_path_factory.mktemp("incr-a"), tmp_path_factory.mktemp("incr-b")
        a = make_env(a_tmp, {"conn_type": "duckdb", "host": str(a_tmp / "warehouse.duckdb")}, sb)
        b = make_env(b_tmp, {"conn_type": "duckdb", "host": str(b_tmp / "warehouse.duckdb")}, sb)
        a.crosscheck("run", "--date", DAY1, check=True)
        out["day1"] = _state(a)
        # HR clears a finding of a candidate whose inputs will not change: it must stay cleared in both
        from include.findings import clear_finding

        wh = a.warehouse()
        try:
            cleared = min(f for f, v in out["day1"]["findings"].items()
                          if v[0] not in (NON_COMPETE, LEAVING) and v[2] == "employer_not_in_registry")
            clear_finding(wh, cleared, "checked with the candidate", "hr@example.com")
        finally:
            wh.close()
        out["cleared"] = cleared
        shutil.copy(a_tmp / "warehouse.duckdb", b_tmp / "warehouse.duckdb")

        # day 2's input changes, read by both (the same watermarks): a title, a new job, a job's end
        touched = [c for c in data["candidates"] if c.get("consent") and len(c.get("employments") or []) >= 2
                   and _cid(c) not in (NON_COMPETE, LEAVING, out["day1"]["findings"][cleared][0])][:3]
        touched[0]["employments"][0]["title"] = "Principal " + (touched[0]["employments"][0]["title"] or "Engineer")
        touched[1]["employments"].append({"id": "990000001", "company_name": "Tarrant Controls", "title": "Engineer",
                                          "start": "2011-01", "end": "2013-12", "employment_type": "full_time"})
        touched[2]["employments"][-1]["end"] = "2026-10"
        for c in touched:
            c["updated_at"] = "2026-11-30T08:00:00Z"
        sw.invalidate()
        out["touched"] = [_cid(c) for c in touched]
        for day in (DAY2, DAY3):
            a.crosscheck("run", "--date", day, check=True)
            b.crosscheck("run", "--date", day, "--full", check=True)
            out[day] = (_state(a), _state(b))
    return out


@pytest.mark.parametrize("day", [DAY2, DAY3])
def test_an_incremental_run_finds_what_a_full_re_check_finds(days, day):
    incremental, full = days[day]
    assert incremental["findings"], "no findings at all: nothing was compared"
    assert sorted(incremental["findings"]) == sorted(full["findings"])
    for fid, row in incremental["findings"].items():
        assert row == full["findings"][fid], fid
    assert incremental["run_findings"] == full["run_findings"]
    assert incremental["manifest"]["candidates_checked"] == full["manifest"]["candidates_checked"]
    assert incremental["levels"] == full["levels"]


@pytest.mark.parametrize("day", [DAY2, DAY3])
def test_the_incremental_run_re_checks_only_what_is_due_and_says_so(days, day):
    incremental, full = days[day]
    inc, fl = incremental["manifest"]["incremental"], full["manifest"]["incremental"]
    checked = full["manifest"]["candidates_checked"]
    assert {k: v for k, v in fl.items() if k != "plan"} == {
        "full": True, "rechecked": checked, "rechecked_by_reason": {"new": 0, "changed": 0, "time_due": 0, "full": checked},
        "kept": 0}
    assert fl["plan"] == {"loaded": checked, "carried_unread": 0, "carried_after_register_change": 0,
                          "loaded_by_reason": {**{r: 0 for r in fl["plan"]["loaded_by_reason"]}, "full": checked}}
    assert inc["full"] is False and inc["rechecked"] + inc["kept"] == checked
    plan = inc["plan"]  # who was loaded and compared, who carried over without being read
    assert plan["loaded"] + plan["carried_unread"] == checked
    assert sum(plan["loaded_by_reason"].values()) == plan["loaded"] >= inc["rechecked"]
    assert plan["loaded_by_reason"]["full"] == 0
    assert 0 < inc["rechecked"] < inc["kept"] if day == DAY2 else 0 < inc["rechecked"]
    assert inc["kept"] > 0
    if day == DAY2:
        assert inc["rechecked_by_reason"]["changed"] >= len(days["touched"])
        assert inc["rechecked_by_reason"]["time_due"] >= 1  # the agreement that ended
        if plan["loaded_by_reason"]["register"] == 0:  # the register is as on day 1: only the due are read
            assert plan["loaded_by_reason"]["inputs"] >= len(days["touched"]) and plan["carried_unread"] > 0
    else:
        assert inc["rechecked_by_reason"]["changed"] == 0  # no input changed: the month turned
        assert inc["rechecked_by_reason"]["time_due"] == inc["rechecked"]
        # nothing changed but the month: those whose results can change are read, the rest are not
        assert plan["loaded_by_reason"]["inputs"] == plan["loaded_by_reason"]["register"] == 0
        assert plan["loaded_by_reason"]["time_due"] == plan["loaded"] == inc["rechecked"]
        assert plan["carried_unread"] == inc["kept"] > 0


def test_unchanged_findings_keep_their_ids_digests_and_clearance(days):
    day1 = days["day1"]["findings"]
    incremental, _ = days[DAY2]
    touched = set(days["touched"]) | {NON_COMPETE}
    kept = {f: v for f, v in day1.items() if v[0] not in touched}
    assert kept
    for fid, row in kept.items():
        now = incremental["findings"].get(fid)
        if now is None:  # only a time-dependent change may drop an untouched candidate's finding
            continue
        assert now[7] == row[7], fid  # evidence digest
        assert now[11] == row[11]  # first seen on day 1
    assert incremental["findings"][days["cleared"]][9] == "cleared"


def test_a_time_dependent_finding_goes_without_any_input_change(days):
    day1 = days["day1"]["findings"]
    before = [f for f, v in day1.items() if v[0] == NON_COMPETE and v[2] == "non_compete_risk"]
    assert before, "the planted non-compete finding is missing on day 1"
    for state in days[DAY2]:
        assert not [f for f, v in state["findings"].items() if v[0] == NON_COMPETE and v[2] == "non_compete_risk"]


def test_the_month_turn_changes_findings_without_any_input_change(days):
    incremental, _full = days[DAY3]
    before, _ = days[DAY2]
    mine = [f for f, v in before["findings"].items() if v[0] == LEAVING and v[2] == "non_compete_risk"]
    assert mine, "the planted non-compete finding is missing on day 2"
    for fid in mine:  # no longer current, one month since leaving: the same finding, other evidence
        assert incremental["findings"][fid][7] != before["findings"][fid][7]
        assert incremental["findings"][fid][11] == before["findings"][fid][11]  # first seen stays
