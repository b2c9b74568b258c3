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


def _state(wh):
    return (
        wh.query("SELECT finding_id, status, first_seen_run, last_seen_run, evidence_digest, cleared_by "
                 "FROM discrepancies ORDER BY finding_id"),
        wh.query("SELECT run_id, finding_id, row_digest FROM run_findings ORDER BY run_id, finding_id"),
        wh.query("SELECT finding_id, reopened_run, reopened_evidence_digest FROM finding_clearances "
                 "ORDER BY finding_id"),
    )


def test_written_in_batches_equals_written_whole(warehouse, tmp_path):
    """The pipeline writes findings one batch file at a time: same rows, counts and sealed digest as
    writing the run's whole list at once, including reopened clearances, retries and a repeated id."""
    from include.findings import write_run_findings
    from include.warehouse import connect

    ref = connect({"conn_type": "duckdb", "host": str(tmp_path / "reference.duckdb")})
    ref.migrate()
    a1, a2, b1, b2 = finding(ANA, 1), finding(ANA, 2), finding(BOB, 1), finding(BOB, 2)
    a1_changed = finding(ANA, 1, employer="Halcyon Software Group")
    runs = [
        ("run-1", [[a1], [a2, b1]]),
        ("run-2", [[a1_changed], [b1, b2]]),  # a1 reopens after its clearance, a2 resolved, b2 new
        ("run-2", [[b2], [a1_changed, b2], [b1]]),  # a retried run, b2 met in two batches
    ]
    for i, (run_id, batches) in enumerate(runs):
        whole = [f for b in batches for f in b]
        want = upsert_findings(ref, whole, run_id, {ANA, BOB})
        got = write_run_findings(warehouse, iter(batches), run_id, {ANA, BOB})
        assert got.counts == want, f"run {i}"
        assert got.digest == findings_digest(whole)
        assert got.by_kind == {"employer_not_on_profile": len({f.finding_id for f in whole})}
        assert _state(warehouse) == _state(ref), f"run {i}"
        if i == 0:
            for wh in (warehouse, ref):
                clear_finding(wh, a1.finding_id, "Explained: agency contract", "hr.lead")
    assert want["reopened"] == 1 and want["resolved"] == 1 and want["total"] == 3
    ref.close()


def test_batches_are_written_as_they_are_read(warehouse):
    """Only one batch is held: each is in the warehouse (same transaction) before the next is read."""
    from include.findings import write_run_findings

    batches = [[finding(ANA, 1), finding(ANA, 2)], [finding(BOB, 1)], [finding(BOB, 2)]]
    seen = []

    def read():
        for b in batches:
            seen.append(warehouse.query("SELECT COUNT(*) AS n FROM run_findings WHERE run_id = 'run-1'")[0]["n"])
            yield b

    out = write_run_findings(warehouse, read(), "run-1", {ANA, BOB})
    assert seen == [0, 2, 3] and out.counts["total"] == 4
