"""OpenCorporates API v0.4, rendered from ``world.data["opencorporates"]`` under ``/v0.4``.

``GET /companies/search?q=&page=&per_page=`` and ``GET /companies/{jurisdiction}/{number}``; the
token is the ``api_token`` query parameter, 401 when missing or wrong.
"""

from __future__ import annotations

import math
from typing import Any

from sandbox import credentials
from sandbox.apis._registry_search import SearchIndex, int_arg, search
from sandbox.server import SandboxRequest, SandboxResponse, json_response

PREFIX = "/v0.4/"
SCHEME_NAMES = {"uk_sic_2007": "UK SIC Classification 2007", "eu_nace_2": "European Community NACE Rev 2",
                "us_naics_2017": "North American Industry Classification System 2017"}


def _error(status: int, message: str) -> SandboxResponse:
    return json_response({"error": {"message": message}}, status)


def handle(req: SandboxRequest) -> SandboxResponse:
    if req.arg("api_token") != credentials.OPENCORPORATES_API_TOKEN:
        return _error(401, "Invalid Api Token")
    if not req.path.startswith(PREFIX):
        return _error(404, "Not found")
    companies = req.world.data.get("opencorporates", [])
    fetched = f"{req.world.data.get('generated_for_day', '2026-01-01')}T06:00:00+00:00"
    parts = [p for p in req.path[len(PREFIX):].split("/") if p]
    if parts == ["companies", "search"]:
        return _search(req, companies, fetched)
    if len(parts) == 3 and parts[0] == "companies":
        jurisdiction, number = parts[1].lower(), parts[2]
        by_key = req.world.index("opencorporates.by_key", companies, lambda: _by_key(companies))
        if by_key is None:  # a malformed world: look it up the slow way, failing as it fails
            company = next((c for c in companies if c["jurisdiction_code"] == jurisdiction
                            and c["company_number"].upper() == number.upper()), None)
        else:
            company = by_key.get((jurisdiction, number.upper()))
        if company is None:
            return _error(404, "Not found")
        body = {**render(company, fetched), "identifiers": [], "officers": [], "filings": []}
        return json_response({"api_version": "0.4", "results": {"company": body}})
    return _error(404, "Not found")


def _by_key(companies: list[dict[str, Any]]) -> dict[tuple[Any, str], dict[str, Any]]:
    out: dict[tuple[Any, str], dict[str, Any]] = {}
    for c in companies:
        out.setdefault((c["jurisdiction_code"], c["company_number"].upper()), c)  # the first, as a scan finds it
    return out


def _names(c: dict[str, Any]) -> list[str]:
    return [c["name"], *(p["company_name"] for p in c.get("previous_names") or []),
            *(a["company_name"] for a in c.get("alternative_names") or [])]


def _search(req: SandboxRequest, companies: list[dict[str, Any]], fetched: str) -> SandboxResponse:
    q = (req.arg("q") or "").strip()
    per_page = int_arg(req.arg("per_page"), 30, 1, 100)
    page = int_arg(req.arg("page"), 1, 1)
    total, chunk = 0, []
    if q:
        index = req.world.index("opencorporates.search", companies, lambda: SearchIndex(companies, _names))
        if index is not None:
            total, found = index.search_page(q, (page - 1) * per_page, per_page)
        else:  # a malformed world: the plain search fails as it always did
            hits = search(companies, q, _names)
            total, found = len(hits), hits[(page - 1) * per_page: page * per_page]
        chunk = [c for c, _ in found]
    return json_response({"api_version": "0.4", "results": {
        "companies": [{"company": render(c, fetched)} for c in chunk], "page": page, "per_page": per_page,
        "total_pages": max(1, math.ceil(total / per_page)), "total_count": total}})


def render(c: dict[str, Any], fetched: str) -> dict[str, Any]:
    j, n = c["jurisdiction_code"], c["company_number"]
    registry = f"https://find-and-update.company-information.service.gov.uk/company/{n}" if j == "gb" else None
    status = c.get("current_status")
    return {
        "name": c["name"], "company_number": n, "jurisdiction_code": j,
        "incorporation_date": c.get("incorporation_date"), "dissolution_date": c.get("dissolution_date"),
        "company_type": c.get("company_type"), "registry_url": registry, "branch": None, "branch_status": None,
        "inactive": bool(c.get("dissolution_date")) or (status or "").lower() in ("dissolved", "inactive"),
        "current_status": status, "created_at": fetched, "updated_at": fetched, "retrieved_at": fetched,
        "opencorporates_url": f"https://opencorporates.com/companies/{j}/{n}",
        "previous_names": [{"company_name": p["company_name"], "start_date": p.get("start_date"),
                            "end_date": p.get("end_date"), "con_date": p.get("end_date")}
                           for p in c.get("previous_names") or []],
        "alternative_names": [{"company_name": a["company_name"], "type": a.get("type"), "language": a.get("language"),
                               "start_date": None, "end_date": None} for a in c.get("alternative_names") or []],
        "source": {"publisher": "Companies House" if j == "gb" else "Sandbox registry", "url": registry,
                   "retrieved_at": fetched},
        "registered_address": None, "registered_address_in_full": None,
        "industry_codes": [{"industry_code": {"code": ic["code"], "description": ic.get("description"),
                                              "code_scheme_id": ic.get("code_scheme_id"),
                                              "code_scheme_name": SCHEME_NAMES.get(ic.get("code_scheme_id") or "")}}
                           for ic in c.get("industry_codes") or []],
        "restricted_for_marketing": None, "native_company_number": None,
    }
