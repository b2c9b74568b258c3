"""Shared pieces for the data-quality tests: one warm GX context per module, and valid sample records."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

REPORT_DAY = date(2026, 11, 21)
ROOT_DIR = Path(__file__).resolve().parents[2]

VALID: dict[str, dict[str, Any]] = {
    "candidates": {
        "candidate_id": "greenhouse:4829103", "source": "greenhouse", "source_id": "4829103",
        "first_name": "Ana", "last_name": "Silva", "emails": ["ana.silva@example.net"],
        "phones": ["+44 7700 900123"],
        "consent": {"given": True, "source_field": "custom_field:background_check_consent", "value": "true",
                    "read_at": "2026-11-21T08:00:00Z"},
        "orcid": "0000-0002-1825-0097", "github_login": "asilva", "linkedin_export_url": None,
        "updated_at": "2026-06-01T10:00:00Z", "record_url": "https://app.greenhouse.io/people/4829103",
    },
    "applications": {
        "application_id": "greenhouse:7729103", "candidate_id": "greenhouse:4829103", "job_id": "greenhouse:4001",
        "status": "active", "applied_at": "2026-05-01T09:00:00Z", "updated_at": "2026-06-01T10:00:00+01:00",
    },
    "employments": {
        "employment_id": "greenhouse:e1", "candidate_id": "greenhouse:4829103", "source": "greenhouse",
        "employer": "Halcyon Software Ltd", "title": "Senior Developer", "start_raw": "2019-03",
        "end_raw": "Present", "employment_type": "full_time", "record_ref": "greenhouse:4829103#e1",
    },
    "educations": {
        "education_id": "greenhouse:d1", "candidate_id": "greenhouse:4829103", "source": "greenhouse",
        "school": "University of Leeds", "degree": "MSc", "start_raw": "2016-09", "end_raw": "2017-09",
        "record_ref": "greenhouse:4829103#d1",
    },
    "registry_entities": {
        "entity_id": "companies_house:01234567", "registry": "companies_house",
        "names": [{"name": "EXAMPLE ROBOTICS LTD", "kind": "legal", "language": None},
                  {"name": "EXAMPLE AUTOMATION LTD", "kind": "previous", "language": None}],
        "status": "active", "created": "2001-05-01", "dissolved": None, "jurisdiction": "gb",
        "industry_codes": [{"scheme": "uk_sic_2007", "code": "26110"}], "parent_ids": [],
        "record_url": "https://find-and-update.company-information.service.gov.uk/company/01234567",
    },
    "reviews": {
        "review_id": "r1", "employer": "Example Robotics Ltd", "date": "2026-11-10", "rating": 2,
        "title": "Slow promotions", "pros": "Good people", "cons": "Long hours", "advice_to_management": None,
        "job_title": "Engineer", "location": "Leeds", "employment_status": "former",
    },
}
KEYS = {"candidates": "candidate_id", "applications": "application_id", "employments": "employment_id",
        "educations": "education_id", "registry_entities": "entity_id", "reviews": "review_id"}


@pytest.fixture(scope="module")
def gx_context() -> Any:
    """GX is slow to import: warm the process-wide ephemeral context once per module."""
    from include.quality.validate import gx_context as context

    return context()


@pytest.fixture
def make() -> Callable[..., dict[str, Any]]:
    """``make(dataset, n=1, drop=(), **changes)``: a valid record with a unique id, then the changes."""

    def build(dataset: str, n: int = 1, drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
        record = copy.deepcopy(VALID[dataset])
        key = KEYS[dataset]
        record[key] = f"{record[key]}-{n}"
        record.update(changes)
        for field in drop:
            record.pop(field, None)
        return record

    return build
