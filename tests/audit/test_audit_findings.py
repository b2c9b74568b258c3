"""Findings across runs: ids and first_seen_run kept, clearances kept until the evidence changes."""

from __future__ import annotations

import pytest

from include.findings import clear_finding, clearance_history, findings_digest, upsert_findings
from tests.audit.audit_helpers import finding

ANA, BOB = "greenhouse:4829103", "lever:5c86dd1a-0001"


def _row(wh, fid):
    return wh.query("SELECT * FROM discrepancies WHERE finding_id = ?", [fid])[0]


def test_lifecycle_new_seen_again_cleared_reopened(warehouse):
    f1, f2 = finding(ANA, 1), finding(ANA, 2)
    counts = upsert_findings(warehouse, [f1, f2], "run-1", {ANA})
    assert counts["new"] == 2 and counts["total"] == 2
    row = _row(warehouse, f1.finding_id)
    assert (row["status"], row["first_seen_run"], row["last_seen_run"]) == ("open", "run-1", "run-1")
    assert row["evidence"] == [e.model_dump() for e in f1.evidence]

    counts = upsert_findings(warehouse, [f1, f2], "run-2", {ANA})
    assert counts["new"] == 0 and counts["unchanged"] == 2
    row = _row(warehouse, f1.finding_id)
    assert (row["first_seen_run"], row["last_seen_run"]) == ("run-1", "run-2")

    clear_finding(warehouse, f1.finding_id, "Explained: agency contract, payslips seen", "hr.lead")
    counts = upsert_findings(warehouse, [f1, f2], "run-3", {ANA})
    row = _row(warehouse, f1.finding_id)
    assert row["status"] == "cleared" and row["cleared_by"] == "hr.lead" and row["last_seen_run"] == "run-3"
    assert counts["cleared"] == 1 and counts["reopened"] == 0

    changed = finding(ANA, 1, employer="Halcyon Software Group")  # same id, new evidence
    assert changed.finding_id == f1.finding_id and changed.evidence_digest != f1.evidence_digest
    counts = upsert_findings(warehouse, [changed, f2], "run-4", {ANA})
    row = _row(warehouse, f1.finding_id)
    assert row["status"] == "open" and row["cleared_reason"] is None and row["first_seen_run"] == "run-1"
    assert counts["reopened"] == 1 and counts["updated"] == 1
    history = clearance_history(warehouse, f1.finding_id)
    assert len(history) == 1 and history[0]["reason"].startswith("Explained")
    assert history[0]["reopened_run"] == "run-4" and history[0]["evidence_digest"] == f1.evidence_digest


def test_gone_findings_are_resolved_and_unchecked_candidates_untouched(warehouse):
    a1, a2, b1 = finding(ANA, 1), finding(ANA, 2), finding(BOB, 1)
    upsert_findings(warehouse, [a1, a2, b1], "run-1", {ANA, BOB})
    counts = upsert_findings(warehouse, [a1], "run-2", {ANA})  # Bob not checked this run
    assert counts["resolved"] == 1
    assert _row(warehouse, a2.finding_id)["last_seen_run"] == "run-1"
    assert _row(warehouse, a2.finding_id)["status"] == "open"
    assert _row(warehouse, b1.finding_id)["last_seen_run"] == "run-1"
    current = warehouse.query("SELECT finding_id FROM discrepancies WHERE last_seen_run = ?", ["run-2"])
    assert current == [{"finding_id": a1.finding_id}]


def test_writing_the_same_run_again_is_idempotent(warehouse):
    f1, f2 = finding(ANA, 1), finding(ANA, 2)
    upsert_findings(warehouse, [f1], "run-1", {ANA})
    clear_finding(warehouse, f1.finding_id, "ok", "hr")
    changed = finding(ANA, 1, employer="Other Ltd")
    first = upsert_findings(warehouse, [changed, f2], "run-2", {ANA})
    state = warehouse.query("SELECT * FROM discrepancies ORDER BY finding_id")
    again = upsert_findings(warehouse, [f2, changed, f2], "run-2", {ANA})  # retried task, duplicates
    assert again == first
    assert warehouse.query("SELECT * FROM discrepancies ORDER BY finding_id") == state
    assert warehouse.query("SELECT COUNT(*) AS n FROM run_findings WHERE run_id = ?", ["run-2"])[0]["n"] == 2
    retry = upsert_findings(warehouse, [changed], "run-2", {ANA})  # a retry that no longer finds f2
    assert retry["total"] == 1
    assert not warehouse.query("SELECT 1 AS x FROM discrepancies WHERE finding_id = ?", [f2.finding_id])


def test_clear_finding_errors_clearly(warehouse):
    f1 = finding(ANA, 1)
    upsert_findings(warehouse, [f1], "run-1", {ANA})
    with pytest.raises(KeyError, match="no finding with id"):
        clear_finding(warehouse, "f-unknown", "reason", "hr")
    with pytest.raises(ValueError, match="reason"):
        clear_finding(warehouse, f1.finding_id, "  ", "hr")
    with pytest.raises(ValueError, match="who"):
        clear_finding(warehouse, f1.finding_id, "reason", "")
    assert _row(warehouse, f1.finding_id)["status"] == "open"


def test_findings_digest_is_order_free_and_content_sensitive():
    f1, f2 = finding(ANA, 1), finding(ANA, 2)
    assert findings_digest([f1, f2]) == findings_digest([f2, f1])
    assert findings_digest([f1, f2]) != findings_digest([f1, finding(ANA, 2, summary="Reworded.")])
    assert findings_digest([]) != findings_digest([f1])
