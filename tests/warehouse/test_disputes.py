"""A candidate's dispute of a finding, on DuckDB and PostgreSQL: the finding becomes ``disputed`` and a run's
re-check keeps it so; the re-read records same / changed / gone evidence; each outcome sets the status it
promises; the level keeps the disputed finding as a reason; the trail verifies after every step; refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from include.audit.coverage import verify
from include.disputes import (
    DisputeError,
    candidates_to_reread,
    employers_to_reread,
    record_dispute,
    record_outcome,
    record_rereads,
    reread_plan,
)
from include.findings import FindingNotOpen, clear_finding, upsert_findings
from include.levels import store_levels
from include.warehouse.disputes import disputes, open_disputes
from tests.audit.audit_helpers import finding
from tests.cli.cli_helpers import add_candidates

ANA, BOB = "greenhouse:4829103", "greenhouse:4829555"
TODAY = date(2026, 11, 21)


def _run(wh, run_id, findings, checked=(ANA, BOB)):
    upsert_findings(wh, findings, run_id, set(checked))
    store_levels(wh, run_id, list(checked))


def _status(wh, fid):
    return wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [fid])[0]["status"]


def _level(wh, run_id, cid):
    return wh.query("SELECT level, reasons FROM candidate_levels WHERE run_id = ? AND candidate_id = ?",
                    [run_id, cid])[0]


@pytest.fixture
def red(warehouse):
    add_candidates(warehouse, [ANA, BOB])
    warehouse.upsert("employments", [{"employment_id": f"{ANA}/e1", "candidate_id": ANA, "source": "greenhouse",
                                      "employer": "Halcyon Software Ltd", "title": "Engineer"}], ["employment_id"])
    f = finding(ANA, 1, severity="red")
    _run(warehouse, "run-1", [f, finding(BOB, 1)])
    return f


def test_a_dispute_through_reread_to_each_outcome(warehouse, red):
    row = record_dispute(warehouse, red.finding_id, "I worked there; here is my payslip.", TODAY, "hr@x", today=TODAY)
    assert row["due_on"] == (TODAY + timedelta(days=30)).isoformat() == "2026-12-21"
    assert _status(warehouse, red.finding_id) == "disputed"
    assert candidates_to_reread(warehouse) == {ANA}
    assert employers_to_reread(warehouse) == ["Halcyon Software Ltd"]
    plan = reread_plan(warehouse)
    assert plan == [{"dispute_id": row["dispute_id"], "candidate_id": ANA}]
    assert verify(warehouse).problems == []

    # the next run produces the finding again, same evidence: it stays disputed, the level keeps it, marked
    _run(warehouse, "run-2", [red, finding(BOB, 1)])
    assert _status(warehouse, red.finding_id) == "disputed"
    level = _level(warehouse, "run-2", ANA)
    assert level["level"] == "red"
    assert [r.get("disputed") for r in level["reasons"]] == [True]
    assert record_rereads(warehouse, "run-2", plan, {ANA, BOB}) == 1
    assert record_rereads(warehouse, "run-2", plan, {ANA, BOB}) == 0  # recorded once
    (d,) = disputes(warehouse, candidate_id=ANA)
    assert d["state"] == "reinvestigated"
    assert [(s["run_id"], s["evidence"]) for s in d["rereads"]] == [("run-2", "same")]
    assert candidates_to_reread(warehouse) == set()

    step = record_outcome(warehouse, red.finding_id, "upheld", "the registry shows no such employment", "lead@x")
    assert step["outcome"] == "upheld"
    assert _status(warehouse, red.finding_id) == "open"
    assert disputes(warehouse, candidate_id=ANA)[0]["state"] == "closed"
    assert verify(warehouse).problems == []

    # a second dispute of the same finding, corrected: cleared with the reason, the clearance on record
    record_dispute(warehouse, red.finding_id, "Second letter, with the contract.", TODAY, "hr@x", today=TODAY)
    record_outcome(warehouse, red.finding_id, "corrected", "contract checked with the employer", "lead@x")
    row = warehouse.query("SELECT status, cleared_reason, cleared_by FROM discrepancies WHERE finding_id = ?",
                          [red.finding_id])[0]
    assert (row["status"], row["cleared_reason"], row["cleared_by"]) == (
        "cleared", "contract checked with the employer", "lead@x")
    assert warehouse.query("SELECT reason FROM finding_clearances WHERE finding_id = ?", [red.finding_id]) == [
        {"reason": "contract checked with the employer"}]
    assert [d["outcome"]["outcome"] for d in disputes(warehouse, candidate_id=ANA)] == ["upheld", "corrected"]
    assert verify(warehouse).problems == []


def test_changed_and_gone_evidence_and_withdrawal(warehouse, red):
    bob = finding(BOB, 1)
    a = record_dispute(warehouse, red.finding_id, "wrong employer", TODAY, "hr@x", today=TODAY)
    b = record_dispute(warehouse, bob.finding_id, "never said that", TODAY, "hr@x", today=TODAY)
    plan = reread_plan(warehouse)
    changed = finding(ANA, 1, severity="red", employer="Halcyon Software Limited")
    assert changed.finding_id == red.finding_id and changed.evidence_digest != red.evidence_digest
    _run(warehouse, "run-2", [changed])  # Bob's finding is no longer produced
    assert record_rereads(warehouse, "run-2", plan, {ANA, BOB}) == 2
    found = {d["dispute_id"]: d["rereads"][0]["evidence"] for d in disputes(warehouse)}
    assert found == {a["dispute_id"]: "changed", b["dispute_id"]: "gone"}
    record_outcome(warehouse, bob.finding_id, "withdrawn", "the candidate withdrew it by e-mail", "hr@x")
    assert _status(warehouse, bob.finding_id) == "open"
    assert [d["finding_id"] for d in open_disputes(warehouse)] == [red.finding_id]


def test_refusals(warehouse, red):
    bob = finding(BOB, 1)
    with pytest.raises(KeyError):
        record_dispute(warehouse, "f-nope", "x", TODAY, "hr@x", today=TODAY)
    with pytest.raises(ValueError, match="statement"):
        record_dispute(warehouse, red.finding_id, "  ", TODAY, "hr@x", today=TODAY)
    with pytest.raises(ValueError, match="future"):
        record_dispute(warehouse, red.finding_id, "x", TODAY + timedelta(days=1), "hr@x", today=TODAY)
    with pytest.raises(DisputeError, match="no dispute"):
        record_outcome(warehouse, red.finding_id, "upheld", "r", "hr@x")
    with pytest.raises(ValueError, match="outcome must be one of"):
        record_outcome(warehouse, red.finding_id, "dismissed", "r", "hr@x")
    record_dispute(warehouse, red.finding_id, "x", TODAY, "hr@x", today=TODAY)
    with pytest.raises(DisputeError, match="already disputed"):
        record_dispute(warehouse, red.finding_id, "again", TODAY, "hr@x", today=TODAY)
    with pytest.raises(FindingNotOpen, match="disputed"):  # only the outcome clears a disputed finding
        clear_finding(warehouse, red.finding_id, "explained", "hr@x")
    clear_finding(warehouse, bob.finding_id, "explained", "hr@x")
    with pytest.raises(DisputeError, match="cleared"):
        record_dispute(warehouse, bob.finding_id, "x", TODAY, "hr@x", today=TODAY)
    assert len(disputes(warehouse)) == 1  # nothing refused was written
    assert verify(warehouse).problems == []


def test_overdue(warehouse, red):
    received = TODAY - timedelta(days=31)
    record_dispute(warehouse, red.finding_id, "x", received, "hr@x", today=TODAY)
    (d,) = open_disputes(warehouse, today=TODAY)
    assert d["due_on"] == (received + timedelta(days=30)).isoformat()
    assert d["overdue"] is True
    assert open_disputes(warehouse, today=TODAY - timedelta(days=2))[0]["overdue"] is False


def test_ingest_adds_disputed_candidates_to_an_incremental_plan(warehouse, red, tmp_path):
    """However few candidates an incremental read would re-read, a disputed one is added, and the plan of the
    disputes re-read is kept in the run folder for the check step."""
    import json

    from include.pipeline.ingest import disputed_employers, plan_dispute_rereads, with_disputed
    from include.pipeline.runs import run_dir
    from include.run_context import RunContext
    from tests.report.report_seed import config

    cfg, run = config(tmp_path), RunContext.new(TODAY)
    assert with_disputed(cfg, run, plan_dispute_rereads(warehouse), [BOB]) == [BOB]  # nothing disputed yet
    row = record_dispute(warehouse, red.finding_id, "x", TODAY, "hr@x", today=TODAY)
    assert with_disputed(cfg, run, plan_dispute_rereads(warehouse), [BOB]) == [BOB, ANA]
    plan = run_dir(cfg, run) / "plan" / "disputes.json"
    assert json.loads(plan.read_text(encoding="utf-8")) == [{"dispute_id": row["dispute_id"], "candidate_id": ANA}]
    assert plan.stat().st_mode & 0o077 == 0  # owner-only, like every file of the run folder
    assert disputed_employers(warehouse) == ["Halcyon Software Ltd"]
