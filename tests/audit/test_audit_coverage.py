"""The audit trail covers what a decision rests on: every tamper with a covered table, a landed file or
the chain's end makes ``crosscheck audit verify`` (the installed executable) exit 1 naming what changed;
the anchor log catches a chain rebuilt without the key; legal holds stop erasure and retention.

Warehouses are real DuckDB files built and sealed with the pipeline's own functions (``seal_run``)."""

from __future__ import annotations

import json
import stat
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from include.audit.anchor import KEY_ENV
from include.findings import findings_digest, upsert_findings
from sandbox.credentials import audit_key_connection
from tests.audit.audit_helpers import finding
from tests.cli.cli_helpers import DAGS, cli_env, crosscheck, new_warehouse

ANA, BOB = "greenhouse:4829103", "greenhouse:4829555"
DAY = "2026-11-21"


class World:
    """A warehouse in ``tmp`` with two candidates, their applications and employments, a quarantined
    record, a landed file and a red finding, sealed by one run; signed when ``signed``."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, signed: bool = True) -> None:
        from include.config import load_config

        self.tmp = tmp
        key = {KEY_ENV: json.dumps(audit_key_connection())} if signed else {}
        self.env = cli_env(tmp, **key)
        for k, v in key.items():  # the in-process seals read the key as the CLI does
            monkeypatch.setenv(k, v)
        if not signed:
            monkeypatch.delenv(KEY_ENV, raising=False)
        self.config_path = Path(self.env["CROSSCHECK_CONFIG"])
        self.config = load_config(self.config_path)
        self.path = tmp / "warehouse.duckdb"
        self.runs: list[str] = []
        self.landed: list[str] = []
        self.red = finding(ANA, 1, severity="red")

    def open(self) -> Any:
        return new_warehouse(self.path)

    def run(self, candidates: list[str] | None = None) -> str:
        """One run that stores candidates and what hangs on them, lands a file and is sealed."""
        from connectors.http import Payload
        from include.landing import Lander
        from include.pipeline.runs import write_part
        from include.pipeline.seal import seal_run
        from include.pipeline.store import record_payloads
        from include.run_context import RunContext

        run = RunContext.new(date.fromisoformat(DAY))
        wh = self.open()
        try:
            self.store(wh, run.run_id, candidates or [ANA, BOB])
            lander = Lander(self.config.landing_path(), "greenhouse", DAY, run.run_id)
            body = [{"id": int(c.split(":")[1]), "first_name": "Ana", "email_addresses": [{"value": f"{c}@example.net"}]}
                    for c in candidates or [ANA, BOB]]
            lander(Payload(source="greenhouse", url="https://harvest.greenhouse.io/v3/candidates", status=200,
                           body=json.dumps(body).encode(), fetched_at=1700000000.0))
            files = lander.close()
            record_payloads(wh, run, "greenhouse", files)
            self.landed = [f.path for f in files]
            upsert_findings(wh, [self.red], run.run_id, {ANA})
            write_part(self.config, run, "crosscheck", {"findings_digest": findings_digest([self.red]), "findings": 1})
            seal_run(wh, self.config, run, [{"dag_id": d, "state": "success", "seconds": 1.0} for d in DAGS])
        finally:
            wh.close()
        self.runs.append(run.run_id)
        return run.run_id

    def store(self, wh: Any, run_id: str, ids: list[str]) -> None:
        wh.upsert("candidates", [
            {"candidate_id": c, "source": "greenhouse", "source_id": c.split(":")[1], "first_name": "Ana",
             "last_name": f"Silva{n}", "emails": [f"ana{n}@example.net"], "consent_given": True,
             "updated_at": "2026-11-01T00:00:00Z", "run_id": run_id} for n, c in enumerate(ids)], ["candidate_id"])
        wh.upsert("applications", [
            {"application_id": f"greenhouse:app-{c.split(':')[1]}", "candidate_id": c, "job_id": "greenhouse:j1",
             "status": "active", "applied_at": "2026-10-01", "updated_at": "2026-11-01T00:00:00Z", "run_id": run_id}
            for c in ids], ["application_id"])
        wh.upsert("employments", [
            {"employment_id": f"{c}/e1", "candidate_id": c, "source": "greenhouse", "employer": "Halcyon Software Ltd",
             "title": "Engineer", "start_raw": "2019-03", "end_raw": "2021-05", "run_id": run_id} for c in ids],
            ["employment_id"])
        wh.upsert("educations", [
            {"education_id": f"{c}/d1", "candidate_id": c, "source": "greenhouse", "school": "Uni", "degree": "BSc",
             "run_id": run_id} for c in ids], ["education_id"])
        wh.upsert("quarantine", [
            {"quarantine_id": f"q-{run_id}", "run_id": run_id, "source": "greenhouse", "dataset": "candidates",
             "record_key": "greenhouse:999", "reason": "no id", "raw_pointer": "", "raw": {"x": 1},
             "quarantined_at": "2026-11-21T06:00:00+00:00"}], ["quarantine_id"])

    def sql(self, statement: str, params: list[Any] | None = None) -> None:
        wh = self.open()
        try:
            wh.execute(statement, params or [])
        finally:
            wh.close()

    def cli(self, *args: str, **env: str | None) -> Any:
        e = dict(self.env)
        for k, v in env.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        return crosscheck(*args, env=e, cwd=self.tmp)

    def verify(self, *args: str) -> Any:
        return self.cli("audit", "verify", *args)

    @property
    def anchor_log(self) -> Path:
        return self.config.data_path() / "audit" / "anchors.jsonl"


@pytest.fixture
def world(tmp_path, monkeypatch):
    w = World(tmp_path, monkeypatch)
    w.run()
    return w


def broken(res: Any, *needles: str) -> str:
    assert res.rc == 1, (res.rc, res.out, res.err)
    assert "Traceback" not in res.err
    assert "OK" not in res.out
    for n in needles:
        assert n in res.err, (n, res.err)
    return res.err


def test_a_clean_signed_run_verifies(world):
    res = world.verify("--require-anchor")
    assert res.rc == 0, res.err
    assert "audit chain OK: 1 runs verified" in res.out
    assert "1 landed files re-hashed" in res.out and "chain head anchored" in res.out
    assert stat.S_IMODE(world.anchor_log.stat().st_mode) == 0o600
    entry = json.loads(world.anchor_log.read_text().splitlines()[-1])
    assert entry["seq"] == 1 and entry["kind"] == "run" and audit_key_connection()["password"] not in world.anchor_log.read_text()


# -- edit, insert and delete in each covered table -------------------------------------------------------

EDITS = [
    ("candidates", "UPDATE candidates SET consent_given = false WHERE candidate_id = ?", [ANA], ANA),
    ("applications", "UPDATE applications SET status = 'rejected' WHERE application_id = ?",
     ["greenhouse:app-4829103"], "greenhouse:app-4829103"),
    ("employments", "UPDATE employments SET employer = 'Other Ltd' WHERE employment_id = ?", [f"{ANA}/e1"], f"{ANA}/e1"),
    ("educations", "UPDATE educations SET degree = 'PhD' WHERE education_id = ?", [f"{ANA}/d1"], f"{ANA}/d1"),
    ("quarantine", "UPDATE quarantine SET reason = 'fine' WHERE record_key = 'greenhouse:999'", [], "q-"),
    ("landed_payloads", "UPDATE landed_payloads SET records = 0", [], "run_id="),
]


@pytest.mark.parametrize(("table", "statement", "params", "key"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_names_the_table_and_key(world, table, statement, params, key):
    world.sql(statement, params)
    err = broken(world.verify())
    assert f"{table} {key}" in err and "edited" in err


@pytest.mark.parametrize("table", ["candidates", "applications", "employments", "quarantine", "landed_payloads"])
def test_a_delete_names_the_table(world, table):
    world.sql(f"DELETE FROM {table}")
    err = broken(world.verify())
    assert f"audit trail BROKEN: {table} " in err and "deleted" in err


def test_an_insert_names_the_table_and_key(world):
    world.sql("INSERT INTO applications (application_id, candidate_id, status) VALUES ('greenhouse:app-x', ?, "
              "'hired')", [BOB])
    assert "applications greenhouse:app-x: inserted" in broken(world.verify())


def test_a_forged_clearance_is_named(world):
    fid = world.red.finding_id
    at = "2026-11-22T09:00:00+00:00"
    world.sql("UPDATE discrepancies SET status = 'cleared', cleared_reason = 'ok', cleared_by = 'x', cleared_at = ? "
              "WHERE finding_id = ?", [at, fid])
    world.sql("INSERT INTO finding_clearances (clearance_id, finding_id, candidate_id, reason, cleared_by, cleared_at)"
              " VALUES ('forged', ?, ?, 'ok', 'x', ?)", [fid, ANA, at])
    assert "finding_clearances forged: inserted" in broken(world.verify())


def test_a_real_clearance_verifies_and_its_edit_does_not(world):
    res = world.cli("findings", "clear", world.red.finding_id, "--reason", "checked the payslip", "--by", "hr@x")
    assert res.rc == 0, res.err
    assert world.verify("--require-anchor").rc == 0
    world.sql("UPDATE finding_clearances SET cleared_by = 'someone else'")
    assert "finding_clearances" in broken(world.verify()) and "edited" in broken(world.verify())


def test_the_record_of_row_digests_cannot_be_edited_to_match(world):
    world.sql("UPDATE candidates SET consent_given = false WHERE candidate_id = ?", [ANA])
    from include.audit.coverage import row_digest

    wh = world.open()
    row = wh.query("SELECT * FROM candidates WHERE candidate_id = ?", [ANA])[0]
    wh.execute("UPDATE audit_rows SET row_digest = ? WHERE tbl = 'candidates' AND row_key = ?", [row_digest(row), ANA])
    wh.close()
    assert "audit_rows of candidates" in broken(world.verify())


# -- landed files ----------------------------------------------------------------------------------------

def test_a_rewritten_landed_file(world):
    path = Path(world.landed[0])
    assert path.name.endswith("-0001.jsonl.gz")
    path.write_bytes(path.read_bytes()[:-8] + b"\0" * 8)
    assert f"landed file {path}" in broken(world.verify(), "rewritten")


def test_a_deleted_landed_file(world):
    path = Path(world.landed[0])
    path.unlink()
    assert f"landed file {path}" in broken(world.verify(), "deleted")


def test_older_runs_files_are_rehashed_only_with_all(world):
    old = Path(world.landed[0])
    world.run()
    old.unlink()
    assert world.verify().rc == 0  # the latest run's files only
    assert f"landed file {old}" in broken(world.verify("--all"), "deleted")


# -- the end of the chain, and a chain rebuilt without the key -------------------------------------------

@pytest.mark.parametrize("with_findings", [False, True])
def test_the_newest_run_deleted(world, with_findings):
    newest = world.run()
    if with_findings:
        world.sql("DELETE FROM run_findings WHERE run_id = ?", [newest])
    world.sql("DELETE FROM pipeline_runs WHERE run_id = ?", [newest])
    assert f"pipeline_runs {newest}: deleted" in broken(world.verify())


def test_the_newest_runs_and_their_seals_deleted_are_caught_by_the_anchor_log(world):
    newest = world.run()
    wh = world.open()
    tip = wh.query("SELECT MAX(seq) AS s FROM audit_seals")[0]["s"]
    wh.execute("DELETE FROM run_findings WHERE run_id = ?", [newest])
    wh.execute("DELETE FROM pipeline_runs WHERE run_id = ?", [newest])
    wh.execute("DELETE FROM audit_seals WHERE seq = ?", [tip])
    wh.close()
    assert f"audit seal {tip}: signed in the anchor log" in broken(world.verify(), "newest entries were deleted")


def test_a_chain_rebuilt_without_the_key_fails(world):
    """Whoever can write the warehouse recomputes every hash after an edit; they cannot sign the new head."""
    from include.audit.chain import run_hash
    from include.audit.coverage import LOCK, seal_locked

    world.sql("UPDATE candidates SET consent_given = false WHERE candidate_id = ?", [ANA])
    wh = world.open()
    with wh.transaction():
        wh.lock(LOCK)
        wh.execute("DELETE FROM audit_seals")
        wh.execute("DELETE FROM audit_rows")
        run = wh.query("SELECT * FROM pipeline_runs")[0]
        assert run_hash(run) == run["hash"]
        seal_locked(wh, "run", run["run_id"], "pipeline", run_id=run["run_id"], run_hash=run["hash"])
    wh.close()
    res = world.verify()
    assert "audit seal 1: its hash differs from the head signed in the anchor log" in broken(res)
    # and a forged line in the log does not verify with the public key
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from include.audit.anchor import Anchor

    wh = world.open()
    seal = wh.query("SELECT * FROM audit_seals WHERE seq = 1")[0]
    wh.close()
    Anchor(world.anchor_log, Ed25519PrivateKey.generate()).append(seal)
    assert "signature does not verify" in broken(world.verify())


def test_without_a_key_sealing_works_and_verify_says_not_anchored(tmp_path, monkeypatch):
    w = World(tmp_path, monkeypatch, signed=False)
    w.run()
    res = w.verify()
    assert res.rc == 0 and "audit chain OK" in res.out
    assert "not anchored" in res.err and not w.anchor_log.exists()
    assert "not anchored" in broken(w.verify("--require-anchor"))


def test_a_verifier_with_only_the_public_key(world):
    public_only = json.dumps(audit_key_connection(with_private_key=False))
    assert world.cli("audit", "verify", "--require-anchor", **{KEY_ENV: public_only}).rc == 0


# -- a run killed mid-ingest -----------------------------------------------------------------------------

def test_what_a_killed_run_stored_is_accounted_for_by_the_next_sealed_run(world):
    wh = world.open()
    world.store(wh, "cc-killed", ["greenhouse:4829777"])  # stored, never sealed
    wh.close()
    assert "candidates greenhouse:4829777: inserted" in broken(world.verify())
    resumed = world.run()
    assert world.verify().rc == 0
    wh = world.open()
    seal = wh.query("SELECT * FROM audit_seals WHERE run_id = ? ORDER BY seq DESC LIMIT 1", [resumed])[0]
    wh.close()
    # its candidate, application, employment, education and quarantined record
    assert seal["changes"]["unsealed_runs"] == {"cc-killed": 5}


# -- erasure, retention and legal hold --------------------------------------------------------------------

def test_erasure_leaves_the_trail_verifiable(world):
    res = world.cli("candidate", "erase", ANA, "--by", "dpo@example.com")
    assert res.rc == 0, res.err
    res = world.verify("--require-anchor", "--all")
    assert res.rc == 0, res.err
    wh = world.open()
    last = wh.query("SELECT kind, ref, changes FROM audit_seals ORDER BY seq DESC LIMIT 1")[0]
    held = wh.query("SELECT COUNT(*) AS n FROM audit_rows WHERE row_key LIKE ?", [f"%{ANA}%"])[0]["n"]
    wh.close()
    assert last["kind"] == "erasure" and ANA not in json.dumps(last) and held == 0
    assert last["changes"]["rows"]["candidates"] == {"deleted": 1}


def test_hold_blocks_erasure_and_is_recorded(world):
    res = world.cli("candidate", "hold", ANA, "--reason", "dispute D-17 (tribunal)", "--by", "legal@example.com")
    assert res.rc == 0, res.err
    res = world.cli("candidate", "erase", ANA, "--by", "ana@example.net")
    lines = res.err.strip().splitlines()
    assert res.rc == 1 and len(lines) == 1 and "Traceback" not in res.err
    assert "under legal hold" in lines[0] and "dispute D-17 (tribunal)" in lines[0] and "refused" in lines[0]
    wh = world.open()
    assert wh.query("SELECT COUNT(*) AS n FROM candidates WHERE candidate_id = ?", [ANA])[0]["n"] == 1
    requests = wh.query("SELECT requested_by, outcome FROM erasure_requests WHERE candidate_id = ?", [ANA])
    wh.close()
    assert requests == [{"requested_by": "ana@example.net", "outcome": "refused: legal hold"}]
    export = world.cli("candidate", "export", ANA)
    data = json.loads(export.out)
    assert data["legal_holds"][0]["reason"] == "dispute D-17 (tribunal)" and data["legal_holds"][0]["released_at"] is None
    assert data["erasure_requests"][0]["outcome"] == "refused: legal hold"
    assert world.verify("--require-anchor").rc == 0  # the hold and the refusal are sealed
    world.sql("UPDATE legal_holds SET released_at = '2026-11-23'")  # a release that bypasses the CLI
    assert "legal_holds" in broken(world.verify(), "edited")


def test_release_then_erasure(world):
    assert world.cli("candidate", "hold", ANA, "--reason", "D-17", "--by", "legal@x").rc == 0
    again = world.cli("candidate", "hold", ANA, "--reason", "D-18", "--by", "legal@x")
    assert again.rc == 1 and "already under legal hold" in again.err
    assert world.cli("candidate", "release", ANA, "--by", "legal@x").rc == 0
    assert world.cli("candidate", "release", ANA, "--by", "legal@x").rc == 1
    assert world.cli("candidate", "erase", ANA, "--by", "dpo@x").rc == 0
    assert world.verify("--require-anchor").rc == 0


def test_hold_needs_a_reason_and_someone_who_holds(world):
    res = world.cli("candidate", "hold", ANA, "--reason", " ", "--by", "legal@x")
    assert res.rc == 2 and "--reason" in res.err and len(res.err.strip().splitlines()) == 1
    res = world.cli("candidate", "hold", "greenhouse:1", "--reason", "D-1", "--by", "legal@x")
    assert res.rc == 1 and "no data held" in res.err


def test_retention_skips_a_held_candidate(world):
    from include.audit.holds import place_hold
    from include.audit.retention import purge_expired

    wh = world.open()
    try:
        place_hold(wh, ANA, "dispute D-17", "legal@x")
        counts = purge_expired(wh, world.config, datetime(2028, 1, 1, tzinfo=UTC))  # both are years old
        left = {r["candidate_id"] for r in wh.query("SELECT candidate_id FROM candidates")}
    finally:
        wh.close()
    assert counts["held"] == 1 and counts["erased"] == 1 and left == {ANA}
    assert world.verify("--require-anchor").rc == 0


def test_verify_time_per_thousand_candidates(tmp_path, monkeypatch):
    """The figure docs/AUDIT-TRAIL.md extrapolates from: a bound loose enough for a loaded machine."""
    w = World(tmp_path, monkeypatch)
    w.run([f"greenhouse:{4830000 + i}" for i in range(1000)])
    t0 = time.monotonic()
    res = w.verify("--all")
    took = time.monotonic() - t0
    assert res.rc == 0, res.err
    assert took < 30, took


def test_coverage_on_each_engine(warehouse):
    """The seal survives each engine's JSON round trip, and an edit is named on PostgreSQL as on DuckDB."""
    from include.audit.coverage import seal, verify
    from tests.cli.cli_helpers import add_candidates

    add_candidates(warehouse, [ANA, BOB])
    seal(warehouse, "hold", "h-1", "legal@x")
    assert verify(warehouse).problems == []
    warehouse.execute("UPDATE candidates SET consent_given = false WHERE candidate_id = ?", [BOB])
    warehouse.execute("DELETE FROM candidates WHERE candidate_id = ?", [ANA])
    problems = verify(warehouse).problems
    assert [p.split(" since")[0] for p in problems] == [f"candidates {ANA}: deleted", f"candidates {BOB}: edited"]


@pytest.fixture
def full_world(world):
    """Every covered table holds a row: a clearance, a hold and an erasure refused during it, all sealed."""
    from include.audit.anchor import anchor_for
    from include.audit.holds import OnHold, place_hold
    from include.audit.subject import erase_candidate
    from include.findings import clear_finding
    wh = world.open()
    try:
        anchor = anchor_for(world.config)
        clear_finding(wh, world.red.finding_id, "checked the payslip", "hr@x", anchor)
        place_hold(wh, BOB, "dispute D-17", "legal@x", anchor)
        with pytest.raises(OnHold):
            erase_candidate(wh, BOB, world.config.landing_path(), "bob@example.org", anchor=anchor)
    finally:
        wh.close()
    assert world.verify("--require-anchor").rc == 0
    return world


def _a_row(wh: Any, table: str) -> dict[str, Any]:
    return wh.query(f"SELECT * FROM {table} ORDER BY 1 LIMIT 1")[0]


@pytest.mark.parametrize("change", ["edited", "inserted", "deleted"])
def test_every_covered_table_names_each_kind_of_change(full_world, change):
    """One change of the kind in every covered table at once: each is named, with its key."""
    from include.audit.coverage import COVERED, key_text

    expected = []
    wh = full_world.open()
    try:
        for covered in COVERED:
            if covered.optional:
                continue
            row = _a_row(wh, covered.table)
            key = key_text(row, covered.key)
            text = [c for c, t in wh.columns(covered.table).items()
                    if t in ("VARCHAR", "TEXT") and c not in covered.key and c != "run_id"]
            if change == "edited":
                wh.upsert(covered.table, [{**row, text[0]: f"{row[text[0]] or ''}x"}], list(covered.key))
            elif change == "inserted":
                row = {**row, **{k: f"{row[k]}-forged" for k in covered.key}}
                key = key_text(row, covered.key)
                wh.upsert(covered.table, [row], list(covered.key))
            else:
                where = " AND ".join(f"{k} = ?" for k in covered.key)
                wh.execute(f"DELETE FROM {covered.table} WHERE {where}", [row[k] for k in covered.key])
            expected.append(f"audit trail BROKEN: {covered.table} {key}: {change} since audit seal")
    finally:
        wh.close()
    err = broken(full_world.verify())
    for line in expected:
        assert line in err, (line, err)
    assert len(expected) == 9
