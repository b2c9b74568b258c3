"""The check plan on a real warehouse: who is loaded and who is carried unread, day after day, when the
register changes (``include.pipeline.check.plan_checks``, ``include.pipeline.incremental.plan``).

Three candidates with resume jobs at three companies in the register. Day 2: an unrelated company joins
the register, so the register's digest changes, but what the rules read of it for each candidate does
not: all three are carried unread, and their checks now hold the new register. Day 3: the company of
one candidate is dissolved in the register: that candidate is loaded (``register``) and re-checked, the
other two are carried. Each day's findings are those of a full re-check on the same warehouse state.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from include.config import Config
from include.pipeline import check
from include.run_context import RunContext
from include.warehouse import connect

COMPANIES = {"A": "Harbour Lights Trading Ltd", "B": "Quillon Metrics Ltd", "C": "Ostrava Fieldworks Ltd"}


def _entity(key: str, name: str, status: str = "active") -> tuple[dict, dict]:
    eid = f"companies_house:0000000{key}"
    return ({"entity_id": eid, "registry": "companies_house", "status": status, "created": "2001-01-01",
             "dissolved": "2019-05-01" if status == "dissolved" else None, "record_url": f"https://ch.example/{key}",
             "fetched_at": "2026-11-01T00:00:00+00:00"},
            {"entity_id": eid, "name": name, "kind": "legal", "position": 0})


@pytest.fixture()
def wh(tmp_path):
    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    w.migrate()
    for key, company in COMPANIES.items():
        cid = f"greenhouse:{key}"
        w.upsert("candidates", [{"candidate_id": cid, "source": "greenhouse", "source_id": key, "first_name": "Ann",
                                 "last_name": key, "consent_given": True, "emails": json.dumps([]),
                                 "consent": json.dumps({"given": True, "source_field": "tag:consent", "value": "yes",
                                                        "read_at": "2026-11-01T00:00:00Z"}),
                                 "phones": json.dumps([]), "updated_at": "2026-11-01T00:00:00Z", "run_id": "r0"}],
                 ["candidate_id"])
        w.upsert("applications", [{"application_id": f"app-{key}", "candidate_id": cid, "job_id": "j1",
                                   "applied_at": "2026-10-20", "run_id": "r0"}], ["application_id"])
        w.upsert("employments", [
            {"employment_id": f"{key}-1", "candidate_id": cid, "source": "greenhouse", "employer": company,
             "title": "Analyst", "start_raw": "2018-01", "end_raw": "2022-06", "employment_type": "full_time",
             "record_ref": f"{key}-1", "run_id": "r0"},
            {"employment_id": f"{key}-2", "candidate_id": cid, "source": "greenhouse", "employer": "Example Robotics Ltd",
             "title": "Engineer", "start_raw": "2022-07", "end_raw": "2025-12", "employment_type": "full_time",
             "record_ref": f"{key}-2", "run_id": "r0"}], ["employment_id"])
        ent, name = _entity(key, company)
        w.upsert("registry_entities", [ent], ["entity_id"])
        w.upsert("registry_names", [name], ["entity_id", "name", "kind"])
    yield w
    w.close()


def _run(wh, cfg: Config, run: RunContext) -> dict:
    batches = check.plan_checks(wh, cfg, run)
    written = [check.check_batch(wh, cfg, run, ids, i) for i, ids in enumerate(batches)]
    out = check.write_findings(wh, cfg, run, [{"path": b["path"], "candidates": b["candidates"]} for b in written])
    check.release_registry_index()
    return out


def _findings(wh, run_id: str) -> dict:
    return {r["finding_id"]: (r["kind"], r["evidence_digest"], r["row_digest"]) for r in wh.query(
        "SELECT d.finding_id, d.kind, d.evidence_digest, f.row_digest FROM discrepancies d "
        "JOIN run_findings f ON f.finding_id = d.finding_id AND f.run_id = ? ORDER BY 1", [run_id])}


def test_a_register_change_loads_only_the_candidates_whose_registry_reading_changed(wh, tmp_path: Path):
    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path / "d")})
    day1 = _run(wh, cfg, RunContext("run-1", date(2026, 11, 21)))
    assert day1["incremental"]["plan"]["loaded_by_reason"]["new"] == 3

    ent, name = _entity("9", "Zzyzx Quuxbar Holdings Ltd")  # unrelated to anyone's employers
    wh.upsert("registry_entities", [ent], ["entity_id"])
    wh.upsert("registry_names", [name], ["entity_id", "name", "kind"])
    day2 = _run(wh, cfg, RunContext("run-2", date(2026, 11, 22)))
    plan2 = day2["incremental"]["plan"]
    assert plan2["loaded"] == 0 and plan2["carried_unread"] == 3 and plan2["carried_after_register_change"] == 3
    assert _findings(wh, "run-2") == _findings(wh, "run-1")
    stored = {r["candidate_id"]: r for r in wh.query("SELECT * FROM candidate_checks")}
    assert {s["seen_run"] for s in stored.values()} == {"run-2"}
    assert {s["checked_run"] for s in stored.values()} == {"run-1"}
    assert len({s["register_sql"] for s in stored.values()}) == 1

    ent, name = _entity("A", COMPANIES["A"], status="dissolved")  # A's employer: dissolved in 2019
    wh.upsert("registry_entities", [ent], ["entity_id"])
    day3 = _run(wh, cfg, RunContext("run-3", date(2026, 11, 23)))
    plan3 = day3["incremental"]["plan"]
    assert plan3["loaded"] == plan3["loaded_by_reason"]["register"] == 1
    assert plan3["carried_after_register_change"] == 2
    assert day3["incremental"]["rechecked_by_reason"]["changed"] == 1
    incremental = _findings(wh, "run-3")
    assert incremental != _findings(wh, "run-2")  # A's employer dissolved before A left: a finding moved

    full = _run(wh, cfg, RunContext("run-4", date(2026, 11, 23), full=True))  # the same day, all re-checked
    assert full["incremental"]["plan"]["loaded_by_reason"]["full"] == 3
    assert _findings(wh, "run-4") == incremental


def test_the_plan_loads_everyone_when_the_rules_change_or_the_run_was_written_already(wh, tmp_path: Path):
    from include.pipeline import incremental
    from include.warehouse import candidates

    cfg = Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(tmp_path / "d")})
    run1 = RunContext("run-1", date(2026, 11, 21))
    _run(wh, cfg, run1)
    ids = candidates.checked_candidate_ids(wh)
    quiet = incremental.plan(wh, RunContext("run-2", date(2026, 11, 22)), cfg, ids)
    assert quiet.due == [] and sorted(quiet.quiet) == ids and set(quiet.quiet.values()) == {"run-1"}
    # the same run planned again after its findings were written: its records hold no earlier state
    assert incremental.plan(wh, run1, cfg, ids).why["unrecorded"] == 3
    # another competitor: what the rules compare against changed, for everyone
    other = cfg.model_copy(update={"hiring_company": cfg.hiring_company.model_copy(update={"competitors": ["Rival"]})})
    assert incremental.plan(wh, RunContext("run-2", date(2026, 11, 22)), other, ids).why["rules"] == 3
    # a report day before the last check's: due again
    assert incremental.plan(wh, RunContext("run-2", date(2026, 11, 20)), cfg, ids).why["time_due"] == 3
