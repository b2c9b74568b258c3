"""ORCID public API v3.0 in the sandbox: ``GET /v3.0/{orcid}/employments``.

Like the real registry it negotiates content: JSON only when the Accept header asks for it
(``application/vnd.orcid+json``, ``application/orcid+json`` or ``application/json``), XML with the
ORCID namespaces otherwise, so a client that forgets the header sees exactly what production sends.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sandbox.server import SandboxRequest, SandboxResponse

_PATH = re.compile(r"^/v3\.0/(\d{4}-\d{4}-\d{4}-\d{3}[0-9X])/employments/?$")
JSON_TYPE = "application/vnd.orcid+json; qs=4;charset=UTF-8"
XML_TYPE = "application/vnd.orcid+xml; qs=5;charset=UTF-8"
NAMESPACES = {
    "common": "http://www.orcid.org/ns/common",
    "activities": "http://www.orcid.org/ns/activities",
    "employment": "http://www.orcid.org/ns/employment",
    "error": "http://www.orcid.org/ns/error",
}
MODIFIED_MS = 1_577_836_800_000  # the world carries no ORCID timestamps; a fixed one keeps answers stable
MODIFIED_ISO = "2020-01-01T00:00:00.000Z"


def wants_json(accept: str | None) -> bool:
    return any(t in (accept or "").lower() for t in ("application/vnd.orcid+json", "application/orcid+json",
                                                     "application/json"))


def handle(req: SandboxRequest) -> SandboxResponse:
    as_json = wants_json(req.headers.get("accept"))
    if req.method not in ("GET", "HEAD"):
        return _error(405, "Method not allowed", as_json)
    m = _PATH.match(req.path)
    person = (req.world.data.get("orcid") or {}).get(m.group(1)) if m else None
    if m is None or person is None:
        return _error(404, "The resource was not found.", as_json)
    oid = m.group(1)
    if as_json:
        return SandboxResponse(200, employments_json(oid, person), {}, JSON_TYPE)
    return SandboxResponse(200, employments_xml(oid, person).encode(), {}, XML_TYPE)


def _part(d: dict[str, Any], key: str) -> str | None:
    """ORCID sends date parts as strings, month and day zero-padded ("03")."""
    v = d.get(key)
    if v in (None, ""):
        return None
    text = str(v)
    return text.zfill(2) if key != "year" and text.isdigit() and len(text) == 1 else text


def _fuzzy_date(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if not d:
        return None
    return {k: ({"value": p} if (p := _part(d, k)) is not None else None) for k in ("year", "month", "day")}


def _source(oid: str, person: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(p for p in (person.get("given_names"), person.get("family_name")) if p)
    return {"source-orcid": {"uri": f"https://orcid.org/{oid}", "path": oid, "host": "orcid.org"},
            "source-client-id": None, "source-name": {"value": name or None},
            "assertion-origin-orcid": None, "assertion-origin-client-id": None, "assertion-origin-name": None}


def employments_json(oid: str, person: dict[str, Any]) -> dict[str, Any]:
    groups = []
    for i, e in enumerate(person.get("employments") or []):
        org = e.get("organization") or {}
        addr = org.get("address") or {}
        summary = {
            "created-date": {"value": MODIFIED_MS}, "last-modified-date": {"value": MODIFIED_MS},
            "source": _source(oid, person), "put-code": e.get("put_code"),
            "department-name": e.get("department_name"), "role-title": e.get("role_title"),
            "start-date": _fuzzy_date(e.get("start_date")), "end-date": _fuzzy_date(e.get("end_date")),
            "organization": {"name": org.get("name"),
                             "address": {"city": addr.get("city"), "region": addr.get("region"),
                                         "country": addr.get("country")},
                             "disambiguated-organization": None},
            "url": None, "external-ids": {"external-id": []}, "display-index": str(i), "visibility": "public",
            "path": f"/{oid}/employment/{e.get('put_code')}",
        }
        groups.append({"last-modified-date": {"value": MODIFIED_MS}, "external-ids": {"external-id": []},
                       "summaries": [{"employment-summary": summary}]})
    return {"last-modified-date": {"value": MODIFIED_MS} if groups else None, "affiliation-group": groups,
            "path": f"/{oid}/employments"}


def _el(tag: str, value: Any) -> str:
    return "" if value in (None, "") else f"<{tag}>{escape(str(value))}</{tag}>"


def _date_xml(tag: str, d: dict[str, Any] | None) -> str:
    if not d:
        return ""
    inner = "".join(_el(f"common:{k}", _part(d, k)) for k in ("year", "month", "day"))
    return f"<common:{tag}>{inner}</common:{tag}>"


def employments_xml(oid: str, person: dict[str, Any]) -> str:
    ns = " ".join(f'xmlns:{p}="{u}"' for p, u in NAMESPACES.items())
    name = " ".join(p for p in (person.get("given_names"), person.get("family_name")) if p)
    groups = []
    for i, e in enumerate(person.get("employments") or []):
        org = e.get("organization") or {}
        addr = org.get("address") or {}
        put = e.get("put_code")
        path = quoteattr(f"/{oid}/employment/{put}")
        groups.append(
            "<activities:affiliation-group>"
            f"<common:last-modified-date>{MODIFIED_ISO}</common:last-modified-date><common:external-ids/>"
            f'<employment:employment-summary put-code="{put}" display-index="{i}" path={path} visibility="public">'
            f"<common:created-date>{MODIFIED_ISO}</common:created-date>"
            f"<common:last-modified-date>{MODIFIED_ISO}</common:last-modified-date>"
            f"<common:source><common:source-orcid><common:uri>https://orcid.org/{oid}</common:uri>"
            f"<common:path>{oid}</common:path><common:host>orcid.org</common:host></common:source-orcid>"
            f"{_el('common:source-name', name)}</common:source>"
            f"{_el('common:department-name', e.get('department_name'))}{_el('common:role-title', e.get('role_title'))}"
            f"{_date_xml('start-date', e.get('start_date'))}{_date_xml('end-date', e.get('end_date'))}"
            f"<common:organization>{_el('common:name', org.get('name'))}<common:address>"
            f"{_el('common:city', addr.get('city'))}{_el('common:region', addr.get('region'))}"
            f"{_el('common:country', addr.get('country'))}</common:address></common:organization>"
            "</employment:employment-summary></activities:affiliation-group>"
        )
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<activities:employments path="/{oid}/employments" {ns}>'
            + (f"<common:last-modified-date>{MODIFIED_ISO}</common:last-modified-date>" if groups else "")
            + "".join(groups) + "</activities:employments>")


def _error(status: int, message: str, as_json: bool) -> SandboxResponse:
    dev = f"{status} {message}"
    if as_json:
        body = {"response-code": status, "developer-message": dev, "user-message": message,
                "error-code": 9016 if status == 404 else 9000,
                "more-info": "https://info.orcid.org/documentation/api-tutorials/"}
        return SandboxResponse(status, body, {}, JSON_TYPE)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<error:error xmlns:error="{NAMESPACES["error"]}"><error:response-code>{status}</error:response-code>'
           f"<error:developer-message>{escape(dev)}</error:developer-message>"
           f"<error:user-message>{escape(message)}</error:user-message></error:error>")
    return SandboxResponse(status, xml.encode(), {}, XML_TYPE)
