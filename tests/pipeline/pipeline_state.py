"""Shared by the fault and kill tests: one clean reference run per test session, the warehouse state
two environments are compared on, sandbox faults switched on for a block, and reading a run's output.

The reference run is memoised in this module (not a fixture), so that test_source_faults.py and
test_resume_after_kill.py, each with a module-scoped fixture, share one ~60 s pipeline run.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from tests.pipeline.conftest import REPORT_DAY, PipelineEnv, make_env

# table -> primary key: the warehouse state that must come out the same whatever happened on the way
STATE_KEYS = {"candidates": "candidate_id", "applications": "application_id", "jobs": "job_id",
              "employments": "employment_id", "educations": "education_id",
              "registry_entities": "entity_id", "reviews": "review_id", "discrepancies": "finding_id",
              "review_reads": "employer"}
# what identifies a job regardless of its id: two rows alike here would be one job stored twice
EMPLOYMENT_IDENTITY = "candidate_id, source, employer, title, start_raw, end_raw, record_ref"

_REFERENCE: dict[int, tuple[PipelineEnv, dict[str, Any]]] = {}


def duckdb_env(tmp: Path, sandbox: Any) -> PipelineEnv:
    return make_env(tmp, {"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}, sandbox)


def reference_run(tmp_path_factory: Any, sandbox: Any) -> tuple[PipelineEnv, dict[str, Any]]:
    """A clean run (no faults, every connection) against ``sandbox``, once per session; (env, snapshot)."""
    key = id(sandbox)
    if key not in _REFERENCE:
        env = duckdb_env(tmp_path_factory.mktemp("reference"), sandbox)
        with faults(sandbox, {}):
            env.crosscheck("run", "--date", REPORT_DAY, check=True)
        _REFERENCE[key] = (env, snapshot(env))
    return _REFERENCE[key]


def snapshot(env: PipelineEnv) -> dict[str, Any]:
    """Primary keys per state table, duplicate jobs, watermarks, the latest run's findings and manifest."""
    wh = env.warehouse()
    try:
        keys = {t: sorted(str(r["k"]) for r in wh.query(f"SELECT {k} AS k FROM {t}", []))
                for t, k in STATE_KEYS.items()}
        dupes = wh.query(f"SELECT {EMPLOYMENT_IDENTITY}, COUNT(*) AS n FROM employments "
                         f"GROUP BY {EMPLOYMENT_IDENTITY} HAVING COUNT(*) > 1", [])
        marks = {f"{r['source']}/{r['stream']}": r["value"]
                 for r in wh.query("SELECT source, stream, value FROM watermarks", [])}
        runs = wh.query("SELECT run_id, state, manifest FROM pipeline_runs ORDER BY seq", [])
        latest = runs[-1]["run_id"] if runs else None
        seen = wh.query("SELECT finding_id FROM discrepancies WHERE last_seen_run = ?", [latest]) if latest else []
    finally:
        wh.close()
    return {"keys": keys, "employment_dupes": len(dupes), "watermarks": marks,
            "findings": sorted(r["finding_id"] for r in seen),
            "runs": [{"run_id": r["run_id"], "state": r["state"], "manifest": _json(r["manifest"])} for r in runs]}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def counts(snap: dict[str, Any]) -> dict[str, int]:
    return {t: len(ids) for t, ids in snap["keys"].items()}


def assert_same_state(got: dict[str, Any], ref: dict[str, Any]) -> None:
    """Nothing lost, nothing duplicated: the same rows (by key) in every state table, the same findings."""
    assert counts(got) == counts(ref)
    for table in STATE_KEYS:
        missing = sorted(set(ref["keys"][table]) - set(got["keys"][table]))
        extra = sorted(set(got["keys"][table]) - set(ref["keys"][table]))
        assert not missing and not extra, f"{table}: {len(missing)} missing {missing[:5]}, {len(extra)} extra {extra[:5]}"
    assert got["employment_dupes"] == ref["employment_dupes"] == 0
    assert got["findings"] == ref["findings"]
    assert got["watermarks"] == ref["watermarks"]


def set_faults(sandbox: Any, spec: dict[str, dict[str, Any]]) -> None:
    """Through the sandbox's control endpoint, as an operator would; it also resets the request counters."""
    resp = requests.post(f"{sandbox.url}/_sandbox/faults", json=spec, timeout=10)
    resp.raise_for_status()


@contextlib.contextmanager
def faults(sandbox: Any, spec: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Faults on for the block, and always off afterwards: the sandbox is shared by the whole session."""
    set_faults(sandbox, spec)
    try:
        yield
    finally:
        set_faults(sandbox, {})


def airflow_log(stdout: str) -> str:
    """The text of Airflow's log that ``crosscheck run`` names on its first line (else its own output)."""
    m = re.search(r"Airflow's log: (\S+)", stdout)
    if m and Path(m.group(1)).exists():
        return Path(m.group(1)).read_text(encoding="utf-8", errors="replace")
    return stdout


def failed_tasks(stdout: str, dag_id: str) -> list[str]:
    m = re.search(rf"crosscheck: {dag_id}: failed .*\(failed tasks: ([^)]*)\)", stdout)
    return [t.strip() for t in m.group(1).split(",")] if m else []


def run_ids(env: PipelineEnv) -> set[str]:
    """Every run folder the environment's runs created, sealed or not (a killed run leaves one too)."""
    root = env.tmp / "data" / "runs"
    return {p.name for p in root.iterdir()} if root.exists() else set()


def report_html(stdout: str, locale: str = "en") -> str:
    m = re.search(rf"report \({locale}\): (\S+)", stdout)
    assert m, f"no {locale} report printed:\n{stdout[-2000:]}"
    return Path(m.group(1)).read_text(encoding="utf-8")
