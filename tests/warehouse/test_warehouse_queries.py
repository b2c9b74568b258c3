"""The reads grouped by concern (runs, candidates and applications) answer the same on both engines."""

from __future__ import annotations

from datetime import date

from include.warehouse import candidates, runs


def _people(wh) -> None:
    wh.upsert("candidates", [
        {"candidate_id": "c1", "source": "greenhouse", "consent_given": True, "consent": {"given": True}},
        {"candidate_id": "c2", "source": "lever", "consent_given": False, "consent": {"given": False}},
        {"candidate_id": "c3", "source": "lever", "consent_given": True},
    ], ["candidate_id"])
    wh.upsert("jobs", [{"job_id": "j1", "source": "greenhouse", "name": "Robotics Engineer"}], ["job_id"])
    wh.upsert("applications", [
        {"application_id": "a-old", "candidate_id": "c1", "job_id": "j1", "applied_at": "2026-01-05"},
        {"application_id": "a-undated", "candidate_id": "c1", "job_id": "j1", "applied_at": None},
        {"application_id": "a-new", "candidate_id": "c1", "job_id": "j1", "applied_at": "2026-03-01"},
        {"application_id": "b-undated", "candidate_id": "c2", "job_id": None, "applied_at": None},
    ], ["application_id"])


def test_consent_and_applications(warehouse) -> None:
    _people(warehouse)
    assert candidates.consenting_candidate_ids(warehouse) == ["c1", "c3"]
    assert candidates.checked_candidate_ids(warehouse) == ["c1"]  # c3 consents but has no application
    assert candidates.consent_counts(warehouse) == (1, 1)
    # a dated application wins over an undated one on both engines (PostgreSQL sorts NULL first by default)
    assert candidates.latest_application_ids(warehouse, ["c1", "c2", "nobody"]) == {"c1": "a-new", "c2": "b-undated"}
    apps = candidates.applications_with_jobs(warehouse, ["c1"])
    assert [a["application_id"] for a in apps] == ["a-new", "a-old", "a-undated"]
    assert apps[0]["job_name"] == "Robotics Engineer"
    assert candidates.stored_consents(warehouse) == {"c1": {"given": True}, "c2": {"given": False}}


def test_per_candidate_rows_come_grouped_and_in_order(warehouse) -> None:
    _people(warehouse)
    warehouse.upsert("employments", [
        {"employment_id": f"e{n}", "candidate_id": f"c{n % 3 + 1}", "source": "lever" if n % 2 else "orcid",
         "employer": f"Employer {n}"} for n in range(9, 0, -1)
    ], ["employment_id"])
    rows = candidates.rows_of_candidates(warehouse, "employments", ["c1", "c2", "c3"], "employment_id")
    by_candidate: dict[str, list[str]] = {}
    for r in rows:
        by_candidate.setdefault(r["candidate_id"], []).append(r["employment_id"])
    assert by_candidate == {"c1": ["e3", "e6", "e9"], "c2": ["e1", "e4", "e7"], "c3": ["e2", "e5", "e8"]}
    lever = candidates.resume_employments(warehouse, ["lever"], ["c1", "c2"])
    assert sorted(r["employer"] for r in lever) == ["Employer 1", "Employer 3", "Employer 7", "Employer 9"]
    assert candidates.consenting_employers(warehouse) == [f"Employer {n}" for n in (2, 3, 5, 6, 8, 9)]


def test_runs(warehouse) -> None:
    assert runs.latest_run(warehouse) is None
    rows = [
        {"run_id": "r1", "seq": 1, "report_day": "2026-11-19", "manifest": {"sources": {"lever": {"records": 3}}},
         "prev_hash": "0", "hash": "h1"},
        {"run_id": "r2", "seq": 2, "report_day": "2026-11-21", "prev_hash": "h1", "hash": "h2"},
    ]
    warehouse.upsert("pipeline_runs", rows, ["run_id"])
    assert runs.latest_run(warehouse) == ("r2", date(2026, 11, 21))
    assert runs.previous_report_day(warehouse, date(2026, 11, 21)) == date(2026, 11, 19)
    assert runs.previous_report_day(warehouse, date(2026, 11, 19)) is None
    assert runs.sealed_manifest(warehouse, "r1") == {"sources": {"lever": {"records": 3}}}
    assert runs.sealed_manifest(warehouse, "r2") is None


def test_register_state(warehouse) -> None:
    from include.warehouse.registry_cache import register_state

    assert register_state(warehouse) == (0, None)
    warehouse.upsert("registry_entities", [
        {"entity_id": "gb:1", "registry": "companies_house", "legal_name": "A Ltd", "fetched_at": "2026-11-01T00:00:00+00:00"},
        {"entity_id": "gb:2", "registry": "companies_house", "legal_name": "B Ltd", "fetched_at": "2026-11-20T00:00:00+00:00"},
    ], ["entity_id"])
    assert register_state(warehouse) == (2, "2026-11-20T00:00:00+00:00")
