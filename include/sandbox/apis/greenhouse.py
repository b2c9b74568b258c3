"""Greenhouse Harvest API v3, rendered from the world (see WORLD.md).

- ``POST /auth/token``: OAuth 2.0 client credentials (HTTP Basic client id/secret,
  ``grant_type=client_credentials``) -> ``{access_token, token_type, expires_at}``. Tokens expire
  after ``world.data["_sandbox"]["greenhouse_token_ttl"]`` seconds (default ``TOKEN_TTL``);
  ``expire_tokens()`` revokes every issued token so tests can exercise the refresh-on-401 path.
- ``GET /v3/<resource>``: bare JSON arrays; ``per_page`` (1-500, default 100); the next page in a
  ``Link`` header whose URL carries ``cursor`` as its only parameter (a cursor mixed with any other
  parameter is answered 422, as Greenhouse does); ``updated_at=gte|<ts>|lte|<ts>`` and the
  ``ids`` / ``candidate_ids`` / ... filters.
- ``GET /files/<attachment id>/<filename>``: the pre-signed file store behind attachment URLs.

Employment dates are ISO dates (v3 documents ``format: date``; the UI shows month and year);
education dates are ``start_at``/``end_at`` timestamps plus ``*_date_year``/``*_date_month``,
which keep a year-only date year-only.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import zlib
from datetime import UTC, datetime
from typing import Any

from include.sandbox import credentials
from include.sandbox.server import SandboxRequest, SandboxResponse, error, json_response

TOKEN_TTL = 3600
DEFAULT_PER_PAGE, MAX_PER_PAGE = 100, 500
TOKENS: dict[str, float] = {}  # issued token -> expiry (epoch seconds)
FIELDS = {"school_name": (301, "School Name"), "degree": (302, "Degree"), "discipline": (303, "Discipline"),
          "background_check_consent": (304, "Background Check Consent")}
CONSENT_KEY = "background_check_consent"
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
    resource = req.path[len("/v3/"):].strip("/")
    render = RESOURCES.get(resource)
    if render is None:
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
    try:
        records = [r for r in render(req) if _matches(r, query)]
    except ValueError as exc:
        return error(422, str(exc))
    records.sort(key=lambda r: (str(type(r["id"])), r["id"]))
    headers = {}
    if offset + per_page < len(records):
        cursor = base64.urlsafe_b64encode(json.dumps({"q": query, "o": offset + per_page}).encode()).decode()
        headers["Link"] = f'<{req.base_url}/v3/{resource}?cursor={cursor.rstrip("=")}>; rel="next"'
    return json_response(records[offset : offset + per_page], headers=headers)


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
    for c in _candidates(req):
        if c.get("linkedin_positions_csv") and len(parts) >= 3 and parts[2] == str(_attachment_id(c)):
            return SandboxResponse(200, c["linkedin_positions_csv"].encode("utf-8"), {}, "text/csv; charset=utf-8")
    return SandboxResponse(404, "<Error><Code>NoSuchKey</Code></Error>", {}, "application/xml")


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
    return [c for c in req.world.data.get("candidates", []) if c.get("ats") == "greenhouse"]


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


def _render_candidates(req: SandboxRequest) -> list[dict[str, Any]]:
    out = []
    for c in _candidates(req):
        links = c.get("links") or {}
        websites = []
        if links.get("orcid"):
            websites.append({"value": f"https://orcid.org/{links['orcid']}", "type": "other"})
        if links.get("github"):
            websites.append({"value": f"https://github.com/{links['github']}", "type": "portfolio"})
        jobs = c.get("employments") or []
        current = next((e for e in jobs if not e.get("end")), jobs[0] if jobs else {})
        out.append({
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
                                            "value": c.get("consent")}},
        })
    return out


def _render_applications(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{
        "id": _num(c["application_id"]), "candidate_id": _num(c["id"]), "job_id": _num(c.get("job_id")),
        "prospect": False, "status": c.get("application_status", "in_process"), "stage_name": "Application Review",
        "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at")),
        "last_activity_at": _ts(c.get("updated_at")), "rejected_at": None, "source_id": None,
        "custom_fields": {},
    } for c in _candidates(req)]


def _render_jobs(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{
        "id": _num(j["id"]), "name": j.get("name"), "requisition_id": f"REQ-{j['id']}", "status": "open",
        "confidential": False, "created_at": _ts(j.get("created_at")), "updated_at": _ts(j.get("updated_at")),
        "opened_at": _ts(j.get("created_at")), "closed_at": None,
    } for j in req.world.data.get("jobs", []) if j.get("ats") == "greenhouse"]


def _render_employments(req: SandboxRequest) -> list[dict[str, Any]]:
    out = []
    for c in _candidates(req):
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


def _render_educations(req: SandboxRequest) -> list[dict[str, Any]]:
    options = _options(req)
    out = []
    for c in _candidates(req):
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


def _render_options(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{"id": oid, "custom_field_id": FIELDS[field][0], "name": name, "active": True,
             "sort_order": oid % 100000, "external_id": None, "created_at": EPOCH, "updated_at": EPOCH}
            for (field, name), oid in _options(req).items()]


def _render_custom_fields(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{"id": fid, "name": name, "name_key": key, "field_type": "candidate",
             "value_type": "yes_no" if key == CONSENT_KEY else "single_select", "active": True,
             "private": False, "required": False, "internal_type": None if key == CONSENT_KEY else key,
             "created_at": EPOCH, "updated_at": EPOCH} for key, (fid, name) in FIELDS.items()]


def _render_attachments(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{
        "id": _attachment_id(c), "application_id": _num(c["application_id"]), "candidate_id": _num(c["id"]),
        "filename": "Positions.csv", "type": "other",
        "url": f"{req.base_url}/files/{_attachment_id(c)}/Positions.csv",
        "created_at": _ts(c.get("created_at")), "updated_at": _ts(c.get("updated_at")),
    } for c in _candidates(req) if c.get("linkedin_positions_csv")]


RESOURCES = {
    "candidates": _render_candidates, "applications": _render_applications, "jobs": _render_jobs,
    "candidate_employments": _render_employments, "candidate_educations": _render_educations,
    "custom_field_options": _render_options, "custom_fields": _render_custom_fields,
    "attachments": _render_attachments,
}
