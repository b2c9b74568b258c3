"""What both ATS mappings share: the batch they fill, quarantine, and the parsing of ids, dates and links.

A record that cannot become a model goes to the batch's quarantine with a reason that names the
field, never its value (values are personal data and reasons end up in logs and reports).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from connectors.http import AuthError, MalformedResponse, NotFound, SourceError
from include.ingest.linkedin_export import parse_positions_csv
from include.models import Application, Candidate, Consent, Education, Employment, Job

T = TypeVar("T")
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "unknown"]

ORCID_RE = re.compile(r"orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
GITHUB_RE = re.compile(r"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?(?:[?#].*)?$", re.IGNORECASE)
GITHUB_RESERVED = {"orgs", "settings", "about", "features", "topics", "marketplace", "sponsors", "login"}
TYPE_WORDS: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (("internship", re.compile(r"\bintern(ship)?\b|实习", re.IGNORECASE)),
              ("part_time", re.compile(r"\bpart[\s-]?time\b|兼职", re.IGNORECASE)),
              ("contract", re.compile(r"\b(contract(or)?|freelance(r)?|consultant \(contract\))\b", re.IGNORECASE)))


def about_one_record(exc: Exception) -> bool:
    """Whether a source's failure concerns the one record asked for, so the run can go on without it:
    a malformed answer, a 404, or another 4xx that is not about credentials, timing or rate (401/403,
    408, 429). Retries given up (no status: timeouts, 5xx) say the source itself is down, and fail the
    task; so does anything that is not a ``SourceError``."""
    if isinstance(exc, (MalformedResponse, NotFound)):
        return True
    return (isinstance(exc, SourceError) and not isinstance(exc, AuthError) and exc.status is not None
            and 400 <= exc.status < 500 and exc.status not in (408, 429))


def failure_reason(exc: Exception) -> str:
    """A quarantine reason for a failed answer: the exception's name and its message (which names the
    source and endpoint with identifiers masked, never a value)."""
    return f"{type(exc).__name__}: {exc}"


class MappingError(ValueError):
    """A record that cannot become a model. The message names fields, never values."""


@dataclass
class AtsBatch:
    source: str
    candidates: list[Candidate] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    resume_jobs: list[Employment] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list)
    linkedin_jobs: list[Employment] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    records_read: dict[str, int] = field(default_factory=dict)
    new_watermark: str | None = None

    def read(self, dataset: str, n: int = 1) -> None:
        self.records_read[dataset] = self.records_read.get(dataset, 0) + n

    def quarantine(self, dataset: str, record_key: str, reason: str, raw: Any, source: str | None = None,
                   candidate_id: str | None = None) -> None:
        """``candidate_id``: whose record it was, when known, so the rules and the report can tell that
        candidate's record is incomplete."""
        self.quarantined.append({"source": source or self.source, "dataset": dataset, "record_key": record_key,
                                 "reason": reason, "raw": raw, "candidate_id": candidate_id})

    def mapped(self, dataset: str, record_key: str, raw: Any, build: Callable[[], T],
               candidate_id: str | None = None) -> T | None:
        """``build()``, or None with the record quarantined when it is malformed."""
        try:
            return build()
        except (MappingError, ValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
            self.quarantine(dataset, record_key, reason_of(exc), raw, candidate_id=candidate_id)
            return None


# Candidates per yielded chunk: resume data, attachments and downloads are requested and handed on a
# chunk at a time, so a run holds one chunk's resume data in memory, never a whole source's.
CHUNK_CANDIDATES = 1000


def merged(batches: Iterable[AtsBatch], source: str) -> AtsBatch:
    """All chunks of one read as a single batch (for callers that want everything at once: tests, tools)."""
    out = AtsBatch(source)
    for b in batches:
        for name in ("candidates", "applications", "jobs", "resume_jobs", "educations", "linkedin_jobs", "quarantined"):
            getattr(out, name).extend(getattr(b, name))
        for dataset, n in b.records_read.items():
            out.read(dataset, n)
        out.new_watermark = b.new_watermark
    return out


def reason_of(exc: Exception) -> str:
    if isinstance(exc, MappingError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return f"wrong type or value ({type(exc).__name__})"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _key(raw: Any, name: str = "id") -> str:
    return str(raw.get(name)) if isinstance(raw, dict) and raw.get(name) is not None else "?"


def require_str(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{name} is missing or not text")
    return value.strip()


def require_id(raw: dict[str, Any], name: str = "id") -> str:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        raise MappingError(f"{name} is missing or not an id")
    return str(value)


def iso_timestamp(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise MappingError(f"{name} is missing or not a timestamp")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise MappingError(f"{name} is not an ISO 8601 timestamp") from None
    return value


def ms_to_iso(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MappingError(f"{name} is missing or not epoch milliseconds")
    return datetime.fromtimestamp(value / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def greenhouse_date(value: Any, name: str) -> str | None:
    """ISO date or timestamp -> partial date: Greenhouse keeps month precision, so day 1 means "that month"."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise MappingError(f"{name} is not a date")
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        raise MappingError(f"{name} is not an ISO 8601 date") from None
    return f"{d.year:04d}-{d.month:02d}" if d.day == 1 else f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def year_month(value: Any, name: str) -> str | None:
    """Lever's ``{year, month}`` -> ``2019-03`` or ``2019``; absent or empty = no date."""
    if value in (None, {}, ""):
        return None
    if not isinstance(value, dict):
        raise MappingError(f"{name} is not a {{year, month}} object")
    year, month = value.get("year"), value.get("month")
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    if isinstance(month, str) and month.isdigit():
        month = int(month)
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        raise MappingError(f"{name}.year is missing or out of range")
    if month in (None, 0):
        return f"{year:04d}"
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise MappingError(f"{name}.month is out of range")
    return f"{year:04d}-{month:02d}"


def employment_type(*texts: str | None) -> EmploymentType:
    """ATS resumes carry no employment type; the words people write in titles and summaries do."""
    joined = " ".join(t for t in texts if t)
    for kind, pattern in TYPE_WORDS:
        if pattern.search(joined):
            return kind
    return "unknown"


def profile_ids(urls: Iterable[str]) -> tuple[str | None, str | None]:
    """(ORCID iD, GitHub login) from a candidate's links."""
    orcid = github = None
    for url in urls:
        if not isinstance(url, str):
            continue
        if orcid is None and (m := ORCID_RE.search(url)):
            orcid = m.group(1).upper()
        if github is None and (m := GITHUB_RE.search(url)) and m.group(1).lower() not in GITHUB_RESERVED:
            github = m.group(1)
    return orcid, github


def strip_query(url: str) -> str:
    """Attachment URLs are pre-signed and expire: keep the stable part."""
    return url.split("?", 1)[0]


def linkedin_jobs(batch: AtsBatch, candidate_id: str, data: bytes, ref: str) -> int:
    """Parse one Positions.csv into LinkedIn profile jobs; bad rows (or a wrong file) are quarantined."""
    rows, errors = parse_positions_csv(data)
    batch.read("linkedin_positions", len(rows))
    for problem in errors:
        batch.quarantine("linkedin_positions", f"{candidate_id}:{ref}", problem, {"attachment": ref}, "linkedin",
                         candidate_id)
    seen: dict[str, int] = {}
    for row in rows:
        ident = f"{row['company_name']}|{row['title']}|{row['start']}"
        seen[ident] = seen.get(ident, 0) + 1
        job = batch.mapped("linkedin_positions", f"{candidate_id}:{ref}:line{row['line']}", row,
                           partial(_linkedin_job, row, candidate_id, ref, _digest(candidate_id, ident, seen[ident])),
                           candidate_id)
        if job is not None:
            batch.linkedin_jobs.append(job)
    return len(rows)


def _linkedin_job(row: dict[str, Any], candidate_id: str, ref: str, digest: str) -> Employment:
    return Employment(
        employment_id=f"linkedin:{digest}", candidate_id=candidate_id, source="linkedin",
        employer=str(row["company_name"]), title=_opt(row["title"]), start_raw=_opt(row["start"]),
        end_raw=_opt(row["end"]), employment_type=employment_type(_opt(row["title"]), _opt(row["description"])),
        record_ref=f"{ref}#line={row['line']}")


def int_or_zero(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _digest(*parts: Any) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:20]


def advance(since: str | None, until: str) -> str:
    """The watermark never moves backwards (a backfill of an earlier day must not rewind it)."""
    if since is None:
        return until
    try:
        a = datetime.fromisoformat(since)
        b = datetime.fromisoformat(until)
    except ValueError:
        return until
    return until if b >= a else since


def consent(given: bool, source_field: str, value: Any, read_at: str) -> Consent:
    return Consent(given=given, source_field=source_field, value=None if value is None else str(value).lower(),
                   read_at=read_at)

