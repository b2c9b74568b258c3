"""A small world for the notice tests: candidates in several jurisdictions, their applications and findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from include.config import Config, HiringCompany, NoticesConfig
from include.findings import upsert_findings
from tests.audit.audit_helpers import finding

CANDIDATES = {  # candidate id -> (first name, location)
    "greenhouse:101": ("Ana", "US-CA"),
    "greenhouse:102": ("Wei", "CN"),
    "greenhouse:103": ("Oliver", "United Kingdom"),
    "greenhouse:104": ("Lena", "DE"),
}


def app_of(candidate_id: str) -> str:
    return f"greenhouse:app-{candidate_id.split(':')[1]}"


def config(tmp: Path, **notices: Any) -> Config:
    return Config(hiring_company=HiringCompany(name="Acme Robotics"), data_dir=str(tmp / "data"),
                  notices=NoticesConfig(dispute_contact="disputes@acme.example", **notices))


def populate(wh: Any, run_id: str = "run-1") -> dict[str, list[str]]:
    """Store the candidates, one job and an application each, and findings; return the finding ids by candidate."""
    wh.upsert("jobs", [{"job_id": "greenhouse:j1", "source": "greenhouse", "name": "Robotics Engineer"}], ["job_id"])
    wh.upsert("candidates", [
        {"candidate_id": c, "source": "greenhouse", "source_id": c.split(":")[1], "first_name": first,
         "last_name": "Example", "emails": [f"{first.lower()}@example.net"], "consent_given": True,
         "updated_at": "2026-11-01T00:00:00Z", "run_id": run_id, "location": where}
        for c, (first, where) in CANDIDATES.items()], ["candidate_id"])
    wh.upsert("applications", [
        {"application_id": app_of(c), "candidate_id": c, "job_id": "greenhouse:j1", "status": "active",
         "applied_at": "2026-10-01", "updated_at": "2026-11-01T00:00:00Z", "run_id": run_id}
        for c in CANDIDATES], ["application_id"])
    found = {c: [finding(c, 1, severity="red"), finding(c, 2, severity="yellow"), finding(c, 3, severity="blue")]
             for c in CANDIDATES}
    upsert_findings(wh, [f for fs in found.values() for f in fs], run_id, set(CANDIDATES))
    return {c: [f.finding_id for f in fs] for c, fs in found.items()}
