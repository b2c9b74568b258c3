"""Canonical records: every source's raw payload becomes one of these once, at the ingest boundary.

Dates stay as the candidate or source wrote them (``*_raw``); the engine parses them
(``include.engine.dates``) so that precision ("2019" vs "2019-03-14") is never lost.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal[
    "greenhouse",
    "lever",
    "companies_house",
    "gleif",
    "opencorporates",
    "orcid",
    "github",
    "linkedin",
    "reviews",
]
ProfileSource = Literal["orcid", "github", "linkedin"]
Registry = Literal["companies_house", "gleif", "opencorporates"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Consent(Record):
    given: bool
    source_field: str  # e.g. "custom_field:background_check_consent" or "tag:background-check-consent"
    value: str | None  # the value as read, stringified
    read_at: str  # ISO timestamp of the read


class NonCompeteFacts(Record):
    """What HR holds in the ATS about a candidate's non-compete with a former employer."""

    has_agreement: bool | None = None  # None: not recorded
    ends_on: str | None = None  # ISO date the restriction ends, when recorded
    source_field: str  # e.g. "custom_field:non_compete_agreement"


class Candidate(Record):
    candidate_id: str  # "<source>:<id>", e.g. "greenhouse:4829103"
    source: Literal["greenhouse", "lever"]
    source_id: str
    first_name: str | None = None
    last_name: str | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    consent: Consent
    orcid: str | None = None  # ORCID iD, e.g. "0000-0002-1825-0097"
    github_login: str | None = None
    linkedin_export_url: str | None = None  # attachment URL of a LinkedIn Positions.csv, if any
    updated_at: str  # ISO timestamp from the source
    record_url: str | None = None
    # where the candidate lives or will work: an ISO 3166 code ("US-CA", "CN", "GB") or a country name
    location: str | None = None
    non_compete: NonCompeteFacts | None = None


class Job(Record):
    job_id: str  # "<source>:<id>"
    source: Literal["greenhouse", "lever"]
    name: str
    updated_at: str | None = None


class Application(Record):
    application_id: str  # "<source>:<id>"
    candidate_id: str
    job_id: str | None
    status: str | None = None
    applied_at: str | None = None
    updated_at: str | None = None


class Employment(Record):
    """A job: as claimed on a resume (source = the ATS) or as shown on a public profile."""

    employment_id: str  # stable id: "<source>:<record id>" or a hash of its fields
    candidate_id: str
    source: Source
    employer: str
    title: str | None = None
    start_raw: str | None = None
    end_raw: str | None = None  # None or "" or "Present"/"至今" = current
    employment_type: Literal["full_time", "part_time", "contract", "internship", "unknown"] = "unknown"
    record_ref: str  # record URL or id, for evidence


class Education(Record):
    education_id: str
    candidate_id: str
    source: Source
    school: str
    degree: str | None = None
    start_raw: str | None = None
    end_raw: str | None = None
    record_ref: str


class IndustryCode(Record):
    scheme: str  # "uk_sic_2007" (5-digit), "uk_sic_dotted" ("62.01"), "nace_rev2", "isic_v4", ...
    code: str


class RegistryName(Record):
    name: str
    kind: Literal["legal", "previous", "other", "transliterated", "trading"]
    language: str | None = None


class RegistryEntity(Record):
    entity_id: str  # "companies_house:01234567", "gleif:<LEI>", "opencorporates:gb/01234567"
    registry: Registry
    names: list[RegistryName]  # first is the current legal name
    status: str | None = None  # as the registry says it: "active", "dissolved", "ACTIVE", "INACTIVE", ...
    created: str | None = None  # ISO date
    dissolved: str | None = None  # ISO date
    jurisdiction: str | None = None
    industry_codes: list[IndustryCode] = Field(default_factory=list)
    parent_ids: list[str] = Field(default_factory=list)  # entity_ids of direct and ultimate parents
    record_url: str


class Review(Record):
    review_id: str
    employer: str
    date: str
    rating: int = Field(ge=1, le=5)
    title: str | None = None
    pros: str | None = None
    cons: str | None = None
    advice_to_management: str | None = None
    job_title: str | None = None
    location: str | None = None
    employment_status: Literal["current", "former"] | None = None
    response_at: str | None = None  # when the employer answered it (ISO timestamp, UTC), None: not answered


# A finding kind: a name declared once, with its rule, in an include/engine/rules module, and collected
# (in report order) by include.engine.kinds, which the product reads. This layer sits below the engine, so it
# names the type only; the engine refuses a finding of an undeclared kind (``make_finding`` takes its spec).
Kind = str
Severity = Literal["red", "yellow", "blue"]


class EvidenceItem(Record):
    """One side's value: what a source says, and where to look it up."""

    side: Literal["resume", "profile", "registry", "config", "computed"]
    source: str  # "greenhouse", "orcid", "companies_house", "config", ...
    record_ref: str  # record URL or id
    values: dict[str, str | int | float | bool | None | list[str]]


class Finding(Record):
    """One row of the ``discrepancies`` contract, before run ids and status are attached."""

    finding_id: str  # stable: a hash of kind, candidate and the identity of the records involved
    candidate_id: str
    application_id: str | None
    kind: Kind
    severity: Severity
    summary: str
    question: str
    evidence: list[EvidenceItem]
    rule_version: str
    evidence_digest: str  # sha256 of the evidence; a cleared finding reopens when this changes
    # summary and question as message ids with parameters, rendered in the report's locale
    # (include/engine/messages.py); outside the evidence digest, so wording never reopens a finding
    message: dict[str, Any] | None = None
