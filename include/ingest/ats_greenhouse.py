"""Greenhouse Harvest v3 payloads -> canonical records (see ``include.ingest.ats``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Literal

from connectors.greenhouse import APP_URL
from connectors.http import NotFound
from include.ingest.ats_common import (
    CHUNK_CANDIDATES,
    AtsBatch,
    MappingError,
    _key,
    advance,
    consent,
    employment_type,
    greenhouse_date,
    iso_timestamp,
    linkedin_jobs,
    merged,
    now_iso,
    profile_ids,
    require_id,
    require_str,
    strip_query,
)
from include.models import Application, Candidate, Education, Employment, Job, NonCompeteFacts

SOURCE: Literal["greenhouse"] = "greenhouse"
OPTION_FIELDS = ("school_name", "degree", "discipline")


@dataclass(frozen=True)
class NonCompeteFields:
    """The candidate custom fields (``name_key``) where HR keeps non-compete facts and the work location."""

    agreement: str = "non_compete_agreement"  # yes_no
    end_date: str = "non_compete_end_date"  # date
    location: str = "work_location"  # short text: an ISO 3166 code or a country name


def fetch_greenhouse(client: Any, *, since: str | None, until: str, consent_field: str,
                     read_at: str | None = None, mark: str | None = None,
                     non_compete: NonCompeteFields | None = None) -> AtsBatch:
    """Everything updated in [since, until] as one batch (``iter_greenhouse`` merged)."""
    return merged(iter_greenhouse(client, since=since, until=until, consent_field=consent_field, read_at=read_at,
                                  mark=mark, non_compete=non_compete), SOURCE)


def iter_greenhouse(client: Any, *, since: str | None, until: str, consent_field: str, read_at: str | None = None,
                    chunk_size: int = CHUNK_CANDIDATES, mark: str | None = None,
                    non_compete: NonCompeteFields | None = None) -> Iterator[AtsBatch]:
    """Everything updated in [since, until]; resume data and attachments for consenting candidates only.

    Yields the jobs first (with any application whose candidate was not updated in the window), then one
    batch per ``chunk_size`` candidates with their applications, employments, educations and LinkedIn
    exports (requested for that chunk's consenting candidates only), so a reader never sees a candidate
    of this read without their applications, nor the reverse. Every batch carries the new watermark,
    ``mark`` (when the source was read, less a clock-skew margin) or else ``until``, never earlier than
    ``since``; store it only after the last one is stored.
    """
    head = AtsBatch(SOURCE)
    read_at = read_at or now_iso()
    watermark = advance(since, min(mark, until, key=datetime.fromisoformat) if mark else until)
    consent_key = _consent_key(client, consent_field, head)
    for raw in client.jobs(updated_after=since, updated_before=until):
        head.read("jobs")
        if (job := head.mapped("jobs", _key(raw), raw, partial(_job, raw))) is not None:
            head.jobs.append(job)
    candidates: dict[str, Candidate] = {}
    for raw in client.candidates(updated_after=since, updated_before=until):
        head.read("candidates")
        cand = head.mapped("candidates", _key(raw), raw,
                           partial(_candidate, raw, consent_key, consent_field, read_at,
                                   non_compete or NonCompeteFields()))
        if cand is not None:
            candidates[cand.source_id] = cand
    applications: dict[str, list[Application]] = {}  # by candidate: stored with that candidate's chunk
    for raw in client.applications(updated_after=since, updated_before=until):
        head.read("applications")
        if (app := head.mapped("applications", _key(raw), raw, partial(_application, raw))) is not None:
            applications.setdefault(app.candidate_id, []).append(app)
    everyone = list(candidates.values())
    del candidates
    in_window = {c.candidate_id for c in everyone}
    # an application whose candidate was not updated in the window goes first, with the jobs
    head.applications = [a for cid, apps in applications.items() if cid not in in_window for a in apps]
    head.new_watermark = watermark
    yield head
    options: dict[str, str] = {}  # education custom field options, read once across chunks
    for i in range(0, len(everyone), chunk_size):
        batch = AtsBatch(SOURCE, new_watermark=watermark)
        part = {c.source_id: c for c in everyone[i:i + chunk_size]}
        batch.applications = [a for c in part.values() for a in applications.pop(c.candidate_id, [])]
        consenting = {sid for sid, c in part.items() if c.consent.given}
        if consenting:
            _employments(client, batch, consenting)
            _educations(client, batch, consenting, options)
            for sid, url in _linkedin_exports(client, batch, consenting).items():
                part[sid] = part[sid].model_copy(update={"linkedin_export_url": url})
        batch.candidates = list(part.values())
        yield batch


def _consent_key(client: Any, consent_field: str, batch: AtsBatch) -> str:
    """Candidates' ``custom_fields`` are keyed by ``name_key``; accept the field's display name too."""
    fields = [f for f in client.custom_fields(field_type="candidate")
              if isinstance(f, dict) and f.get("field_type", "candidate") == "candidate"]
    batch.read("custom_fields", len(fields))
    wanted = _norm(consent_field)
    for f in fields:
        if f.get("name_key") == consent_field:
            return consent_field
    for f in fields:
        if isinstance(f.get("name_key"), str) and wanted in (_norm(f.get("name")), _norm(f.get("name_key"))):
            return str(f["name_key"])
    return consent_field


def _norm(value: Any) -> str:
    return "".join(ch for ch in str(value or "").lower() if ch.isalnum())


def _values(items: Any, name: str) -> list[str]:
    if items in (None, []):
        return []
    if not isinstance(items, list):
        raise MappingError(f"{name} is not a list")
    return [i["value"].strip() for i in items if isinstance(i, dict) and isinstance(i.get("value"), str)
            and i["value"].strip()]


def _custom(custom: dict[str, Any], key: str) -> Any:
    entry = custom.get(key)
    value = entry.get("value") if isinstance(entry, dict) else entry
    return value.strip() or None if isinstance(value, str) else value


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    return True if text in ("true", "yes", "1") else False if text in ("false", "no", "0") else None


def _iso_day(value: Any) -> str | None:
    """A date field's value as an ISO date; anything else (empty, unparseable) as not recorded."""
    try:
        return date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def _non_compete(custom: dict[str, Any], fields: NonCompeteFields) -> NonCompeteFacts | None:
    has, ends = _yes_no(_custom(custom, fields.agreement)), _iso_day(_custom(custom, fields.end_date))
    if has is None and ends is None:
        return None
    return NonCompeteFacts(has_agreement=True if has is None else has, ends_on=ends,
                           source_field=f"custom_field:{fields.agreement}")


def _candidate(raw: dict[str, Any], consent_key: str, consent_field: str, read_at: str,
               fields: NonCompeteFields) -> Candidate:
    sid = require_id(raw)
    custom = raw.get("custom_fields") or {}
    if not isinstance(custom, dict):
        raise MappingError("custom_fields is not an object")
    entry = custom.get(consent_key)
    value = entry.get("value") if isinstance(entry, dict) else entry
    given = value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"))
    urls = _values(raw.get("website_addresses"), "website_addresses") + \
        _values(raw.get("social_media_addresses"), "social_media_addresses")
    orcid, github = profile_ids(urls)
    return Candidate(
        candidate_id=f"{SOURCE}:{sid}", source=SOURCE, source_id=sid,
        first_name=raw.get("first_name"), last_name=raw.get("last_name"),
        emails=_values(raw.get("email_addresses"), "email_addresses"),
        phones=_values(raw.get("phone_numbers"), "phone_numbers"),
        consent=consent(given, f"custom_field:{consent_field}", value, read_at),
        orcid=orcid, github_login=github, updated_at=iso_timestamp(raw.get("updated_at"), "updated_at"),
        record_url=f"{APP_URL}/people/{sid}", non_compete=_non_compete(custom, fields),
        location=_location(raw, custom, fields))


def _location(raw: dict[str, Any], custom: dict[str, Any], fields: NonCompeteFields) -> str | None:
    """The location custom field, else the candidate's first address (free text, as HR typed it)."""
    value = _custom(custom, fields.location)
    if isinstance(value, str):
        return value
    return next(iter(_values(raw.get("addresses"), "addresses")), None)


def _application(raw: dict[str, Any]) -> Application:
    job = raw.get("job_id")
    applied = raw.get("applied_at") or raw.get("created_at")
    return Application(
        application_id=f"{SOURCE}:{require_id(raw)}", candidate_id=f"{SOURCE}:{require_id(raw, 'candidate_id')}",
        job_id=None if job is None else f"{SOURCE}:{require_id(raw, 'job_id')}", status=raw.get("status"),
        applied_at=None if applied is None else iso_timestamp(applied, "created_at"),
        updated_at=None if raw.get("updated_at") is None else iso_timestamp(raw["updated_at"], "updated_at"))


def _job(raw: dict[str, Any]) -> Job:
    updated = raw.get("updated_at")
    return Job(job_id=f"{SOURCE}:{require_id(raw)}", source=SOURCE, name=require_str(raw, "name"),
               updated_at=None if updated is None else iso_timestamp(updated, "updated_at"))


def _consenting(raw: Any, consenting: set[str]) -> bool:
    """Defence in depth: a record of anyone else is dropped unread, not even quarantined."""
    return isinstance(raw, dict) and str(raw.get("candidate_id")) in consenting


def _employments(client: Any, batch: AtsBatch, consenting: set[str]) -> None:
    for raw in client.candidate_employments(candidate_ids=sorted(consenting)):
        if not _consenting(raw, consenting):
            continue
        batch.read("candidate_employments")
        job = batch.mapped("candidate_employments", _key(raw), raw, partial(_employment, raw),
                           f"{SOURCE}:{raw['candidate_id']}")
        if job is not None:
            batch.resume_jobs.append(job)


def _employment(raw: dict[str, Any]) -> Employment:
    eid, title = require_id(raw), raw.get("title") or None
    return Employment(
        employment_id=f"{SOURCE}:{eid}", candidate_id=f"{SOURCE}:{require_id(raw, 'candidate_id')}", source=SOURCE,
        employer=require_str(raw, "company_name"), title=title,
        start_raw=greenhouse_date(raw.get("start_date"), "start_date"),
        end_raw=greenhouse_date(raw.get("end_date"), "end_date"),
        employment_type=employment_type(title if isinstance(title, str) else None),
        record_ref=f"{SOURCE}:candidate_employment:{eid}")


def _educations(client: Any, batch: AtsBatch, consenting: set[str], options: dict[str, str] | None = None) -> None:
    """``options``: custom field option names already read by earlier chunks (only new ids are asked for)."""
    raws = [r for r in client.candidate_educations(candidate_ids=sorted(consenting)) if _consenting(r, consenting)]
    batch.read("candidate_educations", len(raws))
    options = {} if options is None else options
    ids = sorted({r.get(f"{f}_custom_field_option_id") for r in raws for f in OPTION_FIELDS} - {None}, key=str)
    ids = [i for i in ids if str(i) not in options]
    if ids:
        for opt in client.custom_field_options(ids=ids):
            batch.read("custom_field_options")
            if isinstance(opt, dict) and isinstance(opt.get("name"), str):
                options[str(opt.get("id"))] = opt["name"]
    for raw in raws:
        edu = batch.mapped("candidate_educations", _key(raw), raw, partial(_education, raw, options),
                           f"{SOURCE}:{raw['candidate_id']}")
        if edu is not None:
            batch.educations.append(edu)


def _option(raw: dict[str, Any], field: str, options: dict[str, str]) -> str | None:
    oid = raw.get(f"{field}_custom_field_option_id")
    if oid is None:
        return None
    if str(oid) not in options:
        raise MappingError(f"{field}_custom_field_option_id does not resolve to a custom field option")
    return options[str(oid)]


def _education(raw: dict[str, Any], options: dict[str, str]) -> Education:
    eid = require_id(raw)
    school = _option(raw, "school_name", options)
    if not school:
        raise MappingError("school_name_custom_field_option_id is missing")
    degree, discipline = _option(raw, "degree", options), _option(raw, "discipline", options)
    return Education(
        education_id=f"{SOURCE}:{eid}", candidate_id=f"{SOURCE}:{require_id(raw, 'candidate_id')}", source=SOURCE,
        school=school, degree=" in ".join(p for p in (degree, discipline) if p) or None,
        start_raw=_education_date(raw, "start"), end_raw=_education_date(raw, "end"),
        record_ref=f"{SOURCE}:candidate_education:{eid}")


def _education_date(raw: dict[str, Any], side: str) -> str | None:
    """``*_date_year``/``*_date_month`` keep the precision people gave; ``*_at`` is the fallback."""
    year, month = raw.get(f"{side}_date_year"), raw.get(f"{side}_date_month")
    if year is not None:
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
            raise MappingError(f"{side}_date_year is not a year")
        if month is None:
            return f"{year:04d}"
        if not isinstance(month, int) or not 1 <= month <= 12:
            raise MappingError(f"{side}_date_month is not a month")
        return f"{year:04d}-{month:02d}"
    return greenhouse_date(raw.get(f"{side}_at"), f"{side}_at")


def _is_positions_csv(raw: Any) -> bool:
    name = raw.get("filename") if isinstance(raw, dict) else None
    return isinstance(name, str) and name.strip().lower().endswith("positions.csv") and isinstance(raw.get("url"), str)


def _linkedin_exports(client: Any, batch: AtsBatch, consenting: set[str]) -> dict[str, str]:
    """The latest Positions.csv of each consenting candidate, downloaded and parsed."""
    latest: dict[str, dict[str, Any]] = {}
    for raw in client.attachments(candidate_ids=sorted(consenting)):
        if not _consenting(raw, consenting):
            continue
        batch.read("attachments")
        if _is_positions_csv(raw):
            sid = str(raw["candidate_id"])
            if sid not in latest or (str(raw.get("created_at")), str(raw.get("id"))) > \
                    (str(latest[sid].get("created_at")), str(latest[sid].get("id"))):
                latest[sid] = raw
    urls = {}
    for sid, raw in sorted(latest.items()):
        ref = f"{SOURCE}:attachment:{raw.get('id')}"
        try:
            data = client.download(raw["url"])
        except NotFound:
            batch.quarantine("attachments", ref, "attachment download answered 404 (expired link?)",
                             {"attachment_id": raw.get("id"), "candidate_id": sid}, candidate_id=f"{SOURCE}:{sid}")
            continue
        linkedin_jobs(batch, f"{SOURCE}:{sid}", data, ref)
        urls[sid] = strip_query(raw["url"])
    return urls
