"""The daily pipeline on the distributed stack, as local processes: Airflow metadata in a fresh PostgreSQL
database, CeleryExecutor with Redis, an execution API server, two Celery workers, the warehouse in a fresh
PostgreSQL schema. One `crosscheck run --use-executor` (a few minutes); everything is removed afterwards.

PostgreSQL (127.0.0.1:5432, trust auth, database ``test``) and Redis (127.0.0.1:6379) are required: the
test fails, naming the missing service, when either is unreachable."""

from __future__ import annotations

import json
import stat

import pytest

from evaluation.warehouse import labelled_pairs, predicted_pairs, score
from sandbox.gen.candidates import KIND_SHARE
from sandbox.generator import generate
from stack.celery_stack import MAPPED_TASKS, celery_pipeline
from stack.services import StackUnavailable, pg_connect, require_services

REPORT_DAY = "2026-11-21"


@pytest.fixture(scope="module")
def celery_run(tmp_path_factory):
    try:
        require_services()
    except StackUnavailable as exc:
        pytest.fail(str(exc))
    home = tmp_path_factory.mktemp("celery-stack")
    world = tmp_path_factory.mktemp("celery-world")
    generate(42, world, n_candidates=100, report_day=REPORT_DAY)  # 3 check batches, all nine kinds
    with celery_pipeline(REPORT_DAY, home, world, workers=2, timeout=420) as run:
        if not run.ok:
            pytest.fail(
                f"crosscheck run --use-executor failed ({run.proc.returncode}):\n"
                f"{run.proc.stdout[-3000:]}\n{run.proc.stderr[-5000:]}\nlogs: {run.stack.logs}"
            )
        snapshot = {
            "world": world,
            "tis": run.stack.task_instances(),
            "db": run.stack.metadata_db,
            "schema": run.warehouse_spec["extra"]["search_path"],
            "stdout": run.proc.stdout,
            "seconds": run.seconds,
            "timings": dict(run.stack.timings),
            "procs": dict(run.stack.procs),
            "worker_logs": {
                w: (run.stack.logs / f"{w}.log").read_text(encoding="utf-8", errors="replace")
                for w in run.stack.worker_names()
            },
        }
        data = home / "data"
        snapshot["modes"] = {str(p.relative_to(data)): (p.is_dir(), stat.S_IMODE(p.lstat().st_mode))
                             for p in data.rglob("*")}
        wh = run.warehouse()
        try:
            snapshot["predicted"] = predicted_pairs(wh)
            snapshot["runs"] = wh.query("SELECT run_id, state FROM pipeline_runs", [])
        finally:
            wh.close()
    yield snapshot


def test_every_dag_succeeds_through_the_celery_executor(celery_run):
    for dag_id in ("crosscheck_ingest", "crosscheck_check", "crosscheck_report"):
        assert f"{dag_id}: success" in celery_run["stdout"]
    assert [r["state"] for r in celery_run["runs"]] == ["success"]
    tis = celery_run["tis"]
    assert tis and all(ti["state"] in ("success", "skipped") for ti in tis), [
        (t["task_id"], t["map_index"], t["state"]) for t in tis if t["state"] not in ("success", "skipped")
    ]
    # every task instance ran on a named worker, none in the driving process
    assert {ti["hostname"] for ti in tis if ti["state"] == "success"} <= {"worker-1", "worker-2"}
    print(
        f"\ncelery run: {celery_run['seconds']:.0f}s; stack: "
        + ", ".join(f"{k} {v:.0f}s" for k, v in celery_run["timings"].items())
    )


def test_workers_start_patched_and_preloaded(celery_run):
    for name, log in celery_run["worker_logs"].items():
        assert f"{name}-" in log and " ready." in log, name
        assert "could not preload" not in log, name


def test_every_mapped_chunk_ran_once_on_a_worker(celery_run):
    """Which worker takes which chunk is Celery's choice and depends on load (one worker may take them
    all): only what does not depend on scheduling is asserted. Each chunk of each mapped step ran exactly
    once, succeeded, on one of the two workers; both workers came up (test_workers_start_patched_and_preloaded)."""
    by_task: dict[str, list[tuple[int, str, str]]] = {}
    for ti in celery_run["tis"]:
        if ti["task_id"] in MAPPED_TASKS and ti["map_index"] >= 0:
            by_task.setdefault(ti["task_id"], []).append((ti["map_index"], ti["hostname"], ti["state"]))
    assert set(by_task) == set(MAPPED_TASKS), by_task
    for task_id, rows in by_task.items():
        indexes = sorted(i for i, _, _ in rows)
        assert indexes == list(range(len(indexes))), (task_id, indexes)
        assert all(state == "success" and host in ("worker-1", "worker-2") for _, host, state in rows), (task_id, rows)
    assert len(by_task["check_batch"]) >= 3, by_task["check_batch"]  # the consenting of 100, in batches of 32


def test_the_workers_write_candidate_data_owner_only(celery_run):
    """Celery workers start with the usual umask 022; the task bodies set 077 and the landing writer sets
    the modes itself: every file of the run is 0600 or tighter, every folder 0700."""
    modes = celery_run["modes"]
    landed = [p for p, (is_dir, _) in modes.items() if p.startswith("landing/") and p.endswith(".jsonl.gz")]
    assert landed, sorted(modes)[:20]
    loose = {p: oct(m) for p, (is_dir, m) in modes.items() if m & 0o077 or (is_dir and m != 0o700)}
    assert not loose, loose


def test_the_postgres_warehouse_has_findings_of_every_kind(celery_run):
    predicted = celery_run["predicted"]
    assert {k for _, k in predicted} == set(KIND_SHARE), f"kinds missing: {set(KIND_SHARE) - {k for _, k in predicted}}"
    scores = score(predicted, labelled_pairs(celery_run["world"]))
    weak = {k: s for k, s in scores.items() if s["precision"] < 0.95 or s["recall"] < 0.95}
    assert not weak, json.dumps(weak, indent=1)


def test_the_stack_leaves_nothing_behind(celery_run):
    """Processes stopped, metadata database and warehouse schema dropped (the fixture's context exited)."""
    assert all(p.poll() is not None for p in celery_run["procs"].values())
    conn = pg_connect("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [celery_run["db"]])
            assert cur.fetchone() is None
    finally:
        conn.close()
    conn = pg_connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [celery_run["schema"]])
            assert cur.fetchone() is None
    finally:
        conn.close()
