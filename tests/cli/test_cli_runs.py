"""``crosscheck runs`` and ``runs show``: runs ingested from the sandbox ATS and sealed by the pipeline's own
functions, read back through the installed executable; a manifest sealed by older code stays readable."""

from __future__ import annotations

import json
from datetime import date

import pytest

from include.config import Config
from include.pipeline import ingest
from include.pipeline.runs import write_part
from include.pipeline.seal import seal_run
from include.run_context import RunContext
from sandbox.server import Sandbox
from sandbox.world import World
from tests.audit.audit_helpers import seal as append_sealed
from tests.cli.cli_helpers import DAGS, cli_env, crosscheck, new_warehouse
from tests.connectors.ats_world import candidate, greenhouse_client, world

DAYS = (date(2026, 11, 21), date(2026, 11, 22))


def _ingest_and_seal(wh, cfg: Config, day: date, people: list[dict]) -> str:
    """One day as the DAGs run it: the Greenhouse ingest task's part, then the seal."""
    run = RunContext.new(day)
    with Sandbox(World(world(people))) as sb:
        part = ingest.ingest_ats("greenhouse", lambda _s, lander: greenhouse_client(sb, on_payload=lander),
                                 wh, cfg, run)
    write_part(cfg, run, "source-greenhouse", part)
    seal_run(wh, cfg, run, [{"dag_id": d, "state": "success"} for d in DAGS])
    return run.run_id


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """Day 1 reads three candidates (two consent); day 2 reads, incrementally, only the one who withdrew."""
    tmp = tmp_path_factory.mktemp("runs")
    env = cli_env(tmp)
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp / "data")})
    people = [candidate("greenhouse", i, consent=i != 2) for i in range(3)]
    wh = new_warehouse(tmp / "warehouse.duckdb")
    try:
        first = _ingest_and_seal(wh, cfg, DAYS[0], people)
        people[1] = candidate("greenhouse", 1, consent=False, updated_at="2026-11-22T09:00:00Z")
        second = _ingest_and_seal(wh, cfg, DAYS[1], people)
    finally:
        wh.close()
    return tmp, env, first, second


def test_runs_lists_every_run_newest_first_with_consent_as_the_report_counts_it(two_days):
    tmp, env, first, second = two_days
    res = crosscheck("runs", "--json", env=env, cwd=tmp)
    assert res.rc == 0, res.err
    runs = json.loads(res.out)
    assert [r["run_id"] for r in runs] == [second, first]
    assert [r["chain"]["position"] for r in runs] == [2, 1] and runs[0]["chain"]["prev_hash"] == runs[1]["chain"]["hash"]
    new, old = runs
    # the first run read everyone; the second, incremental, read only the candidate who withdrew
    assert old["consent"]["evidence"]["read_this_run"] == 3 and new["consent"]["evidence"]["read_this_run"] == 1
    # what was held at each seal, as the report counts it, and a withdrawal told apart from never asked
    assert old["consent"]["held"] == {"given": 2, "awaiting": 1, "withdrawn": 0}
    # a withdrawal is erased as an erasure request is (only a tombstone stays), so it is held no more
    assert new["consent"]["held"] == {"given": 1, "awaiting": 1, "withdrawn": 0}
    assert all(r["state"] == "success" and r["duration_seconds"] is not None for r in runs)

    text = crosscheck("runs", env=env, cwd=tmp)
    assert text.rc == 0 and text.err == ""
    rows = text.out.splitlines()
    assert rows[0].split()[:3] == ["#", "run", "day"]
    assert rows[1].split()[:4] == ["2", second, "2026-11-22", "success"] and rows[1].endswith("1/1/0")
    assert rows[2].split()[:2] == ["1", first] and rows[2].endswith("2/1/0")


def test_runs_show_puts_a_source_in_the_shared_vocabulary(two_days):
    tmp, env, first, _ = two_days
    res = crosscheck("runs", "show", "1", "--json", env=env, cwd=tmp)
    assert res.rc == 0, res.err
    run = json.loads(res.out)
    assert run["run_id"] == first and run["report_day"] == "2026-11-21"
    gh = next(s for s in run["sources"] if s["source"] == "greenhouse")
    assert gh["records"]["candidates"] == 3 and gh["records"]["applications"] == 3
    assert gh["records_total"] == sum(gh["records"].values()) == run["records_read"]
    assert gh["responses"] > 0 and gh["files"] == 1 and gh["quarantined"] == 0 and not gh["skipped"]
    assert run["data_quality"]["candidates"] == {"records_in": 3, "good": 3, "quarantined": 0, "passed": True,
                                                  "accepted": True}
    assert len(run["code_version"]["tree_sha256"]) == 64 and len(run["config_sha256"]) == 64
    assert [d["dag_id"] for d in run["dag_runs"]] == DAGS

    text = crosscheck("runs", "show", first[:24], env=env, cwd=tmp)  # a unique start of the id will do
    assert text.rc == 0, text.err
    assert f"run {first}" in text.out and "position 1 of 2" in text.out
    assert "2 consent, 1 await consent, 0 withdrew it" in text.out
    assert "candidates 3" in text.out and "Silva" not in text.out


def test_runs_show_refuses_an_unknown_or_ambiguous_run_in_one_line(two_days):
    tmp, env, _, _ = two_days
    for ref, needle in (("9", "no run '9' (runs are numbered 1 to 2"), ("cc-2026-11-2", "is ambiguous: 2 runs")):
        res = crosscheck("runs", "show", ref, env=env, cwd=tmp)
        assert res.rc == 1 and res.out == ""
        assert len(res.err.strip().splitlines()) == 1 and needle in res.err, res.err


def test_a_manifest_sealed_by_older_code_reads_in_the_same_vocabulary(tmp_path):
    env = cli_env(tmp_path)
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    try:
        append_sealed(wh, "cc-old", "0" * 64, sources={
            "reviews": {"source": "reviews", "skipped": False, "employers": 5, "reviews": 12},
            "orcid": {"source": "orcid", "chunks": 2, "skipped_chunks": 0, "skipped": False, "responses": 7,
                      "payloads": [{"path": "p1", "sha256": "a", "responses": 3},
                                   {"path": "p2", "sha256": "b", "responses": 4}]},
            "lever": {"source": "lever", "skipped": True, "reason": "connection not defined"}},
            consent={"read_this_run": 40, "given": 0, "not_given": 40})
    finally:
        wh.close()
    run = json.loads(crosscheck("runs", "show", "latest", "--json", env=env, cwd=tmp_path).out)
    by = {s["source"]: s for s in run["sources"]}
    assert by["reviews"]["records"] == {"employers": 5, "reviews": 12} and by["reviews"]["responses"] is None
    assert by["orcid"]["records"] is None and by["orcid"]["responses"] == 7 and by["orcid"]["files"] == 2
    assert by["lever"]["skipped"] and run["sources_skipped"] == ["lever"]
    assert run["consent"]["held"] is None and run["consent"]["evidence"]["not_given"] == 40
    assert run["duration_seconds"] == 1200.0
    text = crosscheck("runs", "show", "cc-old", env=env, cwd=tmp_path).out
    assert "candidates held at the seal: not recorded" in text and "lever            skipped: connection not defined" in text


def test_runs_on_a_warehouse_without_runs(tmp_path):
    env = cli_env(tmp_path)
    new_warehouse(tmp_path / "warehouse.duckdb").close()
    res = crosscheck("runs", env=env, cwd=tmp_path)
    assert res.rc == 1 and "no sealed runs in the warehouse at" in res.out
    res = crosscheck("runs", "show", "latest", env=env, cwd=tmp_path)
    assert res.rc == 1 and res.err.strip() == "crosscheck: runs show: the warehouse has no sealed runs"
