"""Companies House public data API, rendered from ``world.data["companies_house"]``.

``GET /search/companies``, ``GET /company/{number}``, ``GET /company/{number}/officers``; Basic
auth with the sandbox key as the user name and an empty password, 401 otherwise, like the real API.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from sandbox import credentials
from sandbox.apis._registry_search import SearchIndex, int_arg, page_slice, search
from sandbox.server import SandboxRequest, SandboxResponse, json_response


def handle(req: SandboxRequest) -> SandboxResponse:
    if not _authorised(req.headers.get("authorization", "")):
        return json_response({"error": "Invalid Authorization", "type": "ch:service"}, 401)
    if req.method not in ("GET", "HEAD"):
        return json_response({"error": "Method Not Allowed", "type": "ch:service"}, 405)
    companies = req.world.data.get("companies_house", [])
    parts = [p for p in req.path.split("/") if p]
    if parts == ["search", "companies"]:
        return _search(req, companies)
    if len(parts) in (2, 3) and parts[0] == "company":
        by_number = req.world.index("companies_house.by_number", companies, lambda: _by_number(companies))
        if by_number is None:  # a malformed world: look it up the slow way, failing as it fails
            company = next((c for c in companies if c["company_number"] == parts[1].upper()), None)
        else:
            company = by_number.get(parts[1].upper())
        if company is None:
            return json_response({"errors": [{"error": "company-profile-not-found", "type": "ch:service"}]}, 404)
        if len(parts) == 2:
            return json_response(profile(company))
        if parts[2] == "officers":
            return _officers(req, company)
    return json_response({"errors": [{"error": "not-found", "type": "ch:service"}]}, 404)


def _authorised(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return user == credentials.COMPANIES_HOUSE_API_KEY and password == ""


def _by_number(companies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in companies:
        out.setdefault(c["company_number"], c)  # the first of duplicates, as a scan finds it
    return out


def _names(company: dict[str, Any]) -> list[str]:
    return [company["company_name"], *(p["name"] for p in company.get("previous_company_names") or [])]


def _search(req: SandboxRequest, companies: list[dict[str, Any]]) -> SandboxResponse:
    q = (req.arg("q") or "").strip()
    if not q:
        return json_response({"errors": [{"error": "q parameter is required", "type": "ch:service"}]}, 400)
    size = int_arg(req.arg("items_per_page"), 20, 1, 100)
    start = int_arg(req.arg("start_index"), 0, 0)
    index = req.world.index("companies_house.search", companies, lambda: SearchIndex(companies, _names))
    if index is not None:
        total, page = index.search_page(q, start, size)
    else:  # a malformed world: the plain search fails as it always did
        hits = search(companies, q, _names)
        total, page = len(hits), page_slice(hits, start, size)
    items = []
    for company, matched in page:
        item = _search_item(company)
        if matched != company["company_name"]:
            item["snippet"] = matched
            item["matches"] = {"snippet": [1, len(matched)]}
        items.append(item)
    return json_response({
        "etag": _etag("search", q, str(start), str(size)), "items": items, "items_per_page": size,
        "kind": "search#companies", "page_number": start // size + 1, "start_index": start,
        "total_results": total,
    })


def _search_item(c: dict[str, Any]) -> dict[str, Any]:
    address = c.get("registered_office_address") or {}
    ceased = c.get("date_of_cessation")
    item = {
        "kind": "searchresults#company", "title": c["company_name"], "company_number": c["company_number"],
        "company_status": c["company_status"], "company_type": c.get("type", "ltd"),
        "date_of_creation": c.get("date_of_creation"), "address": address,
        "address_snippet": ", ".join(str(v) for v in address.values() if v),
        "description": f"{c['company_number']} - " + (f"Dissolved on {ceased}" if ceased
                                                      else f"Incorporated on {c.get('date_of_creation')}"),
        "description_identifier": ["dissolved-on" if ceased else "incorporated-on"],
        "links": {"self": f"/company/{c['company_number']}"},
        "matches": {"title": [1, len(c["company_name"])]},
    }
    if ceased:
        item["date_of_cessation"] = ceased
    return item


def profile(c: dict[str, Any]) -> dict[str, Any]:
    number = c["company_number"]
    body: dict[str, Any] = {
        "company_name": c["company_name"], "company_number": number, "company_status": c["company_status"],
        "type": c.get("type", "ltd"), "jurisdiction": "england-wales",
        "date_of_creation": c.get("date_of_creation"),
        "registered_office_address": c.get("registered_office_address") or {},
        "has_insolvency_history": c["company_status"] in ("liquidation", "insolvency-proceedings"),
        "has_charges": False, "can_file": c["company_status"] == "active",
        "undeliverable_registered_office_address": False, "registered_office_is_in_dispute": False,
        "etag": _etag("company", number),
        "links": {"self": f"/company/{number}", "officers": f"/company/{number}/officers",
                  "filing_history": f"/company/{number}/filing-history"},
    }
    if c.get("date_of_cessation"):
        body["date_of_cessation"] = c["date_of_cessation"]
    if c.get("sic_codes"):
        body["sic_codes"] = list(c["sic_codes"])
    if c.get("previous_company_names"):
        body["previous_company_names"] = [dict(p) for p in c["previous_company_names"]]
    return body


def _officers(req: SandboxRequest, c: dict[str, Any]) -> SandboxResponse:
    number = c["company_number"]
    officers = c.get("officers") or []
    size = int_arg(req.arg("items_per_page"), 35, 1, 100)
    start = int_arg(req.arg("start_index"), 0, 0)
    items = []
    for i, o in enumerate(page_slice(officers, start, size), start):
        appointment = _etag("officer", number, str(i))[:27]
        item = {"name": o["name"], "officer_role": o.get("officer_role", "director"),
                "appointed_on": o.get("appointed_on"),
                "links": {"self": f"/company/{number}/appointments/{appointment}",
                          "officer": {"appointments": f"/officers/{appointment}/appointments"}}}
        if o.get("resigned_on"):
            item["resigned_on"] = o["resigned_on"]
        items.append(item)
    resigned = sum(1 for o in officers if o.get("resigned_on"))
    return json_response({
        "etag": _etag("officers", number, str(start)), "items": items, "items_per_page": size,
        "kind": "officer-list", "links": {"self": f"/company/{number}/officers"}, "start_index": start,
        "total_results": len(officers), "active_count": len(officers) - resigned,
        "resigned_count": resigned, "inactive_count": 0,
    })


def _etag(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()
