"""UK Companies House public data API: company search, profile and officers.

Auth is HTTP Basic with the API key as the user name and an empty password. The documented limit
is 600 requests per 5 minutes per key; a 429 usually comes without ``Retry-After``, so the retry
budget is long enough to outlast one window (parallel workers share the key, so the local limiter
alone cannot prevent every 429). Lists page with ``items_per_page`` / ``start_index`` (0-based).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from connectors.auth import BasicAuth
from connectors.http import MalformedResponse, RestClient, RetryPolicy
from connectors.paging import Offset

PUBLIC_URL = "https://api.company-information.service.gov.uk"
RATE_LIMIT = (600, 300.0)
# a 429 usually has no Retry-After: the budget outlasts one 5-minute window
RETRY = RetryPolicy(base=1.0, cap=60.0, max_total=330.0, max_attempts=10)
MAX_PAGE = 100  # the API's largest items_per_page
PAGES = Offset("start_index", items=("items",), total=("total_results",))


class CompaniesHouseClient(RestClient):
    source = "companies_house"

    def __init__(self, host: str | None = None, *, api_key: str, **rest_kwargs: Any):
        if not api_key:
            raise ValueError("companies_house: an API key is required (connection password)")
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        rest_kwargs.setdefault("retry", RETRY)
        super().__init__(host or PUBLIC_URL, auth=BasicAuth(api_key), **rest_kwargs)

    def search(self, q: str, limit: int = 20, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Search results (``items``) best first, at most ``limit`` of them."""
        size = max(1, min(page_size or limit, MAX_PAGE))
        return self._collect("search/companies", {"q": q, "items_per_page": size, "start_index": 0}, limit)

    def company(self, number: str) -> dict[str, Any]:
        """The company profile; raises ``NotFound`` for an unknown number."""
        page = self.get_json(f"company/{quote(number, safe='')}")
        if not isinstance(page, dict) or "company_number" not in page:
            raise MalformedResponse(self.source, "/company/{number}", "profile without company_number")
        return page

    def officers(self, number: str, limit: int = 500, *, page_size: int = 35) -> list[dict[str, Any]]:
        params = {"items_per_page": max(1, min(page_size, MAX_PAGE)), "start_index": 0}
        return self._collect(f"company/{quote(number, safe='')}/officers", params, limit)

    def _collect(self, path: str, params: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item in self.records(PAGES, path, params, items=("items",), missing_is_empty=True):
            out.append(item)
            if len(out) >= limit:
                break
        return out
