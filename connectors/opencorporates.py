"""OpenCorporates API v0.4: company search and company records across jurisdictions.

The token travels as the ``api_token`` query parameter, the only way the API takes it, so it is
in every request URL. ``connectors.http`` redacts it from landed and logged URLs; this module also
redacts it from urllib3's DEBUG connection log, the one place a raw request line is still logged.
Usage limits are per plan (calls per day and month); we pace at one call per second on average.
Searches page with ``page`` / ``per_page`` (at most 100) and report ``total_pages``.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import requests

from connectors.http import MalformedResponse, RestClient

PUBLIC_URL = "https://api.opencorporates.com/v0.4"
RATE_LIMIT = (60, 60.0)
MAX_PAGE = 100
_TOKEN_IN_TEXT = re.compile(r"(api_token=)[^&\s\"']+", re.IGNORECASE)


class _RedactTokenFilter(logging.Filter):
    """Rewrites ``api_token=<value>`` to ``api_token=***`` in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_TEXT.sub(r"\1***", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_TEXT.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def _install_log_redaction() -> None:
    logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactTokenFilter) for f in logger.filters):
        logger.addFilter(_RedactTokenFilter())


class PagePaginator:
    """``page`` + 1 while ``results.page < results.total_pages``."""

    def next(self, resp: requests.Response, page: Any,
             params: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None] | None:
        results = page.get("results") or {}
        current, total = results.get("page"), results.get("total_pages")
        if not results.get("companies") or not isinstance(current, int) or not isinstance(total, int):
            return None
        if current >= total:
            return None
        return resp.url.split("?", 1)[0], {**(params or {}), "page": current + 1}


class OpenCorporatesClient(RestClient):
    source = "opencorporates"

    def __init__(self, host: str | None = None, *, api_token: str, **rest_kwargs: Any):
        if not api_token:
            raise ValueError("opencorporates: an API token is required (connection password)")
        rest_kwargs.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or PUBLIC_URL, **rest_kwargs)
        self._api_token = api_token
        _install_log_redaction()

    def request(self, method: str, path_or_url: str, *, params: dict[str, Any] | None = None,
                **kwargs: Any) -> requests.Response:
        return super().request(method, path_or_url, params={**(params or {}), "api_token": self._api_token},
                               **kwargs)

    def search(self, q: str, limit: int = 10, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Company objects (unwrapped from ``{"company": ...}``), best first, at most ``limit``."""
        size = max(1, min(page_size or limit, MAX_PAGE))
        out: list[dict[str, Any]] = []
        for page in self.paginate(PagePaginator(), "companies/search", {"q": q, "page": 1, "per_page": size}):
            companies = _results(page, "/companies/search").get("companies", [])
            if not isinstance(companies, list):
                raise MalformedResponse(self.source, "/companies/search", "results.companies is not a list")
            out.extend(c["company"] for c in companies if isinstance(c, dict) and isinstance(c.get("company"), dict))
            if len(out) >= limit:
                break
        return out[:limit]

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
