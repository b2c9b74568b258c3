"""Lever v1 payloads -> canonical records (see ``include.ingest.ats``).

A Lever person is a *contact*; each candidacy is an *opportunity*. Candidates are keyed by contact
(``lever:<contact>``), applications by opportunity (``lever:<opportunity id>``); a contact's resume
is the newest parsed resume of their most recently updated opportunity in the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Literal, TypeVar

from connectors.http import NotFound, SourceError
from include.ingest.ats_common import (
    CHUNK_CANDIDATES,
    AtsBatch,
    MappingError,
    _key,
    about_one_record,
    consent,
    employment_type,
    failure_reason,
    int_or_zero,
    linkedin_jobs,
    merged,
    ms_to_iso,
    now_iso,
    profile_ids,
    require_id,
    require_str,
    strip_query,
    year_month,
)
from include.models import Application, Candidate, Education, Employment, Job

SOURCE: Literal["lever"] = "lever"
T = TypeVar("T")


def fetch_lever(client: Any, *, since_ms: int | None, until_ms: int, consent_tag: str,
                read_at: str | None = None, mark_ms: int | None = None) -> AtsBatch:
    """Opportunities updated in [since_ms, until_ms) as one batch (``iter_lever`` merged)."""
    return merged(iter_lever(client, since_ms=since_ms, until_ms=until_ms, consent_tag=consent_tag,
                             read_at=read_at, mark_ms=mark_ms), SOURCE)


def iter_lever(client: Any, *, since_ms: int | None, until_ms: int, consent_tag: str, read_at: str | None = None,
               chunk_size: int = CHUNK_CANDIDATES, mark_ms: int | None = None) -> Iterator[AtsBatch]:
    """Opportunities updated in [since_ms, until_ms); resumes and files for consenting contacts only.

    Yields the postings first, then one batch per ``chunk_size`` contacts with their applications,
    resumes and LinkedIn exports (requested per consenting opportunity), so a reader never sees a contact
    of this read without their applications, nor the reverse. Every batch carries the new watermark,
    ``mark_ms`` (when the source was read, less a clock-skew margin) or else ``until_ms``, never earlier
    than ``since_ms``; store it only after the last one is stored.
    """
    head = AtsBatch(SOURCE)
    read_at = read_at or now_iso()
    watermark = str(max(since_ms or 0, min(until_ms, mark_ms) if mark_ms is not None else until_ms))
    for raw in client.postings():
        head.read("postings")
        if (job := head.mapped("postings", _key(raw), raw, partial(_job, raw))) is not None:
            head.jobs.append(job)
    latest: dict[str, tuple[Candidate, str]] = {}
    applications: dict[str, list[Application]] = {}  # by candidate: stored with that candidate's chunk
    for raw in client.opportunities(updated_since_ms=since_ms, updated_until_ms=until_ms):
        head.read("opportunities")
        cand = head.mapped("candidates", _key(raw), raw, partial(_candidate, raw, consent_tag, read_at))
        if (app := head.mapped("applications", _key(raw), raw, partial(_application, raw))) is not None:
            applications.setdefault(app.candidate_id, []).append(app)
        if cand is not None:
            prev = latest.get(cand.source_id)
            if prev is None or cand.updated_at >= prev[0].updated_at:
                latest[cand.source_id] = (cand, str(raw["id"]))
    in_window = {c.candidate_id for c, _ in latest.values()}
    # an application whose contact could not be read goes first, with the postings
    head.applications = [a for cid, apps in applications.items() if cid not in in_window for a in apps]
    head.new_watermark = watermark
    yield head
    contacts = sorted(latest)
    for i in range(0, len(contacts), chunk_size):
        batch = AtsBatch(SOURCE, new_watermark=watermark)
        for contact in contacts[i:i + chunk_size]:
            cand, opportunity = latest.pop(contact)
            batch.applications.extend(applications.pop(cand.candidate_id, []))
            if cand.consent.given:
                cid = cand.candidate_id
                _per_person(batch, cid, "resumes", partial(_resume, client, batch, cid, opportunity))
                url = _per_person(batch, cid, "files", partial(_linkedin_export, client, batch, cid, opportunity))
                if url:
                    cand = cand.model_copy(update={"linkedin_export_url": url})
            batch.candidates.append(cand)
        yield batch


def _per_person(batch: AtsBatch, candidate_id: str, dataset: str, read: Callable[[], T]) -> T | None:
    """One opportunity's sub-resource: a bad answer (``about_one_record``) quarantines what was asked
    for that person and drops what of it was read, so a half-read resume is never taken as a whole one;
    the other candidates go on. Any other failure fails the task."""
    kept = (len(batch.resume_jobs), len(batch.educations), len(batch.linkedin_jobs))
    try:
        return read()
    except SourceError as exc:
        if not about_one_record(exc):
            raise
        del batch.resume_jobs[kept[0]:], batch.educations[kept[1]:], batch.linkedin_jobs[kept[2]:]
        batch.quarantine(dataset, f"{candidate_id}:{dataset}", failure_reason(exc),
                         {"candidate_id": candidate_id, "endpoint": exc.endpoint}, candidate_id=candidate_id)
        return None


def _str_list(value: Any, name: str) -> list[str]:
    if value in (None, []):
        return []
    if not isinstance(value, list):
        raise MappingError(f"{name} is not a list")
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _candidate(raw: dict[str, Any], consent_tag: str, read_at: str) -> Candidate:
    require_id(raw)
    contact = require_id(raw, "contact") if raw.get("contact") is not None else require_id(raw)
    updated = raw.get("updatedAt") if raw.get("updatedAt") is not None else raw.get("createdAt")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise MappingError("name is not text")
    first, _, last = (name or "").strip().partition(" ")
    tags = _str_list(raw.get("tags"), "tags")
    given = any(t.lower() == consent_tag.lower() for t in tags)
    phones = raw.get("phones") or []
    if not isinstance(phones, list):
        raise MappingError("phones is not a list")
    orcid, github = profile_ids(_str_list(raw.get("links"), "links"))
    urls = raw.get("urls")
    show = urls.get("show") if isinstance(urls, dict) else None
    return Candidate(
        candidate_id=f"{SOURCE}:{contact}", source=SOURCE, source_id=contact,
        first_name=first or None, last_name=last.strip() or None, emails=_str_list(raw.get("emails"), "emails"),
        phones=[p["value"] for p in phones if isinstance(p, dict) and isinstance(p.get("value"), str)],
        consent=consent(given, f"tag:{consent_tag}", given, read_at), orcid=orcid, github_login=github,
        updated_at=ms_to_iso(updated, "updatedAt"), record_url=show if isinstance(show, str) else None)


def _application(raw: dict[str, Any]) -> Application:
    opportunity = require_id(raw)
    contact = require_id(raw, "contact") if raw.get("contact") is not None else opportunity
    apps = raw.get("applications") or []
    if not isinstance(apps, list):
        raise MappingError("applications is not a list")
    app: dict[str, Any] = next((a for a in apps if isinstance(a, dict)), {})
    posting = app.get("posting")
    created = app.get("createdAt") if app.get("createdAt") is not None else raw.get("createdAt")
    return Application(
        application_id=f"{SOURCE}:{opportunity}", candidate_id=f"{SOURCE}:{contact}",
        job_id=f"{SOURCE}:{posting}" if isinstance(posting, str) and posting else None,
        status="archived" if raw.get("archived") else "active",
        applied_at=None if created is None else ms_to_iso(created, "createdAt"),
        updated_at=None if raw.get("updatedAt") is None else ms_to_iso(raw["updatedAt"], "updatedAt"))


def _job(raw: dict[str, Any]) -> Job:
    updated = raw.get("updatedAt")
    return Job(job_id=f"{SOURCE}:{require_id(raw)}", source=SOURCE, name=require_str(raw, "text"),
               updated_at=None if updated is None else ms_to_iso(updated, "updatedAt"))


def _resume(client: Any, batch: AtsBatch, candidate_id: str, opportunity: str) -> None:
    resumes = [r for r in client.resumes(opportunity) if isinstance(r, dict)]
    batch.read("resumes", len(resumes))
    parsed = [r for r in resumes if isinstance(r.get("parsedData"), dict)]
    if not parsed:
        return
    resume = max(parsed, key=lambda r: int_or_zero(r.get("createdAt")))
    rid = str(resume.get("id"))
    data = resume["parsedData"]
    for i, pos in enumerate(data.get("positions") or []):
        batch.read("resume_positions")
        job = batch.mapped("resume_positions", f"{rid}:position:{i}", pos,
                           partial(_position, pos, candidate_id, rid, i), candidate_id)
        if job is not None:
            batch.resume_jobs.append(job)
    for i, school in enumerate(data.get("schools") or []):
        batch.read("resume_schools")
        edu = batch.mapped("resume_schools", f"{rid}:school:{i}", school,
                           partial(_school, school, candidate_id, rid, i), candidate_id)
        if edu is not None:
            batch.educations.append(edu)


def _text(raw: dict[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        raise MappingError(f"{name} is not text")
    return value.strip() or None if isinstance(value, str) else None


def _position(pos: Any, candidate_id: str, rid: str, i: int) -> Employment:
    if not isinstance(pos, dict):
        raise MappingError("position is not an object")
    title = _text(pos, "title")
    return Employment(
        employment_id=f"{SOURCE}:{rid}:{i}", candidate_id=candidate_id, source=SOURCE,
        employer=require_str(pos, "org"), title=title, start_raw=year_month(pos.get("start"), "start"),
        end_raw=year_month(pos.get("end"), "end"),
        employment_type=employment_type(title, _text(pos, "summary")),
        record_ref=f"{SOURCE}:resume:{rid}#position={i}")


def _school(school: Any, candidate_id: str, rid: str, i: int) -> Education:
    if not isinstance(school, dict):
        raise MappingError("school is not an object")
    degree = " in ".join(p for p in (_text(school, "degree"), _text(school, "field")) if p)
    return Education(
        education_id=f"{SOURCE}:{rid}:school:{i}", candidate_id=candidate_id, source=SOURCE,
        school=require_str(school, "org"), degree=degree or None, start_raw=year_month(school.get("start"), "start"),
        end_raw=year_month(school.get("end"), "end"), record_ref=f"{SOURCE}:resume:{rid}#school={i}")


def _linkedin_export(client: Any, batch: AtsBatch, candidate_id: str, opportunity: str) -> str | None:
    files = [f for f in client.files(opportunity) if isinstance(f, dict)]
    batch.read("files", len(files))
    exports = [f for f in files if isinstance(f.get("name"), str) and f["name"].strip().lower().endswith("positions.csv")
               and f.get("id") is not None]
    if not exports:
        return None
    newest = max(exports, key=lambda f: int_or_zero(f.get("uploadedAt")))
    ref = f"{SOURCE}:file:{newest['id']}"
    try:
        data = client.download(opportunity, str(newest["id"]))
    except NotFound:
        batch.quarantine("files", ref, "file download answered 404", {"file_id": newest["id"]},
                         candidate_id=candidate_id)
        return None
    linkedin_jobs(batch, candidate_id, data, ref)
    url = newest.get("downloadUrl")
    return strip_query(url) if isinstance(url, str) else ref
