"""bench/daily_bench.py's readings of a run's folder (no Airflow here: the harness itself takes over a
minute even at 50 candidates, so `make bench-daily` is its run): the re-checked candidates come from the
check plan, the pipeline's own request counts from its manifest parts when it has them, the largest
report file only among the files the day wrote."""

from __future__ import annotations

import json
import os
import time

from bench.daily_bench import largest_report, manifest_parts, pipeline_requests, plan_size, ratio, run_id_of


def test_plan_and_manifest_readings(tmp_path):
    run = tmp_path / "runs" / "cc-1"
    (run / "plan").mkdir(parents=True)
    (run / "manifest").mkdir()
    (run / "plan" / "check.json").write_text(json.dumps([["a", "b"], ["c"]]))
    (run / "manifest" / "source-github.json").write_text(json.dumps({"requests": 7}))
    (run / "manifest" / "profiles-0000.json").write_text(json.dumps({"requests": {"orcid": 2, "github": 3}}))
    (run / "manifest" / "crosscheck.json").write_text(json.dumps({"candidates_checked": 3}))
    assert plan_size(tmp_path, "cc-1", "check") == 3
    assert plan_size(tmp_path, "cc-1", "profiles") is None
    assert plan_size(tmp_path, None, "check") is None
    parts = manifest_parts(tmp_path, "cc-1")
    assert parts["crosscheck"] == {"candidates_checked": 3}
    assert pipeline_requests(parts) == {"github": 10, "orcid": 2}
    assert pipeline_requests({"crosscheck": {"candidates_checked": 3}}) == {}
    # a source's client counters (the reviews feed's part) count as that source's requests
    assert pipeline_requests({"source-reviews": {"requests": {"requests": 4, "retries": 1, "not_modified": 0}}}) == {
        "reviews": 4}


def test_run_id_and_ratio(tmp_path):
    out = tmp_path / "run.out"
    out.write_text("noise\ncrosscheck: run cc-2026-11-22-x for report day 2026-11-22; Airflow's log: /l\n")
    assert run_id_of(out) == "cc-2026-11-22-x"
    out.write_text("crosscheck: error: no run\n")
    assert run_id_of(out) is None
    assert ratio(3, 12) == "0.25x"
    assert ratio(1, 0) == "n/a"


def test_largest_report_counts_only_the_days_files(tmp_path):
    old, new, small = tmp_path / "old.html", tmp_path / "req" / "new.html", tmp_path / "req" / "small.csv"
    new.parent.mkdir()
    old.write_bytes(b"x" * 5000)
    long_ago = time.time() - 3600
    os.utime(old, (long_ago, long_ago))
    since = time.time() - 60
    new.write_bytes(b"y" * 3000)
    small.write_bytes(b"z" * 10)
    assert largest_report(tmp_path, since) == ("req/new.html", 3000, 2, 3010)
    assert largest_report(tmp_path / "none", since) == ("-", 0, 0, 0)


def test_peak_by_dag_takes_each_dags_window():
    from bench.pipeline_e2e_bench import peak_by_dag

    mib = 2**20
    samples = [(1.0, 100 * mib), (2.0, 300 * mib), (3.0, 200 * mib), (4.0, 250 * mib), (5.0, 50 * mib)]
    ended = [(2.5, "crosscheck_ingest"), (4.5, "crosscheck_check"), (6.0, "crosscheck_report")]
    assert peak_by_dag(samples, ended) == {"crosscheck_ingest": 300.0, "crosscheck_check": 250.0,
                                           "crosscheck_report": 50.0}
    assert peak_by_dag([], ended)["crosscheck_ingest"] == 0.0
