"""Hand-written records for the engine's tests: small, explicit, one line per job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from include.config import Config
from include.engine.resolve import RegistryIndex
from include.engine.run import CandidateBundle, check_candidate
from include.models import (
    Candidate,
    Consent,
    Education,
    Employment,
    Finding,
    IndustryCode,
    RegistryEntity,
    RegistryName,
)
from include.run_context import RunContext

DAY = date(2026, 11, 21)
CID = "greenhouse:1"


def config(gap: int = 3, tol: int = 2, window: int = 24, competitors: Iterable[str] = ("Rival Dynamics",),
           sic: Iterable[str] = ("26110", "28990")) -> Config:
    return Config.model_validate({
        "hiring_company": {"name": "Example Robotics Ltd", "registry_ids": {"companies_house": "01234567"},
                           "industry_codes": {"sic": list(sic)}, "competitors": list(competitors)},
        "thresholds": {"career_gap_months": gap, "date_tolerance_months": tol, "non_compete_window_months": window},
    })


def job(eid: str, employer: str, start: str | None, end: str | None = None, title: str | None = "Software Engineer",
        source: str = "greenhouse", etype: str = "full_time") -> Employment:
    return Employment(employment_id=f"{source}:{eid}", candidate_id=CID, source=source,  # type: ignore[arg-type]
                      employer=employer, title=title, start_raw=start, end_raw=end,
                      employment_type=etype, record_ref=f"{source}:{eid}")  # type: ignore[arg-type]


def profile(eid: str, employer: str, start: str | None = None, end: str | None = None,
            title: str | None = "Software Engineer", source: str = "linkedin") -> Employment:
    return job(eid, employer, start, end, title, source=source, etype="unknown")


def edu(eid: str, start: str, end: str, school: str = "University of Leeds") -> Education:
    return Education(education_id=f"greenhouse:{eid}", candidate_id=CID, source="greenhouse", school=school,
                     degree="MSc", start_raw=start, end_raw=end, record_ref=f"greenhouse:{eid}")


def entity(eid: str, name: str, *, created: str | None = "2000-01-01", dissolved: str | None = None,
           status: str = "active", registry: str = "companies_house", others: Iterable[str] = (),
           previous: Iterable[str] = (), parents: Iterable[str] = (),
           codes: Iterable[tuple[str, str]] = ()) -> RegistryEntity:
    names = [RegistryName(name=name, kind="legal")]
    names += [RegistryName(name=n, kind="other") for n in others]
    names += [RegistryName(name=n, kind="previous") for n in previous]
    return RegistryEntity(entity_id=f"{registry}:{eid}", registry=registry, names=names,  # type: ignore[arg-type]
                          status=status, created=created, dissolved=dissolved,
                          industry_codes=[IndustryCode(scheme=s, code=c) for s, c in codes],
                          parent_ids=list(parents), record_url=f"https://registry.test/{eid}")


def candidate(consent: bool = True) -> Candidate:
    return Candidate(candidate_id=CID, source="greenhouse", source_id="1",
                     consent=Consent(given=consent, source_field="custom_field:background_check_consent",
                                     value=str(consent).lower(), read_at="2026-11-21T00:00:00Z"),
                     updated_at="2026-11-21T00:00:00Z")


REGISTRY = [
    entity("00000001", "HALCYON SOFTWARE LTD", previous=["HALCYON CODEWORKS LTD"]),
    entity("00000002", "BLUEWATER ANALYTICS LIMITED"),
    entity("00000003", "RIVAL DYNAMICS LTD", codes=[("uk_sic_2007", "62012")]),
    entity("00000004", "NORTHWIND MACHINES LTD", codes=[("uk_sic_2007", "26110")]),
    entity("00000005", "OLD TIMBER TRADING LTD", created="2015-06-01", dissolved="2020-03-31", status="dissolved"),
    entity("00000006", "EXAMPLE ROBOTICS LTD", codes=[("uk_sic_2007", "26110")]),
    entity("5493001KJTIIGC8Y1R12", "华为技术有限公司", registry="gleif", others=["Huawei Technologies Co., Ltd."]),
    entity("5493001KJTIIGC8Y1R13", "Huawei Technologies Research & Development (UK) Limited", registry="gleif",
           parents=["gleif:5493001KJTIIGC8Y1R12"]),
    entity("5493001KJTIIGC8Y1R14", "Rival Dynamics Limited", registry="gleif"),
    entity("5493001KJTIIGC8Y1R15", "Cobalt Sensors GmbH", registry="gleif",
           parents=["gleif:5493001KJTIIGC8Y1R14"]),
]
INDEX = RegistryIndex(REGISTRY)


def run(resume: list[Employment], profiles: Iterable[Employment] = (), educations: Iterable[Education] = (),
        *, cfg: Config | None = None, consent: bool = True, index: RegistryIndex | None = None,
        day: date = DAY) -> list[Finding]:
    bundle = CandidateBundle(candidate(consent), "greenhouse:app1", resume, list(educations), list(profiles))
    return check_candidate(bundle, index or INDEX, cfg or config(), RunContext("test", day))


def of_kind(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]
