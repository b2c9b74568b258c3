"""Sources misbehaving, through the whole pipeline (`crosscheck run` against the sandbox, via Airflow).

One environment lives through three runs, each compared with a clean reference run of the same world:

1. Greenhouse refuses every request (429 with a ``Retry-After`` beyond the client's retry budget, so
   it gives up at once instead of backing off for minutes) and Lever is not configured: the run
   fails visibly, names the failing task, the error names source and endpoint and no secret, and no
   watermark moves.
2. Every connection back, every source injecting transient faults (429 with ``Retry-After: 0`` or
   ``1``, 429 without it, 503 with an HTML body): the HTTP core retries, the run completes and the
   warehouse ends up as the reference's, read from scratch (run 1 left no watermark behind).
3. GitHub and OpenCorporates connections dropped: the run completes, skips them, and the sealed
   manifest and the HTML report say so.
"""

from __future__ import annotations

import json
import re

import pytest

from sandbox import credentials
from tests.pipeline.conftest import REPORT_DAY
from tests.pipeline.pipeline_state import (
    airflow_log,
    assert_same_state,
    duckdb_env,
    failed_tasks,
    faults,
    reference_run,
    report_html,
    snapshot,
)

REFUSE_GREENHOUSE = {"greenhouse": {"rate_limit_every": 1, "retry_after": 3600}}
# every Nth request of each source misbehaves: often enough that each sees several faults (a clean run
# asks each source 60-570 times), rarely enough that the backoff adds ~20 s; where a 429 and a 503 fall
# on the same request the 429 wins, so the two Ns of one source share few multiples
TRANSIENT = {
    "greenhouse": {"rate_limit_every": 4, "retry_after": 0},  # 429, Retry-After: 0
    "lever": {"error_every": 30},  # 503 with an HTML body
    "companies_house": {"rate_limit_every": 60},  # 429 without Retry-After, as Companies House sends it
    "gleif": {"rate_limit_every": 20, "error_every": 27},
    "opencorporates": {"error_every": 40},
    "orcid": {"rate_limit_every": 6, "retry_after": 1},  # 429, Retry-After: 1
    "github": {"rate_limit_every": 5},
    "reviews": {"rate_limit_every": 10, "retry_after": 0, "error_every": 13},
}
DROPPED = ("github", "opencorporates")


def _no_secret(*texts: str) -> None:
    for text in texts:
        leaked = [s for s in credentials.SECRETS if s in text]
        assert not leaked, f"{len(leaked)} sandbox secret(s) in the run's output or log"


@pytest.fixture(scope="module")
def reference(tmp_path_factory, sandbox):
    return reference_run(tmp_path_factory, sandbox)[1]


@pytest.fixture(scope="module")
def env(tmp_path_factory, sandbox):
    return duckdb_env(tmp_path_factory.mktemp("source-faults"), sandbox)


@pytest.fixture(scope="module")
def failed(env, sandbox, reference):
    lever = env.env.pop("AIRFLOW_CONN_LEVER_DEFAULT")
    try:
        with faults(sandbox, REFUSE_GREENHOUSE):
            proc = env.crosscheck("run", "--date", REPORT_DAY)
    finally:
        env.env["AIRFLOW_CONN_LEVER_DEFAULT"] = lever
    return proc, snapshot(env)


@pytest.fixture(scope="module")
def recovered(env, sandbox, failed):
    with faults(sandbox, TRANSIENT):
        proc = env.crosscheck("run", "--date", REPORT_DAY)
        counts = dict(sandbox.counts)
    return proc, snapshot(env), counts


@pytest.fixture(scope="module")
def skipping(env, sandbox, recovered):
    saved = {s: env.env.pop(f"AIRFLOW_CONN_{s.upper()}_DEFAULT") for s in DROPPED}
    try:
        with faults(sandbox, {}):
            asked_before = len(sandbox.requests_log)
            proc = env.crosscheck("run", "--date", REPORT_DAY)
            asked = sandbox.requests_log[asked_before:]
    finally:
        env.env.update({f"AIRFLOW_CONN_{s.upper()}_DEFAULT": v for s, v in saved.items()})
    return proc, snapshot(env), asked


# --- 1. a source failing persistently ----------------------------------------------------------

def test_persistent_failure_fails_the_run_and_names_the_task(failed):
    proc, _ = failed
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert "crosscheck_ingest: failed" in proc.stdout
    assert "ingest_greenhouse" in failed_tasks(proc.stdout, "crosscheck_ingest")
    assert "crosscheck_check" not in proc.stdout  # nothing downstream ran on half the data


def test_persistent_failure_error_names_source_and_endpoint_not_secrets(failed):
    proc, _ = failed
    log = airflow_log(proc.stdout)
    errors = re.findall(r"SourceError: (greenhouse: [^\n]*)", log)
    assert errors, "the task's error is not in Airflow's log"
    assert all("HTTP 429" in e and "(/greenhouse/" in e for e in errors), errors
    _no_secret(proc.stdout, proc.stderr, log)


def test_persistent_failure_moves_no_watermark_and_stores_nothing(failed):
    _, snap = failed
    assert snap["watermarks"] == {}
    assert not snap["keys"]["candidates"] and not snap["keys"]["discrepancies"]


def test_failed_run_is_sealed_as_failed_with_the_skipped_source(failed):
    _, snap = failed
    assert [r["state"] for r in snap["runs"]] == ["failed"]
    manifest = snap["runs"][0]["manifest"]
    assert manifest["sources_skipped"] == ["lever"]
    assert manifest["sources"]["lever"]["reason"] == "connection not defined"


# --- 2. transient faults on every source -------------------------------------------------------

def test_transient_faults_are_retried_and_the_run_completes(recovered):
    proc, _, counts = recovered
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = airflow_log(proc.stdout)
    for source, spec in TRANSIENT.items():
        for key, status in (("rate_limit_every", 429), ("error_every", 503)):
            if not spec.get(key):
                continue
            assert counts[source] >= 2 * spec[key], f"{source}: {counts[source]} requests, too few to be faulted"
            assert re.search(rf"{source} /\S*: HTTP {status}, retrying in", log), f"{source}: no {status} retried"
    _no_secret(proc.stdout, proc.stderr, log)


def test_transient_faults_change_nothing(recovered, reference):
    _, snap, _ = recovered
    assert_same_state(snap, reference)


def test_next_run_resumes_from_the_last_good_watermark(recovered, reference):
    _, snap, _ = recovered
    assert [r["state"] for r in snap["runs"]] == ["failed", "success"]
    sources = snap["runs"][-1]["manifest"]["sources"]
    ref_sources = reference["runs"][-1]["manifest"]["sources"]
    for ats in ("greenhouse", "lever"):  # neither was stored by the failed run: read from scratch
        assert sources[ats]["watermark"]["before"] is None
        assert sources[ats]["records_read"] == ref_sources[ats]["records_read"]
    assert snap["runs"][-1]["manifest"]["sources_skipped"] == []


# --- 3. sources without a connection -----------------------------------------------------------

def test_undefined_connections_are_skipped_and_the_run_completes(skipping):
    proc, snap, asked = skipping
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert not [a for a in asked if a[0] in DROPPED]  # never asked
    assert {a[0] for a in asked} >= {"greenhouse", "reviews"}
    # ORCID stays defined: its profiles, read by the earlier run of this warehouse, are fresh and planned as
    # such (docs/INCREMENTAL.md), not asked again; GitHub, undefined, is not planned at all
    plan = snap["runs"][-1]["manifest"]["profiles"]
    assert plan["orcid"]["fresh"] > 0 and plan["orcid"]["pending"] == 0 and "github" not in plan


def test_sealed_manifest_lists_the_skipped_sources(skipping):
    _, snap, _ = skipping
    manifest = snap["runs"][-1]["manifest"]
    assert snap["runs"][-1]["state"] == "success"
    assert manifest["sources_skipped"] == sorted(DROPPED)
    for source in DROPPED:
        assert manifest["sources"][source] == {"source": source, "skipped": True, "reason": "connection not defined"}


def test_report_says_which_sources_were_skipped(skipping):
    proc, _, _ = skipping
    html = report_html(proc.stdout)
    section = re.search(r'id="skipped-sources".*?</div>', html, re.DOTALL)
    assert section, "the report has no skipped-sources note"
    items = re.findall(r"<li>([^<(]+)", section.group(0))
    assert sorted(i.strip() for i in items) == ["GitHub", "OpenCorporates"]
    assert "connection not defined" in section.group(0)


def test_skipped_profile_source_is_not_used_for_findings(skipping, env):
    """The truth today: profile jobs of a skipped source are replaced by nothing (its old rows go), so no
    finding of this run cites it; registry answers cached by earlier runs stay in the cache."""
    _, snap, _ = skipping
    assert not [k for k in snap["keys"]["employments"] if k.startswith("github:")]
    assert [k for k in snap["keys"]["employments"] if k.startswith("orcid:")]
    assert [k for k in snap["keys"]["registry_entities"] if k.startswith("opencorporates:")]
    wh = env.warehouse()
    try:
        rows = wh.query("SELECT evidence FROM discrepancies WHERE last_seen_run = ?", [snap["runs"][-1]["run_id"]])
    finally:
        wh.close()
    texts = [r["evidence"] if isinstance(r["evidence"], str) else json.dumps(r["evidence"]) for r in rows]
    assert texts and any('"orcid"' in t for t in texts)
    assert not [t for t in texts if '"github"' in t]  # no GitHub job, nor "profiles_checked": ["github"]
