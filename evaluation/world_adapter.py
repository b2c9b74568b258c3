"""The sandbox world (sandbox/WORLD.md) straight into canonical records, without HTTP.

This is for tuning and evaluating the rules quickly; the pipeline reads the same data through the
connectors and ingest. Only field mapping happens here: no cleaning the ingest would not also do.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from include.engine.run import CandidateBundle
from include.models import (
    Candidate,
    Consent,
    Education,
    Employment,
    IndustryCode,
    RegistryEntity,
    RegistryName,
)

_GLEIF_KIND = {"PREVIOUS_LEGAL_NAME": "previous", "TRADING_OR_OPERATING_NAME": "trading"}


def _orcid_date(d: dict[str, Any] | None) -> str | None:
    if not d or not d.get("year"):
        return None
    parts = [str(d["year"]).zfill(4)]
    for key in ("month", "day"):
        if not d.get(key):
            break
        parts.append(str(d[key]).zfill(2))
    return "-".join(parts)


def _candidate(c: dict[str, Any], read_at: str) -> Candidate:
    ats = c["ats"]
    links = c.get("links") or {}
    return Candidate(
        candidate_id=f"{ats}:{c['id']}", source=ats, source_id=str(c["id"]),
        first_name=c.get("first_name"), last_name=c.get("last_name"),
        emails=c.get("emails") or [], phones=c.get("phones") or [],
        consent=Consent(given=bool(c.get("consent")),
                        source_field="custom_field:background_check_consent" if ats == "greenhouse"
                        else "tag:background-check-consent",
                        value=str(c.get("consent")), read_at=read_at),
        orcid=links.get("orcid"), github_login=links.get("github"),
        linkedin_export_url=links.get("linkedin") if c.get("linkedin_positions_csv") else None,
        updated_at=c.get("updated_at") or read_at,
    )


def _profile_jobs(c: dict[str, Any], cid: str, world: dict[str, Any]) -> list[Employment]:
    jobs: list[Employment] = []
    links = c.get("links") or {}
    orcid = (world.get("orcid") or {}).get(links.get("orcid") or "")
    if orcid:
        for e in orcid.get("employments") or []:
            jobs.append(Employment(
                employment_id=f"orcid:{links['orcid']}:{e['put_code']}", candidate_id=cid, source="orcid",
                employer=(e.get("organization") or {}).get("name") or "", title=e.get("role_title"),
                start_raw=_orcid_date(e.get("start_date")), end_raw=_orcid_date(e.get("end_date")),
                record_ref=f"https://pub.orcid.org/v3.0/{links['orcid']}/employment/{e['put_code']}",
            ))
    if c.get("linkedin_positions_csv"):
        for i, row in enumerate(csv.DictReader(io.StringIO(c["linkedin_positions_csv"]))):
            jobs.append(Employment(
                employment_id=f"linkedin:{cid}:{i}", candidate_id=cid, source="linkedin",
                employer=row.get("Company Name") or "", title=row.get("Title") or None,
                start_raw=row.get("Started On") or None, end_raw=row.get("Finished On") or None,
                record_ref=f"linkedin:{cid}:Positions.csv#{i + 1}",
            ))
    gh = (world.get("github") or {}).get(links.get("github") or "")
    if gh and (gh.get("company") or "").strip():
        jobs.append(Employment(
            employment_id=f"github:{gh['login']}", candidate_id=cid, source="github",
            employer=gh["company"], record_ref=f"https://api.github.com/users/{gh['login']}",
        ))
    return jobs


def _bundle(c: dict[str, Any], world: dict[str, Any], read_at: str) -> CandidateBundle:
    cand = _candidate(c, read_at)
    cid, ats = cand.candidate_id, c["ats"]
    resume = [Employment(
        employment_id=f"{ats}:{c['id']}:{e['id']}", candidate_id=cid, source=ats, employer=e["company_name"],
        title=e.get("title"), start_raw=e.get("start"), end_raw=e.get("end"),
        employment_type=e.get("employment_type") or "unknown", record_ref=f"{ats}:candidate/{c['id']}#{e['id']}",
    ) for e in c.get("employments") or []]
    edus = [Education(
        education_id=f"{ats}:{c['id']}:{d['id']}", candidate_id=cid, source=ats, school=d.get("school_name") or "",
        degree=d.get("degree"), start_raw=d.get("start"), end_raw=d.get("end"),
        record_ref=f"{ats}:candidate/{c['id']}#{d['id']}",
    ) for d in c.get("educations") or []]
    return CandidateBundle(cand, f"{ats}:{c['application_id']}" if c.get("application_id") else None,
                           resume, edus, _profile_jobs(c, cid, world))


def registry_entities(world: dict[str, Any]) -> list[RegistryEntity]:
    out: list[RegistryEntity] = []
    for co in world.get("companies_house") or []:
        names = [RegistryName(name=co["company_name"], kind="legal")]
        names += [RegistryName(name=p["name"], kind="previous") for p in co.get("previous_company_names") or []]
        out.append(RegistryEntity(
            entity_id=f"companies_house:{co['company_number']}", registry="companies_house", names=names,
            status=co.get("company_status"), created=co.get("date_of_creation"),
            dissolved=co.get("date_of_cessation"), jurisdiction="gb",
            industry_codes=[IndustryCode(scheme="uk_sic_2007", code=s) for s in co.get("sic_codes") or []],
            record_url=f"https://api.company-information.service.gov.uk/company/{co['company_number']}",
        ))
    for rec in world.get("gleif") or []:
        names = [RegistryName(name=rec["legal_name"]["name"], kind="legal", language=rec["legal_name"].get("language"))]
        names += [RegistryName(name=n["name"], kind=_GLEIF_KIND.get(n.get("type", ""), "other"),  # type: ignore[arg-type]
                               language=n.get("language")) for n in rec.get("other_names") or []]
        names += [RegistryName(name=n["name"], kind="transliterated", language=n.get("language"))
                  for n in rec.get("transliterated_other_names") or []]
        parents = [f"gleif:{p}" for p in (rec.get("direct_parent"), rec.get("ultimate_parent")) if p]
        out.append(RegistryEntity(
            entity_id=f"gleif:{rec['lei']}", registry="gleif", names=names, status=rec.get("status"),
            created=rec.get("creation_date"), jurisdiction=rec.get("jurisdiction"),
            parent_ids=list(dict.fromkeys(parents)),
            record_url=f"https://api.gleif.org/api/v1/lei-records/{rec['lei']}",
        ))
    for co in world.get("opencorporates") or []:
        names = [RegistryName(name=co["name"], kind="legal")]
        names += [RegistryName(name=p["company_name"], kind="previous") for p in co.get("previous_names") or []]
        jur, num = co["jurisdiction_code"], co["company_number"]
        out.append(RegistryEntity(
            entity_id=f"opencorporates:{jur}/{num}", registry="opencorporates", names=names,
            status=co.get("current_status"), created=co.get("incorporation_date"),
            dissolved=co.get("dissolution_date"), jurisdiction=jur,
            industry_codes=[IndustryCode(scheme=ic.get("code_scheme_id") or "unknown", code=ic["code"])
                            for ic in co.get("industry_codes") or []],
            record_url=f"https://api.opencorporates.com/v0.4/companies/{jur}/{num}",
        ))
    return out


def load_world(world_dir: str | Path) -> dict[str, Any]:
    return json.loads((Path(world_dir) / "world.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def bundles_from_world(
    world_dir: str | Path,
) -> tuple[list[CandidateBundle], list[RegistryEntity], set[tuple[str, str]]]:
    """(every candidate's bundle, every registry entity, the labelled (candidate_id, kind) pairs)."""
    world = load_world(world_dir)
    read_at = f"{world.get('generated_for_day', '1970-01-01')}T00:00:00Z"
    bundles = [_bundle(c, world, read_at) for c in world["candidates"]]
    labels: set[tuple[str, str]] = set()
    labels_path = Path(world_dir) / "labels.csv"
    if labels_path.exists():
        with labels_path.open(encoding="utf-8") as fh:
            labels = {(r["candidate_id"], r["kind"]) for r in csv.DictReader(fh)}
    return bundles, registry_entities(world), labels
