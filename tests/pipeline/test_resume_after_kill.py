"""`crosscheck run` killed with SIGKILL (the whole process group) midway, then run again to completion:
nothing is lost or stored twice, and the next run picks up from the last good watermark.

Two kills in one environment, then one complete run, compared with a clean reference run of the same
sandbox world (a separate environment):

1. while Greenhouse is being read (the sandbox answers Greenhouse slowly, so the kill lands after its
   first payloads are landed and before anything is stored; Lever is left unconfigured for this run,
   so that it cannot go first): no watermark, no record;
2. while the profile chunks run (ORCID answers slowly; killed once two chunks have written their
   manifest parts): both ATS watermarks and records were stored by then, reviews not yet.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.pipeline.conftest import CLI, REPORT_DAY
from tests.pipeline.pipeline_state import (
    assert_same_state,
    counts,
    duckdb_env,
    faults,
    reference_run,
    run_ids,
    snapshot,
)

SLOW_GREENHOUSE = {"greenhouse": {"slow_ms": 100}}
SLOW_ORCID = {"orcid": {"slow_ms": 250}}
MIDWAY_TIMEOUT = 240.0


def _killed_when(env, name: str, ready: Callable[[], bool]) -> dict:
    """Start `crosscheck run` in a new process group, SIGKILL the group once ``ready()``; what was seen."""
    out = env.tmp / f"{name}.out"
    with out.open("wb") as fh:
        proc = subprocess.Popen([*CLI, "run", "--date", REPORT_DAY], env=env.env, cwd=env.tmp, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + MIDWAY_TIMEOUT
    try:
        while not ready():
            if proc.poll() is not None:
                pytest.fail(f"{name}: the run ended ({proc.returncode}) before it was midway:\n"
                            f"{out.read_text(errors='replace')[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name}: not midway after {MIDWAY_TIMEOUT:.0f}s")
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    return {"returncode": proc.returncode, "group_gone": _group_gone(proc.pid), "output": out}


def _group_gone(pgid: int, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _run_dir(env, run_id: str) -> Path:
    return env.tmp / "data" / "runs" / run_id


@pytest.fixture(scope="module")
def reference(tmp_path_factory, sandbox):
    return reference_run(tmp_path_factory, sandbox)[1]


@pytest.fixture(scope="module")
def env(tmp_path_factory, sandbox, reference):  # the reference first: a kill must not race with it
    return duckdb_env(tmp_path_factory.mktemp("resume-after-kill"), sandbox)


@pytest.fixture(scope="module")
def killed_fetching(env, sandbox):
    landing = env.tmp / "data" / "landing" / "greenhouse" / REPORT_DAY
    lever = env.env.pop("AIRFLOW_CONN_LEVER_DEFAULT")  # skipped: Airflow may run either ATS first
    try:
        with faults(sandbox, SLOW_GREENHOUSE):
            seen = _killed_when(env, "kill-1", lambda: sandbox.counts["greenhouse"] >= 10
                                and any(landing.glob("*/main-*.jsonl.gz")))
            seen["greenhouse_requests"] = sandbox.counts["greenhouse"]
    finally:
        env.env["AIRFLOW_CONN_LEVER_DEFAULT"] = lever
    seen["runs"] = run_ids(env)
    seen["snapshot"] = snapshot(env)
    return seen


@pytest.fixture(scope="module")
def killed_midway(env, sandbox, killed_fetching):
    before = run_ids(env)
    runs = env.tmp / "data" / "runs"

    def chunks_done() -> list[Path]:
        return [p for r in runs.glob("*") if r.name not in before for p in r.glob("manifest/profiles-*.json")]

    with faults(sandbox, SLOW_ORCID):
        # the plan holds only the candidates whose profiles are due (docs/INCREMENTAL.md): on this world two
        # chunks, so the run is killed once the first is stored
        seen = _killed_when(env, "kill-2", lambda: len(chunks_done()) >= 1)
    (run_id,) = run_ids(env) - before
    seen["run_id"] = run_id
    seen["parts"] = sorted(p.stem for p in (_run_dir(env, run_id) / "manifest").glob("*.json"))
    seen["planned_chunks"] = len(json.loads(
        (_run_dir(env, run_id) / "plan" / "profiles.json").read_text(encoding="utf-8")))
    seen["snapshot"] = snapshot(env)
    return seen


@pytest.fixture(scope="module")
def resumed(env, sandbox, killed_midway):
    with faults(sandbox, {}):
        asked_before = len(sandbox.requests_log)
        proc = env.crosscheck("run", "--date", REPORT_DAY, check=True)
        asked = sandbox.requests_log[asked_before:]
    return proc, snapshot(env), asked


def test_kill_takes_the_whole_process_group(killed_fetching, killed_midway):
    for seen in (killed_fetching, killed_midway):
        assert seen["returncode"] == -signal.SIGKILL
        assert seen["group_gone"], "a process of the killed run's group survived SIGKILL"


def test_killed_while_reading_greenhouse_stores_nothing_and_moves_no_watermark(killed_fetching):
    snap = killed_fetching["snapshot"]
    assert killed_fetching["greenhouse_requests"] >= 10  # it was reading, and had landed payloads
    assert snap["watermarks"] == {}
    assert not snap["keys"]["candidates"] and not snap["keys"]["applications"]
    assert not snap["keys"]["discrepancies"] and snap["runs"] == []  # never sealed


def test_killed_midway_kept_the_finished_steps(killed_midway, reference):
    snap = killed_midway["snapshot"]
    parts = killed_midway["parts"]
    assert {"source-greenhouse", "source-lever"} <= set(parts)
    done = [p for p in parts if p.startswith("profiles-")]
    assert 1 <= len(done) < killed_midway["planned_chunks"], "not killed midway through the profile chunks"
    assert "source-reviews" not in parts and not [p for p in parts if p.startswith("registries-")]
    # the ATS steps had finished: their records and watermarks were stored, as in the reference
    assert snap["keys"]["candidates"] == reference["keys"]["candidates"]
    assert snap["keys"]["applications"] == reference["keys"]["applications"]
    for mark in ("greenhouse/candidates", "lever/candidates"):
        assert snap["watermarks"][mark] == reference["watermarks"][mark]
    assert "reviews/reviews" not in snap["watermarks"] and not snap["keys"]["review_reads"]
    assert not snap["keys"]["reviews"] and not snap["keys"]["discrepancies"] and snap["runs"] == []


def test_resumed_run_ends_with_the_reference_state(resumed, reference):
    _, snap, _ = resumed
    assert_same_state(snap, reference)
    assert counts(snap)["discrepancies"] > 0 and counts(snap)["registry_entities"] > 0


def test_resumed_run_reads_from_the_last_good_watermarks(resumed, killed_midway, reference):
    _, snap, asked = resumed
    marks = killed_midway["snapshot"]["watermarks"]
    sources = snap["runs"][-1]["manifest"]["sources"]
    for ats in ("greenhouse", "lever"):
        assert sources[ats]["watermark"]["before"] == marks[f"{ats}/candidates"]
    # nothing was updated after the stored watermark: the resumed run read no candidate again
    ref_sources = reference["runs"][-1]["manifest"]["sources"]
    for ats, dataset in (("greenhouse", "candidates"), ("lever", "opportunities")):
        assert ref_sources[ats]["records_read"][dataset] > 0
        assert dataset not in sources[ats]["records_read"]  # counted per record read: none
    queries = [parse_qs(urlsplit(path).query) for src, _, path in asked
               if src == "greenhouse" and urlsplit(path).path == "/v3/candidates"]
    first_pages = [q for q in queries if "cursor" not in q]  # a cursor page carries no filter by design
    assert first_pages
    assert all(q["updated_at"][0].startswith(f"gte|{marks['greenhouse/candidates']}|") for q in first_pages)
    # reviews had not run when the run was killed: every employer read in full, as the reference did
    ref_reviews = ref_sources["reviews"]
    assert sources["reviews"]["due"] == ref_reviews["due"] and sources["reviews"]["due"]["stale"] == 0
    assert sources["reviews"]["due"]["new"] > 0 and sources["reviews"]["fresh"] == 0
    assert sources["reviews"]["reviews"] == ref_reviews["reviews"]


def test_only_the_completed_run_is_sealed_and_the_chain_verifies(resumed, env, killed_fetching, killed_midway):
    _, snap, _ = resumed
    assert [r["state"] for r in snap["runs"]] == ["success"]
    assert snap["runs"][0]["run_id"] not in (killed_midway["run_id"], *killed_fetching["runs"])
    assert len(run_ids(env)) == 3  # two killed runs left their folders, unsealed
    verify = env.crosscheck("audit", "verify")
    assert verify.returncode == 0, verify.stderr


def test_the_resumed_run_accounts_for_what_the_killed_run_stored(resumed, env, killed_fetching, killed_midway):
    """The killed run is never sealed; the candidates it stored keep its run id, and the next sealed run's
    seal of the covered tables names it, with the rows of it that it took in."""
    _, snap, _ = resumed
    wh = env.warehouse()
    try:
        seal = wh.query("SELECT changes FROM audit_seals WHERE kind = 'run' AND run_id = ? ORDER BY seq DESC "
                        "LIMIT 1", [snap["runs"][-1]["run_id"]])[0]
        stored = {r["run_id"] for r in wh.query("SELECT DISTINCT run_id FROM candidates", [])}
    finally:
        wh.close()
    killed = {killed_midway["run_id"], *killed_fetching["runs"]}
    accounted = seal["changes"]["unsealed_runs"]
    assert killed_midway["run_id"] in stored
    assert stored & killed <= set(accounted) and all(n > 0 for n in accounted.values())
    assert set(accounted) <= killed
