"""Lever API v1, rendered from the world (see WORLD.md). The connection's host is ``{sandbox}/lever/v1``.

HTTP Basic with the API key as username. Lists answer ``{"data", "hasNext", "next"}`` with an
opaque ``offset`` token; ``limit`` 1-100 (default 100). ``/opportunities`` filters by
``updated_at_start`` (inclusive) / ``updated_at_end`` (exclusive), epoch milliseconds, and
``expand=applications`` inlines the application (whose ``posting`` is the job). A world candidate
is a Lever contact (``contact`` = its id) with one opportunity (id = its ``application_id``).
Parsed resume dates are ``{year, month}`` with month left out when only the year is known.
Consent is the tag ``background-check-consent``; the LinkedIn export is an opportunity file.
"""

from __future__ import annotations

import base64
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from sandbox import credentials
from sandbox.gen import process
from sandbox.server import SandboxRequest, SandboxResponse, json_response

CONSENT_TAG = "background-check-consent"
DEFAULT_LIMIT, MAX_LIMIT = 100, 100
SUMMARY_OF_TYPE = {"part_time": "Part-time position.", "contract": "Contract position.", "internship": "Internship."}


def _error(status: int, code: str, message: str) -> SandboxResponse:
    return json_response({"code": code, "message": message}, status)


def handle(req: SandboxRequest) -> SandboxResponse:
    expected = "Basic " + base64.b64encode(f"{credentials.LEVER_API_KEY}:".encode()).decode()
    if req.headers.get("authorization", "") != expected:
        return _error(401, "UnauthorizedError", "Invalid API key")
    if req.method not in ("GET", "HEAD"):
        return _error(405, "MethodNotAllowed", "Method not allowed")
    parts = [unquote(p) for p in req.path.strip("/").split("/")]
    if parts[:1] != ["v1"]:
        return _error(404, "ResourceNotFound", "Resource not found")
    parts = parts[1:]
    if parts == ["opportunities"]:
        return _opportunities_page(req)
    if parts == ["postings"]:
        return _paged(req, _postings(req))
    if parts == ["stages"]:
        return _paged(req, [{"id": _stage_id(s), "text": s} for s in process.STAGES])
    if parts == ["archive_reasons"]:
        return _paged(req, [{"id": _reason_id(rid), "text": text, "status": "active",
                             "type": "hired" if who == "hired" else "non-hired"}
                            for rid, (text, who) in sorted(process.REASONS.items())])
    if len(parts) >= 2 and parts[0] == "opportunities":
        cand = _opportunity_by_id(req, parts[1])
        if cand is None:
            return _error(404, "ResourceNotFound", "Opportunity not found")
        if len(parts) == 2:
            return json_response({"data": _opportunity(req, cand, expand=set(req.query.get("expand", [])))})
        if parts[2:] == ["resumes"]:
            return json_response({"data": [_resume(req, cand)]})
        if parts[2:] == ["files"]:
            return json_response({"data": _files(req, cand), "hasNext": False})
        if parts[2:] == ["offers"]:
            return _paged(req, _offers(req, cand))
        if parts[2:] == ["interviews"]:
            return _paged(req, _interviews(req, cand))
        if len(parts) == 5 and parts[2] == "files" and parts[4] == "download":
            if cand.get("linkedin_positions_csv") and parts[3] == _file_id(cand):
                return SandboxResponse(200, cand["linkedin_positions_csv"].encode("utf-8"), {},
                                       "text/csv; charset=utf-8")
            return _error(404, "ResourceNotFound", "File not found")
    return _error(404, "ResourceNotFound", "Resource not found")


def _paged(req: SandboxRequest, records: Sequence[Any],
           render: Callable[[Any], dict[str, Any]] | None = None) -> SandboxResponse:
    """One page of ``records``; ``render`` turns the page's items into answers (only theirs)."""
    try:
        limit = int(req.arg("limit") or DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        return _error(400, "BadRequestError", "limit must be between 1 and 100")
    offset = 0
    if req.arg("offset"):
        try:
            token = req.arg("offset") or ""
            offset = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(".")[0])
        except (ValueError, UnicodeDecodeError):
            return _error(400, "BadRequestError", "Invalid offset token")
    page = list(records[offset : offset + limit])
    if render is not None:
        page = [render(r) for r in page]
    body: dict[str, Any] = {"data": page, "hasNext": offset + limit < len(records)}
    if body["hasNext"]:
        last = page[-1]["id"] if page else ""
        body["next"] = base64.urlsafe_b64encode(f"{offset + limit}.{last}".encode()).decode().rstrip("=")
    return json_response(body)


def _candidates(req: SandboxRequest) -> list[dict[str, Any]]:
    everyone = req.world.data.get("candidates", [])
    index = req.world.index("lever.candidates", everyone, lambda: _lever_only(everyone))
    return index if index is not None else _lever_only(everyone)


def _lever_only(everyone: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in everyone if c.get("ats") == "lever"]


def _opportunity_by_id(req: SandboxRequest, opp: str) -> dict[str, Any] | None:
    everyone = req.world.data.get("candidates", [])
    index = req.world.index("lever.by_opportunity", everyone, lambda: _by_opportunity(_candidates(req)))
    if index is None:  # a malformed world: scan, failing where the scan fails
        return next((c for c in _candidates(req) if str(c["application_id"]) == opp), None)
    return index.get(opp)


def _by_opportunity(candidates: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in candidates:
        out.setdefault(str(c["application_id"]), c)  # the first of duplicates, as a scan finds it
    return out


class _Opportunities:
    """Lever candidates in the order ``/opportunities`` lists them, with their ``updatedAt``; built
    once per world, after checking that every one of them renders (else the plain path answers)."""

    def __init__(self, req: SandboxRequest, candidates: list[dict[str, Any]]):
        self.ordered = sorted(candidates, key=lambda c: (_ms(c.get("created_at")) or 0, str(c["application_id"])))
        self.updated = [_ms(c.get("updated_at")) or 0 for c in self.ordered]
        for c in self.ordered:
            _opportunity(req, c, set())
        self._filtered: OrderedDict[tuple[str | None, str | None], list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def between(self, start: str | None, end: str | None) -> list[dict[str, Any]]:
        """The candidates ``_opportunities`` keeps for these bounds (kept for the next pages)."""
        with self._lock:
            hit = self._filtered.get((start, end))
            if hit is not None:
                self._filtered.move_to_end((start, end))
                return hit
        out = []
        for c, updated in zip(self.ordered, self.updated, strict=True):
            if start and start.isdigit() and updated < int(start):
                continue
            if end and end.isdigit() and updated >= int(end):
                continue
            out.append(c)
        with self._lock:
            self._filtered[(start, end)] = out
            while len(self._filtered) > 32:
                self._filtered.popitem(last=False)
        return out


def _opportunities_page(req: SandboxRequest) -> SandboxResponse:
    everyone = req.world.data.get("candidates", [])
    index = req.world.index("lever.opportunities", everyone, lambda: _Opportunities(req, _candidates(req)))
    if index is not None:
        try:
            kept = index.between(req.arg("updated_at_start"), req.arg("updated_at_end"))
        except Exception:  # noqa: BLE001 - odd bounds: the plain path answers (or fails) as it always did
            kept = None
        if kept is not None:
            expand = set(req.query.get("expand", []))
            return _paged(req, kept, lambda c: _opportunity(req, c, expand))
    return _paged(req, _opportunities(req))


def _ms(value: str | None) -> int | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp() * 1000)


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "lever-sandbox:" + ":".join(parts)))


def _file_id(c: dict[str, Any]) -> str:
    return _uid(str(c["application_id"]), "Positions.csv")


def _ym(value: str | None) -> dict[str, int] | None:
    parts = str(value or "").split("-")
    if not parts[0].isdigit():
        return None
    out = {"year": int(parts[0])}
    if len(parts) > 1 and parts[1].isdigit():
        out["month"] = int(parts[1])
    return out


def _opportunities(req: SandboxRequest) -> list[dict[str, Any]]:
    start, end = req.arg("updated_at_start"), req.arg("updated_at_end")
    expand = set(req.query.get("expand", []))
    out = []
    for c in sorted(_candidates(req), key=lambda c: (_ms(c.get("created_at")) or 0, str(c["application_id"]))):
        updated = _ms(c.get("updated_at")) or 0
        if start and start.isdigit() and updated < int(start):
            continue
        if end and end.isdigit() and updated >= int(end):
            continue
        out.append(_opportunity(req, c, expand))
    return out


def _opportunity(req: SandboxRequest, c: dict[str, Any], expand: set[str]) -> dict[str, Any]:
    opp = str(c["application_id"])
    links = c.get("links") or {}
    urls = ([f"https://orcid.org/{links['orcid']}"] if links.get("orcid") else []) + \
        ([f"https://github.com/{links['github']}"] if links.get("github") else []) + \
        ([links["linkedin"]] if links.get("linkedin") else [])
    name = " ".join(p for p in (c.get("first_name"), c.get("last_name")) if p)
    created, updated = _ms(c.get("created_at")), _ms(c.get("updated_at"))
    proc = process.process_of(req.world.data.get("seed"), c)
    changes = [{"toStageId": _stage_id(s), "toStageIndex": process.STAGES.index(s), "userId": None,
                "updatedAt": process.ms(at)} for s, at in (proc.stages if proc else [])]
    archived = None
    if proc is not None and proc.closed_at is not None and proc.reason_id is not None:
        archived = {"archivedAt": process.ms(proc.closed_at), "reason": _reason_id(proc.reason_id)}
    application = {
        "id": _uid(opp, "application"), "type": "posting", "candidateId": opp, "opportunityId": opp,
        "posting": c.get("job_id"), "postingHiringManager": None, "postingOwner": None, "name": name,
        "company": None, "phone": {"type": "mobile", "value": (c.get("phones") or [None])[0]},
        "email": (c.get("emails") or [None])[0], "links": urls, "comments": None, "user": None,
        "customQuestions": [], "createdAt": created, "archived": None, "requisitionForHire": None,
    }
    return {
        "id": opp, "name": name, "contact": str(c["id"]),
        "headline": ", ".join(e.get("company_name") or "" for e in c.get("employments") or []),
        "stage": _stage_id(proc.current_stage) if proc else "lead-new", "confidentiality": "non-confidential",
        "location": None,
        "phones": [{"type": "mobile", "value": p} for p in c.get("phones") or []],
        "emails": list(c.get("emails") or []), "links": urls, "archived": archived,
        "tags": [CONSENT_TAG] if c.get("consent") else [], "sources": ["Job site"], "stageChanges": changes,
        "origin": "applied", "sourcedBy": None, "owner": None, "followers": [],
        "applications": [application] if "applications" in expand else [application["id"]],
        "createdAt": created, "updatedAt": updated, "lastInteractionAt": updated, "lastAdvancedAt": created,
        "snoozedUntil": None, "urls": {"list": "https://hire.lever.co/candidates",
                                       "show": f"https://hire.lever.co/candidates/{opp}"},
        "isAnonymized": False, "dataProtection": None,
    }


def _stage_id(name: str) -> str:
    return _uid("stage", name)


def _reason_id(rid: int) -> str:
    return _uid("archive_reason", str(rid))


# Lever's offer statuses: draft, approval-sent, approved, sent, sent-manually, opened, denied, signed,
# deprecated; a declined offer stays "sent" (the archive reason says it was declined)
LEVER_OFFER_STATUS = {"unresolved": "sent", "accepted": "signed", "rejected": "sent", "deprecated": "deprecated"}


def _offers(req: SandboxRequest, c: dict[str, Any]) -> list[dict[str, Any]]:
    """Lever keeps one offer object per opportunity and revises it: the newest version is served.
    Declines and withdrawals show in the archive reason, not in the offer's status."""
    proc = process.process_of(req.world.data.get("seed"), c)
    if proc is None or not proc.offers:
        return []
    o = proc.offers[-1]
    first = proc.offers[0]
    return [{
        "id": _uid(str(c["application_id"]), "offer"), "posting": c.get("job_id"), "createdAt": process.ms(first.created_at),
        "status": LEVER_OFFER_STATUS[o.status], "creator": None,
        "fields": [{"text": "Anticipated start date", "identifier": "anticipated_start_date",
                    "value": process.ms(datetime.fromisoformat(o.starts_at).replace(tzinfo=UTC))},
                   {"text": "Offer version", "identifier": "offer_version", "value": o.version}],
        "sentDocument": {"fileName": "offer.pdf", "uploadedAt": process.ms(o.sent_at), "downloadUrl": None},
        "signedDocument": ({"fileName": "offer-signed.pdf", "uploadedAt": process.ms(o.resolved_at), "downloadUrl": None}
                           if o.status == "accepted" else None),
    }]


def _interviews(req: SandboxRequest, c: dict[str, Any]) -> list[dict[str, Any]]:
    proc = process.process_of(req.world.data.get("seed"), c)
    return [{
        "id": _uid(str(c["application_id"]), "interview", str(i.id)), "panel": _uid(str(i.id), "panel"),
        "subject": i.name, "note": "", "interviewers": [], "timezone": "UTC", "createdAt": process.ms(i.created_at),
        "date": process.ms(i.start), "duration": int((i.end - i.start).total_seconds() // 60), "location": None,
        "feedbackTemplate": None, "feedbackForms": [], "feedbackReminder": "frequently", "user": None,
        "stage": _stage_id(i.stage), "canceledAt": None, "postings": [c.get("job_id")], "gcalEventUrl": None,
    } for i in (proc.interviews if proc else [])]


def _resume(req: SandboxRequest, c: dict[str, Any]) -> dict[str, Any]:
    opp = str(c["application_id"])
    rid = _uid(opp, "resume")
    positions = []
    for e in c.get("employments") or []:
        pos: dict[str, Any] = {"org": e.get("company_name"), "title": e.get("title"),
                               "summary": SUMMARY_OF_TYPE.get(e.get("employment_type") or "", ""),
                               "location": e.get("location"), "start": _ym(e.get("start"))}
        if e.get("end"):
            pos["end"] = _ym(e["end"])
        positions.append(pos)
    schools = [{"org": d.get("school_name"), "degree": d.get("degree"), "field": d.get("discipline"),
                "summary": "", "start": _ym(d.get("start")), "end": _ym(d.get("end"))}
               for d in c.get("educations") or []]
    created = _ms(c.get("created_at"))
    return {"id": rid, "createdAt": created,
            "file": {"name": "resume.pdf", "ext": "pdf", "uploadedAt": created, "status": "processed",
                     "size": 48213, "downloadUrl": f"{req.base_url}/v1/opportunities/{opp}/resumes/{rid}/download"},
            "parsedData": {"positions": positions, "schools": schools}}


def _files(req: SandboxRequest, c: dict[str, Any]) -> list[dict[str, Any]]:
    if not c.get("linkedin_positions_csv"):
        return []
    opp, fid = str(c["application_id"]), _file_id(c)
    return [{"id": fid, "name": "Positions.csv", "ext": "csv", "status": "processed",
             "size": len(c["linkedin_positions_csv"].encode("utf-8")), "uploadedAt": _ms(c.get("created_at")),
             "downloadUrl": f"{req.base_url}/v1/opportunities/{opp}/files/{fid}/download"}]


def _postings(req: SandboxRequest) -> list[dict[str, Any]]:
    return [{
        "id": str(j["id"]), "text": j.get("name"), "state": "published", "confidentiality": "non-confidential",
        "createdAt": _ms(j.get("created_at")), "updatedAt": _ms(j.get("updated_at")), "user": None,
        "owner": None, "hiringManager": None, "followers": [], "tags": [], "reqCode": None,
        "distributionChannels": ["public"], "workplaceType": "unspecified",
        "categories": {"team": j.get("department"), "department": j.get("department"), "location": None,
                       "commitment": "Full-time", "allLocations": []},
        "urls": {"list": "https://jobs.lever.co/example", "show": f"https://jobs.lever.co/example/{j['id']}"},
    } for j in sorted(req.world.data.get("jobs", []), key=lambda j: str(j["id"])) if j.get("ats") == "lever"]
