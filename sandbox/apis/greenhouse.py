"""Greenhouse Harvest API v3, rendered from the world (see WORLD.md).

- ``POST /auth/token``: OAuth 2.0 client credentials (HTTP Basic client id/secret,
  ``grant_type=client_credentials``) -> ``{access_token, token_type, expires_at}``. Tokens expire
  after ``world.data["_sandbox"]["greenhouse_token_ttl"]`` seconds (default ``TOKEN_TTL``);
  ``expire_tokens()`` revokes every issued token so tests can exercise the refresh-on-401 path.
- ``GET /v3/<resource>``: bare JSON arrays; ``per_page`` (1-500, default 100); the next page in a
  ``Link`` header whose URL carries ``cursor`` as its only parameter (a cursor mixed with any other
  parameter is answered 422, as Greenhouse does); ``updated_at=gte|<ts>|lte|<ts>`` and the
  ``ids`` / ``candidate_ids`` / ... filters.
- ``GET /v3/offers``, ``/v3/scheduled_interviews``, ``/v3/rejection_reasons`` and the applications'
  ``current_stage``, ``rejected_at`` and ``rejection_reason_id``: the recruiting process of
  ``sandbox.gen.process`` (offers are versioned; ``sent_at`` is a date).
- ``GET /files/<attachment id>/<filename>``: the pre-signed file store behind attachment URLs.

Employment dates are ISO dates (v3 documents ``format: date``; the UI shows month and year);
education dates are ``start_at``/``end_at`` timestamps plus ``*_date_year``/``*_date_month``,
which keep a year-only date year-only.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox import credentials
from sandbox.gen import process
from sandbox.server import SandboxRequest, SandboxResponse, error, json_response

TOKEN_TTL = 3600
DEFAULT_PER_PAGE, MAX_PER_PAGE = 100, 500
TOKENS: dict[str, float] = {}  # issued token -> expiry (epoch seconds)
CONSENT_KEY = "background_check_consent"
FIELDS = {"school_name": (301, "School Name"), "degree": (302, "Degree"), "discipline": (303, "Discipline"),
          "background_check_consent": (304, "Background Check Consent"),
          # HR's non-compete facts and the work location: served for a world candidate that has them
          "non_compete_agreement": (305, "Non-compete Agreement"), "non_compete_end_date": (306, "Non-compete End Date"),
          "work_location": (307, "Work Location")}
VALUE_TYPES = {CONSENT_KEY: "yes_no", "non_compete_agreement": "yes_no", "non_compete_end_date": "date",
               "work_location": "short_text"}
NON_COMPETE_FIELDS = (("non_compete_agreement", "yes_no", "has_agreement"), ("non_compete_end_date", "date", "ends_on"))
EPOCH = "2020-01-01T00:00:00.000Z"
FILTERS = {"ids": "id", "candidate_ids": "candidate_id", "application_ids": "application_id",
           "job_ids": "job_id", "custom_field_ids": "custom_field_id", "type": "type", "field_type": "field_type"}


def expire_tokens() -> None:
    for token in list(TOKENS):  # a copy: server threads may be issuing tokens meanwhile
        TOKENS[token] = 0.0


def handle(req: SandboxRequest) -> SandboxResponse:
    if req.path == "/auth/token":
        return _token(req)
    if req.path.startswith("/files/"):
        return _file(req)
    if not req.path.startswith("/v3/"):
        return error(404, "Not Found")
    if not _authorized(req):
        return SandboxResponse(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                               "application/json")
    if req.method not in ("GET", "HEAD"):
        return error(405, "Method Not Allowed")
    name = req.path[len("/v3/"):].strip("/")
    resource = RESOURCES.get(name)
    if resource is None:
        return error(404, "Not Found")
    query = dict(req.query)
    offset = 0
    if "cursor" in query:
        if len(query) != 1:
            return error(422, "A cursor cannot be combined with other query parameters")
        try:
            state = json.loads(base64.urlsafe_b64decode(query["cursor"][0] + "=" * (-len(query["cursor"][0]) % 4)))
            query, offset = state["q"], int(state["o"])
        except (ValueError, KeyError, TypeError):
            return error(422, "Invalid or expired cursor")
    try:
        per_page = int((query.get("per_page") or [str(DEFAULT_PER_PAGE)])[0])
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError
    except ValueError:
        return error(422, "per_page must be between 1 and 500")
    indexed = _indexed(req, name, query)
    if indexed is not None:
        index, kept = indexed
        total, page = len(kept), index.render(req, kept[offset : offset + per_page])
    else:  # the plain path: render everything, filter, sort
        try:
            records = [r for r in resource.render(req) if _matches(r, query)]
        except ValueError as exc:
            return error(422, str(exc))
        records.sort(key=lambda r: (str(type(r["id"])), r["id"]))
        total, page = len(records), records[offset : offset + per_page]
    headers = {}
    if offset + per_page < total:
        cursor = base64.urlsafe_b64encode(json.dumps({"q": query, "o": offset + per_page}).encode()).decode()
        headers["Link"] = f'<{req.base_url}/v3/{name}?cursor={cursor.rstrip("=")}>; rel="next"'
    return json_response(page, headers=headers)


def _token(req: SandboxRequest) -> SandboxResponse:
    if req.method != "POST":
        return error(405, "Method Not Allowed")
    expected = base64.b64encode(
        f"{credentials.GREENHOUSE_CLIENT_ID}:{credentials.GREENHOUSE_CLIENT_SECRET}".encode()).decode()
    if req.headers.get("authorization", "") != f"Basic {expected}":
        return json_response({"error": "invalid_client"}, 401)
    form = dict(p.split("=", 1) for p in req.body.decode(errors="replace").split("&") if "=" in p)
    if form.get("grant_type") != "client_credentials":
        return json_response({"error": "unsupported_grant_type"}, 400)
    ttl = float((req.world.data.get("_sandbox") or {}).get("greenhouse_token_ttl", TOKEN_TTL))
    token = secrets.token_urlsafe(24)
    TOKENS[token] = time.time() + ttl
    expires = datetime.fromtimestamp(TOKENS[token], UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return json_response({"access_token": token, "token_type": "Bearer", "expires_at": expires})


def _authorized(req: SandboxRequest) -> bool:
    header = req.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return False
    return TOKENS.get(header[len("Bearer "):], 0.0) > time.time()


def _file(req: SandboxRequest) -> SandboxResponse:
    parts = req.path.split("/")
    everyone = req.world.data.get("candidates", [])
    by_id = req.world.index("greenhouse.attachments_by_id", everyone, lambda: _attachments_by_id(_candidates(req)))
    if by_id is not None:
        c = by_id.get(parts[2]) if len(parts) >= 3 else None
        if c is not None:
            return SandboxResponse(200, c["linkedin_positions_csv"].encode("utf-8"), {}, "text/csv; charset=utf-8")
    else:  # a malformed world: scan, failing where the scan fails
        for c in _candidates(req):
            if c.get("linkedin_positions_csv") and len(parts) >= 3 and parts[2] == str(_attachment_id(c)):
                return SandboxResponse(200, c["linkedin_positions_csv"].encode("utf-8"), {},
                                       "text/csv; charset=utf-8")
    return SandboxResponse(404, "<Error><Code>NoSuchKey</Code></Error>", {}, "application/xml")


def _attachments_by_id(candidates: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in candidates:
        if c.get("linkedin_positions_csv"):
            out.setdefault(str(_attachment_id(c)), c)  # the first of duplicates, as a scan finds it
    return out


# ---- filters --------------------------------------------------------------------------------------


def _matches(record: dict[str, Any], query: dict[str, list[str]]) -> bool:
    for param, field in FILTERS.items():
        if param in query:
            wanted = {v for value in query[param] for v in value.split(",") if v}
            if wanted and str(record.get(field)) not in wanted:
                return False
    for field in ("updated_at", "created_at"):
        if query.get(field) and query[field][0] and not _in_range(record.get(field), query[field][0]):
            return False
    return True


def _in_range(value: str | None, spec: str) -> bool:
    parts = spec.split("|")
    if len(parts) % 2:
        raise ValueError("range filters look like gte|<timestamp>|lte|<timestamp>")
    if value is None:
        return False
    try:
        at = _parse_ts(value)
    except ValueError:
        return True  # a deliberately broken world value is served, for the client to quarantine
    for op, bound in zip(parts[::2], parts[1::2], strict=True):
        try:
            limit = _parse_ts(bound)
        except ValueError:
            raise ValueError(f"invalid timestamp in range filter for operator {op}") from None
        ok = {"gte": at >= limit, "gt": at > limit, "lte": at <= limit, "lt": at < limit}.get(op)
        if ok is None:
            raise ValueError(f"unknown range operator {op!r}")
        if not ok:
            return False
    return True


def _parse_ts(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# ---- rendering ------------------------------------------------------------------------------------


def _candidates(req: SandboxRequest) -> list[dict[str, Any]]:
    everyone = req.world.data.get("candidates", [])
    index = req.world.index("greenhouse.candidates", everyone, lambda: _greenhouse_only(everyone))
    return index if index is not None else _greenhouse_only(everyone)


def _greenhouse_only(everyone: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in everyone if c.get("ats") == "greenhouse"]


def _num(value: Any) -> Any:
    """Greenhouse ids are integers; a world id that is not digits is passed through unchanged."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _base(c: dict[str, Any]) -> int:
    cid = str(c["id"])
    return int(cid) if cid.isdigit() else zlib.crc32(cid.encode()) & 0xFFFFFF


def _attachment_id(c: dict[str, Any]) -> int:
    return _base(c) * 100 + 99


def _ts(value: str | None) -> str | None:
    if not value:
        return value
    try:
        return _parse_ts(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    except ValueError:
        return value  # a deliberately broken world value reaches the client as it is


def _date(value: str | None) -> str | None:
    """World partial date -> ISO date; month or year precision is padded with 01."""
    if not value:
        return None
    parts = str(value).split("-")
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}-01-01"
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[0]}-{parts[1]}-01"
    return str(value)


def _ym(value: str | None) -> tuple[int | None, int | None]:
    parts = str(value or "").split("-")
    year = int(parts[0]) if parts[0].isdigit() else None
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return year, month


# Every resource is a list of "units" (candidates, jobs, options, fields), each rendering to zero or more
# records; the resource is the units' records in order. The plain path renders all of them on every
# request, as before; the index path (``_Index``) does so once per world and then renders a page only.


def _candidate_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    links = c.get("links") or {}
    websites = []
    if links.get("orcid"):
        websites.append({"value": f"https://orcid.org/{links['orcid']}", "type": "other"})
    if links.get("github"):
        websites.append({"value": f"https://github.com/{links['github']}", "type": "portfolio"})
    jobs = c.get("employments") or []
    current = next((e for e in jobs if not e.get("end")), jobs[0] if jobs else {})
    return [{
        "id": _num(c["id"]), "first_name": c.get("first_name"), "last_name": c.get("last_name"),
        "preferred_name": None, "company": current.get("company_name"), "title": current.get("title"),
        "private": False, "can_email": True, "created_at": _ts(c.get("created_at")),
        "updated_at": _ts(c.get("updated_at")), "last_activity_at": _ts(c.get("updated_at")),
        "email_addresses": [{"value": e, "type": "personal"} for e in c.get("emails") or []],
        "phone_numbers": [{"value": p, "type": "mobile"} for p in c.get("phones") or []],
        "addresses": [], "website_addresses": websites,
        "social_media_addresses": [{"value": links["linkedin"]}] if links.get("linkedin") else [],
        "tags": [], "linked_user_ids": [],
        "custom_fields": {CONSENT_KEY: {"name": FIELDS[CONSENT_KEY][1], "type": "yes_no",
                                        "value": c.get("consent")}, **_non_compete_fields(c)},
    }]


def _process(req: SandboxRequest, c: dict[str, Any]) -> process.Process | None:
    return process.process_of(req.world.data.get("seed"), c)


def _non_compete_fields(c: dict[str, Any]) -> dict[str, Any]:
    """A world candidate's optional ``non_compete`` ({has_agreement, ends_on}) and ``location`` as the
    candidate custom fields HR would keep them in; nothing when the world gives none."""
    out: dict[str, Any] = {}
    facts = c.get("non_compete") or {}
    for key, kind, fact in NON_COMPETE_FIELDS:
        if facts.get(fact) is not None:
            out[key] = {"name": FIELDS[key][1], "type": kind, "value": facts[fact]}
    if c.get("location"):
        out["work_location"] = {"name": FIELDS["work_location"][1], "type": "short_text", "value": c["location"]}
    return out


def _application_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    proc = _process(req, c)
    stage = proc.current_stage if proc else process.STAGES[0]
    rejected = proc is not None and proc.outcome == "rejected"
    status = c.get("application_status") or (proc.outcome if proc else "active")
    return [{
        "id": _num(c["application_id"]), "candidate_id": _num(c["id"]), "job_id": _num(c.get("job_id")),
        "prospect": False, "status": status, "stage_name": stage,
        "current_stage": {"id": _stage_id(stage), "name": stage},
        "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at")),
        "last_activity_at": _ts(c.get("updated_at")),
        "rejected_at": process.iso(proc.closed_at) if rejected and proc else None,
        "rejection_reason_id": proc.reason_id if rejected and proc else None, "source_id": None,
        "custom_fields": {},
    }]


def _stage_id(name: str) -> int:
    return 5000 + process.STAGES.index(name) if name in process.STAGES else 4999


def _offer_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    proc = _process(req, c)
    return [{
        "id": o.id, "version": o.version, "application_id": _num(c["application_id"]), "candidate_id": _num(c["id"]),
        "job_id": _num(c.get("job_id")), "opening_id": None, "status": o.status,
        "created_at": process.iso(o.created_at), "updated_at": process.iso(o.updated_at),
        "sent_at": process.iso(o.sent_at)[:10] if o.sent_at else None,  # v3 documents sent_at as a date
        "resolved_at": process.iso(o.resolved_at), "starts_at": o.starts_at, "custom_fields": {},
    } for o in (proc.offers if proc else [])]


def _interview_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    proc = _process(req, c)
    if proc is None:
        return []
    last = proc.stages[-1][1] if proc.stages else None
    return [{
        "id": i.id, "application_id": _num(c["application_id"]), "external_event_id": f"evt-{i.id}",
        "start": {"date_time": process.iso(i.start)}, "end": {"date_time": process.iso(i.end)},
        "location": None, "video_conferencing_url": None,
        "status": "complete" if last is not None and i.end <= last else "scheduled",
        "created_at": process.iso(i.created_at), "updated_at": process.iso(i.created_at),
        "interview_id": 7000 + process.STAGES.index(i.stage), "interview_name": i.name,
    } for i in proc.interviews]


def _reason_items(req: SandboxRequest) -> list[tuple[int, tuple[str, str]]]:
    return [(rid, r) for rid, r in sorted(process.REASONS.items()) if r[1] != "hired"]


def _reason_records(req: SandboxRequest, item: tuple[int, tuple[str, str]], ctx: Any) -> list[dict[str, Any]]:
    rid, (text, who) = item
    kind = {"we": (1, "We rejected them"), "they": (2, "They rejected us")}[who]
    return [{"id": rid, "name": text, "type": {"id": kind[0], "name": kind[1]},
             "created_at": EPOCH, "updated_at": EPOCH}]


def _jobs(req: SandboxRequest) -> list[dict[str, Any]]:
    return [j for j in req.world.data.get("jobs", []) if j.get("ats") == "greenhouse"]


def _job_records(req: SandboxRequest, j: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    return [{
        "id": _num(j["id"]), "name": j.get("name"), "requisition_id": f"REQ-{j['id']}", "status": "open",
        "confidential": False, "created_at": _ts(j.get("created_at")), "updated_at": _ts(j.get("updated_at")),
        "opened_at": _ts(j.get("created_at")), "closed_at": None,
    }]


def _employment_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    out = []
    jobs = c.get("employments") or []
    latest = next((i for i, e in enumerate(jobs) if not e.get("end")), 0)
    for i, e in enumerate(jobs):
        out.append({"id": _base(c) * 100 + i + 1, "candidate_id": _num(c["id"]),
                    "company_name": e.get("company_name"), "title": e.get("title"),
                    "start_date": _date(e.get("start")), "end_date": _date(e.get("end")), "latest": i == latest,
                    "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at"))})
    return out


def _options(req: SandboxRequest) -> dict[tuple[str, str], int]:
    """Dictionary option ids: stable for a given world (names sorted per field)."""
    names: dict[str, set[str]] = {"school_name": set(), "degree": set(), "discipline": set()}
    for c in _candidates(req):
        for d in c.get("educations") or []:
            for field, seen in names.items():
                if d.get(field):
                    seen.add(d[field])
    return {(f, n): FIELDS[f][0] * 100000 + i + 1 for f, ns in names.items() for i, n in enumerate(sorted(ns))}


def _education_records(req: SandboxRequest, c: dict[str, Any], options: Any) -> list[dict[str, Any]]:
    out = []
    for i, d in enumerate(c.get("educations") or []):
        (sy, sm), (ey, em) = _ym(d.get("start")), _ym(d.get("end"))
        start, end = _date(d.get("start")), _date(d.get("end"))
        out.append({
            "id": _base(c) * 100 + 50 + i, "candidate_id": _num(c["id"]),
            "school_name_custom_field_option_id": options.get(("school_name", d.get("school_name") or "")),
            "degree_custom_field_option_id": options.get(("degree", d.get("degree") or "")),
            "discipline_custom_field_option_id": options.get(("discipline", d.get("discipline") or "")),
            "start_at": _ts(f"{start}T00:00:00Z") if start else None,
            "end_at": _ts(f"{end}T00:00:00Z") if end else None,
            "start_date_year": sy, "start_date_month": sm, "end_date_year": ey, "end_date_month": em,
            "latest": i == 0, "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at"))})
    return out


def _option_items(req: SandboxRequest) -> list[tuple[tuple[str, str], int]]:
    return list(_options(req).items())


def _option_records(req: SandboxRequest, item: tuple[tuple[str, str], int], ctx: Any) -> list[dict[str, Any]]:
    (field, name), oid = item
    return [{"id": oid, "custom_field_id": FIELDS[field][0], "name": name, "active": True,
             "sort_order": oid % 100000, "external_id": None, "created_at": EPOCH, "updated_at": EPOCH}]


def _field_items(req: SandboxRequest) -> list[tuple[str, tuple[int, str]]]:
    return list(FIELDS.items())


def _custom_field_records(req: SandboxRequest, item: tuple[str, tuple[int, str]], ctx: Any) -> list[dict[str, Any]]:
    key, (fid, name) = item
    value_type = VALUE_TYPES.get(key, "single_select")
    return [{"id": fid, "name": name, "name_key": key, "field_type": "candidate",
             "value_type": value_type, "active": True,
             "private": False, "required": False, "internal_type": key if value_type == "single_select" else None,
             "created_at": EPOCH, "updated_at": EPOCH}]


def _attachment_records(req: SandboxRequest, c: dict[str, Any], ctx: Any) -> list[dict[str, Any]]:
    if not c.get("linkedin_positions_csv"):
        return []
    return [{
        "id": _attachment_id(c), "application_id": _num(c["application_id"]), "candidate_id": _num(c["id"]),
        "filename": "Positions.csv", "type": "other",
        "url": f"{req.base_url}/files/{_attachment_id(c)}/Positions.csv",
        "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at")),
    }]


@dataclass(frozen=True)
class _Resource:
    units: Callable[[SandboxRequest], list[Any]]  # what the records are made from, in order
    records: Callable[[SandboxRequest, Any, Any], list[dict[str, Any]]]  # (req, unit, context) -> records
    source: Callable[[SandboxRequest], Any] = lambda req: req.world.data.get("candidates", [])
    context: Callable[[SandboxRequest], Any] = lambda req: None

    def render(self, req: SandboxRequest) -> list[dict[str, Any]]:
        """Every record of the resource, as the plain path serves them."""
        ctx = self.context(req)
        return [r for unit in self.units(req) for r in self.records(req, unit, ctx)]


RESOURCES = {
    "candidates": _Resource(_candidates, _candidate_records),
    "applications": _Resource(_candidates, _application_records),
    "jobs": _Resource(_jobs, _job_records, source=lambda req: req.world.data.get("jobs", [])),
    "candidate_employments": _Resource(_candidates, _employment_records),
    "candidate_educations": _Resource(_candidates, _education_records, context=_options),
    "custom_field_options": _Resource(_option_items, _option_records),
    "custom_fields": _Resource(_field_items, _custom_field_records, source=lambda req: FIELDS),
    "attachments": _Resource(_candidates, _attachment_records),
    "offers": _Resource(_candidates, _offer_records),
    "scheduled_interviews": _Resource(_candidates, _interview_records),
    "rejection_reasons": _Resource(_reason_items, _reason_records, source=lambda req: process.REASONS),
}
VIEW = ("id", "candidate_id", "application_id", "job_id", "custom_field_id", "type", "field_type",
        "updated_at", "created_at")  # every field _matches reads


class _Index:
    """One resource rendered once, sorted as served: per record its unit and place in the unit, and the
    fields the filters read. A request then filters (by id postings when it names ids) and renders only
    its page."""

    def __init__(self, req: SandboxRequest, resource: _Resource):
        self.resource = resource
        self.units = resource.units(req)
        self.context = resource.context(req)
        rows: list[tuple[int, int]] = []
        views: list[dict[str, Any]] = []
        keys: list[tuple[str, Any]] = []
        for u, unit in enumerate(self.units):
            for j, rec in enumerate(resource.records(req, unit, self.context)):
                rows.append((u, j))
                views.append({k: rec[k] for k in VIEW if k in rec})
                keys.append((str(type(rec["id"])), rec["id"]))
        order = sorted(range(len(rows)), key=keys.__getitem__)  # stable, like sorting the filtered list
        self.rows = [rows[k] for k in order]
        self.views = [views[k] for k in order]
        self._postings: dict[str, dict[str, list[int]]] = {}
        self._matched: OrderedDict[str, list[int]] = OrderedDict()  # recent filter-only queries
        self._lock = threading.Lock()

    def postings(self, field: str) -> dict[str, list[int]]:
        with self._lock:
            found = self._postings.get(field)
            if found is None:
                found = {}
                for pos, view in enumerate(self.views):
                    found.setdefault(str(view.get(field)), []).append(pos)
                self._postings[field] = found
            return found

    def select(self, query: dict[str, list[str]]) -> list[int]:
        """Positions of the records ``_matches`` keeps, in the order served. A record outside the
        smallest id filter's postings fails that filter before any range is read, so it cannot raise."""
        narrowest: list[int] | None = None
        for param, field in FILTERS.items():
            if param in query:
                wanted = {v for value in query[param] for v in value.split(",") if v}
                if wanted:
                    postings = self.postings(field)
                    found = sorted({p for w in wanted for p in postings.get(w, ())})
                    if narrowest is None or len(found) < len(narrowest):
                        narrowest = found
        if narrowest is not None:
            return [p for p in narrowest if _matches(self.views[p], query)]
        key = json.dumps(query, sort_keys=True)
        with self._lock:
            hit = self._matched.get(key)
            if hit is not None:
                self._matched.move_to_end(key)
                return hit
        kept = [p for p, view in enumerate(self.views) if _matches(view, query)]
        with self._lock:
            self._matched[key] = kept
            while len(self._matched) > 64:
                self._matched.popitem(last=False)
        return kept

    def render(self, req: SandboxRequest, positions: list[int]) -> list[dict[str, Any]]:
        rendered: dict[int, list[dict[str, Any]]] = {}
        out = []
        for p in positions:
            u, j = self.rows[p]
            if u not in rendered:
                rendered[u] = self.resource.records(req, self.units[u], self.context)
            out.append(rendered[u][j])
        return out


def _indexed(req: SandboxRequest, name: str, query: dict[str, list[str]]) -> tuple[_Index, list[int]] | None:
    """The index of resource ``name`` and the positions ``query`` keeps, or None for the plain path."""
    resource = RESOURCES[name]
    index = req.world.index(f"greenhouse.resource.{name}", resource.source(req), lambda: _Index(req, resource))
    if index is None:
        return None
    try:
        return index, index.select(query)
    except Exception:  # noqa: BLE001 - a bad filter: the plain path answers it (422) or fails as it did
        return None
