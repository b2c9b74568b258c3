"""A small sandbox world of ATS candidates (WORLD.md format) and clients pointed at a running sandbox.

Shared by the Greenhouse, Lever and ATS-ingest tests; the sandbox generator is not needed.
"""

from __future__ import annotations

from typing import Any

from connectors.github import GithubClient
from connectors.greenhouse import GreenhouseClient
from connectors.lever import LeverClient
from connectors.orcid import OrcidClient
from sandbox import credentials

POSITIONS_CSV = ("Company Name,Title,Description,Location,Started On,Finished On\n"
                 "Halcyon Software,Senior Software Engineer,\"Platform team\nR&amp;D tooling\",Leeds,Mar 2019,\n"
                 "Acme Automation,Software Engineer,,Remote,2016,Dec 2018\n")


def candidate(ats: str, i: int, *, consent: bool | None = True, csv: str | None = POSITIONS_CSV,
              updated_at: str | None = None, **over: Any) -> dict[str, Any]:
    gh = ats == "greenhouse"
    month = 1 + i % 9
    c: dict[str, Any] = {
        "ats": ats,
        "id": str(4829100 + i) if gh else f"00000000-0000-4000-8000-{i:012d}",
        "application_id": str(7729100 + i) if gh else f"10000000-0000-4000-8000-{i:012d}",
        "job_id": "4001" if gh else "20000000-0000-4000-8000-000000000001",
        "first_name": "Ana", "last_name": f"Silva{i}", "emails": [f"ana{i}@example.net"], "phones": ["+44 7700 900123"],
        "created_at": f"2025-0{month}-01T10:00:00Z", "updated_at": updated_at or f"2025-0{month}-02T10:00:00Z",
        "consent": consent,
        "employments": [
            {"id": "e1", "company_name": "Halcyon Software Ltd", "title": "Senior Developer", "start": "2019-03",
             "end": None, "employment_type": "full_time"},
            {"id": "e2", "company_name": "Acme Automation Inc", "title": "Software Engineer", "start": "2016",
             "end": "2018-12", "employment_type": "part_time"},
        ],
        "educations": [{"id": "d1", "school_name": "University of Leeds", "degree": "MSc",
                        "discipline": "Computer Science", "start": "2015-09", "end": "2016"}],
        "links": {"orcid": "0000-0002-1825-0097", "github": f"asilva{i}", "linkedin": "https://www.linkedin.com/in/asilva"},
        "linkedin_positions_csv": csv,
    }
    c.update(over)
    return c


def world(candidates: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "seed": 1, "generated_for_day": "2026-11-21",
        "jobs": [{"ats": "greenhouse", "id": "4001", "name": "Senior Robotics Engineer", "department": "R&D",
                  "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"},
                 {"ats": "lever", "id": "20000000-0000-4000-8000-000000000001", "name": "Controls Engineer",
                  "department": "R&D", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}],
        "candidates": candidates,
    }


def greenhouse_client(sandbox: Any, *, secret: str = credentials.GREENHOUSE_CLIENT_SECRET,
                      **kw: Any) -> GreenhouseClient:
    kw.setdefault("rate_limit", None)
    kw.setdefault("sleep", lambda s: None)
    return GreenhouseClient(f"{sandbox.url}/greenhouse", credentials.GREENHOUSE_CLIENT_ID, secret,
                            token_url=f"{sandbox.url}/greenhouse/auth/token", **kw)


def lever_client(sandbox: Any, *, key: str = credentials.LEVER_API_KEY, **kw: Any) -> LeverClient:
    kw.setdefault("rate_limit", None)
    kw.setdefault("sleep", lambda s: None)
    return LeverClient(f"{sandbox.url}/lever/v1", key, **kw)


def profile_client(sandbox: Any, source: str, lander: Any) -> OrcidClient | GithubClient | None:
    """The sandbox's ORCID or GitHub client for ``source`` (None for any other), landing payloads with
    ``lander`` and never sleeping between retries or for the rate limit."""
    conns = sandbox.connections()
    quick: dict[str, Any] = {"sleep": lambda s: None, "rate_limit": None}
    if source == "orcid":
        return OrcidClient(conns["orcid_default"]["host"], on_payload=lander, **quick)
    if source == "github":
        return GithubClient(conns["github_default"]["host"], credentials.GITHUB_TOKEN, on_payload=lander, **quick)
    return None


def log_of(sandbox: Any, source: str) -> list[tuple[str, str]]:
    return [(method, path) for src, method, path in sandbox.requests_log if src == source]
