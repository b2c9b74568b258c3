"""The audit chain: appends link, verify re-hashes, and any later edit names the run it belongs to."""

from __future__ import annotations

import json

import pytest

from include.audit.chain import GENESIS, ChainError, append_run, run_hash, verify
from include.findings import clear_finding, findings_digest, upsert_findings
from tests.audit.audit_helpers import finding, seal

ANA, BOB = "greenhouse:4829103", "lever:5c86dd1a-0001"
SOURCES = {"greenhouse": {"payloads": [{"sha256": "ab" * 32}]}}


def _three_runs(wh):
    """run-1 finds a1, a2, b1; run-2 finds a1, b1 (a2 last seen in run-1); run-3 finds a1."""
    a1, a2, b1 = finding(ANA, 1), finding(ANA, 2), finding(BOB, 1)
    for run_id, found, checked in (
        ("run-1", [a1, a2, b1], {ANA, BOB}),
        ("run-2", [a1, b1], {ANA, BOB}),
        ("run-3", [a1], {ANA}),
    ):
        upsert_findings(wh, found, run_id, checked)
        seal(wh, run_id, findings_digest(found), sources=SOURCES)
    return a1, a2, b1


def test_append_links_and_verifies(warehouse):
    _three_runs(warehouse)
    rows = warehouse.query("SELECT * FROM pipeline_runs ORDER BY seq")
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"] and rows[2]["prev_hash"] == rows[1]["hash"]
    assert all(run_hash(r) == r["hash"] for r in rows)
    assert verify(warehouse) == verify(warehouse) and verify(warehouse).ok
    assert verify(warehouse).rows == 3


def test_empty_chain_verifies(warehouse):
    res = verify(warehouse)
    assert res.ok and res.rows == 0 and res.first_bad is None


def test_sealing_a_run_again_never_forks(warehouse):
    _three_runs(warehouse)
    tip = warehouse.query("SELECT hash FROM pipeline_runs WHERE run_id = 'run-3'")[0]["hash"]
    assert seal(warehouse, "run-3", findings_digest([finding(ANA, 1)]), sources=SOURCES) == tip  # a no-op
    new_tip = seal(warehouse, "run-3", findings_digest([finding(ANA, 1)]), sources=SOURCES, report="retried")
    assert new_tip != tip  # the tip may be re-sealed (a retried seal task)
    assert warehouse.query("SELECT COUNT(*) AS n FROM pipeline_runs")[0]["n"] == 3
    with pytest.raises(ChainError, match="later runs are chained"):
        seal(warehouse, "run-1", findings_digest([]), report="rewritten history")
    assert verify(warehouse).ok


def test_editing_a_past_finding_names_its_run(warehouse):
    _, a2, _ = _three_runs(warehouse)
    warehouse.execute(
        "UPDATE discrepancies SET summary = ? WHERE finding_id = ?", ["Nothing to see.", a2.finding_id]
    )
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-1" and a2.finding_id in res.reason


def test_editing_severity_of_a_current_finding_names_its_run(warehouse):
    a1, _, _ = _three_runs(warehouse)
    warehouse.execute("UPDATE discrepancies SET severity = 'blue' WHERE finding_id = ?", [a1.finding_id])
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-3"


def test_editing_a_manifest_names_its_run(warehouse):
    _three_runs(warehouse)
    manifest = warehouse.query("SELECT manifest FROM pipeline_runs WHERE run_id = 'run-2'")[0]["manifest"]
    manifest["sources"]["greenhouse"]["payloads"][0]["sha256"] = "cd" * 32
    warehouse.execute(
        "UPDATE pipeline_runs SET manifest = ? WHERE run_id = ?", [json.dumps(manifest), "run-2"]
    )
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-2" and "hash" in res.reason


def test_rehashing_an_edited_row_breaks_the_next_link(warehouse):
    _three_runs(warehouse)
    row = warehouse.query("SELECT * FROM pipeline_runs WHERE run_id = 'run-1'")[0]
    row["state"] = "failed"
    warehouse.execute(
        "UPDATE pipeline_runs SET state = ?, hash = ? WHERE run_id = ?", ["failed", run_hash(row), "run-1"]
    )
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-2" and "prev_hash" in res.reason


def test_deleting_a_finding_or_its_record_is_detected(warehouse):
    _, _, b1 = _three_runs(warehouse)
    warehouse.execute("DELETE FROM discrepancies WHERE finding_id = ?", [b1.finding_id])
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-1" and "deleted" in res.reason


def test_deleting_what_a_run_wrote_is_detected(warehouse):
    _three_runs(warehouse)
    warehouse.execute("DELETE FROM run_findings WHERE run_id = 'run-2'")
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-2"


def test_clearing_is_legitimate_but_a_bare_status_flip_is_not(warehouse):
    a1, a2, _ = _three_runs(warehouse)
    clear_finding(warehouse, a1.finding_id, "explained", "hr.lead")
    assert verify(warehouse).ok
    warehouse.execute("UPDATE discrepancies SET status = 'cleared' WHERE finding_id = ?", [a2.finding_id])
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-1" and "clearance" in res.reason


def test_findings_of_an_unsealed_run_are_checked_too(warehouse):
    _three_runs(warehouse)
    f = finding(ANA, 9)
    upsert_findings(warehouse, [f], "run-4", {ANA})  # written, not sealed yet
    assert verify(warehouse).ok
    warehouse.execute("UPDATE discrepancies SET question = 'x' WHERE finding_id = ?", [f.finding_id])
    res = verify(warehouse)
    assert not res.ok and res.first_bad == "run-4"


def test_manifest_values_are_stored_as_hashed(warehouse):
    h = append_run(
        warehouse,
        "run-x",
        "2026-11-21",
        ["d"],
        "s",
        "e",
        "failed",
        {"nan": float("nan"), "when": __import__("datetime").date(2026, 1, 2), "t": (1, 2), 3: "k"},
        "",
    )
    stored = warehouse.query("SELECT manifest, hash FROM pipeline_runs")[0]
    assert stored["hash"] == h
    assert stored["manifest"] == {"nan": None, "when": "2026-01-02", "t": [1, 2], "3": "k"}
    assert verify(warehouse).ok
