"""OpenCorporates API v0.4: company search and company records across jurisdictions.

The token travels as the ``api_token`` query parameter, the only way the API takes it, so it is
in every request URL (``connectors.auth.QueryParamKey``). The core redacts it from landed and logged
URLs, and the strategy from urllib3's DEBUG connection log, where a raw request line is still logged.
Usage limits are per plan (calls per day and month); we pace at one call per second on average.
Searches page with ``page`` / ``per_page`` (at most 100) and report ``total_pages``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from connectors.auth import QueryParamKey
from connectors.http import MalformedResponse, RestClient
from connectors.paging import PageNumber

PUBLIC_URL = "https://api.opencorporates.com/v0.4"
RATE_LIMIT = (60, 60.0)
MAX_PAGE = 100
PAGES = PageNumber("page", items=("results", "companies"), current=("results", "page"),
                   last=("results", "total_pages"))


class OpenCorporatesClient(RestClient):
    source = "opencorporates"

    def __init__(self, host: str | None = None, *, api_token: str, **rest_kwargs: Any):
        if not api_token:
            raise ValueError("opencorporates: an API token is required (connection password)")
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or PUBLIC_URL, auth=QueryParamKey("api_token", api_token), **rest_kwargs)

    def search(self, q: str, limit: int = 10, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Company objects (unwrapped from ``{"company": ...}``), best first, at most ``limit``."""
        size = max(1, min(page_size or limit, MAX_PAGE))
        out: list[dict[str, Any]] = []
        params = {"q": q, "page": 1, "per_page": size}
        for item in self.records(PAGES, "companies/search", params, items=("results", "companies")):
            if isinstance(item, dict) and isinstance(item.get("company"), dict):
                out.append(item["company"])
            if len(out) >= limit:
                break
        return out

    def company(self, jurisdiction: str, number: str) -> dict[str, Any]:
        """One company; raises ``NotFound`` when unknown."""
        path = f"companies/{quote(jurisdiction, safe='')}/{quote(number, safe='')}"
        company = _results(self.get_json(path), "/companies/{jurisdiction}/{number}").get("company")
        if not isinstance(company, dict):
            raise MalformedResponse(self.source, "/companies/{jurisdiction}/{number}", "results.company missing")
        return company


def _results(page: Any, endpoint: str) -> dict[str, Any]:
    results = page.get("results") if isinstance(page, dict) else None
    if not isinstance(results, dict):
        raise MalformedResponse("opencorporates", endpoint, "expected an object with results")
    return results
