"""Public profiles and reviews become canonical records here, once, at the ingest boundary.

Profile jobs: ORCID employments (dates kept as the ISO partials the person entered, "2019-03") and
the GitHub ``company`` (a current job with no dates). Reviews: the review feed's fields (docs/CONTRACT.md), checked.
A record that cannot become a model goes to quarantine with its reason, and so does a bad answer
about one person (a malformed body, a 404, another 4xx that is not about credentials or rate: see
``ats_common.about_one_record``): the other candidates go on. A source that fails as a whole (auth,
retries given up on timeouts or 5xx) raises, so that its task fails visibly instead of reporting
candidates with "no profile jobs". Only consenting candidates are ever looked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from connectors.github import GithubClient, InvalidLogin
from connectors.http import NotFound, SourceError
from connectors.orcid import InvalidOrcid, OrcidClient, normalise_orcid
from connectors.reviews import ReviewsClient
from include.ingest.ats_common import about_one_record, failure_reason
from include.models import Candidate, Employment, Review


class ConsentRequired(PermissionError):
    """Profiles were asked for a candidate without consent: a bug upstream, never to be ignored."""


# --- ORCID's JSON at the boundary ---------------------------------------------------------------

class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Value(_Loose):
    value: str | int | None = None


class _FuzzyDate(_Loose):
    year: _Value | None = None
    month: _Value | None = None
    day: _Value | None = None


class _Organization(_Loose):
    name: str = Field(min_length=1)


class OrcidEmploymentSummary(_Loose):
    put_code: int = Field(alias="put-code")
    department_name: str | None = Field(None, alias="department-name")
    role_title: str | None = Field(None, alias="role-title")
    start_date: _FuzzyDate | None = Field(None, alias="start-date")
    end_date: _FuzzyDate | None = Field(None, alias="end-date")
    organization: _Organization


def _part(v: _Value | None) -> str | None:
    if v is None or v.value in (None, ""):
        return None
    return str(v.value).strip()


def orcid_partial_date(d: _FuzzyDate | None) -> str | None:
    """ORCID's {year, month, day} as an ISO partial ("2019", "2019-03", "2019-03-14"); ValueError if invalid."""
    if d is None:
        return None
    y, m, dd = _part(d.year), _part(d.month), _part(d.day)
    if y is None:
        if m or dd:
            raise ValueError("date has a month or day but no year")
        return None
    if not re.fullmatch(r"\d{4}", y):
        raise ValueError("date year is not four digits")
    if m is None:
        if dd:
            raise ValueError("date has a day but no month")
        return y
    if not re.fullmatch(r"\d{1,2}", m) or not 1 <= int(m) <= 12:
        raise ValueError("date month is not 1-12")
    if dd is None:
        return f"{y}-{int(m):02d}"
    if not re.fullmatch(r"\d{1,2}", dd):
        raise ValueError("date day is not a number")
    date(int(y), int(m), int(dd))  # raises ValueError for 2019-02-30
    return f"{y}-{int(m):02d}-{int(dd):02d}"


def _reason(exc: Exception) -> str:
    """A reason for the quarantine table: field names and rule, never the offending values."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors())
    return str(exc)


def _bad(source: str, dataset: str, key: str, reason: str, raw: Any) -> dict[str, Any]:
    """A quarantined profile record; keys are ``<candidate id>:<source>[:...]``, so the candidate is known
    (reviews, keyed by review, belong to no candidate)."""
    cid = key.split(f":{source}", 1)[0] if f":{source}" in key else None
    return {"source": source, "dataset": dataset, "record_key": key, "reason": reason, "raw": raw,
            "candidate_id": cid}


def _summaries(body: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for group in body.get("affiliation-group") or []:
        summaries = group.get("summaries") if isinstance(group, dict) else None
        if not isinstance(summaries, list):
            out.append(group)  # quarantined below as a summary without the expected shape
            continue
        for s in summaries:
            out.append(s.get("employment-summary") if isinstance(s, dict) else s)
    return out


@dataclass(frozen=True)
class ProfileRead:
    """One profile source's answer about one candidate: the jobs, the quarantined records, how the read came
    out (``read``; ``not_modified``: a 304, the jobs stored from the earlier read still hold; ``not_found``;
    ``invalid``: no request was made; ``failed``: this person's answer failed) and the answer's validator."""

    jobs: list[Employment]
    bad: list[dict[str, Any]]
    outcome: str
    etag: str | None = None


def orcid_jobs(candidate: Candidate, client: OrcidClient) -> tuple[list[Employment], list[dict[str, Any]]]:
    """ORCID employments of one candidate; an invalid or unknown iD is quarantined, not fetched or fatal."""
    got = orcid_read(candidate, client)
    return got.jobs, got.bad


def orcid_read(candidate: Candidate, client: OrcidClient) -> ProfileRead:
    """``orcid_jobs`` with the outcome. ORCID's public API sends no validator (no ETag, no Last-Modified), so
    its reads are never conditional: an ORCID profile is re-read only when due (include.ingest.refresh)."""
    cid = candidate.candidate_id
    key = f"{cid}:orcid"
    try:
        oid = normalise_orcid(candidate.orcid or "")
        body = client.employments(oid)
    except InvalidOrcid as exc:
        return ProfileRead([], [_bad("orcid", "employments", key, str(exc), {"orcid": candidate.orcid})], "invalid")
    except NotFound:
        return ProfileRead([], [_bad("orcid", "employments", key, "ORCID iD not found", {"orcid": candidate.orcid})],
                           "not_found")
    except SourceError as exc:
        if not about_one_record(exc):
            raise
        return ProfileRead([], [{**_bad("orcid", "employments", key, failure_reason(exc), {"orcid": candidate.orcid}),
                                 "failed_answer": True}], "failed")
    jobs: list[Employment] = []
    bad: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for i, raw in enumerate(_summaries(body)):
        put_code = raw.get("put-code") if isinstance(raw, dict) else None
        rkey = f"{key}:{put_code if put_code is not None else f'#{i}'}"
        try:
            s = OrcidEmploymentSummary.model_validate(raw)
            start, end = orcid_partial_date(s.start_date), orcid_partial_date(s.end_date)
        except (ValidationError, ValueError) as exc:
            bad.append(_bad("orcid", "employments", rkey, _reason(exc), raw))
            continue
        identity = (s.organization.name.strip(), s.role_title, start, end)
        if identity in seen:  # one affiliation asserted by several sources: ORCID groups them
            continue
        seen.add(identity)
        jobs.append(Employment(
            employment_id=f"orcid:{oid}:{s.put_code}:{cid}", candidate_id=cid, source="orcid",
            employer=s.organization.name.strip(), title=(s.role_title or "").strip() or None,
            start_raw=start, end_raw=end, record_ref=client.record_url(oid, s.put_code)))
    return ProfileRead(jobs, bad, "read")


def github_jobs(candidate: Candidate, client: GithubClient) -> tuple[list[Employment], list[dict[str, Any]]]:
    """The GitHub ``company`` as a current job without dates; a blank company is no job."""
    got = github_read(candidate, client)
    return got.jobs, got.bad


def github_read(candidate: Candidate, client: GithubClient, etag: str | None = None) -> ProfileRead:
    """``github_jobs`` with the outcome and the ETag; with ``etag`` the request is conditional, and a 304
    (``not_modified``) returns no jobs: the caller keeps those stored from the read that served ``etag``."""
    cid = candidate.candidate_id
    key = f"{cid}:github"
    login_raw = {"login": candidate.github_login}
    try:
        answer = client.fetch_user(candidate.github_login or "", etag=etag)
    except InvalidLogin as exc:
        return ProfileRead([], [_bad("github", "employments", key, str(exc), login_raw)], "invalid")
    except SourceError as exc:
        if not about_one_record(exc):
            raise
        return ProfileRead([], [{**_bad("github", "employments", key, failure_reason(exc), login_raw),
                                 "failed_answer": True}], "failed")
    if answer.not_modified:
        return ProfileRead([], [], "not_modified", answer.etag)
    user = answer.body
    if user is None:
        return ProfileRead([], [_bad("github", "employments", key, "GitHub login not found", login_raw)], "not_found")
    company = user.get("company")
    if company is not None and not isinstance(company, str):
        return ProfileRead([], [_bad("github", "employments", key, "company is not a string", user)], "read",
                           answer.etag)
    employer = (company or "").strip()
    employer = employer[1:].strip() if employer.startswith("@") else employer
    if not employer:
        return ProfileRead([], [], "read", answer.etag)
    login = user["login"]
    html_url = user.get("html_url")
    ref = html_url if isinstance(html_url, str) and html_url else f"https://github.com/{login}"
    return ProfileRead([Employment(employment_id=f"github:{user.get('id') or login.lower()}:{cid}", candidate_id=cid,
                                   source="github", employer=employer, title=None, start_raw=None, end_raw=None,
                                   record_ref=ref)], [], "read", answer.etag)


def fetch_profile_jobs(candidate: Candidate, orcid: OrcidClient | None,
                       github: GithubClient | None) -> tuple[list[Employment], list[dict[str, Any]]]:
    """Profile jobs and quarantined records of one consenting candidate (a missing client = source skipped)."""
    if candidate.consent.given is not True:
        raise ConsentRequired("public profiles may only be fetched for candidates who gave consent")
    jobs: list[Employment] = []
    bad: list[dict[str, Any]] = []
    if orcid is not None and candidate.orcid:
        got, q = orcid_jobs(candidate, orcid)
        jobs += got
        bad += q
    if github is not None and candidate.github_login:
        got, q = github_jobs(candidate, github)
        jobs += got
        bad += q
    return jobs, bad


# --- reviews ------------------------------------------------------------------------------------

class RawResponse(_Loose):
    """A review's ``employer_response``: when the employer answered (its text is not kept)."""

    responded_at: str = Field(min_length=1)


class RawReview(_Loose):
    """The review feed's review, strictly: a rating of "4.5" or True is a bad record, not a 4 or a 1."""

    review_id: str = Field(min_length=1)
    employer: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    rating: StrictInt = Field(ge=1, le=5)
    title: str | None = None
    pros: str | None = None
    cons: str | None = None
    advice_to_management: str | None = None
    job_title: str | None = None
    location: str | None = None
    employment_status: str | None = None
    employer_response: RawResponse | None = None  # the employer's public answer, when there is one


def to_review(raw: Any) -> Review:
    """Raises ValidationError or ValueError for a record that must be quarantined."""
    r = RawReview.model_validate(raw)
    try:
        date.fromisoformat(r.date)  # 2026-02-30 passes the pattern, not the calendar
    except ValueError:
        raise ValueError("date: not a calendar date") from None
    response_at = None
    if r.employer_response is not None:
        try:
            when = datetime.fromisoformat(r.employer_response.responded_at)
        except ValueError:
            raise ValueError("employer_response.responded_at: not an ISO 8601 timestamp") from None
        if when.tzinfo is None:
            raise ValueError("employer_response.responded_at: no time zone")
        response_at = when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Review(**r.model_dump(exclude={"employer_response"}), response_at=response_at)


def fetch_reviews(client: ReviewsClient, employers: list[str],
                  since: str) -> tuple[list[Review], list[dict[str, Any]]]:
    """Reviews of every employer (each asked once), deduplicated by review id, bad ones quarantined."""
    reviews: list[Review] = []
    bad: list[dict[str, Any]] = []
    seen: set[str] = set()
    asked: set[str] = set()
    for employer in employers:
        name = (employer or "").strip()
        if not name or name.casefold() in asked:
            continue
        asked.add(name.casefold())
        for i, raw in enumerate(client.reviews(name, since)):
            rid = raw.get("review_id") if isinstance(raw, dict) else None
            key = str(rid) if rid not in (None, "") else f"{name}#{i}"
            try:
                review = to_review(raw)
            except (ValidationError, ValueError) as exc:
                bad.append(_bad("reviews", "reviews", key, _reason(exc), raw))
                continue
            if review.review_id not in seen:
                seen.add(review.review_id)
                reviews.append(review)
    return reviews, bad
