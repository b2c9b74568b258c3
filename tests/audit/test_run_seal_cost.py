"""A run seal costs what the runs since the last seal wrote, not the history (``coverage._changes``),
and keeps what a full seal records: the same roots, the same changes, the rows a killed run stored.
On DuckDB and PostgreSQL (the warehouse computes the roots)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from include.audit import coverage

KEYS = ["greenhouse:1", "greenhouse:2", "greenhouse:3", "lever:é-ß", "lever:😀", "lever:Z", "lever:a\u0301"]


def candidate(cid: str, run_id: str | None, last: str = "Silva") -> dict[str, Any]:
    return {"candidate_id": cid, "source": cid.split(":")[0], "source_id": cid.split(":")[1], "first_name": "Ana",
            "last_name": last, "emails": [f"{len(cid)}@example.net"], "consent_given": True,
            "consent": {"field": "x", "value": True}, "run_id": run_id}


def run(wh: Any, run_id: str) -> dict[str, Any]:
    """Record ``run_id`` in the chain's table and seal it as ``append_run`` does."""
    wh.upsert("pipeline_runs", [{"seq": len(wh.query("SELECT 1 AS one FROM pipeline_runs")) + 1, "run_id": run_id,
                                 "report_day": "2026-11-21", "dag_ids": [], "started_at": "", "ended_at": "",
                                 "state": "success", "manifest": {}, "findings_digest": "", "prev_hash": "",
                                 "hash": run_id}], ["run_id"])
    with wh.transaction():
        return coverage.seal_locked(wh, "run", run_id, "pipeline", run_id=run_id, run_hash=run_id)


def run_digesting(wh: Any, run_id: str, monkeypatch: Any) -> tuple[dict[str, Any], list[str]]:
    """``run`` while recording which candidates' rows the seal digested."""
    digested: list[str] = []
    real = coverage.row_digest
    monkeypatch.setattr(coverage, "row_digest", lambda row: digested.append(str(row.get("candidate_id"))) or real(row))
    sealed = run(wh, run_id)
    monkeypatch.undo()
    return sealed, [d for d in digested if d != "None"]


def full_roots(wh: Any) -> dict[str, dict[str, Any]]:
    """The roots of every covered row as the warehouse holds it, read whole: what a seal must record."""
    tables = coverage.present(wh)
    state = {c.table: {coverage.key_text(r, c.key): coverage.row_digest(r) for r in wh.query(f"SELECT * FROM {c.table}")}
             for c in tables}
    return coverage.roots(state, [c.table for c in tables])


def test_the_warehouse_roots_are_the_python_roots(warehouse, tmp_path):
    """Non-ASCII keys (code points, not bytes or graphemes, and their order), an empty table and a
    composite key: the roots the warehouse computes over ``audit_rows`` equal ``coverage.roots``."""
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS], ["candidate_id"])
    landed = []
    for n, k in enumerate(KEYS):
        path = tmp_path / f"{n}-{k.replace(':', '-')}.json"
        path.write_bytes(b"[]")
        landed.append({"run_id": "r1", "source": "lever", "path": str(path), "records": 1, "bytes": 2,
                       "sha256": hashlib.sha256(b"[]").hexdigest()})
    warehouse.upsert("landed_payloads", landed, ["run_id", "path"])
    sealed = run(warehouse, "r1")
    assert sealed["coverage"] == full_roots(warehouse)
    assert sealed["coverage"]["candidates"]["rows"] == len(KEYS)
    assert sealed["coverage"]["legal_holds"] == {"rows": 0, "root": coverage.root({})}
    assert coverage.verify(warehouse).problems == []


def test_a_run_seal_reads_only_the_rows_no_sealed_run_wrote(warehouse, monkeypatch):
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS], ["candidate_id"])
    run(warehouse, "r1")
    # r2 edits one candidate, adds one, the ingest deletes one; a killed run stored one, never sealed
    warehouse.upsert("candidates", [candidate(KEYS[0], "r2", last="Costa"), candidate("greenhouse:9", "r2")],
                     ["candidate_id"])
    warehouse.execute("DELETE FROM candidates WHERE candidate_id = ?", [KEYS[1]])
    warehouse.upsert("candidates", [candidate("greenhouse:8", "killed")], ["candidate_id"])
    sealed, digested = run_digesting(warehouse, "r2", monkeypatch)
    # only r2's and the killed run's candidates were digested, not the five that r1 wrote and nobody changed
    assert sorted(digested) == sorted([KEYS[0], "greenhouse:9", "greenhouse:8"])
    assert sealed["changes"]["rows"]["candidates"] == {"edited": 1, "inserted": 2, "deleted": 1}
    assert sealed["changes"]["unsealed_runs"] == {"killed": 1}
    assert sealed["coverage"] == full_roots(warehouse)
    assert coverage.verify(warehouse).problems == []


def test_an_edit_of_an_earlier_runs_row_is_not_taken_in_by_a_run_seal(warehouse):
    """A full seal read every row and so took in whatever had been edited since; a run seal reads what
    the runs wrote, so an edit that kept an earlier run's id stays named by ``verify``."""
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS], ["candidate_id"])
    run(warehouse, "r1")
    warehouse.execute("UPDATE candidates SET last_name = 'Forged' WHERE candidate_id = ?", [KEYS[2]])
    run(warehouse, "r2")
    assert [p.split(" since")[0] for p in coverage.verify(warehouse).problems] == [f"candidates {KEYS[2]}: edited"]


@pytest.mark.parametrize("first", ["run", "hold"])
def test_a_row_under_a_sealed_runs_id_that_no_seal_recorded_reads_the_table_whole(warehouse, first):
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS[:2]], ["candidate_id"])
    if first == "run":
        run(warehouse, "r1")
    else:  # sealed by something else first: the run seal then finds rows of its own
        coverage.seal(warehouse, "hold", "h-1", "legal@x")
        run(warehouse, "r1")
    warehouse.upsert("candidates", [candidate("greenhouse:7", "r1")], ["candidate_id"])
    sealed = run(warehouse, "r2")
    assert sealed["changes"]["rows"]["candidates"] == {"inserted": 1}
    assert sealed["coverage"] == full_roots(warehouse)
    assert coverage.verify(warehouse).problems == []


@pytest.mark.parametrize("per_range", [1, 2, 3])
def test_the_roots_are_the_same_whatever_the_ranges_they_are_sorted_in(warehouse, monkeypatch, per_range):
    """``recorded_roots`` sorts a table's recorded keys a range at a time (bounds from a random sample):
    with ranges of one to three keys, non-ASCII keys among them, the roots are the Python roots."""
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS], ["candidate_id"])
    run(warehouse, "r1")
    monkeypatch.setattr(coverage, "ROOT_RANGE", per_range)
    tables = coverage.present(warehouse)
    assert len(coverage._key_ranges(warehouse, "candidates", ' COLLATE "C"' if warehouse.dialect == "postgres"
                                    else "")) > 1
    for _ in range(3):  # a new sample each time
        assert coverage.recorded_roots(warehouse, tables) == full_roots(warehouse)


def test_a_killed_runs_rows_are_read_by_the_next_run_seal_only(warehouse, monkeypatch):
    """A run killed after storing rows never gets a seal of its own: the next run seal takes its rows in
    (``unsealed_runs``) and the seals after it do not read them again (``coverage.taken_runs``); an edit
    of one of them afterwards is named by ``verify``, as any earlier run's row."""
    warehouse.upsert("candidates", [candidate(k, "r1") for k in KEYS[:2]], ["candidate_id"])
    run(warehouse, "r1")
    warehouse.upsert("candidates", [candidate(k, "killed") for k in KEYS[2:]], ["candidate_id"])
    assert run(warehouse, "r2")["changes"]["unsealed_runs"] == {"killed": len(KEYS) - 2}
    assert coverage.taken_runs(warehouse) == ["killed"]

    warehouse.upsert("candidates", [candidate("greenhouse:9", "r3")], ["candidate_id"])
    sealed, digested = run_digesting(warehouse, "r3", monkeypatch)
    assert digested == ["greenhouse:9"]
    assert sealed["changes"]["rows"]["candidates"] == {"inserted": 1} and "killed" not in sealed["changes"]["unsealed_runs"]
    assert sealed["coverage"] == full_roots(warehouse)
    warehouse.execute("UPDATE candidates SET last_name = 'Forged' WHERE candidate_id = ?", [KEYS[3]])
    run(warehouse, "r4")
    assert [p.split(" since")[0] for p in coverage.verify(warehouse).problems] == [f"candidates {KEYS[3]}: edited"]


@pytest.mark.parametrize("per_range", [1, 2, 3])
def test_a_seal_that_reads_every_row_reads_them_a_range_at_a_time(warehouse, monkeypatch, per_range):
    """A first run seal, and every clearance, erasure or hold seal, reads every covered row: a range of
    about ``ROOT_RANGE`` keys at a time (ranges sampled from the table and its record), storing each
    range's digests before reading the next. With ranges of one to three keys the seals record what a
    whole read records, count the same changes, and ``verify`` names the same edits."""
    monkeypatch.setattr(coverage, "ROOT_RANGE", per_range)
    pieces: list[int] = []
    real = coverage._digested

    def digested(rows: Any, c: Any) -> tuple[dict[str, str], dict[str, str]]:
        out = real(rows, c)
        pieces.append(len(out[0]))
        return out

    monkeypatch.setattr(coverage, "_digested", digested)
    warehouse.upsert("candidates", [candidate(k, "killed" if k == KEYS[4] else "r1") for k in KEYS], ["candidate_id"])
    first = run(warehouse, "r1")  # nothing recorded yet: the whole history, in ranges
    assert first["changes"]["rows"]["candidates"] == {"inserted": len(KEYS)}
    assert first["changes"]["unsealed_runs"] == {"killed": 1}
    assert first["coverage"] == full_roots(warehouse)
    assert max(pieces) <= 2 * per_range < len(KEYS)  # no piece held the table

    warehouse.execute("UPDATE candidates SET last_name = 'Costa' WHERE candidate_id = ?", [KEYS[5]])
    warehouse.execute("DELETE FROM candidates WHERE candidate_id = ?", [KEYS[0]])
    warehouse.upsert("candidates", [candidate("greenhouse:9", None)], ["candidate_id"])
    named = sorted(p.split(" since")[0] for p in coverage.verify(warehouse).problems)
    assert named == sorted([f"candidates {KEYS[5]}: edited", f"candidates {KEYS[0]}: deleted",
                            "candidates greenhouse:9: inserted"])
    pieces.clear()
    hold = coverage.seal(warehouse, "hold", "h-1", "legal@x")  # every row, read again, in ranges
    assert hold["changes"]["rows"]["candidates"] == {"edited": 1, "deleted": 1, "inserted": 1}
    assert hold["coverage"] == full_roots(warehouse)
    assert max(pieces) <= 2 * per_range
    assert coverage.verify(warehouse).problems == []


def test_verify_names_a_sealed_table_that_was_dropped_row_by_row(warehouse, monkeypatch):
    """A covered table that a seal recorded and that is gone since (an optional one: its absence is no
    error by itself): each recorded row is named deleted, the first ``MAX_NAMED`` by key and the rest
    counted, read a range at a time."""
    monkeypatch.setattr(coverage, "ROOT_RANGE", 2)
    monkeypatch.setattr(coverage, "MAX_NAMED", 3)
    decisions = [{"decision_id": k, "application_id": "a", "candidate_id": "c", "decision": "reject",
                  "reason": "r", "decided_by": "hr", "decided_at": "2026-11-21", "result_day": "2026-11-21",
                  "notice_due_on": "2026-11-28"} for k in KEYS]
    warehouse.upsert("notice_decisions", decisions, ["decision_id"])
    coverage.seal(warehouse, "hold", "h-1", "legal@x")
    warehouse.execute("DROP TABLE notice_decisions")
    problems = coverage.verify(warehouse).problems
    assert problems == [f"notice_decisions {k}: deleted since audit seal 1 (hold)" for k in sorted(KEYS)[:3]] + [
        f"... and {len(KEYS) - 3} more changed rows in covered tables"]
